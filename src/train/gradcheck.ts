/**
 * Compare an estimator's gradient with the exact one (implicit
 * differentiation) on a batch: both averaged over the batch, then
 *   cosine = <g, g*> / (|g| |g*|),  relativeError = |g - g*| / |g*|.
 */
import { InputError } from "../netlist/errors.js";
import type { Dataset } from "../data/dataset.js";
import { checkDatasetFits } from "../data/dataset.js";
import { targetVector, type TargetEncoding } from "./targets.js";
import { makeEstimator, type EstimatorName } from "./estimators.js";
import { EqModel, type RelaxKind } from "./model.js";
import { loadCircuit } from "../api.js";
import { scaleInputs } from "../data/dataset.js";
import { limitDataset, loadDataset } from "../data/sources.js";
import type { Circuit } from "../circuit/circuit.js";
import { DEFAULT_VIN, netlistDefaults } from "./job-defaults.js";

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

/** The checks both the library call and the CLI job make: a nudge that measures something, a sample to measure it on. */
function validateGradcheck(o: { beta?: number; samples?: number }): void {
  if (o.beta !== undefined && !(o.beta > 0 && Number.isFinite(o.beta))) {
    throw new InputError(`--beta must be a finite number > 0 (got ${o.beta}): EqProp divides by the nudge`);
  }
  if (o.samples !== undefined && !(Number.isInteger(o.samples) && o.samples >= 1)) {
    throw new InputError(`--samples must be a positive integer (got ${o.samples})`);
  }
}

export function gradcheck(model: EqModel, data: Dataset, o: GradcheckOptions): GradcheckResult {
  validateGradcheck(o);
  checkDatasetFits(data, model.nInputs, model.nOutputs);
  const n = Math.min(o.samples ?? 8, data.xTrain.length);
  const relax = { kind: o.relax ?? "auto" } as const;
  const m = model.nParams;
  const est = makeEstimator(o.estimator, { beta: o.beta, relax });
  const exact = makeEstimator("exact", { beta: o.beta, relax });
  const g = new Float64Array(m);
  const gx = new Float64Array(m);
  const tmp = new Float64Array(m);
  const y = new Float64Array(model.nOutputs);
  for (let s = 0; s < n; s++) {
    model.setInputs(data.xTrain[s]);
    targetVector(data.yTrain[s], model.nOutputs, o.targetAmplitude ?? 0.1, o.targets ?? "signed", y);
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

/**
 * gradcheck as the CLI and sweeps run it: the netlist's *@defaults give the
 * input gain and the targets (its beta is a training nudge, not a check's:
 * the default here is 1e-3).
 */
export async function runGradcheckJob(job: GradcheckJob): Promise<GradcheckResult> {
  validateGradcheck(job);
  const circuit = job.circuit ?? loadCircuit(job.netlist);
  const nd = netlistDefaults(circuit);
  const model = new EqModel(circuit);
  if (job.relax === "ode") await model.loadOde();
  const raw = job.data ? limitDataset(job.data, { limitTrain: job.samples }) : loadDataset(job.dataset, { limitTrain: job.samples });
  const data = scaleInputs(raw, job.vin ?? nd.vin ?? DEFAULT_VIN);
  return gradcheck(model, data, {
    beta: job.beta ?? 1e-3,
    estimator: job.estimator ?? "centered",
    samples: job.samples,
    relax: job.relax,
    targetAmplitude: job.targetAmplitude ?? nd.options.targetAmplitude,
    targets: job.targets ?? nd.options.targets,
  });
}
