/**
 * Data-parallel training (`train --workers N`, src/train/parallel.ts): the
 * threaded path with one worker is the trainer's own arithmetic (bitwise),
 * a seed and a worker count give bitwise the same run, two workers learn
 * what one does (accuracy within 0.5 points on a small DRN on MNIST),
 * checkpoints resume exactly (and with another worker count), and what it
 * cannot run is refused with the reason. No timing here: the speed-up is in
 * bench/train.ts. The workers run the compiled library (dist/), so
 * `npx tsc -p .` must have run.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildDrn } from "../circuits/drn.js";
import { loadCircuit, loadCircuitFromText } from "../src/api.js";
import { loadDataset } from "../src/data/sources.js";
import { scaleInputs } from "../src/data/dataset.js";
import { EqModel } from "../src/train/model.js";
import { normalizeTrainOptions, train, type Checkpoint, type TrainOptions } from "../src/train/trainer.js";
import { netlistDefaults } from "../src/train/job-defaults.js";
import { trainParallel } from "../src/train/parallel.js";
import { runTrainJob } from "../src/train/run.js";
import { InputError } from "../src/util/errors.js";
import { ensureBuilt, ROOT, runCli } from "./helpers/build.js";

const tmp = () => mkdtempSync(join(tmpdir(), "eqspice-parallel-"));

/** A DRN netlist file (the workers load files). */
function drnFile(layers: number[], seed: number, inputGain?: number): string {
  const file = join(tmp(), `drn-${layers.join("-")}.cir`);
  writeFileSync(file, buildDrn({ layers, seed, inputGain }).text);
  return file;
}

/** The iris DRN: a dense 8 x 8 input crossbar, a sparse 8 x 3 output layer and 11 biases. */
const irisFile = drnFile([4, 8, 3], 3, 2);
const irisData = () => scaleInputs(loadDataset("iris"), 2);

function irisOptions(o: Partial<TrainOptions> = {}): TrainOptions {
  const nd = netlistDefaults(loadCircuit(irisFile));
  return normalizeTrainOptions({ ...nd.options, epochs: 3, lr: 0.05, batch: 4, ...o });
}

function params(model: EqModel): { g: number[]; b: number[] } {
  return { g: Array.from(model.getConductances()), b: Array.from(model.getBiases()) };
}

describe("train --workers", () => {
  beforeAll(() => ensureBuilt([join(ROOT, "dist", "src", "train", "parallel-worker.js")]), 180_000);

  it("with one worker thread the shared-memory path is the trainer's arithmetic, bit for bit (blocks, sparse devices, biases, metrics)", async () => {
    for (const batch of [4, 7]) {
      const opts = irisOptions({ batch });
      const seq = new EqModel(loadCircuit(irisFile));
      const mSeq = train(seq, irisData(), opts);
      const par = new EqModel(loadCircuit(irisFile));
      const mPar = await trainParallel(par, irisData(), opts, 1, irisFile);
      expect(params(par)).toEqual(params(seq));
      expect(mPar.map((m) => [m.trainLoss, m.trainAccuracy, m.testLoss, m.testAccuracy])).toEqual(mSeq.map((m) => [m.trainLoss, m.trainAccuracy, m.testLoss, m.testAccuracy]));
      // The run moved the parameters (the comparison is not between two untouched circuits).
      expect(params(seq)).not.toEqual(params(new EqModel(loadCircuit(irisFile))));
    }
  }, 120_000);

  it("a seed and a worker count give bitwise the same conductances and biases; two workers track one", async () => {
    const opts = irisOptions({ batch: 6 });
    const run = async (n: number) => {
      const model = new EqModel(loadCircuit(irisFile));
      const metrics = await trainParallel(model, irisData(), opts, n, irisFile);
      return { ...params(model), metrics };
    };
    const a = await run(2);
    const b = await run(2);
    expect(a.g).toEqual(b.g);
    expect(a.b).toEqual(b.b);
    expect(a.metrics).toHaveLength(3);
    expect(a.metrics.every((m) => m.workers === 2)).toBe(true);
    const one = await run(1);
    // Not the same numbers (each worker warm-starts from its own previous sample; column sums by row range) ...
    expect(a.g).not.toEqual(one.g);
    // ... but the same training to solver precision.
    let dg = 0;
    let gmax = 0;
    for (let k = 0; k < a.g.length; k++) {
      dg = Math.max(dg, Math.abs(a.g[k] - one.g[k]));
      gmax = Math.max(gmax, Math.abs(one.g[k]));
    }
    expect(dg / gmax).toBeLessThan(1e-4);
    // Three workers: rows split three ways, a batch of 6 two samples each.
    const c = await run(3);
    expect(c.metrics[2].testAccuracy).toBeCloseTo(one.metrics[2].testAccuracy, 1);
  }, 120_000);

  it("a network whose trainable hidden-to-hidden block is larger than its input crossbar (kernel scratch sized for every block): two workers track one", async () => {
    // 4 inputs (8 rows doubled) x 16, then 16 x 16 between the hidden layers: the second block needs more kernel scratch.
    const file = drnFile([4, 16, 16, 3], 5, 2);
    const nd = netlistDefaults(loadCircuit(file));
    const opts = normalizeTrainOptions({ ...nd.options, epochs: 2, lr: 0.05, batch: 4 });
    const run = async (n: number) => {
      const model = new EqModel(loadCircuit(file));
      await trainParallel(model, irisData(), opts, n, file);
      return params(model);
    };
    const two = await run(2);
    const one = await run(1);
    let dg = 0;
    let gmax = 0;
    for (let k = 0; k < two.g.length; k++) {
      dg = Math.max(dg, Math.abs(two.g[k] - one.g[k]));
      gmax = Math.max(gmax, Math.abs(one.g[k]));
    }
    expect(dg / gmax).toBeLessThan(1e-4);
    expect(two.g).not.toEqual(params(new EqModel(loadCircuit(file))).g);
  }, 120_000);

  it("two workers reach one worker's accuracy (within 0.5 points) on the shipped DRN-XS on an MNIST slice, deterministically", async () => {
    const file = join(ROOT, "netlists", "mnist.cir");
    const job = (workers: number) => runTrainJob({ netlist: file, dataset: "mnist", limitTrain: 2000, limitTest: 2000, options: { epochs: 1 }, workers });
    const one = await job(1);
    const two = await job(2);
    const again = await job(2);
    const [m1, m2] = [one.metrics[0], two.metrics[0]];
    expect(m1.testAccuracy).toBeGreaterThan(0.7); // it learns
    expect(Math.abs(m2.testAccuracy - m1.testAccuracy)).toBeLessThanOrEqual(0.005);
    expect(Math.abs(m2.trainAccuracy - m1.trainAccuracy)).toBeLessThanOrEqual(0.005);
    expect(m2.samplesPerSecond).toBeGreaterThan(0);
    expect(two.workers).toBe(2);
    expect(params(again.model)).toEqual(params(two.model));
  }, 300_000);

  it("checkpoints: a resumed run with the same worker count continues exactly; another count is allowed and recorded", async () => {
    const dir = tmp();
    const job = (out: string, epochs: number, workers?: number, resume = false) =>
      runTrainJob({ netlist: irisFile, dataset: "iris", out, resume, options: { epochs, lr: 0.05 }, workers });
    const straight = await job(join(dir, "a"), 3, 2);
    await job(join(dir, "b"), 1, 2);
    const ck1 = JSON.parse(readFileSync(join(dir, "b", "checkpoint.json"), "utf8")) as Checkpoint;
    expect(ck1.workers).toBe(2);
    expect(ck1.workerStates).toHaveLength(2);
    // --resume without --workers keeps the checkpoint's count.
    const resumed = await job(join(dir, "b"), 3, undefined, true);
    expect(resumed.workers).toBe(2);
    expect(params(resumed.model)).toEqual(params(straight.model));
    expect(resumed.metrics.map((m) => m.testAccuracy)).toEqual(straight.metrics.map((m) => m.testAccuracy));
    // Then one more epoch on this thread, and one on three workers.
    const seq = await job(join(dir, "b"), 4, 1, true);
    expect(seq.metrics.map((m) => m.workers ?? 1)).toEqual([2, 2, 2, 1]);
    const three = await job(join(dir, "b"), 5, 3, true);
    expect(three.metrics.map((m) => m.workers ?? 1)).toEqual([2, 2, 2, 1, 3]);
    const metrics = JSON.parse(readFileSync(join(dir, "b", "metrics.json"), "utf8"));
    expect(metrics.workers).toBe(3);
    expect(metrics.epochs.map((m: { workers?: number }) => m.workers ?? 1)).toEqual([2, 2, 2, 1, 3]);
    // trained.cir holds the shared weights the workers learned.
    const trained = new EqModel(loadCircuit(join(dir, "b", "trained.cir")));
    const g = trained.getConductances();
    const want = three.model.getConductances();
    for (let k = 0; k < g.length; k++) expect(g[k] / want[k]).toBeCloseTo(1, 6);
  }, 180_000);

  it("refuses what it cannot run, with the reason", async () => {
    const job = (o: Partial<TrainOptions>, workers = 2) => runTrainJob({ netlist: irisFile, dataset: "iris", options: { epochs: 1, ...o }, workers });
    await expect(job({ batch: 1 })).rejects.toThrow(/--workers 2 needs --batch >= 2 \(got --batch 1\)/);
    await expect(job({ batch: 2 }, 3)).rejects.toThrow(/--batch >= 3/);
    await expect(job({ hardware: { writeNoise: 0.01 } })).rejects.toThrow(/needs ideal devices/);
    await expect(job({ hardware: { levels: 16 } })).rejects.toThrow(/needs ideal devices/);
    await expect(job({ hardware: { readNoise: 1e-3 } })).rejects.toThrow(/needs ideal devices/);
    await expect(job({ relax: "ode" })).rejects.toThrow(/--relax auto, newton or bcd/);
    await expect(job({}, 0)).rejects.toThrow(InputError);
    await expect(job({}, 1.5)).rejects.toThrow(/positive integer/);
    // Bounds that differ between crossbars (the trainer's per-device hardware path).
    const mixed = join(tmp(), "mixed.cir");
    writeFileSync(mixed, readFileSync(irisFile, "utf8").replace(/^(\*@crossbar W2 .*)gmax=0\.0001/m, "$1gmax=0.0002"));
    expect(readFileSync(mixed, "utf8")).toMatch(/gmax=0\.0002 train/);
    await expect(runTrainJob({ netlist: mixed, dataset: "iris", options: { epochs: 1 }, workers: 2 })).rejects.toThrow(/one \[gmin, gmax\] range/);
    // A circuit made in memory: the workers have no file to load.
    const circuit = loadCircuitFromText(readFileSync(irisFile, "utf8"), "<netlist>");
    await expect(runTrainJob({ netlist: "<netlist>", circuit, dataset: "iris", options: { epochs: 1 }, workers: 2 })).rejects.toThrow(/loads the netlist file/);
  }, 60_000);

  it("the CLI takes --workers and says what it needs", async () => {
    const out = join(tmp(), "run");
    const ok = await runCli(["train", irisFile, "--dataset", "iris", "--epochs", "1", "--workers", "2", "--out", out]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, "metrics.json"), "utf8")).final.workers).toBe(2);
    const bad = await runCli(["train", irisFile, "--dataset", "iris", "--epochs", "1", "--workers", "2", "--batch", "1", "--out", out]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--workers 2 needs --batch >= 2/);
  }, 60_000);
});
