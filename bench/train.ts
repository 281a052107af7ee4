/**
 * Training throughput: samples per second on one core, MNIST 784-100-10
 * (netlists/mnist.cir), centered EqProp (3 phases per sample) beside the
 * exact-gradient estimator (1 phase + an adjoint solve) in the same run.
 * Goal: >= 300 samples/s for centered EqProp, the throughput Scellier 2024
 * reports on an A100 for this size (10 epochs of 60,000 in 30 min).
 *
 *   node dist/bench/run.js train [--samples 1000] [--reps 3]
 */
import { join } from "node:path";
import { loadCircuit } from "../src/api.js";
import { loadDataset } from "../src/data/sources.js";
import { scaleInputs } from "../src/data/dataset.js";
import { EqModel } from "../src/train/model.js";
import { normalizeTrainOptions, train } from "../src/train/trainer.js";
import type { EstimatorName } from "../src/train/estimators.js";
import { ROOT, intFlag, median, parseFlags } from "./common.js";

export const description = "training throughput (samples/s, one core): MNIST 784-100-10, centered EqProp vs exact gradient";

function throughput(estimator: EstimatorName, n: number, relax: "newton" | "bcd"): { sps: number; work: number } {
  const model = new EqModel(loadCircuit(join(ROOT, "netlists", "mnist.cir")));
  const data = scaleInputs(loadDataset("mnist"), 4);
  data.xTrain = data.xTrain.slice(0, n);
  data.yTrain = data.yTrain.slice(0, n);
  data.xTest = data.xTest.slice(0, 1);
  data.yTest = data.yTest.slice(0, 1);
  const m = train(model, data, normalizeTrainOptions({ epochs: 1, estimator, relax, lr: 2 }));
  return { sps: m[0].samplesPerSecond, work: model.work / n };
}

export async function run(argv: string[]): Promise<void> {
  const f = parseFlags(argv);
  const n = intFlag(f, "samples", 1000);
  const reps = intFlag(f, "reps", 3);
  console.log(`== train: ${description}`);
  console.log(`   ${n} samples per measurement, median of ${reps}; Node runs JS on one thread`);
  const rows: Array<[string, number, number]> = [];
  for (const [est, relax] of [
    ["centered", "newton"],
    ["exact", "newton"],
    ["centered", "bcd"],
  ] as Array<[EstimatorName, "newton" | "bcd"]>) {
    const sps: number[] = [];
    let work = 0;
    for (let r = 0; r < reps; r++) {
      const t = throughput(est, n, relax);
      sps.push(t.sps);
      work = t.work;
    }
    rows.push([`${est} (${relax})`, median(sps), work]);
  }
  console.log(`   ${"estimator".padEnd(22)} ${"samples/s".padStart(10)} ${"solver work/sample".padStart(20)}`);
  for (const [name, sps, work] of rows) console.log(`   ${name.padEnd(22)} ${sps.toFixed(1).padStart(10)} ${work.toFixed(1).padStart(20)}`);
  const centered = rows[0][1];
  console.log(`   centered EqProp: ${centered.toFixed(0)} samples/s = ${(centered / 300).toFixed(2)}x the 300 samples/s goal; exact/centered = ${(rows[1][1] / centered).toFixed(2)}`);
}
