/**
 * The BSIM4 (4.8.2) MOSFET (LEVEL=14 or 54) in DC, the device of ngspice's
 * b4ld.c for the default modes (bsim4-dc.ts): terminals drain d, gate g,
 * source s, bulk b, with internal nodes d', s' behind RSH * NRD and RSH *
 * NRS when those are given (else d' = d, s' = s). The gate draws current
 * only with gate tunneling (IGCMOD, IGBMOD: Igcs, Igcd to the frame's source
 * and drain, Igs, Igd to s' and d', Igb to the bulk, each stamped by its
 * partials; the gate row is stamped then only); the channel, the substrate current, GIDL/GISL and the two
 * bulk junctions make an unsymmetric stamp (symmetric = false). No charges:
 * a transient refuses the circuit (transientRefusal), and there is no AC
 * model yet.
 *
 * Normalized voltages vgs, vds, vbs = type (V(g) - V(s')), type (V(d') -
 * V(s')), type (V(b) - V(s')). With the frame of bsim4Eval (normal mode:
 * source s', drain d'; reversed mode: source d', drain s'), the currents
 * leaving d', s', b into the device, normalized, are
 *   normal:    I_d' = Ids + Isub - cbd + Igidl,  I_s' = -Ids - cbs + Igisl
 *   reversed:  I_d' = -Ids - cbd + Igidl,        I_s' = Ids + Isub - cbs + Igisl
 *   both:      I_b = cbd + cbs - Isub - Igidl - Igisl
 * (physical currents: type times these, all times the multiplier M). The
 * frame's derivatives give the Jacobian by column: with frame source fs
 * and drain fd, dIds/dV(fd) = gds, dIds/dV(g) = gm, dIds/dV(b) = gmbs,
 * dIds/dV(fs) = -(gm + gds + gmbs); the same for Isub with gbds, gbgs,
 * gbbs; Igidl and Igisl by their partials in (vds, vgs, vbs) (columns d',
 * g, b; s' minus their sum); dcbs/dV(b) = gbs = -dcbs/dV(s'), dcbd/dV(b) =
 * gbd = -dcbd/dV(d'). Each row's equivalent current is ieq_r = type (I_r -
 * J_rg vgs - J_rd vds - J_rb vbs) (every row sums to zero), stamped as b_r
 * -= ieq_r: ngspice's cdreq, ceqbd, ceqbs.
 *
 * Step limiting as b4ld.c, from the last iterate: fetlim on vgs (vgd when
 * the last vds < 0) around the last Vth, limvds on vds, pnjlim on vbs (vbd
 * when vds < 0) with kT/q at 27 C and the model's vcrit. The first
 * iteration of a cold solve (MODEINITJCT) is vds = 0.1, vgs = type VTH0 +
 * 0.1, vbs = 0.
 */
import { limitMosStep } from "../mosfet/mos-shared.js";
import { reserveLocalJacobian, reservePair, stampConductance, type PairHandles } from "../stamp.js";
import type { Device, LoadContext, SetupContext } from "../types.js";
import { bsim4Eval, newBsim4Point, type Bsim4Point } from "./bsim4-dc.js";
import { CONSTvt0 } from "../bsim3/bsim3-model.js";
import type { Bsim4Instance } from "./bsim4-model.js";

/** Rows and columns of the intrinsic stamp: index 0 d', 1 g, 2 s', 3 b. */
const COLS = 4;
const ROWS = [0, 2, 3] as const;
/** With gate tunneling the gate row too. */
const ROWS_G = [0, 1, 2, 3] as const;

export class Bsim4 implements Device {
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
  private readonly pt = newBsim4Point();
  private readonly J = new Float64Array(COLS * COLS);
  private readonly I = new Float64Array(COLS);
  private readonly v = new Float64Array(3);
  /** The stamped rows: the gate's only with gate tunneling (IGCMOD, IGBMOD). */
  private readonly rowList: readonly number[];

  /**
   * @param d, g, s, b external nodes; di, si the intrinsic drain and source (=== d, s without RSH)
   * @param p the transistor's values at the circuit temperature (bsim4InstanceAt)
   */
  constructor(
    readonly name: string,
    readonly d: number,
    readonly g: number,
    readonly s: number,
    readonly b: number,
    readonly di: number,
    readonly si: number,
    readonly p: Bsim4Instance,
  ) {
    const nodes = [d, g, s, b];
    if (di !== d) nodes.push(di);
    if (si !== s) nodes.push(si);
    this.nodes = nodes;
    this.term = [di, g, si, b];
    this.rowList = p.igcMod !== 0 || p.igbMod !== 0 ? ROWS_G : ROWS;
  }

  dcGroups(): ReadonlyArray<readonly number[]> {
    // gate tunneling conducts from the gate too
    return [this.rowList === ROWS_G ? [this.d, this.di, this.b, this.si, this.s, this.g] : [this.d, this.di, this.b, this.si, this.s]];
  }

  transientRefusal(): string {
    return `${this.name}: transients of BSIM4 MOSFETs (level 14/54) are not supported yet (their charges are not modelled); .op and .dc are`;
  }

  setup(ctx: SetupContext): void {
    reserveLocalJacobian(ctx, COLS, this.term, this.rows, this.h, this.rowList);
    if (this.di !== this.d) this.hd = reservePair(ctx, this.d, this.di);
    if (this.si !== this.s) this.hs = reservePair(ctx, this.s, this.si);
  }

  reset(): void {
    this.vgs0 = this.vds0 = this.vbs0 = this.vbd0 = this.von0 = 0;
  }

  /** The normalized [vgs, vds, vbs] to linearize at (INITJCT start or b4ld.c's limiting); true when a limiter acted. */
  private limited(V: Float64Array, initJunctions: boolean, out: Float64Array): boolean {
    const p = this.p;
    const t = p.type;
    if (initJunctions) {
      out[0] = t * p.vth0 + 0.1;
      out[1] = 0.1;
      out[2] = 0;
      return true;
    }
    const vs = V[this.si];
    return limitMosStep(t * (V[this.g] - vs), t * (V[this.di] - vs), t * (V[this.b] - vs), this, CONSTvt0, p.vcrit, p.vcrit, out);
  }

  /**
   * Currents I (rows 0 d', 2 s', 3 b; normalized, times M) and Jacobian J at
   * normalized (vgs, vds, vbs), GMIN on both junctions.
   */
  private evaluate(vgs: number, vds: number, vbs: number, gmin: number): Bsim4Point {
    const pt = this.pt;
    bsim4Eval(this.p, vgs, vds, vbs, gmin, pt);
    const J = this.J;
    const I = this.I;
    J.fill(0);
    I[0] = I[1] = I[2] = I[3] = 0;
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
    // substrate current: leaves fd, enters b
    const bsum = pt.gbgs + pt.gbds + pt.gbbs;
    J[fd * COLS + fd] += pt.gbds;
    J[fd * COLS + 1] += pt.gbgs;
    J[fd * COLS + 3] += pt.gbbs;
    J[fd * COLS + fs] -= bsum;
    J[3 * COLS + fd] -= pt.gbds;
    J[3 * COLS + 1] -= pt.gbgs;
    J[3 * COLS + 3] -= pt.gbbs;
    J[3 * COLS + fs] += bsum;
    // GIDL: leaves d', enters b; GISL: leaves s', enters b (physical frame: columns d' 0, g 1, s' 2, b 3)
    const gidlS = -(pt.gidlD + pt.gidlG + pt.gidlB);
    J[0] += pt.gidlD;
    J[1] += pt.gidlG;
    J[2] += gidlS;
    J[3] += pt.gidlB;
    J[12] -= pt.gidlD;
    J[13] -= pt.gidlG;
    J[14] -= gidlS;
    J[15] -= pt.gidlB;
    const gislS = -(pt.gislD + pt.gislG + pt.gislB);
    J[2 * COLS] += pt.gislD;
    J[2 * COLS + 1] += pt.gislG;
    J[2 * COLS + 2] += gislS;
    J[2 * COLS + 3] += pt.gislB;
    J[12] -= pt.gislD;
    J[13] -= pt.gislG;
    J[14] -= gislS;
    J[15] -= pt.gislB;
    // gate tunneling: Igcs, Igcd, Igb in the frame (g to fs, g to fd, g to b), Igs to s', Igd to d'
    if (this.rowList === ROWS_G) {
      const framed = (to: number, i: number, gG: number, gD: number, gB: number): void => {
        const gS = -(gG + gD + gB);
        J[COLS + 1] += gG;
        J[COLS + fd] += gD;
        J[COLS + 3] += gB;
        J[COLS + fs] += gS;
        J[to * COLS + 1] -= gG;
        J[to * COLS + fd] -= gD;
        J[to * COLS + 3] -= gB;
        J[to * COLS + fs] -= gS;
        I[1] += i;
        I[to] -= i;
      };
      framed(fs, pt.igcs, pt.gcsG, pt.gcsD, pt.gcsB);
      framed(fd, pt.igcd, pt.gcdG, pt.gcdD, pt.gcdB);
      framed(3, pt.igb, pt.gbG, pt.gbD, pt.gbB);
      J[COLS + 1] += pt.gsG + pt.gdG;
      J[COLS + 2] -= pt.gsG;
      J[COLS + 0] -= pt.gdG;
      J[2 * COLS + 1] -= pt.gsG;
      J[2 * COLS + 2] += pt.gsG;
      J[0 * COLS + 1] -= pt.gdG;
      J[0 * COLS + 0] += pt.gdG;
      I[1] += pt.igs + pt.igd;
      I[2] -= pt.igs;
      I[0] -= pt.igd;
    }
    // junctions: cbd from b to d', cbs from b to s'
    J[0] += pt.gbd;
    J[3] -= pt.gbd;
    J[12] -= pt.gbd;
    J[15] += pt.gbd;
    J[2 * COLS + 2] += pt.gbs;
    J[2 * COLS + 3] -= pt.gbs;
    J[3 * COLS + 2] -= pt.gbs;
    J[15] += pt.gbs;
    I[fd] += pt.ids + pt.isub;
    I[fs] -= pt.ids;
    I[3] += pt.cbd + pt.cbs - pt.isub;
    I[0] -= pt.cbd;
    I[2] -= pt.cbs;
    I[0] += pt.igidl;
    I[2] += pt.igisl;
    I[3] -= pt.igidl + pt.igisl;
    const m = this.p.m;
    if (m !== 1) {
      for (let k = 0; k < J.length; k++) J[k] *= m;
      for (let k = 0; k < COLS; k++) I[k] *= m;
    }
    return pt;
  }

  load(ctx: LoadContext): void {
    // transient() asks transientRefusal first; this only guards other integrating callers
    if (ctx.integ) throw new Error(this.transientRefusal());
    const v = this.v;
    if (this.limited(ctx.V, ctx.initJunctions, v)) ctx.noncon = true;
    const vgs = v[0];
    const vds = v[1];
    const vbs = v[2];
    const pt = this.evaluate(vgs, vds, vbs, ctx.gmin);
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
    for (const r of this.rowList) {
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

  /** The terminal currents (A) at V, leaving d, g, s, b and the internal nodes, GMIN included (DC: no charges). */
  addCurrents(V: Float64Array, _x: Float64Array, _time: number, out: Float64Array): void {
    const p = this.p;
    const t = p.type;
    const vs = V[this.si];
    this.evaluate(t * (V[this.g] - vs), t * (V[this.di] - vs), t * (V[this.b] - vs), this.gmin);
    const I = this.I;
    out[this.di] += t * I[0];
    out[this.g] += t * I[1];
    out[this.si] += t * I[2];
    out[this.b] += t * I[3];
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
