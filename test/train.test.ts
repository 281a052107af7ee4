/**
 * Training acceptance: XOR and iris learn; estimators match the exact
 * gradient (itself checked against finite differences of the loss); the
 * minimizers agree; runs are reproducible and resumable; bad input fails
 * clearly.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCircuit, loadCircuitFromText } from "../src/api.js";
import { buildLayered } from "../circuits/layered.js";
import { EqModel } from "../src/train/model.js";
import { makeEstimator } from "../src/train/estimators.js";
import { gradcheck } from "../src/train/gradcheck.js";
import { runTrainJob } from "../src/train/run.js";
import { loadDataset } from "../src/data/sources.js";
import { scaleInputs, targetFor } from "../src/data/dataset.js";
import { InputError } from "../src/util/errors.js";

const tmp = () => mkdtempSync(join(tmpdir(), "eqspice-train-"));

/** Train XOR from the same seed with two minimizers; the largest relative conductance difference. */
async function conductanceGap(r1: "newton" | "bcd" | "ode", r2: "newton" | "bcd" | "ode", epochs: number): Promise<number> {
  const run = (relax: typeof r1) => runTrainJob({ netlist: "netlists/xor.cir", dataset: "xor", options: { epochs, relax, seed: 5 } });
  const ga = (await run(r1)).model.getConductances();
  const gb = (await run(r2)).model.getConductances();
  let worst = 0;
  for (let k = 0; k < ga.length; k++) worst = Math.max(worst, Math.abs(ga[k] - gb[k]) / ga[k]);
  return worst;
}

function deepModel(seed = 2): EqModel {
  return new EqModel(loadCircuitFromText(buildLayered({ layers: [4, 8, 8, 3], seed }).text, "deep.cir"));
}

describe("learning", () => {
  it("XOR reaches 100% accuracy within 200 epochs from netlists/xor.cir", async () => {
    const r = await runTrainJob({ netlist: "netlists/xor.cir", dataset: "xor", options: { epochs: 200 } });
    const first = r.metrics.find((m) => m.trainAccuracy === 1 && m.testAccuracy === 1);
    expect(first, "some epoch reaches 100%").toBeDefined();
    expect(r.metrics[r.metrics.length - 1].testAccuracy).toBe(1);
  });

  it("iris reaches >= 95% test accuracy", async () => {
    const r = await runTrainJob({ netlist: "netlists/iris.cir", dataset: "iris", options: { epochs: 30, lr: 0.2, lrDecay: 0.9 } });
    const last = r.metrics[r.metrics.length - 1];
    expect(r.data.xTest.length).toBe(30);
    expect(last.testAccuracy).toBeGreaterThanOrEqual(0.95);
  });
});

describe("gradients", () => {
  it("the exact gradient equals finite differences of the loss", () => {
    const model = deepModel();
    const data = scaleInputs(loadDataset("iris"), 4);
    const y = targetFor(data.yTrain[0], 3, 0.1, new Float64Array(3));
    model.setInputs(data.xTrain[0]);
    const m = model.tIndex.length;
    const gExact = new Float64Array(m);
    makeEstimator("exact", { beta: 1, relax: { kind: "newton" } }).gradient(model, y, gExact);
    const g0 = model.getConductances();
    const loss = () => {
      model.setNudge(0, null);
      model.settle({ kind: "newton" });
      const out = model.outputs(new Float64Array(3));
      return out.reduce((s, o, k) => s + 0.5 * (o - y[k]) ** 2, 0);
    };
    // Devices in every layer: first crossbar, second crossbar, output crossbar.
    for (const k of [0, 5, 40, 60, 110, 150, m - 1]) {
      const h = g0[k] * 1e-4;
      const g = Float64Array.from(g0);
      g[k] += h;
      model.setConductances(g);
      const lp = loss();
      g[k] -= 2 * h;
      model.setConductances(g);
      const lm = loss();
      model.setConductances(g0);
      const fd = (lp - lm) / (2 * h);
      expect(Math.abs(fd - gExact[k])).toBeLessThanOrEqual(1e-5 * Math.abs(gExact[k]) + 1e-9 * Math.abs(lp / g0[k]));
    }
  });

  it("centered EqProp at beta = 1e-3 has cosine >= 0.999 with the exact gradient (2 hidden layers)", () => {
    const r = gradcheck(deepModel(), scaleInputs(loadDataset("iris"), 4), { beta: 1e-3, estimator: "centered", samples: 8 });
    expect(r.cosine).toBeGreaterThanOrEqual(0.999);
    expect(r.relativeError).toBeLessThan(1e-4);
  });

  it("one-sided estimators' error falls like beta, the centered one's like beta^2", () => {
    const data = scaleInputs(loadDataset("iris"), 4);
    const model = deepModel();
    const err = (estimator: "centered" | "positive" | "negative", beta: number) =>
      gradcheck(model, data, { beta, estimator, samples: 4 }).relativeError;
    for (const e of ["positive", "negative"] as const) {
      const ratio = err(e, 1e-2) / err(e, 1e-3);
      expect(ratio).toBeGreaterThan(7);
      expect(ratio).toBeLessThan(14);
    }
    const ratio = err("centered", 1e-1) / err("centered", 1e-2);
    expect(ratio).toBeGreaterThan(70);
  });

  it("newton and block coordinate descent reach the same equilibria: same conductances after training", async () => {
    // Both solve each phase to ~1e-12 V; 30 epochs of updates amplify that to ~1e-6.
    expect(await conductanceGap("newton", "bcd", 30)).toBeLessThan(1e-4);
  });
});

describe("physical relaxation", () => {
  it("training XOR with the ODE relaxation (the hardware's own dynamics) gives Newton's conductances", async () => {
    // The ODE phases settle to 1e-10 V; after 120 updates the conductances agree to ~4e-7.
    expect(await conductanceGap("newton", "ode", 10)).toBeLessThan(1e-5);
  });
});

describe("runs", () => {
  it("same seed, same result; a resumed run equals an uninterrupted one", async () => {
    const full = tmp();
    const part = tmp();
    const opts = { epochs: 12, seed: 7, batch: 2 };
    const a = await runTrainJob({ netlist: "netlists/iris.cir", dataset: "iris", options: opts, out: full });
    await runTrainJob({ netlist: "netlists/iris.cir", dataset: "iris", options: { ...opts, epochs: 5 }, out: part });
    const b = await runTrainJob({ netlist: "netlists/iris.cir", dataset: "iris", options: { ...opts, epochs: 12 }, out: part, resume: true });
    expect(Array.from(b.model.getConductances())).toEqual(Array.from(a.model.getConductances()));
    const strip = (ms: typeof a.metrics) => ms.map(({ seconds: _s, samplesPerSecond: _p, ...rest }) => rest);
    expect(strip(b.metrics)).toEqual(strip(a.metrics));
    const mj = JSON.parse(readFileSync(join(part, "metrics.json"), "utf8"));
    expect(mj.epochs).toHaveLength(12);
    expect(readFileSync(join(part, "trained.cir"), "utf8")).toContain("*@train");
  });

  it("hardware constraints: levels put every conductance on the grid, within the range", async () => {
    const r = await runTrainJob({ netlist: "netlists/iris.cir", dataset: "iris", options: { epochs: 2, hardware: { gmin: 1e-7, gmax: 1e-5, levels: 16, writeNoise: 0.01, asymmetry: 0.2 } } });
    const q = (1e-5 - 1e-7) / 15;
    for (const g of r.model.getConductances()) {
      expect(g).toBeGreaterThanOrEqual(1e-7 * (1 - 1e-12));
      expect(g).toBeLessThanOrEqual(1e-5 * (1 + 1e-12));
      const steps = (g - 1e-7) / q;
      expect(Math.abs(steps - Math.round(steps))).toBeLessThan(1e-6);
    }
  });
});

describe("bad input", () => {
  it("a dataset whose width does not match the inputs", async () => {
    await expect(runTrainJob({ netlist: "netlists/xor.cir", dataset: "iris", options: { epochs: 1 } })).rejects.toThrow(/4 features .* 2 inputs/);
  });

  it("labels out of range", async () => {
    await expect(runTrainJob({ netlist: "netlists/xor.cir", dataset: "test/fixtures/train/bad-labels.csv", options: { epochs: 1 } })).rejects.toThrow(/label 5 is out of range/);
  });

  it("a netlist without outputs", () => {
    expect(() => new EqModel(loadCircuit("test/fixtures/train/no-outputs.cir"))).toThrow(InputError);
    expect(() => new EqModel(loadCircuit("test/fixtures/train/no-outputs.cir"))).toThrow(/no outputs/);
  });

  it("a CSV dataset trains (feature columns, then the label)", async () => {
    const r = await runTrainJob({ netlist: "netlists/xor.cir", dataset: "test/fixtures/train/xor-like.csv", options: { epochs: 3 } });
    expect(r.metrics).toHaveLength(3);
  });

  it("bad options are rejected before training", async () => {
    await expect(runTrainJob({ netlist: "netlists/xor.cir", dataset: "xor", options: { beta: -1 } })).rejects.toThrow(/--beta/);
    await expect(runTrainJob({ netlist: "netlists/xor.cir", dataset: "nope", options: {} })).rejects.toThrow(/unknown dataset/);
    const dir = tmp();
    writeFileSync(join(dir, "checkpoint.json"), "{not json");
    await expect(runTrainJob({ netlist: "netlists/xor.cir", dataset: "xor", options: {}, out: dir, resume: true })).rejects.toThrow(/not a valid checkpoint/);
  });
});
