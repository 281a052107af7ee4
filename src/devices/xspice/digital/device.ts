/**
 * The device of an XSPICE digital instance (a gate, a flip-flop, one bit of
 * a bridge): an event instance of the circuit's digital network (event.ts),
 * which it joins when the circuit resolves its references. A purely digital
 * instance stamps nothing in the analog system; the bridges (bridges.ts)
 * read or drive analog nodes. The DC analyses find the network through
 * `eventNetwork`; a transient or AC analysis refuses the circuit.
 */
import type { Device, EventNetwork, LoadContext, ResolveContext, SetupContext } from "../../types.js";
import { networkOf, type DigitalNetwork, type DigitalPin, type EventInstance } from "./event.js";
import type { DigitalBehaviour } from "./models.js";

export class EventDevice implements Device, EventInstance {
  readonly linear: boolean = true;
  readonly symmetric: boolean = true;
  readonly hybridIn: boolean = false;
  readonly nodes: readonly number[] = [];
  protected net: DigitalNetwork | null = null;

  constructor(
    readonly name: string,
    /** Its code model (d_and, adc_bridge, ...), for the messages. */
    readonly model: string,
    readonly dIn: ReadonlyArray<DigitalPin | null>,
    readonly dOut: ReadonlyArray<DigitalPin | null>,
    private readonly beh: DigitalBehaviour | null,
  ) {}

  resolve(ctx: ResolveContext): void {
    this.net = networkOf(ctx);
    this.net.add(this, ctx);
  }

  eventNetwork(): EventNetwork | null {
    return this.net;
  }

  evaluate(ins: Int8Array, outs: Uint8Array, _V: Float64Array, _x: Float64Array, first: boolean, rins: Float64Array, routs: Float64Array): void {
    this.beh!.evaluate(ins, outs, first, rins, routs);
  }

  loadsNothing(): boolean {
    return true;
  }

  setup(_ctx: SetupContext): void {}

  load(_ctx: LoadContext): void {}

  addCurrents(_V: Float64Array, _x: Float64Array, _time: number, _out: Float64Array): void {}

  /** No small-signal model: acRefusal says why an AC analysis refuses it. */
  acLoad(): void {
    throw new Error(this.acRefusal() ?? this.name);
  }

  transientRefusal(): string | null {
    return `${this.name}: XSPICE digital model ${this.model} runs at the DC operating point and .dc sweeps only (its event-driven transient, with delays, is not modelled)`;
  }

  acRefusal(): string | null {
    return `${this.name}: XSPICE digital model ${this.model} runs at the DC operating point and .dc sweeps only (an AC analysis of a circuit with digital models is not modelled)`;
  }

  tempSweepRefusal(): string | null {
    return null;
  }
}
