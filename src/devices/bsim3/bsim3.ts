/**
 * The BSIM3v3.3.0 MOSFET (LEVEL=8 or 49) in DC, the device of ngspice's
 * b3ld.c: terminals drain d, gate g, source s, bulk b, with internal nodes
 * d', s' behind RSH * NRD and RSH * NRS (else d' = d, s' = s). The gate
 * draws no current; the channel, the substrate current and the two bulk
 * junctions (bsim3-dc.ts) make an unsymmetric stamp (symmetric = false).
 *
 * Normalized voltages vgs, vds, vbs = type (V(g) - V(s')), type (V(d') -
 * V(s')), type (V(b) - V(s')). With the frame of bsim3Eval (normal mode:
 * source s', drain d'; reversed mode: source d', drain s'), the currents
 * leaving d', s', b into the device, normalized, are
 *   normal:    I_d' = Ids + Isub - cbd,  I_s' = -Ids - cbs,        I_b = cbd + cbs - Isub
 *   reversed:  I_d' = -Ids - cbd,        I_s' = Ids + Isub - cbs,  I_b = cbd + cbs - Isub
 * (physical currents: type times these, all times the multiplier M). The
 * frame's derivatives give the Jacobian by column: with frame source fs
 * and drain fd, dIds/dV(fd) = gds, dIds/dV(g) = gm, dIds/dV(b) = gmbs,
 * dIds/dV(fs) = -(gm + gds + gmbs); the same for Isub with gbds, gbgs,
 * gbbs; dcbs/dV(b) = gbs = -dcbs/dV(s'), dcbd/dV(b) = gbd = -dcbd/dV(d').
 * Each row's equivalent current is ieq_r = type (I_r - J_rg vgs - J_rd vds
 * - J_rb vbs) (every row sums to zero), stamped as b_r -= ieq_r: ngspice's
 * cdreq, ceqbd, ceqbs.
 *
 * Step limiting as b3ld.c, from the last iterate: fetlim on vgs (vgd when
 * the last vds < 0) around the last Vth, limvds on vds, pnjlim on vbs (vbd
 * when vds < 0) with kT/q at 27 C and the model's vcrit. The first
 * iteration of a cold solve (MODEINITJCT) is vds = 0.1, vgs = type VTH0 +
 * 0.1, vbs = 0.
 *
 * Charges (bsim3-charge.ts: CAPMOD 0-3, XPART, overlaps, junctions) in a
 * transient (LoadContext.integ set), integrated as b3ld.c integrates its
 * states qg, qd, qb (qs = -(qg + qd + qb)) with the integrator's formula
 * (companionHistory applied to charges: i_{n+1} = a0 q_{n+1} + hist(q_n,
 * q_{n-1}, i_n)). Linearization of a charge current at the point:
 *   i_r(V') ~ i_r + a0 sum_c C_rc (V'_c - V_c),  C_rc = dq_r/dV_c
 * so a0 C joins the Jacobian J (the gate row too) and i_r the currents I;
 * the equivalent currents ieq_r follow from J and I as in DC. `accept`
 * evaluates the charges at the converged voltages and shifts the history;
 * `startCharges` takes the initial state with no current; the step is
 * bounded by the truncation error of qg, qd, qb (b3trunc.c). AC: the DC
 * Jacobian in ctx.g and C at the operating point in ctx.c (b3acld.c).
 * NQSMOD=1 and ACNQSMOD=1 (non-quasi-static) are refused by name.
 */
import { companionHistory, historyStepBound, keepIntegration, type ChargeTruncationSpec } from "../capacitor/capacitor.js";
import { limitMosStep } from "../mosfet/mos-shared.js";
import { reserveLocalJacobian, reservePair, stampConductance, stampLocalJacobian, type PairHandles } from "../stamp.js";
import type { AcLoadContext, Device, IntegrationState, LoadContext, SetupContext } from "../types.js";
import { bsim3ChargeRefusal, bsim3Charges, bsim3CvParams, newBsim3ChargePoint, newBsim3CvInputs, type Bsim3CvParams } from "./bsim3-charge.js";
import { bsim3Eval, newBsim3Point, type Bsim3Point } from "./bsim3-dc.js";
import { CONSTvt0, type Bsim3Instance } from "./bsim3-model.js";

/** Rows and columns of the intrinsic stamp: index 0 d', 1 g, 2 s', 3 b (the gate row carries the charges' currents only). */
const COLS = 4;
const ROWS = [0, 1, 2, 3] as const;
/** The integrated charges (b3ld.c's states qg, qd, qb) by terminal index; the source's is minus their sum. */
const QROWS = [1, 0, 3] as const;

export class Bsim3 implements Device {
  readonly linear = false;
  readonly symmetric = false;
  readonly power = "dissipates";
  readonly nodes: readonly number[];
  private readonly term: readonly number[];
  private rows = new Int32Array(COLS);
  private h = new Int32Array(COLS * COLS);
  private hd: PairHandles | null = null;
  private hs: PairHandles | null = null;
  /** GMIN used by addCurrents (set by the circuit from `.options gmin`). */
  gmin = 1e-12;
  /** Limiter memory (MosLimiterMemory): the last iterate's normalized voltages and threshold (V; ngspice's state0). */
  vgs0 = 0;
  vds0 = 0;
  vbs0 = 0;
  vbd0 = 0;
  von0 = 0;
  private readonly pt = newBsim3Point();
  private readonly J = new Float64Array(COLS * COLS);
  private readonly I = new Float64Array(COLS);
  private readonly v = new Float64Array(3);
  /** The capacitance parameters, and what the charges take from a DC evaluation. */
  readonly cv: Bsim3CvParams;
  private readonly cvIn = newBsim3CvInputs();
  private readonly qp = newBsim3ChargePoint();
  /** Charges by terminal at the last charge evaluation (C, normalized, without M) and their currents (A). */
  private readonly q0 = new Float64Array(COLS);
  private readonly i0 = new Float64Array(COLS);
  /** Accepted history: charges at t_n, t_{n-1}, t_{n-2} (C), currents at t_n (A). */
  private readonly q1 = new Float64Array(COLS);
  private readonly q2 = new Float64Array(COLS);
  private readonly q3 = new Float64Array(COLS);
  private readonly i1 = new Float64Array(COLS);
  private started = false;
  private readonly lastInteg: IntegrationState = { a0: 0, method: "be", ratio: 1 };
  private haveInteg = false;
  private readonly vTmp = new Float64Array(3);

  /**
   * @param d, g, s, b external nodes; di, si the intrinsic drain and source (=== d, s without RSH)
   * @param p the transistor's values at the circuit temperature (bsim3InstanceAt)
   */
  constructor(
    readonly name: string,
    readonly d: number,
    readonly g: number,
    readonly s: number,
    readonly b: number,
    readonly di: number,
    readonly si: number,
    readonly p: Bsim3Instance,
  ) {
    const nodes = [d, g, s, b];
    if (di !== d) nodes.push(di);
    if (si !== s) nodes.push(si);
    this.nodes = nodes;
    this.term = [di, g, si, b];
    this.cv = bsim3CvParams(p, p.geometry, p.tempK);
  }

  dcGroups(): ReadonlyArray<readonly number[]> {
    return [[this.d, this.di, this.b, this.si, this.s]];
  }

  transientRefusal(): string | null {
    const why = bsim3ChargeRefusal(this.p, "tran");
    return why ? `${this.name}: BSIM3 (MOSFET level 8/49): ${why}` : null;
  }

  chargeNodes(): readonly number[] {
    return this.term;
  }

  setup(ctx: SetupContext): void {
    reserveLocalJacobian(ctx, COLS, this.term, this.rows, this.h, ROWS);
    if (this.di !== this.d) this.hd = reservePair(ctx, this.d, this.di);
    if (this.si !== this.s) this.hs = reservePair(ctx, this.s, this.si);
  }

  reset(): void {
    this.vgs0 = this.vds0 = this.vbs0 = this.vbd0 = this.von0 = 0;
  }

  /** The normalized [vgs, vds, vbs] to linearize at (INITJCT start or b3ld.c's limiting); true when a limiter acted. */
  private limited(V: Float64Array, initJunctions: boolean, out: Float64Array): boolean {
    const p = this.p;
    const t = p.type;
    if (initJunctions) {
      // b3v1ld.c (VERSION 3.1) starts from pParam's VTH0 + 0.1 without the type
      out[0] = (p.model.v31 ? p.vth0 : t * p.vth0) + 0.1;
      out[1] = 0.1;
      out[2] = 0;
      return true;
    }
    const vs = V[this.si];
    return limitMosStep(t * (V[this.g] - vs), t * (V[this.di] - vs), t * (V[this.b] - vs), this, CONSTvt0, p.vcrit, p.vcrit, out);
  }

  /**
   * Currents I (rows 0 d', 1 g, 2 s', 3 b; normalized, times M) and Jacobian
   * J at normalized (vgs, vds, vbs), GMIN on both junctions; with integ,
   * plus the charges' currents and a0 times their capacitances (chargeStep).
   */
  private evaluate(vgs: number, vds: number, vbs: number, gmin: number, integ: IntegrationState | null = null): Bsim3Point {
    const pt = this.pt;
    bsim3Eval(this.p, vgs, vds, vbs, gmin, pt, integ ? this.cvIn : undefined);
    const J = this.J;
    const I = this.I;
    J.fill(0);
    // frame drain and source columns
    const fd = pt.mode === 1 ? 0 : 2;
    const fs = pt.mode === 1 ? 2 : 0;
    // channel: Ids leaves fd, enters fs
    const gsum = pt.gm + pt.gds + pt.gmbs;
    J[fd * COLS + fd] += pt.gds;
    J[fd * COLS + 1] += pt.gm;
    J[fd * COLS + 3] += pt.gmbs;
    J[fd * COLS + fs] -= gsum;
    J[fs * COLS + fd] -= pt.gds;
    J[fs * COLS + 1] -= pt.gm;
    J[fs * COLS + 3] -= pt.gmbs;
    J[fs * COLS + fs] += gsum;
    // substrate current: leaves fd (VERSION 3.1: fs, as b3v1ld.c stamps it), enters b
    const fi = this.p.model.v31 ? fs : fd;
    const bsum = pt.gbgs + pt.gbds + pt.gbbs;
    J[fi * COLS + fd] += pt.gbds;
    J[fi * COLS + 1] += pt.gbgs;
    J[fi * COLS + 3] += pt.gbbs;
    J[fi * COLS + fs] -= bsum;
    J[3 * COLS + fd] -= pt.gbds;
    J[3 * COLS + 1] -= pt.gbgs;
    J[3 * COLS + 3] -= pt.gbbs;
    J[3 * COLS + fs] += bsum;
    // junctions: cbd from b to d', cbs from b to s'
    J[0] += pt.gbd;
    J[3] -= pt.gbd;
    J[12] -= pt.gbd;
    J[15] += pt.gbd;
    J[2 * COLS + 2] += pt.gbs;
    J[2 * COLS + 3] -= pt.gbs;
    J[3 * COLS + 2] -= pt.gbs;
    J[15] += pt.gbs;
    I[0] = I[1] = I[2] = I[3] = 0;
    I[fd] += pt.ids;
    I[fi] += pt.isub;
    I[fs] -= pt.ids;
    I[3] += pt.cbd + pt.cbs - pt.isub;
    I[0] -= pt.cbd;
    I[2] -= pt.cbs;
    if (integ) {
      this.chargeStep(pt.mode, vgs, vds, vbs, integ);
      const a0 = integ.a0;
      const C = this.qp.C;
      for (let k = 0; k < J.length; k++) J[k] += a0 * C[k];
      for (let r = 0; r < COLS; r++) I[r] += this.i0[r];
    }
    const m = this.p.m;
    if (m !== 1) {
      for (let k = 0; k < J.length; k++) J[k] *= m;
      for (let k = 0; k < COLS; k++) I[k] *= m;
    }
    return pt;
  }

  /**
   * The charges q0 (qp: with their capacitances) at normalized (vgs, vds,
   * vbs) in DC mode `mode`, with this.cvIn from the DC evaluation at that
   * point, and their currents i0 by the integration formula from the
   * accepted history (the source's current minus the sum of the others).
   */
  private chargeStep(mode: 1 | -1, vgs: number, vds: number, vbs: number, integ: IntegrationState): void {
    const qp = this.qp;
    bsim3Charges(this.p, this.cv, mode, this.cvIn, vgs, vds, vbs, qp);
    const { q0, i0, q1, q2, i1 } = this;
    q0.set(qp.q);
    const a0 = integ.a0;
    i0[2] = 0;
    for (const r of QROWS) {
      i0[r] = a0 * q0[r] + companionHistory(integ, 1, q1[r], q2[r], i1[r]);
      i0[2] -= i0[r];
    }
  }

  /** The normalized (vgs, vds, vbs) at node voltages V, without limiting. */
  private normalized(V: Float64Array, out: Float64Array): void {
    const t = this.p.type;
    const vs = V[this.si];
    out[0] = t * (V[this.g] - vs);
    out[1] = t * (V[this.di] - vs);
    out[2] = t * (V[this.b] - vs);
  }

  /** The charges at node voltages V with the last step's formula (the limiter's memory untouched). */
  private chargesAt(V: Float64Array, integ: IntegrationState): void {
    const v = this.vTmp;
    this.normalized(V, v);
    const pt = this.ptAcc;
    bsim3Eval(this.p, v[0], v[1], v[2], this.gmin, pt, this.cvIn);
    this.chargeStep(pt.mode, v[0], v[1], v[2], integ);
  }

  private readonly ptAcc = newBsim3Point();

  /** The initial state of the charges: the voltages V, no current (Device.startCharges). */
  startCharges(V: Float64Array): void {
    const v = this.vTmp;
    this.normalized(V, v);
    const pt = this.ptAcc;
    bsim3Eval(this.p, v[0], v[1], v[2], this.gmin, pt, this.cvIn);
    bsim3Charges(this.p, this.cv, pt.mode, this.cvIn, v[0], v[1], v[2], this.qp);
    this.q1.set(this.qp.q);
    this.q2.set(this.q1);
    this.q3.set(this.q1);
    this.q0.set(this.q1);
    this.i1.fill(0);
    this.i0.fill(0);
    this.started = true;
    this.haveInteg = false;
  }

  /** Accept the converged time point: the charges at V with the last step's formula become the history. */
  accept(V: Float64Array, _x: Float64Array, _h: number): void {
    if (!this.started || !this.haveInteg) return;
    this.chargesAt(V, this.lastInteg);
    this.q3.set(this.q2);
    this.q2.set(this.q1);
    this.q1.set(this.q0);
    this.i1.set(this.i0);
  }

  /**
   * The step (s) the charges allow at the converged point V of the step just
   * solved (ChargeTruncation, b3trunc.c: CKTterr on qb, qg, qd). Infinity
   * before a transient step was loaded.
   */
  chargeTruncation(V: Float64Array, spec: ChargeTruncationSpec): number {
    if (!this.started || !this.haveInteg) return Infinity;
    this.chargesAt(V, this.lastInteg);
    return historyStepBound(this.q0, this.q1, this.q2, this.q3, this.i0, this.i1, QROWS, spec);
  }

  load(ctx: LoadContext): void {
    const v = this.v;
    if (this.limited(ctx.V, ctx.initJunctions, v)) ctx.noncon = true;
    const vgs = v[0];
    const vds = v[1];
    const vbs = v[2];
    const integ = ctx.integ;
    if (integ) {
      if (!this.started) throw new Error(`${this.name}: transient load before startCharges`);
      keepIntegration(this.lastInteg, integ);
      this.haveInteg = true;
    }
    const pt = this.evaluate(vgs, vds, vbs, ctx.gmin, integ);
    this.vgs0 = vgs;
    this.vds0 = vds;
    this.vbs0 = vbs;
    this.vbd0 = vbs - vds;
    this.von0 = pt.von;
    const t = this.p.type;
    const { A, b, Vk } = ctx;
    const J = this.J;
    const h = this.h;
    const term = this.term;
    for (const r of ROWS) {
      const o = r * COLS;
      // ieq_r = type (I_r - J_rg vgs - J_rd vds - J_rb vbs)
      let rhs = -t * (this.I[r] - J[o + 1] * vgs - J[o] * vds - J[o + 3] * vbs);
      for (let c = 0; c < COLS; c++) {
        A[h[o + c]] += J[o + c];
        rhs -= J[o + c] * Vk[term[c]];
      }
      b[this.rows[r]] += rhs;
    }
    const m = this.p.m;
    if (this.hd) stampConductance(ctx, this.hd, m * this.p.gd);
    if (this.hs) stampConductance(ctx, this.hs, m * this.p.gs);
  }

  /**
   * AC at the operating point (ctx.g.V, not limited), as b3acld.c: the DC
   * Jacobian J (GMIN included) and RSH's conductances into ctx.g; the
   * capacitances C = dQ/dV of every charge at the point (intrinsic, overlap,
   * junction), times M, into ctx.c.
   */
  acLoad(ctx: AcLoadContext): void {
    const why = bsim3ChargeRefusal(this.p, "ac");
    if (why) throw new Error(`ac: ${this.name}: BSIM3 (MOSFET level 8/49): ${why}`);
    const v = this.vTmp;
    this.normalized(ctx.g.V, v);
    const pt = this.evaluate(v[0], v[1], v[2], ctx.g.gmin);
    stampLocalJacobian(ctx.g, COLS, this.J, this.h, this.term, this.rows, ROWS);
    const m = this.p.m;
    if (this.hd) stampConductance(ctx.g, this.hd, m * this.p.gd);
    if (this.hs) stampConductance(ctx.g, this.hs, m * this.p.gs);
    bsim3Eval(this.p, v[0], v[1], v[2], ctx.g.gmin, this.ptAcc, this.cvIn);
    bsim3Charges(this.p, this.cv, pt.mode, this.cvIn, v[0], v[1], v[2], this.qp);
    const J = this.J;
    const C = this.qp.C;
    for (let k = 0; k < J.length; k++) J[k] = m * C[k];
    stampLocalJacobian(ctx.c, COLS, J, this.h, this.term, this.rows, ROWS);
  }

  /**
   * The terminal currents (A) at V, leaving d, g, s, b and the internal
   * nodes, GMIN included; in a transient (time >= 0, after startCharges)
   * plus the charges' currents at the last accepted point, as a capacitor's.
   */
  addCurrents(V: Float64Array, _x: Float64Array, time: number, out: Float64Array): void {
    const p = this.p;
    const t = p.type;
    const vs = V[this.si];
    this.evaluate(t * (V[this.g] - vs), t * (V[this.di] - vs), t * (V[this.b] - vs), this.gmin);
    const I = this.I;
    out[this.di] += t * I[0];
    out[this.si] += t * I[2];
    out[this.b] += t * I[3];
    if (time >= 0 && this.started) {
      const i1 = this.i1;
      const tm = t * p.m;
      out[this.di] += tm * i1[0];
      out[this.g] += tm * i1[1];
      out[this.si] += tm * i1[2];
      out[this.b] += tm * i1[3];
    }
    if (this.hd) {
      const i = p.m * p.gd * (V[this.d] - V[this.di]);
      out[this.d] += i;
      out[this.di] -= i;
    }
    if (this.hs) {
      const i = p.m * p.gs * (V[this.s] - V[this.si]);
      out[this.s] += i;
      out[this.si] -= i;
    }
  }
}
