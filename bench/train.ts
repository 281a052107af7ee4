/**
 * Training throughput: samples per second on one core, MNIST DRN-XS
 * (netlists/mnist.cir, 784-100-10 with ideal diodes and biases) with the
 * netlist's own recipe (*@defaults: batch 4, onehot targets, input gain
 * 100 V), centered EqProp (3 phases per sample) beside the exact-gradient
 * estimator (1 phase + an adjoint solve), and the same network with gain-4
 * bidirectional amplifiers (netlists/mnist-amp4.cir), in the same run.
 * Goals: >= 3,000 samples/s for centered EqProp with the default relax
 * (`auto`: the layered solver, analysis/layered.ts; Scellier 2024 reports
 * about 333 samples/s on an A100 for this size), the general sparse
 * Newton beside it as the baseline (same equilibria: the final
 * conductances must agree), the amplifier network at >= 2/3 of the plain
 * one's speed, and DRN-1H (784-1024-10, built here) at >= 400 samples/s.
 *
 * Then --relax ode against --relax newton on the same network.
 *
 *   node dist/bench/run.js train [--samples 1000] [--reps 3] [--samples-1h 200] [--ode-samples 200]
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
import { buildDrn } from "../circuits/drn.js";
import { loadCircuitFromText } from "../src/api.js";

export const description = "training throughput (samples/s, one core): MNIST DRN-XS with the layered solver vs the general Newton, centered EqProp vs exact gradient, with and without gain-4 amplifiers, DRN-1H, and --relax ode vs newton";

type Relax = "auto" | "newton" | "bcd" | "ode";

/** DRN-1H as Scellier 2024 builds it (input gain 480), as netlist text, built once. */
let drn1h: string | null = null;

async function throughput(netlist: string, estimator: EstimatorName, n: number, relax: Relax): Promise<{ sps: number; work: number; g: Float64Array }> {
  const circuit =
    netlist === "drn-1h"
      ? loadCircuitFromText((drn1h ??= buildDrn({ layers: [784, 1024, 10], inputGain: 480 }).text), "drn-1h.cir")
      : loadCircuit(join(ROOT, "netlists", netlist));
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
  const cases: Array<[string, string, EstimatorName, Relax]> = [
    ["centered (auto)", "mnist.cir", "centered", "auto"],
    ["centered (newton)", "mnist.cir", "centered", "newton"],
    ["exact (auto)", "mnist.cir", "exact", "auto"],
    ["centered (bcd)", "mnist.cir", "centered", "bcd"],
    ["centered, gain 4", "mnist-amp4.cir", "centered", "auto"],
  ];
  const sps = cases.map(() => [] as number[]);
  const work = cases.map(() => 0);
  let dg = 0;
  let gmax = 0;
  for (let r = 0; r < reps; r++) {
    const finals: Float64Array[] = [];
    for (const [i, [, net, est, relax]] of cases.entries()) {
      const t = await throughput(net, est, n, relax);
      sps[i].push(t.sps);
      work[i] = t.work;
      finals.push(t.g);
    }
    // The layered solver and the general Newton reach the same equilibria: the same training.
    for (let k = 0; k < finals[0].length; k++) {
      dg = Math.max(dg, Math.abs(finals[0][k] - finals[1][k]));
      gmax = Math.max(gmax, Math.abs(finals[1][k]));
    }
  }
  console.log(`   ${"estimator".padEnd(22)} ${"samples/s".padStart(10)} ${"solver work/sample".padStart(20)}`);
  cases.forEach(([name], i) => console.log(`   ${name.padEnd(22)} ${median(sps[i]).toFixed(1).padStart(10)} ${work[i].toFixed(1).padStart(20)}`));
  const centered = median(sps[0]);
  console.log(`   centered EqProp: ${centered.toFixed(0)} samples/s = ${(centered / 3000).toFixed(2)}x the 3,000 samples/s goal; layered/general Newton = ${(centered / median(sps[1])).toFixed(2)}; exact/centered = ${(median(sps[2]) / centered).toFixed(2)}`);
  console.log(`   after ${n} samples, max |g_auto - g_newton| = ${dg.toExponential(2)} S (${(dg / gmax).toExponential(2)} of the largest)`);
  console.log(`   gain-4 amplifiers / plain = ${(median(sps[4]) / centered).toFixed(2)} (goal >= 0.67)`);
  const n1 = intFlag(f, "samples-1h", 200);
  const h = [] as number[];
  for (let r = 0; r < reps; r++) h.push((await throughput("drn-1h", "centered", n1, "auto")).sps);
  console.log(`   DRN-1H (784-1024-10, gain 480), centered, ${n1} samples: ${median(h).toFixed(1)} samples/s = ${(median(h) / 400).toFixed(2)}x the 400 samples/s goal`);
  await odeVsNewton(intFlag(f, "ode-samples", 200), reps);
}
