/**
 * MOSFET level 1 (Shichman-Hodges), the DC device of ngspice's mos1load.c:
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
 * mode cdrain (d' -> s') and the channel's derivatives from mosChannel:
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
 */
import { pnjlim } from "./diode.js";
import { fetlim, limvds, mosChannel, mosJunction, type MosChannelPoint, type MosInstance } from "./mosfet-model.js";
import { reservePair, stampConductance, type PairHandles } from "./stamp.js";
import type { Device, LoadContext, SetupContext } from "./types.js";

/** Rows and columns of the intrinsic stamp: index 0 d', 1 g, 2 s', 3 b. */
const COLS = 4;

export class Mosfet implements Device {
  readonly linear = false;
  readonly symmetric = false;
  readonly nodes: readonly number[];
  /** The intrinsic terminals [d', g, s', b]. */
  private readonly term: readonly number[];
  /** Rows of d', s', b (index by terminal 0, 2, 3; [1] unused). */
  private rows = new Int32Array(COLS);
  /** Entry handles, row terminal r (0, 2, 3) by column terminal c: h[r * 4 + c]. */
  private h = new Int32Array(COLS * COLS);
  private hd: PairHandles | null = null;
  private hs: PairHandles | null = null;
  /** GMIN used by addCurrents (set by the circuit from `.options gmin`). */
  gmin = 1e-12;
  /** Limiter memory: the last iterate's normalized voltages and threshold (ngspice's state0). */
  private vgs0 = 0;
  private vds0 = 0;
  private vbs0 = 0;
  private vbd0 = 0;
  private von0 = 0;
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
  }

  setup(ctx: SetupContext): void {
    for (const r of [0, 2, 3]) {
      const row = ctx.row(this.term[r]);
      this.rows[r] = row;
      for (let c = 0; c < COLS; c++) this.h[r * COLS + c] = ctx.entry(row, ctx.row(this.term[c]));
    }
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
    if (initJunctions) {
      out[0] = t * p.vto;
      out[1] = 0;
      out[2] = -1;
      return true;
    }
    const vs = V[this.si];
    let vgs = t * (V[this.g] - vs);
    let vds = t * (V[this.di] - vs);
    let vbs = t * (V[this.b] - vs);
    let vbd = vbs - vds;
    let vgd = vgs - vds;
    const vgdo = this.vgs0 - this.vds0;
    const von = this.von0;
    // Whether a limiter changed its argument (recombining vgs, vgd, vds rounds: compare each limiter's own input and output).
    let changed = false;
    let lim: number;
    if (this.vds0 >= 0) {
      lim = fetlim(vgs, this.vgs0, von);
      if (lim !== vgs) changed = true;
      vgs = lim;
      vds = vgs - vgd;
      lim = limvds(vds, this.vds0);
      if (lim !== vds) changed = true;
      vds = lim;
      vgd = vgs - vds;
    } else {
      lim = fetlim(vgd, vgdo, von);
      if (lim !== vgd) changed = true;
      vgd = lim;
      vds = vgs - vgd;
      lim = -limvds(-vds, -this.vds0);
      if (lim !== vds) changed = true;
      vds = lim;
      vgs = vgd + vds;
    }
    if (vds >= 0) {
      lim = pnjlim(vbs, this.vbs0, p.vt, p.sourceVcrit);
      if (lim !== vbs) changed = true;
      vbs = lim;
      vbd = vbs - vds;
    } else {
      lim = pnjlim(vbd, this.vbd0, p.vt, p.drainVcrit);
      if (lim !== vbd) changed = true;
      vbd = lim;
      vbs = vbd + vds;
    }
    out[0] = vgs;
    out[1] = vds;
    out[2] = vbs;
    return changed;
  }

  /**
   * Currents I (rows 0 d', 2 s', 3 b) and Jacobian J of the intrinsic
   * transistor at normalized (vgs, vds, vbs), GMIN on both junctions; also
   * remembers the point for the limiter.
   */
  private evaluate(vgs: number, vds: number, vbs: number, gmin: number): void {
    const p = this.p;
    const ch = this.ch;
    const jn = this.jn;
    mosJunction(p.sourceSatCur, p.vt, gmin, vbs, jn);
    const cbs = jn.i;
    const gbs = jn.g;
    const vbd = vbs - vds;
    mosJunction(p.drainSatCur, p.vt, gmin, vbd, jn);
    const cbd = jn.i;
    const gbd = jn.g;
    mosChannel(p, vgs, vds, vbs, ch);
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
    this.vgs0 = vgs;
    this.vds0 = vds;
    this.vbs0 = vbs;
    this.vbd0 = vbd;
    this.von0 = ch.von;
  }

  private readonly pt = new Float64Array(3);

  load(ctx: LoadContext): void {
    const pt = this.pt;
    if (this.limited(ctx.V, ctx.initJunctions, pt)) ctx.noncon = true;
    const [vgs, vds, vbs] = pt;
    this.evaluate(vgs, vds, vbs, ctx.gmin);
    const t = this.p.type;
    const { A, b, Vk } = ctx;
    const J = this.J;
    const h = this.h;
    const term = this.term;
    for (const r of [0, 2, 3]) {
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

  /** The terminal currents (A) at V, leaving d, g, s, b (and the internal nodes), GMIN included. */
  addCurrents(V: Float64Array, _x: Float64Array, _t: number, out: Float64Array): void {
    const p = this.p;
    const t = p.type;
    const vs = V[this.si];
    const vgs = t * (V[this.g] - vs);
    const vds = t * (V[this.di] - vs);
    const vbs = t * (V[this.b] - vs);
    const ch = this.ch;
    const jn = this.jn;
    mosChannel(p, vgs, vds, vbs, ch);
    mosJunction(p.sourceSatCur, p.vt, this.gmin, vbs, jn);
    const cbs = jn.i;
    mosJunction(p.drainSatCur, p.vt, this.gmin, vbs - vds, jn);
    const cbd = jn.i;
    const ids = ch.mode * ch.cdrain;
    out[this.di] += t * (ids - cbd);
    out[this.si] += t * (-ids - cbs);
    out[this.b] += t * (cbd + cbs);
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

  /** Why a transient cannot run this device (its charges are not modelled), or null. */
  transientRefusal(): string | null {
    if (!this.p.hasCharges) return null;
    return `${this.name}: MOSFET capacitances (Meyer gate capacitance from TOX, overlap CGSO/CGDO/CGBO, junction CBD/CBS/CJ/CJSW) are not modelled in transient analysis: eqspice computes MOSFET operating points only (a transistor without any capacitance runs in a transient)`;
  }
}
