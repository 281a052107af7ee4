/**
 * Compare an estimator's gradient with the exact one (implicit
 * differentiation) on a batch: both averaged over the batch, then
 *   cosine = <g, g*> / (|g| |g*|),  relativeError = |g - g*| / |g*|.
 */
import type { Dataset } from "../data/dataset.js";
import { checkDatasetFits } from "../data/dataset.js";
import { targetVector, type TargetEncoding } from "./targets.js";
import { makeEstimator, type EstimatorName } from "./estimators.js";
import { EqModel, type RelaxKind } from "./model.js";
import { loadCircuit } from "../api.js";
import { scaleInputs } from "../data/dataset.js";
import { limitDataset, loadDataset } from "../data/sources.js";
import type { Circuit } from "../circuit/circuit.js";
import { netlistDefaults } from "./job-defaults.js";
import { checkOptions, resolveOptions, type OptionValues } from "./option-specs.js";

export interface GradcheckOptions {
  beta: number;
  estimator: EstimatorName;
  /** Samples in the batch (the first ones of the training split). Default 8. */
  samples?: number;
  relax?: RelaxKind;
  /** Target amplitude (V). Default 0.1. */
  targetAmplitude?: number;
  /** Target encoding. Default signed. */
  targets?: TargetEncoding;
}

export interface GradcheckResult {
  cosine: number;
  relativeError: number;
  beta: number;
  estimator: EstimatorName;
  samples: number;
  /** Norm of the exact gradient (V^2/S). */
  exactNorm: number;
}

export function gradcheck(model: EqModel, data: Dataset, opts: GradcheckOptions): GradcheckResult {
  const o = resolveOptions("gradcheck", opts) as Required<GradcheckOptions>;
  checkDatasetFits(data, model.nInputs, model.nOutputs);
  const n = Math.min(o.samples, data.xTrain.length);
  const relax = { kind: o.relax } as const;
  const m = model.nParams;
  const est = makeEstimator(o.estimator, { beta: o.beta, relax });
  const exact = makeEstimator("exact", { beta: o.beta, relax });
  const g = new Float64Array(m);
  const gx = new Float64Array(m);
  const tmp = new Float64Array(m);
  const y = new Float64Array(model.nOutputs);
  for (let s = 0; s < n; s++) {
    model.setInputs(data.xTrain[s]);
    targetVector(data.yTrain[s], model.nOutputs, o.targetAmplitude, o.targets, y);
    exact.gradient(model, y, tmp);
    for (let k = 0; k < m; k++) gx[k] += tmp[k] / n;
    est.gradient(model, y, tmp);
    for (let k = 0; k < m; k++) g[k] += tmp[k] / n;
  }
  let dot = 0;
  let na = 0;
  let nb = 0;
  let diff = 0;
  for (let k = 0; k < m; k++) {
    dot += g[k] * gx[k];
    na += g[k] * g[k];
    nb += gx[k] * gx[k];
    diff += (g[k] - gx[k]) ** 2;
  }
  return {
    cosine: na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0,
    relativeError: nb > 0 ? Math.sqrt(diff / nb) : Math.sqrt(diff),
    beta: o.beta,
    estimator: o.estimator,
    samples: n,
    exactNorm: Math.sqrt(nb),
  };
}

export interface GradcheckJob {
  netlist: string;
  dataset: string;
  /** Input gain (V); default the netlist's *@defaults vin, else 4. */
  vin?: number;
  beta?: number;
  estimator?: EstimatorName;
  samples?: number;
  relax?: RelaxKind;
  /** Target amplitude (V) and encoding; default the netlist's. */
  targetAmplitude?: number;
  targets?: TargetEncoding;
  /** A circuit already loaded (then `netlist` only names it). */
  circuit?: Circuit;
  /** A dataset already loaded, unscaled (then `dataset` only names it). */
  data?: Dataset;
}

/** A gradcheck job from option values (the CLI's flags, a sweep point's keys). */
export function gradcheckJobOf(netlist: string, v: OptionValues): GradcheckJob {
  return { netlist, dataset: v.dataset!, vin: v.vin, beta: v.beta, estimator: v.estimator, samples: v.samples, relax: v.relax, targetAmplitude: v.targetAmplitude, targets: v.targets };
}

/**
 * gradcheck as the CLI and sweeps run it: the netlist's *@defaults give the
 * input gain and the targets (its beta is a training nudge, not a check's:
 * the default here is 1e-3; option-specs.ts declares which options take the
 * netlist's value).
 */
export async function runGradcheckJob(job: GradcheckJob): Promise<GradcheckResult> {
  const { netlist: _n, dataset: _d, circuit: _c, data: _data, ...given } = job;
  checkOptions(given);
  const circuit = job.circuit ?? loadCircuit(job.netlist);
  const o = resolveOptions("gradcheck", given, netlistDefaults(circuit).values);
  const model = new EqModel(circuit);
  if (o.relax === "ode") await model.loadOde();
  // The given sample count limits what is loaded; the default batch is cut from the loaded split.
  const raw = job.data ? limitDataset(job.data, { limitTrain: job.samples }) : loadDataset(job.dataset, { limitTrain: job.samples });
  const data = scaleInputs(raw, o.vin!);
  return gradcheck(model, data, { beta: o.beta!, estimator: o.estimator!, samples: o.samples, relax: o.relax, targetAmplitude: o.targetAmplitude, targets: o.targets });
}
