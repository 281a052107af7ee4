/**
 * Training's honesty checks (issue "Reliability", items 6, 7 and 13): a
 * resumed run refuses flags that disagree with its checkpoint, trained.cir
 * records the conductance range training used, gradcheck refuses a nudge or
 * sample count that measures nothing, and quantized devices keep learning
 * (stochastic rounding) or the run says it made no progress.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runTrainJob } from "../src/train/run.js";
import { runGradcheckJob } from "../src/train/gradcheck.js";
import { evaluateNetlist } from "../src/train/eval.js";
import { InputError } from "../src/util/errors.js";
import { runCli } from "./helpers/build.js";

const tmp = () => mkdtempSync(join(tmpdir(), "eqspice-rel-"));

describe("resume and trained.cir", () => {
  it("--resume refuses flags that differ from the checkpoint's options, and accepts the same ones", async () => {
    const out = tmp();
    await runTrainJob({ netlist: "netlists/xor.cir", dataset: "xor", out, options: { epochs: 2, lr: 0.5 } });
    await expect(runTrainJob({ netlist: "netlists/xor.cir", dataset: "xor", out, resume: true, options: { epochs: 3, lr: 0.9 } })).rejects.toThrow(/--lr 0.9 \(run: 0.5\)/);
    await expect(
      runTrainJob({ netlist: "netlists/xor.cir", dataset: "xor", out, resume: true, options: { epochs: 3, hardware: { gmax: 1e-3 } } }),
    ).rejects.toThrow(/--gmax 0.001 \(run: unset\)/);
    // The input gain is recorded in the run's metrics.json: another one is refused, none keeps the run's.
    await expect(runTrainJob({ netlist: "netlists/xor.cir", dataset: "xor", out, resume: true, vin: 7, options: { epochs: 3 } })).rejects.toThrow(/--vin 7 \(run: 4\)/);
    const r = await runTrainJob({ netlist: "netlists/xor.cir", dataset: "xor", out, resume: true, options: { epochs: 3, lr: 0.5 } });
    expect(r.metrics).toHaveLength(3);
    expect(r.vin).toBe(4);
  });

  it("trained.cir carries the --gmin/--gmax that training used, not the netlist's", async () => {
    const out = tmp();
    await runTrainJob({ netlist: "netlists/xor.cir", dataset: "xor", out, options: { epochs: 1, hardware: { gmin: 2e-6, gmax: 5e-4 } } });
    const text = readFileSync(join(out, "trained.cir"), "utf8");
    expect(text).toMatch(/^\*@train .*gmin=0.000002 gmax=0.0005$/m);
    expect(readFileSync("netlists/xor.cir", "utf8")).not.toMatch(/gmin=0.000002/);
  });

  it("trained.cir carries the read-out training used (vin, targets, target), so eval of it reproduces the run's test figures", async () => {
    // iris.cir has no *@defaults: the flags are the only record of the read-out.
    const out = tmp();
    const r = await runTrainJob({ netlist: "netlists/iris.cir", dataset: "iris", out, vin: 3, options: { epochs: 2, targetAmplitude: 0.2 } });
    const text = readFileSync(join(out, "trained.cir"), "utf8");
    expect(text.split("\n")[0], "the title stays the first line").toBe(readFileSync("netlists/iris.cir", "utf8").split("\n")[0]);
    expect(text).toMatch(/^\*@defaults vin=3 targets=signed target=0.2$/m);
    const e = await evaluateNetlist({ netlist: join(out, "trained.cir"), dataset: "iris" });
    const last = r.metrics[r.metrics.length - 1]!;
    expect(e.testAccuracy).toBe(last.testAccuracy);
    expect(e.testLoss).toBeCloseTo(last.testLoss, 12);
    // A netlist with its own *@defaults: the keys training overrode are replaced, the others kept.
    const out2 = tmp();
    const lines = readFileSync("netlists/iris.cir", "utf8").split("\n");
    lines.splice(1, 0, "*@defaults epochs=1 vin=7 lr=0.3");
    writeFileSync(join(out2, "net.cir"), lines.join("\n"));
    await runTrainJob({ netlist: join(out2, "net.cir"), dataset: "iris", out: out2, vin: 2.5, options: {} });
    const t2 = readFileSync(join(out2, "trained.cir"), "utf8");
    expect(t2.match(/^\*@defaults .*$/gm)).toEqual(["*@defaults epochs=1 lr=0.3 vin=2.5 targets=signed target=0.1"]);
  });

  it("the CLI says so when it replaces an existing run", async () => {
    const out = tmp();
    const args = ["train", "netlists/xor.cir", "--dataset", "xor", "--epochs", "1", "--out", out];
    expect((await runCli(args)).stderr).not.toMatch(/replacing/);
    const second = await runCli(args);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/replacing the training run in .* \(--resume would continue it\)/);
  });
});

describe("gradcheck input", () => {
  it("refuses beta = 0, a non-finite beta and zero samples", async () => {
    const job = { netlist: "netlists/iris.cir", dataset: "iris" };
    await expect(runGradcheckJob({ ...job, beta: 0 })).rejects.toThrow(InputError);
    await expect(runGradcheckJob({ ...job, beta: Number.POSITIVE_INFINITY })).rejects.toThrow(/--beta must be a finite number > 0/);
    await expect(runGradcheckJob({ ...job, samples: 0 })).rejects.toThrow(/--samples must be a positive integer/);
    const cli = await runCli(["gradcheck", "netlists/iris.cir", "--dataset", "iris", "--beta", "0"]);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/--beta must be/);
  });
});

describe("quantized conductances", () => {
  it("with 2 levels training still learns (stochastic rounding; round-to-nearest stayed at chance, 33%)", async () => {
    const r = await runTrainJob({ netlist: "netlists/iris.cir", dataset: "iris", options: { epochs: 10, lr: 0.2, hardware: { levels: 2 } } });
    const last = r.metrics[r.metrics.length - 1];
    expect(last.trainAccuracy).toBeGreaterThan(0.5);
    expect(last.conductancesChanged).toBeGreaterThan(0);
  });

  it("reports an epoch that changed nothing, and the CLI warns", async () => {
    const r = await runTrainJob({ netlist: "netlists/iris.cir", dataset: "iris", options: { epochs: 1, lr: 1e-300, hardware: { levels: 4 } } });
    expect(r.metrics[0].conductancesChanged).toBe(0);
    const cli = await runCli(["train", "netlists/iris.cir", "--dataset", "iris", "--epochs", "1", "--lr", "1e-300", "--levels", "4", "--out", tmp()]);
    expect(cli.code).toBe(0);
    expect(cli.stderr).toMatch(/warning: epoch 1 changed no conductance/);
  });
});
