/**
 * Shared machinery of the theory reproductions (docs/theory.md): the test
 * circuit, its free equilibrium and adjoint, the node dynamics on the free
 * unknowns, small dense linear algebra, log-log fits and plot helpers.
 *
 * The circuit is a 2-hidden-layer diode network (circuits/layered.ts,
 * layers 4-8-8-3, doubled inputs and outputs, 22 free nodes) on iris inputs
 * scaled to +-4 V, targets +-0.1 V: the network the trainer tests use.
 *
 * Conventions on the free unknowns x (node voltages, V):
 *   r(x)   = KCL residual (A): dE/dx + betaS dC/dx with the nudge set (engine.currents);
 *   H      = d2E/dx2 at the free equilibrium (S), the assembled Newton Jacobian;
 *   gradC  = dC/dx (V), C = |out - y|^2 / 2 with out = V(p) - V(n);
 *   lambda = H^-1 gradC (V/S), the adjoint of implicit differentiation
 *            (src/train/estimators.ts exactGradient): dL/dI_n = lambda_n for a
 *            current I_n injected into node n, so -lambda is the error signal.
 */
import { buildLayered } from "../../circuits/layered.js";
import { loadCircuitFromText } from "../api.js";
import { loadDataset } from "../data/sources.js";
import { scaleInputs, targetFor, type Dataset } from "../data/dataset.js";
import { InputError, ConvergenceError } from "../util/errors.js";
import { EqModel } from "../train/model.js";
import { exactGradient } from "../train/estimators.js";
import type { PlotFigure } from "../plot/html.js";

export const THEORY_LAYERS = [4, 8, 8, 3];
export const THEORY_SEED = 2;
/** Input range (V) and target amplitude (V), as in the trainer's defaults. */
export const THEORY_VIN = 4;
export const THEORY_TARGET = 0.1;

export interface TheoryOptions {
  /** Seed of the circuit's initial conductances (default 2). */
  seed?: number;
  /** Layer sizes before doubling (default [4, 8, 8, 3]). */
  layers?: number[];
}

export interface TheoryCircuit {
  model: EqModel;
  data: Dataset;
  layers: number[];
  seed: number;
  /** Free unknown index of every hidden node, per hidden layer. */
  hidden: number[][];
  /** Names of the free unknowns. */
  names: string[];
  /** Number of free unknowns. */
  n: number;
}

/** Build the theory circuit and load the scaled iris data. */
export function theoryCircuit(o: TheoryOptions = {}): TheoryCircuit {
  const layers = o.layers ?? THEORY_LAYERS;
  const seed = o.seed ?? THEORY_SEED;
  if (layers.length < 4) throw new InputError("the theory circuit needs at least 2 hidden layers");
  if (layers[0] !== 4) throw new InputError("the theory circuit reads iris: its input layer must have 4 features");
  if (layers[layers.length - 1] !== 3) throw new InputError("the theory circuit reads iris: its output layer must have 3 classes");
  const built = buildLayered({ layers, seed });
  const circuit = loadCircuitFromText(built.text, `layered-${layers.join("-")}-seed${seed}.cir`);
  const model = new EqModel(circuit);
  // The dynamics below act on node voltages only: every unknown must be a free node.
  if (circuit.n !== circuit.nFree) throw new InputError("the theory circuit must have no branch unknowns");
  const names = Array.from(circuit.nodeOfUnknown, (node) => circuit.nodeNames[node]);
  const hidden = built.hidden.map((layer) =>
    layer.map((name) => {
      const u = circuit.unknownOfNode[circuit.nodeIndex.get(name)!];
      if (u === undefined || u < 0) throw new Error(`internal: hidden node ${name} is not free`);
      return u;
    }),
  );
  const data = scaleInputs(loadDataset("iris"), THEORY_VIN);
  return { model, data, layers, seed, hidden, names, n: circuit.nFree };
}

export interface FreePoint {
  /** Free equilibrium unknowns (V). */
  x0: Float64Array;
  /** Targets (V). */
  y: Float64Array;
  /** Free outputs (V). */
  out0: Float64Array;
  /** Loss |out0 - y|^2 / 2 (V^2). */
  loss: number;
  /** dC/dx (V). */
  gradC: Float64Array;
  /** Adjoint H^-1 dC/dx (V/S), from the engine's sparse factorization. */
  lambda: Float64Array;
  /** Exact dL/dg (V^2/S) for every trainable conductance. */
  grad: Float64Array;
  /** Dense H = d2E/dx2 at x0 (S), row-major n x n. */
  H: Float64Array;
}

/** Relax the free phase of training sample `s` and differentiate through it. */
export function freePoint(tc: TheoryCircuit, s: number): FreePoint {
  const { model, data } = tc;
  if (!(s >= 0 && s < data.xTrain.length)) throw new InputError(`sample ${s} is out of range 0..${data.xTrain.length - 1}`);
  model.setInputs(data.xTrain[s]);
  const y = targetFor(data.yTrain[s], model.nOutputs, THEORY_TARGET, new Float64Array(model.nOutputs));
  model.setNudge(0, null);
  // Cold start from 0 V, so a sample's free point does not depend on what ran before.
  model.restoreState(new Float64Array(model.engine.x.length));
  model.settle({ kind: "newton" });
  const out0 = model.outputs(new Float64Array(model.nOutputs));
  let loss = 0;
  for (let k = 0; k < out0.length; k++) loss += 0.5 * (out0[k] - y[k]) ** 2;
  const x0 = Float64Array.from(model.engine.x);
  const gradC = costGradient(tc, out0, y);
  const lambda = new Float64Array(tc.n);
  const grad = new Float64Array(model.tIndex.length);
  exactGradient(model, y, out0, lambda, grad);
  const H = denseJacobian(tc);
  return { x0, y, out0, loss, gradC, lambda, grad, H };
}

/** dC/dx (V) for outputs out and targets y. */
export function costGradient(tc: TheoryCircuit, out: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  const c = tc.model.circuit;
  const g = new Float64Array(tc.n);
  c.ports.outputs.forEach((o, k) => {
    const e = out[k] - y[k];
    const up = c.unknownOfNode[o.pos];
    if (up >= 0) g[up] += e;
    if (o.neg !== undefined) {
      const un = c.unknownOfNode[o.neg];
      if (un >= 0) g[un] -= e;
    }
  });
  return g;
}

/** The Newton Jacobian at the model's current state as a dense n x n matrix (S), nudges included if set. */
export function denseJacobian(tc: TheoryCircuit): Float64Array {
  const e = tc.model.engine;
  const n = tc.n;
  e.assemble();
  const H = new Float64Array(n * n);
  const { rows, cols } = e.sys.pattern;
  for (let h = 1; h < rows.length; h++) H[rows[h] * n + cols[h]] += e.sys.A[h];
  return H;
}

/**
 * The node dynamics on the free unknowns: C dx/dt = -r(x). Owns scratch
 * space; `residual` writes r(x) (A) with the nudge currently set on the model.
 */
export class NodeDynamics {
  private readonly full: Float64Array;
  constructor(private readonly tc: TheoryCircuit) {
    this.full = new Float64Array(tc.model.engine.V.length);
  }

  residual(x: Float64Array, r: Float64Array): void {
    const e = this.tc.model.engine;
    e.x.set(x);
    e.syncVoltages();
    e.currents(this.full);
    const nodeOf = this.tc.model.circuit.nodeOfUnknown;
    for (let i = 0; i < r.length; i++) r[i] = this.full[nodeOf[i]];
  }
}

// ---------------------------------------------------------------- linear algebra

/** y = A x for a dense row-major n x n matrix. */
export function matvec(A: Float64Array, x: Float64Array, y: Float64Array): Float64Array {
  const n = x.length;
  for (let i = 0; i < n; i++) {
    let s = 0;
    const row = i * n;
    for (let j = 0; j < n; j++) s += A[row + j] * x[j];
    y[i] = s;
  }
  return y;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function norm(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}

/** Cosine similarity; 0 when either vector is zero. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const na = norm(a);
  const nb = norm(b);
  return na > 0 && nb > 0 ? dot(a, b) / (na * nb) : 0;
}

/** |a - b| / |b|. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += (a[i] - b[i]) ** 2;
  const nb = norm(b);
  return nb > 0 ? Math.sqrt(d) / nb : Math.sqrt(d);
}

/** Entries `idx` of v. */
export function pick(v: ArrayLike<number>, idx: readonly number[]): Float64Array {
  return Float64Array.from(idx, (i) => v[i]);
}

/** Solve A x = b (dense, row-major, Gaussian elimination with partial pivoting); A and b untouched. */
export function solveDense(A: Float64Array, b: Float64Array): Float64Array {
  const n = b.length;
  const M = Float64Array.from(A);
  const x = Float64Array.from(b);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(M[i * n + k]) > Math.abs(M[p * n + k])) p = i;
    if (M[p * n + k] === 0) throw new ConvergenceError("singular matrix in a dense solve");
    if (p !== k) {
      for (let j = 0; j < n; j++) [M[k * n + j], M[p * n + j]] = [M[p * n + j], M[k * n + j]];
      [x[k], x[p]] = [x[p], x[k]];
    }
    const piv = M[k * n + k];
    for (let i = k + 1; i < n; i++) {
      const f = M[i * n + k] / piv;
      if (f === 0) continue;
      for (let j = k; j < n; j++) M[i * n + j] -= f * M[k * n + j];
      x[i] -= f * x[k];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let j = i + 1; j < n; j++) s -= M[i * n + j] * x[j];
    x[i] = s / M[i * n + i];
  }
  return x;
}

/**
 * Extreme eigenvalues of a symmetric positive definite matrix by power
 * iteration (largest), then power iteration on (max I - A) (smallest).
 */
export function extremeEigenvalues(A: Float64Array, n: number, iterations = 3000): { max: number; min: number } {
  const power = (apply: (v: Float64Array, out: Float64Array) => void): number => {
    let v = new Float64Array(n).map((_, i) => 1 + 0.1 * Math.sin(i + 1));
    let w = new Float64Array(n);
    let mu = 0;
    for (let it = 0; it < iterations; it++) {
      const nv = norm(v);
      for (let i = 0; i < n; i++) v[i] /= nv;
      apply(v, w);
      const next = dot(v, w);
      [v, w] = [w, v];
      if (it > 10 && Math.abs(next - mu) <= 1e-13 * Math.abs(next)) {
        mu = next;
        break;
      }
      mu = next;
    }
    return mu;
  };
  const max = power((v, out) => matvec(A, v, out));
  const shifted = power((v, out) => {
    matvec(A, v, out);
    for (let i = 0; i < n; i++) out[i] = max * v[i] - out[i];
  });
  return { max, min: max - shifted };
}

// ---------------------------------------------------------------- fits and grids

export interface LogLogFit {
  /** d log10(y) / d log10(x). */
  slope: number;
  /** log10(y) at x = 1. */
  intercept: number;
  /** Coefficient of determination of the fit in log-log space. */
  r2: number;
  /** The x range the fit used. */
  range: [number, number];
  points: number;
}

/** Least-squares line through (log10 x, log10 y) for points with lo <= x <= hi and y > 0. */
export function fitLogLog(xs: readonly number[], ys: readonly number[], lo = -Infinity, hi = Infinity): LogLogFit {
  const px: number[] = [];
  const py: number[] = [];
  let xmin = Infinity;
  let xmax = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    if (xs[i] >= lo * (1 - 1e-9) && xs[i] <= hi * (1 + 1e-9) && ys[i] > 0) {
      px.push(Math.log10(xs[i]));
      py.push(Math.log10(ys[i]));
      xmin = Math.min(xmin, xs[i]);
      xmax = Math.max(xmax, xs[i]);
    }
  }
  const m = px.length;
  if (m < 2) throw new InputError(`a log-log fit needs at least 2 points in [${lo}, ${hi}]`);
  const mx = px.reduce((a, b) => a + b, 0) / m;
  const my = py.reduce((a, b) => a + b, 0) / m;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < m; i++) {
    sxy += (px[i] - mx) * (py[i] - my);
    sxx += (px[i] - mx) ** 2;
    syy += (py[i] - my) ** 2;
  }
  const slope = sxy / sxx;
  const r2 = syy > 0 ? (sxy * sxy) / (sxx * syy) : 1;
  return { slope, intercept: my - slope * mx, r2, range: [xmin, xmax], points: m };
}

/** 10^a .. 10^b with `perDecade` points per decade (both ends included). */
export function logspace(a: number, b: number, perDecade: number): number[] {
  const steps = Math.round((b - a) * perDecade);
  return Array.from({ length: steps + 1 }, (_, i) => Number((10 ** (a + ((b - a) * i) / steps)).toPrecision(12)));
}

/** About `count` step indices in 0..last, spaced geometrically (dense early, for log time axes), always with 0 and last. */
export function geometricIndices(last: number, count: number): number[] {
  const set = new Set<number>([0, last]);
  for (let i = 0; i < count; i++) set.add(Math.min(last, Math.round(Math.expm1((Math.log1p(last) * i) / (count - 1)))));
  return [...set].sort((a, b) => a - b);
}

// ---------------------------------------------------------------- plots

export const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"];

export function axis(title: string, log = false, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { title: { text: title }, type: log ? "log" : "linear", exponentformat: "power", ...extra };
}

/** A figure with a title (lines split by <br>), axes and a legend. */
export function figure(title: string, data: Array<Record<string, unknown>>, xaxis: Record<string, unknown>, yaxis: Record<string, unknown>, height?: number): PlotFigure {
  const lines = title.split("<br>").length;
  return { data, layout: { title: { text: title }, xaxis, yaxis, legend: { orientation: "v" }, margin: { t: 40 + 24 * lines } }, height };
}

/** Round to `digits` significant digits for JSON reports. */
export function sig(x: number, digits = 6): number {
  return Number.isFinite(x) ? Number(x.toPrecision(digits)) : x;
}

/**
 * Digits of the numbers written to the theory pages and the cap on those of
 * theory.json. Written numbers carry no roundoff digits, so regenerating
 * plots/ elsewhere (another machine, another Node, a solver that orders its
 * sums differently) leaves the files as committed; test/theory.test.ts
 * regenerates them from a circuit perturbed by a few ulps and compares.
 */
export const FIGURE_DIGITS = 4;
export const JSON_DIGITS = 10;

/** A copy of plain JSON data with every finite number rounded to `digits` significant digits. */
export function roundNumbers<T>(v: T, digits: number): T {
  if (typeof v === "number") return sig(v, digits) as T;
  if (Array.isArray(v)) return v.map((x) => roundNumbers(x, digits)) as T;
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, roundNumbers(x, digits)])) as T;
  return v;
}

/**
 * A figure as written: y values on a linear axis on a grid of 10^-FIGURE_DIGITS
 * of the axis' span (a late-time tail of 1e-5 under a peak of 1e5 is
 * roundoff, and below a pixel), every other number to FIGURE_DIGITS
 * significant digits (log axes keep their small values).
 */
export function roundFigure(f: PlotFigure): PlotFigure {
  const layout = (f.layout ?? {}) as { yaxis?: { type?: string } };
  let grid = 0;
  if (layout.yaxis?.type !== "log") {
    let lo = Infinity;
    let hi = -Infinity;
    for (const t of f.data) for (const v of Array.isArray(t.y) ? (t.y as unknown[]) : []) if (typeof v === "number" && Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    const span = Math.max(hi - lo, Math.abs(hi), Math.abs(lo));
    if (span > 0 && Number.isFinite(span)) grid = 10 ** (Math.floor(Math.log10(span)) - FIGURE_DIGITS);
  }
  const onGrid = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? sig(Math.round(v / grid) * grid, FIGURE_DIGITS + 2) : v);
  const data = f.data.map((t) => {
    const r = roundNumbers(t, FIGURE_DIGITS);
    return grid > 0 && Array.isArray(t.y) ? { ...r, y: (t.y as unknown[]).map(onGrid) } : r;
  });
  return { ...f, data, layout: roundNumbers(f.layout, FIGURE_DIGITS) };
}
