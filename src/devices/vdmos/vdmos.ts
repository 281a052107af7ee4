/**
 * ngspice 39's VDMOS power MOSFET (vdmosload.c), DC: terminals drain d,
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
 *  - the diode: gd (ngspice's, see vdmosDiode) between r and d, ieq = t (cd - gd vd).
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
 */
import { fetlim, limvds } from "../mosfet/mos-shared.js";
import { pnjlim } from "../diode/diode.js";
import type { AcLoadContext, Device, LoadContext, SetupContext } from "../types.js";
import { vdmosChannel, vdmosDiode, type VdmosChannelPoint, type VdmosInstance } from "./vdmos-model.js";

/** Local terminals. */
const D = 0;
const G = 1;
const S = 2;
const DP = 3;
const GP = 4;
const SP = 5;
const RP = 6;
const NT = 7;

/** The matrix entries vdmosset.c allocates (TSTALLOC), as [row, column] local terminals. */
const PAIRS: ReadonlyArray<readonly [number, number]> = [
  [D, D], [G, G], [S, S], [DP, DP], [SP, SP], [GP, GP], [D, DP], [GP, DP], [GP, SP], [S, SP], [DP, SP], [DP, D], [DP, GP], [SP, GP], [SP, S], [SP, DP],
  [G, GP], [GP, G], [D, S], [S, D],
  [RP, D], [D, RP], [S, RP], [RP, S], [RP, RP],
];

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
  private readonly jn = { i: 0, g: 0 };
  private readonly hasRd: boolean;

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
  ) {
    const nodes = [d, g, s];
    for (const [x, y] of [[di, d], [gi, g], [si, s], [bi, s]]) if (x !== y) nodes.push(x);
    this.nodes = nodes;
    this.term = Int32Array.from([d, g, s, di, gi, si, bi]);
    this.hasRd = di !== d;
    this.gdrain = p.rd0 > 0 ? 1 / p.rd0 : 0;
    if (this.transientRefusal() === null) this.acLoad = (ctx) => this.acStamp(ctx);
  }

  /** Everything but the gate is joined at DC (RD, RS, RB, RDS's 1e-15 S, the diode's GMIN); the gate only to g'. */
  dcGroups(): ReadonlyArray<readonly number[]> {
    const groups: number[][] = [[this.d, this.di, this.s, this.si, this.bi]];
    if (this.gi !== this.g) groups.push([this.g, this.gi]);
    return groups;
  }

  setup(ctx: SetupContext): void {
    const t = this.term;
    for (let r = 0; r < NT; r++) this.rows[r] = ctx.row(t[r]);
    for (const [r, c] of PAIRS) this.h[r * NT + c] = ctx.entry(this.rows[r], ctx.row(t[c]));
  }

  /** Forget the limiter's memory (a new, unrelated solve). */
  reset(): void {
    this.vgs0 = this.vds0 = this.vd0 = this.von0 = 0;
  }

  /** The drain conductance at node voltages V in channel mode `mode` (S), GMIN for the quasi-saturation one. */
  private drainConductance(V: Float64Array, mode: number, gmin: number): number {
    const p = this.p;
    if (p.model.qsGiven && mode === 1) {
      const vdsn = p.type * (V[this.d] - V[this.s]);
      const rd = p.rd0 + p.rd1 * (vdsn / (vdsn + Math.abs(p.model.vq)));
      return rd > 0 ? 1 / rd + gmin : 1 / p.rd0;
    }
    return p.rd0 > 0 ? 1 / p.rd0 : this.gdrain;
  }

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
    // the next limiting's von: ngspice's type * VDMOSvon, with VDMOSvon = type * von and von = tVth type
    this.von0 = p.vth * t;
    this.stampChannel(ctx, vgs, vds, true);

    // body diode
    let vd: number;
    let check = true;
    if (ctx.initJunctions) {
      vd = p.vcrit;
    } else if (this.holdOff && !this.off) {
      // a from-zero iteration: ngspice reads CKTrhsOld = 0 with a zero state
      vd = 0;
      check = false;
    } else {
      vd = t * (V[this.bi] - V[this.d]);
      const vd0 = this.vd0;
      let lim: number;
      if (p.model.bvGiven && vd < Math.min(0, -p.bvEff + 10 * p.vtebrk)) {
        const vdtemp = -(vd + p.bvEff);
        const l = pnjlim(vdtemp, -(vd0 + p.bvEff), p.vtebrk, p.vcrit);
        check = l !== vdtemp;
        lim = -(l + p.bvEff);
      } else {
        lim = pnjlim(vd, vd0, p.vte, p.vcrit);
        check = lim !== vd;
      }
      vd = lim;
    }
    if (check) ctx.noncon = true;
    this.vd0 = vd;
    this.stampDiode(ctx, vd, true);
  }

  /**
   * The channel, RD (quasi-saturation included), RG, RS and RDS at
   * normalized (vgs, vds): the Jacobian, and with `rhs` the companion
   * currents (ngspice's cdreq).
   */
  private stampChannel(ctx: LoadContext, vgs: number, vds: number, rhs: boolean): void {
    const p = this.p;
    const t = p.type;
    const ch = this.ch;
    vdmosChannel(p, vgs, vds, ch);
    const vgd = vgs - vds;
    const gdrain = this.hasRd ? this.drainConductance(ctx.V, ch.mode, ctx.gmin) : 0;
    this.gdrain = gdrain;

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
    const gshunt = p.gds;
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

  /** The body diode and RB at normalized vd: the Jacobian, and with `rhs` the companion current (ngspice's cdeq). */
  private stampDiode(ctx: LoadContext, vd: number, rhs: boolean): void {
    const p = this.p;
    const t = p.type;
    const jn = this.jn;
    vdmosDiode(p, vd, ctx.gmin, jn);
    const gd = jn.g;
    const cdeq = jn.i - gd * vd;
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
   * vdmosacld.c without capacitances: the DC stamp's conductances, no
   * companion currents. Present only on a device without charges.
   */
  acLoad?: (ctx: AcLoadContext) => void;

  private acStamp(ctx: AcLoadContext): void {
    const g = ctx.g;
    const V = g.V;
    const t = this.p.type;
    this.stampChannel(g, t * (V[this.gi] - V[this.si]), t * (V[this.di] - V[this.si]), false);
    this.stampDiode(g, t * (V[this.bi] - V[this.d]), false);
  }

  /**
   * The currents (A) leaving d, g, s and the internal nodes at V (the
   * iterate, unlimited), GMIN across the body diode.
   */
  addCurrents(V: Float64Array, _x: Float64Array, _time: number, out: Float64Array): void {
    const p = this.p;
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
  }

  /** Why a transient cannot run it: its charges (CGDMIN, CGDMAX, CGS, CJO, TT) are not modelled yet. */
  transientRefusal(): string | null {
    const m = this.p.model;
    if (m.cgdmin === 0 && m.cgdmax === 0 && m.cgs === 0 && m.cjo === 0 && m.tt === 0) return null;
    return `${this.name}: the VDMOS charges (CGDMIN, CGDMAX, CGS, CJO, TT) are not modelled: eqspice runs VDMOS transistors in DC only`;
  }
}
