/**
 * Claim 1 (Scellier & Bengio 2016; Millidge et al. 2022; Laborieux et al.
 * 2021): as beta -> 0 the EqProp update converges to the exact gradient; the
 * one-sided estimators' error falls like beta, the centered one's like beta^2.
 *
 * For each beta (dimensionless; nudge conductance beta * Gnudge) and each
 * estimator, the batch-mean gradient over the first `samples` iris training
 * samples is compared with the batch-mean exact gradient (implicit
 * differentiation, estimators.ts `exact`): cosine and |g - g*| / |g*|.
 *
 * Contrastive Hebbian learning (CHL) clamps the outputs (a nudge 1e4 Gnudge
 * strong) instead of nudging them. Swept here as the "infinitesimal clamp" of
 * Millidge et al.: the outputs are clamped to out0 + beta (y - out0), and the
 * update is [dV(clamp)^2 - dV(0)^2] / (2 beta Gnudge). At beta = 1 this is
 * classic CHL (clamp to the targets), identical to eqspice's `chl` estimator.
 * As beta -> 0 it converges to a fixed direction, predicted independently by
 * one linear solve: w = -(H + Gc B B^T)^-1 Gc B e (outputs pinned to move by
 * -beta e), which is not the gradient: the clamp imposes the raw output error
 * where backprop's adjoint imposes lambda_out = (H^-1 B e)_out.
 */
import { makeEstimator } from "../train/estimators.js";
import { betaSiemens, CHL_CLAMP } from "../train/nudge-units.js";
import type { PlotFigure } from "../plot/html.js";
import {
  axis,
  COLORS,
  cosine,
  figure,
  costGradient,
  fitLogLog,
  freePoint,
  logspace,
  relativeError,
  sig,
  solveDense,
  type LogLogFit,
  type TheoryCircuit,
} from "./shared.js";

export const BETA_ESTIMATORS = ["positive", "negative", "centered", "chl"] as const;
export type BetaEstimator = (typeof BETA_ESTIMATORS)[number];

export interface BetaSweepOptions {
  /** Dimensionless betas (default 1e-4 .. 1, 4 per decade). */
  betas?: number[];
  /** Training samples in the batch (default 8). */
  samples?: number;
  /** beta range of the slope fits (default [1e-4, 1e-2]: the leading-order regime). */
  fitRange?: [number, number];
}

export interface EstimatorCurve {
  cosine: number[];
  relativeError: number[];
}

export interface BetaSweepResult {
  samples: number;
  betas: number[];
  /** Gnudge (S): nudge conductance = beta * Gnudge. */
  gnudge: number;
  /** |exact batch gradient| (V^2/S). */
  exactNorm: number;
  curves: Record<BetaEstimator, EstimatorCurve>;
  /** Slopes of log(relative error) against log(beta) for the EqProp estimators. */
  fits: Record<"positive" | "negative" | "centered", LogLogFit>;
  /** CHL's beta -> 0 limit predicted by a linear solve, against the exact gradient and against the measured CHL at the smallest beta. */
  chlLimit: { cosineToExact: number; relativeErrorToExact: number; cosineMeasured: number; relativeErrorMeasured: number };
}

/** CHL with outputs clamped to out0 + beta (y - out0): this sample's dL/dg estimate into grad. */
export function chlGradient(tc: TheoryCircuit, y: Float64Array, beta: number, grad: Float64Array): void {
  const model = tc.model;
  const out0 = new Float64Array(model.nOutputs);
  model.setNudge(0, null);
  model.settle({ kind: "newton" });
  model.outputs(out0);
  const free = Float64Array.from(model.engine.x);
  const V0 = Float64Array.from(model.engine.V);
  const target = Float64Array.from(out0, (o, k) => o + beta * (y[k] - o));
  model.setNudge(betaSiemens(CHL_CLAMP, model.Gnudge), target);
  model.settle({ kind: "newton" });
  const V1 = Float64Array.from(model.engine.V);
  model.restoreState(free);
  model.setNudge(0, null);
  model.contrast(V1, V0, 1 / (2 * betaSiemens(beta, model.Gnudge)), grad);
}

/**
 * CHL's beta -> 0 limit for one sample, by a linear solve at the free point:
 * the clamped phase moves x by beta w with (H + Gc B B^T) w = -Gc B e, so the
 * update tends to (V_a - V_b)(w_a - w_b) / Gnudge.
 */
function chlLimitGradient(tc: TheoryCircuit, s: number, grad: Float64Array): void {
  const fp = freePoint(tc, s);
  const { model, n } = tc;
  const c = model.circuit;
  const Gc = betaSiemens(CHL_CLAMP, model.Gnudge);
  const M = Float64Array.from(fp.H);
  // B B^T: for each output pair, +1 on (p,p), (n,n) and -1 on (p,n), (n,p).
  for (const o of c.ports.outputs) {
    const up = c.unknownOfNode[o.pos];
    const un = o.neg !== undefined ? c.unknownOfNode[o.neg] : -1;
    if (up >= 0) M[up * n + up] += Gc;
    if (un >= 0) M[un * n + un] += Gc;
    if (up >= 0 && un >= 0) {
      M[up * n + un] -= Gc;
      M[un * n + up] -= Gc;
    }
  }
  const rhs = Float64Array.from(costGradient(tc, fp.out0, fp.y), (v) => -Gc * v);
  const w = solveDense(M, rhs);
  const V = model.engine.V;
  const u = c.unknownOfNode;
  for (let k = 0; k < grad.length; k++) {
    const a = model.tA[k];
    const b = model.tB[k];
    const wa = u[a] >= 0 ? w[u[a]] : 0;
    const wb = u[b] >= 0 ? w[u[b]] : 0;
    grad[k] = ((V[a] - V[b]) * (wa - wb)) / model.Gnudge;
  }
}

export function betaSweep(tc: TheoryCircuit, o: BetaSweepOptions = {}): BetaSweepResult {
  const model = tc.model;
  const betas = o.betas ?? logspace(-4, 0, 4);
  const samples = Math.min(o.samples ?? 8, tc.data.xTrain.length);
  const fitRange = o.fitRange ?? [1e-4, 1e-2];
  const m = model.tIndex.length;
  const relax = { kind: "newton" } as const;
  const tmp = new Float64Array(m);
  const exact = new Float64Array(m);
  const chlLim = new Float64Array(m);
  // est[name][beta index] = batch-mean gradient
  const est = Object.fromEntries(BETA_ESTIMATORS.map((name) => [name, betas.map(() => new Float64Array(m))])) as Record<BetaEstimator, Float64Array[]>;
  const add = (into: Float64Array) => {
    for (let k = 0; k < m; k++) into[k] += tmp[k] / samples;
  };
  for (let s = 0; s < samples; s++) {
    const fp = freePoint(tc, s);
    for (let k = 0; k < m; k++) exact[k] += fp.grad[k] / samples;
    chlLimitGradient(tc, s, tmp);
    add(chlLim);
    for (let b = 0; b < betas.length; b++) {
      for (const name of ["positive", "negative", "centered"] as const) {
        makeEstimator(name, { beta: betas[b], relax }).gradient(model, fp.y, tmp);
        add(est[name][b]);
      }
      chlGradient(tc, fp.y, betas[b], tmp);
      add(est.chl[b]);
    }
  }
  const curves = Object.fromEntries(
    BETA_ESTIMATORS.map((name) => [name, { cosine: est[name].map((g) => cosine(g, exact)), relativeError: est[name].map((g) => relativeError(g, exact)) }]),
  ) as Record<BetaEstimator, EstimatorCurve>;
  const fit = (name: "positive" | "negative" | "centered") => fitLogLog(betas, curves[name].relativeError, fitRange[0], fitRange[1]);
  const smallest = betas.indexOf(Math.min(...betas));
  return {
    samples,
    betas,
    gnudge: model.Gnudge,
    exactNorm: Math.sqrt(exact.reduce((a, v) => a + v * v, 0)),
    curves,
    fits: { positive: fit("positive"), negative: fit("negative"), centered: fit("centered") },
    chlLimit: {
      cosineToExact: cosine(chlLim, exact),
      relativeErrorToExact: relativeError(chlLim, exact),
      cosineMeasured: cosine(est.chl[smallest], chlLim),
      relativeErrorMeasured: relativeError(est.chl[smallest], chlLim),
    },
  };
}

/**
 * The numbers of a sweep, rounded for theory.json to the digits that do not
 * depend on roundoff: a centered estimator's relative error at beta = 1e-4
 * (1.6e-8) moves in its 5th digit when the conductances move by an ulp.
 */
export function betaSummary(r: BetaSweepResult): Record<string, unknown> {
  const round = (xs: number[]) => xs.map((x) => sig(x, 4));
  return {
    circuit: "layered 4-8-8-3 (2 hidden diode layers), iris, targets +-0.1 V",
    samples: r.samples,
    gnudge: sig(r.gnudge),
    exactNorm: sig(r.exactNorm),
    betas: r.betas,
    curves: Object.fromEntries(BETA_ESTIMATORS.map((n) => [n, { cosine: r.curves[n].cosine.map((x) => sig(x, 10)), relativeError: round(r.curves[n].relativeError) }])),
    slopes: Object.fromEntries(Object.entries(r.fits).map(([n, f]) => [n, { slope: sig(f.slope, 4), r2: sig(f.r2, 6), betaRange: f.range.map((x) => sig(x, 3)), points: f.points }])),
    chlLimit: Object.fromEntries(Object.entries(r.chlLimit).map(([k, v]) => [k, sig(v, 5)])),
  };
}

const LABELS: Record<BetaEstimator, string> = {
  positive: "positive (+beta, 0)",
  negative: "negative (-beta, 0)",
  centered: "centered (+beta, -beta)",
  chl: "CHL (outputs clamped to out + beta (y - out))",
};

/**
 * Resolution of 1 - cosine: a cosine of two gradients of ~100 terms carries
 * roundoff of a few 1e-16, so 1 - cos is shown on a grid of 1e-13 and not at
 * all below it (the centered estimator's gap at small beta is roundoff).
 */
const GAP_RESOLUTION = 1e-13;
const cosineGap = (c: number): number | null => {
  const g = Math.round((1 - c) / GAP_RESOLUTION) * GAP_RESOLUTION;
  return g > 0 ? g : null;
};

export function betaFigures(r: BetaSweepResult): PlotFigure[] {
  const b = r.betas;
  const errData: Array<Record<string, unknown>> = [];
  const cosData: Array<Record<string, unknown>> = [];
  const gapData: Array<Record<string, unknown>> = [];
  BETA_ESTIMATORS.forEach((name, i) => {
    const color = COLORS[i];
    errData.push({ x: b, y: r.curves[name].relativeError, name: LABELS[name], mode: "lines+markers", line: { color } });
    cosData.push({ x: b, y: r.curves[name].cosine, name: LABELS[name], mode: "lines+markers", line: { color } });
    gapData.push({ x: b, y: r.curves[name].cosine.map(cosineGap), name: LABELS[name], mode: "lines+markers", line: { color } });
    if (name !== "chl") {
      const f = r.fits[name];
      const xs = b.filter((x) => x >= f.range[0] * (1 - 1e-9) && x <= f.range[1] * (1 + 1e-9));
      errData.push({
        x: xs,
        y: xs.map((x) => 10 ** (f.intercept + f.slope * Math.log10(x))),
        name: `${name} fit: slope ${f.slope.toFixed(3)}`,
        mode: "lines",
        line: { color, dash: "dot", width: 1 },
      });
    }
  });
  const limit = r.chlLimit.relativeErrorToExact;
  errData.push({ x: [b[0], b[b.length - 1]], y: [limit, limit], name: "CHL limit predicted by a linear solve", mode: "lines", line: { color: COLORS[3], dash: "dash", width: 1 } });
  const bx = axis("beta (nudge conductance / Gnudge)", true);
  return [
    figure(`Relative error |g - g*| / |g*| of the batch gradient (${r.samples} iris samples, 4-8-8-3 diode circuit)`, errData, bx, axis("relative error", true), 620),
    figure("1 - cosine similarity with the exact gradient", gapData, bx, axis("1 - cosine", true)),
    figure("Cosine similarity with the exact gradient", cosData, bx, axis("cosine")),
  ];
}
