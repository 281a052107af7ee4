/**
 * Sparse LDL^T factorization (up-looking, after T. Davis's LDL) of a
 * symmetric matrix under a fill-reducing permutation. Symbolic analysis is
 * done once per pattern; each numeric factorization reuses it. Used for the
 * SPD systems of reciprocal circuits (the energy's Hessian). No pivoting: a
 * non-positive pivot reports failure and the caller falls back to LU.
 */
import { minimumDegree } from "./ordering.js";

export class SparseLDL {
  private readonly Ap: Int32Array;
  private readonly Ai: Int32Array;
  /** Position in the CSC value array of each pattern handle. */
  private readonly pos: Int32Array;
  readonly Ax: Float64Array;
  private readonly P: Int32Array;
  private readonly Pinv: Int32Array;
  private readonly Lp: Int32Array;
  private readonly Parent: Int32Array;
  private readonly Lnz: Int32Array;
  private readonly Flag: Int32Array;
  private readonly Li: Int32Array;
  private readonly Lx: Float64Array;
  private readonly D: Float64Array;
  private readonly Y: Float64Array;
  private readonly Pattern: Int32Array;
  private readonly work: Float64Array;

  constructor(
    readonly n: number,
    rows: ArrayLike<number>,
    cols: ArrayLike<number>,
  ) {
    // Handle 0 is the trash slot (row/col -1): not part of the matrix.
    const nnz = rows.length - 1;
    // CSC (column-major) of the full pattern; pos maps handle -> CSC slot.
    const count = new Int32Array(n + 1);
    for (let k = 1; k <= nnz; k++) count[cols[k] + 1]++;
    for (let j = 0; j < n; j++) count[j + 1] += count[j];
    this.Ap = Int32Array.from(count);
    this.Ai = new Int32Array(nnz);
    this.pos = new Int32Array(nnz + 1);
    const next = Int32Array.from(count);
    for (let k = 1; k <= nnz; k++) {
      const p = next[cols[k]]++;
      this.Ai[p] = rows[k];
      this.pos[k] = p;
    }
    this.Ax = new Float64Array(nnz);
    this.P = minimumDegree(n, rows, cols);
    this.Pinv = new Int32Array(n);
    for (let k = 0; k < n; k++) this.Pinv[this.P[k]] = k;
    this.Lp = new Int32Array(n + 1);
    this.Parent = new Int32Array(n);
    this.Lnz = new Int32Array(n);
    this.Flag = new Int32Array(n);
    this.symbolic();
    const lnz = this.Lp[n];
    this.Li = new Int32Array(lnz);
    this.Lx = new Float64Array(lnz);
    this.D = new Float64Array(n);
    this.Y = new Float64Array(n);
    this.Pattern = new Int32Array(n);
    this.work = new Float64Array(n);
  }

  /** Nonzeros of L (a measure of the factorization's cost). */
  get nnzL(): number {
    return this.Lp[this.n];
  }

  private symbolic(): void {
    const { n, Ap, Ai, Lp, Parent, Lnz, Flag, P, Pinv } = this;
    for (let k = 0; k < n; k++) {
      Parent[k] = -1;
      Flag[k] = k;
      Lnz[k] = 0;
      const kk = P[k];
      for (let p = Ap[kk]; p < Ap[kk + 1]; p++) {
        let i = Pinv[Ai[p]];
        if (i < k) {
          for (; Flag[i] !== k; i = Parent[i]) {
            if (Parent[i] === -1) Parent[i] = k;
            Lnz[i]++;
            Flag[i] = k;
          }
        }
      }
    }
    Lp[0] = 0;
    for (let k = 0; k < n; k++) Lp[k + 1] = Lp[k] + Lnz[k];
  }

  /** Load values by pattern handle (values[h] for handle h). */
  setValues(values: Float64Array): void {
    const { Ax, pos } = this;
    for (let h = 1; h < pos.length; h++) Ax[pos[h]] = values[h];
  }

  /** Numeric factorization of the loaded values. Returns false on a non-positive pivot. */
  factor(): boolean {
    const { n, Ap, Ai, Ax, Lp, Parent, Lnz, Li, Lx, D, Y, Pattern, Flag, P, Pinv } = this;
    for (let k = 0; k < n; k++) {
      Y[k] = 0;
      let top = n;
      Flag[k] = k;
      Lnz[k] = 0;
      const kk = P[k];
      for (let p = Ap[kk]; p < Ap[kk + 1]; p++) {
        let i = Pinv[Ai[p]];
        if (i <= k) {
          Y[i] += Ax[p];
          let len = 0;
          for (; Flag[i] !== k; i = Parent[i]) {
            Pattern[len++] = i;
            Flag[i] = k;
          }
          while (len > 0) Pattern[--top] = Pattern[--len];
        }
      }
      let dk = Y[k];
      Y[k] = 0;
      for (; top < n; top++) {
        const i = Pattern[top];
        const yi = Y[i];
        Y[i] = 0;
        const p2 = Lp[i] + Lnz[i];
        for (let p = Lp[i]; p < p2; p++) Y[Li[p]] -= Lx[p] * yi;
        const lki = yi / D[i];
        dk -= lki * yi;
        Li[p2] = k;
        Lx[p2] = lki;
        Lnz[i]++;
      }
      if (!(dk > 0) || !Number.isFinite(dk)) return false;
      D[k] = dk;
    }
    return true;
  }

  /** Solve A x = b in place (b becomes x). */
  solve(b: Float64Array): void {
    const { n, Lp, Li, Lx, D, P, work: y } = this;
    for (let k = 0; k < n; k++) y[k] = b[P[k]];
    for (let j = 0; j < n; j++) {
      const yj = y[j];
      for (let p = Lp[j]; p < Lp[j + 1]; p++) y[Li[p]] -= Lx[p] * yj;
    }
    for (let j = 0; j < n; j++) y[j] /= D[j];
    for (let j = n - 1; j >= 0; j--) {
      let s = y[j];
      for (let p = Lp[j]; p < Lp[j + 1]; p++) s -= Lx[p] * y[Li[p]];
      y[j] = s;
    }
    for (let k = 0; k < n; k++) b[P[k]] = y[k];
  }
}
