/**
 * The training loop: Equilibrium Propagation (or any estimator) on a
 * circuit, under hardware constraints, with per-epoch metrics and
 * checkpoints so an interrupted run resumes exactly.
 *
 * Units. The nudge conductance is beta * Gnudge (beta dimensionless; Gnudge
 * = the outputs' own conductance into the circuit, see EqModel). Updates work
 * in normalized conductances w = g / G0 (G0 = the largest trainable gmax, S):
 * dw = -lr * dL/dw, i.e. dg = -lr * G0^2 * dL/dg, with L = |out - y|^2 / 2
 * in V^2 averaged over the batch.
 */
import type { Dataset } from "../data/dataset.js";
import { checkDatasetFits, predict } from "../data/dataset.js";
import { targetVector, type TargetEncoding } from "./targets.js";
import { InputError } from "../util/errors.js";
import { isContrastEstimator, makeEstimator, requireEstimable, type EstimatorName } from "./estimators.js";
import { Hardware, type HardwareOptions } from "./hardware.js";
import type { EqModel, RelaxKind } from "./model.js";
import { Rng } from "../util/rng.js";
import { PhysicalMeter, type PhysicalStats } from "./physical.js";

export interface TrainOptions {
  /** Epochs to run (total, counting resumed ones). Default 100. */
  epochs: number;
  /** Dimensionless nudge strength (nudge conductance beta * Gnudge). Default 0.2. */
  beta: number;
  /** Learning rate in normalized units (dw = -lr dL/dw). Default 0.5. */
  lr: number;
  /** The learning rate is multiplied by this factor after every epoch. Default 1 (constant). */
  lrDecay: number;
  estimator: EstimatorName;
  /** Seed of the shuffling and noise. Default 1. */
  seed: number;
  /** Samples per update. Default 1. */
  batch: number;
  relax: RelaxKind;
  /** Output target amplitude A (V). Default 0.1. */
  targetAmplitude: number;
  /** Target encoding: signed (+A labelled class, -A others) or onehot (A and 0). Default signed. */
  targets: TargetEncoding;
  hardware: HardwareOptions;
}

/** The defaults and the checks of the options are declared with the options (option-specs.ts). */
export { TRAIN_DEFAULTS, normalizeTrainOptions } from "./option-specs.js";

export interface EpochMetrics {
  epoch: number;
  /** Mean free-phase loss over the epoch's training samples (V^2). */
  trainLoss: number;
  /** Accuracy of the free phases during the epoch (0..1). */
  trainAccuracy: number;
  /** Mean loss and accuracy on the test split after the epoch. */
  testLoss: number;
  testAccuracy: number;
  /** Wall time of the epoch (s) and training throughput. */
  seconds: number;
  samplesPerSecond: number;
  /** Fraction of the trainable conductances that the epoch changed (0..1): 0 means training made no progress. */
  conductancesChanged?: number;
  /**
   * `--relax ode` only: what the physical phases spent, per training sample
   * (free and nudged phases) and per test sample (inference: the free phase).
   */
  physical?: { train: PhysicalStats; test: PhysicalStats };
  /** Worker threads of the epoch with `--workers N` > 1 (train/parallel.ts); absent = 1. */
  workers?: number;
  /** With `--workers N` > 1: CPU time of the epoch's training (s), summed over the worker threads (util/cpu.ts). */
  cpuSeconds?: number;
}

/** Everything needed to continue a run: written after every epoch. */
export interface Checkpoint {
  version: 1;
  netlist: string;
  dataset: string;
  options: TrainOptions;
  epoch: number;
  conductances: number[];
  /** Trainable current sources (A), in bias order (absent in checkpoints of circuits without them). */
  biases?: number[];
  rngState: number;
  /** The solver's state (unknowns) after the epoch: the next sample warm-starts from it. */
  solverState: number[];
  metrics: EpochMetrics[];
  /**
   * `--workers N` > 1 (train/parallel.ts): the thread count and each
   * worker's solver state (solverState is worker 0's). A resume with the same
   * count continues exactly; with another count every worker starts from solverState.
   */
  workers?: number;
  workerStates?: number[][];
}

export interface TrainHooks {
  /** Called after each epoch (for progress output and checkpoints). */
  onEpoch?: (m: EpochMetrics, checkpoint: Checkpoint) => void;
  /** Called after each sample with the count done in this epoch. */
  onSample?: (done: number, total: number) => void;
}

/** Evaluate accuracy and mean loss of the free phase on a set of samples. */
export function evaluate(
  model: EqModel,
  xs: ArrayLike<number>[],
  ys: Int32Array,
  amplitude: number,
  relax: RelaxKind,
  encoding: TargetEncoding = "signed",
  meter?: PhysicalMeter,
): { loss: number; accuracy: number } {
  const out = new Float64Array(model.nOutputs);
  const y = new Float64Array(model.nOutputs);
  let loss = 0;
  let correct = 0;
  model.setNudge(0, null);
  for (let i = 0; i < xs.length; i++) {
    model.setInputs(xs[i]);
    model.settle({ kind: relax });
    model.outputs(out);
    targetVector(ys[i], model.nOutputs, amplitude, encoding, y);
    for (let k = 0; k < out.length; k++) loss += 0.5 * (out[k] - y[k]) ** 2;
    if (predict(out) === ys[i]) correct++;
    meter?.endSample();
  }
  return { loss: loss / Math.max(1, xs.length), accuracy: correct / Math.max(1, xs.length) };
}

/**
 * Train `model` on `data`. Resumes from `resume` when given (conductances,
 * random state and metrics). Returns every epoch's metrics.
 */
export function train(model: EqModel, data: Dataset, opts: TrainOptions, hooks: TrainHooks = {}, resume?: Checkpoint, names = { netlist: "", dataset: "" }): EpochMetrics[] {
  checkDatasetFits(data, model.nInputs, model.nOutputs);
  const rng = new Rng(opts.seed);
  model.gauss = () => rng.gauss();
  model.readNoise = opts.hardware.readNoise ?? 0;
  const hw = new Hardware(opts.hardware, model.gLo, model.gHi, rng);
  const g = model.getConductances();
  const metrics: EpochMetrics[] = [];
  let startEpoch = 1;
  if (resume) {
    startEpoch = restoreCheckpoint(model, resume, g, rng, metrics);
    if (resume.solverState?.length === model.engine.x.length) model.restoreState(Float64Array.from(resume.solverState));
  } else {
    hw.constrain(g);
  }
  model.setConductances(g);
  const bank = model.circuit.resistors.g;

  requireEstimable(opts.estimator, model.circuit);
  const estimator = makeEstimator(opts.estimator, { beta: opts.beta, relax: { kind: opts.relax } });
  // Ideal devices: a batch of one fuses contrast and update (EqModel.contrastUpdate); larger
  // batches keep per-row/column factors and update once per batch (EqModel.accumulate).
  const ideal = hw.idealUniform && model.readNoise === 0 && isContrastEstimator(estimator) ? estimator : null;
  model.batchCapacity = opts.batch;
  model.polish = 1;
  const m = g.length;
  const grad = new Float64Array(model.nParams);
  const acc = new Float64Array(model.nParams);
  const y = new Float64Array(model.nOutputs);
  const order = Int32Array.from({ length: data.xTrain.length }, (_, i) => i);
  const baseScale = -opts.lr * model.G0 * model.G0;
  const testX = data.xTest.length ? data.xTest : data.xTrain;
  const testY = data.xTest.length ? data.yTest : data.yTrain;
  const meter = opts.relax === "ode" ? new PhysicalMeter(model) : undefined;

  for (let epoch = startEpoch; epoch <= opts.epochs; epoch++) {
    const t0 = performance.now();
    const gStart = model.getConductances();
    const scale = baseScale * Math.pow(opts.lrDecay, epoch - 1);
    // The order depends only on the random state, so a resumed run replays it exactly.
    for (let i = 0; i < order.length; i++) order[i] = i;
    rng.shuffle(order);
    let lossSum = 0;
    let correct = 0;
    let inBatch = 0;
    acc.fill(0);
    for (let s = 0; s < order.length; s++) {
      const i = order[s];
      model.setInputs(data.xTrain[i]);
      targetVector(data.yTrain[i], model.nOutputs, opts.targetAmplitude, opts.targets, y);
      if (ideal) {
        const r = ideal.phases(model, y);
        lossSum += r.loss;
        if (predict(r.outputs) === data.yTrain[i]) correct++;
        if (opts.batch === 1) model.contrastUpdate(r.V1, r.V0, scale * r.factor, hw.lo[0], hw.hi[0], r.amplified);
        else {
          model.accumulate(r.V1, r.V0, r.factor, r.amplified);
          inBatch++;
          if (inBatch === opts.batch || s === order.length - 1) {
            model.applyBatch(scale / inBatch, hw.lo[0], hw.hi[0]);
            inBatch = 0;
          }
        }
        meter?.endSample();
        hooks.onSample?.(s + 1, order.length);
        continue;
      }
      const r = estimator.gradient(model, y, grad);
      lossSum += r.loss;
      if (predict(r.outputs) === data.yTrain[i]) correct++;
      inBatch++;
      const last = inBatch === opts.batch || s === order.length - 1;
      if (opts.batch > 1) for (let k = 0; k < acc.length; k++) acc[k] += grad[k];
      if (last) {
        // dg = -lr G0^2 <dL/dg> (times each group's multiplier), applied in place to the circuit's conductances.
        const step = opts.batch > 1 ? acc : grad;
        for (const grp of model.lrGroups) if (grp.lr !== 1) for (let k = grp.start; k < grp.end; k++) step[k] *= grp.lr;
        hw.applyToBank(bank, model.tIndex, step.subarray(0, m), scale / inBatch, rng);
        // Biases in normalized units too: di = -lr (G0 * 1 V)^2 dL/di.
        if (model.biases.length) model.addToBiases(step, scale / inBatch);
        model.engine.invalidate();
        if (opts.batch > 1) acc.fill(0);
        inBatch = 0;
      }
      meter?.endSample();
      hooks.onSample?.(s + 1, order.length);
    }
    const trainSeconds = (performance.now() - t0) / 1000;
    const trainPhysical = meter?.take();
    const test = evaluate(model, testX, testY, opts.targetAmplitude, opts.relax, opts.targets, meter);
    const seconds = (performance.now() - t0) / 1000;
    const em: EpochMetrics = {
      epoch,
      trainLoss: lossSum / order.length,
      trainAccuracy: correct / order.length,
      testLoss: test.loss,
      testAccuracy: test.accuracy,
      seconds,
      samplesPerSecond: order.length / trainSeconds,
      conductancesChanged: changedFraction(gStart, model.getConductances(g)),
    };
    if (meter) em.physical = { train: trainPhysical!, test: meter.take() };
    metrics.push(em);
    hooks.onEpoch?.(em, checkpointOf(model, opts, names, epoch, metrics, rng.state, model.engine.x));
  }
  return metrics;
}

/**
 * Continue from a checkpoint: its conductances into g (S, trainable order),
 * its biases into the model, its random state into rng, its epochs' metrics
 * into `metrics`. Returns the first epoch to run. (The solver state is the
 * caller's: one state, or one per worker.)
 */
export function restoreCheckpoint(model: EqModel, resume: Checkpoint, g: Float64Array, rng: Rng, metrics: EpochMetrics[]): number {
  if (resume.conductances.length !== g.length) {
    throw new InputError(`checkpoint has ${resume.conductances.length} conductances but the netlist has ${g.length} trainable devices`);
  }
  g.set(resume.conductances);
  if (resume.biases?.length === model.biases.length) model.setBiases(resume.biases);
  rng.state = resume.rngState >>> 0;
  metrics.push(...resume.metrics);
  return resume.epoch + 1;
}

/** The checkpoint after `epoch`: the model's conductances and biases, the random state, the solver state to warm-start from. */
export function checkpointOf(
  model: EqModel,
  opts: TrainOptions,
  names: { netlist: string; dataset: string },
  epoch: number,
  metrics: EpochMetrics[],
  rngState: number,
  solverState: ArrayLike<number>,
): Checkpoint {
  return {
    version: 1,
    netlist: names.netlist,
    dataset: names.dataset,
    options: opts,
    epoch,
    conductances: Array.from(model.getConductances()),
    biases: model.biases.length ? Array.from(model.getBiases()) : undefined,
    rngState,
    solverState: Array.from(solverState),
    metrics: [...metrics],
  };
}

/** Fraction of entries that differ between two conductance vectors. */
function changedFraction(a: Float64Array, b: Float64Array): number {
  let n = 0;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) n++;
  return a.length ? n / a.length : 0;
}
