/**
 * relax(): physical relaxation C dV/dt = -i(V) from the engine's state to
 * equilibrium. It must end at the operating point (1e-8 V on a diode
 * crossbar) with every integrator, decrease the energy along the way,
 * respect cnode / tmax / record, leave the engine at its DC point, and work
 * with amplifiers: reduced onto the symmetric system (any integrator) and
 * unreduced (branch unknowns, implicit only).
 */
import { describe, expect, it } from "vitest";
import { loadCircuitFromText } from "../src/api.js";
import type { BuildOptions } from "../src/circuit/build.js";
import { Engine } from "../src/analysis/engine.js";
import { solveDc } from "../src/analysis/op.js";
import { relax } from "../src/analysis/relax.js";
import { energy } from "../src/analysis/energy.js";
import { buildLayered } from "../circuits/index.js";

function crossbarText(opts: { gain?: number; layers?: number[] } = {}): string {
  const layers = opts.layers ?? [6, 10, 3];
  const inputs = Array.from({ length: layers[0] }, (_, i) => Math.sin(1.7 * i + 0.3));
  return buildLayered({ layers, seed: 11, inputs, gain: opts.gain }).text;
}

/** Engine at the operating point (returned) and then reset to 0 V on every free node. */
function setup(text: string, build?: BuildOptions): { engine: Engine; op: Float64Array } {
  const c = loadCircuitFromText(text, "x.cir", build);
  const engine = new Engine(c);
  solveDc(engine);
  const op = Float64Array.from(engine.V);
  engine.x.fill(0);
  engine.setPoint("dc", 0, 1, null);
  engine.syncVoltages();
  return { engine, op };
}

const maxDiff = (a: Float64Array, b: Float64Array): number => {
  let d = 0;
  for (let i = 1; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
};

describe("relax ends at the operating point", () => {
  for (const m of ["auto", "bdf2", "trap", "odex"] as const) {
    it(`diode crossbar from 0 V (${m}) within 1e-8 V`, () => {
      const { engine, op } = setup(crossbarText());
      const r = relax(engine, { integrator: m });
      expect(r.settled).toBe(true);
      expect(r.steps).toBeGreaterThan(0);
      expect(r.evaluations).toBeGreaterThanOrEqual(r.steps);
      expect(maxDiff(engine.V, op)).toBeLessThan(1e-8);
      // engine left at its DC point, x and V consistent
      expect(engine.ctx.mode).toBe("dc");
      expect(engine.ctx.integ).toBeNull();
      expect(engine.nodeStamps).toBeNull();
      const nodeOf = engine.circuit.nodeOfUnknown;
      for (let i = 0; i < nodeOf.length; i++) expect(engine.V[nodeOf[i]]).toBe(engine.x[i]);
    });
  }

  it("auto: odex when the node time constants are close, bdf2 when one node is much faster", () => {
    const plain = setup(crossbarText());
    expect(relax(plain.engine).integrator).toBe("odex");
    const stiff = setup(crossbarText().replace(/^\.op$/m, "RFAST h1_0 0 100\n.op"));
    const r = relax(stiff.engine, { tol: 1e-5 });
    expect(r.integrator).toBe("bdf2");
    // a looser tol ends farther, but within it
    expect(maxDiff(stiff.engine.V, stiff.op)).toBeLessThan(2e-5);
  });

  for (const m of ["auto", "bdf2", "odex"] as const) {
    it(`with amplifiers reduced onto the symmetric system (${m}) ends at op`, () => {
      const { engine, op } = setup(crossbarText({ gain: 2 }));
      expect(engine.circuit.amplifiers).not.toBeNull();
      expect(engine.circuit.n).toBe(engine.circuit.nFree);
      const r = relax(engine, { integrator: m });
      expect(r.settled).toBe(true);
      expect(maxDiff(engine.V, op)).toBeLessThan(1e-8);
    });
  }

  it("with unreduced amplifiers (VCVS/CCCS branch unknowns) relaxes implicitly and ends at op", () => {
    const { engine, op } = setup(crossbarText({ gain: 2 }), { reduceAmplifiers: false });
    expect(engine.circuit.n).toBeGreaterThan(engine.circuit.nFree);
    const r = relax(engine);
    expect(r.integrator).toBe("bdf2");
    expect(maxDiff(engine.V, op)).toBeLessThan(1e-8);
    expect(() => relax(engine, { integrator: "odex" })).toThrow(/odex/);
  });

  it("from the equilibrium itself it settles at once", () => {
    const c = loadCircuitFromText(crossbarText(), "x.cir");
    const engine = new Engine(c);
    solveDc(engine);
    const op = Float64Array.from(engine.V);
    const r = relax(engine);
    expect(r.settled).toBe(true);
    expect(maxDiff(engine.V, op)).toBeLessThan(1e-9);
  });
});

describe("relax follows the physics", () => {
  it("records a trajectory along which the energy never increases", () => {
    const text = crossbarText().replace(/^\.op$/m, ".options reltol=1e-6 vntol=1e-9\n.op");
    const { engine } = setup(text);
    const c = engine.circuit;
    const ts: number[] = [];
    const Es: number[] = [];
    relax(engine, { record: (t, V) => (ts.push(t), Es.push(energy(c, V))) });
    expect(ts[0]).toBe(0);
    for (let k = 1; k < ts.length; k++) {
      expect(ts[k]).toBeGreaterThan(ts[k - 1]);
      expect(Es[k]).toBeLessThanOrEqual(Es[k - 1] + 1e-13 * Math.abs(Es[k - 1]));
    }
    expect(Es[Es.length - 1]).toBeLessThan(Es[0]);
  });

  it("settling time scales with cnode (C dV/dt = -i: time is proportional to C)", () => {
    const times = [1e-12, 1e-10].map((cnode) => {
      const { engine } = setup(crossbarText());
      const ts: number[] = [];
      const vs: number[] = [];
      const node = engine.circuit.nodeIndex.get("h1_0")!;
      relax(engine, { cnode, integrator: "bdf2", record: (t, V) => (ts.push(t), vs.push(V[node])) });
      // time when h1_0 first gets within 10% of its final value
      const vEnd = vs[vs.length - 1];
      const k = vs.findIndex((v) => Math.abs(v - vEnd) <= 0.1 * Math.abs(vEnd));
      return ts[k];
    });
    expect(times[1] / times[0]).toBeGreaterThan(30);
    expect(times[1] / times[0]).toBeLessThan(300);
  });

  it("stops at tmax unsettled", () => {
    const { engine } = setup(crossbarText());
    const r = relax(engine, { tmax: 1e-12, integrator: "bdf2" });
    expect(r.settled).toBe(false);
    expect(r.time).toBeCloseTo(1e-12, 20);
  });

  it("uses .options cnode when set", () => {
    const slow = crossbarText().replace(/^\.op$/m, ".options cnode=1n\n.op");
    const { engine } = setup(slow);
    const fast = setup(crossbarText()).engine;
    expect(relax(engine, { integrator: "bdf2" }).time).toBeGreaterThan(100 * relax(fast, { integrator: "bdf2" }).time);
  });

  it("holds sources at their DC values and keeps the engine's source scale", () => {
    const text = `src\nV1 in 0 DC 1 PULSE(0 5 0 1n 1n 1u 2u)\nR1 in a 1k\nR2 a 0 1k\n.end\n`;
    const c = loadCircuitFromText(text, "s.cir");
    const engine = new Engine(c);
    engine.setPoint("dc", 0, 0.5, null);
    engine.x.fill(0);
    engine.syncVoltages();
    relax(engine);
    expect(engine.V[c.nodeIndex.get("a")!]).toBeCloseTo(0.25, 9);
    expect(engine.ctx.srcScale).toBe(0.5);
  });
});
