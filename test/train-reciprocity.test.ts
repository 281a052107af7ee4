import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCircuitFromText } from "../src/api.js";
import { EqModel } from "../src/train/model.js";
import { estimatorRefusal, exactGradient } from "../src/train/estimators.js";
import { runTrainJob } from "../src/train/run.js";
import { InputError } from "../src/util/errors.js";

/**
 * EqProp's estimators contrast energies, so they need a reciprocal circuit:
 * on one with a transconductance (here a VCCS; a transistor or an inductor
 * is the same) `train` refuses them before writing anything and names the
 * device, while the exact gradient, which differentiates any circuit, still
 * trains it and equals finite differences of the loss.
 */
const NET = (extra: string) =>
  [
    "two inputs, one output",
    "*@input VA VB",
    "*@output o",
    "*@train R1 R2 R3",
    "VA a 0 DC 0",
    "VB b 0 DC 0",
    "R1 a h 1k",
    "R2 b h 2k",
    "R3 h o 1k",
    "R4 o 0 3k",
    "R5 h 0 5k",
    extra,
    ".end",
    "",
  ].join("\n");

describe("training needs an energy for EqProp", () => {
  it("a reciprocal circuit is accepted by every estimator; a VCCS makes EqProp's refused, naming it", () => {
    const plain = loadCircuitFromText(NET(""), "plain.cir");
    for (const e of ["centered", "positive", "negative", "chl", "exact"] as const) expect(estimatorRefusal(e, plain)).toBeNull();
    const vccs = loadCircuitFromText(NET("G1 o 0 h 0 2e-4"), "vccs.cir");
    expect(estimatorRefusal("exact", vccs)).toBeNull();
    for (const e of ["centered", "positive", "negative", "chl"] as const) expect(estimatorRefusal(e, vccs)).toMatch(/g1 is not reciprocal.*--estimator exact/i);
  });

  it("train refuses before writing its run directory", async () => {
    const dir = mkdtempSync(join(tmpdir(), "eqspice-recip-"));
    const file = join(dir, "vccs.cir");
    writeFileSync(file, NET("G1 o 0 h 0 2e-4"));
    const data = join(dir, "d.csv");
    writeFileSync(data, "x0,x1,label\n1,0,0\n0,1,1\n1,1,0\n0,0,1\n");
    const out = join(dir, "run");
    const job = (estimator: "centered" | "exact") => runTrainJob({ netlist: file, dataset: data, out, options: { epochs: 1, estimator } });
    await expect(job("centered")).rejects.toThrow(InputError);
    await expect(job("centered")).rejects.toThrow(/g1 is not reciprocal/i);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
    // The same job with the exact gradient runs and writes its run.
    const r = await job("exact");
    expect(r.metrics).toHaveLength(1);
    expect(readdirSync(out)).toContain("metrics.json");
  });

  it("the exact gradient of the non-reciprocal circuit equals finite differences of the loss", () => {
    const model = new EqModel(loadCircuitFromText(NET("G1 o 0 h 0 2e-4"), "vccs.cir"));
    const y = [0.3];
    const loss = (): number => {
      model.setNudge(0, null);
      model.settle({ kind: "newton" });
      const o = model.outputs(new Float64Array(1));
      return 0.5 * (o[0]! - y[0]!) ** 2;
    };
    model.setInputs([1.5, -0.7]);
    loss();
    const grad = new Float64Array(model.nParams);
    exactGradient(model, y, model.outputs(new Float64Array(1)), new Float64Array(model.engine.x.length), grad);
    const g0 = model.getConductances();
    let worst = 0;
    for (let k = 0; k < g0.length; k++) {
      const h = 1e-6 * g0[k]!;
      const up = Float64Array.from(g0);
      up[k] += h;
      model.setConductances(up);
      const lu = loss();
      const dn = Float64Array.from(g0);
      dn[k] -= h;
      model.setConductances(dn);
      const ld = loss();
      const fd = (lu - ld) / (2 * h);
      worst = Math.max(worst, Math.abs(fd - grad[k]!) / Math.max(Math.abs(fd), 1e-12));
    }
    model.setConductances(g0);
    expect(worst).toBeLessThan(1e-5);
    expect(Math.max(...Array.from(grad, Math.abs))).toBeGreaterThan(0);
  });
});
