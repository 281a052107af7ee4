/**
 * ngspice 39's VDMOS power MOSFET (vdmosload.c, vdmosacld.c,
 * vdmostrun.c; self-heating is refused where the line is read): terminals drain d,
 * gate g, source s; internal nodes d' (behind RD), g' (behind RG), s'
 * (behind RS) and the body diode's anode node r (behind RB), each equal to
 * its terminal when that resistance is 0. Not reciprocal (symmetric =
 * false, no co-content).
 *
 * Elements, with type t (+1 n-channel, -1 p-channel) and normalized
 * vgs = t (V(g') - V(s')), vds = t (V(d') - V(s')):
 *  - the channel from d' to s': physical current t mode cdrain(vgs, vds)
 *    (vdmosChannel; mode = sign(vds));
 *  - RD between d and d', with the quasi-saturation conductance when RQ and
 *    VQ are given and mode = 1: 1 / (rd0 + rd1 vdsn / (vdsn + |VQ|)) + GMIN,
 *    vdsn = t (V(d) - V(s)) at the iterate (the external nodes);
 *  - RG between g and g', RS between s and s', RDS (or 1e-15 S) between d and s;
 *  - the body diode from r to d (n-channel; d to r for p-channel) at
 *    vd = t (V(r) - V(d)) (vdmosDiode), GMIN across it; RB between s and r.
 *
 * Linearization, as vdmosload.c stamps it (the currents are exact; the
 * Jacobian is ngspice's, so that Newton takes ngspice's path):
 *  - channel, normal mode: rows d', s' get [gds at d', gm at g', -gds-gm at s']
 *    and its negative, ieq = t (cdrain - gds vds - gm vgs) leaving d';
 *    reverse mode: [gds+gm at d', -gm at g', -gds at s'] and its negative,
 *    ieq = -t (cdrain + gds vds - gm vgd) leaving d' (gm and gds: ngspice's,
 *    see vdmosChannel for where they are not cdrain's exact derivatives);
 *  - the quasi-saturation conductance is stamped as a plain conductance at
 *    its value of the iterate (ngspice omits its dependence on vdsn);
 *  - the diode: gd (ngspice's, see vdmosDiode) between r and d, ieq = t (cd - gd vd);
 *  - self-heating (`thermal`): the exact derivatives, not vdmosload.c's, in
 *    the temperature node's row and column (stampHeatedChannel,
 *    stampHeatedDiode): vdmosload.c's dIds_dT has half of d(beta)/dT and no
 *    dVTH/dT, its drd0T_dT half of d(rd0)/dT, its power rows half of
 *    d(gdrain Vrd^2)/dVrd and of d(gb Vrs^2)/dVrs and the diode's without the
 *    type. With that Jacobian Newton converges linearly and ngspice stops
 *    about 4e-7 relative from the solution on 100W.sp (1e-5 K); with the exact
 *    one eqspice lands on the solution (ngspice's reltol = 1e-7 answer) at
 *    default tolerances. RD's power is taken through KCL at d' (see
 *    stampHeatedChannel): the same at every solution, and away from one
 *    evaluated at the channel's limited point, not at the iterate's Vrd.
 *
 * Step limiting from the last linearization point (ngspice's state0):
 * DEVfetlim on vgs around von = t VTH(T) (on vgd when the last vds < 0) and
 * DEVlimvds on vds; DEVpnjlim on vd (on -(vd + BV') near breakdown). Only
 * the diode's limiter marks the iterate not converged (Check_dio): the
 * MOSFET limiters do not in vdmosload.c. The first iteration of a cold solve
 * (INITJCT) takes vgs = t VTO + 0.1, vds = 0 (or the instance's icvgs,
 * icvds), vd = vcrit; OFF holds vgs = vds = 0 until INITFLOAT. vdmosconv.c's
 * test has no effect in ngspice 39 (CKTconvTest's device results are
 * overwritten by NIiter), so the device has none.
 *
 * Charges in a transient (LoadContext.integ set), as vdmosload.c integrates
 * them with the integrator's formula (companionHistory on charges):
 *  - gate: Cgs = CGS between g' and s', Cgd(vgd) (vdmosHalfCgd) between g'
 *    and d', Meyer-style: the capacitance over a step is the sum of the
 *    halves at the new and the accepted point, q_{n+1} = q_n + C (v_{n+1} - v_n),
 *    conductance a0 C (ngspice's, without dC/dv);
 *  - the body diode's charge q(vd) (vdmosDiodeCharge: depletion plus TT
 *    times its current), its current and a0 C added to the diode's.
 * `accept` re-evaluates them at the converged voltages and shifts the
 * history; `startCharges` takes ngspice's TRANOP charges with no current.
 */
import { InputError } from "../../util/errors.js";
import { fetlim, limvds } from "../mosfet/mos-shared.js";
import { pnjlim } from "../diode/diode.js";
import { companionHistory, historyStepBound, keepIntegration, type ChargeTruncationSpec } from "../capacitor/capacitor.js";
import type { AcLoadContext, Device, IntegrationState, LoadContext, SetupContext } from "../types.js";
import { CONSTCtoK } from "../diode/diode-model.js";
import { vdmosChannel, vdmosChannelDT, vdmosDiode, vdmosDiodeCharge, vdmosDiodeDT, vdmosHalfCgd, type VdmosChannelPoint, type VdmosInstance } from "./vdmos-model.js";

/** Local terminals. */
const D = 0;
const G = 1;
const S = 2;
const DP = 3;
const GP = 4;
const SP = 5;
const RP = 6;
/** The self-heating model's junction and case temperature nodes (ground without `thermal`). */
const TJ = 7;
const TC = 8;
const NT = 9;

/** Charge indices: gate-source, gate-drain (gate capacitances), the body diode's. */
const QGS = 0;
const QGD = 1;
const QD = 2;
/** The charges qgs, qgd and the body diode's, for the truncation test. */
const VDMOS_CHARGES = [0, 1, 2];
/** Self-heating's thermal charge on tj (CTHJ). */
const QTH = 3;
const NQ = 4;

/** The matrix entries vdmosset.c allocates (TSTALLOC), as [row, column] local terminals. */
const PAIRS: ReadonlyArray<readonly [number, number]> = [
  [D, D], [G, G], [S, S], [DP, DP], [SP, SP], [GP, GP], [D, DP], [GP, DP], [GP, SP], [S, SP], [DP, SP], [DP, D], [DP, GP], [SP, GP], [SP, S], [SP, DP],
  [G, GP], [GP, G], [D, S], [S, D],
  [RP, D], [D, RP], [S, RP], [RP, S], [RP, RP],
];
/** The entries self-heating adds (vdmosset.c, the thermal TSTALLOCs without the ambient node and its branch). */
const THERMAL_PAIRS: ReadonlyArray<readonly [number, number]> = [
  [TJ, TJ], [TJ, DP], [TJ, SP], [TJ, GP], [GP, TJ], [DP, TJ], [SP, TJ],
  [TJ, RP], [TJ, D], [RP, TJ], [D, TJ], [TJ, S], [S, TJ],
  [TC, TC], [TC, TJ], [TJ, TC],
  [G, TJ],
];

/**
 * ngspice's self-heating network (an instance with `thermal`, RTHJC on the
 * card): nodes tj (its voltage is the junction's temperature rise dT in K
 * over the device temperature) and tc; the power the transistor dissipates
 * enters tj. vdmosset.c allocates RTHJC between tj and tc, and for RTHCA
 * the entries (tc, tc), (tp, tp), (tp, tj), (tj, tp), with tp the ambient
 * node its source holds at the circuit temperature in C: so RTHCA runs
 * from tc to ground and tj sees the ambient through -1/RTHCA (ngspice 39's
 * entries, kept: the solution is ngspice's). With tp eliminated:
 *   tj: (V(tj) - V(tc)) / RTHJC - T_amb / RTHCA = P,   tc: (V(tc) - V(tj)) / RTHJC + V(tc) / RTHCA = 0.
 */
export interface VdmosThermal {
  readonly tj: number;
  readonly tc: number;
  readonly rthjc: number;
  readonly rthca: number;
  /** The circuit temperature (C), ngspice's vCktTemp. */
  readonly tambC: number;
  /** The instance values at a device temperature T (K): vdmostemp.c's update at T. */
  readonly at: (T: number) => VdmosInstance;
}

/** Temperature derivatives of the heated instance values (Vdmos.heatedDT; per K, in the values' units). */
interface HeatedDT {
  beta: number;
  vth: number;
  ksub: number;
  rd0: number;
  rd1: number;
  gg: number;
  gs: number;
}

export class Vdmos implements Device {
  readonly linear = false;
  readonly symmetric = false;
  readonly power = "dissipates";
  readonly nodes: readonly number[];
  /** Node of each local terminal [d, g, s, d', g', s', r]. */
  private readonly term: Int32Array;
  private readonly rows = new Int32Array(NT);
  /** Entry handle of (row r, column c), h[r * NT + c], for the PAIRS. */
  private readonly h = new Int32Array(NT * NT).fill(-1);
  /** GMIN of addCurrents (set from `.options gmin`). */
  gmin = 1e-12;
  /** ngspice's OFF; holdOff is set by op.ts while it holds (INITJCT, INITFIX) or for a from-zero iteration. */
  off = false;
  holdOff = false;
  /** The instance's icvds, icvgs (V): INITJCT's start when either is nonzero. */
  icVds = 0;
  icVgs = 0;
  /** Limiter memory (ngspice's state0): normalized vgs, vds, vd of the last load and the von it used (V). */
  vgs0 = 0;
  vds0 = 0;
  vd0 = 0;
  von0 = 0;
  /** The drain conductance of the last load (S): 1/rd0, or the quasi-saturation value. */
  private gdrain: number;
  private readonly ch: VdmosChannelPoint = { mode: 1, cdrain: 0, gm: 0, gds: 0 };
  private readonly jn = { i: 0, g: 0, ib: 0, gb: 0 };
  private readonly hasRd: boolean;
  /** CGDMIN, CGDMAX, CGS, CJO or TT given: the device has charges (Device.chargeNodes). */
  private readonly charged: boolean;
  private readonly qNodes: readonly number[];
  /** Charges at the last evaluation: q (C), current dq/dt (A), capacitance used (F). */
  private readonly q0 = new Float64Array(NQ);
  private readonly i0 = new Float64Array(NQ);
  private readonly c0 = new Float64Array(NQ);
  /** Accepted history: q at t_n, t_{n-1}, t_{n-2} (C), current at t_n (A). */
  private readonly q1 = new Float64Array(NQ);
  private readonly q2 = new Float64Array(NQ);
  private readonly q3 = new Float64Array(NQ);
  private readonly i1 = new Float64Array(NQ);
  /** Half Cgd at the last evaluation and at the accepted point (F); normalized vgs, vgd there (V). */
  private half0 = 0;
  private half1 = 0;
  private vgs1 = 0;
  private vgd1 = 0;
  private started = false;
  private haveInteg = false;
  private readonly lastInteg: IntegrationState = { a0: 0, method: "be", ratio: 1 };
  private readonly jq = { q: 0, c: 0 };
  /** The instance values of this load / addCurrents: p, or with self-heating p at the junction temperature (heated). */
  private pc: VdmosInstance;
  /** Self-heating: limiter memory of the temperature rise (K; ngspice's state0 delTemp) and d(gdrain)/dT of the last load (S/K). */
  dT0 = 0;
  private dgdrainDT = 0;

  constructor(
    readonly name: string,
    readonly d: number,
    readonly g: number,
    readonly s: number,
    /** Internal drain, gate, source and body-diode nodes (=== d, g, s, s without RD, RG, RS, RB). */
    readonly di: number,
    readonly gi: number,
    readonly si: number,
    readonly bi: number,
    readonly p: VdmosInstance,
    /** The self-heating network (`thermal`), or null. */
    readonly th: VdmosThermal | null = null,
  ) {
    this.pc = p;
    const nodes = [d, g, s];
    if (th) nodes.push(th.tj, th.tc);
    for (const [x, y] of [[di, d], [gi, g], [si, s], [bi, s]]) if (x !== y) nodes.push(x);
    this.nodes = nodes;
    this.term = Int32Array.from([d, g, s, di, gi, si, bi, th ? th.tj : 0, th ? th.tc : 0]);
    this.hasRd = di !== d;
    this.gdrain = p.rd0 > 0 ? 1 / p.rd0 : 0;
    const m = p.model;
    this.charged = m.cgdmin !== 0 || m.cgdmax !== 0 || m.cgs !== 0 || m.cjo !== 0 || m.tt !== 0 || (th !== null && m.cthj !== 0);
    this.qNodes = this.charged ? [...new Set([gi, di, si, bi, d, ...(th ? [th.tj] : [])])] : [];
  }

  /** Everything but the gate is joined at DC (RD, RS, RB, RDS's 1e-15 S, the diode's GMIN); the gate only to g'. */
  dcGroups(): ReadonlyArray<readonly number[]> {
    const groups: number[][] = [[this.d, this.di, this.s, this.si, this.bi]];
    if (this.gi !== this.g) groups.push([this.g, this.gi]);
    if (this.th) groups.push([this.th.tj, this.th.tc, 0]);
    return groups;
  }

  setup(ctx: SetupContext): void {
    const t = this.term;
    for (let r = 0; r < NT; r++) this.rows[r] = ctx.row(t[r]);
    for (const [r, c] of PAIRS) this.h[r * NT + c] = ctx.entry(this.rows[r], ctx.row(t[c]));
    if (this.th) for (const [r, c] of THERMAL_PAIRS) this.h[r * NT + c] = ctx.entry(this.rows[r], ctx.row(t[c]));
  }

  /**
   * The instance at junction temperature T (K) with vdmosload.c's
   * self-heating factors on top of vdmostemp.c's update at T:
   * KP (T/T0)^MU, RD (T/T0)^TEXP0, RQ (T/T0)^TEXP1 (T0 the device temperature).
   */
  private heated(T: number): VdmosInstance {
    const pT = this.th!.at(T);
    const m = pT.model;
    const ratio = T / this.p.temp;
    return { ...pT, beta: pT.beta * Math.pow(ratio, m.mu), rd0: pT.rd0 * Math.pow(ratio, m.texp0), rd1: m.qsGiven ? pT.rd1 * Math.pow(ratio, m.texp1) : 0 };
  }

  /**
   * d/dT (per K) of the heated instance's values at T (K), this.pc = heated(T):
   * beta = KP m (T/TNOM)^MU (T/T0)^MU, so d(beta)/dT = 2 MU beta / T;
   * vth = VTO - type TCVTH (T - TNOM); ksub = KSUBTHRES (1 + TK1 dt + TK2 dt^2);
   * rd0 = RD/m (T/TNOM)^TEXP0 (T/T0)^TEXP0 (TEXP0 given) or RD/m (1 + TRD1 dt + TRD2 dt^2) (T/T0)^TEXP0;
   * rd1 = RQ/m (T/TNOM)^TEXP1 (T/T0)^TEXP1; gg, gs = m/R / (1 + TR1 dt + TR2 dt^2) (dt = T - TNOM).
   */
  private heatedDT(T: number): HeatedDT {
    const m = this.p.model;
    const pc = this.pc;
    const dt = T - (m.tnom + CONSTCtoK);
    const poly = (a: number, b: number) => (a + 2 * b * dt) / (1 + a * dt + b * dt * dt);
    const d = this.dHeat;
    d.beta = (2 * m.mu * pc.beta) / T;
    d.vth = -m.type * m.tcvth;
    d.ksub = m.ksubthres * (m.tksubthres1 + 2 * m.tksubthres2 * dt);
    d.rd0 = pc.rd0 * (m.texp0 / T + (m.texp0Given ? m.texp0 / T : poly(m.trd1, m.trd2)));
    d.rd1 = (pc.rd1 * 2 * m.texp1) / T;
    d.gg = -pc.gg * poly(m.trg1, m.trg2);
    d.gs = -pc.gs * poly(m.trs1, m.trs2);
    return d;
  }

  private readonly dHeat: HeatedDT = { beta: 0, vth: 0, ksub: 0, rd0: 0, rd1: 0, gg: 0, gs: 0 };

  /** Forget the limiter's memory (a new, unrelated solve). */
  reset(): void {
    this.vgs0 = this.vds0 = this.vd0 = this.von0 = 0;
  }

  /** The drain conductance at node voltages V in channel mode `mode` (S), GMIN for the quasi-saturation one. */
  private drainConductance(V: Float64Array, mode: number, gmin: number): number {
    const p = this.pc;
    if (p.model.qsGiven && mode === 1) {
      const vdsn = p.type * (V[this.d] - V[this.s]);
      const rd = p.rd0 + p.rd1 * (vdsn / (vdsn + Math.abs(p.model.vq)));
      return rd > 0 ? 1 / rd + gmin : 1 / p.rd0;
    }
    return p.rd0 > 0 ? 1 / p.rd0 : this.gdrain;
  }

  /**
   * The node voltages the load reads directly (ngspice's CKTrhsOld in the
   * quasi-saturation vdsn and self-heating's Vrd, vrs): ctx.V, or zeros on
   * the first iteration of a cold solve (INITJCT) and on a from-zero
   * iteration, where ngspice's CKTrhsOld is 0 everywhere while eqspice's
   * fixed nodes already hold their sources' values.
   */
  private rhsOld(ctx: LoadContext): Float64Array {
    if (!ctx.initJunctions && !(this.holdOff && !this.off)) return ctx.V;
    if (this.zeros?.length !== ctx.V.length) this.zeros = new Float64Array(ctx.V.length);
    return this.zeros;
  }

  private zeros: Float64Array | null = null;

  load(ctx: LoadContext): void {
    const p = this.p;
    const t = p.type;
    const V = ctx.V;
    let vgs: number;
    let vds: number;
    if (this.holdOff) {
      vgs = vds = 0;
    } else if (ctx.initJunctions) {
      vds = t * this.icVds;
      vgs = t * this.icVgs;
      if (vds === 0 && vgs === 0) {
        vgs = t * p.model.vto + 0.1;
        vds = 0;
      }
    } else {
      vgs = t * (V[this.gi] - V[this.si]);
      vds = t * (V[this.di] - V[this.si]);
      let vgd = vgs - vds;
      const vgdo = this.vgs0 - this.vds0;
      const von = this.von0;
      if (this.vds0 >= 0) {
        vgs = fetlim(vgs, this.vgs0, von);
        vds = vgs - vgd;
        vds = limvds(vds, this.vds0);
      } else {
        vgd = fetlim(vgd, vgdo, von);
        vds = vgs - vgd;
        vds = -limvds(-vds, -this.vds0);
        vgs = vgd + vds;
      }
    }
    this.vgs0 = vgs;
    this.vds0 = vds;
    const th = this.th;
    let dT = 0;
    if (th) {
      // the temperature rise: DEVlimitlog around the last one (30 K, then logarithmic), Check_th
      let checkTh = true;
      if (!this.holdOff && !ctx.initJunctions) {
        dT = V[th.tj];
        const old = this.dT0;
        checkTh = false;
        if (dT > old + 30) {
          dT = old + 30 + Math.log10((dT - old) / 30);
          checkTh = true;
        } else if (dT < old - 30) {
          dT = old - 30 - Math.log10((old - dT) / 30);
          checkTh = true;
        }
      }
      if (checkTh) ctx.noncon = true;
      this.dT0 = dT;
      this.pc = this.heated(p.temp + dT);
    }
    // the next limiting's von: ngspice's type * VDMOSvon, with VDMOSvon = type * von and von = tVth type
    this.von0 = this.pc.vth * t;
    let integ = ctx.integ;
    if (integ && this.charged) {
      if (!this.started) throw new Error(`${this.name}: transient load before startCharges`);
      keepIntegration(this.lastInteg, integ);
      this.haveInteg = true;
    } else integ = null;
    this.stampChannel(ctx, vgs, vds, true);
    if (integ) this.stampGateCharges(ctx, vgs, vds, integ);
    if (th) this.stampHeatedChannel(ctx, vgs, vds, dT, th, integ);
    if (integ && th) this.stampThermalCharge(ctx, dT, integ);

    // body diode, limited with its values at the junction temperature (vdmosload.c's vte, VDIOtVcrit, VDIOtBrkdwnV after
    // VDMOStempUpdate at Temp)
    const pd = this.pc;
    let vd: number;
    let check = true;
    if (ctx.initJunctions) {
      vd = pd.vcrit;
    } else if (this.holdOff && !this.off) {
      // a from-zero iteration: ngspice reads CKTrhsOld = 0 with a zero state
      vd = 0;
      check = false;
    } else {
      vd = t * (V[this.bi] - V[this.d]);
      const vd0 = this.vd0;
      let lim: number;
      if (pd.model.bvGiven && vd < Math.min(0, -pd.bvEff + 10 * pd.vtebrk)) {
        const vdtemp = -(vd + pd.bvEff);
        const l = pnjlim(vdtemp, -(vd0 + pd.bvEff), pd.vtebrk, pd.vcrit);
        check = l !== vdtemp;
        lim = -(l + pd.bvEff);
      } else {
        lim = pnjlim(vd, vd0, pd.vte, pd.vcrit);
        check = lim !== vd;
      }
      vd = lim;
    }
    if (check) ctx.noncon = true;
    this.vd0 = vd;
    this.stampDiode(ctx, vd, true, integ);
    if (th) {
      this.stampHeatedDiode(ctx, vd, dT);
      this.pc = p;
    }
  }

  /**
   * Self-heating's channel terms: the dependence of the channel's, RD's,
   * RG's and RS's currents on the temperature node, the power the channel
   * and RD dissipate (W, entering tj) linearized in V(g'), V(d'), V(s') and
   * dT, and the network.
   *
   * The power, P = cdrain Vds + I_RD^2 / gdrain, with I_RD = ids + i_cgd the
   * current RD carries into d' (KCL at d': the channel's ids = type mode cdrain
   * and, in a transient, the Cgd charge's current leaving d'). At every
   * solution this is vdmosload.c's gdrain Vrd^2 (gdrain Vrd = I_RD), but it is
   * evaluated at the limited point of the channel (vgs, vds) like the channel's
   * own power: vdmosload.c's Vrd is the unlimited iterate's V(d) - V(d'),
   * which far from the solution (100W.sp's cold start: |Vrd| of 30 V to 5 kV
   * across 61 mohm) puts kilowatts to megawatts into tj, and with that power's
   * exact derivative Newton ran away; its own dIth_dVrd (gdrain Vrd, half the
   * derivative) only damped that.
   *
   * Linearization, with GmT = d(cdrain)/dT (vdmosChannelDT: beta's two
   * factors, VTH(T), KSUBTHRES(T); vdmosload.c's dIds_dT keeps only beta MU / T)
   * and dI_RD/dV the channel's d'-row entries (plus a0 Cgd at d', -a0 Cgd at g'):
   *   P(x) = P + gtempg dVg' + gtempd dVd' - (gtempg + gtempd) dVs' + GmT Vds dT'      (normal mode)
   *          + (2 I_RD / gdrain) (dI_RD/dV dV + type mode GmT dT') + I_RD^2 d(1/gdrain)/dT dT',
   * gtempg = type gm Vds, gtempd = type (gds Vds + cdrain) (ngspice's; in the reverse
   * mode s' takes d''s place); row tj gets -P(x). The quasi-saturation
   * gdrain's dependence on vdsn is left out here as in the drain current.
   */
  private stampHeatedChannel(ctx: LoadContext, vgs: number, vds: number, dT: number, th: VdmosThermal, integ: IntegrationState | null): void {
    const t = this.p.type;
    const ch = this.ch;
    const T = this.p.temp + dT;
    const { cdrain, gm, gds, mode } = ch;
    const Vds = mode === 1 ? vds : -vds;
    const Vgs = mode === 1 ? vgs : vgs - vds;
    const dh = this.heatedDT(T);
    const gmTraw = vdmosChannelDT(this.pc, vgs, vds, dh.beta, dh.vth, dh.ksub); // d(cdrain)/dT (A/K)
    const gtempg = t * gm * Vds;
    const gtempT = gmTraw * Vds;
    const gtempd = t * (gds * Vds + cdrain);
    let cth = cdrain * Vds - t * (gtempg * Vgs + gtempd * Vds) - gtempT * dT;
    let gmT: number, gTtdp: number, gTtsp: number;
    // dI_RD/dV(g'), dV(d'), dV(s') of the channel (its d' row) and sum_c dI/dV_c V_c at the limited point (A)
    let jg: number, jd: number, js: number, j0: number;
    if (mode === 1) {
      gmT = t * gmTraw;
      gTtdp = gtempd;
      gTtsp = -(gtempg + gTtdp);
      jg = gm;
      jd = gds;
      js = -gm - gds;
      j0 = t * (gm * vgs + gds * vds);
    } else {
      gmT = -t * gmTraw;
      gTtsp = gtempd;
      gTtdp = -(gtempg + gTtsp);
      jg = -gm;
      jd = gm + gds;
      js = -gds;
      j0 = -t * (gm * Vgs + gds * Vds);
    }
    // RD's power's dP/dV(g'), dV(d'), dV(s') (W/V) and dP/dT (W/K)
    let pg = 0, pd = 0, ps = 0, pT = 0;
    if (this.hasRd && this.gdrain > 0) {
      let iRd = t * mode * cdrain;
      if (integ) {
        // the Cgd charge's current leaving d' (stampGateCharges: -type i_qgd, conductance a0 Cgd)
        const gcgd = integ.a0 * this.c0[QGD];
        iRd -= t * this.i0[QGD];
        jd += gcgd;
        jg -= gcgd;
        j0 -= t * gcgd * (vgs - vds);
      }
      const r = 1 / this.gdrain;
      const drdT = -this.dgdrainDT * r * r;
      const k = 2 * r * iRd;
      pT = k * gmT + iRd * iRd * drdT;
      cth += r * iRd * iRd - k * j0 - pT * dT;
      pg = k * jg;
      pd = k * jd;
      ps = k * js;
    }
    const V = this.rhsOld(ctx);
    const vrd = V[this.d] - V[this.di];
    const dIrddT = vrd * this.dgdrainDT; // RD's current's d/dT (A/K)
    const b = ctx.b;
    const rows = this.rows;
    b[rows[D]] += dIrddT * dT;
    b[rows[DP]] += gmT * dT - dIrddT * dT;
    b[rows[SP]] += -gmT * dT;
    b[rows[TJ]] += cth + th.tambC / th.rthca;
    this.add(ctx, D, TJ, dIrddT);
    this.add(ctx, DP, TJ, gmT - dIrddT);
    this.add(ctx, SP, TJ, -gmT);
    this.add(ctx, TJ, TJ, -gtempT - pT + 1 / th.rthjc);
    this.add(ctx, TJ, GP, -gtempg - pg);
    this.add(ctx, TJ, DP, -gTtdp - pd);
    this.add(ctx, TJ, SP, -gTtsp - ps);
    this.add(ctx, TJ, TC, -1 / th.rthjc);
    this.add(ctx, TC, TJ, -1 / th.rthjc);
    this.add(ctx, TC, TC, 1 / th.rthjc + 1 / th.rthca);
    // RG, RS at T (TRG1/2, TRS1/2): I = g(T) (V(x) - V(x')) leaving x, linearized in dT: + dg/dT (V(x) - V(x')) (T - dT)
    const tempTerm = (x: number, xi: number, dg: number) => {
      if (dg === 0) return;
      const di = dg * (V[this.term[x]] - V[this.term[xi]]);
      b[rows[x]] += di * dT;
      b[rows[xi]] -= di * dT;
      this.add(ctx, x, TJ, di);
      this.add(ctx, xi, TJ, -di);
    };
    if (this.gi !== this.g) tempTerm(G, GP, dh.gg);
    if (this.si !== this.s) tempTerm(S, SP, dh.gs);
  }

  /**
   * Self-heating's body-diode terms (vdmosload.c's, with the type where it
   * belongs): the diode's current type cd leaving r (cd at normalized
   * vd = type (V(r) - V(d))) and RB's gb Vrs (Vrs = V(s) - V(r), leaving s)
   * depend on dT; their power P = vd cd + gb Vrs^2 enters tj:
   *   dP/dV(r) = type (cd + vd gd) - 2 gb Vrs,  dP/dV(d) = -type (cd + vd gd),  dP/dV(s) = 2 gb Vrs,
   *   dP/dT = vd dcd/dT + Vrs^2 dgb/dT.
   * (vdmosload.c leaves the type out of the entries and RB's 2 out of dIth_dVrs:
   * its Jacobian is wrong for a p-channel diode; the currents are the same.)
   */
  private stampHeatedDiode(ctx: LoadContext, vd: number, dT: number): void {
    const p = this.pc;
    const t = p.type;
    const T = this.p.temp + dT;
    const V = this.rhsOld(ctx);
    // the diode's current as stampDiode loaded it, in a transient with its charge's current (vdmosload.c's cd at `load:`: the
    // displacement current's power enters tj too); its conductance without the charge's a0 C: vdmosload.c's gd there has it,
    // and with it eqspice's Newton failed at a PULSE corner (the solution is the same, the Jacobian differs only in a transient)
    const cd = this.cdTot;
    const gd = this.jn.g;
    const gspr = p.gb;
    const vrs = V[this.s] - V[this.bi];
    const dIdiodT = vdmosDiodeDT(p, vd, T);
    const ith = vd * cd + vrs * vrs * gspr;
    const dIthdVdio = cd + vd * gd;
    const dIthdVrs = 2 * vrs * gspr;
    const dIrsdT = vrs * p.gbDT;
    const dIthdT = vrs * dIrsdT + dIdiodT * vd;
    const b = ctx.b;
    const rows = this.rows;
    b[rows[RP]] += t * dIdiodT * dT - dIrsdT * dT;
    b[rows[D]] += -t * dIdiodT * dT;
    b[rows[S]] += dIrsdT * dT;
    b[rows[TJ]] += ith - dIthdVdio * vd - dIthdVrs * vrs - dIthdT * dT;
    this.add(ctx, TJ, S, -dIthdVrs);
    this.add(ctx, TJ, RP, -t * dIthdVdio + dIthdVrs);
    this.add(ctx, TJ, D, t * dIthdVdio);
    this.add(ctx, TJ, TJ, -dIthdT);
    this.add(ctx, RP, TJ, t * dIdiodT - dIrsdT);
    this.add(ctx, S, TJ, dIrsdT);
    this.add(ctx, D, TJ, -t * dIdiodT);
  }

  /**
   * The gate charges at normalized (vgs, vds) in a transient, as
   * vdmosload.c integrates them: the capacitance over the step is CGS, and
   * for Cgd the half at the new vgd plus the half at the accepted one
   * (vdmosHalfCgd), q_{n+1} = q_n + C (v_{n+1} - v_n); their currents by
   * the integration formula and ngspice's conductances a0 C (without
   * dC/dv: Newton converges to the same solution) between g' and s', d'.
   */
  private stampGateCharges(ctx: LoadContext, vgs: number, vds: number, integ: IntegrationState): void {
    const t = this.p.type;
    const vgd = vgs - vds;
    this.gateChargeStep(vgs, vgd, integ);
    const a0 = integ.a0;
    const { c0, i0 } = this;
    const gcgs = a0 * c0[QGS];
    const gcgd = a0 * c0[QGD];
    const ceqgs = i0[QGS] - gcgs * vgs;
    const ceqgd = i0[QGD] - gcgd * vgd;
    const b = ctx.b;
    const rows = this.rows;
    b[rows[GP]] -= t * (ceqgs + ceqgd);
    b[rows[DP]] += t * ceqgd;
    b[rows[SP]] += t * ceqgs;
    this.add(ctx, GP, GP, gcgd + gcgs);
    this.add(ctx, DP, DP, gcgd);
    this.add(ctx, SP, SP, gcgs);
    this.add(ctx, GP, DP, -gcgd);
    this.add(ctx, GP, SP, -gcgs);
    this.add(ctx, DP, GP, -gcgd);
    this.add(ctx, SP, GP, -gcgs);
  }

  /**
   * Self-heating's thermal capacitance on tj in a transient: vdmosload.c
   * stores CTHJ itself (not half of it) in both of its states and sums
   * them, so the capacitance is 2 CTHJ (kept: ngspice's waveform);
   * q_{n+1} = q_n + 2 CTHJ (dT_{n+1} - dT_n), conductance a0 2 CTHJ.
   */
  private stampThermalCharge(ctx: LoadContext, dT: number, integ: IntegrationState): void {
    this.thermalChargeStep(dT, integ);
    const g = integ.a0 * this.c0[QTH];
    ctx.b[this.rows[TJ]] -= this.i0[QTH] - g * dT;
    this.add(ctx, TJ, TJ, g);
  }

  private thermalChargeStep(dT: number, integ: IntegrationState): void {
    const { q0, c0, i0, q1, q2, i1 } = this;
    c0[QTH] = 2 * this.p.model.cthj;
    q0[QTH] = q1[QTH] + (dT - this.dT1) * c0[QTH];
    i0[QTH] = integ.a0 * q0[QTH] + companionHistory(integ, 1, q1[QTH], q2[QTH], i1[QTH]);
  }

  /** The body diode's current and conductance of the last stampDiode, its charge's included (normalized; A, S). */
  private cdTot = 0;
  gdTot = 0;

  /** The accepted temperature rise (K) of the thermal charge's history. */
  private dT1 = 0;

  /** q0, c0, i0 of the gate charges at normalized (vgs, vgd) from the accepted history. */
  private gateChargeStep(vgs: number, vgd: number, integ: IntegrationState): void {
    const m = this.p.model;
    const { q0, c0, i0, q1, q2, i1 } = this;
    this.half0 = vdmosHalfCgd(m, vgd);
    c0[QGS] = m.cgs;
    c0[QGD] = this.half0 + this.half1;
    q0[QGS] = q1[QGS] + (vgs - this.vgs1) * c0[QGS];
    q0[QGD] = q1[QGD] + (vgd - this.vgd1) * c0[QGD];
    for (const k of [QGS, QGD]) i0[k] = integ.a0 * q0[k] + companionHistory(integ, 1, q1[k], q2[k], i1[k]);
  }

  /** q0, c0, i0 of the body diode's charge at normalized vd (this.jn holds the diode there). */
  private diodeChargeStep(vd: number, integ: IntegrationState): void {
    const jq = this.jq;
    vdmosDiodeCharge(this.pc, vd, this.jn.ib, this.jn.gb, jq);
    this.q0[QD] = jq.q;
    this.c0[QD] = jq.c;
    this.i0[QD] = integ.a0 * jq.q + companionHistory(integ, 1, this.q1[QD], this.q2[QD], this.i1[QD]);
  }

  /** The normalized (vgs, vgd, vd) at node voltages V, without limiting. */
  private normalized(V: Float64Array): [number, number, number] {
    const t = this.p.type;
    const vgs = t * (V[this.gi] - V[this.si]);
    const vds = t * (V[this.di] - V[this.si]);
    return [vgs, vgs - vds, t * (V[this.bi] - V[this.d])];
  }

  chargeNodes(): readonly number[] {
    return this.qNodes;
  }

  /**
   * The initial state of the charges at V, no current: ngspice's TRANOP
   * values (qgs = CGS vgs, qgd = 2 halfCgd(vgd) vgd, the diode's q(vd)).
   */
  startCharges(V: Float64Array): void {
    if (!this.charged) return;
    const [vgs, vgd, vd] = this.normalized(V);
    const m = this.p.model;
    this.half1 = vdmosHalfCgd(m, vgd);
    this.vgs1 = vgs;
    this.vgd1 = vgd;
    this.q1[QGS] = m.cgs * vgs;
    this.q1[QGD] = 2 * this.half1 * vgd;
    const pd = this.th ? this.heated(this.p.temp + V[this.th.tj]) : this.p;
    vdmosDiode(pd, vd, this.gmin, this.jn);
    vdmosDiodeCharge(pd, vd, this.jn.ib, this.jn.gb, this.jq);
    this.q1[QD] = this.jq.q;
    if (this.th) {
      // TRANOP: qth = 2 CTHJ dT
      this.dT1 = V[this.th.tj];
      this.q1[QTH] = 2 * m.cthj * this.dT1;
    }
    this.q2.set(this.q1);
    this.q3.set(this.q1);
    this.q0.set(this.q1);
    this.i1.fill(0);
    this.i0.fill(0);
    this.c0.fill(0);
    this.started = true;
    this.haveInteg = false;
  }

  /** Accept the converged time point: the charges at V with the last step's formula become the history. */
  accept(V: Float64Array, _x: Float64Array, _h: number): void {
    if (!this.charged || !this.started || !this.haveInteg) return;
    this.chargesAt(V);
    this.q3.set(this.q2);
    this.q2.set(this.q1);
    this.q1.set(this.q0);
    this.i1.set(this.i0);
    this.half1 = this.half0;
    const [vgs, vgd] = this.normalized(V);
    this.vgs1 = vgs;
    this.vgd1 = vgd;
    if (this.th) this.dT1 = V[this.th.tj];
  }

  /** Every charge (q0, c0, i0) at V with the last transient step's formula. */
  private chargesAt(V: Float64Array): void {
    const [vgs, vgd, vd] = this.normalized(V);
    this.gateChargeStep(vgs, vgd, this.lastInteg);
    if (this.th) this.pc = this.heated(this.p.temp + V[this.th.tj]);
    vdmosDiode(this.pc, vd, this.gmin, this.jn);
    this.diodeChargeStep(vd, this.lastInteg);
    if (this.th) {
      this.thermalChargeStep(V[this.th.tj], this.lastInteg);
      this.pc = this.p;
    }
  }

  /**
   * The step (s) the charges allow at the converged point V of the step
   * just solved (vdmostrun.c: CKTterr on qgs, qgd and the body diode's
   * charge). Infinity without charges or before a transient step.
   */
  chargeTruncation(V: Float64Array, spec: ChargeTruncationSpec): number {
    if (!this.charged || !this.started || !this.haveInteg) return Infinity;
    this.chargesAt(V);
    return historyStepBound(this.q0, this.q1, this.q2, this.q3, this.i0, this.i1, VDMOS_CHARGES, spec);
  }


  /**
   * The channel, RD (quasi-saturation included), RG, RS and RDS at
   * normalized (vgs, vds): the Jacobian, and with `rhs` the companion
   * currents (ngspice's cdreq).
   */
  private stampChannel(ctx: LoadContext, vgs: number, vds: number, rhs: boolean, shunt = true): void {
    const p = this.pc;
    const t = p.type;
    const ch = this.ch;
    vdmosChannel(p, vgs, vds, ch);
    const vgd = vgs - vds;
    const gdrain = this.hasRd ? this.drainConductance(this.rhsOld(ctx), ch.mode, ctx.gmin) : 0;
    this.gdrain = gdrain;
    if (this.th && this.hasRd) {
      // d(gdrain)/dT with self-heating, gdrain = 1 / (rd0 + rd1 frac): -(drd0/dT + drd1/dT frac) / rd^2 (heatedDT: both
      // temperature factors of rd0 and rd1; vdmosload.c's drd0T_dT, drd1T_dT differentiate only the (T/T0) one)
      const m = p.model;
      const dh = this.heatedDT(p.temp);
      let dg = p.rd0 > 0 ? -dh.rd0 / (p.rd0 * p.rd0) : 0;
      if (m.qsGiven && ch.mode === 1) {
        const Vo = this.rhsOld(ctx);
        const vdsn = t * (Vo[this.d] - Vo[this.s]);
        const frac = vdsn / (vdsn + Math.abs(m.vq));
        const rd = p.rd0 + p.rd1 * frac;
        if (rd > 0) dg = -(dh.rd0 + dh.rd1 * frac) / (rd * rd);
      }
      this.dgdrainDT = dg;
    }

    const { gm, gds, cdrain } = ch;
    let xnrm: number, xrev: number, cdreq: number;
    if (ch.mode === 1) {
      xnrm = 1;
      xrev = 0;
      cdreq = t * (cdrain - gds * vds - gm * vgs);
    } else {
      xnrm = 0;
      xrev = 1;
      cdreq = -t * (cdrain - gds * -vds - gm * vgd);
    }
    const b = ctx.b;
    const rows = this.rows;
    if (rhs) {
      b[rows[DP]] -= cdreq;
      b[rows[SP]] += cdreq;
    }
    const gshunt = shunt ? p.gds : 0;
    const gsrc = p.gs;
    const ggate = p.gg;
    this.add(ctx, D, D, gdrain + gshunt);
    this.add(ctx, G, G, ggate);
    this.add(ctx, S, S, gsrc + gshunt);
    this.add(ctx, DP, DP, gdrain + gds + xrev * gm);
    this.add(ctx, SP, SP, gsrc + gds + xnrm * gm);
    this.add(ctx, GP, GP, ggate);
    this.add(ctx, G, GP, -ggate);
    this.add(ctx, D, DP, -gdrain);
    this.add(ctx, GP, G, -ggate);
    this.add(ctx, S, SP, -gsrc);
    this.add(ctx, DP, D, -gdrain);
    this.add(ctx, DP, GP, (xnrm - xrev) * gm);
    this.add(ctx, DP, SP, -gds - xnrm * gm);
    this.add(ctx, SP, GP, -(xnrm - xrev) * gm);
    this.add(ctx, SP, S, -gsrc);
    this.add(ctx, SP, DP, -gds - xrev * gm);
    this.add(ctx, D, S, -gshunt);
    this.add(ctx, S, D, -gshunt);

  }

  /** The body diode and RB at normalized vd (its charge too with `integ`): the Jacobian, and with `rhs` the companion current (ngspice's cdeq). */
  private stampDiode(ctx: LoadContext, vd: number, rhs: boolean, integ: IntegrationState | null): void {
    const p = this.pc;
    const t = p.type;
    const jn = this.jn;
    vdmosDiode(p, vd, ctx.gmin, jn);
    let gd = jn.g;
    let cd = jn.i;
    if (integ) {
      // the charge's current and a0 C join the diode's (vdmosload.c: gd += geq, cd += capcurrent)
      this.diodeChargeStep(vd, integ);
      gd += integ.a0 * this.c0[QD];
      cd += this.i0[QD];
    }
    this.cdTot = cd;
    this.gdTot = gd;
    const cdeq = cd - gd * vd;
    if (rhs) {
      const b = ctx.b;
      b[this.rows[D]] += t * cdeq;
      b[this.rows[RP]] -= t * cdeq;
    }
    const gspr = p.gb;
    this.add(ctx, S, S, gspr);
    this.add(ctx, D, D, gd);
    this.add(ctx, RP, RP, gd + gspr);
    this.add(ctx, S, RP, -gspr);
    this.add(ctx, D, RP, -gd);
    this.add(ctx, RP, S, -gspr);
    this.add(ctx, RP, D, -gd);
  }

  /** Entry (local row r, local column c) += g, a fixed column's term moved to the right-hand side. */
  private add(ctx: LoadContext, r: number, c: number, g: number): void {
    if (g === 0) return;
    ctx.A[this.h[r * NT + c]] += g;
    ctx.b[this.rows[r]] -= g * ctx.Vk[this.term[c]];
  }

  /**
   * The small-signal model at the operating point ctx.g.V (unlimited), as
   * vdmosacld.c: into ctx.g the DC stamp's conductances (channel gm, gds,
   * RD, RG, RS, RB, the diode's gd with GMIN) without RDS's shunt, which
   * vdmosacld.c does not load; into ctx.c CGS between g' and s', Cgd =
   * 2 halfCgd(vgd) between g' and d' and the body diode's capacitance
   * (depletion plus TT gd) between r and d.
   */
  acLoad(ctx: AcLoadContext): void {
    if (this.th) throw new InputError(`${this.name}: the VDMOS self-heating model (thermal) has no small-signal model in eqspice: its AC analysis is not supported`);
    const g = ctx.g;
    const [vgs, vgd, vd] = this.normalized(g.V);
    this.stampChannel(g, vgs, vgs - vgd, false, false);
    this.stampDiode(g, vd, false, null);
    if (!this.charged) return;
    const c = ctx.c;
    const m = this.p.model;
    const pair = (x: number, y: number, cap: number) => {
      this.add(c, x, x, cap);
      this.add(c, y, y, cap);
      this.add(c, x, y, -cap);
      this.add(c, y, x, -cap);
    };
    pair(GP, SP, m.cgs);
    pair(GP, DP, 2 * vdmosHalfCgd(m, vgd));
    vdmosDiodeCharge(this.p, vd, this.jn.ib, this.jn.gb, this.jq);
    pair(RP, D, this.jq.c);
  }

  /**
   * The currents (A) leaving d, g, s and the internal nodes at V (the
   * iterate, unlimited), GMIN across the body diode.
   */
  addCurrents(V: Float64Array, _x: Float64Array, time: number, out: Float64Array): void {
    const th = this.th;
    if (th) this.pc = this.heated(this.p.temp + V[th.tj]);
    const p = this.pc;
    const t = p.type;
    const vgs = t * (V[this.gi] - V[this.si]);
    const vds = t * (V[this.di] - V[this.si]);
    const ch = this.ch;
    vdmosChannel(p, vgs, vds, ch);
    const ids = t * ch.mode * ch.cdrain;
    out[this.di] += ids;
    out[this.si] -= ids;
    if (this.hasRd) {
      const i = this.drainConductance(V, ch.mode, this.gmin) * (V[this.d] - V[this.di]);
      out[this.d] += i;
      out[this.di] -= i;
    }
    if (this.gi !== this.g) {
      const i = p.gg * (V[this.g] - V[this.gi]);
      out[this.g] += i;
      out[this.gi] -= i;
    }
    if (this.si !== this.s) {
      const i = p.gs * (V[this.s] - V[this.si]);
      out[this.s] += i;
      out[this.si] -= i;
    }
    const ish = p.gds * (V[this.d] - V[this.s]);
    out[this.d] += ish;
    out[this.s] -= ish;
    const jn = this.jn;
    vdmosDiode(p, t * (V[this.bi] - V[this.d]), this.gmin, jn);
    out[this.bi] += t * jn.i;
    out[this.d] -= t * jn.i;
    if (this.bi !== this.s) {
      const i = p.gb * (V[this.s] - V[this.bi]);
      out[this.s] += i;
      out[this.bi] -= i;
    }
    if (th) {
      // the power into tj (channel, RD, diode, RB) and ngspice's thermal network (vdmosset.c's entries, see VdmosThermal)
      // RD's power through KCL at d' (see stampHeatedChannel): I_RD = ids + the Cgd charge's current leaving d'
      const vdsAbs = Math.abs(vds);
      const gdr = this.hasRd ? this.drainConductance(V, ch.mode, this.gmin) : 0;
      const iRd = ids - (time >= 0 && this.started ? t * this.i1[QGD] : 0);
      const vd = t * (V[this.bi] - V[this.d]);
      const vrs = V[this.s] - V[this.bi];
      const power = ch.cdrain * vdsAbs + (gdr > 0 ? (iRd * iRd) / gdr : 0) + vd * jn.i + p.gb * vrs * vrs;
      out[th.tj] += -power + (V[th.tj] - V[th.tc]) / th.rthjc - th.tambC / th.rthca;
      out[th.tc] += (V[th.tc] - V[th.tj]) / th.rthjc + V[th.tc] / th.rthca;
      this.pc = this.p;
    }
    if (time >= 0 && this.started) {
      // the charges' currents at the last accepted point, as a capacitor's
      const i1 = this.i1;
      out[this.gi] += t * (i1[QGS] + i1[QGD]);
      out[this.si] -= t * i1[QGS];
      out[this.di] -= t * i1[QGD];
      out[this.bi] += t * i1[QD];
      out[this.d] -= t * i1[QD];
      if (th) out[th.tj] += i1[QTH];
    }
  }

}
