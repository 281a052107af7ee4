/**
 * The layered Newton solver (analysis/layered.ts): on a DRN it must land on
 * the same equilibrium as the general engine's Newton (KCL to rounding), its
 * adjoint must equal the general engine's, and circuits without the layered
 * structure must be refused with a reason (the model then falls back).
 */
import { describe, expect, it } from "vitest";
import { buildDrn } from "../circuits/drn.js";
import { loadCircuitFromText } from "../src/api.js";
import { LayeredNewton } from "../src/analysis/layered.js";
import { EqModel } from "../src/train/model.js";
import { tolerancesOf } from "../src/analysis/op.js";
import { Rng } from "../src/util/rng.js";

function drnModel(layers: number[], seed = 5): EqModel {
  return new EqModel(loadCircuitFromText(buildDrn({ layers, seed }).text, "drn.cir"));
}

/** Largest |KCL residual| over the free nodes (A), relative to the largest device current there. */
function kclResidual(model: EqModel): number {
  const e = model.engine;
  const c = model.circuit;
  const r = new Float64Array(e.V.length);
  e.currents(r);
  let worst = 0;
  for (let u = 0; u < c.nFree; u++) worst = Math.max(worst, Math.abs(r[c.nodeOfUnknown[u]]));
  return worst;
}

describe("layered Newton", () => {
  it("splits a DRN into its hidden units (eliminated) and its outputs (Schur set)", () => {
    const m = drnModel([12, 20, 4]);
    expect(m.structuredReason).toBeNull();
    expect(m.structured()!.sizes).toEqual({ eliminated: 20, schur: 4 });
    // Two hidden layers alternate: {h1, outputs} against {h2}.
    const m2 = drnModel([12, 9, 7, 3]);
    expect(m2.structured()!.sizes).toEqual({ eliminated: 12, schur: 7 });
  });

  it("reaches the general Newton's equilibrium (KCL holds to rounding), free and nudged", () => {
    for (const layers of [[12, 20, 4], [12, 9, 7, 3]]) {
      const fast = drnModel(layers);
      const ref = drnModel(layers);
      const rng = new Rng(11);
      const y = new Float64Array(layers[layers.length - 1]);
      for (let trial = 0; trial < 6; trial++) {
        const x = Array.from({ length: layers[0] }, () => 100 * rng.next());
        y.fill(0);
        y[trial % y.length] = 1;
        const beta = trial < 2 ? 0 : (trial % 2 ? 0.5 : -0.5) * fast.Gnudge;
        for (const m of [fast, ref]) {
          m.setInputs(x);
          m.setNudge(beta, y);
        }
        fast.settle({ kind: "auto" });
        ref.settle({ kind: "newton" });
        const scale = Math.max(...ref.engine.V.map(Math.abs));
        for (let i = 0; i < ref.engine.V.length; i++) expect(Math.abs(fast.engine.V[i] - ref.engine.V[i])).toBeLessThan(1e-9 * scale);
        // Currents here are ~1e-4 S x 100 V = 1e-2 A: KCL to 1e-12 of that.
        expect(kclResidual(fast)).toBeLessThan(1e-14);
      }
    }
  });

  it("its adjoint solve equals the general engine's (the exact gradient's linear system)", () => {
    const m = drnModel([12, 20, 4]);
    const rng = new Rng(3);
    m.setInputs(Array.from({ length: 12 }, () => 100 * rng.next()));
    m.setNudge(0, null);
    m.settle({ kind: "auto" });
    const n = m.engine.x.length;
    const rhs = Float64Array.from({ length: n }, () => rng.next() - 0.5);
    const a = Float64Array.from(rhs);
    const b = Float64Array.from(rhs);
    expect(m.linearize()).toBe(true);
    m.solveAdjoint(a);
    expect(m.engine.linearize()).toBe(true);
    m.engine.solveAdjoint(b);
    const big = Math.max(...b.map(Math.abs));
    for (let i = 0; i < n; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-9 * big);
  });

  it("refuses circuits that are not layered, with a reason, and the model falls back to the general Newton", () => {
    const triangle = `* not bipartite
*@input V1
*@output b
*@train R1 R2 R3
V1 in 0 DC 1
R1 in a 1k
R2 a b 1k
R3 b c 1k
R4 c a 1k
R5 c 0 1k
R6 b 0 1k
.end
`;
    const m = new EqModel(loadCircuitFromText(triangle, "t.cir"));
    expect(m.structuredReason).toMatch(/not bipartite/);
    m.setInputs([1]);
    m.settle({ kind: "auto" });
    expect(kclResidual(m)).toBeLessThan(1e-15);
    const diode = `* a diode between two free nodes
*@input V1
*@output b
*@train R1
V1 in 0 DC 1
R1 in a 1k
D1 a b DX
R2 b 0 1k
.model DX D(IS=1e-14)
.end
`;
    const d = new EqModel(loadCircuitFromText(diode, "d.cir"));
    expect(d.structuredReason).toMatch(/d1 joins two free nodes/);
    expect(LayeredNewton.create(d.engine)).toBeTypeOf("string");
  });

  it("converges in the same number of iterations as the general Newton (same iterates)", () => {
    const fast = drnModel([12, 20, 4]);
    const ref = drnModel([12, 20, 4]);
    const rng = new Rng(2);
    const x = Array.from({ length: 12 }, () => 100 * rng.next());
    const tol = tolerancesOf(fast.circuit);
    fast.setInputs(x);
    ref.setInputs(x);
    const layered = fast.structured()!;
    layered.eliminateFirst = false;
    const a = layered.newton(tol, 100, false, 1);
    const b = ref.engine.newton(tol, 100, false, 1);
    expect(a.converged && b.converged).toBe(true);
    expect(a.iterations).toBe(b.iterations);
    for (let i = 0; i < ref.engine.V.length; i++) expect(fast.engine.V[i]).toBeCloseTo(ref.engine.V[i], 9);
  });

  it("nonlinear elimination (the model's default) needs fewer outer iterations and lands on the same point", () => {
    const fast = drnModel([12, 20, 4]);
    const ref = drnModel([12, 20, 4]);
    const tol = tolerancesOf(fast.circuit);
    const rng = new Rng(4);
    const layered = fast.structured()!;
    expect(layered.eliminateFirst).toBe(true);
    let outer = 0;
    let plain = 0;
    for (let trial = 0; trial < 5; trial++) {
      const x = Array.from({ length: 12 }, () => 100 * rng.next());
      fast.setInputs(x);
      ref.setInputs(x);
      const a = layered.newton(tol, 100, false, 1);
      const b = ref.engine.newton(tol, 100, false, 1);
      expect(a.converged && b.converged).toBe(true);
      outer += a.iterations;
      plain += b.iterations;
      for (let i = 0; i < ref.engine.V.length; i++) expect(Math.abs(fast.engine.V[i] - ref.engine.V[i])).toBeLessThan(1e-9);
    }
    expect(outer).toBeLessThan(plain);
  });

  it("after a mini-batch update the linear base (column sums handed over by the kernel) equals a full recompute", () => {
    const m = drnModel([12, 20, 4]);
    const rng = new Rng(8);
    m.batchCapacity = 4;
    const y = new Float64Array(4);
    // Some inputs at 0 V in every sample of the batch: the kernel's unlit-row path.
    const x = () => Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? 0 : 100 * rng.next()));
    for (let k = 0; k < 4; k++) {
      m.setInputs(x());
      m.setNudge(0, null);
      m.settle({ kind: "auto" });
      const V0 = Float64Array.from(m.engine.V);
      y.fill(0);
      y[k] = 1;
      m.setNudge(0.5 * m.Gnudge, y);
      m.settle({ kind: "auto" });
      m.accumulate(Float64Array.from(m.engine.V), V0, 1 / m.Gnudge);
    }
    m.applyBatch(-0.01 * 1e-8, 1e-7, Infinity);
    m.setInputs(x());
    const adopted = Float64Array.from(m.engine.linearBase().A);
    m.engine.invalidate();
    const fresh = m.engine.linearBase().A;
    expect(Array.from(adopted)).toEqual(Array.from(fresh));
    // and the update did move the conductances (the test is not vacuous)
    expect(m.getConductances().some((g) => g !== 1e-7)).toBe(true);
  });

  it("exact block coordinate descent (deep networks) reaches the general Newton's equilibrium", () => {
    const layers = [12, 9, 7, 3];
    const fast = drnModel(layers);
    const ref = drnModel(layers);
    const tol = tolerancesOf(fast.circuit);
    const rng = new Rng(6);
    const y = new Float64Array(3);
    for (let trial = 0; trial < 4; trial++) {
      const x = Array.from({ length: 12 }, () => 200 * rng.next());
      y.fill(0);
      y[trial % 3] = 1;
      for (const m of [fast, ref]) {
        m.setInputs(x);
        m.setNudge(trial % 2 ? 0.5 * m.Gnudge : 0, y);
      }
      const r = fast.structured()!.bcd(tol, 2000, 1e-5);
      expect(r.converged).toBe(true);
      ref.settle({ kind: "newton" });
      const scale = Math.max(...ref.engine.V.map(Math.abs));
      for (let i = 0; i < ref.engine.V.length; i++) expect(Math.abs(fast.engine.V[i] - ref.engine.V[i])).toBeLessThan(1e-7 * scale);
      expect(kclResidual(fast)).toBeLessThan(1e-9);
    }
  });

  it("the adjoint of a deep network by block Gauss-Seidel equals the dense Schur solve", () => {
    const m = drnModel([30, 60, 60, 3], 9);
    const rng = new Rng(12);
    m.setInputs(Array.from({ length: 30 }, () => 150 * rng.next()));
    m.setNudge(0, null);
    m.settle({ kind: "auto" });
    const layered = m.structured()!;
    const n = m.engine.x.length;
    const rhs = Float64Array.from({ length: n }, () => rng.next() - 0.5);
    const dense = Float64Array.from(rhs);
    const iter = Float64Array.from(rhs);
    expect(layered.linearize()).toBe(true);
    layered.solveAdjoint(dense); // 63 x 60 Schur: dense
    (layered as unknown as { iterative: boolean }).iterative = true;
    layered.solveAdjoint(iter);
    const big = Math.max(...dense.map(Math.abs));
    for (let i = 0; i < n; i++) expect(Math.abs(iter[i] - dense[i])).toBeLessThan(1e-10 * big);
  });

  it("amplifier networks (gain 4): the reduced system in V / s gives the general Newton's equilibrium and adjoint", () => {
    const build = () => new EqModel(loadCircuitFromText(buildDrn({ layers: [12, 20, 4], seed: 5, gain: 4 }).text, "amp.cir"));
    const fast = build();
    const ref = build();
    expect(fast.circuit.amplifiers).not.toBeNull();
    expect(fast.structuredReason).toBeNull();
    const rng = new Rng(14);
    const y = new Float64Array(4);
    for (let trial = 0; trial < 4; trial++) {
      const x = Array.from({ length: 12 }, () => 30 * rng.next());
      y.fill(0);
      y[trial] = 1;
      for (const m of [fast, ref]) {
        m.setInputs(x);
        m.setNudge(trial % 2 ? 0.5 * m.Gnudge : 0, y);
      }
      fast.settle({ kind: "auto" });
      ref.settle({ kind: "newton" });
      const scale = Math.max(...ref.engine.V.map(Math.abs));
      for (let i = 0; i < ref.engine.V.length; i++) expect(Math.abs(fast.engine.V[i] - ref.engine.V[i])).toBeLessThan(1e-9 * scale);
    }
    const n = fast.engine.x.length;
    const rhs = Float64Array.from({ length: n }, () => rng.next() - 0.5);
    const a = Float64Array.from(rhs);
    const b = Float64Array.from(rhs);
    expect(fast.linearize()).toBe(true);
    fast.solveAdjoint(a);
    expect(ref.engine.linearize()).toBe(true);
    ref.engine.solveAdjoint(b);
    const big = Math.max(...b.map(Math.abs));
    for (let i = 0; i < n; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-9 * big);
  });
});
