import { describe, expect, it } from "vitest";
import { buildDrn } from "../circuits/drn.js";
import { loadCircuitFromText } from "../src/api.js";
import { EqModel } from "../src/train/model.js";

/** Park-Miller: a fixed stream of numbers in (0, 1). */
function stream(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

/**
 * EqModel.setInputs moves only the inputs whose value changed (Engine.moveFixed)
 * instead of re-evaluating every fixed node (setPoint): the state it leaves must be
 * the one setPoint("dc", 0, 1, null) gives, bit for bit, and so must the equilibria.
 */
describe("setInputs: incremental fixed-node update", () => {
  const text = buildDrn({ layers: [30, 8, 3], inputGain: 10 }).text;

  it("leaves every node voltage as a full setPoint would, over sparse and repeated inputs", () => {
    const model = new EqModel(loadCircuitFromText(text, "drn.cir"));
    const rnd = stream(3);
    const e = model.engine;
    for (let s = 0; s < 40; s++) {
      // Images with mostly dark pixels, some repeated from the last one.
      const x = Float64Array.from({ length: 30 }, () => (rnd() < 0.3 ? 10 * rnd() : 0));
      if (s % 5 === 4) x.fill(0);
      const version = e.pointVersion;
      model.setInputs(x);
      expect(e.pointVersion).toBeGreaterThan(version);
      const V = Array.from(e.V);
      const Vk = Array.from(e.Vk);
      e.setPoint("dc", 0, 1, null);
      expect(Array.from(e.V)).toEqual(V);
      expect(Array.from(e.Vk)).toEqual(Vk);
      for (let k = 0; k < 30; k++) expect(model.circuit.ports.inputs[k]!.pos.valueAt("dc", 0, 1)).toBe(x[k]);
    }
  });

  it("gives the same equilibria as a model that always takes setPoint's path", () => {
    const a = new EqModel(loadCircuitFromText(text, "a.cir"));
    const b = new EqModel(loadCircuitFromText(text, "b.cir"));
    const rnd = stream(11);
    for (let s = 0; s < 10; s++) {
      const x = Float64Array.from({ length: 30 }, () => (rnd() < 0.4 ? 10 * rnd() : 0));
      a.setInputs(x);
      a.settle({ kind: "auto" });
      // b: the same values written to the sources, then the full point.
      b.circuit.ports.inputs.forEach((p, k) => {
        p.pos.setDc(x[k]!);
        p.neg?.setDc(-x[k]!);
      });
      b.engine.setPoint("dc", 0, 1, null);
      b.settle({ kind: "auto" });
      expect(Array.from(a.engine.V)).toEqual(Array.from(b.engine.V));
    }
  });

  it("after another analysis point (a transient's), takes the full path", () => {
    const model = new EqModel(loadCircuitFromText(text, "c.cir"));
    const e = model.engine;
    e.setPoint("tran", 1e-9, 1, null);
    const x = new Float64Array(30).fill(2);
    model.setInputs(x);
    expect(e.atUnitDcPoint).toBe(true);
    const V = Array.from(e.V);
    e.setPoint("dc", 0, 1, null);
    expect(Array.from(e.V)).toEqual(V);
  });
});
