/**
 * Sparse LU (src/solver/sparse-lu.ts) against independent references:
 * - random sparse unsymmetric matrices (MNA-like, with structurally zero
 *   diagonals) against DenseLU, by residual (~1e-12 relative) and solution;
 * - the transposed solve (adjoint systems) by residual of A^T x = b;
 * - singular matrices (structurally and numerically) reported as such;
 * - refactorization with the kept pivot sequence bit for bit equal to a
 *   fresh factorization, and fresh pivoting when a pivot becomes too small;
 * - LinearSystem's choice (dense below the size threshold, sparse above);
 * - circuits: the golden op and tran netlists solved with every unsymmetric
 *   system forced onto the sparse LU, against the dense LU and live ngspice,
 *   and a generated non-reciprocal grid (VCCS, VCVS, diodes; 200+ unknowns)
 *   against ngspice in op and tran.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadCircuit, loadCircuitFromText, operatingPoint, transient } from "../src/api.js";
import { Engine } from "../src/analysis/engine.js";
import { solveDc } from "../src/analysis/op.js";
import { DenseLU } from "../src/solver/dense-lu.js";
import { LinearSystem, solverSettings } from "../src/solver/linear-system.js";
import { MatrixPattern } from "../src/solver/pattern.js";
import { SparseLU, maxTransversal } from "../src/solver/sparse-lu.js";
import { ampGridLines } from "../bench/gen.js";
import { describeNgspice, runNgspiceOp, runNgspiceTran } from "./helpers/ngspice.js";

/** Deterministic uniform [0, 1) generator (mulberry32). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Sys {
  n: number;
  pat: MatrixPattern;
  A: Float64Array;
}

/**
 * A random sparse unsymmetric matrix shaped like MNA: a nonsingular
 * structure (a random permutation's entries are always present), about
 * `perRow` further random entries per row, and a fraction of rows whose
 * diagonal is structurally zero (branch rows of voltage sources).
 */
function randomSystem(n: number, seed: number, perRow = 3, zeroDiag = 0.2): Sys {
  const r = rng(seed);
  const pat = new MatrixPattern(n);
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  for (let i = 0; i < n; i++) {
    if (r() >= zeroDiag) pat.entry(i, i);
    pat.entry(i, perm[i]!);
    for (let k = 0; k < perRow; k++) {
      const j = Math.floor(r() * n);
      if (j !== i || r() >= zeroDiag) pat.entry(i, j);
    }
  }
  const A = new Float64Array(pat.size);
  for (let h = 1; h < A.length; h++) A[h] = (2 * r() - 1) * 10 ** (2 * r() - 1);
  return { n, pat, A };
}

function denseOf(s: Sys): DenseLU {
  const d = new DenseLU(s.n);
  for (let h = 1; h < s.A.length; h++) d.a[s.pat.rows[h]! * s.n + s.pat.cols[h]!] += s.A[h]!;
  return d;
}

function sparseOf(s: Sys): SparseLU {
  const lu = new SparseLU(s.n, s.pat.rows, s.pat.cols);
  lu.setValues(s.A);
  return lu;
}

/** max |b - op(A) x| / (||A||_inf ||x||_inf + ||b||_inf), op(A) = A or A^T. */
function relResidual(s: Sys, x: Float64Array, b: Float64Array, transpose = false): number {
  const r = Float64Array.from(b);
  const rowSum = new Float64Array(s.n);
  for (let h = 1; h < s.A.length; h++) {
    const [i, j] = transpose ? [s.pat.cols[h]!, s.pat.rows[h]!] : [s.pat.rows[h]!, s.pat.cols[h]!];
    r[i] -= s.A[h]! * x[j]!;
    rowSum[i] += Math.abs(s.A[h]!);
  }
  const inf = (v: Float64Array): number => v.reduce((m, t) => Math.max(m, Math.abs(t)), 0);
  return inf(r) / (inf(rowSum) * inf(x) + inf(b));
}

function maxRelDiff(a: Float64Array, b: Float64Array): number {
  let scale = 0;
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    d = Math.max(d, Math.abs(a[i]! - b[i]!));
  }
  return d / scale;
}

function rhs(n: number, seed: number): Float64Array {
  const r = rng(seed);
  return Float64Array.from({ length: n }, () => 2 * r() - 1);
}

describe("SparseLU on random sparse unsymmetric matrices", () => {
  const cases: [number, number, number][] = [
    [1, 1, 0],
    [2, 2, 0.5],
    [10, 3, 2],
    [57, 4, 3],
    [200, 5, 3],
    [600, 6, 2],
    [1000, 7, 3],
  ];
  for (const [n, seed, perRow] of cases) {
    it(`n=${n}: A x = b and A^T x = b agree with DenseLU, residuals ~1e-12`, () => {
      const s = randomSystem(n, seed, perRow);
      const lu = sparseOf(s);
      expect(lu.factor()).toBe(true);
      const d = denseOf(s);
      expect(d.factor()).toBe(true);
      const b = rhs(n, seed + 100);
      const x = Float64Array.from(b);
      lu.solve(x);
      const xd = Float64Array.from(b);
      d.solve(xd);
      expect(relResidual(s, x, b)).toBeLessThan(1e-12);
      expect(maxRelDiff(x, xd)).toBeLessThan(1e-8);

      const xt = Float64Array.from(b);
      lu.solveTransposed(xt);
      const xtd = Float64Array.from(b);
      d.solveTransposed(xtd);
      expect(relResidual(s, xt, b, true)).toBeLessThan(1e-12);
      expect(maxRelDiff(xt, xtd)).toBeLessThan(1e-8);
    });
  }

  it("the transposed solve is not the plain solve (an unsymmetric matrix has A^T x != A x)", () => {
    const s = randomSystem(80, 9, 3);
    const lu = sparseOf(s);
    expect(lu.factor()).toBe(true);
    const b = rhs(80, 10);
    const x = Float64Array.from(b);
    const xt = Float64Array.from(b);
    lu.solve(x);
    lu.solveTransposed(xt);
    expect(maxRelDiff(x, xt)).toBeGreaterThan(1e-3);
    // and x does not solve the transposed system
    expect(relResidual(s, x, b, true)).toBeGreaterThan(1e-6);
  });

  it("keeps fill far below dense on a banded MNA-like pattern", () => {
    // a 2-D grid Laplacian with an unsymmetric coupling per node: nnz(L+U) ~ n log n, not n^2
    const w = 40;
    const n = w * w;
    const pat = new MatrixPattern(n);
    const r = rng(3);
    for (let i = 0; i < w; i++)
      for (let j = 0; j < w; j++) {
        const a = i * w + j;
        pat.entry(a, a);
        if (j + 1 < w) (pat.entry(a, a + 1), pat.entry(a + 1, a));
        if (i + 1 < w) (pat.entry(a, a + w), pat.entry(a + w, a));
        if (i + 2 < w) pat.entry(a, a + 2 * w);
      }
    const A = new Float64Array(pat.size);
    for (let h = 1; h < A.length; h++) A[h] = pat.rows[h] === pat.cols[h] ? 5 : -0.5 - r();
    const lu = new SparseLU(n, pat.rows, pat.cols);
    lu.setValues(A);
    expect(lu.factor()).toBe(true);
    expect(lu.nnzL + lu.nnzU).toBeLessThan(0.05 * n * n);
    const b = rhs(n, 4);
    const x = Float64Array.from(b);
    lu.solve(x);
    expect(relResidual({ n, pat, A }, x, b)).toBeLessThan(1e-12);
  });
});

describe("SparseLU singular matrices", () => {
  it("a structurally empty column is singular", () => {
    const pat = new MatrixPattern(40);
    for (let i = 0; i < 40; i++) {
      pat.entry(i, i === 17 ? 3 : i);
      pat.entry(i, (i + 5) % 40 === 17 ? 0 : (i + 5) % 40);
    }
    const A = new Float64Array(pat.size).fill(1.5);
    for (let i = 0; i < 40; i++) A[pat.find(i, i)] = 4;
    const lu = new SparseLU(40, pat.rows, pat.cols);
    lu.setValues(A);
    expect(lu.factor()).toBe(false);
    expect(() => lu.solve(new Float64Array(40))).toThrow(/without a successful factorization/);
  });

  it("a row that is the sum of two others (exact in floating point) is singular", () => {
    const n = 35;
    const pat = new MatrixPattern(n);
    const vals = new Map<number, number>();
    const r = rng(21);
    const set = (i: number, j: number, v: number): void => {
      pat.entry(i, j);
      vals.set(i * n + j, v);
    };
    for (let i = 0; i < n; i++) {
      set(i, i, 8 + Math.floor(4 * r()));
      set(i, (i + 3) % n, -1 - Math.floor(3 * r()));
      set(i, (i * 7 + 1) % n, 1 + Math.floor(3 * r()));
    }
    // row 20 := row 4 + row 9 (small integers: the elimination is exact)
    for (let j = 0; j < n; j++) {
      const v = (vals.get(4 * n + j) ?? 0) + (vals.get(9 * n + j) ?? 0);
      if (v !== 0 || vals.has(20 * n + j)) set(20, j, v);
    }
    const A = new Float64Array(pat.size);
    for (let h = 1; h < A.length; h++) A[h] = vals.get(pat.rows[h]! * n + pat.cols[h]!)!;
    const lu = new SparseLU(n, pat.rows, pat.cols);
    lu.setValues(A);
    expect(lu.factor()).toBe(false);
    // the same matrix with row 20 perturbed is fine
    A[pat.find(20, 20)] += 0.5;
    lu.setValues(A);
    expect(lu.factor()).toBe(true);
  });

  it("LinearSystem reports a singular unsymmetric system (sparse, then the dense last resort)", () => {
    const n = 50;
    const pat = new MatrixPattern(n);
    for (let i = 0; i < n; i++) {
      pat.entry(i, i);
      pat.entry(i, (i + 1) % n);
    }
    const sys = new LinearSystem(pat, false);
    // every row [1, -1] on a cycle: the all-ones vector is in the kernel
    for (let i = 0; i < n; i++) {
      sys.A[pat.find(i, i)] = 1;
      sys.A[pat.find(i, (i + 1) % n)] = -1;
    }
    sys.b.fill(1);
    expect(sys.solve(new Float64Array(n))).toBe(false);
  });
});

describe("SparseLU refactorization", () => {
  it("reuses the pivot sequence and gives factors identical to a fresh factorization", () => {
    for (const [n, seed] of [
      [120, 31],
      [700, 32],
    ] as const) {
      const s = randomSystem(n, seed, 3);
      const lu = sparseOf(s);
      expect(lu.factor()).toBe(true);
      const piv = lu.pivotRows();
      // new values on the same pattern, close enough that a fresh factorization
      // makes the same pivot choices (1e-6 relative: no candidate crosses a tie)
      const r = rng(seed + 1);
      const s2: Sys = { ...s, A: s.A.map((v, h) => (h === 0 ? 0 : v * (1 + 1e-6 * (2 * r() - 1)))) };
      lu.setValues(s2.A);
      const before = { ...lu.stats };
      expect(lu.factorize()).toBe(true);
      expect(lu.stats.refactorizations).toBe(before.refactorizations + 1);
      expect(lu.stats.factorizations).toBe(before.factorizations);
      expect(lu.pivotRows()).toEqual(piv);

      const fresh = sparseOf(s2);
      expect(fresh.factor()).toBe(true);
      expect(fresh.pivotRows()).toEqual(piv);
      const b = rhs(n, seed + 2);
      const x1 = Float64Array.from(b);
      const x2 = Float64Array.from(b);
      lu.solve(x1);
      fresh.solve(x2);
      expect(Array.from(x1)).toEqual(Array.from(x2)); // bit for bit
      const t1 = Float64Array.from(b);
      const t2 = Float64Array.from(b);
      lu.solveTransposed(t1);
      fresh.solveTransposed(t2);
      expect(Array.from(t1)).toEqual(Array.from(t2));
      expect(relResidual(s2, x1, b)).toBeLessThan(1e-12);
    }
  });

  it("pivots afresh when a kept pivot becomes too small, and the answer stays right", () => {
    const n = 60;
    const s = randomSystem(n, 41, 3, 0);
    // strongly diagonal: the first factorization pivots on the diagonal
    for (let i = 0; i < n; i++) s.A[s.pat.find(i, i)] = 100;
    const lu = sparseOf(s);
    expect(lu.factor()).toBe(true);
    const piv = lu.pivotRows();
    const diagPivots = Array.from(piv).filter((r, k) => r === lu.Q[k]).length;
    expect(diagPivots).toBe(n);
    // now the diagonal is tiny: the kept pivots fail the threshold test
    const A2 = Float64Array.from(s.A);
    for (let i = 0; i < n; i++) A2[s.pat.find(i, i)] = 1e-9;
    const s2: Sys = { ...s, A: A2 };
    lu.setValues(A2);
    expect(lu.refactor()).toBe(false);
    expect(lu.stats.rejected).toBe(1);
    expect(() => lu.solve(new Float64Array(n))).toThrow();
    expect(lu.factorize()).toBe(true);
    expect(lu.pivotRows()).not.toEqual(piv);
    const b = rhs(n, 42);
    const x = Float64Array.from(b);
    lu.solve(x);
    const d = denseOf(s2);
    expect(d.factor()).toBe(true);
    const xd = Float64Array.from(b);
    d.solve(xd);
    expect(relResidual(s2, x, b)).toBeLessThan(1e-12);
    expect(maxRelDiff(x, xd)).toBeLessThan(1e-8);
    // the new sequence is kept: the next refactorization uses it
    lu.setValues(A2);
    expect(lu.refactor()).toBe(true);
  });

  it("a refactorization that meets an exactly zero pivot reports it; factorize then finds the singularity or a new sequence", () => {
    const s = randomSystem(45, 51, 3, 0);
    const lu = sparseOf(s);
    expect(lu.factor()).toBe(true);
    // zero a whole column: singular whatever the pivots
    const A2 = Float64Array.from(s.A);
    for (let h = 1; h < A2.length; h++) if (s.pat.cols[h] === 7) A2[h] = 0;
    lu.setValues(A2);
    expect(lu.refactor()).toBe(false);
    expect(lu.factorize()).toBe(false);
  });
});

/** The pattern's column-compressed form as SparseLU builds it: column pointers and row indices. */
function cscOf(s: { n: number; pat: { size: number; rows: Int32Array; cols: Int32Array } }): { count: Int32Array; Ai: Int32Array } {
  const count = new Int32Array(s.n + 1);
  for (let h = 1; h < s.pat.size; h++) count[s.pat.cols[h]! + 1]++;
  for (let j = 0; j < s.n; j++) count[j + 1] += count[j]!;
  const Ai = new Int32Array(s.pat.size - 1);
  const next = Int32Array.from(count);
  for (let h = 1; h < s.pat.size; h++) Ai[next[s.pat.cols[h]!]++] = s.pat.rows[h]!;
  return { count, Ai };
}

describe("maxTransversal", () => {
  it("matches every column of a structurally nonsingular pattern to a row of its own", () => {
    for (const seed of [1, 2, 3]) {
      const s = randomSystem(300, seed, 2, 0.3);
      const lu = new SparseLU(s.n, s.pat.rows, s.pat.cols);
      const n = s.n;
      const { count, Ai } = cscOf(s);
      const m = maxTransversal(n, count, Ai);
      const used = new Set<number>();
      for (let j = 0; j < n; j++) {
        expect(m[j]).toBeGreaterThanOrEqual(0);
        expect(s.pat.find(m[j]!, j)).toBeGreaterThan(0); // a real entry
        used.add(m[j]!);
      }
      expect(used.size).toBe(n);
      expect(lu.Q.length).toBe(n);
    }
  });

  it("keeps the diagonal when it is a perfect matching by itself", () => {
    const s = randomSystem(200, 8, 3, 0);
    const n = s.n;
    const { count, Ai } = cscOf(s);
    expect(Array.from(maxTransversal(n, count, Ai))).toEqual(Array.from({ length: n }, (_, j) => j));
  });

  it("leaves a column unmatched when the pattern is structurally singular", () => {
    // columns 0 and 1 both have entries only in row 0
    const Ap = Int32Array.from([0, 1, 2, 4]);
    const Ai = Int32Array.from([0, 0, 1, 2]);
    const m = maxTransversal(3, Ap, Ai);
    expect(Array.from(m).filter((r) => r < 0).length).toBe(1);
  });
});

describe("LinearSystem's choice of LU", () => {
  afterEach(() => {
    solverSettings.denseBelow = 30;
  });

  const fill = (s: Sys, sys: LinearSystem): void => {
    sys.A.set(s.A);
    sys.b.set(rhs(s.n, 77).subarray(0, s.n));
  };

  it("dense below the threshold, sparse above; solveAgain (plain and transposed) uses the same factors", () => {
    for (const n of [12, 29, 30, 250]) {
      const s = randomSystem(n, n, 3);
      const sys = new LinearSystem(s.pat, false);
      fill(s, sys);
      const x = new Float64Array(n);
      expect(sys.solve(x)).toBe(true);
      expect(sys.lastKind).toBe("lu");
      expect(sys.lastLU).toBe(n < 30 ? "dense" : "sparse");
      const b = sys.b.slice(0, n);
      expect(relResidual(s, x, b)).toBeLessThan(1e-12);
      const t = Float64Array.from(b);
      sys.solveAgain(t, true);
      expect(relResidual(s, t, b, true)).toBeLessThan(1e-12);
      const again = Float64Array.from(b);
      sys.solveAgain(again);
      expect(Array.from(again)).toEqual(Array.from(x));
    }
  });

  it("falls back from LDL^T to the sparse LU on an indefinite symmetric matrix", () => {
    const n = 40;
    const pat = new MatrixPattern(n);
    for (let i = 0; i < n; i++) {
      pat.entry(i, i);
      if (i + 1 < n) (pat.entry(i, i + 1), pat.entry(i + 1, i));
    }
    const A = new Float64Array(pat.size);
    for (let h = 1; h < A.length; h++) A[h] = pat.rows[h] === pat.cols[h] ? (pat.rows[h]! % 2 ? 3 : -3) : 1;
    const sys = new LinearSystem(pat, true);
    sys.A.set(A);
    sys.b.set(rhs(n, 5).subarray(0, n));
    const x = new Float64Array(n);
    expect(sys.solve(x)).toBe(true);
    expect(sys.lastKind).toBe("lu");
    expect(sys.lastLU).toBe("sparse");
    expect(relResidual({ n, pat, A }, x, sys.b.slice(0, n))).toBeLessThan(1e-12);
  });
});

// ------------------------------------------------------------------ circuits

const here = path.dirname(fileURLToPath(import.meta.url));
const goldenOp = readdirSync(path.join(here, "golden"))
  .filter((f) => f.endsWith(".cir"))
  .sort()
  .map((f) => path.join(here, "golden", f));
const goldenTran = readdirSync(path.join(here, "golden-tran"))
  .filter((f) => f.endsWith(".cir"))
  .sort()
  .map((f) => path.join(here, "golden-tran", f));

/** Run `fn` with the LU forced: "sparse" (every unsymmetric system) or "dense". */
function withLU<T>(kind: "sparse" | "dense", fn: () => T): T {
  const saved = solverSettings.denseBelow;
  solverSettings.denseBelow = kind === "sparse" ? 0 : Infinity;
  try {
    return fn();
  } finally {
    solverSettings.denseBelow = saved;
  }
}

function maxDiff(a: Record<string, number>, b: Record<string, number>): number {
  let m = 0;
  for (const k of Object.keys(b)) m = Math.max(m, Math.abs(a[k]! - b[k]!) / Math.max(1, Math.abs(b[k]!)));
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  return m;
}

describe("circuits on the sparse LU", () => {
  it("golden operating points: the sparse LU gives the dense LU's answer (to rounding) on every netlist", () => {
    const spy = vi.spyOn(SparseLU.prototype, "factorize");
    let unsymmetric = 0;
    try {
      for (const file of goldenOp) {
        const c = loadCircuit(file);
        if (!c.symmetric) unsymmetric++;
        const calls = spy.mock.calls.length;
        const sparse = withLU("sparse", () => operatingPoint(loadCircuit(file)));
        if (!c.symmetric) expect(spy.mock.calls.length, `${file} did not reach the sparse LU`).toBeGreaterThan(calls);
        const dense = withLU("dense", () => operatingPoint(loadCircuit(file)));
        expect(maxDiff(sparse.nodes, dense.nodes), file).toBeLessThan(1e-12);
        expect(maxDiff(sparse.branches, dense.branches), file).toBeLessThan(1e-12);
      }
    } finally {
      spy.mockRestore();
    }
    expect(unsymmetric).toBeGreaterThanOrEqual(3); // 02_suffixes, 10_controlled_sources, 11_subckt_nested
  });

  it("golden transients: the sparse LU gives the dense LU's waveforms on every netlist", () => {
    const spy = vi.spyOn(SparseLU.prototype, "refactor");
    try {
      for (const file of goldenTran) {
        const c = loadCircuit(file, { allowFloating: true });
        for (const integrator of ["auto", "trap", "bdf2"] as const) {
          const calls = spy.mock.calls.length;
          const sparse = withLU("sparse", () => transient(loadCircuit(file, { allowFloating: true }), { integrator }));
          // across Newton iterations and time steps the pivot sequence is reused
          if (!c.symmetric) expect(spy.mock.calls.length - calls, `${file} ${integrator}`).toBeGreaterThan(10);
          const dense = withLU("dense", () => transient(loadCircuit(file, { allowFloating: true }), { integrator }));
          expect(sparse.time.length, `${file} ${integrator}`).toBe(dense.time.length);
          let worst = 0;
          for (const [node, v] of Object.entries(dense.nodes)) {
            const w = sparse.nodes[node]!;
            for (let k = 0; k < v.length; k++) worst = Math.max(worst, Math.abs(w[k]! - v[k]!));
          }
          expect(worst, `${file} ${integrator}`).toBeLessThan(1e-9);
        }
      }
    } finally {
      spy.mockRestore();
    }
  });
});

describe("adjoint solves through the sparse LU", () => {
  it("Engine.solveAdjoint at a non-reciprocal equilibrium solves J^T lambda = rhs and equals the dense LU's", () => {
    const text = ampGridLines(9).join("\n") + "\n";
    const lambdas: Float64Array[] = [];
    for (const kind of ["sparse", "dense"] as const) {
      withLU(kind, () => {
        const e = new Engine(loadCircuitFromText(text, "amp-grid.cir"));
        solveDc(e);
        expect(e.linearize()).toBe(true);
        expect(e.sys.lastLU).toBe(kind);
        const n = e.sys.n;
        expect(n).toBeGreaterThan(50);
        const rhsv = rhs(n, 99);
        const lambda = Float64Array.from(rhsv);
        e.solveAdjoint(lambda);
        // residual of J^T lambda = rhs with J = the assembled matrix (no amplifier reduction here)
        const { rows, cols } = e.sys.pattern;
        const s: Sys = { n, pat: e.sys.pattern, A: e.sys.A };
        expect(rows.length).toBe(e.sys.A.length);
        expect(relResidual(s, lambda, rhsv, true)).toBeLessThan(1e-12);
        expect(relResidual(s, lambda, rhsv, false)).toBeGreaterThan(1e-6); // J is not symmetric
        expect(cols.length).toBe(rows.length);
        lambdas.push(lambda);
      });
    }
    expect(maxRelDiff(lambdas[0]!, lambdas[1]!)).toBeLessThan(1e-10);
  });
});

describeNgspice("circuits on the sparse LU against ngspice", () => {
  const V_TOL = 1e-6;
  it("golden operating points with every unsymmetric system on the sparse LU", () => {
    for (const file of goldenOp) {
      const ng = runNgspiceOp(file);
      const eq = withLU("sparse", () => operatingPoint(loadCircuit(file)));
      const nodes = Object.fromEntries(Object.entries(eq.nodes).map(([k, v]) => [k.toLowerCase(), v]));
      let worst = 0;
      for (const [n, v] of Object.entries(ng.nodes)) {
        if (n === "0" || n.includes("#") || !(n in nodes)) continue;
        worst = Math.max(worst, Math.abs(nodes[n]! - v));
      }
      expect(worst, file).toBeLessThanOrEqual(V_TOL);
    }
  });

  it("a non-reciprocal grid (VCCS, VCVS buffers, diodes; > 200 unknowns): op on the sparse LU matches ngspice and the dense LU", () => {
    const text = ampGridLines(14).join("\n") + "\n";
    const dir = mkdtempSync(path.join(tmpdir(), "eqspice-slu-"));
    try {
      const file = path.join(dir, "amp-grid.cir");
      writeFileSync(file, text);
      const c = loadCircuitFromText(text, file);
      expect(c.symmetric).toBe(false);
      expect(c.n).toBeGreaterThan(200);
      const spy = vi.spyOn(SparseLU.prototype, "factorize");
      const eq = operatingPoint(loadCircuitFromText(text, file)); // default settings: n >= 30 -> sparse
      expect(spy.mock.calls.length).toBeGreaterThan(2); // Newton iterations (diodes)
      spy.mockRestore();
      const dense = withLU("dense", () => operatingPoint(loadCircuitFromText(text, file)));
      expect(maxDiff(eq.nodes, dense.nodes)).toBeLessThan(1e-12);
      const ng = runNgspiceOp(file);
      let worst = 0;
      for (const [n, v] of Object.entries(ng.nodes)) {
        if (n === "0" || n.includes("#")) continue;
        expect(eq.nodes[n], n).toBeDefined();
        worst = Math.max(worst, Math.abs(eq.nodes[n]! - v));
      }
      expect(worst).toBeLessThanOrEqual(V_TOL);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the same grid in transient (pulse, 1 nF per node): sparse LU matches ngspice to 1e-3 V", () => {
    const text = [".options reltol=1e-6 abstol=1e-15 vntol=1e-9", ...ampGridLines(10, { tran: { tstep: 0.2e-6, tstop: 8e-6 } }).slice(1)];
    const body = ["* amp grid transient", ...text].join("\n") + "\n";
    const dir = mkdtempSync(path.join(tmpdir(), "eqspice-slu-"));
    try {
      const file = path.join(dir, "amp-grid-tran.cir");
      writeFileSync(file, body);
      const c = loadCircuitFromText(body, file);
      expect(c.symmetric).toBe(false);
      expect(c.n).toBeGreaterThanOrEqual(30);
      const eq = transient(c);
      const ng = runNgspiceTran(file, { tstep: 0.2e-6, tstop: 8e-6, tmax: 0.2e-6 / 50 });
      let worst = 0;
      let compared = 0;
      for (const [node, ys] of Object.entries(ng.nodes)) {
        const w = eq.nodes[node];
        if (!w) continue;
        compared++;
        for (let k = 0; k < eq.time.length; k++) {
          const t = eq.time[k]!;
          let j = 1;
          while (j < ng.time.length - 1 && ng.time[j]! < t) j++;
          const t0 = ng.time[j - 1]!;
          const t1 = ng.time[j]!;
          const ref = t1 > t0 ? ys[j - 1]! + ((ys[j]! - ys[j - 1]!) * (t - t0)) / (t1 - t0) : ys[j]!;
          worst = Math.max(worst, Math.abs(w[k]! - ref));
        }
      }
      expect(compared).toBeGreaterThan(50);
      expect(worst).toBeLessThanOrEqual(1e-3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
