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
 */
import { pnjlim } from "./diode.js";
import { bjtPoint, bjtSubstrate, newBjtPoint, type BjtInstance } from "./bjt-model.js";
import { reservePair, stampConductance, type PairHandles } from "./stamp.js";
import type { Device, LoadContext, SetupContext } from "./types.js";

/** Local terminals of the stamp: 0 c', 1 b', 2 e', 3 b, 4 s. */
const N = 5;
const CI = 0;
const BI = 1;
const EI = 2;
const BX = 3;
const SX = 4;

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
    for (let r = 0; r < N; r++) this.rows[r] = ctx.row(this.term[r]);
    for (let r = 0; r < N; r++) for (let c = 0; c < N; c++) this.h[r * N + c] = ctx.entry(this.rows[r], this.rows[c]);
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
  private evaluate(vbe: number, vbc: number, vsub: number, d0: number, gmin: number): void {
    const p = this.p;
    const t = p.type;
    const m = p.m;
    const pt = this.pt;
    bjtPoint(p, vbe, vbc, gmin, pt);
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
    const Vl = this.Vl;
    Vl[EI] = 0;
    Vl[BI] = t * vbe;
    Vl[CI] = Vl[BI] - t * vbc;
    Vl[BX] = Vl[BI] + d0;
    Vl[SX] = Vl[sc] + ts * vsub;
  }

  load(ctx: LoadContext): void {
    const lim = this.lim;
    if (this.limited(ctx.V, ctx.initJunctions, lim)) ctx.noncon = true;
    const d0 = ctx.initJunctions ? 0 : ctx.V[this.b] - ctx.V[this.bi];
    this.evaluate(lim[0], lim[1], lim[2], d0, ctx.gmin);
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

  /** The terminal currents (A) at V, leaving c, b, e, s and the internal nodes, GMIN included. */
  addCurrents(V: Float64Array, _x: Float64Array, _t: number, out: Float64Array): void {
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

  /** Why a transient cannot run this device (its charges are not modelled), or null. */
  transientRefusal(): string | null {
    if (!this.p.hasCharges) return null;
    return `${this.name}: bipolar transistor charges (transit times TF/TR, junction capacitances CJE/CJC/CJS) are not modelled in transient analysis: eqspice computes BJT operating points only (a transistor with TF = TR = CJE = CJC = CJS = 0 runs in a transient)`;
  }
}
