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
 *
 * Charge in a transient (CJO or TT given, LoadContext.integ set), as
 * dioload.c integrates it: the junction's charge q(vd) (diodeCharge:
 * depletion plus TT i(vd)) sits across the junction, internal anode a' to
 * cathode k, and its current by the integrator's formula (companionHistory
 * applied to the charge) is
 *   iq = a0 q(vd) + hist(q_n, q_{n-1}, iq_n),  d iq / d vd = a0 C(vd),
 * added to the junction's companion model:
 *   geq = i'(vd) + gmin + a0 C(vd);  ieq = i(vd) + gmin*vd + iq - geq*vd.
 * `accept` re-evaluates the charge at the converged voltage and shifts the
 * history; `startCharges` takes the initial state with no current; the step
 * is bounded by the charge's truncation error (ngspice's DIOtrunc). A diode
 * without CJO and TT has no charge and loads as in DC.
 */
import { chargeStepBound, companionHistory, keepIntegration, type ChargeTruncationSpec } from "../capacitor/capacitor.js";
import { diodeCharge, junctionCocontent, junctionCurrent, type DiodeCharge, type JunctionParams } from "./diode-model.js";
import { reservePair, stampConductance, stampCurrentSource, type PairHandles } from "../stamp.js";
import { BranchPointBuffer, type AcLoadContext, type BranchLaw, type BranchPoint, type Device, type IntegrationState, type LoadContext, type SetupContext } from "../types.js";

const scratch = { i: 0, g: 0 };
const point: BranchPoint = new BranchPointBuffer();

/**
 * ngspice's DEVpnjlim (devsup.c, ngspice 39): limit the new junction
 * voltage vnew given the old one vold (V), on the scale vt (V) above vcrit
 * (V). Forward steps larger than 2 vt from a forward-biased vold grow
 * logarithmically, in ngspice's form vold +- vt (2 + ln(|dv| / vt - 2)), not
 * SPICE3's vold + vt ln(1 + dv / vt): the two give different Newton paths
 * (and a multistable circuit a different state) from the same start.
 * Returns the limited value (=== vnew when not limited; no allocation, it
 * runs once per junction per Newton iteration).
 */
export function pnjlim(vnew: number, vold: number, vt: number, vcrit: number): number {
  if (vnew > vcrit && Math.abs(vnew - vold) > vt + vt) {
    if (vold > 0) {
      const arg = (vnew - vold) / vt;
      return arg > 0 ? vold + vt * (2 + Math.log(arg - 2)) : vold - vt * (2 + Math.log(2 - arg));
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
  /**
   * ngspice's OFF (`off` on the element line): the operating point starts
   * with this device's junction voltages at 0 instead of the INITJCT
   * guess, and op.ts holds them there (holdOff) until the rest of the
   * circuit has converged (ngspice's MODEINITJCT and MODEINITFIX), then
   * lets them go (MODEINITFLOAT).
   */
  off = false;
  /** Set by op.ts while OFF holds the junction voltages at 0. */
  holdOff = false;
  /** Junction voltage of the last iterate (V): the limiter's memory. */
  private vdLast = 0;
  /** The junction's charge parameters; null without CJO and TT. */
  private readonly qp: DiodeCharge | null;
  private readonly qNodes: readonly number[];
  /** Charge (C), its current (A) and capacitance (F) at the last charge evaluation. */
  private q0 = 0;
  private iq0 = 0;
  private c0 = 0;
  /** Accepted history: charge at t_n, t_{n-1}, t_{n-2} (C), current at t_n (A). */
  private q1 = 0;
  private q2 = 0;
  private q3 = 0;
  private iq1 = 0;
  /** True once startCharges set the history. */
  private started = false;
  /** Integration state of the last transient load (accept re-evaluates with it). */
  private readonly lastInteg: IntegrationState = { a0: 0, method: "be", ratio: 1 };
  private haveInteg = false;
  private readonly qOut = { q: 0, c: 0 };
  private readonly qHist = new Float64Array(4);

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
    this.qp = junction.charge;
    this.qNodes = this.qp ? [ai, k] : [];
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
  linearize(initJunctions: boolean, out: BranchPoint): boolean {
    const vdIn = out.v;
    const gmin = out.gmin;
    let vd = vdIn;
    let limited = false;
    const j = this.junction;
    if (this.holdOff) vd = 0; // OFF: vd = 0 (dioload.c, MODEINITJCT / MODEINITFIX with DIOoff)
    else if (initJunctions) vd = j.vcrit;
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
    point.v = ctx.V[this.ai] - ctx.V[this.k];
    point.gmin = ctx.gmin;
    if (this.linearize(ctx.initJunctions, point)) ctx.noncon = true;
    const integ = ctx.integ;
    if (integ !== null && this.qp !== null) {
      if (!this.started) throw new Error(`${this.name}: transient load before startCharges`);
      keepIntegration(this.lastInteg, integ);
      this.haveInteg = true;
      // scratch holds the junction's i(vd), i'(vd) (no GMIN) from linearize
      this.chargeStep(point.v, scratch.i, scratch.g, integ);
      point.g += integ.a0 * this.c0;
      point.i += this.iq0;
    }
    // geq = i'(vd); ieq = i(vd) - geq*vd
    stampConductance(ctx, this.hj, point.g);
    stampCurrentSource(ctx, this.hj, point.i - point.g * point.v);
    if (this.hs) stampConductance(ctx, this.hs, this.gs);
  }

  /**
   * AC, at the operating point's junction voltage vd (no limiting, as the
   * converged solution): the junction's conductance i'(vd) + gmin and
   * capacitance C(vd) = dq/dvd (diodeCharge: depletion plus TT i'(vd)),
   * RS's conductance (ngspice's DIOacLoad).
   */
  acLoad(ctx: AcLoadContext): void {
    const V = ctx.g.V;
    const vd = V[this.ai] - V[this.k];
    junctionCurrent(this.junction, vd, scratch);
    stampConductance(ctx.g, this.hj, scratch.g + ctx.g.gmin);
    if (this.hs) stampConductance(ctx.g, this.hs, this.gs);
    if (this.qp) {
      diodeCharge(this.qp, vd, scratch.i, scratch.g, this.qOut);
      stampConductance(ctx.c, this.hj, this.qOut.c);
    }
  }

  /**
   * The charge q0, its current iq0 = a0 q0 + hist and capacitance c0 at
   * junction voltage vd (V) with junction current i and conductance g
   * there, from the accepted history.
   */
  private chargeStep(vd: number, i: number, g: number, integ: IntegrationState): void {
    const out = this.qOut;
    diodeCharge(this.qp!, vd, i, g, out);
    this.q0 = out.q;
    this.c0 = out.c;
    this.iq0 = integ.a0 * out.q + companionHistory(integ, 1, this.q1, this.q2, this.iq1);
  }

  chargeNodes(): readonly number[] {
    return this.qNodes;
  }

  /** The initial state of the charge: the voltages V, no current (Device.startCharges). */
  startCharges(V: Float64Array): void {
    const p = this.qp;
    if (!p) return;
    const vd = V[this.ai] - V[this.k];
    junctionCurrent(this.junction, vd, scratch);
    diodeCharge(p, vd, scratch.i, scratch.g, this.qOut);
    this.q0 = this.q1 = this.q2 = this.q3 = this.qOut.q;
    this.iq0 = this.iq1 = 0;
    this.c0 = 0;
    this.started = true;
    this.haveInteg = false;
  }

  /** The charge and its current at the node voltages V, with the last step's formula. */
  private chargeAtPoint(V: Float64Array): void {
    const vd = V[this.ai] - V[this.k];
    junctionCurrent(this.junction, vd, scratch);
    this.chargeStep(vd, scratch.i, scratch.g, this.lastInteg);
  }

  /**
   * Accept the converged time point: the charge at V, with the last step's
   * formula, becomes the history (as the MOSFET's; the Newton solution is
   * polished, so this is the last load's charge to rounding).
   */
  accept(V: Float64Array, _x: Float64Array, _h: number): void {
    if (!this.qp || !this.started || !this.haveInteg) return;
    this.chargeAtPoint(V);
    this.q3 = this.q2;
    this.q2 = this.q1;
    this.q1 = this.q0;
    this.iq1 = this.iq0;
  }

  /**
   * The step (s) the junction charge allows at the converged point V of the
   * step just solved (ChargeTruncation, ngspice's DIOtrunc: CKTterr on the
   * charge). Infinity without charge or before a transient step was loaded.
   */
  chargeTruncation(V: Float64Array, spec: ChargeTruncationSpec): number {
    if (!this.qp || !this.started || !this.haveInteg) return Infinity;
    this.chargeAtPoint(V);
    const q = this.qHist;
    q[0] = this.q0;
    q[1] = this.q1;
    q[2] = this.q2;
    q[3] = this.q3;
    return chargeStepBound(q, this.iq0, this.iq1, spec);
  }

  /**
   * Without series resistance the junction is the whole device: a branch
   * law from anode to cathode. Not with a charge: a branch law carries no
   * integration state, so a structured solver would drop the charge's current.
   */
  branchLaw(): BranchLaw | null {
    return this.ai === this.a && this.qp === null ? this : null;
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

  /**
   * Currents leaving the terminals at V (A), GMIN included; in a transient
   * (time >= 0, after startCharges) plus the charge's current at the last
   * accepted point, as a capacitor's.
   */
  addCurrents(V: Float64Array, _x: Float64Array, time: number, out: Float64Array): void {
    let i = this.current(V, this.gmin);
    if (time >= 0 && this.started) i += this.iq1;
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
