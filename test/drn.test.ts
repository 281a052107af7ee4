/**
 * Deep resistive networks (Scellier 2024): the builder, trainable
 * current-source biases, the netlist's *@defaults, the deferred mini-batch
 * update, the exact gradient as a contrast, `eval`, and the shipped MNIST
 * network on a CI-sized slice (it learns, EqProp tracks the exact gradient,
 * and its diodes matter).
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildDrn } from "../circuits/drn.js";
import { loadCircuitFromText } from "../src/api.js";
import { loadDataset } from "../src/data/sources.js";
import { scaleInputs } from "../src/data/dataset.js";
import { EqModel } from "../src/train/model.js";
import { makeEstimator, isContrastEstimator } from "../src/train/estimators.js";
import { gradcheck } from "../src/train/gradcheck.js";
import { runTrainJob } from "../src/train/run.js";
import { evaluateNetlist } from "../src/train/eval.js";
import { targetVector } from "../src/train/targets.js";
import { NetlistError } from "../src/util/errors.js";
import { runCli } from "./helpers/build.js";
import { itNgspice, runNgspiceOp } from "./helpers/ngspice.js";
import { exportSpiceText } from "../src/netlist/export.js";
import { opFromFile } from "../src/api.js";

const tmp = () => mkdtempSync(join(tmpdir(), "eqspice-drn-"));

/** A small DRN on iris: 4 inputs (doubled), 8 hidden units, 3 outputs. */
function irisDrn(seed = 3): { model: EqModel; text: string } {
  const text = buildDrn({ layers: [4, 8, 3], seed, inputGain: 2 }).text;
  return { model: new EqModel(loadCircuitFromText(text, "iris-drn.cir")), text };
}

function irisData() {
  return scaleInputs(loadDataset("iris"), 2);
}

describe("DRN builder", () => {
  it("builds half excitatory, half inhibitory ideal diodes at 0 V, biases and the paper's defaults", () => {
    const { text, beta, gnudge } = buildDrn({ layers: [6, 4, 3] });
    expect(text.match(/^DE1_\d+ 0 h1_\d+ DIDEAL$/gm)).toHaveLength(2);
    expect(text.match(/^DI1_\d+ h1_\d+ 0 DIDEAL$/gm)).toHaveLength(2);
    expect(text.match(/^IB\d+_\d+ 0 \S+ DC 0$/gm)).toHaveLength(4 + 3);
    expect(text).toMatch(/^\*@defaults epochs=10 lr=0.006 batch=4 lr-decay=0.99 beta=\S+ vin=100 targets=onehot target=1$/m);
    expect(text).not.toMatch(/^V(BU|BD)/m); // no bias voltage sources
    // beta is a nudge of 1 gunit in units of the outputs' self-conductance, which the model measures itself.
    const model = new EqModel(loadCircuitFromText(text, "d.cir"));
    expect(model.Gnudge / gnudge).toBeCloseTo(1, 10);
    expect((beta * model.Gnudge) / 1e-4).toBeCloseTo(1, 3);
    expect(model.biases).toHaveLength(7);
    expect(model.G0).toBe(1e-4);
  });

  it("the shipped netlists are exactly what the builder writes (mnist.cir, mnist-amp4.cir, mnist-kendall.cir, drn-1h.cir, drn-2h-256.cir)", () => {
    expect(buildDrn({ layers: [784, 100, 10] }).text).toBe(readFileSync("netlists/mnist.cir", "utf8"));
    expect(buildDrn({ layers: [784, 100, 10], gain: 4 }).text).toBe(readFileSync("netlists/mnist-amp4.cir", "utf8"));
    // Kendall et al.'s hardware: 1N4148-like diodes to knee bias sources, gain-4 bidirectional amplifiers.
    expect(buildDrn({ layers: [784, 100, 10], gain: 4, diode: { is: 2.52e-9, n: 1.752 } }).text).toBe(readFileSync("netlists/mnist-kendall.cir", "utf8"));
    // The larger rows: DRN-1H with Scellier's input gain 480, and a 2-hidden-layer network with per-layer learning rates.
    expect(buildDrn({ layers: [784, 1024, 10], inputGain: 480 }).text).toBe(readFileSync("netlists/drn-1h.cir", "utf8"));
    expect(buildDrn({ layers: [784, 256, 256, 10], inputGain: 600, layerLr: [0.3333333, 1, 3] }).text).toBe(readFileSync("netlists/drn-2h-256.cir", "utf8"));
  });

  it("the diodes clamp: excitatory units stay >= 0 and inhibitory ones <= 0 (to within the 25 mV forward drop)", () => {
    const { model } = irisDrn();
    const data = irisData();
    let below = 0;
    let above = 0;
    for (let s = 0; s < 20; s++) {
      model.setInputs(data.xTrain[s]);
      model.settle({ kind: "newton" });
      const V = model.engine.V;
      const c = model.circuit;
      for (let j = 0; j < 8; j++) {
        const v = V[c.nodeIndex.get(`h1_${j}`)!];
        if (j < 4) below = Math.min(below, v);
        else above = Math.max(above, v);
      }
    }
    expect(below).toBeGreaterThan(-0.03);
    expect(above).toBeLessThan(0.03);
  });

  it("rejects bad sizes and options", async () => {
    expect(() => buildDrn({ layers: [4, -2, 3] })).toThrow(/positive integers/);
    expect(() => buildDrn({ layers: [4] })).toThrow(/at least/);
    expect(() => buildDrn({ layers: [4, 2, 3], gain: 0 })).toThrow(/gain/);
    expect(() => buildDrn({ layers: [4, 2, 3], layerLr: [1] })).toThrow(/layerLr/);
    const r = await runCli(["build", "drn", "--layers", "4,-2,3"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--layers: layer sizes must be positive integers, got .-2./);
    const r2 = await runCli(["build", "drn", "--layers", "4,2,3", "--bias-up", "0.2"]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/--bias-up.*only apply to 'layered'/);
    for (const bad of ["1e-9,1.5,3", "zener", "0,1"]) {
      const r3 = await runCli(["build", "drn", "--layers", "4,2,3", "--diode", bad]);
      expect(r3.code, bad).toBe(1);
      expect(r3.stderr, bad).toMatch(/--diode|diode\.is/);
      expect(r3.stdout, bad).toBe("");
    }
    expect(() => buildDrn({ layers: [4, 2, 3], diode: { is: 1e-9, n: 1 }, kneeCurrent: -1 })).toThrow(/kneeCurrent/);
  });
});

describe("DRN with real diodes to knee bias sources (Kendall et al.'s diodes and bias sources, DRN switching points)", () => {
  const opts = { layers: [4, 6, 3], seed: 3, inputGain: 2, diode: { is: 2.52e-9, n: 1.752 } };
  it("each diode is in series with a source of its forward drop at the knee current, so units switch at about 0 V", () => {
    const { text } = buildDrn(opts);
    // N Vt ln(1 + I/IS) at 1 mA, Vt = k (300.15 K) / q.
    const vk = 1.752 * ((1.380649e-23 * 300.15) / 1.602176634e-19) * Math.log(1 + 1e-3 / 2.52e-9);
    expect(vk).toBeCloseTo(0.58417, 4);
    expect(text).toMatch(new RegExp(`^VKE vke 0 DC ${vk.toPrecision(9)}$`, "m"));
    expect(text).toMatch(new RegExp(`^VKI vki 0 DC -${vk.toPrecision(9)}$`, "m"));
    expect(text.match(/^DE1_\d+ vke h1_\d+ DKNEE$/gm)).toHaveLength(3);
    expect(text.match(/^DI1_\d+ h1_\d+ vki DKNEE$/gm)).toHaveLength(3);
    // The unit's switching point: a 1k resistor from -1 V into an excitatory unit carries the
    // knee current when the unit sits at 0 V, so the clamp holds it there (the forward drop cancels).
    const one = `unit\nVIN in 0 DC -1\nR1 in h 1k\nVKE vke 0 DC ${vk}\nDE vke h DKNEE\n.model DKNEE D(IS=2.52e-9 N=1.752)\n.op\n.end\n`;
    const dir = tmp();
    writeFileSync(join(dir, "unit.cir"), one);
    expect(Math.abs(opFromFile(join(dir, "unit.cir")).nodes.h!)).toBeLessThan(2e-6);
  });

  it("the clamp acts on iris inputs: excitatory units stay above about 0 V and inhibitory ones below, within the knee's spread", () => {
    const model = new EqModel(loadCircuitFromText(buildDrn(opts).text, "k.cir"));
    const data = irisData();
    let below = 0, above = 0, clamped = 0;
    for (let s = 0; s < 20; s++) {
      model.setInputs(data.xTrain[s]);
      model.settle({ kind: "newton" });
      const V = model.engine.V;
      for (let j = 0; j < 6; j++) {
        const v = V[model.circuit.nodeIndex.get(`h1_${j}`)!];
        if (j < 3) below = Math.min(below, v);
        else above = Math.max(above, v);
        if (Math.abs(v) < 0.2) clamped++;
      }
    }
    // At 0.01-1 mA the drop is 0.38-0.58 V: the clamp sits within 0.2 V of 0.
    expect(below).toBeGreaterThan(-0.2);
    expect(above).toBeLessThan(0.2);
    expect(clamped, "some units are on their diode").toBeGreaterThan(0);
  });

  itNgspice("its operating point matches ngspice at a nonzero input", () => {
    const dir = tmp();
    const x = [0.9, 0.1, 0.4, 0.7];
    let text = buildDrn(opts).text;
    x.forEach((v, k) => {
      text = text.replace(`VX${k}P x${k}p 0 DC 0`, `VX${k}P x${k}p 0 DC ${2 * v}`).replace(`VX${k}N x${k}n 0 DC 0`, `VX${k}N x${k}n 0 DC ${-2 * v}`);
    });
    const file = join(dir, "k.cir");
    writeFileSync(file, exportSpiceText(text, file));
    const ng = runNgspiceOp(file);
    const eq = opFromFile(file);
    let on = 0;
    for (const [n, v] of Object.entries(ng.nodes)) {
      if (!/^(h|o)/.test(n)) continue;
      expect(Math.abs(eq.nodes[n]! - v), `v(${n}) eqspice ${eq.nodes[n]} ngspice ${v}`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(v)));
      if (n.startsWith("h") && Math.abs(v) < 0.2) on++;
    }
    expect(Object.keys(ng.nodes).filter((n) => n.startsWith("h1_"))).toHaveLength(6);
    expect(on, "some diodes conduct").toBeGreaterThan(0);
  });
});

describe("trainable current-source biases", () => {
  it("their exact gradient equals finite differences of the loss", () => {
    const { model } = irisDrn();
    const data = irisData();
    const y = targetVector(data.yTrain[0], 3, 1, "onehot", new Float64Array(3));
    model.setInputs(data.xTrain[0]);
    const grad = new Float64Array(model.nParams);
    makeEstimator("exact", { beta: 1, relax: { kind: "newton" } }).gradient(model, y, grad);
    const m = model.tIndex.length;
    const b0 = model.getBiases();
    const loss = () => {
      model.setNudge(0, null);
      model.settle({ kind: "newton" });
      const out = model.outputs(new Float64Array(3));
      return out.reduce((s, o, k) => s + 0.5 * (o - y[k]) ** 2, 0);
    };
    let checked = 0;
    for (let j = 0; j < b0.length; j++) {
      const h = 1e-9; // A: against currents of ~1e-4 A
      const b = Float64Array.from(b0);
      b[j] += h;
      model.setBiases(b);
      const lp = loss();
      b[j] -= 2 * h;
      model.setBiases(b);
      const lm = loss();
      model.setBiases(b0);
      const fd = (lp - lm) / (2 * h);
      expect(Math.abs(fd - grad[m + j])).toBeLessThanOrEqual(1e-5 * Math.abs(grad[m + j]) + 1e-3);
      if (Math.abs(grad[m + j]) > 1) checked++;
    }
    expect(checked).toBeGreaterThan(3); // the check is not vacuous
  });

  it("centered EqProp at beta = 1e-3 matches the exact gradient, biases included", () => {
    const { model } = irisDrn();
    const r = gradcheck(model, irisData(), { beta: 1e-3, estimator: "centered", samples: 8, targets: "onehot", targetAmplitude: 1 });
    expect(r.cosine).toBeGreaterThanOrEqual(0.999999);
    expect(r.relativeError).toBeLessThan(1e-4);
  });

  it("trained.cir carries the learned biases, and eval of it reproduces the run's test accuracy", async () => {
    const dir = tmp();
    const net = join(dir, "iris-drn.cir");
    writeFileSync(net, irisDrn().text);
    const r = await runTrainJob({ netlist: net, dataset: "iris", vin: 2, options: { epochs: 3, lr: 0.05 }, out: dir });
    const trained = readFileSync(join(dir, "trained.cir"), "utf8");
    const ib = [...trained.matchAll(/^IB\S+ 0 \S+ DC (\S+)$/gm)].map((m) => Number(m[1]));
    expect(ib).toHaveLength(11);
    expect(ib.some((v) => v !== 0)).toBe(true);
    const e = await evaluateNetlist({ netlist: join(dir, "trained.cir"), dataset: "iris", vin: 2 });
    const last = r.metrics[r.metrics.length - 1];
    expect(e.testAccuracy).toBe(last.testAccuracy);
    expect(e.testLoss).toBeCloseTo(last.testLoss, 8);
  });
});

describe("update kernels", () => {
  it("the deferred mini-batch update equals summing per-sample gradients and applying them once", () => {
    const a = irisDrn().model;
    const b = irisDrn().model;
    const data = irisData();
    const est = makeEstimator("centered", { beta: 0.4, relax: { kind: "newton" } });
    const estB = makeEstimator("centered", { beta: 0.4, relax: { kind: "newton" } });
    if (!isContrastEstimator(estB)) throw new Error("centered is a contrast estimator");
    const y = new Float64Array(3);
    const grad = new Float64Array(a.nParams);
    const acc = new Float64Array(a.nParams);
    const B = 6; // more than one chunk of four, and a short one
    b.batchCapacity = B;
    for (let s = 0; s < B; s++) {
      targetVector(data.yTrain[s], 3, 1, "onehot", y);
      a.setInputs(data.xTrain[s]);
      est.gradient(a, y, grad);
      for (let k = 0; k < acc.length; k++) acc[k] += grad[k];
      b.setInputs(data.xTrain[s]);
      const r = estB.phases(b, y);
      b.accumulate(r.V1, r.V0, r.factor);
    }
    const step = (-0.05 * 1e-8) / B;
    const lo = 1e-10;
    const hi = 1e-4;
    const g = a.getConductances();
    const m = g.length;
    for (let k = 0; k < m; k++) g[k] = Math.min(hi, Math.max(lo, g[k] + step * acc[k]));
    a.setConductances(g);
    const bias = a.getBiases();
    for (let j = 0; j < bias.length; j++) bias[j] += step * acc[m + j];
    b.applyBatch(step, lo, hi);
    const gb = b.getConductances();
    const g0 = irisDrn().model.getConductances();
    let moved = 0;
    for (let k = 0; k < m; k++) {
      expect(Math.abs(gb[k] - g[k])).toBeLessThanOrEqual(1e-12 * Math.abs(g[k] - g0[k]) + 1e-15 * g[k]); // a few ulps of g
      moved = Math.max(moved, Math.abs(g[k] - g0[k]));
    }
    expect(moved).toBeGreaterThan(0);
    const bb = b.getBiases();
    for (let j = 0; j < bias.length; j++) expect(bb[j]).toBeCloseTo(bias[j], 15);
  });

  it("the exact gradient as a contrast (V +- e lambda) equals implicit differentiation", () => {
    const { model } = irisDrn();
    const data = irisData();
    const est = makeEstimator("exact", { beta: 1, relax: { kind: "newton" } });
    if (!isContrastEstimator(est)) throw new Error("exact is a contrast estimator");
    const y = targetVector(data.yTrain[1], 3, 1, "onehot", new Float64Array(3));
    model.setInputs(data.xTrain[1]);
    const g1 = new Float64Array(model.nParams);
    const g2 = new Float64Array(model.nParams);
    est.gradient(model, y, g1);
    const r = est.phases(model, y);
    model.contrast(r.V1, r.V0, r.factor, g2);
    const scale = Math.max(...g1.map(Math.abs));
    for (let k = 0; k < g1.length; k++) expect(Math.abs(g1[k] - g2[k])).toBeLessThanOrEqual(1e-11 * scale);
  });
});

describe("*@defaults", () => {
  const base = () => irisDrn().text;

  it("flags win over the netlist's defaults, which win over the built-in ones", async () => {
    const dir = tmp();
    const net = join(dir, "n.cir");
    writeFileSync(net, base().replace(/^\*@defaults .*$/m, "*@defaults epochs=2 lr=0.01 batch=3 targets=onehot target=1 vin=2"));
    const r = await runTrainJob({ netlist: net, dataset: "iris", options: { lr: 0.02 } });
    expect(r.metrics).toHaveLength(2);
    expect(r.options).toMatchObject({ epochs: 2, lr: 0.02, batch: 3, targets: "onehot", targetAmplitude: 1, lrDecay: 1 });
  });

  it("an unknown key or a bad value is an error at its file:line:col", async () => {
    const dir = tmp();
    const net = join(dir, "bad.cir");
    writeFileSync(net, base().replace(/^\*@defaults .*$/m, "*@defaults epochs=2 speed=11"));
    await expect(runTrainJob({ netlist: net, dataset: "iris", options: {} })).rejects.toThrow(NetlistError);
    await expect(runTrainJob({ netlist: net, dataset: "iris", options: {} })).rejects.toThrow(/bad\.cir:\d+:\d+: \*@defaults: unknown option 'speed'/);
    writeFileSync(net, base().replace(/^\*@defaults .*$/m, "*@defaults targets=hot"));
    await expect(runTrainJob({ netlist: net, dataset: "iris", options: {} })).rejects.toThrow(/targets: 'hot' is not one of signed, onehot/);
    writeFileSync(net, base().replace(/^\*@defaults .*$/m, "*@defaults batch=2.5"));
    await expect(runTrainJob({ netlist: net, dataset: "iris", options: {} })).rejects.toThrow(/batch: not an integer/);
    writeFileSync(net, base().replace(/^\*@defaults .*$/m, "*@defaults lr"));
    expect(() => loadCircuitFromText(readFileSync(net, "utf8"), net)).toThrow(/expected key=value/);
  });
});

describe("eval", () => {
  it("prints one JSON object with testAccuracy and testLoss; bad options exit 1", async () => {
    const r = await runCli(["eval", "netlists/iris.cir", "--dataset", "iris", "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.samples).toBe(30);
    expect(j.testAccuracy).toBeGreaterThanOrEqual(0);
    expect(j.testAccuracy).toBeLessThanOrEqual(1);
    expect(j.testLoss).toBeGreaterThan(0);
    for (const bad of [["--limit-test", "0"], ["--read-noise", "-1"], ["--targets", "x"], ["--vin", "0"]]) {
      const e = await runCli(["eval", "netlists/iris.cir", "--dataset", "iris", ...bad]);
      expect(e.code, bad.join(" ")).toBe(1);
      expect(e.stderr).not.toMatch(/at .*\.js:\d+/); // a message, not a stack trace
    }
  });
});

describe("train flags of this change", () => {
  it("bad --limit-train, --limit-test and --targets exit 1 with a message; build drn writes a netlist that loads", async () => {
    for (const bad of [["--limit-train", "0"], ["--limit-test", "-3"], ["--targets", "hot"], ["--limit-train", "1.5"]]) {
      const r = await runCli(["train", "netlists/iris.cir", "--dataset", "iris", "--epochs", "1", "--out", join(tmp(), "r"), ...bad]);
      expect(r.code, bad.join(" ")).toBe(1);
      expect(r.stderr).toMatch(bad[0] === "--targets" ? /--targets/ : /limit|integer/i);
      expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    }
    const b = await runCli(["build", "drn", "--layers", "4-8-3", "--gain", "3", "--input-gain", "2"]);
    expect(b.code).toBe(0);
    const c = loadCircuitFromText(b.stdout, "built.cir");
    expect(c.amplifiers, "the gain-3 amplifiers (1/3 written with 17 digits) are recognized").not.toBeNull();
    const model = new EqModel(c);
    const r = gradcheck(model, irisData(), { beta: 1e-3, estimator: "centered", samples: 4, targets: "onehot", targetAmplitude: 1 });
    expect(r.cosine).toBeGreaterThanOrEqual(0.999999);
  });
});

describe("Kendall-style MNIST network (netlists/mnist-kendall.cir: real diodes, knee bias sources, gain-4 amplifiers) on a 2,000-digit slice", () => {
  it("learns, and loses its accuracy when its diodes are deleted", async () => {
    const dir = tmp();
    const r = await runTrainJob({ netlist: "netlists/mnist-kendall.cir", dataset: "mnist", limitTrain: 2000, limitTest: 500, options: { epochs: 1 }, out: dir });
    const acc = r.metrics[0]!.testAccuracy;
    expect(acc).toBeGreaterThan(0.75); // chance is 0.1
    const text = readFileSync(join(dir, "trained.cir"), "utf8");
    expect(text.match(/^D\S+ /gm)).toHaveLength(100);
    writeFileSync(join(dir, "no-diodes.cir"), text.replace(/^D\S+ .*$/gm, ""));
    const without = await evaluateNetlist({ netlist: join(dir, "no-diodes.cir"), dataset: "mnist", limitTest: 500 });
    expect(acc - without.testAccuracy).toBeGreaterThanOrEqual(0.02);
  }, 240_000);
});

describe("MNIST DRN-XS (netlists/mnist.cir) on a 2,000-digit slice, 1 epoch", () => {
  it("EqProp learns, tracks the exact gradient, and needs its diodes", async () => {
    const dir = tmp();
    const job = (estimator: "centered" | "exact", out?: string) =>
      runTrainJob({ netlist: "netlists/mnist.cir", dataset: "mnist", limitTrain: 2000, limitTest: 500, options: { epochs: 1, estimator }, out });
    const eq = (await job("centered", dir)).metrics[0];
    const bp = (await job("exact")).metrics[0];
    expect(eq.testAccuracy).toBeGreaterThan(0.8); // chance is 0.1
    expect(Math.abs(eq.testAccuracy - bp.testAccuracy)).toBeLessThanOrEqual(0.02);
    // The trained circuit as a file; then the same circuit with every diode deleted.
    const trained = join(dir, "trained.cir");
    const withDiodes = await evaluateNetlist({ netlist: trained, dataset: "mnist", limitTest: 500 });
    expect(withDiodes.testAccuracy).toBe(eq.testAccuracy);
    const linear = join(dir, "no-diodes.cir");
    const text = readFileSync(trained, "utf8");
    const stripped = text.replace(/^D\S+ .*$/gm, "");
    expect(text.match(/^D\S+ /gm)).toHaveLength(100);
    writeFileSync(linear, stripped);
    const without = await evaluateNetlist({ netlist: linear, dataset: "mnist", limitTest: 500 });
    expect(withDiodes.testAccuracy - without.testAccuracy).toBeGreaterThanOrEqual(0.02);
  }, 180_000);
});
