/**
 * Resistor / conductance between nodes a and b.
 * Current leaving a: i = g (Va - Vb). Co-content: E = g (Va - Vb)^2 / 2 (W).
 * `g` (S) is mutable: trainable conductances are resistors whose g the trainer writes.
 */
import { reservePair, stampConductance, type PairHandles } from "./stamp.js";
import type { Device, LoadContext, SetupContext } from "./types.js";

export class Resistor implements Device {
  readonly linear = true;
  readonly symmetric = true;
  readonly nodes: readonly number[];
  private h!: PairHandles;

  constructor(
    readonly name: string,
    readonly a: number,
    readonly b: number,
    /** Conductance in siemens. */
    public g: number,
  ) {
    this.nodes = [a, b];
  }

  setup(ctx: SetupContext): void {
    this.h = reservePair(ctx, this.a, this.b);
  }

  load(ctx: LoadContext): void {
    stampConductance(ctx, this.h, this.g);
  }

  addCurrents(V: Float64Array, _x: Float64Array, _t: number, out: Float64Array): void {
    const i = this.g * (V[this.a] - V[this.b]);
    out[this.a] += i;
    out[this.b] -= i;
  }

  cocontent(V: Float64Array): number {
    const v = V[this.a] - V[this.b];
    return 0.5 * this.g * v * v;
  }
}
