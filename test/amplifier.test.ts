/**
 * Bidirectional amplifiers on the symmetric solver (src/circuit/amplifiers.ts,
 * docs/theory.md): Kendall-style E/V/F triples are recognized at build time,
 * their outputs become dependents of their inputs, and the circuit is solved
 * by the sparse LDL^T in the variables V' = V / s. Checked here:
 *  - recognition and scales (1, A, A^2 ...), and the cases that must fall
 *    back to the unreduced LU path;
 *  - the LDL^T path is the one taken, and its node voltages and branch
 *    currents (VA's and EA's included) equal the unreduced dense-LU path's
 *    to 1e-9 relative, and ngspice's (golden tolerances);
 *  - the transformed energy E' = sum_k E_k / s_k^2 is minimal at the op and
 *    its gradient is KCL over s^2;
 *  - the exact gradient equals finite differences of the loss and the LU
 *    path's exact gradient; block coordinate descent, relaxation and the
 *    transient agree with Newton / the LU path;
 *  - centered EqProp with the (s_out / s_k)^2 update factor matches it.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadCircuitFromText, opFromFile } from "../src/api.js";
import type { Circuit } from "../src/circuit/circuit.js";
import type { BuildOptions } from "../src/circuit/build.js";
import { Engine } from "../src/analysis/engine.js";
import { operatingPoint, solveDc, type OpResult } from "../src/analysis/op.js";
import { energy, hasEnergy } from "../src/analysis/energy.js";
import { relax } from "../src/analysis/relax.js";
import { transient } from "../src/analysis/tran.js";
import { buildLayered } from "../circuits/layered.js";
import { EqModel } from "../src/train/model.js";
import { makeEstimator } from "../src/train/estimators.js";
import { gradcheck } from "../src/train/gradcheck.js";
import { loadDataset } from "../src/data/sources.js";
import { scaleInputs } from "../src/data/dataset.js";
import { mulberry32 as rng } from "../src/util/rng.js";
import { itNgspice, runNgspiceOp } from "./helpers/ngspice.js";

const inputs4 = [0.8, -1.3, 2.1, -0.4];

/** One hidden layer, gain 4. */
const net1 = buildLayered({ layers: [4, 6, 3], gain: 4, seed: 3, inputs: inputs4 }).text;
/** Two hidden layers, gain 2 after both. */
const net2 = buildLayered({ layers: [4, 6, 5, 3], gain: 2, seed: 5, inputs: inputs4 }).text;
/** Two hidden layers, gain 4 after the first and 2 after the second (scales 1, 4, 8). */
const net42 = buildLayered({ layers: [4, 6, 5, 3], gain: 4, seed: 7, inputs: inputs4 })
  .text.replace(/^(EA2_\d+ \S+ 0 \S+ 0) 4$/gm, "$1 2")
  .replace(/^(FA2_\d+ \S+ 0 \S+) 0\.25$/gm, "$1 0.5");
const NETS: Array<[string, string]> = [
  ["4-6-3, gain 4", net1],
  ["4-6-5-3, gain 2", net2],
  ["4-6-5-3, gains 4 and 2", net42],
];

const load = (text: string, build?: BuildOptions): Circuit => loadCircuitFromText(text, "amp.cir", build);
const scaleAt = (c: Circuit, name: string): number => c.nodeScale![c.nodeIndex.get(name)!];

describe("recognition", () => {
  it("finds every triple, drops their branches, and scales nodes 1 / A / A^2", () => {
    const c = load(net42);
    expect(c.amplifiers).not.toBeNull();
    expect(c.amplifiers!.amps.length).toBe(6 + 5);
    expect(c.symmetric).toBe(true);
    expect(hasEnergy(c)).toBe(true);
    // unknowns: hidden nodes and outputs only (no a_i, a, no branch currents)
    expect(c.n).toBe(c.nFree);
    expect(c.nFree).toBe(6 + 5 + 6);
    expect(c.branchNames).toEqual([]);
    expect(c.devices.some((d) => /^(ea|va|fa)/.test(d.name))).toBe(false);
    expect(c.deviceByName.get("va1_0")).toBeDefined();
    expect(scaleAt(c, "h1_0")).toBe(1);
    expect(scaleAt(c, "a1_0i")).toBe(4);
    expect(scaleAt(c, "a1_5")).toBe(4);
    expect(scaleAt(c, "h2_4")).toBe(4);
    expect(scaleAt(c, "a2_0")).toBe(8);
    expect(scaleAt(c, "o2n")).toBe(8);
    for (const fixed of ["0", "x0p", "xb", "vbu"]) expect(scaleAt(c, fixed)).toBe(0);
    expect(c.unknownOfNode[c.nodeIndex.get("a1_0")!]).toBe(-1);
  });

  it("circuits without amplifiers have no scales", () => {
    const c = load(buildLayered({ layers: [4, 6, 3], seed: 3 }).text);
    expect(c.amplifiers).toBeNull();
    expect(c.nodeScale).toBeNull();
  });

  const fallback: Array<[string, (t: string) => string]> = [
    ["F gain not exactly 1/A", (t) => t.replace(/^(FA1_0 \S+ 0 \S+) 0\.25$/m, "$1 0.2500001")],
    ["a resistor across the amplifier (two scales in one group)", (t) => t.replace(/^\.op$/m, "RX h1_0 o0p 1meg\n.op")],
    ["a 1 V (not 0 V) ammeter", (t) => t.replace(/^(VA1_0 \S+ \S+) DC 0$/m, "$1 DC 1")],
    ["reversed ammeter", (t) => t.replace(/^VA1_0 (\S+) (\S+) DC 0$/m, "VA1_0 $2 $1 DC 0")],
    ["another device on a_i", (t) => t.replace(/^\.op$/m, "RX a1_0i 0 1meg\n.op")],
    ["E controlled differentially", (t) => t.replace(/^EA1_0 (\S+) 0 (\S+) 0 4$/m, "EA1_0 $1 0 $2 xb 4")],
  ];
  for (const [what, edit] of fallback) {
    it(`${what}: that triple stays ordinary, the circuit falls back to LU and solves as unreduced`, () => {
      const text = edit(net1);
      expect(text).not.toBe(net1);
      const c = load(text);
      // the edited triple is not absorbed; if any amplifiers are, the rest stays consistent
      expect(c.symmetric).toBe(false);
      const e = new Engine(c);
      solveDc(e);
      expect(e.sys.lastKind).toBe("lu");
      const ref = operatingPoint(load(text, { reduceAmplifiers: false }));
      expectSameOp(operatingPoint(c), ref, 1e-9);
    });
  }

  it("gain 1: reduced, every scale 1", () => {
    const c = load(buildLayered({ layers: [4, 6, 3], gain: 1, seed: 3, inputs: inputs4 }).text);
    expect(c.amplifiers).not.toBeNull();
    expect(new Set(Array.from(c.nodeScale!).filter((s) => s > 0))).toEqual(new Set([1]));
  });
});

/** Same node voltages and branch currents (same names) to `rel` relative. */
function expectSameOp(a: OpResult, b: OpResult, rel: number): void {
  expect(Object.keys(a.nodes).sort()).toEqual(Object.keys(b.nodes).sort());
  expect(Object.keys(a.branches).sort()).toEqual(Object.keys(b.branches).sort());
  for (const [k, v] of Object.entries(b.nodes)) expect(Math.abs(a.nodes[k] - v), `V(${k}) ${a.nodes[k]} vs ${v}`).toBeLessThanOrEqual(rel * Math.abs(v) + 1e-15);
  for (const [k, v] of Object.entries(b.branches)) expect(Math.abs(a.branches[k] - v), `I(${k}) ${a.branches[k]} vs ${v}`).toBeLessThanOrEqual(rel * Math.abs(v) + 1e-21);
}

describe("the symmetric solve equals the dense-LU path", () => {
  for (const [label, text] of NETS) {
    it(`${label}: LDL^T taken, op equal to 1e-9`, () => {
      const c = load(text);
      const e = new Engine(c);
      solveDc(e);
      expect(e.sys.symmetric).toBe(true);
      expect(e.sys.lastKind).toBe("ldl");
      const lu = load(text, { reduceAmplifiers: false });
      const eLu = new Engine(lu);
      solveDc(eLu);
      expect(eLu.sys.lastKind).toBe("lu");
      expect(lu.n).toBeGreaterThanOrEqual(3 * c.n);
      // polished to rounding: the two formulations have other unknowns (the unreduced one tests its amplifiers'
      // branch currents), so ngspice's stopping rule may stop them an iteration apart
      const a = operatingPoint(c, { polish: 3 });
      const b = operatingPoint(lu, { polish: 3 });
      expectSameOp(a, b, 1e-9);
      // the amplifiers do what they say: V(a) = A V(h), I(FA) = I(VA) / A
      expect(Math.abs(a.nodes["a1_2"] - 4 * a.nodes["h1_2"] * (label.endsWith("gain 2") ? 0.5 : 1))).toBeLessThan(1e-15);
      expect(Math.abs(a.branches["ea1_2"] + a.branches["va1_2"])).toBeLessThan(1e-21);
    });
  }
});

describe("ngspice golden", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "eqspice-amp-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  for (const [label, text] of NETS) {
    itNgspice(`${label}: eqspice (reduced) vs ngspice`, () => {
      const file = path.join(dir, `${label.replace(/\W+/g, "_")}.cir`);
      writeFileSync(file, text);
      const ng = runNgspiceOp(file);
      const eq = opFromFile(file);
      const ngNodes = Object.keys(ng.nodes).filter((n) => n !== "0");
      expect(ngNodes.length).toBeGreaterThan(20);
      for (const n of ngNodes) expect(Math.abs(eq.nodes[n] - ng.nodes[n]!), `V(${n})`).toBeLessThanOrEqual(1e-6);
      const ngBranches = Object.keys(ng.branches);
      expect(ngBranches.filter((b) => b.startsWith("va")).length).toBeGreaterThan(5);
      expect(Object.keys(eq.branches).sort()).toEqual(ngBranches.sort());
      for (const b of ngBranches) {
        const ref = ng.branches[b]!;
        expect(Math.abs(eq.branches[b] - ref), `I(${b}): ngspice ${ref}, eqspice ${eq.branches[b]}`).toBeLessThanOrEqual(1e-9 + 1e-6 * Math.abs(ref));
      }
    });
  }
});

describe("energy of the transformed circuit", () => {
  it("E' = sum_k E_k / s_k^2 is minimal at the op, and dE'/dV_u = KCL_u / s_u^2", () => {
    const c = load(net42);
    const e = new Engine(c);
    solveDc(e);
    const x0 = Float64Array.from(e.x);
    const E = (): number => {
      e.syncVoltages();
      return energy(c, e.V);
    };
    const E0 = E();
    const rand = rng(11);
    for (let t = 0; t < 100; t++) {
      e.x.set(x0);
      for (let i = 0; i < c.n; i++) if (t % 3 === 0 || rand() < 0.3) e.x[i] += (rand() < 0.5 ? -1 : 1) * Math.pow(10, -3 + 2 * rand());
      expect(E()).toBeGreaterThan(E0);
    }
    // gradient at a point away from equilibrium, moving each unknown with its dependents
    const s = c.amplifiers!.unknownScale;
    const out = new Float64Array(c.nodeNames.length);
    for (let i = 0; i < c.n; i++) x0[i] += 0.05 * Math.sin(3 * i + 1);
    for (let u = 0; u < c.n; u++) {
      e.x.set(x0);
      e.syncVoltages();
      e.currents(out);
      const kcl = out[c.nodeOfUnknown[u]];
      const h = 1e-5;
      e.x[u] = x0[u] + h;
      const ep = E();
      e.x[u] = x0[u] - h;
      const em = E();
      const fd = (ep - em) / (2 * h);
      const want = kcl / (s[u] * s[u]);
      // truncation O(h^2) plus the rounding of E (each term to ~1e-16 relative)
      expect(Math.abs(fd - want), `unknown ${u}: fd ${fd}, KCL / s^2 ${want}`).toBeLessThanOrEqual(1e-6 * Math.abs(want) + (16 * Number.EPSILON * Math.abs(ep)) / h);
    }
  });
});

/** Loss |out - y|^2 / 2 at the free equilibrium. */
function lossOf(model: EqModel, y: ArrayLike<number>): number {
  model.setNudge(0, null);
  model.settle({ kind: "newton" });
  const out = model.outputs(new Float64Array(model.nOutputs));
  return out.reduce((acc, o, k) => acc + 0.5 * (o - y[k]) ** 2, 0);
}

describe("exact gradient", () => {
  for (const [label, text] of [NETS[0], NETS[2]]) {
    it(`${label}: equals central finite differences of the loss (every conductance) and the LU path's`, () => {
      const model = new EqModel(load(text));
      expect(model.circuit.amplifiers).not.toBeNull();
      const y = [0.1, -0.1, -0.1];
      model.setInputs([0.5, -1.2, 2.0, 0.3]);
      const g = new Float64Array(model.tIndex.length);
      makeEstimator("exact", { beta: 1, relax: { kind: "newton" } }).gradient(model, y, g);
      expect(model.engine.sys.lastKind).toBe("ldl");
      const lu = new EqModel(load(text, { reduceAmplifiers: false }));
      lu.setInputs([0.5, -1.2, 2.0, 0.3]);
      const gLu = new Float64Array(lu.tIndex.length);
      makeEstimator("exact", { beta: 1, relax: { kind: "newton" } }).gradient(lu, y, gLu);
      const g0 = model.getConductances();
      const m = g0.length;
      let onA = 0;
      for (let k = 0; k < m; k++) {
        expect(Math.abs(g[k] - gLu[k]), `device ${k}: ${g[k]} vs LU ${gLu[k]}`).toBeLessThanOrEqual(1e-9 * Math.abs(gLu[k]) + 1e-12);
        const d = model.circuit.ports.trainable[k].device;
        if (model.circuit.amplifiers!.dependent[d.a]) onA++;
        const h = g0[k] * 1e-4;
        const gp = Float64Array.from(g0);
        gp[k] += h;
        model.setConductances(gp);
        const lp = lossOf(model, y);
        gp[k] -= 2 * h;
        model.setConductances(gp);
        const lm = lossOf(model, y);
        model.setConductances(g0);
        const fd = (lp - lm) / (2 * h);
        expect(Math.abs(fd - g[k]), `${d.name}: fd ${fd}, exact ${g[k]}`).toBeLessThanOrEqual(1e-5 * Math.abs(g[k]) + 1e-9 * Math.abs(lp / g0[k]));
      }
      expect(onA).toBeGreaterThanOrEqual(6 * 6); // the crossbars fed by amplifier outputs were checked
    });
  }
});

describe("other minimizers and analyses", () => {
  it("block coordinate descent reaches Newton's equilibrium", () => {
    const model = new EqModel(load(net42));
    model.setInputs([0.5, -1.2, 2.0, 0.3]);
    model.settle({ kind: "newton" });
    const ref = Float64Array.from(model.engine.V);
    model.restoreState(new Float64Array(model.engine.x.length));
    model.settle({ kind: "bcd" });
    for (let k = 1; k < ref.length; k++) expect(Math.abs(model.engine.V[k] - ref[k])).toBeLessThan(1e-9);
  });

  it("relaxation in time decreases E' and ends at the op", () => {
    const c = load(net1.replace(/^\.op$/m, ".options reltol=1e-6 vntol=1e-9\n.op"));
    const e = new Engine(c);
    solveDc(e);
    const op = Float64Array.from(e.V);
    e.x.fill(0);
    e.setPoint("dc", 0, 1, null);
    e.syncVoltages();
    const Es: number[] = [];
    relax(e, { record: (_t, V) => Es.push(energy(c, V)) });
    for (let k = 1; k < Es.length; k++) expect(Es[k]).toBeLessThanOrEqual(Es[k - 1] + 1e-13 * Math.abs(Es[k - 1]));
    for (let k = 1; k < op.length; k++) expect(Math.abs(e.V[k] - op[k])).toBeLessThan(1e-8);
  });

  it("a transient equals the unreduced circuit's, with the amplifiers' currents as columns", () => {
    const text = buildLayered({ layers: [4, 6, 3], gain: 4, seed: 3, inputs: inputs4, cnode: 1e-12 }).text.replace(
      /^VX0P x0p 0 DC \S+$/m,
      "VX0P x0p 0 DC 0 PULSE(0 1 1n 1n 1n 5n 20n)",
    );
    const run = (build?: BuildOptions): { cols: string[]; rows: Float64Array[] } => {
      const c = load(text.replace(/^\.op$/m, ".tran 0.5n 12n"), build);
      expect(c.amplifiers === null).toBe(build?.reduceAmplifiers === false);
      const rows: Float64Array[] = [];
      let cols: string[] = [];
      transient(c, { tstop: 12e-9, tstep: 0.5e-9, integrator: "bdf2" }, { begin: (n) => (cols = n), row: (v) => rows.push(Float64Array.from(v)) });
      return { cols, rows };
    };
    const a = run();
    const b = run({ reduceAmplifiers: false });
    expect([...a.cols].sort()).toEqual([...b.cols].sort());
    expect(a.cols).toContain("i(va1_0)");
    expect(a.cols).toContain("i(ea1_5)");
    expect(a.rows.length).toBe(b.rows.length);
    const idx = a.cols.map((n) => b.cols.indexOf(n));
    let worstV = 0;
    let worstI = 0;
    for (let r = 0; r < a.rows.length; r++) {
      for (let j = 1; j < a.cols.length; j++) {
        const d = Math.abs(a.rows[r][j] - b.rows[r][idx[j]]);
        if (a.cols[j].startsWith("v(")) worstV = Math.max(worstV, d);
        else worstI = Math.max(worstI, d);
      }
    }
    // the same steps on the same equations: equal to rounding
    expect(worstV).toBeLessThan(1e-9);
    expect(worstI).toBeLessThan(1e-15);
  });
});

describe("EqProp with the (s_out / s_k)^2 update factor", () => {
  it("centered EqProp at beta = 1e-3 has cosine >= 0.999 with the exact gradient (gain 4)", () => {
    // Needs src/train/model.ts to scale each conductance's contrast by (s_out / s_k)^2
    // (circuit.nodeScale); without it the cosine is about 0.74 on this network.
    const model = new EqModel(load(net1));
    const r = gradcheck(model, scaleInputs(loadDataset("iris"), 4), { beta: 1e-3, estimator: "centered", samples: 8 });
    expect(r.cosine).toBeGreaterThanOrEqual(0.999);
  });
});
