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
 * RGATEMOD=1: the channel's gate is an inner node gi behind the electrode
 * resistance RSHG (XGW + Weff_CJ / (3 NGCON)) / (NGCON (L + XL - XGL)) (1e-3
 * ohm when not positive), b4temp.c's grgeltd; in DC it matters with gate
 * tunneling only.
 *
 * RBODYMOD 1 and 2 (b4temp.c's body network): the channel, Isub, GIDL/GISL
 * and Igb see the inner bulk b', the drain junction sits between db and d',
 * the source junction between sb and s', with the resistors b'-db (RBPD),
 * b'-b (RBPB), b'-sb (RBPS), db-b (RBDB), sb-b (RBSB); local terminals then
 * d', g, s', b', db, sb and the junction voltages vdbs, vsbs limited by
 * pnjlim as b4ld.c.
 *
 * Step limiting as b4ld.c, from the last iterate: fetlim on vgs (vgd when
 * the last vds < 0) around the last Vth, limvds on vds, pnjlim on vbs (vbd
 * when vds < 0) with kT/q at 27 C and the model's vcrit. The first
 * iteration of a cold solve (MODEINITJCT) is vds = 0.1, vgs = type VTH0 +
 * 0.1, vbs = 0.
 */
import { pnjlim } from "../diode/diode.js";
import { limitMosStep } from "../mosfet/mos-shared.js";
import { reserveLocalJacobian, reservePair, stampConductance, type PairHandles } from "../stamp.js";
import type { Device, LoadContext, SetupContext } from "../types.js";
import { bsim4Eval, newBsim4Point, type Bsim4Point } from "./bsim4-dc.js";
import { CONSTvt0 } from "../bsim3/bsim3-model.js";
import type { Bsim4Instance } from "./bsim4-model.js";

/** Local terminals: 0 d', 1 g, 2 s', 3 b' (the bulk, or the inner bulk with RBODYMOD), 4 db, 5 sb (RBODYMOD only). */
const D = 0;
const G = 1;
const S = 2;
const B = 3;

export class Bsim4 implements Device {
  readonly linear = false;
  readonly symmetric = false;
  readonly power = "dissipates";
  readonly nodes: readonly number[];
  /** Local terminal count: 4, or 6 with the body network. */
  private readonly n: number;
  private readonly term: readonly number[];
  private readonly rows: Int32Array;
  private readonly h: Int32Array;
  private hd: PairHandles | null = null;
  private hs: PairHandles | null = null;
  /** Body network resistors (RBODYMOD): b'-db, b'-b, b'-sb, db-b, sb-b. */
  private hr: PairHandles[] = [];
  /** RGATEMOD=1's gate electrode resistor g-gi. */
  private hg: PairHandles | null = null;
  /** GMIN used by addCurrents (set by the circuit from `.options gmin`). */
  gmin = 1e-12;
  /** Limiter memory (MosLimiterMemory): the last iterate's normalized voltages and threshold (V; ngspice's state0), and the body network's junction voltages. */
  vgs0 = 0;
  vds0 = 0;
  vbs0 = 0;
  vbd0 = 0;
  von0 = 0;
  vdbs0 = 0;
  vsbs0 = 0;
  private readonly pt = newBsim4Point();
  private readonly J: Float64Array;
  private readonly I: Float64Array;
  /** Normalized voltages of the local terminals against s' (the linearization point). */
  private readonly v: Float64Array;
  /** The stamped rows: the gate's only with gate tunneling (IGCMOD, IGBMOD). */
  private readonly rowList: readonly number[];
  private readonly gateRow: boolean;

  /**
   * @param d, g, s, b external nodes; di, si the intrinsic drain and source (=== d, s without RSH)
   * @param p the transistor's values at the circuit temperature (bsim4InstanceAt)
   * @param body RBODYMOD's inner bulk, drain-side and source-side bulk nodes [b', db, sb] (null without)
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
    readonly body: readonly [number, number, number] | null = null,
    /** RGATEMOD=1's inner gate (=== g without), behind the electrode resistance 1 / p.grgeltd. */
    readonly gi: number = g,
  ) {
    const nodes = [d, g, s, b];
    if (di !== d) nodes.push(di);
    if (si !== s) nodes.push(si);
    if (body) nodes.push(...body);
    if (gi !== g) nodes.push(gi);
    this.nodes = nodes;
    this.n = body ? 6 : 4;
    this.term = body ? [di, gi, si, body[0], body[1], body[2]] : [di, gi, si, b];
    this.rows = new Int32Array(this.n);
    this.h = new Int32Array(this.n * this.n);
    this.J = new Float64Array(this.n * this.n);
    this.I = new Float64Array(this.n);
    this.v = new Float64Array(this.n);
    this.gateRow = p.igcMod !== 0 || p.igbMod !== 0;
    const rl = [D, S, B];
    if (this.gateRow) rl.push(G);
    if (body) rl.push(4, 5);
    this.rowList = rl.sort((x, y) => x - y);
  }

  dcGroups(): ReadonlyArray<readonly number[]> {
    const grp = [this.d, this.di, this.b, this.si, this.s];
    // gate tunneling conducts from the gate too
    if (this.gateRow) grp.push(this.g);
    if (this.gi !== this.g) grp.push(this.gi);
    if (this.body) grp.push(...this.body);
    return [grp];
  }

  transientRefusal(): string {
    return `${this.name}: transients of BSIM4 MOSFETs (level 14/54) are not supported yet (their charges are not modelled); .op and .dc are`;
  }

  setup(ctx: SetupContext): void {
    reserveLocalJacobian(ctx, this.n, this.term, this.rows, this.h, this.rowList);
    if (this.di !== this.d) this.hd = reservePair(ctx, this.d, this.di);
    if (this.si !== this.s) this.hs = reservePair(ctx, this.s, this.si);
    if (this.gi !== this.g) this.hg = reservePair(ctx, this.g, this.gi);
    if (this.body) {
      const [bp, db, sb] = this.body;
      this.hr = [reservePair(ctx, bp, db), reservePair(ctx, bp, this.b), reservePair(ctx, bp, sb), reservePair(ctx, db, this.b), reservePair(ctx, sb, this.b)];
    }
  }

  reset(): void {
    this.vgs0 = this.vds0 = this.vbs0 = this.vbd0 = this.von0 = this.vdbs0 = this.vsbs0 = 0;
  }

  /** The body network's conductances (S, times M) in the order of hr. */
  private bodyG(): number[] {
    const p = this.p;
    const m = p.m;
    return [m * p.grbpd, m * p.grbpb, m * p.grbps, m * p.grbdb, m * p.grbsb];
  }

  /**
   * The normalized voltages against s' to linearize at into this.v (INITJCT
   * start or b4ld.c's limiting); true when a limiter acted.
   */
  private limited(V: Float64Array, initJunctions: boolean): boolean {
    const p = this.p;
    const t = p.type;
    const v = this.v;
    const vs = V[this.si];
    if (initJunctions) {
      v[D] = 0.1;
      v[G] = t * p.vth0 + 0.1;
      v[S] = 0;
      v[B] = 0;
      if (this.body) v[4] = v[5] = 0;
      return true;
    }
    const out = limScratch;
    let changed = limitMosStep(t * (V[this.gi] - vs), t * (V[this.di] - vs), t * (V[this.term[B]] - vs), this, CONSTvt0, p.vcrit, p.vcrit, out);
    v[G] = out[0];
    v[D] = out[1];
    v[B] = out[2];
    v[S] = 0;
    if (this.body) {
      // b4ld.c: pnjlim on vdbs and vsbs (on vdbd and vsbd when vds < 0)
      let vdbs = t * (V[this.term[4]] - vs);
      let vsbs = t * (V[this.term[5]] - vs);
      const vds = v[D];
      let lim: number;
      if (vds >= 0) {
        lim = pnjlim(vdbs, this.vdbs0, CONSTvt0, p.vcrit);
        if (lim !== vdbs) changed = true;
        vdbs = lim;
        lim = pnjlim(vsbs, this.vsbs0, CONSTvt0, p.vcrit);
        if (lim !== vsbs) changed = true;
        vsbs = lim;
      } else {
        const vdbd = vdbs - vds;
        lim = pnjlim(vdbd, this.vdbs0 - this.vds0, CONSTvt0, p.vcrit);
        if (lim !== vdbd) changed = true;
        vdbs = lim + vds;
        const vsbd = vsbs - vds;
        lim = pnjlim(vsbd, this.vsbs0 - this.vds0, CONSTvt0, p.vcrit);
        if (lim !== vsbd) changed = true;
        vsbs = lim + vds;
      }
      v[4] = vdbs;
      v[5] = vsbs;
    }
    return changed;
  }

  /**
   * Currents I (by local terminal; normalized, times M) and Jacobian J at the
   * normalized voltages v (against s'), GMIN on both junctions.
   */
  private evaluate(v: Float64Array, gmin: number): Bsim4Point {
    const n = this.n;
    const pt = this.pt;
    const vgs = v[G];
    const vds = v[D];
    const vbs = v[B];
    // the junctions' bulk sides: db, sb with the body network, else b
    const jd = this.body ? 4 : B;
    const js = this.body ? 5 : B;
    bsim4Eval(this.p, vgs, vds, vbs, gmin, pt, v[js], v[jd] - vds);
    const J = this.J;
    const I = this.I;
    J.fill(0);
    I.fill(0);
    // frame drain and source columns
    const fd = pt.mode === 1 ? D : S;
    const fs = pt.mode === 1 ? S : D;
    /** A current `i` leaving `from` and entering `to`, with partials gG, gD, gB in the frame (source column minus their sum). */
    const framed = (from: number, to: number, i: number, gG: number, gD: number, gB: number): void => {
      const gS = -(gG + gD + gB);
      J[from * n + G] += gG;
      J[from * n + fd] += gD;
      J[from * n + B] += gB;
      J[from * n + fs] += gS;
      J[to * n + G] -= gG;
      J[to * n + fd] -= gD;
      J[to * n + B] -= gB;
      J[to * n + fs] -= gS;
      I[from] += i;
      I[to] -= i;
    };
    /** The same with partials in the physical (vds, vgs, vbs) (GIDL, GISL). */
    const physical = (from: number, to: number, i: number, gD: number, gG: number, gB: number): void => {
      const gS = -(gD + gG + gB);
      J[from * n + D] += gD;
      J[from * n + G] += gG;
      J[from * n + S] += gS;
      J[from * n + B] += gB;
      J[to * n + D] -= gD;
      J[to * n + G] -= gG;
      J[to * n + S] -= gS;
      J[to * n + B] -= gB;
      I[from] += i;
      I[to] -= i;
    };
    // channel: Ids leaves fd, enters fs; substrate current leaves fd, enters b'
    framed(fd, fs, pt.ids, pt.gm, pt.gds, pt.gmbs);
    framed(fd, B, pt.isub, pt.gbgs, pt.gbds, pt.gbbs);
    // GIDL: leaves d', enters b'; GISL: leaves s', enters b'
    physical(D, B, pt.igidl, pt.gidlD, pt.gidlG, pt.gidlB);
    physical(S, B, pt.igisl, pt.gislD, pt.gislG, pt.gislB);
    // gate tunneling: Igcs, Igcd, Igb in the frame (g to fs, g to fd, g to b'), Igs to s', Igd to d'
    if (this.gateRow) {
      framed(G, fs, pt.igcs, pt.gcsG, pt.gcsD, pt.gcsB);
      framed(G, fd, pt.igcd, pt.gcdG, pt.gcdD, pt.gcdB);
      framed(G, B, pt.igb, pt.gbG, pt.gbD, pt.gbB);
      physical(G, S, pt.igs, 0, pt.gsG, 0);
      physical(G, D, pt.igd, -pt.gdG, pt.gdG, 0);
    }
    // junctions: cbd from its bulk side to d', cbs from its bulk side to s'
    J[D * n + D] += pt.gbd;
    J[D * n + jd] -= pt.gbd;
    J[jd * n + D] -= pt.gbd;
    J[jd * n + jd] += pt.gbd;
    J[S * n + S] += pt.gbs;
    J[S * n + js] -= pt.gbs;
    J[js * n + S] -= pt.gbs;
    J[js * n + js] += pt.gbs;
    I[jd] += pt.cbd;
    I[D] -= pt.cbd;
    I[js] += pt.cbs;
    I[S] -= pt.cbs;
    const m = this.p.m;
    if (m !== 1) {
      for (let k = 0; k < J.length; k++) J[k] *= m;
      for (let k = 0; k < n; k++) I[k] *= m;
    }
    return pt;
  }

  load(ctx: LoadContext): void {
    // transient() asks transientRefusal first; this only guards other integrating callers
    if (ctx.integ) throw new Error(this.transientRefusal());
    if (this.limited(ctx.V, ctx.initJunctions)) ctx.noncon = true;
    const v = this.v;
    const pt = this.evaluate(v, ctx.gmin);
    this.vgs0 = v[G];
    this.vds0 = v[D];
    this.vbs0 = v[B];
    this.vbd0 = v[B] - v[D];
    this.von0 = pt.von;
    if (this.body) {
      this.vdbs0 = v[4];
      this.vsbs0 = v[5];
    }
    const n = this.n;
    const t = this.p.type;
    const { A, b, Vk } = ctx;
    const J = this.J;
    const h = this.h;
    const term = this.term;
    for (const r of this.rowList) {
      const o = r * n;
      // ieq_r = type (I_r - sum_c J_rc v_c), v_c the normalized voltages against s' (the s' column's is 0)
      let lin = 0;
      for (let c = 0; c < n; c++) lin += J[o + c] * v[c];
      let rhs = -t * (this.I[r] - lin);
      for (let c = 0; c < n; c++) {
        A[h[o + c]] += J[o + c];
        rhs -= J[o + c] * Vk[term[c]];
      }
      b[this.rows[r]] += rhs;
    }
    const m = this.p.m;
    if (this.hd) stampConductance(ctx, this.hd, m * this.p.gd);
    if (this.hs) stampConductance(ctx, this.hs, m * this.p.gs);
    if (this.hg) stampConductance(ctx, this.hg, m * this.p.grgeltd);
    if (this.body) {
      const gs = this.bodyG();
      for (let k = 0; k < 5; k++) stampConductance(ctx, this.hr[k], gs[k]);
    }
  }

  /** The terminal currents (A) at V, leaving d, g, s, b and the internal nodes, GMIN included (DC: no charges). */
  addCurrents(V: Float64Array, _x: Float64Array, _time: number, out: Float64Array): void {
    const p = this.p;
    const t = p.type;
    const vs = V[this.si];
    const v = addScratch.length === this.n ? addScratch : (addScratch = new Float64Array(this.n));
    for (let c = 0; c < this.n; c++) v[c] = t * (V[this.term[c]] - vs);
    this.evaluate(v, this.gmin);
    const I = this.I;
    for (let c = 0; c < this.n; c++) if (c !== G || this.gateRow) out[this.term[c]] += t * I[c];
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
    if (this.hg) {
      const i = p.m * p.grgeltd * (V[this.g] - V[this.gi]);
      out[this.g] += i;
      out[this.gi] -= i;
    }
    if (this.body) {
      const [bp, db, sb] = this.body;
      const gs = this.bodyG();
      const pairs: Array<[number, number]> = [[bp, db], [bp, this.b], [bp, sb], [db, this.b], [sb, this.b]];
      for (let k = 0; k < 5; k++) {
        const [a, c] = pairs[k];
        const i = gs[k] * (V[a] - V[c]);
        out[a] += i;
        out[c] -= i;
      }
    }
  }
}

const limScratch = new Float64Array(3);
let addScratch = new Float64Array(4);
