/**
 * adc_bridge and dac_bridge at DC, one bit per device (both are elementwise
 * over their vector ports), as their ngspice 39 cfunc.mod at TIME == 0:
 *
 * - adc_bridge: analog input u (V of a %v / %vd port, A of a %i / %id /
 *   %vnam port) to a STRONG digital output: ZERO when u <= in_low, ONE when
 *   u >= in_high, else UNKNOWN. It draws nothing from the analog circuit.
 * - dac_bridge: digital input to the analog output y = out_low (ZERO),
 *   out_high (ONE) or out_undef (UNKNOWN); out_undef defaults to the middle
 *   of out_low and out_high when both are written on the card and it is not
 *   (else to its own default 0.5). A %v / %vd output is an ideal voltage
 *   source V(a) - V(b) = y (branch current from a through it to b), a
 *   %i / %id output the current y from a through the model to b.
 */
import { reserveBranch, stampVoltageBranch, type BranchHandles } from "../../stamp.js";
import type { LoadContext, ResolveContext, SetupContext, VoltageBranch } from "../../types.js";
import { branchUnknowns, gatherInputs, resolveInputBranches } from "../inputs.js";
import type { XDeviceInput } from "../xspice.js";
import { ONE, STRONG, UNKNOWN, ZERO, dval, type DigitalPin } from "./event.js";
import { EventDevice } from "./device.js";
import { delays, dport, load, type DigitalModelDef } from "./models.js";

export const BRIDGES: Record<string, DigitalModelDef> = {
  adc_bridge: {
    ports: [
      { name: "in", dir: "in", allowed: ["v", "vd", "i", "id", "vnam"], defType: "v", vectorMin: 1 },
      dport("out", "out", { vectorMin: 1 }),
    ],
    params: [
      { name: "in_low", kind: "real", def: 0.1 },
      { name: "in_high", kind: "real", def: 0.9 },
      ...delays("rise_delay", "fall_delay"),
    ],
    bridge: "adc",
  },
  dac_bridge: {
    ports: [
      dport("in", "in", { vectorMin: 1 }),
      { name: "out", dir: "out", allowed: ["v", "vd", "i", "id"], defType: "v", vectorMin: 1 },
    ],
    params: [
      { name: "out_low", kind: "real", def: 0 },
      { name: "out_high", kind: "real", def: 1 },
      { name: "out_undef", kind: "real", def: 0.5 },
      load("input_load"),
      { name: "t_rise", kind: "real", def: 1e-9, limits: [1e-12, Infinity] },
      { name: "t_fall", kind: "real", def: 1e-9, limits: [1e-12, Infinity] },
    ],
    bridge: "dac",
  },
};

/**
 * One bit of an adc_bridge: its analog input read at the analog solution;
 * also the device of a model with one analog input and one digital output
 * (d_osc), by its own `level`.
 */
export class AdcBit extends EventDevice {
  override readonly hybridIn = true;
  override readonly nodes: readonly number[];
  readonly readsBranch: boolean;
  private readonly branches: Array<VoltageBranch | null> = [null];
  private readonly kctrl = new Int32Array(1).fill(-1);
  private readonly u = new Float64Array(1);

  constructor(
    name: string,
    private readonly input: XDeviceInput,
    out: DigitalPin,
    /** The output's value (state + 3 strength) at the input u (V or A). */
    private readonly level: (u: number) => number,
    model = "adc_bridge",
  ) {
    super(name, model, [], [out], null);
    this.nodes = input.kind === "v" ? [input.p, input.n] : [];
    this.readsBranch = input.kind === "i";
  }

  override resolve(ctx: ResolveContext): void {
    resolveInputBranches(this.name, [this.input], ctx, this.branches);
    super.resolve(ctx);
  }

  override setup(_ctx: SetupContext): void {
    branchUnknowns(this.branches, this.kctrl);
  }

  override evaluate(_ins: Int8Array, outs: Uint8Array, V: Float64Array, x: Float64Array): void {
    const u = gatherInputs([this.input], this.kctrl, V, x, this.u)[0];
    outs[0] = this.level(u);
  }
}

/** adc_bridge's output at u, between its thresholds in_low and in_high (V or A). */
export function adcLevel(inLow: number, inHigh: number): (u: number) => number {
  return (u) => dval(u <= inLow ? ZERO : u >= inHigh ? ONE : UNKNOWN, STRONG);
}

/**
 * One bit of a dac_bridge: its analog output follows its digital input's
 * state; also the device of a model with event inputs and one analog output
 * (real_to_v), by its own `level`.
 */
export class DacBit extends EventDevice {
  override readonly linear = false;
  override readonly symmetric = false;
  override readonly nodes: readonly number[];
  readonly definesVoltage: boolean;
  k = -1;
  /** The output (V for a voltage output, A for a current output), set when the digital nodes settle. */
  private y: number;
  private hk: BranchHandles | null = null;
  private ra = -1;
  private rb = -1;

  constructor(
    name: string,
    inp: DigitalPin,
    private readonly out: "v" | "i",
    private readonly a: number,
    private readonly b: number,
    /** The output (V or A) from the inputs' states `ins` and real values `rins`. */
    private readonly level: (ins: Int8Array, rins: Float64Array) => number,
    model = "dac_bridge",
  ) {
    super(name, model, [inp], [], null);
    this.nodes = [a, b];
    this.definesVoltage = out === "v";
    // before the first event iteration the input node reads its initial value (ZERO, or 0 for a real node)
    this.y = level(new Int8Array(1), new Float64Array(1));
  }

  override evaluate(): void {}

  settle(ins: Int8Array, rins: Float64Array): void {
    this.y = this.level(ins, rins);
  }

  override loadsNothing(): boolean {
    return false;
  }

  override setup(ctx: SetupContext): void {
    if (this.out === "v") this.hk = reserveBranch(ctx, this.a, this.b, this.k);
    else {
      this.ra = ctx.row(this.a);
      this.rb = ctx.row(this.b);
    }
  }

  override load(ctx: LoadContext): void {
    if (this.hk) stampVoltageBranch(ctx, this.hk, this.y);
    else {
      ctx.b[this.ra] -= this.y;
      ctx.b[this.rb] += this.y;
    }
  }

  override addCurrents(_V: Float64Array, x: Float64Array, _time: number, out: Float64Array): void {
    const i = this.out === "v" ? x[this.k] : this.y;
    out[this.a] += i;
    out[this.b] -= i;
  }

  dcGroups(): ReadonlyArray<readonly number[]> {
    return [];
  }
}

/** dac_bridge's output from its input's state: out_low (ZERO), out_high (ONE), out_undef (UNKNOWN), in V or A. */
export function dacLevel(levels: readonly [number, number, number]): (ins: Int8Array) => number {
  return (ins) => levels[ins[0] === ZERO ? 0 : ins[0] === ONE ? 1 : 2];
}
