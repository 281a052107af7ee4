/**
 * Sparse LU factorization P A Q = L U of an unsymmetric matrix (controlled
 * sources, floating voltage sources, unreduced amplifiers), organised as
 * KLU (Davis and Palamadai Natarajan 2010) is:
 *
 * - analysis, once per pattern: a maximum transversal (rows matched to
 *   columns, the structural diagonal of each row preferred, so the branch
 *   rows of MNA voltage sources, which have no diagonal, get a node column)
 *   and a fill-reducing ordering Q of the columns, the approximate minimum
 *   degree of ordering.ts on B + B^T with B the row-matched matrix;
 * - factor: left-looking Gilbert-Peierls. Column k of L and U comes from a
 *   sparse triangular solve with L, whose nonzero pattern is the reach of
 *   A(:, Q[k]) in the graph of L (a depth-first search), so the work is
 *   proportional to the flops. Threshold partial pivoting: the matched row
 *   is kept when |x| >= tol * max over the candidate rows (tol 0.1 by
 *   default), else the largest candidate is taken;
 * - refactor: the same pivot sequence and the same patterns of L and U on
 *   new values (Newton iterations and time steps change values, never the
 *   pattern), with no search at all. Each pivot is checked against the same
 *   threshold; when one fails, `factorize` pivots afresh and the new
 *   sequence is kept from then on. The operations of a refactorization are
 *   those of a fresh factorization that picks the same pivots, in the same
 *   order, so its factors are identical to the last bit.
 *
 * Structural zeros are kept in L and U (an entry that happens to be 0 at
 * one Newton iteration need not be at the next), which is what makes the
 * stored patterns valid for any values on the same matrix pattern.
 * Solves: A x = b and A^T x = b (adjoint systems) with the same factors.
 */
import { minimumDegree } from "./ordering.js";

export class SparseLU {
  /** Threshold of partial pivoting (0 < tol <= 1; 1 is plain partial pivoting). */
  readonly tol: number;
  // A in compressed columns; pos maps pattern handle -> slot.
  private readonly Ap: Int32Array;
  private readonly Ai: Int32Array;
  private readonly pos: Int32Array;
  readonly Ax: Float64Array;
  /** Q[k]: column of A eliminated at step k. */
  readonly Q: Int32Array;
  /** Preferred (structurally matched) pivot row of step k, -1 if none. */
  private readonly pref: Int32Array;
  /** pinv[i]: step at which row i was pivoted (-1 while not yet). */
  private readonly pinv: Int32Array;
  /** prow[k]: row pivoted at step k. */
  private readonly prow: Int32Array;
  // L (unit lower, diagonal not stored) and U (diagonal in Udiag), by column,
  // with row indices as pivot steps once a factorization is complete.
  private Lp: Int32Array;
  private Li: Int32Array;
  private Lx: Float64Array;
  private Up: Int32Array;
  private Ui: Int32Array;
  private Ux: Float64Array;
  private readonly Udiag: Float64Array;
  // Workspace.
  private readonly X: Float64Array;
  private readonly xi: Int32Array;
  private readonly stack: Int32Array;
  private readonly pstack: Int32Array;
  private readonly mark: Int32Array;
  private stamp = 0;
  private readonly work: Float64Array;
  /** Entries of L and U so far while a fresh factorization runs. */
  private lnz = 0;
  private unz = 0;
  /** True while L, U and the pivot sequence hold a complete factorization. */
  private valid = false;
  /** True once some factorization completed: its pivot sequence and patterns can be reused. */
  private havePattern = false;
  /** Counts: fresh factorizations (with pivot search), refactorizations, refactorizations rejected by the threshold test. */
  readonly stats = { factorizations: 0, refactorizations: 0, rejected: 0 };

  constructor(
    readonly n: number,
    rows: ArrayLike<number>,
    cols: ArrayLike<number>,
    tol = 0.1,
  ) {
    if (!(tol > 0 && tol <= 1)) throw new Error(`SparseLU: pivot threshold must be in (0, 1], got ${tol}`);
    this.tol = tol;
    // Handle 0 is the trash slot (row/col -1): not part of the matrix.
    const nnz = rows.length - 1;
    const count = new Int32Array(n + 1);
    for (let h = 1; h <= nnz; h++) count[cols[h] + 1]++;
    for (let j = 0; j < n; j++) count[j + 1] += count[j];
    this.Ap = Int32Array.from(count);
    this.Ai = new Int32Array(nnz);
    this.pos = new Int32Array(nnz + 1);
    const next = Int32Array.from(count);
    for (let h = 1; h <= nnz; h++) {
      const p = next[cols[h]]++;
      this.Ai[p] = rows[h];
      this.pos[h] = p;
    }
    this.Ax = new Float64Array(nnz);

    // Analysis: maximum transversal, then minimum degree on the matched pattern.
    const rowOfCol = maxTransversal(n, this.Ap, this.Ai);
    const colOfRow = new Int32Array(n).fill(-1);
    for (let j = 0; j < n; j++) if (rowOfCol[j] >= 0) colOfRow[rowOfCol[j]] = j;
    // B(colOfRow[i], j) = A(i, j): a zero-free diagonal when A is structurally nonsingular.
    const br = new Int32Array(nnz + 1);
    const bc = new Int32Array(nnz + 1);
    br[0] = bc[0] = -1;
    for (let j = 0; j < n; j++) {
      for (let p = this.Ap[j]; p < this.Ap[j + 1]; p++) {
        const i = this.Ai[p];
        br[p + 1] = colOfRow[i] >= 0 ? colOfRow[i] : i;
        bc[p + 1] = j;
      }
    }
    this.Q = minimumDegree(n, br, bc);
    this.pref = new Int32Array(n);
    for (let k = 0; k < n; k++) this.pref[k] = rowOfCol[this.Q[k]];

    this.pinv = new Int32Array(n).fill(-1);
    this.prow = new Int32Array(n);
    const cap = Math.max(4 * nnz + n, 16);
    this.Lp = new Int32Array(n + 1);
    this.Li = new Int32Array(cap);
    this.Lx = new Float64Array(cap);
    this.Up = new Int32Array(n + 1);
    this.Ui = new Int32Array(cap);
    this.Ux = new Float64Array(cap);
    this.Udiag = new Float64Array(n);
    this.X = new Float64Array(n);
    this.xi = new Int32Array(n);
    this.stack = new Int32Array(n);
    this.pstack = new Int32Array(n);
    this.mark = new Int32Array(n);
    this.work = new Float64Array(n);
  }

  /** Nonzeros of L (unit diagonal excluded) and U (diagonal included) of the last factorization. */
  get nnzL(): number {
    return this.Lp[this.n];
  }

  get nnzU(): number {
    return this.Up[this.n] + this.n;
  }

  /** The pivot sequence of the last factorization: row of A pivoted at each step (a copy). */
  pivotRows(): Int32Array {
    return Int32Array.from(this.prow);
  }

  /** Load values by pattern handle (values[h] for handle h). */
  setValues(values: Float64Array): void {
    const { Ax, pos } = this;
    for (let h = 1; h < pos.length; h++) Ax[pos[h]] = values[h];
  }

  /**
   * Factor the loaded values: with the previous pivot sequence when every
   * pivot still passes the threshold test, else with a fresh pivot search.
   * Returns false when the matrix is singular.
   */
  factorize(): boolean {
    if (this.havePattern && this.refactor()) return true;
    return this.factor();
  }

  /**
   * Fresh factorization with threshold partial pivoting; the pivot sequence
   * and patterns it finds are kept for later refactorizations. Returns false
   * when the matrix is (structurally or numerically) singular.
   */
  factor(): boolean {
    const n = this.n;
    this.valid = false;
    this.havePattern = false;
    this.stats.factorizations++;
    this.pinv.fill(-1);
    this.lnz = 0;
    this.unz = 0;
    // One call per column: V8 optimizes a small hot function at once, where
    // one long loop in a function called once runs unoptimized for long.
    for (let k = 0; k < n; k++) if (!this.factorColumn(k)) return false;
    this.Lp[n] = this.lnz;
    this.Up[n] = this.unz;
    // Row indices of L as pivot steps (every row is pivoted now).
    const { Li, pinv } = this;
    for (let p = 0, e = this.lnz; p < e; p++) Li[p] = pinv[Li[p]];
    this.valid = true;
    this.havePattern = true;
    return true;
  }

  /** Column k of a fresh factorization; false when no usable pivot is left. */
  private factorColumn(k: number): boolean {
    const { n, Ap, Ai, Ax, Q, pref, pinv, prow, Udiag, X, xi, tol } = this;
    let lnz = this.lnz;
    let unz = this.unz;
    this.Lp[k] = lnz;
    this.Up[k] = unz;
    if (lnz + n > this.Li.length) this.growL(lnz + n);
    if (unz + n > this.Ui.length) this.growU(unz + n);
    const { Lp, Li, Lx, Ui, Ux } = this;
    const col = Q[k];
    const top = this.reach(col);
    // x = L \ A(:, col) on the reach, in topological order (X is zero outside it).
    for (let p = Ap[col]; p < Ap[col + 1]; p++) X[Ai[p]] = Ax[p];
    for (let px = top; px < n; px++) {
      const j = xi[px];
      const jnew = pinv[j];
      if (jnew < 0) continue;
      const xj = X[j];
      for (let p = Lp[jnew], e = Lp[jnew + 1]; p < e; p++) X[Li[p]] -= Lx[p] * xj;
    }
    // U(:, k) from the pivoted rows; the largest candidate among the others.
    let ipiv = -1;
    let amax = -1;
    for (let px = top; px < n; px++) {
      const i = xi[px];
      if (pinv[i] < 0) {
        const a = Math.abs(X[i]);
        if (a > amax) {
          amax = a;
          ipiv = i;
        }
      } else {
        Ui[unz] = pinv[i];
        Ux[unz++] = X[i];
      }
    }
    this.unz = unz;
    if (ipiv < 0 || !(amax > 0) || amax === Infinity) {
      for (let px = top; px < n; px++) X[xi[px]] = 0;
      this.Up[k + 1] = unz;
      return false;
    }
    const r = pref[k];
    if (r >= 0 && r !== ipiv && pinv[r] < 0 && Math.abs(X[r]) >= tol * amax) ipiv = r;
    const pivot = X[ipiv];
    Udiag[k] = pivot;
    pinv[ipiv] = k;
    prow[k] = ipiv;
    for (let px = top; px < n; px++) {
      const i = xi[px];
      if (pinv[i] < 0) {
        Li[lnz] = i;
        Lx[lnz++] = X[i] / pivot;
      }
      X[i] = 0;
    }
    this.lnz = lnz;
    return true;
  }

  /**
   * Refactor the loaded values with the pivot sequence and patterns of the
   * last complete factorization. Returns false (factors invalid; call
   * `factor`) when there is none, or a pivot is zero, not finite, or below
   * tol times the largest entry of its column of candidates.
   */
  refactor(): boolean {
    if (!this.havePattern) return false;
    this.valid = false;
    this.stats.refactorizations++;
    for (let k = 0, n = this.n; k < n; k++) {
      if (!this.refactorColumn(k)) {
        this.stats.rejected++;
        return false;
      }
    }
    this.valid = true;
    return true;
  }

  /** Column k of a refactorization; false when its pivot fails the threshold test. */
  private refactorColumn(k: number): boolean {
    const { Ap, Ai, Ax, Q, pinv, Lp, Li, Lx, Up, Ui, Ux, Udiag, X, tol } = this;
    const col = Q[k];
    for (let p = Ap[col]; p < Ap[col + 1]; p++) X[pinv[Ai[p]]] = Ax[p];
    for (let p = Up[k], e = Up[k + 1]; p < e; p++) {
      const j = Ui[p];
      const xj = X[j];
      X[j] = 0;
      Ux[p] = xj;
      for (let q = Lp[j], f = Lp[j + 1]; q < f; q++) X[Li[q]] -= Lx[q] * xj;
    }
    const pivot = X[k];
    X[k] = 0;
    const l0 = Lp[k];
    const l1 = Lp[k + 1];
    let amax = Math.abs(pivot);
    for (let q = l0; q < l1; q++) {
      const a = Math.abs(X[Li[q]]);
      if (a > amax) amax = a;
    }
    if (!(amax > 0) || amax === Infinity || !(Math.abs(pivot) >= tol * amax)) {
      for (let q = l0; q < l1; q++) X[Li[q]] = 0;
      return false;
    }
    Udiag[k] = pivot;
    for (let q = l0; q < l1; q++) {
      const i = Li[q];
      Lx[q] = X[i] / pivot;
      X[i] = 0;
    }
    return true;
  }

  /** Solve A x = b in place (b becomes x) with the current factors. */
  solve(b: Float64Array): void {
    this.check();
    const { n, pinv, Q, Lp, Li, Lx, Up, Ui, Ux, Udiag, work: y } = this;
    for (let i = 0; i < n; i++) y[pinv[i]] = b[i];
    for (let j = 0; j < n; j++) {
      const yj = y[j];
      if (yj === 0) continue;
      for (let p = Lp[j], e = Lp[j + 1]; p < e; p++) y[Li[p]] -= Lx[p] * yj;
    }
    for (let k = n - 1; k >= 0; k--) {
      const yk = y[k] / Udiag[k];
      y[k] = yk;
      if (yk === 0) continue;
      for (let p = Up[k], e = Up[k + 1]; p < e; p++) y[Ui[p]] -= Ux[p] * yk;
    }
    for (let k = 0; k < n; k++) b[Q[k]] = y[k];
  }

  /** Solve A^T x = b in place (b becomes x) with the current factors. */
  solveTransposed(b: Float64Array): void {
    this.check();
    // P A Q = L U  =>  A^T = Q U^T L^T P: U^T L^T (P x) = Q^T b.
    const { n, pinv, Q, Lp, Li, Lx, Up, Ui, Ux, Udiag, work: y } = this;
    for (let k = 0; k < n; k++) y[k] = b[Q[k]];
    for (let k = 0; k < n; k++) {
      let s = y[k];
      for (let p = Up[k], e = Up[k + 1]; p < e; p++) s -= Ux[p] * y[Ui[p]];
      y[k] = s / Udiag[k];
    }
    for (let j = n - 1; j >= 0; j--) {
      let s = y[j];
      for (let p = Lp[j], e = Lp[j + 1]; p < e; p++) s -= Lx[p] * y[Li[p]];
      y[j] = s;
    }
    for (let i = 0; i < n; i++) b[i] = y[pinv[i]];
  }

  private check(): void {
    if (!this.valid) throw new Error("internal: SparseLU solve without a successful factorization");
  }

  /**
   * Nonzero pattern of L \ A(:, col): rows reachable from the rows of
   * A(:, col) in the graph of L (row i -> rows of L(:, pinv[i])), written to
   * xi[top .. n) in topological order. Returns top.
   */
  private reach(col: number): number {
    const { n, Ap, Ai, Lp, Li, pinv, xi, stack, pstack, mark } = this;
    if (this.stamp >= 0x3fffffff) {
      mark.fill(0);
      this.stamp = 0;
    }
    const stamp = ++this.stamp;
    let top = n;
    for (let p0 = Ap[col]; p0 < Ap[col + 1]; p0++) {
      const start = Ai[p0];
      if (mark[start] === stamp) continue;
      // Iterative depth-first search from `start`.
      let head = 0;
      stack[0] = start;
      while (head >= 0) {
        const j = stack[head];
        const jnew = pinv[j];
        if (mark[j] !== stamp) {
          mark[j] = stamp;
          pstack[head] = jnew < 0 ? 0 : Lp[jnew];
        }
        let done = true;
        const end = jnew < 0 ? 0 : Lp[jnew + 1];
        for (let p = pstack[head]; p < end; p++) {
          const i = Li[p];
          if (mark[i] === stamp) continue;
          pstack[head] = p + 1;
          stack[++head] = i;
          done = false;
          break;
        }
        if (done) {
          head--;
          xi[--top] = j;
        }
      }
    }
    return top;
  }

  private growL(need: number): void {
    const cap = Math.max(need, 2 * this.Li.length);
    const Li = new Int32Array(cap);
    Li.set(this.Li);
    const Lx = new Float64Array(cap);
    Lx.set(this.Lx);
    this.Li = Li;
    this.Lx = Lx;
  }

  private growU(need: number): void {
    const cap = Math.max(need, 2 * this.Ui.length);
    const Ui = new Int32Array(cap);
    Ui.set(this.Ui);
    const Ux = new Float64Array(cap);
    Ux.set(this.Ux);
    this.Ui = Ui;
    this.Ux = Ux;
  }
}

/**
 * Maximum transversal: rowOfCol[j] = row matched to column j (-1 when A is
 * structurally singular and j is left unmatched). Structural diagonal
 * entries are matched first; every other column then gets a row by an
 * augmenting path (depth first, after Duff's MC21, iterative).
 */
export function maxTransversal(n: number, Ap: Int32Array, Ai: Int32Array): Int32Array {
  const rowOfCol = new Int32Array(n).fill(-1);
  const colOfRow = new Int32Array(n).fill(-1);
  for (let j = 0; j < n; j++) {
    for (let p = Ap[j]; p < Ap[j + 1]; p++) {
      if (Ai[p] === j) {
        rowOfCol[j] = j;
        colOfRow[j] = j;
        break;
      }
    }
  }
  const cheap = Int32Array.from(Ap.subarray(0, n));
  const visited = new Int32Array(n).fill(-1);
  const stack = new Int32Array(n);
  const ptr = new Int32Array(n);
  const via = new Int32Array(n);
  const w: Transversal = { Ap, Ai, rowOfCol, colOfRow, cheap, visited, stack, ptr, via };
  for (let j0 = 0; j0 < n; j0++) if (rowOfCol[j0] < 0) augment(w, j0);
  return rowOfCol;
}

interface Transversal {
  Ap: Int32Array;
  Ai: Int32Array;
  rowOfCol: Int32Array;
  colOfRow: Int32Array;
  /** Next entry of each column to try for a cheap (unmatched-row) assignment. */
  cheap: Int32Array;
  /** visited[i] === j0: row i was seen in the search from column j0. */
  visited: Int32Array;
  stack: Int32Array;
  ptr: Int32Array;
  via: Int32Array;
}

/** Match column j0 by an augmenting path, if there is one (a function per column: optimized at once). */
function augment(w: Transversal, j0: number): void {
  const { Ap, Ai, rowOfCol, colOfRow, cheap, visited, stack, ptr, via } = w;
  let head = 0;
  stack[0] = j0;
  ptr[0] = Ap[j0];
  let found = -1;
  while (head >= 0 && found < 0) {
    const j = stack[head];
    // Cheap assignment: an unmatched row of column j.
    for (let p = cheap[j]; p < Ap[j + 1]; p++) {
      cheap[j] = p + 1;
      if (colOfRow[Ai[p]] < 0) {
        found = Ai[p];
        break;
      }
    }
    if (found >= 0) break;
    let pushed = false;
    for (let p = ptr[head]; p < Ap[j + 1]; p++) {
      const i = Ai[p];
      if (visited[i] === j0) continue;
      visited[i] = j0;
      ptr[head] = p + 1;
      via[head] = i;
      stack[++head] = colOfRow[i];
      ptr[head] = Ap[colOfRow[i]];
      pushed = true;
      break;
    }
    if (!pushed) head--;
  }
  if (found < 0) return;
  // Augment: column stack[t] takes row via[t] (t < head), stack[head] takes `found`.
  let row = found;
  for (let t = head; t >= 0; t--) {
    const j = stack[t];
    rowOfCol[j] = row;
    colOfRow[row] = j;
    if (t > 0) row = via[t - 1];
  }
}
