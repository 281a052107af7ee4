/**
 * Dense LU factorization with partial pivoting on a Float64Array (row-major).
 * For unsymmetric MNA systems (controlled sources, floating voltage sources).
 */
export class DenseLU {
  readonly a: Float64Array;
  private readonly piv: Int32Array;

  constructor(readonly n: number) {
    this.a = new Float64Array(n * n);
    this.piv = new Int32Array(n);
  }

  /** Factor the matrix held in `this.a` in place. Returns false when singular. */
  factor(): boolean {
    const { n, a, piv } = this;
    for (let k = 0; k < n; k++) {
      let p = k;
      let best = Math.abs(a[k * n + k]);
      for (let i = k + 1; i < n; i++) {
        const v = Math.abs(a[i * n + k]);
        if (v > best) {
          best = v;
          p = i;
        }
      }
      piv[k] = p;
      if (best === 0 || !Number.isFinite(best)) return false;
      if (p !== k) {
        const rk = k * n;
        const rp = p * n;
        for (let j = 0; j < n; j++) {
          const t = a[rk + j];
          a[rk + j] = a[rp + j];
          a[rp + j] = t;
        }
      }
      const rk = k * n;
      const inv = 1 / a[rk + k];
      for (let i = k + 1; i < n; i++) {
        const ri = i * n;
        const l = a[ri + k] * inv;
        if (l === 0) continue;
        a[ri + k] = l;
        for (let j = k + 1; j < n; j++) a[ri + j] -= l * a[rk + j];
      }
    }
    return true;
  }

  /** Solve in place: b becomes x. */
  solve(b: Float64Array): void {
    const { n, a, piv } = this;
    for (let k = 0; k < n; k++) {
      const p = piv[k];
      if (p !== k) {
        const t = b[k];
        b[k] = b[p];
        b[p] = t;
      }
    }
    for (let i = 0; i < n; i++) {
      let s = b[i];
      const ri = i * n;
      for (let j = 0; j < i; j++) s -= a[ri + j] * b[j];
      b[i] = s;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = b[i];
      const ri = i * n;
      for (let j = i + 1; j < n; j++) s -= a[ri + j] * b[j];
      b[i] = s / a[ri + i];
    }
  }

  /** Solve A^T x = b in place (b becomes x), with the same factors. */
  solveTransposed(b: Float64Array): void {
    const { n, a, piv } = this;
    // A = P^T L U  =>  A^T = U^T L^T P: solve U^T y = b, L^T z = y, x = P^T z.
    for (let i = 0; i < n; i++) {
      let s = b[i];
      for (let j = 0; j < i; j++) s -= a[j * n + i] * b[j];
      b[i] = s / a[i * n + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = b[i];
      for (let j = i + 1; j < n; j++) s -= a[j * n + i] * b[j];
      b[i] = s;
    }
    for (let k = n - 1; k >= 0; k--) {
      const p = piv[k];
      if (p !== k) {
        const t = b[k];
        b[k] = b[p];
        b[p] = t;
      }
    }
  }
}
