/**
 * The EqProp nudge: the cost term beta * C_k of one output, as a device.
 * For an output read as V(p) - V(n) with target y (V), C_k = (V(p) - V(n) - y)^2 / 2,
 * so the nudge draws the current beta * (V(p) - V(n) - y) out of p and into n
 * (i.e. injects beta * (y - out) into p), with beta in siemens.
 *
 * Linearization (it is linear in V):
 *   geq = beta between p and n;  ieq = -beta * y flowing from p to n.
 * Co-content: beta * (V(p) - V(n) - y)^2 / 2. Reciprocal, so the nudged
 * circuit keeps a symmetric system and an energy F = E + beta C.
 * It is flagged non-linear only so the engine re-stamps it every iteration:
 * beta changes between phases without invalidating the cached linear stamps.
 */
import { reservePair, stampConductance, stampCurrentSource, type PairHandles } from "../stamp.js";
import type { BranchLaw, BranchPoint, Device, LoadContext, SetupContext } from "../types.js";

export class Nudge implements Device, BranchLaw {
  readonly linear = false;
  readonly symmetric = true;
  readonly nodes: readonly number[];
  /** Nudge strength (S); 0 in the free phase. */
  beta = 0;
  /** Target of V(p) - V(n) (V). */
  target = 0;
  private h!: PairHandles;

  constructor(
    readonly name: string,
    readonly p: number,
    readonly n: number,
  ) {
    this.nodes = [p, n];
  }

  setup(ctx: SetupContext): void {
    this.h = reservePair(ctx, this.p, this.n);
  }

  load(ctx: LoadContext): void {
    if (this.beta === 0) return;
    stampConductance(ctx, this.h, this.beta);
    stampCurrentSource(ctx, this.h, -this.beta * this.target);
  }

  /** Linear: g = beta, i = beta (v - target) from p to n. */
  linearize(_init: boolean, out: BranchPoint): boolean {
    out.g = this.beta;
    out.i = this.beta * (out.v - this.target);
    return false;
  }

  get a(): number {
    return this.p;
  }

  get b(): number {
    return this.n;
  }

  branchLaw(): BranchLaw {
    return this;
  }

  addCurrents(V: Float64Array, _x: Float64Array, _t: number, out: Float64Array): void {
    const i = this.beta * (V[this.p] - V[this.n] - this.target);
    out[this.p] += i;
    out[this.n] -= i;
  }

  cocontent(V: Float64Array): number {
    const e = V[this.p] - V[this.n] - this.target;
    return 0.5 * this.beta * e * e;
  }
}
