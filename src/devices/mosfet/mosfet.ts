/**
 * MOSFET levels 1, 2, 3 and 6, the device of ngspice's mos1load.c (mos2load.c,
 * mos3load.c and mos6load.c load the same way; each level's drain current and junction
 * law are the instance's `channel` and `junction`, chosen when it is made):
 * terminals drain d, gate g, source s, bulk b, with optional series
 * resistances RD and RS that add internal nodes d' and s' (else d' = d,
 * s' = s). Not reciprocal: the channel current depends on the gate voltage
 * but draws no gate current, so the stamp is unsymmetric (symmetric =
 * false: the engine factors with LU) and there is no co-content.
 *
 * Normalized voltages (see mosfet-model.ts): vgs = type (V(g) - V(s')),
 * vds = type (V(d') - V(s')), vbs = type (V(b) - V(s')), vbd = vbs - vds.
 * Currents leaving the nodes d', s', b into the device, normalized:
 *   I_d = mode cdrain - cbd,   I_s = -mode cdrain - cbs,   I_b = cbd + cbs
 * (physical currents: type times these; the gate draws none in DC).
 *
 * Linearization at the (limited) point, as ngspice stamps it. With Ids =
 * mode cdrain (d' -> s') and the channel's derivatives (p.channel):
 *   normal mode (vds >= 0):   dIds/dVg = gm,  dIds/dVd = gds,  dIds/dVb = gmbs,
 *                             dIds/dVs = -(gm + gds + gmbs)
 *   reversed mode (vds < 0):  dIds/dVg = -gm, dIds/dVs = -gds, dIds/dVb = -gmbs,
 *                             dIds/dVd = gm + gds + gmbs
 * and the junctions gbs = dcbs/dvbs, gbd = dcbd/dvbd (GMIN included), the
 * Jacobian J (rows d', s', b; columns d', g, s', b) is
 *   d': [dIds/dVd + gbd, dIds/dVg,  dIds/dVs,        dIds/dVb - gbd]
 *   s': [-dIds/dVd,      -dIds/dVg, -dIds/dVs + gbs, -dIds/dVb - gbs]
 *   b:  [-gbd,           0,         -gbs,            gbd + gbs]
 * (the same for NMOS and PMOS: type^2 = 1), and each row's equivalent
 * current is ieq_r = type (I_r - J_rg vgs - J_rd vds - J_rb vbs) (columns
 * referred to s': every row of J sums to zero), stamped as b_r -= ieq_r.
 * In normal mode ieq_d = type ((cdrain - gm vgs - gds vds - gmbs vbs) -
 * (cbd - gbd vbd)), ngspice's cdreq - ceqbd.
 *
 * Step limiting as mos1load.c, from the last iterate's (limited) voltages:
 * fetlim on vgs (on vgd when the last vds < 0) around von, limvds on vds,
 * pnjlim on vbs (on vbd when vds < 0) with Vt and the junction's vcrit. The
 * first iteration of a cold DC solve starts at vbs = -1, vgs = VTO, vds = 0
 * (ngspice's MODEINITJCT).
 *
 * Charges in a transient (LoadContext.integ set), as mos1load.c integrates
 * them, with the integrator's method (companionHistory applied to charges:
 * i_{n+1} = a0 q_{n+1} + hist(q_n, q_{n-1}, i_n)):
 *  - bulk junctions: the depletion charges qbd(vbd), qbs(vbs) of
 *    mosJunctionCharge; their currents and a0 C add to cbd, cbs and gbd, gbs;
 *  - Meyer gate charges qgs, qgd, qgb, integrated the way ngspice does it:
 *    the capacitance over a step is the sum of the halves of meyerHalfCaps
 *    at the new point and at the accepted one, plus the overlap, and
 *    q_{n+1} = q_n + C (v_{n+1} - v_n) for v = vgs, vgd, vgb (the Meyer model
 *    has no charge function; ngspice's conductance a0 C, without dC/dv, is
 *    stamped too: Newton converges to the same solution);
 *  - the gate row of the stamp: d(I_g)/dV = a0 (Cgs + Cgd + Cgb) at g, -a0 Cgx
 *    at x, and the mirror entries on the d', s', b rows.
 * `accept` re-evaluates the charges at the converged voltages and shifts the
 * history; `startCharges` takes the initial state (operating point, or the
 * uic voltages) with no current.
 */
import { companionHistory, historyStepBound, keepIntegration, type ChargeTruncationSpec } from "../capacitor/capacitor.js";
import { limitMosStep, meyerHalfCaps, mosJunctionCharge, type MosChannelPoint, type MosInstance } from "./mos-shared.js";
import { reserveLocalJacobian, reservePair, stampConductance, stampLocalJacobian, type PairHandles } from "../stamp.js";
import type { AcLoadContext, Device, IntegrationState, LoadContext, SetupContext } from "../types.js";

/** Charge indices: gate-source, gate-drain, gate-bulk (Meyer), bulk-drain, bulk-source (junctions). */
const QGS = 0;
const QGD = 1;
const QGB = 2;
/** The gate charges, for the truncation test. */
const GATE_CHARGES = [0, 1, 2];
const QBD = 3;
const QBS = 4;
const NQ = 5;

/** Rows and columns of the intrinsic stamp: index 0 d', 1 g, 2 s', 3 b. */
const COLS = 4;

export class Mosfet implements Device {
  readonly linear = false;
  readonly symmetric = false;
  readonly power = "dissipates";
  readonly nodes: readonly number[];
  /** The intrinsic terminals [d', g, s', b]. */
  private readonly term: readonly number[];
  /** Rows of d', g, s', b (index by terminal; the gate row only with gate capacitance). */
  private rows = new Int32Array(COLS);
  /** Entry handles, row terminal r by column terminal c: h[r * 4 + c]. */
  private h = new Int32Array(COLS * COLS);
  /** The rows this device stamps: d', s', b, and g when the gate has capacitance. */
  private readonly stampRows: readonly number[];
  /** Nodes its charges touch (Device.chargeNodes). */
  private readonly qNodes: readonly number[];
  /** Charges at the point of the last charge evaluation: q (C), current dq/dt (A), capacitance used (F). */
  private readonly q0 = new Float64Array(NQ);
  private readonly i0 = new Float64Array(NQ);
  private readonly c0 = new Float64Array(NQ);
  /** Accepted history: q at t_n, t_{n-1} and t_{n-2} (C), current at t_n (A). */
  private readonly q1 = new Float64Array(NQ);
  private readonly q2 = new Float64Array(NQ);
  private readonly q3 = new Float64Array(NQ);
  private readonly i1 = new Float64Array(NQ);
  /** Meyer halves [gs, gd, gb] at the last evaluation and at the accepted point (F). */
  private readonly half0 = new Float64Array(3);
  private readonly half1 = new Float64Array(3);
  private readonly halfTmp = new Float64Array(3);
  /** Normalized vgs, vgd, vgb at the accepted point (V). */
  private vgs1 = 0;
  private vgd1 = 0;
  private vgb1 = 0;
  /** True once startCharges set the history (the charge currents count in addCurrents). */
  private started = false;
  /** Integration state of the last transient load (accept re-evaluates with it). */
  private readonly lastInteg: IntegrationState = { a0: 0, method: "be", ratio: 1 };
  private haveInteg = false;
  private readonly jq = { q: 0, c: 0 };
  private hd: PairHandles | null = null;
  private hs: PairHandles | null = null;
  /** GMIN used by addCurrents (set by the circuit from `.options gmin`). */
  gmin = 1e-12;
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
  /** Limiter memory (MosLimiterMemory): the last iterate's normalized voltages and threshold (V; ngspice's state0). */
  vgs0 = 0;
  vds0 = 0;
  vbs0 = 0;
  vbd0 = 0;
  von0 = 0;
  private readonly ch: MosChannelPoint = { mode: 1, cdrain: 0, gm: 0, gds: 0, gmbs: 0, von: 0, vdsat: 0 };
  private readonly jn = { i: 0, g: 0 };
  /** Jacobian (rows d', s', b at 0, 2, 3) and currents of the last load, normalized. */
  private readonly J = new Float64Array(COLS * COLS);
  private readonly I = new Float64Array(COLS);

  /**
   * @param d, g, s, b external nodes; di, si the intrinsic drain and source (=== d, s without RD, RS)
   * @param p the transistor's values at the circuit temperature (mosInstanceAt)
   */
  constructor(
    readonly name: string,
    readonly d: number,
    readonly g: number,
    readonly s: number,
    readonly b: number,
    readonly di: number,
    readonly si: number,
    readonly p: MosInstance,
  ) {
    const nodes = [d, g, s, b];
    if (di !== d) nodes.push(di);
    if (si !== s) nodes.push(si);
    this.nodes = nodes;
    this.term = [di, g, si, b];
    const q = p.charges;
    this.stampRows = q?.gate ? [0, 1, 2, 3] : [0, 2, 3];
    const qn = new Set<number>();
    if (q) {
      if (q.gate) {
        qn.add(g).add(di).add(si);
        if (q.cox !== 0 || q.cgbo !== 0) qn.add(b);
      }
      if (q.drain.cz !== 0 || q.drain.czsw !== 0) qn.add(di).add(b);
      if (q.source.cz !== 0 || q.source.czsw !== 0) qn.add(si).add(b);
    }
    this.qNodes = [...qn];
  }

  /** Drain, source and bulk are joined at DC by the junctions' GMIN and the series resistances; the gate is not. */
  dcGroups(): ReadonlyArray<readonly number[]> {
    return [[this.d, this.di, this.b, this.si, this.s]];
  }

  setup(ctx: SetupContext): void {
    reserveLocalJacobian(ctx, COLS, this.term, this.rows, this.h, this.stampRows);
    if (this.di !== this.d) this.hd = reservePair(ctx, this.d, this.di);
    if (this.si !== this.s) this.hs = reservePair(ctx, this.s, this.si);
  }

  /** Forget the limiter's memory (a new, unrelated solve). */
  reset(): void {
    this.vgs0 = this.vds0 = this.vbs0 = this.vbd0 = this.von0 = 0;
  }

  /**
   * The normalized voltages to linearize at, from node voltages V: ngspice's
   * INITJCT start or its limiting from the last iterate. Returns
   * [vgs, vds, vbs] in `out` and true when a limiter changed a value.
   */
  private limited(V: Float64Array, initJunctions: boolean, out: Float64Array): boolean {
    const p = this.p;
    const t = p.type;
    if (this.holdOff) {
      // OFF: vgs = vds = vbs = 0 (mos1load.c, MODEINITJCT / MODEINITFIX with MOS1off)
      out[0] = out[1] = out[2] = 0;
      return false;
    }
    if (initJunctions) {
      out[0] = t * p.vto;
      out[1] = 0;
      out[2] = -1;
      return true;
    }
    const vs = V[this.si];
    return limitMosStep(t * (V[this.g] - vs), t * (V[this.di] - vs), t * (V[this.b] - vs), this, p.vt, p.sourceVcrit, p.drainVcrit, out);
  }

  /**
   * Currents I (rows 0 d', 2 s', 3 b) and Jacobian J of the intrinsic
   * transistor at normalized (vgs, vds, vbs), GMIN on both junctions; also
   * remembers the point for the limiter.
   */
  private evaluate(vgs: number, vds: number, vbs: number, gmin: number, integ: IntegrationState | null): void {
    const p = this.p;
    const ch = this.ch;
    const jn = this.jn;
    p.channel(p, vgs, vds, vbs, ch);
    p.junction(p.sourceSatCur, p.vt, gmin, vbs, jn);
    let cbs = jn.i;
    let gbs = jn.g;
    const vbd = vbs - vds;
    p.junction(p.drainSatCur, p.vt, gmin, vbd, jn);
    let cbd = jn.i;
    let gbd = jn.g;
    const charged = integ !== null && p.charges !== null;
    let gcgs = 0;
    let gcgd = 0;
    let gcgb = 0;
    if (charged) {
      this.chargeStep(vgs, vds, vbs, integ);
      const a0 = integ.a0;
      const { i0, c0 } = this;
      cbd += i0[QBD];
      gbd += a0 * c0[QBD];
      cbs += i0[QBS];
      gbs += a0 * c0[QBS];
      gcgs = a0 * c0[QGS];
      gcgd = a0 * c0[QGD];
      gcgb = a0 * c0[QGB];
    }
    const ids = ch.mode * ch.cdrain;
    // dIds/dV by column d', g, s', b
    let gd: number, gg: number, gs: number, gb: number;
    if (ch.mode === 1) {
      gg = ch.gm;
      gd = ch.gds;
      gb = ch.gmbs;
      gs = -(ch.gm + ch.gds + ch.gmbs);
    } else {
      gg = -ch.gm;
      gs = -ch.gds;
      gb = -ch.gmbs;
      gd = ch.gm + ch.gds + ch.gmbs;
    }
    const J = this.J;
    J[0] = gd + gbd;
    J[1] = gg;
    J[2] = gs;
    J[3] = gb - gbd;
    J[8] = -gd;
    J[9] = -gg;
    J[10] = -gs + gbs;
    J[11] = -gb - gbs;
    J[12] = -gbd;
    J[13] = 0;
    J[14] = -gbs;
    J[15] = gbd + gbs;
    const I = this.I;
    I[0] = ids - cbd;
    I[2] = -ids - cbs;
    I[3] = cbd + cbs;
    // gate row and the gate capacitances' entries (zero in DC)
    J[4] = -gcgd;
    J[5] = gcgs + gcgd + gcgb;
    J[6] = -gcgs;
    J[7] = -gcgb;
    I[1] = 0;
    if (charged) {
      const i0 = this.i0;
      J[0] += gcgd;
      J[1] -= gcgd;
      J[9] -= gcgs;
      J[10] += gcgs;
      J[13] -= gcgb;
      J[15] += gcgb;
      I[1] = i0[QGS] + i0[QGD] + i0[QGB];
      I[0] -= i0[QGD];
      I[2] -= i0[QGS];
      I[3] -= i0[QGB];
    }
    this.vgs0 = vgs;
    this.vds0 = vds;
    this.vbs0 = vbs;
    this.vbd0 = vbd;
    this.von0 = ch.von;
  }

  /**
   * The charges q0, their currents i0 (by the integration formula) and the
   * capacitances c0 at normalized (vgs, vds, vbs), with this.ch holding the
   * channel at that point (its mode, von, vdsat), from the accepted history.
   */
  private chargeStep(vgs: number, vds: number, vbs: number, integ: IntegrationState): void {
    const c = this.p.charges!;
    const ch = this.ch;
    const { q0, i0, c0, q1, q2, i1, jq } = this;
    if (c.gate) {
      const h = this.half0;
      this.halfCaps(vgs, vds, ch, c.cox, h);
      const half1 = this.half1;
      c0[QGS] = h[0] + half1[0] + c.cgso;
      c0[QGD] = h[1] + half1[1] + c.cgdo;
      c0[QGB] = h[2] + half1[2] + c.cgbo;
      q0[QGS] = q1[QGS] + (vgs - this.vgs1) * c0[QGS];
      q0[QGD] = q1[QGD] + (vgs - vds - this.vgd1) * c0[QGD];
      q0[QGB] = q1[QGB] + (vgs - vbs - this.vgb1) * c0[QGB];
    }
    mosJunctionCharge(c.drain, vbs - vds, jq);
    q0[QBD] = jq.q;
    c0[QBD] = jq.c;
    mosJunctionCharge(c.source, vbs, jq);
    q0[QBS] = jq.q;
    c0[QBS] = jq.c;
    const a0 = integ.a0;
    for (let k = 0; k < NQ; k++) i0[k] = a0 * q0[k] + companionHistory(integ, 1, q1[k], q2[k], i1[k]);
  }

  /**
   * Half the Meyer capacitances [Cgs, Cgd, Cgb] (F) at normalized (vgs, vds)
   * on channel point ch into h; in reversed mode the drain acts as the source
   * (ngspice swaps the roles of capgs and capgd).
   */
  private halfCaps(vgs: number, vds: number, ch: MosChannelPoint, cox: number, h: Float64Array): void {
    if (ch.mode === 1) {
      meyerHalfCaps(vgs, vgs - vds, ch.von, ch.vdsat, this.p.phi, cox, h);
      return;
    }
    const t = this.halfTmp;
    meyerHalfCaps(vgs - vds, vgs, ch.von, ch.vdsat, this.p.phi, cox, t);
    h[0] = t[1];
    h[1] = t[0];
    h[2] = t[2];
  }

  /**
   * ngspice's MOS1/2/3convTest at the step's node voltages V: the drain
   * current and the bulk current that the last linearization (J, I at
   * vgs0, vds0, vbs0) predicts there,
   *   cdhat = cd + gm dvgs + gds dvds + gmbs dvbs - gbd dvbd  (J's drain row),
   *   cbhat = cbs + cbd + gbd dvbd + gbs dvbs                (J's bulk row),
   * each within reltol max(|hat|, |last|) + abstol (A) of the last.
   */
  convTest(V: Float64Array, reltol: number, abstol: number): boolean {
    const v = this.vt3;
    this.normalized(V, v);
    const dvgs = v[0] - this.vgs0;
    const dvds = v[1] - this.vds0;
    const dvbs = v[2] - this.vbs0;
    const { J, I } = this;
    const cd = I[0];
    const cdhat = cd + J[0] * dvds + J[1] * dvgs + J[3] * dvbs;
    if (Math.abs(cdhat - cd) >= reltol * Math.max(Math.abs(cdhat), Math.abs(cd)) + abstol) return false;
    const cb = I[3];
    const cbhat = cb + J[12] * dvds + J[13] * dvgs + J[15] * dvbs;
    return !(Math.abs(cbhat - cb) > reltol * Math.max(Math.abs(cbhat), Math.abs(cb)) + abstol);
  }

  /** Scratch for convTest's normalized voltages. */
  private readonly vt3 = new Float64Array(3);

  /** The normalized (vgs, vds, vbs) at node voltages V, without limiting. */
  private normalized(V: Float64Array, out: Float64Array): void {
    const t = this.p.type;
    const vs = V[this.si];
    out[0] = t * (V[this.g] - vs);
    out[1] = t * (V[this.di] - vs);
    out[2] = t * (V[this.b] - vs);
  }

  chargeNodes(): readonly number[] {
    return this.qNodes;
  }

  /** The initial state of the charges: the voltages V, no current (Device.startCharges). */
  startCharges(V: Float64Array): void {
    const c = this.p.charges;
    if (!c) return;
    const pt = this.pt;
    this.normalized(V, pt);
    const [vgs, vds, vbs] = pt;
    const ch = this.chAcc;
    this.p.channel(this.p, vgs, vds, vbs, ch);
    const h = this.half1;
    this.halfCaps(vgs, vds, ch, c.cox, h);
    if (!c.gate) h.fill(0);
    this.vgs1 = vgs;
    this.vgd1 = vgs - vds;
    this.vgb1 = vgs - vbs;
    this.q1.fill(0);
    const jq = this.jq;
    mosJunctionCharge(c.drain, vbs - vds, jq);
    this.q1[QBD] = jq.q;
    mosJunctionCharge(c.source, vbs, jq);
    this.q1[QBS] = jq.q;
    this.q2.set(this.q1);
    this.q3.set(this.q1);
    this.i1.fill(0);
    this.i0.fill(0);
    this.q0.set(this.q1);
    this.c0.fill(0);
    this.started = true;
    this.haveInteg = false;
  }

  /** Accept the converged time point: the charges at V with the last step's formula become the history. */
  accept(V: Float64Array, _x: Float64Array, _h: number): void {
    if (!this.p.charges || !this.started || !this.haveInteg) return;
    const pt = this.pt;
    this.normalized(V, pt);
    const [vgs, vds, vbs] = pt;
    // the channel's von and vdsat at V, without touching the limiter's memory (this.ch is scratch)
    this.p.channel(this.p, vgs, vds, vbs, this.ch);
    this.chargeStep(vgs, vds, vbs, this.lastInteg);
    this.q3.set(this.q2);
    this.q2.set(this.q1);
    this.q1.set(this.q0);
    this.i1.set(this.i0);
    this.half1.set(this.half0);
    this.vgs1 = vgs;
    this.vgd1 = vgs - vds;
    this.vgb1 = vgs - vbs;
  }

  /**
   * The step (s) the gate charges allow at the converged point V of the step
   * just solved (ChargeTruncation, ngspice's MOS1trunc: CKTterr on qgs, qgd,
   * qgb; the junction charges are not checked, as in mos1trun.c). Infinity
   * without gate charges or before a transient step was loaded.
   */
  chargeTruncation(V: Float64Array, spec: ChargeTruncationSpec): number {
    const c = this.p.charges;
    if (!c || !c.gate || !this.started || !this.haveInteg) return Infinity;
    const pt = this.pt;
    this.normalized(V, pt);
    const [vgs, vds, vbs] = pt;
    this.p.channel(this.p, vgs, vds, vbs, this.ch);
    this.chargeStep(vgs, vds, vbs, this.lastInteg);
    return historyStepBound(this.q0, this.q1, this.q2, this.q3, this.i0, this.i1, GATE_CHARGES, spec);
  }

  private readonly pt = new Float64Array(3);
  private readonly chAcc: MosChannelPoint = { mode: 1, cdrain: 0, gm: 0, gds: 0, gmbs: 0, von: 0, vdsat: 0 };

  load(ctx: LoadContext): void {
    const pt = this.pt;
    if (this.limited(ctx.V, ctx.initJunctions, pt)) ctx.noncon = true;
    const [vgs, vds, vbs] = pt;
    let integ = ctx.integ;
    if (integ && this.p.charges) {
      if (!this.started) throw new Error(`${this.name}: transient load before startCharges`);
      keepIntegration(this.lastInteg, integ);
      this.haveInteg = true;
    } else integ = null;
    this.evaluate(vgs, vds, vbs, ctx.gmin, integ);
    const t = this.p.type;
    const { A, b, Vk } = ctx;
    const J = this.J;
    const h = this.h;
    const term = this.term;
    for (const r of this.stampRows) {
      const o = r * COLS;
      // ieq_r = type (I_r - J_rg vgs - J_rd vds - J_rb vbs)
      let rhs = -t * (this.I[r] - J[o + 1] * vgs - J[o] * vds - J[o + 3] * vbs);
      for (let c = 0; c < COLS; c++) {
        A[h[o + c]] += J[o + c];
        // a fixed column's term moves to the right-hand side (Vk is 0 for unknowns)
        rhs -= J[o + c] * Vk[term[c]];
      }
      b[this.rows[r]] += rhs;
    }
    if (this.hd) stampConductance(ctx, this.hd, this.p.gd);
    if (this.hs) stampConductance(ctx, this.hs, this.p.gs);
  }

  /**
   * AC at the operating point (ctx.g.V, not limited: the converged
   * solution), as ngspice's mos1acld.c: the DC Jacobian J (channel and
   * junction conductances, GMIN included) and RD, RS into ctx.g; with
   * charges, into ctx.c the Meyer capacitances at the point, twice
   * meyerHalfCaps plus the overlaps (Cgs, Cgd, Cgb between the gate and s',
   * d', b; drain and source swap in reversed mode), and the junctions'
   * depletion capacitances Cbd(vbd), Cbs(vbs) (mosJunctionCharge).
   */
  acLoad(ctx: AcLoadContext): void {
    // ngspice 39's MOS6 has no AC load (mos6init.c: DEVacLoad = NULL): a level-6 transistor is absent from .ac
    if (this.p.level === 6) return;
    const pt = this.pt;
    this.normalized(ctx.g.V, pt);
    const [vgs, vds, vbs] = pt;
    this.evaluate(vgs, vds, vbs, ctx.g.gmin, null);
    stampLocalJacobian(ctx.g, COLS, this.J, this.h, this.term, this.rows, this.stampRows);
    if (this.hd) stampConductance(ctx.g, this.hd, this.p.gd);
    if (this.hs) stampConductance(ctx.g, this.hs, this.p.gs);
    const c = this.p.charges;
    if (!c) return;
    const J = this.J;
    J.fill(0);
    // a capacitance cap between local terminals x and y
    const pair = (x: number, y: number, cap: number) => {
      J[x * COLS + x] += cap;
      J[y * COLS + y] += cap;
      J[x * COLS + y] -= cap;
      J[y * COLS + x] -= cap;
    };
    if (c.gate) {
      const h = this.half0;
      this.halfCaps(vgs, vds, this.ch, c.cox, h);
      pair(1, 2, 2 * h[0] + c.cgso);
      pair(1, 0, 2 * h[1] + c.cgdo);
      pair(1, 3, 2 * h[2] + c.cgbo);
    }
    const jq = this.jq;
    mosJunctionCharge(c.drain, vbs - vds, jq);
    pair(3, 0, jq.c);
    mosJunctionCharge(c.source, vbs, jq);
    pair(3, 2, jq.c);
    stampLocalJacobian(ctx.c, COLS, this.J, this.h, this.term, this.rows, this.stampRows);
  }



  /**
   * The terminal currents (A) at V, leaving d, g, s, b (and the internal
   * nodes), GMIN included; in a transient (time >= 0, after startCharges)
   * plus the charges' currents at the last accepted point, as a capacitor's.
   */
  addCurrents(V: Float64Array, _x: Float64Array, time: number, out: Float64Array): void {
    const p = this.p;
    const t = p.type;
    const vs = V[this.si];
    const vgs = t * (V[this.g] - vs);
    const vds = t * (V[this.di] - vs);
    const vbs = t * (V[this.b] - vs);
    const ch = this.ch;
    const jn = this.jn;
    p.channel(p, vgs, vds, vbs, ch);
    p.junction(p.sourceSatCur, p.vt, this.gmin, vbs, jn);
    const cbs = jn.i;
    p.junction(p.drainSatCur, p.vt, this.gmin, vbs - vds, jn);
    const cbd = jn.i;
    const ids = ch.mode * ch.cdrain;
    out[this.di] += t * (ids - cbd);
    out[this.si] += t * (-ids - cbs);
    out[this.b] += t * (cbd + cbs);
    if (time >= 0 && this.started) {
      const i1 = this.i1;
      out[this.g] += t * (i1[QGS] + i1[QGD] + i1[QGB]);
      out[this.di] -= t * (i1[QGD] + i1[QBD]);
      out[this.si] -= t * (i1[QGS] + i1[QBS]);
      out[this.b] += t * (i1[QBD] + i1[QBS] - i1[QGB]);
    }
    if (this.hd) {
      const i = p.gd * (V[this.d] - V[this.di]);
      out[this.d] += i;
      out[this.di] -= i;
    }
    if (this.hs) {
      const i = p.gs * (V[this.s] - V[this.si]);
      out[this.s] += i;
      out[this.si] -= i;
    }
  }
}
