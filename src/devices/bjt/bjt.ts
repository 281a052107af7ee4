/**
 * Bipolar junction transistor (ngspice's Gummel-Poon `bjt`, level 1), the
 * DC device of bjtload.c: terminals collector c, base b, emitter e and
 * substrate s, with optional series resistances RC, RB, RE that add the
 * internal nodes c', b', e' (else c' = c, b' = b, e' = e). Not reciprocal
 * (the collector current depends on the base-emitter voltage), so the
 * stamp is unsymmetric (symmetric = false: the engine factors with LU) and
 * there is no co-content.
 *
 * Normalized junction voltages (bjt-model.ts): vbe = type (V(b') - V(e')),
 * vbc = type (V(b') - V(c')), vsub = type SUBS (V(s) - V(sc)) with sc = c'
 * for a vertical device (NPN default) and b' for a lateral one (PNP
 * default). Physical currents LEAVING each node into the device, M times:
 *   c':  type cc          b':  type cb - irb          e':  -type (cc + cb)
 *   b:   irb = gx (V(b) - V(b'))                     (RB; gx from qb or cb)
 *   s:   type SUBS isub   sc: -type SUBS isub         (GMIN, or ISS's diode)
 *   c, e: through RC, RE to c', e' (constant conductances area/RC, area/RE).
 *
 * Linearization at the (limited) point. With bjtPoint's conductances
 *   gpi = dcb/dvbe, gmu = dcb/dvbc, gm + go = dcc/dvbe, -(go + gmu) = dcc/dvbc
 * the intrinsic rows (columns c', b', e'; the same for NPN and PNP since
 * type^2 = 1) are
 *   c': [ go + gmu,   gm - gmu,     -(gm + go) ]
 *   b': [ -gmu,       gpi + gmu,    -gpi       ]
 *   e': [ -go,        -gm - gpi,    gm + go + gpi ]   (minus the sum of the two above)
 * (ngspice's y matrix without charges). RB adds, for
 * d0 = V(b) - V(b') at this iterate and gx_e = dgx/dvbe, gx_c = dgx/dvbc:
 *   b:  [col b: gx,  col b': -gx + type d0 (gx_e + gx_c),  col e': -type d0 gx_e,  col c': -type d0 gx_c]
 * and b' the negatives (ngspice stamps only gx; with IRB or RBM its gx
 * depends on the bias and eqspice stamps the full derivative: same
 * solution, a Newton path that is the derivative's). The substrate
 * junction adds gdsub = disub/dvsub between s and sc.
 * The companion current of each row is its current minus J times the
 * voltages of the point, b_r -= (I_r - sum_c J_rc v_c): with the point's
 * node voltages v (any reference: every row of J sums to zero), this is
 * ngspice's ceqbe, ceqbc, ceqsub (cc + cb - vbe (gm + go + gpi) + vbc go,
 * -cc + vbe (gm + go) - vbc (gmu + go), ...).
 *
 * Step limiting as bjtload.c, from the last iterate's limited voltages:
 * pnjlim on vbe and vbc with vt and vcrit = vt ln(vt / (sqrt2 IS area)),
 * pnjlim on vsub with the substrate's vcrit (50 V without ISS). The first
 * iteration of a cold DC solve starts at vbe = vcrit, vbc = 0, vsub = 0
 * (ngspice's MODEINITJCT for a transistor that is not OFF).
 *
 * Charges in a transient (LoadContext.integ set), as bjtload.c integrates
 * them (bjtCharges in bjt-model.ts; normalized, positive from the first node
 * to the second, physical = type times, SUBS too for the substrate):
 *   qbe(vbe, vbc)  b' -> e'   B-E depletion + TF diffusion charge
 *   qbc(vbc)       b' -> c'   XCJC part of the B-C depletion + TR diffusion
 *   qbx(vbx)       b  -> c'   (1 - XCJC) part, vbx = type (V(b) - V(c')) = vbc + type d0
 *   qsub(vsub)     s  -> sc   substrate depletion
 * each with the integrator's companion i_{n+1} = a0 q_{n+1} + hist(q_n,
 * q_{n-1}, i_n) (companionHistory applied to charges). Linearization: the
 * current adds to its branch and a0 dq/dv to the Jacobian, e.g. for qbe
 *   b': [col b': a0 (Cbe + Cbe_bc),  col e': -a0 Cbe,  col c': -a0 Cbe_bc]
 * and the negatives on e' (Cbe_bc = dqbe/dvbc, ngspice's geqcb / ag0: the
 * exact derivative). The charge currents use the limited vbe, vbc, vsub of
 * the iterate, as ngspice. `accept` re-evaluates the charges at the
 * converged voltages and shifts the history; `startCharges` takes the
 * initial state (operating point, or the uic voltages) with no current; the
 * truncation error is checked on qbe, qbc and qsub (bjttrunc.c; not qbx).
 *
 * Excess phase (PTF with TF, td = PTF TF in radians seconds), as bjtload.c
 * (excessPhase in bjt-model.ts): in a transient the forward transport
 * current cbe/qb is replaced by cexbc = cch + arg3 cbe/qb, a second-order
 * delay integrated by backward Euler over the step delta whatever the
 * method, from the accepted cexbc of the last two points and delta over the
 * last accepted step (ngspice's CKTdelta / CKTdeltaOld[1]); delta is the
 * step of the integration state (1/a0 backward Euler, 2/a0 trapezoidal, and
 * BDF2's from its ratio). The stamp takes cex = arg3 cbe in gm and go, as
 * ngspice (the exact derivative: cch is history). The history starts at
 * cbe/qb of the initial state.
 */
import { companionHistory, historyStepBound, keepIntegration, type ChargeTruncationSpec } from "../capacitor/capacitor.js";
import { pnjlim } from "../diode/diode.js";
import { applyExcessPhase, bjtCharges, bjtPoint, bjtSubstrate, excessPhase, newBjtChargePoint, newBjtPoint, type BjtInstance } from "./bjt-model.js";
import { reserveLocalJacobian, reservePair, stampConductance, stampLocalJacobian, type PairHandles } from "../stamp.js";
import type { AcLoadContext, Device, IntegrationState, LoadContext, SetupContext } from "../types.js";
import { InputError } from "../../util/errors.js";

/** Local terminals of the stamp: 0 c', 1 b', 2 e', 3 b, 4 s. */
const N = 5;
const CI = 0;
const BI = 1;
const EI = 2;
const BX = 3;
const SX = 4;

/** Charge indices: B-E, B-C internal, B-C external, substrate. */
const QBE = 0;
const QBC = 1;
const QBX = 2;
const QSUB = 3;
/** The charges the truncation test bounds (not the excess-phase state). */
const BJT_CHARGES = [QBE, QBC, QSUB];
const NQ = 4;

export class Bjt implements Device {
  readonly linear = false;
  readonly symmetric = false;
  readonly power = "dissipates";
  readonly nodes: readonly number[];
  /** Global node of each local terminal [c', b', e', b, s]. */
  private readonly term: readonly number[];
  private rows = new Int32Array(N);
  /** Entry handles h[r * N + c] of local row r, column c. */
  private h = new Int32Array(N * N);
  private hc: PairHandles | null = null;
  private he: PairHandles | null = null;
  /** GMIN used by addCurrents (set by the circuit from `.options gmin`). */
  gmin = 1e-12;
  /** Limiter memory: the last iterate's limited normalized voltages (ngspice's state0). */
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
  private vbe0 = 0;
  private vbc0 = 0;
  private vsub0 = 0;
  private readonly pt = newBjtPoint();
  private readonly sub = { i: 0, g: 0 };
  /** Local Jacobian (physical currents by node voltages, M included), currents, and the point's local voltages. */
  private readonly J = new Float64Array(N * N);
  private readonly I = new Float64Array(N);
  private readonly Vl = new Float64Array(N);
  private readonly lim = new Float64Array(3);
  /** Nodes its charges touch (Device.chargeNodes). */
  private readonly qNodes: readonly number[];
  /** Charges at the last charge evaluation: q (C), current dq/dt (A), normalized, per unit M. */
  private readonly q0 = new Float64Array(NQ);
  private readonly i0 = new Float64Array(NQ);
  /** Accepted history: q at t_n, t_{n-1}, t_{n-2} (C) and the current at t_n (A). */
  private readonly q1 = new Float64Array(NQ);
  private readonly q2 = new Float64Array(NQ);
  private readonly q3 = new Float64Array(NQ);
  private readonly i1 = new Float64Array(NQ);
  private readonly qp = newBjtChargePoint();
  /** True once startCharges set the history (the charge currents count in addCurrents). */
  private started = false;
  /** Integration state of the last transient load (accept re-evaluates with it). */
  private readonly lastInteg: IntegrationState = { a0: 0, method: "be", ratio: 1 };
  private haveInteg = false;
  private readonly vq = new Float64Array(4);
  /** Excess phase: accepted cexbc at t_n, t_{n-1} (A, per unit M), the last accepted step (s, 0 before the first), the collector current's change at t_n (A). */
  private cex1 = 0;
  private cex2 = 0;
  private hAcc = 0;
  private dcc1 = 0;
  /** cexbc and the collector current's change of the last evaluation. */
  private cex0 = 0;
  private dcc0 = 0;
  private readonly xp = { cch: 0, arg3: 0 };

  /**
   * @param c, b, e, s external collector, base, emitter, substrate
   * @param ci, bi, ei internal c', b', e' (=== c, b, e without RC, RB, RE)
   * @param p the transistor at the circuit temperature (bjtInstanceAt)
   */
  constructor(
    readonly name: string,
    readonly c: number,
    readonly b: number,
    readonly e: number,
    readonly s: number,
    readonly ci: number,
    readonly bi: number,
    readonly ei: number,
    readonly p: BjtInstance,
  ) {
    const nodes = [c, b, e, s];
    if (ci !== c) nodes.push(ci);
    if (bi !== b) nodes.push(bi);
    if (ei !== e) nodes.push(ei);
    this.nodes = nodes;
    this.term = [ci, bi, ei, b, s];
    const q = p.charges;
    const qn = new Set<number>();
    if (q) {
      if (q.tf !== 0 || q.be.cz !== 0) qn.add(bi).add(ei);
      if (q.tr !== 0 || q.bc.cz !== 0) qn.add(bi).add(ci);
      if (q.bx.cz !== 0) qn.add(b).add(ci);
      if (q.czsub !== 0) qn.add(s).add(p.subs === 1 ? ci : bi);
    }
    this.qNodes = [...qn];
  }

  /** The node the substrate junction ends on: c' (vertical) or b' (lateral). */
  private get sc(): number {
    return this.p.subs === 1 ? CI : BI;
  }

  /** Every terminal is joined at DC through the junctions' GMIN (the substrate's too) and the series resistances. */
  dcGroups(): ReadonlyArray<readonly number[]> {
    return [[this.ci, this.c, this.b, this.e, this.s, this.bi, this.ei]];
  }

  setup(ctx: SetupContext): void {
    reserveLocalJacobian(ctx, N, this.term, this.rows, this.h);
    if (this.ci !== this.c) this.hc = reservePair(ctx, this.c, this.ci);
    if (this.ei !== this.e) this.he = reservePair(ctx, this.e, this.ei);
  }

  /** Forget the limiter's memory (a new, unrelated solve). */
  reset(): void {
    this.vbe0 = this.vbc0 = this.vsub0 = 0;
  }

  /** [vbe, vbc, vsub] to linearize at, into `out`: ngspice's INITJCT start or its limiting; true when limited. */
  private limited(V: Float64Array, initJunctions: boolean, out: Float64Array): boolean {
    const p = this.p;
    if (this.holdOff) {
      // OFF: vbe = vbc = vcs = 0 (bjtload.c, MODEINITJCT / MODEINITFIX with BJToff), not a limited step
      out[0] = out[1] = out[2] = 0;
      return false;
    }
    if (initJunctions) {
      out[0] = p.vcrit;
      out[1] = 0;
      out[2] = 0;
      return true;
    }
    const t = p.type;
    const vbi = V[this.bi];
    const vbe = t * (vbi - V[this.ei]);
    const vbc = t * (vbi - V[this.ci]);
    const vsub = t * p.subs * (V[this.s] - V[this.term[this.sc]]);
    out[0] = pnjlim(vbe, this.vbe0, p.vt, p.vcrit);
    out[1] = pnjlim(vbc, this.vbc0, p.vt, p.vcrit);
    out[2] = pnjlim(vsub, this.vsub0, p.vt, p.subVcrit);
    return out[0] !== vbe || out[1] !== vbc || out[2] !== vsub;
  }

  /**
   * Local currents I and Jacobian J at normalized (vbe, vbc, vsub) and the
   * base resistance's voltage d0 = V(b) - V(b'); Vl gets local node
   * voltages of this point (reference e' = 0).
   */
  private evaluate(vbe: number, vbc: number, vsub: number, d0: number, gmin: number, integ: IntegrationState | null = null): void {
    const p = this.p;
    const t = p.type;
    const m = p.m;
    const pt = this.pt;
    bjtPoint(p, vbe, vbc, gmin, pt);
    if (integ !== null && p.charges !== null && p.charges.td !== 0) this.excess(integ);
    const J = this.J;
    const I = this.I;
    J.fill(0);
    const { gm, go, gpi, gmu } = pt;
    J[CI * N + CI] = m * (go + gmu);
    J[CI * N + BI] = m * (gm - gmu);
    J[CI * N + EI] = -m * (gm + go);
    J[BI * N + CI] = -m * gmu;
    J[BI * N + BI] = m * (gpi + gmu);
    J[BI * N + EI] = -m * gpi;
    J[EI * N + CI] = -m * go;
    J[EI * N + BI] = -m * (gm + gpi);
    J[EI * N + EI] = m * (gm + go + gpi);
    I[CI] = m * t * pt.cc;
    I[BI] = m * t * pt.cb;
    I[EI] = -m * t * (pt.cc + pt.cb);
    I[BX] = 0;
    I[SX] = 0;
    if (p.rb !== 0) {
      const gx = m * pt.gx;
      const ge = m * t * d0 * pt.dgxdve;
      const gc = m * t * d0 * pt.dgxdvc;
      const irb = gx * d0;
      I[BX] += irb;
      I[BI] -= irb;
      J[BX * N + BX] += gx;
      J[BX * N + BI] += -gx + ge + gc;
      J[BX * N + EI] += -ge;
      J[BX * N + CI] += -gc;
      J[BI * N + BX] -= gx;
      J[BI * N + BI] -= -gx + ge + gc;
      J[BI * N + EI] -= -ge;
      J[BI * N + CI] -= -gc;
    }
    const ts = t * p.subs;
    const sc = this.sc;
    bjtSubstrate(p, vsub, gmin, this.sub);
    const isub = m * ts * this.sub.i;
    const gsub = m * this.sub.g;
    I[SX] += isub;
    I[sc] -= isub;
    J[SX * N + SX] += gsub;
    J[SX * N + sc] -= gsub;
    J[sc * N + SX] -= gsub;
    J[sc * N + sc] += gsub;
    if (integ !== null) this.stampCharges(vbe, vbc, vsub, d0, integ);
    const Vl = this.Vl;
    Vl[EI] = 0;
    Vl[BI] = t * vbe;
    Vl[CI] = Vl[BI] - t * vbc;
    Vl[BX] = Vl[BI] + d0;
    Vl[SX] = Vl[sc] + ts * vsub;
  }

  /**
   * Apply the excess phase to this.pt (the DC point) for a step with
   * integration state integ; cex0, dcc0 get cexbc and the collector
   * current's change.
   */
  private excess(integ: IntegrationState): void {
    const td = this.p.charges!.td;
    const a0 = integ.a0;
    const w = integ.ratio;
    const delta = integ.method === "be" ? 1 / a0 : integ.method === "trap" ? 2 / a0 : (1 + 2 * w) / ((1 + w) * a0);
    // before the first accepted step cex1 = cex2 and r cancels (ngspice's deltaOld[1] is TMAX there)
    const r = this.hAcc > 0 ? delta / this.hAcc : 0;
    const xp = this.xp;
    excessPhase(td, delta, r, this.cex1, this.cex2, xp);
    const pt = this.pt;
    this.cex0 = xp.cch + (xp.arg3 * pt.cbe) / pt.qb;
    this.dcc0 = applyExcessPhase(pt, xp.cch, xp.arg3);
  }

  /**
   * The charges q0 and their currents i0 (by the integration formula, from
   * the accepted history) at normalized (vbe, vbc, vsub) with d0 = V(b) -
   * V(b'), this.pt holding the DC point at (vbe, vbc); capacitances in this.qp.
   */
  private chargeStep(vbe: number, vbc: number, vsub: number, d0: number, integ: IntegrationState): void {
    const p = this.p;
    const qp = this.qp;
    bjtCharges(p.charges!, this.pt, vbe, vbc, vbc + p.type * d0, vsub, qp);
    const { q0, i0, q1, q2, i1 } = this;
    q0[QBE] = qp.qbe;
    q0[QBC] = qp.qbc;
    q0[QBX] = qp.qbx;
    q0[QSUB] = qp.qsub;
    const a0 = integ.a0;
    for (let k = 0; k < NQ; k++) i0[k] = a0 * q0[k] + companionHistory(integ, 1, q1[k], q2[k], i1[k]);
  }

  /** Add the charges' currents and a0 dq/dv to I and J (see the file comment). */
  private stampCharges(vbe: number, vbc: number, vsub: number, d0: number, integ: IntegrationState): void {
    this.chargeStep(vbe, vbc, vsub, d0, integ);
    const p = this.p;
    const m = p.m;
    const t = p.type;
    const { I, i0 } = this;
    I[BI] += m * t * i0[QBE];
    I[EI] -= m * t * i0[QBE];
    this.chargeJacobian(m * integ.a0);
    this.branchCharge(BI, CI, m * t * i0[QBC], 0);
    this.branchCharge(BX, CI, m * t * i0[QBX], 0);
    this.branchCharge(SX, this.sc, m * t * p.subs * i0[QSUB], 0);
  }

  /**
   * Add s times the charges' capacitances dq/dv (this.qp) to J: s = M a0 in
   * a transient (the companion conductances), M in AC (the capacitance
   * matrix). qbe is controlled by vbe and vbc (Cbe_bc, ngspice's geqcb).
   */
  private chargeJacobian(s: number): void {
    const { J, qp } = this;
    const gee = s * qp.cbe;
    const gec = s * qp.cbeBc;
    J[BI * N + BI] += gee + gec;
    J[BI * N + EI] -= gee;
    J[BI * N + CI] -= gec;
    J[EI * N + BI] -= gee + gec;
    J[EI * N + EI] += gee;
    J[EI * N + CI] += gec;
    // two-terminal charges: qbc (b' -> c'), qbx (b -> c'), qsub (s -> sc)
    this.branchCharge(BI, CI, 0, s * qp.cbc);
    this.branchCharge(BX, CI, 0, s * qp.cbx);
    this.branchCharge(SX, this.sc, 0, s * qp.csub);
  }

  /** A charge current i (physical, a -> b) whose charge depends on V(a) - V(b) alone, with conductance g. */
  private branchCharge(a: number, b: number, i: number, g: number): void {
    const { J, I } = this;
    I[a] += i;
    I[b] -= i;
    J[a * N + a] += g;
    J[a * N + b] -= g;
    J[b * N + a] -= g;
    J[b * N + b] += g;
  }

  /** The normalized [vbe, vbc, vsub, d0] at node voltages V, without limiting, into vq. */
  private normalized(V: Float64Array): Float64Array {
    const p = this.p;
    const t = p.type;
    const vq = this.vq;
    const vbi = V[this.bi];
    vq[0] = t * (vbi - V[this.ei]);
    vq[1] = t * (vbi - V[this.ci]);
    vq[2] = t * p.subs * (V[this.s] - V[this.term[this.sc]]);
    vq[3] = V[this.b] - vbi;
    return vq;
  }

  chargeNodes(): readonly number[] {
    return this.qNodes;
  }

  /** The initial state of the charges: the voltages V, no current (Device.startCharges). */
  startCharges(V: Float64Array): void {
    const c = this.p.charges;
    if (!c) return;
    const [vbe, vbc, vsub, d0] = this.normalized(V);
    bjtPoint(this.p, vbe, vbc, this.gmin, this.pt);
    const qp = this.qp;
    bjtCharges(c, this.pt, vbe, vbc, vbc + this.p.type * d0, vsub, qp);
    const q1 = this.q1;
    q1[QBE] = qp.qbe;
    q1[QBC] = qp.qbc;
    q1[QBX] = qp.qbx;
    q1[QSUB] = qp.qsub;
    this.q2.set(q1);
    this.q3.set(q1);
    this.q0.set(q1);
    this.i1.fill(0);
    this.i0.fill(0);
    this.cex1 = this.cex2 = this.pt.cbe / this.pt.qb;
    this.hAcc = 0;
    this.dcc1 = 0;
    this.started = true;
    this.haveInteg = false;
  }

  /** Accept the converged time point: the charges at V with the last step's formula become the history. */
  accept(V: Float64Array, _x: Float64Array, h: number): void {
    const c = this.p.charges;
    if (!c || !this.started || !this.haveInteg) return;
    const [vbe, vbc, vsub, d0] = this.normalized(V);
    bjtPoint(this.p, vbe, vbc, this.gmin, this.pt);
    if (c.td !== 0) {
      this.excess(this.lastInteg);
      this.cex2 = this.cex1;
      this.cex1 = this.cex0;
      this.dcc1 = this.dcc0;
      this.hAcc = h;
    }
    this.chargeStep(vbe, vbc, vsub, d0, this.lastInteg);
    this.q3.set(this.q2);
    this.q2.set(this.q1);
    this.q1.set(this.q0);
    this.i1.set(this.i0);
  }

  /**
   * The step (s) the charges allow at the converged point V of the step
   * just solved (ChargeTruncation, ngspice's BJTtrunc: CKTterr on qbe, qbc
   * and qsub; qbx is not checked, as in bjttrunc.c). Infinity without
   * charges or before a transient step was loaded.
   */
  chargeTruncation(V: Float64Array, spec: ChargeTruncationSpec): number {
    if (!this.p.charges || !this.started || !this.haveInteg) return Infinity;
    const [vbe, vbc, vsub, d0] = this.normalized(V);
    bjtPoint(this.p, vbe, vbc, this.gmin, this.pt);
    this.chargeStep(vbe, vbc, vsub, d0, this.lastInteg);
    return historyStepBound(this.q0, this.q1, this.q2, this.q3, this.i0, this.i1, BJT_CHARGES, spec, this.p.m);
  }

  load(ctx: LoadContext): void {
    const lim = this.lim;
    if (this.limited(ctx.V, ctx.initJunctions, lim)) ctx.noncon = true;
    const d0 = ctx.initJunctions || this.holdOff ? 0 : ctx.V[this.b] - ctx.V[this.bi];
    let integ = ctx.integ;
    if (integ && this.p.charges) {
      if (!this.started) throw new Error(`${this.name}: transient load before startCharges`);
      keepIntegration(this.lastInteg, integ);
      this.haveInteg = true;
    } else integ = null;
    this.evaluate(lim[0], lim[1], lim[2], d0, ctx.gmin, integ);
    this.vbe0 = lim[0];
    this.vbc0 = lim[1];
    this.vsub0 = lim[2];
    const { A, b, Vk } = ctx;
    const J = this.J;
    const h = this.h;
    const term = this.term;
    const Vl = this.Vl;
    for (let r = 0; r < N; r++) {
      const o = r * N;
      let rhs = -this.I[r];
      for (let c = 0; c < N; c++) {
        const g = J[o + c];
        if (g === 0) continue;
        rhs += g * Vl[c];
        A[h[o + c]] += g;
        // a fixed column's term moves to the right-hand side (Vk is 0 for unknowns)
        rhs -= g * Vk[term[c]];
      }
      b[this.rows[r]] += rhs;
    }
    if (this.hc) stampConductance(ctx, this.hc, this.p.m * this.p.gc);
    if (this.he) stampConductance(ctx, this.he, this.p.m * this.p.ge);
  }

  /**
   * AC at the operating point (ctx.g.V, not limited: the converged
   * solution), as ngspice's BJTacLoad: the DC Jacobian J (conductances,
   * RB's and the substrate's included) into ctx.g, RC and RE, and with
   * charges the capacitance matrix (qbe, qbc, qbx, qsub: chargeJacobian)
   * into ctx.c. Excess phase (PTF) makes gm complex in a way that is not
   * j w C: refused.
   */
  acLoad(ctx: AcLoadContext): void {
    const p = this.p;
    const c = p.charges;
    if (c && c.td !== 0) throw new InputError(`${this.name}: excess phase (PTF) is not supported in AC analysis`);
    const [vbe, vbc, vsub, d0] = this.normalized(ctx.g.V);
    this.evaluate(vbe, vbc, vsub, d0, ctx.g.gmin);
    stampLocalJacobian(ctx.g, N, this.J, this.h, this.term, this.rows);
    if (this.hc) stampConductance(ctx.g, this.hc, p.m * p.gc);
    if (this.he) stampConductance(ctx.g, this.he, p.m * p.ge);
    if (!c) return;
    bjtCharges(c, this.pt, vbe, vbc, vbc + p.type * d0, vsub, this.qp);
    this.J.fill(0);
    this.chargeJacobian(p.m);
    stampLocalJacobian(ctx.c, N, this.J, this.h, this.term, this.rows);
  }



  /**
   * The terminal currents (A) at V, leaving c, b, e, s and the internal
   * nodes, GMIN included; in a transient (time >= 0, after startCharges)
   * plus the charges' currents at the last accepted point, as a capacitor's.
   */
  addCurrents(V: Float64Array, _x: Float64Array, time: number, out: Float64Array): void {
    const p = this.p;
    const t = p.type;
    const vbi = V[this.bi];
    const vbe = t * (vbi - V[this.ei]);
    const vbc = t * (vbi - V[this.ci]);
    const vsub = t * p.subs * (V[this.s] - V[this.term[this.sc]]);
    const d0 = V[this.b] - vbi;
    this.evaluate(vbe, vbc, vsub, d0, this.gmin);
    const I = this.I;
    for (let r = 0; r < N; r++) out[this.term[r]] += I[r];
    if (time >= 0 && this.started) {
      // the charges' currents at the last accepted point, as a capacitor's
      const m = p.m;
      const i1 = this.i1;
      const term = this.term;
      const add = (a: number, b: number, i: number) => {
        out[term[a]] += i;
        out[term[b]] -= i;
      };
      add(BI, EI, m * t * i1[QBE]);
      add(BI, CI, m * t * i1[QBC]);
      add(BX, CI, m * t * i1[QBX]);
      add(SX, this.sc, m * t * p.subs * i1[QSUB]);
      // the excess phase's change of the collector current at the accepted point
      add(CI, EI, m * t * this.dcc1);
    }
    if (this.hc) {
      const i = p.m * p.gc * (V[this.c] - V[this.ci]);
      out[this.c] += i;
      out[this.ci] -= i;
    }
    if (this.he) {
      const i = p.m * p.ge * (V[this.e] - V[this.ei]);
      out[this.e] += i;
      out[this.ei] -= i;
    }
  }
}
