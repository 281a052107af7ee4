/**
 * Essentially non-oscillatory (ENO) interpolation in 1, 2 and 3 dimensions,
 * as ngspice 39's table models take it from the Madagascar project
 * (src/xspice/icm/table/mada/eno.c, eno2.c, eno3.c), with the same
 * arithmetic in the same order so that the results agree to the last bit.
 *
 * Conventions: the data are on an index grid (sample k at k); a point is
 * given as a grid index i and an offset x from it, in index units as the
 * caller means them (ngspice's table models pass an offset in the axis's
 * own unit, V or A, and divide the derivative by the local grid step: this
 * module does what it is told). Derivatives are with respect to the offset.
 * Data arrays are row-major, the first index fastest: 2-D data[j][i],
 * 3-D data[k][j][i].
 */

/** What to compute: the value, the derivative(s), or both (mada's FUNC, DER, BOTH). */
export type EnoWhat = "func" | "der" | "both";

/** 1-D ENO interpolation of order `order` (polynomial degree order - 1) over n samples (n >= order). */
export class Eno1 {
  /** diff[k][i]: the k-th forward difference at i (i < n - k). */
  private readonly diff: Float64Array[];

  constructor(
    readonly order: number,
    readonly n: number,
  ) {
    this.diff = Array.from({ length: order }, (_, k) => new Float64Array(Math.max(0, n - k)));
  }

  /** Take the samples c[0..n-1] (copied). */
  set(c: ArrayLike<number>): void {
    const d = this.diff;
    for (let i = 0; i < this.n; i++) d[0][i] = c[i];
    for (let j = 1; j < this.order; j++) for (let i = 0; i < this.n - j; i++) d[j][i] = d[j - 1][i + 1] - d[j - 1][i];
  }

  /**
   * The interpolant at grid index i plus offset x: r[0] the value (unless
   * `what` is "der"), r[1] its derivative (unless "func"). Every stencil of
   * `order` points containing i whose highest difference is smallest in
   * magnitude takes part, averaged.
   */
  apply(i: number, x: number, what: EnoWhat, r: Float64Array): void {
    const order = this.order;
    const top = this.diff[order - 1];
    const i2 = Math.max(0, Math.min(i, this.n - order));
    const i1 = Math.min(i2, Math.max(0, i - order + 2));
    let w = Math.abs(top[i1]);
    for (let j = i1 + 1; j <= i2; j++) {
      const g = Math.abs(top[j]);
      if (w > g) w = g;
    }
    let g = 0;
    let g1 = 0;
    let n = 0;
    for (let j = i1; j <= i2; j++) {
      if (Math.abs(top[j]) > w) continue;
      n++;
      const y = x + i - j;
      let s = 1;
      let s1 = 0;
      for (let k = 0; k < order; k++) {
        const dk = this.diff[k][j];
        if (what !== "func") {
          g1 += s1 * dk;
          s1 = (s + s1 * (y - k)) / (k + 1);
        }
        if (what !== "der") g += s * dk;
        s *= (y - k) / (k + 1);
      }
    }
    if (what !== "der") r[0] = g / n;
    if (what !== "func") r[1] = g1 / n;
  }
}

/** The first sample of the 2 order - 2 along an axis of n that an ENO stencil around index j uses (mada's b2, b3). */
function blockStart(j: number, order: number, n: number, ng: number): number {
  if (j - order + 2 < 0) return 0;
  if (j + order - 1 > n - 1) return n - ng;
  return j - order + 2;
}

/**
 * 2-D ENO interpolation over data[n2][n1] (n1 >= order, n2 >= 2 order - 2):
 * 1-D along the first axis on 2 order - 2 rows around the point, then 1-D
 * across those results (and across their derivatives).
 */
export class Eno2 {
  readonly ng: number;
  private readonly rows: Eno1[];
  private readonly across: Eno1;
  private readonly f: Float64Array;
  private readonly f1: Float64Array;
  private readonly r = new Float64Array(2);

  constructor(
    readonly order: number,
    readonly n1: number,
    readonly n2: number,
  ) {
    this.ng = 2 * order - 2;
    this.rows = Array.from({ length: n2 }, () => new Eno1(order, n1));
    this.across = new Eno1(order, this.ng);
    this.f = new Float64Array(this.ng);
    this.f1 = new Float64Array(this.ng);
  }

  set(c: ReadonlyArray<ArrayLike<number>>): void {
    for (let i2 = 0; i2 < this.n2; i2++) this.rows[i2].set(c[i2]);
  }

  /** At (i + x, j + y): out[0] the value (unless "der"), out[1], out[2] the derivatives along the first and second axes (unless "func"). */
  apply(i: number, j: number, x: number, y: number, what: EnoWhat, out: Float64Array): void {
    const b2 = blockStart(j, this.order, this.n2, this.ng);
    j -= b2;
    const r = this.r;
    for (let k = 0; k < this.ng; k++) {
      this.rows[b2 + k].apply(i, x, what !== "func" ? "both" : "func", r);
      this.f[k] = r[0];
      this.f1[k] = r[1];
    }
    this.across.set(this.f);
    this.across.apply(j, y, what, r);
    if (what !== "der") out[0] = r[0];
    if (what !== "func") {
      out[2] = r[1];
      this.across.set(this.f1);
      this.across.apply(j, y, "func", r);
      out[1] = r[0];
    }
  }
}

/**
 * 3-D ENO interpolation over data[n3][n2][n1] (n1 >= order; n2, n3 >=
 * 2 order - 2): 1-D along the first axis on a (2 order - 2)^2 block of rows
 * around the point, then 2-D across those results (and their derivatives).
 */
export class Eno3 {
  readonly ng: number;
  private readonly rows: Eno1[][];
  private readonly across: Eno2;
  private readonly f: Float64Array[];
  private readonly f1: Float64Array[];
  private readonly r = new Float64Array(2);
  private readonly r3 = new Float64Array(3);

  constructor(
    readonly order: number,
    readonly n1: number,
    readonly n2: number,
    readonly n3: number,
  ) {
    this.ng = 2 * order - 2;
    this.rows = Array.from({ length: n3 }, () => Array.from({ length: n2 }, () => new Eno1(order, n1)));
    this.across = new Eno2(order, this.ng, this.ng);
    this.f = Array.from({ length: this.ng }, () => new Float64Array(this.ng));
    this.f1 = Array.from({ length: this.ng }, () => new Float64Array(this.ng));
  }

  set(c: ReadonlyArray<ReadonlyArray<ArrayLike<number>>>): void {
    for (let i3 = 0; i3 < this.n3; i3++) for (let i2 = 0; i2 < this.n2; i2++) this.rows[i3][i2].set(c[i3][i2]);
  }

  /** At (i + x, j + y, k + z): out[0] the value (unless "der"), out[1..3] the derivatives along the three axes (unless "func"). */
  apply(i: number, j: number, k: number, x: number, y: number, z: number, what: EnoWhat, out: Float64Array): void {
    const b2 = blockStart(j, this.order, this.n2, this.ng);
    j -= b2;
    const b3 = blockStart(k, this.order, this.n3, this.ng);
    k -= b3;
    const r = this.r;
    for (let i3 = 0; i3 < this.ng; i3++) {
      for (let i2 = 0; i2 < this.ng; i2++) {
        this.rows[b3 + i3][b2 + i2].apply(i, x, what === "func" ? "func" : "both", r);
        this.f[i3][i2] = r[0];
        this.f1[i3][i2] = r[1];
      }
    }
    const r3 = this.r3;
    this.across.set(this.f);
    this.across.apply(j, k, y, z, what, r3);
    if (what !== "der") out[0] = r3[0];
    if (what !== "func") {
      out[2] = r3[1];
      out[3] = r3[2];
      this.across.set(this.f1);
      this.across.apply(j, k, y, z, "func", r3);
      out[1] = r3[0];
    }
  }
}
