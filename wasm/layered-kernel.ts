/**
 * Dense kernels of the layered Newton solver (src/analysis/layered.ts), in
 * AssemblyScript with 128-bit SIMD (two float64 lanes); compiled by
 * wasm/build.mjs, driven by src/analysis/layered-kernel.ts, which keeps a
 * JavaScript twin of every function (the fallback, and the tests'
 * reference).
 *
 * The coupling C between the eliminated set A (nA unknowns) and the Schur
 * set B (nb unknowns) is stored by B column: Ct[q * sA + k] = J(A_k, B_q)
 * (S), with the row stride sA = nA rounded up to even and the padding zero,
 * so every product runs over whole lanes. Vectors over A have sA entries
 * (padding zero); vectors over B have nb. All offsets are bytes, 16-aligned.
 *
 * Dot products keep two two-lane accumulators (four partial sums), added
 * at the end: the result differs from a sequential sum by rounding only.
 */

/** Sum of x[k] y[k] over k < n (n even), two lanes, two accumulators. */
@inline function dot(x: usize, y: usize, n: i32): f64 {
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const o = <usize>k << 3;
    a0 = f64x2.add(a0, f64x2.mul(v128.load(x + o), v128.load(y + o)));
    a1 = f64x2.add(a1, f64x2.mul(v128.load(x + o + 16), v128.load(y + o + 16)));
  }
  if (k < n) {
    const o = <usize>k << 3;
    a0 = f64x2.add(a0, f64x2.mul(v128.load(x + o), v128.load(y + o)));
  }
  const s = f64x2.add(a0, a1);
  return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
}

/** y[k] -= a x[k] over k < n (n even). */
@inline function axpyNeg(y: usize, x: usize, a: f64, n: i32): void {
  const va = f64x2.splat(a);
  for (let k = 0; k < n; k += 2) {
    const o = <usize>k << 3;
    v128.store(y + o, f64x2.sub(v128.load(y + o), f64x2.mul(va, v128.load(x + o))));
  }
}

/**
 * S = diag(dB) - C^T diag(invDA) C in the lower triangle of the nb x nb
 * row-major S, then its Cholesky factor L (S = L L^T) in place. `w` is
 * scratch over A. Returns 1, or 0 when S is not positive definite.
 */
export function schur(Ct: usize, invDA: usize, dB: usize, S: usize, w: usize, nA: i32, nb: i32): i32 {
  const sA = (nA + 1) & ~1;
  const stride = <usize>sA << 3;
  for (let p = 0; p < nb; p++) {
    const op = Ct + <usize>p * stride;
    for (let k = 0; k < sA; k += 2) {
      const o = <usize>k << 3;
      v128.store(w + o, f64x2.mul(v128.load(op + o), v128.load(invDA + o)));
    }
    const row = S + ((<usize>p * <usize>nb) << 3);
    for (let q = 0; q <= p; q++) {
      const s = dot(w, Ct + <usize>q * stride, sA);
      store<f64>(row + (<usize>q << 3), (p == q ? load<f64>(dB + (<usize>p << 3)) : 0) - s);
    }
  }
  for (let j = 0; j < nb; j++) {
    const rj = S + ((<usize>j * <usize>nb) << 3);
    let s = load<f64>(rj + (<usize>j << 3));
    for (let k = 0; k < j; k++) {
      const l = load<f64>(rj + (<usize>k << 3));
      s -= l * l;
    }
    if (!(s > 0) || !isFinite(s)) return 0;
    const l = Math.sqrt(s);
    store<f64>(rj + (<usize>j << 3), l);
    for (let i = j + 1; i < nb; i++) {
      const ri = S + ((<usize>i * <usize>nb) << 3);
      let t = load<f64>(ri + (<usize>j << 3));
      for (let k = 0; k < j; k++) t -= load<f64>(ri + (<usize>k << 3)) * load<f64>(rj + (<usize>k << 3));
      store<f64>(ri + (<usize>j << 3), t / l);
    }
  }
  return 1;
}

/**
 * Solve [D_A C; C^T D_B] [xA; xB] = [rA; rB] with the factor of schur():
 * rB becomes xB, xA is written (rA is kept). `w` is scratch over A.
 */
export function solve(Ct: usize, invDA: usize, S: usize, rA: usize, rB: usize, xA: usize, w: usize, nA: i32, nb: i32): void {
  const sA = (nA + 1) & ~1;
  const stride = <usize>sA << 3;
  for (let k = 0; k < sA; k += 2) {
    const o = <usize>k << 3;
    v128.store(w + o, f64x2.mul(v128.load(rA + o), v128.load(invDA + o)));
  }
  for (let q = 0; q < nb; q++) {
    const at = rB + (<usize>q << 3);
    store<f64>(at, load<f64>(at) - dot(Ct + <usize>q * stride, w, sA));
  }
  for (let i = 0; i < nb; i++) {
    const ri = S + ((<usize>i * <usize>nb) << 3);
    let s = load<f64>(rB + (<usize>i << 3));
    for (let k = 0; k < i; k++) s -= load<f64>(ri + (<usize>k << 3)) * load<f64>(rB + (<usize>k << 3));
    store<f64>(rB + (<usize>i << 3), s / load<f64>(ri + (<usize>i << 3)));
  }
  for (let i = nb - 1; i >= 0; i--) {
    let s = load<f64>(rB + (<usize>i << 3));
    for (let k = i + 1; k < nb; k++) s -= load<f64>(S + ((<usize>k * <usize>nb + <usize>i) << 3)) * load<f64>(rB + (<usize>k << 3));
    store<f64>(rB + (<usize>i << 3), s / load<f64>(S + ((<usize>i * <usize>nb + <usize>i) << 3)));
  }
  // xA = D_A^-1 (rA - C xB), one column of C at a time.
  memory.copy(w, rA, stride);
  for (let q = 0; q < nb; q++) axpyNeg(w, Ct + <usize>q * stride, load<f64>(rB + (<usize>q << 3)), sA);
  for (let k = 0; k < sA; k += 2) {
    const o = <usize>k << 3;
    v128.store(xA + o, f64x2.mul(v128.load(w + o), v128.load(invDA + o)));
  }
}

/** out = cA - C xB (over A; out may be cA). */
export function coupleA(Ct: usize, cA: usize, xB: usize, out: usize, nA: i32, nb: i32): void {
  const sA = (nA + 1) & ~1;
  const stride = <usize>sA << 3;
  if (out != cA) memory.copy(out, cA, stride);
  for (let q = 0; q < nb; q++) {
    const xq = load<f64>(xB + (<usize>q << 3));
    if (xq != 0) axpyNeg(out, Ct + <usize>q * stride, xq, sA);
  }
}

/** out = cB - C^T xA (over B; out may be cB). */
export function coupleB(Ct: usize, cB: usize, xA: usize, out: usize, nA: i32, nb: i32): void {
  const sA = (nA + 1) & ~1;
  const stride = <usize>sA << 3;
  for (let q = 0; q < nb; q++) {
    store<f64>(out + (<usize>q << 3), load<f64>(cB + (<usize>q << 3)) - dot(Ct + <usize>q * stride, xA, sA));
  }
}
