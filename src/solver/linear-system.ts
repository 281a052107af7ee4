/**
 * The linear system A x = b of one Newton iteration, with the solver chosen
 * by structure:
 * - sparse LDL^T (minimum-degree ordering, symbolic analysis reused) when
 *   the circuit is reciprocal;
 * - sparse LU (sparse-lu.ts: threshold partial pivoting, ordering once per
 *   pattern, the pivot sequence reused across Newton iterations and time
 *   steps while its pivots stay acceptable) otherwise, and when LDL^T meets
 *   a non-positive pivot;
 * - dense LU with partial pivoting for tiny systems (fewer than
 *   `solverSettings.denseBelow` unknowns, where it is faster), and as the
 *   last resort when the sparse LU finds the matrix singular (up to
 *   `solverSettings.denseMax` unknowns).
 */
import { DenseLU } from "./dense-lu.js";
import { MatrixPattern } from "./pattern.js";
import { SparseLDL } from "./sparse-ldl.js";
import { SparseLU } from "./sparse-lu.js";

export type SolverKind = "ldl" | "lu";

/**
 * Process-wide choice of the LU (read when a system is factored). Tests and
 * benchmarks change it to force one solver: denseBelow 0 puts every
 * unsymmetric system on the sparse LU, Infinity on the dense one.
 */
export const solverSettings = {
  /** Unsymmetric systems with fewer unknowns use dense LU. */
  denseBelow: 30,
  /** Largest system the dense LU is tried on after the sparse LU failed (n^2 doubles). */
  denseMax: 2000,
  /** Pivot threshold of the sparse LU. */
  pivotTolerance: 0.1,
};

export class LinearSystem {
  /** Values by pattern handle; handle 0 is the trash. */
  readonly A: Float64Array;
  /** Right-hand side by row; the last slot is the trash. */
  readonly b: Float64Array;
  private ldl: SparseLDL | null = null;
  private lu: DenseLU | null = null;
  private slu: SparseLU | null = null;
  /** The solver used by the last successful factorization. */
  lastKind: SolverKind = "lu";
  /** Which LU, when lastKind is "lu". */
  lastLU: "sparse" | "dense" = "dense";

  constructor(
    readonly pattern: MatrixPattern,
    /** Prefer LDL^T (the matrix is symmetric by construction). */
    readonly symmetric: boolean,
  ) {
    this.A = new Float64Array(pattern.size);
    this.b = new Float64Array(pattern.n + 1);
  }

  get n(): number {
    return this.pattern.n;
  }

  /** Handle of the diagonal entry of row i (reserved at setup by the circuit). */
  diag(i: number): number {
    return this.pattern.find(i, i);
  }

  /**
   * Factor the current A and solve for x (written into `x`, length n).
   * Returns false when the matrix is singular.
   */
  solve(x: Float64Array): boolean {
    const n = this.n;
    if (n === 0) return true;
    if (this.symmetric) {
      if (!this.ldl) this.ldl = new SparseLDL(n, this.pattern.rows, this.pattern.cols);
      this.ldl.setValues(this.A);
      if (this.ldl.factor()) {
        for (let i = 0; i < n; i++) x[i] = this.b[i];
        this.ldl.solve(x);
        this.lastKind = "ldl";
        return allFinite(x, n);
      }
    }
    if (n >= solverSettings.denseBelow) {
      if (!this.slu || this.slu.tol !== solverSettings.pivotTolerance) {
        this.slu = new SparseLU(n, this.pattern.rows, this.pattern.cols, solverSettings.pivotTolerance);
      }
      this.slu.setValues(this.A);
      if (this.slu.factorize()) {
        for (let i = 0; i < n; i++) x[i] = this.b[i];
        this.slu.solve(x);
        this.lastKind = "lu";
        this.lastLU = "sparse";
        return allFinite(x, n);
      }
      if (n > solverSettings.denseMax) return false;
    }
    if (!this.lu) this.lu = new DenseLU(n);
    const a = this.lu.a;
    a.fill(0);
    const { rows, cols } = this.pattern;
    for (let h = 1; h < rows.length; h++) a[rows[h] * n + cols[h]] += this.A[h];
    if (!this.lu.factor()) return false;
    for (let i = 0; i < n; i++) x[i] = this.b[i];
    this.lu.solve(x);
    this.lastKind = "lu";
    this.lastLU = "dense";
    return allFinite(x, n);
  }

  /**
   * Solve with the factors of the last successful `solve` (no refactoring):
   * A x = rhs, or A^T x = rhs when `transpose` (adjoint systems). In place.
   */
  solveAgain(rhs: Float64Array, transpose = false): void {
    if (this.n === 0) return;
    if (this.lastKind === "ldl" && this.ldl) this.ldl.solve(rhs);
    else if (this.lastLU === "sparse" && this.slu) {
      if (transpose) this.slu.solveTransposed(rhs);
      else this.slu.solve(rhs);
    } else if (this.lu) {
      if (transpose) this.lu.solveTransposed(rhs);
      else this.lu.solve(rhs);
    } else throw new Error("internal: solveAgain before any factorization");
  }
}

function allFinite(x: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (!Number.isFinite(x[i])) return false;
  return true;
}
