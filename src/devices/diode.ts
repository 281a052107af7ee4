/**
 * Junction diode from anode a to cathode k (Shockley, ngspice's DC model),
 * with GMIN across the junction and an optional series resistance RS that
 * adds an internal anode node a'.
 *
 * Linearization at the junction voltage vd (Newton, companion model):
 *   geq = i'(vd) + gmin;  ieq = i(vd) + gmin*vd - geq*vd
 * Co-content: E = integral_0^vd i + gmin vd^2/2 (+ RS's g v^2/2).
 * Step limiting: SPICE's pnjlim on vd, from the last iterate's vd; in
 * breakdown (BV given, vd below -xbv + 10 NBV Vt) pnjlim on -(vd + xbv)
 * with NBV Vt, as ngspice's dioload.c.
 */
import { junctionCocontent, junctionCurrent, type JunctionParams } from "./diode-model.js";
import { reservePair, stampConductance, stampCurrentSource, type PairHandles } from "./stamp.js";
import type { BranchLaw, BranchPoint, Device, LoadContext, SetupContext } from "./types.js";

const scratch = { i: 0, g: 0 };
const point: BranchPoint = { v: 0, i: 0, g: 0 };

/**
 * SPICE pnjlim: limit the new junction voltage given the old one. Returns
 * the limited value (=== vnew when not limited; no allocation, it runs once
 * per junction per Newton iteration).
 */
export function pnjlim(vnew: number, vold: number, vt: number, vcrit: number): number {
  if (vnew > vcrit && Math.abs(vnew - vold) > vt + vt) {
    if (vold > 0) {
      const arg = 1 + (vnew - vold) / vt;
      return arg > 0 ? vold + vt * Math.log(arg) : vcrit;
    }
    return vt * Math.log(vnew / vt);
  }
  if (vnew < 0) {
    const arg = vold > 0 ? -1 * vold - 1 : 2 * vold - 1;
    if (vnew < arg) return arg;
  }
  return vnew;
}

export class Diode implements Device, BranchLaw {
  readonly linear = false;
  readonly symmetric = true;
  readonly power = "dissipates";
  readonly nodes: readonly number[];
  private hj!: PairHandles;
  private hs: PairHandles | null = null;
  /** Junction voltage of the last iterate (V): the limiter's memory. */
  private vdLast = 0;

  /**
   * @param a anode node, k cathode node, ai internal anode node (== a when RS = 0)
   * @param gs series conductance 1/RS (S), 0 when RS = 0
   */
  constructor(
    readonly name: string,
    readonly a: number,
    readonly k: number,
    readonly ai: number,
    readonly junction: JunctionParams,
    readonly gs: number,
  ) {
    this.nodes = ai === a ? [a, k] : [a, k, ai];
  }

  /** Anode, cathode and the internal anode are joined at DC (the junction's GMIN, RS). */
  dcGroups(): ReadonlyArray<readonly number[]> {
    return [[this.a, this.k, this.ai]];
  }

  setup(ctx: SetupContext): void {
    this.hj = reservePair(ctx, this.ai, this.k);
    if (this.ai !== this.a) this.hs = reservePair(ctx, this.a, this.ai);
  }

  /**
   * Companion model of the junction at vd (V): SPICE's INITJCT start at
   * vcrit, else pnjlim from the last iterate's vd (which it remembers).
   *   geq = i'(vd) + gmin;  ieq = i(vd) + gmin*vd - geq*vd
   */
  linearize(vdIn: number, initJunctions: boolean, gmin: number, out: BranchPoint): boolean {
    let vd = vdIn;
    let limited = false;
    const j = this.junction;
    if (initJunctions) vd = j.vcrit;
    else {
      if (vdIn < Math.min(0, -j.bv + 10 * j.vtebrk)) {
        // breakdown: limit the step of the reversed voltage past xbv, on the breakdown exponential's scale
        vd = -(pnjlim(-(vdIn + j.bv), -(this.vdLast + j.bv), j.vtebrk, j.vcrit) + j.bv);
      } else vd = pnjlim(vdIn, this.vdLast, j.vte, j.vcrit);
      limited = vd !== vdIn;
    }
    this.vdLast = vd;
    junctionCurrent(this.junction, vd, scratch);
    out.v = vd;
    out.g = scratch.g + gmin;
    out.i = scratch.i + gmin * vd;
    return limited;
  }

  load(ctx: LoadContext): void {
    if (this.linearize(ctx.V[this.ai] - ctx.V[this.k], ctx.initJunctions, ctx.gmin, point)) ctx.noncon = true;
    // geq = i'(vd); ieq = i(vd) - geq*vd
    stampConductance(ctx, this.hj, point.g);
    stampCurrentSource(ctx, this.hj, point.i - point.g * point.v);
    if (this.hs) stampConductance(ctx, this.hs, this.gs);
  }

  /** Without series resistance the junction is the whole device: a branch law from anode to cathode. */
  branchLaw(): BranchLaw | null {
    return this.ai === this.a ? this : null;
  }

  get b(): number {
    return this.k;
  }

  /** Junction current (A) flowing anode -> cathode at the point V, GMIN included. */
  current(V: Float64Array, gmin: number): number {
    const vd = V[this.ai] - V[this.k];
    junctionCurrent(this.junction, vd, scratch);
    return scratch.i + gmin * vd;
  }

  /** GMIN used by addCurrents/cocontent (set by the circuit from `.options gmin`). */
  gmin = 1e-12;

  addCurrents(V: Float64Array, _x: Float64Array, _t: number, out: Float64Array): void {
    const i = this.current(V, this.gmin);
    out[this.ai] += i;
    out[this.k] -= i;
    if (this.ai !== this.a) {
      const is = this.gs * (V[this.a] - V[this.ai]);
      out[this.a] += is;
      out[this.ai] -= is;
    }
  }

  cocontent(V: Float64Array): number {
    const vd = V[this.ai] - V[this.k];
    let e = junctionCocontent(this.junction, vd) + 0.5 * this.gmin * vd * vd;
    if (this.ai !== this.a) {
      const vs = V[this.a] - V[this.ai];
      e += 0.5 * this.gs * vs * vs;
    }
    return e;
  }

  /** Forget the limiter's memory (a new, unrelated solve). */
  reset(): void {
    this.vdLast = 0;
  }
}
