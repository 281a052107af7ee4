import { describe, expect, it } from "vitest";
import { createSchurKernel, type SchurKernel } from "../src/analysis/layered-kernel.js";

/** Park-Miller: a fixed stream of numbers in (0, 1). */
function stream(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

/** Dense Gaussian elimination with partial pivoting: the reference solve of A x = b (n x n, row-major). */
function gauss(A: Float64Array, b: Float64Array, n: number): Float64Array {
  const M = A.slice();
  const x = b.slice();
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r * n + c]!) > Math.abs(M[p * n + c]!)) p = r;
    for (let k = 0; k < n; k++) [M[c * n + k], M[p * n + k]] = [M[p * n + k]!, M[c * n + k]!];
    [x[c], x[p]] = [x[p]!, x[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = M[r * n + c]! / M[c * n + c]!;
      for (let k = c; k < n; k++) M[r * n + k] -= f * M[c * n + k]!;
      x[r] -= f * x[c]!;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r]!;
    for (let k = r + 1; k < n; k++) s -= M[r * n + k]! * x[k]!;
    x[r] = s / M[r * n + r]!;
  }
  return x;
}

/**
 * A random layered Jacobian J = [D_A C; C^T D_B] (S): sparse negative
 * couplings, diagonals that dominate (SPD, as a resistive network's), and
 * a right-hand side.
 */
function system(nA: number, nb: number, seed: number) {
  const rnd = stream(seed);
  const C = new Float64Array(nA * nb); // C[k * nb + q]
  for (let k = 0; k < nA; k++) for (let q = 0; q < nb; q++) if (rnd() < 0.7) C[k * nb + q] = -1e-4 * (0.1 + rnd());
  const DA = new Float64Array(nA);
  const DB = new Float64Array(nb);
  for (let k = 0; k < nA; k++) for (let q = 0; q < nb; q++) {
    DA[k] -= C[k * nb + q]!;
    DB[q] -= C[k * nb + q]!;
  }
  for (let k = 0; k < nA; k++) DA[k] += 1e-5 * (rnd() + (k % 3 === 0 ? 100 : 0)); // some diodes on
  for (let q = 0; q < nb; q++) DB[q] += 1e-4 * rnd();
  const rA = Float64Array.from({ length: nA }, () => 1e-4 * (rnd() - 0.5));
  const rB = Float64Array.from({ length: nb }, () => 1e-4 * (rnd() - 0.5));
  return { C, DA, DB, rA, rB };
}

function load(kern: SchurKernel, s: ReturnType<typeof system>): void {
  const { nA, nb, sA } = kern;
  for (let q = 0; q < nb; q++) for (let k = 0; k < nA; k++) kern.Ct[q * sA + k] = s.C[k * nb + q]!;
  for (let k = 0; k < nA; k++) kern.invDA[k] = 1 / s.DA[k]!;
  kern.dB.set(s.DB);
}

const relErr = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let e = 0;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    e = Math.max(e, Math.abs(a[i]! - b[i]!));
    m = Math.max(m, Math.abs(b[i]!));
  }
  return e / m;
};

/**
 * The layered solver's dense kernels (analysis/layered-kernel.ts), on
 * WebAssembly SIMD and in JavaScript, against a dense Gaussian elimination
 * of the whole block system: same solution to rounding, and the two
 * kernels agree with each other.
 */
describe("layered Newton's Schur kernel", () => {
  for (const [nA, nb] of [
    [100, 10],
    [7, 3],
    [33, 1],
    [1, 1],
    [64, 17],
  ] as const) {
    it(`${nA} x ${nb}: the Schur solve equals a dense elimination of [D_A C; C^T D_B] (WebAssembly and JavaScript)`, () => {
      const s = system(nA, nb, nA * 31 + nb);
      const n = nA + nb;
      const J = new Float64Array(n * n);
      for (let k = 0; k < nA; k++) J[k * n + k] = s.DA[k]!;
      for (let q = 0; q < nb; q++) J[(nA + q) * n + nA + q] = s.DB[q]!;
      for (let k = 0; k < nA; k++)
        for (let q = 0; q < nb; q++) {
          J[k * n + nA + q] = s.C[k * nb + q]!;
          J[(nA + q) * n + k] = s.C[k * nb + q]!;
        }
      const rhs = new Float64Array(n);
      rhs.set(s.rA);
      rhs.set(s.rB, nA);
      const want = gauss(J, rhs, n);
      const got: Float64Array[] = [];
      for (const forceJs of [false, true]) {
        const kern = createSchurKernel(nA, nb, forceJs);
        load(kern, s);
        expect(kern.schur()).toBe(true);
        kern.rA.set(s.rA);
        kern.rB.set(s.rB);
        kern.solve();
        const x = new Float64Array(n);
        x.set(kern.xA.subarray(0, nA));
        x.set(kern.rB, nA);
        expect(relErr(x, want)).toBeLessThan(1e-11);
        // The padding of the A vectors stays zero (the products run over whole lanes).
        for (let k = nA; k < kern.sA; k++) expect(kern.xA[k]).toBe(0);
        got.push(x);
      }
      expect(relErr(got[0]!, got[1]!)).toBeLessThan(1e-13);
    });
  }

  it("the products with the coupling: w = rA - C xB and rB - C^T xA, by definition", () => {
    const nA = 37, nb = 6;
    const s = system(nA, nb, 5);
    const rnd = stream(9);
    const xA = Float64Array.from({ length: nA }, () => rnd() - 0.5);
    const xB = Float64Array.from({ length: nb }, (_, q) => (q === 2 ? 0 : rnd() - 0.5));
    const wantA = Float64Array.from({ length: nA }, (_, k) => {
      let v = s.rA[k]!;
      for (let q = 0; q < nb; q++) v -= s.C[k * nb + q]! * xB[q]!;
      return v;
    });
    const wantB = Float64Array.from({ length: nb }, (_, q) => {
      let v = s.rB[q]!;
      for (let k = 0; k < nA; k++) v -= s.C[k * nb + q]! * xA[k]!;
      return v;
    });
    for (const forceJs of [false, true]) {
      const kern = createSchurKernel(nA, nb, forceJs);
      load(kern, s);
      kern.rA.set(s.rA);
      kern.xB.set(xB);
      kern.coupleA();
      expect(relErr(kern.w.subarray(0, nA), wantA)).toBeLessThan(1e-14);
      kern.xA.set(xA);
      kern.rB.set(s.rB);
      kern.coupleB();
      expect(relErr(kern.rB, wantB)).toBeLessThan(1e-14);
    }
  });

  it("reports a Schur complement that is not positive definite (a negative diagonal), from both kernels", () => {
    for (const forceJs of [false, true]) {
      const kern = createSchurKernel(4, 2, forceJs);
      kern.invDA.fill(1, 0, 4);
      kern.dB.set([1, -1]);
      expect(kern.schur()).toBe(false);
    }
  });
});
