/**
 * Inference only: the test-set accuracy and loss of a (trained) circuit, as
 * `eqspice eval` reports them. The circuit is read as it is (its current
 * conductances and biases); the free phase settles for each test sample.
 */
import { loadCircuit } from "../api.js";
import { checkDatasetFits, scaleInputs } from "../data/dataset.js";
import { limitDataset, loadDataset } from "../data/sources.js";
import type { Circuit } from "../circuit/circuit.js";
import type { Dataset } from "../data/dataset.js";
import { InputError } from "../util/errors.js";
import { Rng } from "../util/rng.js";
import { netlistDefaults } from "./job-defaults.js";
import { defaultOf, resolveOptions, type OptionValues } from "./option-specs.js";
import { EqModel, type RelaxKind } from "./model.js";
import { evaluate } from "./trainer.js";
import type { TargetEncoding } from "./targets.js";
import { PhysicalMeter, type PhysicalStats } from "./physical.js";

export interface EvalJob {
  netlist: string;
  dataset: string;
  /** Input gain / range (V); default the netlist's *@defaults vin, else 4. */
  vin?: number;
  /** Target amplitude (V) and encoding for the loss; default the netlist's, else 0.1 V signed. */
  target?: number;
  targets?: TargetEncoding;
  /** Evaluate on the first n test samples. */
  limitTest?: number;
  relax?: RelaxKind;
  /** Read noise (V): std of noise added to every output reading. Default 0. */
  readNoise?: number;
  /** Seed of the read noise. Default 1. */
  seed?: number;
  /** A circuit already loaded (then `netlist` only names it). */
  circuit?: Circuit;
  /** A dataset already loaded, unscaled (then `dataset` only names it). */
  data?: Dataset;
}

export interface EvalResult {
  netlist: string;
  dataset: string;
  /** Fraction of test samples classified correctly (0..1). */
  testAccuracy: number;
  /** Mean loss |out - y|^2 / 2 over the test samples (V^2). */
  testLoss: number;
  samples: number;
  vin: number;
  targets: TargetEncoding;
  target: number;
  readNoise: number;
  seconds: number;
  /** `--relax ode` only: per test sample (inference, the free phase), settling time (s) and energy dissipated and drawn (J). */
  physical?: PhysicalStats;
}

/** An eval job from option values (the CLI's flags). */
export function evalJobOf(netlist: string, v: OptionValues): EvalJob {
  return { netlist, dataset: v.dataset!, vin: v.vin, target: v.targetAmplitude, targets: v.targets, limitTest: v.limitTest, relax: v.relax, readNoise: v.readNoise, seed: v.seed };
}

export async function evaluateNetlist(job: EvalJob): Promise<EvalResult> {
  const t0 = performance.now();
  const circuit = job.circuit ?? loadCircuit(job.netlist);
  const given: OptionValues = { vin: job.vin, targetAmplitude: job.target, targets: job.targets, relax: job.relax, limitTest: job.limitTest, readNoise: job.readNoise, seed: job.seed };
  const o = resolveOptions("eval", given, netlistDefaults(circuit).values);
  const { vin, targetAmplitude: target, targets, relax, seed } = o as Required<typeof o>;
  const readNoise = o.readNoise ?? defaultOf("readNoise", "eval")!;
  const model = new EqModel(circuit);
  if (relax === "ode") await model.loadOde();
  const data = scaleInputs(job.data ? limitDataset(job.data, { limitTest: job.limitTest }) : loadDataset(job.dataset, { limitTest: job.limitTest }), vin);
  checkDatasetFits(data, model.nInputs, model.nOutputs);
  if (!data.xTest.length) throw new InputError(`dataset '${job.dataset}' has no test split to evaluate on`);
  const rng = new Rng(seed);
  model.readNoise = readNoise;
  model.gauss = () => rng.gauss();
  const meter = relax === "ode" ? new PhysicalMeter(model) : undefined;
  const r = evaluate(model, data.xTest, data.yTest, target, relax, targets, meter);
  return {
    netlist: job.netlist,
    dataset: job.dataset,
    testAccuracy: r.accuracy,
    testLoss: r.loss,
    samples: data.xTest.length,
    vin,
    targets,
    target,
    readNoise,
    seconds: (performance.now() - t0) / 1000,
    ...(meter ? { physical: meter.take() } : {}),
  };
}
