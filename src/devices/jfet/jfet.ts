/**
 * Junction field-effect transistor (ngspice 39's `jfet`, level 1), the
 * device of jfetload.c: terminals drain d, gate g, source s, with optional
 * series resistances RD, RS (area / RD, area / RS) that add the internal
 * nodes d', s' (else d' = d, s' = s). Not reciprocal (the channel current
 * is controlled by the gate), so the stamp is unsymmetric and there is no
 * co-content.
 *
 * Normalized voltages (jfet-model.ts): vgs = type (V(g) - V(s')),
 * vgd = type (V(g) - V(d')), vds = vgs - vgd. Physical currents LEAVING
 * each node into the device, M times:
 *   d':  type (cdrain - igd)     g:  type (igs + igd)     s':  -type (cdrain + igs)
 * with the channel's cdrain(vgs, vgd) (jfetChannel: gm = d/dvgs, gds =
 * d/dvds) and the gate junctions igs(vgs), igd(vgd) (jfetGate, GMIN
 * included: ggs, ggd). Linearization: the Jacobian by (V(d'), V(g), V(s'))
 * (the same for NJF and PJF since type^2 = 1) is
 *   d': [ gds + ggd,   gm - ggd,    -(gm + gds)     ]
 *   g:  [ -ggd,        ggs + ggd,   -ggs            ]
 *   s': [ -gds,        -(gm + ggs), gm + gds + ggs  ]
 * (ngspice's y matrix) and each row's companion current is its current
 * minus J times the point's voltages, b_r -= (I_r - sum_c J_rc v_c)
 * (ngspice's ceqgs, ceqgd, cdreq).
 *
 * Step limiting as jfetload.c, from the last iterate's limited voltages:
 * pnjlim on vgs and vgd (vt, vcrit = vt ln(vt / (sqrt2 IS))), then fetlim
 * on each around VTO(T). The first iteration of a cold DC solve starts at
 * vgs = vgd = -1 V (ngspice's MODEINITJCT for a transistor that is not OFF).
 *
 * Charges in a transient (CGS or CGD given, LoadContext.integ set), as
 * jfetload.c integrates them: the depletion charges qgs(vgs) from g to s'
 * and qgd(vgd) from g to d' (jfetGateCharge), each with the integrator's
 * companion i_{n+1} = a0 q_{n+1} + hist(q_n, q_{n-1}, i_n)
 * (companionHistory applied to charges), evaluated at the limited voltages
 * of the iterate, as ngspice; the current adds to its branch and a0 dq/dv
 * to its junction's conductance:
 *   ggs += a0 Cgs(vgs);  ggd += a0 Cgd(vgd).
 * `accept` re-evaluates the charges at the converged voltages and shifts
 * the history; `startCharges` takes the initial state with no current; the
 * step is bounded by the truncation error of qgs and qgd (jfettrun.c:
 * CKTterr on each, per device as ngspice's state holds them, without M).
 *
 * AC (acLoad, ngspice's JFETacLoad): the Jacobian above at the operating
 * point, and Cgs, Cgd (dq/dv of the charges there) as capacitances.
 */
import { companionHistory, historyStepBound, keepIntegration, type ChargeTruncationSpec } from "../capacitor/capacitor.js";
import { pnjlim } from "../diode/diode.js";
import { fetlim } from "../mosfet/mos-shared.js";
import { jfetChannel, jfetGate, jfetGateCharge, type JfetChannelPoint, type JfetInstance } from "./jfet-model.js";
import { reserveLocalJacobian, reservePair, stampConductance, stampLocalJacobian, type PairHandles } from "../stamp.js";
import type { AcLoadContext, Device, IntegrationState, LoadContext, SetupContext } from "../types.js";

/** Local terminals of the stamp: 0 d', 1 g, 2 s'. */
const N = 3;
const DI = 0;
const G = 1;
const SI = 2;

/** Charge indices: gate-source, gate-drain. */
const QGS = 0;
const QGD = 1;
/** Its two gate charges, for the truncation test. */
const JFET_CHARGES = [QGS, QGD];

export class Jfet implements Device {
  readonly linear = false;
  readonly symmetric = false;
  readonly power = "dissipates";
  readonly nodes: readonly number[];
  /** Global node of each local terminal [d', g, s']. */
  private readonly term: readonly number[];
  private rows = new Int32Array(N);
  /** Entry handles h[r * N + c] of local row r, column c. */
  private h = new Int32Array(N * N);
  private hd: PairHandles | null = null;
  private hs: PairHandles | null = null;
  /** GMIN used by addCurrents (set by the circuit from `.options gmin`). */
  gmin = 1e-12;
  /** Limiter memory: the last iterate's limited normalized vgs, vgd (ngspice's state0). */
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
  private vgs0 = 0;
  private vgd0 = 0;
  private readonly ch: JfetChannelPoint = { cdrain: 0, gm: 0, gds: 0 };
  private readonly gs = { i: 0, g: 0 };
  private readonly gd = { i: 0, g: 0 };
  private readonly qOut = { q: 0, c: 0 };
  /** Local Jacobian (physical, M included), currents, and the point's local voltages. */
  private readonly J = new Float64Array(N * N);
  private readonly I = new Float64Array(N);
  private readonly Vl = new Float64Array(N);
  private readonly qNodes: readonly number[];
  /** Charges at the last evaluation: q (C), current (A), capacitance (F), normalized, per device (no M). */
  private readonly q0 = new Float64Array(2);
  private readonly i0 = new Float64Array(2);
  private readonly c0 = new Float64Array(2);
  /** Accepted history: q at t_n, t_{n-1}, t_{n-2} (C) and the current at t_n (A). */
  private readonly q1 = new Float64Array(2);
  private readonly q2 = new Float64Array(2);
  private readonly q3 = new Float64Array(2);
  private readonly i1 = new Float64Array(2);
  private started = false;
  private readonly lastInteg: IntegrationState = { a0: 0, method: "be", ratio: 1 };
  private haveInteg = false;

  /**
   * @param d, g, s external drain, gate, source
   * @param di, si internal d', s' (=== d, s without RD, RS)
   * @param p the transistor at the circuit temperature (jfetInstanceAt)
   */
  constructor(
    readonly name: string,
    readonly d: number,
    readonly g: number,
    readonly s: number,
    readonly di: number,
    readonly si: number,
    readonly p: JfetInstance,
  ) {
    const nodes = [d, g, s];
    if (di !== d) nodes.push(di);
    if (si !== s) nodes.push(si);
    this.nodes = nodes;
    this.term = [di, g, si];
    const q = p.charge;
    const qn = new Set<number>();
    if (q) {
      if (q.czgs !== 0) qn.add(g).add(si);
      if (q.czgd !== 0) qn.add(g).add(di);
    }
    this.qNodes = [...qn];
  }

  /** Every terminal is joined at DC through the channel, the gate junctions' GMIN and RD, RS. */
  dcGroups(): ReadonlyArray<readonly number[]> {
    return [[this.d, this.g, this.s, this.di, this.si]];
  }

  setup(ctx: SetupContext): void {
    reserveLocalJacobian(ctx, N, this.term, this.rows, this.h);
    if (this.di !== this.d) this.hd = reservePair(ctx, this.d, this.di);
    if (this.si !== this.s) this.hs = reservePair(ctx, this.s, this.si);
  }

  /** Forget the limiter's memory (a new, unrelated solve). */
  reset(): void {
    this.vgs0 = this.vgd0 = 0;
  }

  /**
   * Local currents I and Jacobian J at normalized (vgs, vgd), with the
   * charges when integ is set; Vl gets the local node voltages of the
   * point (reference s' = 0).
   */
  private evaluate(vgs: number, vgd: number, gmin: number, integ: IntegrationState | null): void {
    const p = this.p;
    const t = p.type;
    const m = p.m;
    const ch = this.ch;
    jfetGate(p, vgs, gmin, this.gs);
    jfetGate(p, vgd, gmin, this.gd);
    jfetChannel(p, vgs, vgd, ch);
    let igs = this.gs.i;
    let igd = this.gd.i;
    let ggs = this.gs.g;
    let ggd = this.gd.g;
    if (integ !== null) {
      this.chargeStep(vgs, vgd, integ);
      igs += this.i0[QGS];
      igd += this.i0[QGD];
      ggs += integ.a0 * this.c0[QGS];
      ggd += integ.a0 * this.c0[QGD];
    }
    const { gm, gds, cdrain } = ch;
    const J = this.J;
    J[DI * N + DI] = m * (gds + ggd);
    J[DI * N + G] = m * (gm - ggd);
    J[DI * N + SI] = -m * (gm + gds);
    J[G * N + DI] = -m * ggd;
    J[G * N + G] = m * (ggs + ggd);
    J[G * N + SI] = -m * ggs;
    J[SI * N + DI] = -m * gds;
    J[SI * N + G] = -m * (gm + ggs);
    J[SI * N + SI] = m * (gm + gds + ggs);
    const I = this.I;
    I[DI] = m * t * (cdrain - igd);
    I[G] = m * t * (igs + igd);
    I[SI] = -m * t * (cdrain + igs);
    const Vl = this.Vl;
    Vl[SI] = 0;
    Vl[G] = t * vgs;
    Vl[DI] = t * (vgs - vgd);
  }

  /** The charges q0, capacitances c0 and currents i0 (by the integration formula, from the accepted history) at (vgs, vgd). */
  private chargeStep(vgs: number, vgd: number, integ: IntegrationState): void {
    const c = this.p.charge!;
    const out = this.qOut;
    const { q0, c0, i0, q1, q2, i1 } = this;
    jfetGateCharge(c, c.czgs, vgs, out);
    q0[QGS] = out.q;
    c0[QGS] = out.c;
    jfetGateCharge(c, c.czgd, vgd, out);
    q0[QGD] = out.q;
    c0[QGD] = out.c;
    const a0 = integ.a0;
    for (let k = 0; k < 2; k++) i0[k] = a0 * q0[k] + companionHistory(integ, 1, q1[k], q2[k], i1[k]);
  }

  /** Normalized [vgs, vgd] at node voltages V, without limiting. */
  private vgsAt(V: Float64Array): number {
    return this.p.type * (V[this.g] - V[this.si]);
  }

  private vgdAt(V: Float64Array): number {
    return this.p.type * (V[this.g] - V[this.di]);
  }

  chargeNodes(): readonly number[] {
    return this.qNodes;
  }

  /** The initial state of the charges: the voltages V, no current (Device.startCharges). */
  startCharges(V: Float64Array): void {
    const c = this.p.charge;
    if (!c) return;
    const out = this.qOut;
    jfetGateCharge(c, c.czgs, this.vgsAt(V), out);
    this.q1[QGS] = out.q;
    jfetGateCharge(c, c.czgd, this.vgdAt(V), out);
    this.q1[QGD] = out.q;
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
    if (!this.p.charge || !this.started || !this.haveInteg) return;
    this.chargeStep(this.vgsAt(V), this.vgdAt(V), this.lastInteg);
    this.q3.set(this.q2);
    this.q2.set(this.q1);
    this.q1.set(this.q0);
    this.i1.set(this.i0);
  }

  /**
   * The step (s) the gate charges allow at the converged point V of the
   * step just solved (ChargeTruncation, ngspice's JFETtrunc: CKTterr on qgs
   * and qgd). Infinity without charges or before a transient step was loaded.
   */
  chargeTruncation(V: Float64Array, spec: ChargeTruncationSpec): number {
    if (!this.p.charge || !this.started || !this.haveInteg) return Infinity;
    this.chargeStep(this.vgsAt(V), this.vgdAt(V), this.lastInteg);
    return historyStepBound(this.q0, this.q1, this.q2, this.q3, this.i0, this.i1, JFET_CHARGES, spec);
  }

  load(ctx: LoadContext): void {
    const p = this.p;
    let vgs: number;
    let vgd: number;
    if (this.holdOff) {
      // OFF: vgs = vgd = 0 (jfetload.c, MODEINITJCT / MODEINITFIX with JFEToff)
      vgs = 0;
      vgd = 0;
    } else if (ctx.initJunctions) {
      vgs = -1;
      vgd = -1;
      ctx.noncon = true;
    } else {
      const vgsIn = this.vgsAt(ctx.V);
      const vgdIn = this.vgdAt(ctx.V);
      vgs = pnjlim(vgsIn, this.vgs0, p.vt, p.vcrit);
      vgd = pnjlim(vgdIn, this.vgd0, p.vt, p.vcrit);
      vgs = fetlim(vgs, this.vgs0, p.vto);
      vgd = fetlim(vgd, this.vgd0, p.vto);
      if (vgs !== vgsIn || vgd !== vgdIn) ctx.noncon = true;
    }
    let integ = ctx.integ;
    if (integ && p.charge) {
      if (!this.started) throw new Error(`${this.name}: transient load before startCharges`);
      keepIntegration(this.lastInteg, integ);
      this.haveInteg = true;
    } else integ = null;
    this.evaluate(vgs, vgd, ctx.gmin, integ);
    this.vgs0 = vgs;
    this.vgd0 = vgd;
    const { A, b, Vk } = ctx;
    const J = this.J;
    const h = this.h;
    const term = this.term;
    const Vl = this.Vl;
    for (let r = 0; r < N; r++) {
      const o = r * N;
      // companion current: I_r - sum_c J_rc v_c, to the right-hand side with a minus
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
    if (this.hd) stampConductance(ctx, this.hd, p.m * p.gd);
    if (this.hs) stampConductance(ctx, this.hs, p.m * p.gs);
  }

  /**
   * AC at the operating point (ctx.g.V, not limited: the converged
   * solution), as ngspice's JFETacLoad: the DC Jacobian (gm, gds, ggs and
   * ggd with GMIN) into ctx.g with RD and RS, and with charges the
   * capacitances Cgs(vgs) between g and s' and Cgd(vgd) between g and d',
   * M times, into ctx.c.
   */
  acLoad(ctx: AcLoadContext): void {
    const p = this.p;
    const vgs = this.vgsAt(ctx.g.V);
    const vgd = this.vgdAt(ctx.g.V);
    this.evaluate(vgs, vgd, ctx.g.gmin, null);
    stampLocalJacobian(ctx.g, N, this.J, this.h, this.term, this.rows);
    if (this.hd) stampConductance(ctx.g, this.hd, p.m * p.gd);
    if (this.hs) stampConductance(ctx.g, this.hs, p.m * p.gs);
    const c = p.charge;
    if (!c) return;
    const out = this.qOut;
    jfetGateCharge(c, c.czgs, vgs, out);
    const cgs = p.m * out.c;
    jfetGateCharge(c, c.czgd, vgd, out);
    const cgd = p.m * out.c;
    const J = this.J;
    J.fill(0);
    J[G * N + G] = cgs + cgd;
    J[G * N + SI] = -cgs;
    J[SI * N + G] = -cgs;
    J[SI * N + SI] = cgs;
    J[G * N + DI] = -cgd;
    J[DI * N + G] = -cgd;
    J[DI * N + DI] = cgd;
    stampLocalJacobian(ctx.c, N, this.J, this.h, this.term, this.rows);
  }



  /**
   * The terminal currents (A) at V, leaving d, g, s and the internal nodes,
   * GMIN included; in a transient (time >= 0, after startCharges) plus the
   * charges' currents at the last accepted point, as a capacitor's.
   */
  addCurrents(V: Float64Array, _x: Float64Array, time: number, out: Float64Array): void {
    const p = this.p;
    this.evaluate(this.vgsAt(V), this.vgdAt(V), this.gmin, null);
    const I = this.I;
    const term = this.term;
    for (let r = 0; r < N; r++) out[term[r]] += I[r];
    if (time >= 0 && this.started && p.charge) {
      const mt = p.m * p.type;
      const igs = mt * this.i1[QGS];
      const igd = mt * this.i1[QGD];
      out[this.g] += igs + igd;
      out[this.si] -= igs;
      out[this.di] -= igd;
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
