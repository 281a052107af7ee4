/**
 * Training throughput: samples per second on one core, MNIST DRN-XS
 * (netlists/mnist.cir, 784-100-10 with ideal diodes and biases) with the
 * netlist's own recipe (*@defaults: batch 4, onehot targets, input gain
 * 100 V), centered EqProp (3 phases per sample) beside the exact-gradient
 * estimator (1 phase + an adjoint solve), and the same network with gain-4
 * bidirectional amplifiers (netlists/mnist-amp4.cir), in the same run.
 * Goals: >= 300 samples/s for centered EqProp (Scellier 2024 reports about
 * 333 samples/s on an A100 for this size: 10 epochs of 60,000 in 30 min),
 * and the amplifier network at >= 2/3 of the plain one's speed.
 *
 * Then --relax ode against --relax newton on the same network.
 *
 *   node dist/bench/run.js train [--samples 1000] [--reps 3] [--ode-samples 200]
 */
import { join } from "node:path";
import { loadCircuit } from "../src/api.js";
import { loadDataset } from "../src/data/sources.js";
import { scaleInputs } from "../src/data/dataset.js";
import { EqModel } from "../src/train/model.js";
import { normalizeTrainOptions, train } from "../src/train/trainer.js";
import { netlistDefaults } from "../src/train/job-defaults.js";
import type { EstimatorName } from "../src/train/estimators.js";
import { ROOT, intFlag, median, parseFlags } from "./common.js";

export const description = "training throughput (samples/s, one core): MNIST DRN-XS, centered EqProp vs exact gradient, with and without gain-4 amplifiers, and --relax ode vs newton";

async function throughput(netlist: string, estimator: EstimatorName, n: number, relax: "newton" | "bcd" | "ode"): Promise<{ sps: number; work: number; g: Float64Array }> {
  const circuit = loadCircuit(join(ROOT, "netlists", netlist));
  const nd = netlistDefaults(circuit);
  const model = new EqModel(circuit);
  if (relax === "ode") await model.loadOde();
  const data = scaleInputs(loadDataset("mnist", { limitTrain: n, limitTest: 1 }), nd.vin ?? 100);
  const m = train(model, data, normalizeTrainOptions({ ...nd.options, epochs: 1, estimator, relax }));
  return { sps: m[0].samplesPerSecond, work: model.work / n, g: model.getConductances() };
}

/**
 * --relax ode (the physical relaxation, integrated in time) against --relax
 * newton on the shipped MNIST network, same samples and seed, alternating:
 * samples/s and the agreement of the final conductances (goal: ode >= 1/3
 * of newton's samples/s).
 */
async function odeVsNewton(n: number, reps: number): Promise<void> {
  const sps = { newton: [] as number[], ode: [] as number[] };
  let dg = 0;
  let gmax = 0;
  for (let r = 0; r < reps; r++) {
    const a = await throughput("mnist.cir", "centered", n, "newton");
    const b = await throughput("mnist.cir", "centered", n, "ode");
    sps.newton.push(a.sps);
    sps.ode.push(b.sps);
    for (let k = 0; k < a.g.length; k++) {
      dg = Math.max(dg, Math.abs(a.g[k] - b.g[k]));
      gmax = Math.max(gmax, Math.abs(a.g[k]));
    }
  }
  const ratio = median(sps.ode) / median(sps.newton);
  console.log(`   --relax ode vs newton, centered EqProp, ${n} samples, median of ${reps}:`);
  console.log(`     newton ${median(sps.newton).toFixed(1)} samples/s, ode ${median(sps.ode).toFixed(1)} samples/s: ode/newton = ${ratio.toFixed(3)} (goal >= 0.333)`);
  console.log(`     final conductances: max |g_ode - g_newton| = ${dg.toExponential(2)} S (${(dg / gmax).toExponential(2)} of the largest)`);
}

export async function run(argv: string[]): Promise<void> {
  const f = parseFlags(argv);
  const n = intFlag(f, "samples", 1000);
  const reps = intFlag(f, "reps", 3);
  console.log(`== train: ${description}`);
  console.log(`   ${n} samples per measurement, median of ${reps} (the rows alternate within each repetition); Node runs JS on one thread`);
  const cases: Array<[string, string, EstimatorName, "newton" | "bcd"]> = [
    ["centered (newton)", "mnist.cir", "centered", "newton"],
    ["exact (newton)", "mnist.cir", "exact", "newton"],
    ["centered (bcd)", "mnist.cir", "centered", "bcd"],
    ["centered, gain 4", "mnist-amp4.cir", "centered", "newton"],
  ];
  const sps = cases.map(() => [] as number[]);
  const work = cases.map(() => 0);
  for (let r = 0; r < reps; r++) {
    for (const [i, [, net, est, relax]] of cases.entries()) {
      const t = await throughput(net, est, n, relax);
      sps[i].push(t.sps);
      work[i] = t.work;
    }
  }
  console.log(`   ${"estimator".padEnd(22)} ${"samples/s".padStart(10)} ${"solver work/sample".padStart(20)}`);
  cases.forEach(([name], i) => console.log(`   ${name.padEnd(22)} ${median(sps[i]).toFixed(1).padStart(10)} ${work[i].toFixed(1).padStart(20)}`));
  const centered = median(sps[0]);
  console.log(`   centered EqProp: ${centered.toFixed(0)} samples/s = ${(centered / 300).toFixed(2)}x the 300 samples/s goal; exact/centered = ${(median(sps[1]) / centered).toFixed(2)}`);
  console.log(`   gain-4 amplifiers / plain = ${(median(sps[3]) / centered).toFixed(2)} (goal >= 0.67)`);
  await odeVsNewton(intFlag(f, "ode-samples", 200), reps);
}
