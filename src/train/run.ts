/**
 * A training job as the CLI and sweeps run it: load the netlist and the
 * dataset, train, and write the run directory:
 *   metrics.json     per-epoch metrics and the resolved options
 *   checkpoint.json  written after every epoch (resume continues from it)
 *   trained.cir      plain SPICE with the learned conductances
 *   training.html    loss and accuracy curves (when a plot writer is given)
 */
import { existsSync, readFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { loadCircuit } from "../api.js";
import { loadDataset } from "../data/sources.js";
import { scaleInputs, type Dataset } from "../data/dataset.js";
import { limitDataset } from "../data/sources.js";
import type { Circuit } from "../circuit/circuit.js";
import { InputError } from "../util/errors.js";
import { writeFileAtomic } from "../util/atomic.js";
import { EqModel } from "./model.js";
import { train, type Checkpoint, type EpochMetrics, type TrainOptions, type TrainHooks } from "./trainer.js";
import { trainedNetlist } from "./export-trained.js";
import { netlistDefaults } from "./job-defaults.js";
import { defaultOf, flattenTrainOptions, partialTrainOptions, resolveOptions, resumeConflicts, type OptionValues } from "./option-specs.js";
import { requireEstimable } from "./estimators.js";

export interface TrainJob {
  netlist: string;
  dataset: string;
  /** Input range (V): tabular features scaled to [-vin, vin], image pixels in [0, 1] times vin. Default 4. */
  vin?: number;
  /** Use the first N training samples, e.g. for quick runs. */
  limitTrain?: number;
  /** Use the first N test samples. */
  limitTest?: number;
  options: Partial<TrainOptions>;
  /** Output directory; nothing is written when omitted. */
  out?: string;
  resume?: boolean;
  /** A circuit already loaded (then `netlist` only names it); trained in place. */
  circuit?: Circuit;
  /** A dataset already loaded, unscaled (then `dataset` only names it); the limits apply to it. */
  data?: Dataset;
  /**
   * Worker threads (train/parallel.ts): 1 trains on this thread; N > 1
   * splits every mini-batch across N threads that load `netlist` (a file).
   * Default 1, or on resume the checkpoint's count.
   */
  workers?: number;
}

export interface TrainJobResult {
  metrics: EpochMetrics[];
  model: EqModel;
  data: Dataset;
  options: TrainOptions;
  /** The input gain used (V). */
  vin: number;
  /** Worker threads the run used. */
  workers: number;
}

export { DEFAULT_VIN } from "./job-defaults.js";

/** A training job from option values (the CLI's flags, a sweep point's keys). */
export function trainJobOf(netlist: string, v: OptionValues): TrainJob {
  return { netlist, dataset: v.dataset!, vin: v.vin, limitTrain: v.limitTrain, limitTest: v.limitTest, out: v.out, resume: v.resume, workers: v.workers, options: partialTrainOptions(v) };
}

export async function runTrainJob(job: TrainJob, hooks: TrainHooks = {}): Promise<TrainJobResult> {
  // The conductances in a bank memory: the SIMD kernels update them in place (devices/resistor/bank-memory.ts).
  const circuit = job.circuit ?? loadCircuit(job.netlist, { resistorStorage: "bank-memory" });
  // Flags given for this job win over the netlist's *@defaults, which win over the built-in defaults.
  const given: OptionValues = { ...flattenTrainOptions(job.options), vin: job.vin, limitTrain: job.limitTrain, limitTest: job.limitTest, workers: job.workers };
  const resolved = resolveOptions("train", given, netlistDefaults(circuit).values);
  const options = partialTrainOptions(resolved) as TrainOptions;
  let vin = resolved.vin!;
  const model = new EqModel(circuit);
  // Before anything is written: a circuit EqProp cannot train is refused here.
  requireEstimable(options.estimator, circuit);
  if (options.relax === "ode") await model.loadOde();
  const lim = { limitTrain: job.limitTrain, limitTest: job.limitTest };
  let resume: Checkpoint | undefined;
  const ckPath = job.out ? join(job.out, "checkpoint.json") : "";
  if (job.resume) {
    if (!job.out) throw new InputError("--resume needs --out DIR (the run directory to continue)");
    if (!existsSync(ckPath)) throw new InputError(`--resume: no checkpoint at ${ckPath}`);
    try {
      resume = JSON.parse(readFileSync(ckPath, "utf8")) as Checkpoint;
    } catch (e) {
      throw new InputError(`--resume: ${ckPath} is not a valid checkpoint: ${(e as Error).message}`);
    }
    if (resume.version !== 1 || !Array.isArray(resume.conductances)) throw new InputError(`--resume: ${ckPath} is not an eqspice checkpoint`);
    // The resumed run keeps its own options (same seed, same result), except the epoch count;
    // a flag given now that disagrees with them is refused, not ignored.
    const clash = conflictingOptions(job.options, resume.options);
    // The input gain is the job's, not a TrainOptions field: the run's metrics.json records it.
    const runVin = recordedVin(job.out);
    if (runVin !== undefined) {
      if (job.vin !== undefined && job.vin !== runVin) clash.push(`--vin ${job.vin} (run: ${runVin})`);
      vin = runVin;
    }
    if (clash.length) {
      throw new InputError(
        `--resume continues ${ckPath} with the options it was started with; these flags differ from them: ${clash.join(", ")}. Drop them to continue, or start a new run in another --out directory`,
      );
    }
    Object.assign(options, { ...resume.options, epochs: options.epochs });
  }
  const data = scaleInputs(job.data ? limitDataset(job.data, lim) : loadDataset(job.dataset, lim), vin);
  // A resumed run keeps its worker count unless one is given; another count is allowed and recorded per epoch.
  const workers = job.workers ?? resume?.workers ?? defaultOf("workers", "train")!;
  if (job.out) mkdirSync(job.out, { recursive: true });
  const trainHooks: TrainHooks = {
    onSample: hooks.onSample,
    onEpoch: (m, ck) => {
      if (job.out) {
        writeFileAtomic(ckPath, JSON.stringify(ck));
        writeFileAtomic(join(job.out, "metrics.json"), metricsJson(job, options, vin, model, ck.metrics, workers));
      }
      hooks.onEpoch?.(m, ck);
    },
  };
  const names = { netlist: job.netlist, dataset: job.dataset };
  let metrics: EpochMetrics[];
  if (workers > 1) {
    const { trainParallel } = await import("./parallel.js");
    metrics = await trainParallel(model, data, options, workers, job.netlist, trainHooks, resume, names);
  } else metrics = train(model, data, options, trainHooks, resume, names);
  if (job.out) {
    writeFileAtomic(join(job.out, "metrics.json"), metricsJson(job, options, vin, model, metrics, workers));
    writeFileAtomic(join(job.out, "trained.cir"), trainedNetlist(circuit, { gmin: options.hardware.gmin, gmax: options.hardware.gmax }, { vin, targets: options.targets, target: options.targetAmplitude }));
  }
  return { metrics, model, data, options, vin, workers };
}

function metricsJson(job: TrainJob, options: TrainOptions, vin: number, model: EqModel, epochs: EpochMetrics[], workers: number): string {
  const last = epochs[epochs.length - 1];
  return JSON.stringify(
    {
      netlist: job.netlist,
      dataset: job.dataset,
      vin,
      options,
      workers,
      units: { G0: model.G0, Gnudge: model.Gnudge, loss: "V^2", conductance: "S" },
      final: last ?? null,
      epochs,
    },
    null,
    2,
  );
}

/** Flags given for a resumed run (`given`) that differ from the checkpoint's options, as `--flag now (run: was)`. */
/** The input gain (V) a run directory's metrics.json records, if it has one. */
function recordedVin(out: string): number | undefined {
  try {
    const v = (JSON.parse(readFileSync(join(out, "metrics.json"), "utf8")) as { vin?: unknown }).vin;
    return typeof v === "number" && Number.isFinite(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

export function conflictingOptions(given: Partial<TrainOptions>, saved: TrainOptions): string[] {
  return resumeConflicts(given, saved);
}
