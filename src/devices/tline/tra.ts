/**
 * The lossless transmission line T in a transient, as ngspice 39's TRA
 * (tra/traload.c, traacct.c, tratrunc.c): the method of characteristics.
 * Each port is Z0 from its positive terminal to an internal node int_k,
 * then a voltage source from int_k to the negative terminal carrying the
 * port's branch current i_k (the unknown of node `t1#ik`, ngspice's
 * TRAbrEq):
 *   V(int1) - V(neg1) = input1(t),  input1(t) = [V(pos2) - V(neg2) + Z0 i2](t - TD)
 *   V(int2) - V(neg2) = input2(t),  input2(t) = [V(pos1) - V(neg1) + Z0 i1](t - TD)
 * (V, A). The incident waves w1 = v2 + Z0 i2 and w2 = v1 + Z0 i1 of the
 * accepted time points are kept in a table (time, w1, w2) and read at
 * t - TD by ngspice's three-point (quadratic Lagrange) interpolation over
 * the two points before t - TD and the first one after (extrapolated from
 * the last three when t - TD is past them). The matrix is the DC one
 * without the DC rows' port-to-port entries; input_k goes to the right-hand
 * side of row i_k.
 *
 * Start (traload.c MODEINITTRAN): the table holds (-2 TD, -TD, 0) with the
 * operating point's waves, or with uic the IC= values (V1, I1, V2, I2),
 * and the first step takes those. Accept (traacct.c): the points older than
 * the two before t - TD are dropped, the new point appended unless within
 * ngspice's CKTminBreak of the last, and when the slope of a wave over the
 * last step differs from the one before by REL max(|d1|, |d2|) + ABS
 * (V/s; both default 1) a breakpoint is set TD after the previous point.
 * Step bound (tratrunc.c): at such a slope change, the step must not pass
 * the last accepted point + TD.
 */
import type { ChargeTruncationSpec } from "../capacitor/capacitor.js";
import type { AcceptPoint, LoadContext } from "../types.js";
import { TransmissionLine, type LineEntry } from "./tline.js";

export interface TraParams {
  z0: number;
  td: number;
  rel: number;
  abs: number;
  ic: { v1: number; i1: number; v2: number; i2: number };
}

export class LosslessLine extends TransmissionLine {
  readonly boundsStep = true;
  private readonly z0: number;
  private readonly td: number;
  private readonly rel: number;
  private readonly abs: number;
  private readonly ic: TraParams["ic"];
  /** Entries of the stamp in a transient: the first `common` of the DC list (the rest are the DC rows' port-to-port terms). */
  private readonly common: number;
  private readonly pos1: number;
  private readonly neg1: number;
  private readonly pos2: number;
  private readonly neg2: number;
  private readonly ib1: number;
  private readonly ib2: number;
  /** The delay table, ngspice's TRAdelays: (time s, w1 V, w2 V) per point, indices 0..size. */
  private tab = new Float64Array(15);
  private size = -1;
  /** The sources of the branch rows now (V), and the time they were read for (s). */
  private input1 = 0;
  private input2 = 0;
  private inputTime = NaN;
  /** True from the start until the first accepted point: ngspice's MODEINITTRAN step, which takes the start's waves. */
  private first = true;
  private init1 = 0;
  private init2 = 0;
  /** Last accepted time (s) and the last two accepted steps (s), ngspice's CKTdeltaOld[0], [1] at TRAaccept. */
  private tAcc = 0;
  private d0 = Infinity;
  private d1 = Infinity;
  /** Indices in `entries` of an entry on row i1 and one on row i2 (whose rows take the sources). */
  private readonly rowI1: number;
  private readonly rowI2: number;
  /** Set by uicState: the start takes the IC= values. */
  private uic = false;

  constructor(name: string, nodes: readonly number[], all: readonly number[], entries: readonly LineEntry[], common: number, p: TraParams, gmin: number) {
    super(name, nodes, all, entries, "lossless transmission line T", gmin);
    this.common = common;
    this.z0 = p.z0;
    this.td = p.td;
    this.rel = p.rel;
    this.abs = p.abs;
    this.ic = p.ic;
    [this.pos1, this.neg1, this.pos2, this.neg2, this.ib1, this.ib2] = all;
    this.rowI1 = this.entryOfRow(this.ib1);
    this.rowI2 = this.entryOfRow(this.ib2);
  }

  /** Incident wave at port 1 from port 2's side, w1 = V(pos2) - V(neg2) + Z0 i2 (V). */
  private w1(V: Float64Array): number {
    return V[this.pos2] - V[this.neg2] + V[this.ib2] * this.z0;
  }

  /** w2 = V(pos1) - V(neg1) + Z0 i1 (V). */
  private w2(V: Float64Array): number {
    return V[this.pos1] - V[this.neg1] + V[this.ib1] * this.z0;
  }

  override load(ctx: LoadContext): void {
    if (ctx.mode !== "tran") {
      super.load(ctx);
      return;
    }
    const { A, b, Vk } = ctx;
    for (let i = 0; i < this.common; i++) {
      const e = this.entries[i];
      A[this.handles[i]] += e.a;
      b[this.rows[i]] -= e.a * Vk[e.c];
    }
    if (ctx.time !== this.inputTime) this.readInputs(ctx.time);
    b[this.rows[this.rowI1]] += this.input1;
    b[this.rows[this.rowI2]] += this.input2;
  }

  private entryOfRow(r: number): number {
    for (let i = 0; i < this.common; i++) if (this.entries[i].r === r) return i;
    throw new Error(`${this.name}: no entry on its branch row`);
  }

  /** The branch sources at time t (s): the start's waves on the first step, else ngspice's interpolation at t - TD. */
  private readInputs(t: number): void {
    this.inputTime = t;
    if (this.size < 2) {
      this.input1 = 0;
      this.input2 = 0;
      return;
    }
    if (this.first) {
      this.input1 = this.init1;
      this.input2 = this.init2;
      return;
    }
    const T = this.tab;
    const s = t - this.td;
    let i = 2;
    while (i < this.size && T[3 * i] <= s) i++;
    const t1 = T[3 * (i - 2)];
    const t2 = T[3 * (i - 1)];
    const t3 = T[3 * i];
    // traload.c skips the update on coincident points (it cannot happen: accept keeps them apart by CKTminBreak)
    if (t2 - t1 === 0 || t3 - t2 === 0) return;
    const f1 = ((s - t2) * (s - t3)) / ((t1 - t2) * (t1 - t3));
    const f2 = ((s - t1) * (s - t3)) / ((t2 - t1) * (t2 - t3));
    const f3 = ((s - t1) * (s - t2)) / ((t2 - t3) * (t1 - t3));
    this.input1 = f1 * T[3 * (i - 2) + 1] + f2 * T[3 * (i - 1) + 1] + f3 * T[3 * i + 1];
    this.input2 = f1 * T[3 * (i - 2) + 2] + f2 * T[3 * (i - 1) + 2] + f3 * T[3 * i + 2];
  }

  override addCurrents(V: Float64Array, x: Float64Array, t: number, out: Float64Array): void {
    if (t < 0 || this.size < 2) {
      super.addCurrents(V, x, t, out);
      return;
    }
    for (let i = 0; i < this.common; i++) {
      const e = this.entries[i];
      out[e.r] += e.a * V[e.c];
    }
    if (t !== this.inputTime) this.readInputs(t);
    out[this.ib1] -= this.input1;
    out[this.ib2] -= this.input2;
  }

  override transientRefusal(): string | null {
    if (this.td > 0) return null;
    return `${this.name}: the lossless transmission line T has TD = 0: its transient needs a positive delay (ngspice's delay table has no spacing then)`;
  }

  changesInTime(sources: "tran" | "dc"): boolean {
    return sources === "tran";
  }

  uicState(): void {
    this.uic = true;
  }

  /** Start of the transient (traload.c MODEINITTRAN): the table (-2 TD, -TD, 0) at the operating point's waves, or the IC= ones with uic. */
  startCharges(V: Float64Array): void {
    const { ic, z0 } = this;
    this.init1 = this.uic ? ic.v2 + ic.i2 * z0 : this.w1(V);
    this.init2 = this.uic ? ic.v1 + ic.i1 * z0 : this.w2(V);
    this.uic = false;
    const T = this.tab;
    T[0] = -2 * this.td;
    T[3] = -this.td;
    T[6] = 0;
    T[1] = T[4] = T[7] = this.init1;
    T[2] = T[5] = T[8] = this.init2;
    this.size = 2;
    this.first = true;
    this.inputTime = NaN;
    this.tAcc = 0;
    this.d0 = Infinity;
    this.d1 = Infinity;
  }

  /** traacct.c at the accepted point (at.time, s) reached by step h (s). */
  accept(V: Float64Array, _x: Float64Array, h: number, at?: AcceptPoint): void {
    if (this.size < 2 || !at) return;
    const time = at.time;
    this.first = false;
    this.inputTime = NaN;
    this.d1 = this.d0;
    this.d0 = h;
    this.tAcc = time;
    const T = this.tab;
    const s = time - this.td;
    if (s > T[6]) {
      let i = 2;
      while (i < this.size && s > T[3 * i]) i++;
      i -= 2;
      if (i > 0) {
        T.copyWithin(0, 3 * i, 3 * (this.size + 1));
        this.size -= i;
      }
    }
    if (time - T[3 * this.size] > at.minBreak) {
      if (3 * (this.size + 2) > T.length) {
        const grown = new Float64Array(2 * T.length);
        grown.set(T);
        this.tab = grown;
      }
      const U = this.tab;
      const n = ++this.size;
      U[3 * n] = time;
      U[3 * n + 1] = this.w1(V);
      U[3 * n + 2] = this.w2(V);
      const d1 = (U[3 * n + 1] - U[3 * n - 2]) / this.d0;
      const d2 = (U[3 * n - 2] - U[3 * n - 5]) / this.d1;
      const d3 = (U[3 * n + 2] - U[3 * n - 1]) / this.d0;
      const d4 = (U[3 * n - 1] - U[3 * n - 4]) / this.d1;
      if (this.slopeChanges(d1, d2) || this.slopeChanges(d3, d4)) at.setBreak(U[3 * (n - 1)] + this.td);
    }
  }

  /** |d1 - d2| >= REL max(|d1|, |d2|) + ABS (slopes in V/s); a slope over an unknown step (Infinity: 0) is none. */
  private slopeChanges(d1: number, d2: number): boolean {
    return Math.abs(d1 - d2) >= this.rel * Math.max(Math.abs(d1), Math.abs(d2)) + this.abs;
  }

  /**
   * tratrunc.c: where a wave's slope over the step just solved differs from
   * the one before, the step from here must not pass the last accepted point
   * + TD (s). ngspice divides the new difference by the previous step and
   * the one before by the step before it (CKTdeltaOld[1], [2]), as here.
   */
  chargeTruncation(V: Float64Array, spec: ChargeTruncationSpec): number {
    if (this.size < 1 || this.first) return Infinity;
    const T = this.tab;
    const n = this.size;
    const d1 = (this.w1(V) - T[3 * n + 1]) / this.d0;
    const d2 = (T[3 * n + 1] - T[3 * n - 2]) / this.d1;
    const d3 = (this.w2(V) - T[3 * n + 2]) / this.d0;
    const d4 = (T[3 * n + 2] - T[3 * n - 1]) / this.d1;
    if (!this.slopeChanges(d1, d2) && !this.slopeChanges(d3, d4)) return Infinity;
    const tNew = this.tAcc + spec.dt[0];
    const del = T[3 * n] + this.td - tNew;
    // past it (ngspice stops with a negative step here): a step this one must be cut from
    return del > 0 ? del : 1e-300;
  }
}
