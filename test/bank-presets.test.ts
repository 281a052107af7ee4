/**
 * The resistor bank's preset crossbar currents (ResistorBank.litRowsOf and
 * presetColumnCurrents), which threaded training uses to sum each input
 * crossbar's currents by rows on several threads: the currents from a list
 * of lit rows are the load's own sums, a preset is what load() uses while
 * the engine's fixed voltages stay where they were when it was made
 * (Engine.pointVersion), and it is ignored once they move or the
 * conductances change.
 */
import { describe, expect, it } from "vitest";
import { buildDrn } from "../circuits/drn.js";
import { loadCircuitFromText } from "../src/api.js";
import { EqModel } from "../src/train/model.js";

const text = buildDrn({ layers: [30, 12, 3], seed: 5 }).text;

function model(): EqModel {
  return new EqModel(loadCircuitFromText(text, "drn.cir", { resistorStorage: "bank-memory" }));
}

/** Features with about a third of the pixels lit. */
function features(n: number, seed: number): Float64Array {
  let s = seed;
  const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
  return Float64Array.from({ length: n }, () => (rnd() < 0.35 ? rnd() : 0));
}

/** The free phase's node voltages from a fixed start. */
function solve(m: EqModel, start: Float64Array): number[] {
  m.restoreState(start);
  m.setNudge(0, null);
  m.settle({ kind: "newton" });
  return Array.from(m.engine.x);
}

/** Block bi's lit-row currents at the engine's row voltages, from the rows [i0, i1). */
function currents(m: EqModel, bi: number, i0: number, i1: number): Float64Array {
  const bank = m.circuit.resistors;
  const blk = bank.denseBlocks()[bi];
  const lit = new Int32Array(blk.M);
  const vals = new Float64Array(blk.M);
  let c = 0;
  for (let i = i0; i < i1; i++) {
    const v = m.engine.Vk[blk.rows[i]];
    if (v !== 0) {
      lit[c] = i;
      vals[c++] = v;
    }
  }
  const out = new Float64Array(blk.N);
  bank.litRowsOf(bi, lit, vals, c, out);
  return out;
}

describe("resistor bank: preset crossbar currents", () => {
  it("the network has an input crossbar from fixed rows to free columns", () => {
    const blocks = model().circuit.resistors.denseBlocks();
    expect(blocks.length).toBeGreaterThan(0);
    expect(blocks[0].M).toBe(60);
    expect(blocks[0].N).toBe(12);
  });

  it("currents of the lit rows preset: bitwise the solution without; wrong currents preset: another solution", () => {
    const m = model();
    const start = new Float64Array(m.engine.x.length);
    m.saveState(start);
    const x = features(m.nInputs, 11);
    m.setInputs(x);
    const plain = solve(m, start);
    const blk = m.circuit.resistors.denseBlocks()[0];
    // As a training thread does: set the inputs (the linear base is rebuilt at the next load), then preset.
    m.setInputs(x);
    m.circuit.resistors.presetColumnCurrents(0, currents(m, 0, 0, blk.M), m.engine.Vk, m.engine.pointVersion);
    expect(solve(m, start)).toEqual(plain);
    // Scaled currents: load() takes them (the preset is what it uses).
    const wrong = currents(m, 0, 0, blk.M).map((v) => 1.5 * v);
    m.setInputs(x);
    m.circuit.resistors.presetColumnCurrents(0, wrong, m.engine.Vk, m.engine.pointVersion);
    const skewed = solve(m, start);
    expect(Math.max(...skewed.map((v, i) => Math.abs(v - plain[i])))).toBeGreaterThan(1e-3);
  });

  it("a preset made for another engine's voltages (another Vk array) is not used, at any version", () => {
    const m = model();
    const start = new Float64Array(m.engine.x.length);
    m.saveState(start);
    const x = features(m.nInputs, 15);
    m.setInputs(x);
    const plain = solve(m, start);
    const blk = m.circuit.resistors.denseBlocks()[0];
    m.setInputs(x);
    const wrong = currents(m, 0, 0, blk.M).map((v) => 1.5 * v);
    m.circuit.resistors.presetColumnCurrents(0, wrong, Float64Array.from(m.engine.Vk), m.engine.pointVersion);
    expect(solve(m, start)).toEqual(plain);
  });

  it("summed by row ranges (as two threads do), the currents equal the whole block's to rounding", () => {
    const m = model();
    m.setInputs(features(m.nInputs, 12));
    const M = m.circuit.resistors.denseBlocks()[0].M;
    const whole = currents(m, 0, 0, M);
    const a = currents(m, 0, 0, 25);
    const b = currents(m, 0, 25, M);
    whole.forEach((v, j) => expect(a[j] + b[j]).toBeCloseTo(v, 15));
  });

  it("ignored once an input moves, and dropped when the conductances change", () => {
    const m = model();
    const start = new Float64Array(m.engine.x.length);
    m.saveState(start);
    const bank = m.circuit.resistors;
    m.setInputs(features(m.nInputs, 13));
    const wrong = currents(m, 0, 0, bank.denseBlocks()[0].M).map((v) => 1.5 * v);
    bank.presetColumnCurrents(0, wrong, m.engine.Vk, m.engine.pointVersion);
    // Another sample: the preset's row voltages no longer hold.
    const x2 = features(m.nInputs, 14);
    m.setInputs(x2);
    const fresh = model();
    fresh.setInputs(x2);
    expect(solve(m, start)).toEqual(solve(fresh, start));
    // Back to the first sample, after a conductance change: the preset is gone.
    m.setInputs(features(m.nInputs, 13));
    bank.presetColumnCurrents(0, wrong, m.engine.Vk, m.engine.pointVersion);
    m.setConductances(m.getConductances());
    const again = model();
    again.setInputs(features(m.nInputs, 13));
    expect(solve(m, start)).toEqual(solve(again, start));
  });
});
