/**
 * On reciprocal circuits the DC operating point is the minimum of the
 * energy E(V) (total co-content): its gradient over the free nodes (the KCL
 * residual, engine.currents) vanishes there, and moving free nodes away
 * always increases E. Plus closed-form values of E on dividers.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadCircuit, loadCircuitFromText } from "../src/api.js";
import type { Circuit } from "../src/circuit/circuit.js";
import { Engine } from "../src/analysis/engine.js";
import { solveDc } from "../src/analysis/op.js";
import { energy, hasEnergy } from "../src/analysis/energy.js";
import { mulberry32 as rng } from "../src/util/rng.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const GOLDEN = path.join(HERE, "golden");


function solve(c: Circuit): Engine {
  const engine = new Engine(c);
  solveDc(engine);
  return engine;
}

/**
 * E(V') - E(V), summed device by device (less cancellation than differencing
 * two totals), with a bound on its rounding error: each term is a sum of up
 * to `terms` products, so its error is below terms * eps * |term|.
 */
function energyChange(c: Circuit, V: Float64Array, W: Float64Array): { dE: number; rounding: number } {
  const terms = c.devices.length + c.resistors.size + 4;
  let dE = 0;
  let mag = 0;
  for (const dev of c.devices) {
    if (!dev.cocontent) continue;
    const a = dev.cocontent(W, -1);
    const b = dev.cocontent(V, -1);
    dE += a - b;
    mag += Math.abs(a) + Math.abs(b);
  }
  return { dE, rounding: 2 * terms * Number.EPSILON * mag };
}

/**
 * At the solved operating point: |dE/dV| at every free node is at rounding
 * level (1e-12 of the currents meeting there, and at most ~1e-12 A), and 200
 * random perturbations of free nodes (1 mV .. 100 mV, random subsets and
 * signs) all increase E (none lowers it by more than its rounding error; a
 * node held only by a 1e-15 S resistor moves E by less than that).
 */
function checkMinimum(c: Circuit, engine: Engine, label: string, seed: number): void {
  expect(hasEnergy(c), `${label}: reciprocal`).toBe(true);
  const nNodes = c.nodeNames.length;
  const V = Float64Array.from(engine.V);
  // gradient = KCL residual at the free nodes
  const grad = new Float64Array(nNodes);
  engine.currents(grad);
  // scale: the currents meeting at each node, device by device
  const scale = new Float64Array(nNodes);
  const one = new Float64Array(nNodes);
  for (const d of c.devices) {
    one.fill(0);
    d.addCurrents(V, engine.x, -1, one);
    for (let k = 0; k < nNodes; k++) scale[k] += Math.abs(one[k]);
  }
  for (let i = 0; i < c.nFree; i++) {
    const k = c.nodeOfUnknown[i];
    expect(Math.abs(grad[k]), `${label}: dE/dV(${c.nodeNames[k]}) = ${grad[k]} A (currents there ~${scale[k]} A)`).toBeLessThanOrEqual(
      Math.max(1e-12 * scale[k], 1e-15) + 1e-12 * Math.min(1, scale[k] * 1e3),
    );
  }
  // random perturbations of free nodes increase E (beyond rounding)
  if (c.nFree === 0) return;
  const rand = rng(seed);
  const E0 = energy(c, V);
  expect(Number.isFinite(E0)).toBe(true);
  const W = new Float64Array(nNodes);
  let positive = 0;
  for (let t = 0; t < 200; t++) {
    W.set(V);
    const p = t % 4 === 0 ? 1 : rand(); // sometimes move every node
    let moved = 0;
    for (let i = 0; i < c.nFree; i++) {
      if (rand() < p || (i === c.nFree - 1 && moved === 0)) {
        const mag = Math.pow(10, -3 + 2 * rand());
        W[c.nodeOfUnknown[i]] += rand() < 0.5 ? -mag : mag;
        moved++;
      }
    }
    const { dE, rounding } = energyChange(c, V, W);
    expect(dE, `${label}: perturbation ${t} of ${moved} nodes lowered E by ${-dE} W`).toBeGreaterThan(-rounding);
    if (dE > rounding) positive++;
    expect(energy(c, W)).toBeGreaterThan(E0 - rounding);
  }
  // and the increase is (almost always) well above rounding: the test is not vacuous
  expect(positive, `${label}: perturbations that raised E beyond rounding`).toBeGreaterThanOrEqual(190);
}

describe("closed forms", () => {
  it("divider: E at the op = g1 (10 - 7.5)^2/2 + g2 7.5^2/2 = 12.5 mW", () => {
    const c = loadCircuitFromText("divider\nV1 in 0 DC 10\nR1 in mid 1k\nR2 mid 0 3k\n");
    const e = solve(c);
    const mid = c.nodeIndex.get("mid")!;
    expect(e.V[mid]).toBeCloseTo(7.5, 12);
    const expected = (1e-3 * 2.5 * 2.5) / 2 + ((1 / 3000) * 7.5 * 7.5) / 2;
    expect(expected).toBeCloseTo(12.5e-3, 15);
    expect(Math.abs(energy(c, e.V) - expected)).toBeLessThan(1e-15);
    checkMinimum(c, e, "divider", 1);
  });

  it("divider with a current source: V = 8.25 V, E = 4.625 mW (the source's term is -I V)", () => {
    // KCL at mid: (V - 10)/1k + V/3k = 1 mA  ->  V = 8.25 V
    // E = 1e-3 (1.75)^2/2 + (8.25)^2/(2 * 3k) + 1 mA * (0 - 8.25)
    const c = loadCircuitFromText("divider + I\nV1 in 0 DC 10\nR1 in mid 1k\nR2 mid 0 3k\nI1 0 mid 1m\n");
    const e = solve(c);
    expect(e.V[c.nodeIndex.get("mid")!]).toBeCloseTo(8.25, 12);
    const expected = (1e-3 * 1.75 * 1.75) / 2 + (8.25 * 8.25) / 6000 - 1e-3 * 8.25;
    expect(expected).toBeCloseTo(4.625e-3, 15);
    expect(Math.abs(energy(c, e.V) - expected)).toBeLessThan(1e-15);
    checkMinimum(c, e, "divider + I", 2);
  });

  it("two free nodes and a floating current source", () => {
    // I1 a b 2m: leaves a, enters b. R1 a 0 1k, R2 b 0 1k, R3 a b 1k.
    // KCL: Va/1k + (Va - Vb)/1k + 2m = 0; Vb/1k + (Vb - Va)/1k - 2m = 0 -> Va = -2/3, Vb = 2/3
    const c = loadCircuitFromText("float I\nI1 a b 2m\nR1 a 0 1k\nR2 b 0 1k\nR3 a b 1k\n");
    const e = solve(c);
    const va = e.V[c.nodeIndex.get("a")!];
    const vb = e.V[c.nodeIndex.get("b")!];
    expect(va).toBeCloseTo(-2 / 3, 12);
    expect(vb).toBeCloseTo(2 / 3, 12);
    const expected = (va * va + vb * vb + (va - vb) * (va - vb)) / 2000 + 2e-3 * (va - vb);
    expect(Math.abs(energy(c, e.V) - expected)).toBeLessThan(1e-15);
    checkMinimum(c, e, "floating I", 3);
  });

  it("non-reciprocal circuits have no energy", () => {
    expect(hasEnergy(loadCircuitFromText("e\nV1 a 0 1\nR1 a 0 1k\nE1 b 0 a 0 2\nR2 b 0 1k\n"))).toBe(false);
    expect(hasEnergy(loadCircuitFromText("floating V\nV1 a b 1\nR1 a 0 1k\nR2 b 0 1k\n"))).toBe(false);
  });
});

/** A layered diode crossbar: inputs -> crossbar -> hidden nodes with antiparallel diodes -> crossbar -> outputs. */
function diodeCrossbar(seed: number, nIn: number, nHid: number, nOut: number, rs: number): string {
  const rand = rng(seed);
  const lines = [`diode crossbar ${seed}`, `.model dm D(IS=4.352n N=1.906 RS=${rs})`];
  const ins: string[] = [];
  for (let k = 0; k < nIn; k++) {
    const x = 4 * rand() - 2;
    lines.push(`VX${k}P x${k}p 0 DC ${x}`, `VX${k}N x${k}n 0 DC ${-x}`);
    ins.push(`x${k}p`, `x${k}n`);
  }
  lines.push(`*@crossbar W1 ${ins.join(",")} h{0:${nHid - 1}} init=uniform(1e-5,1e-3) seed=${seed}`);
  lines.push("VBU bu 0 DC 0.3", "VBD bd 0 DC -0.7");
  for (let j = 0; j < nHid; j++) lines.push(`DU${j} h${j} bu dm`, `DD${j} bd h${j} dm`);
  lines.push(`*@crossbar W2 h{0:${nHid - 1}} o{0:${nOut - 1}} init=uniform(1e-5,1e-3) seed=${seed + 1}`);
  for (let k = 0; k < nOut; k++) {
    lines.push(`RL${k} o${k} 0 10k`);
    // nudging currents at the outputs
    lines.push(`IN${k} 0 o${k} DC ${(rand() - 0.5) * 1e-4}`);
  }
  return lines.join("\n") + "\n";
}

describe("the op is the minimum of E on reciprocal circuits", () => {
  for (const [seed, nIn, nHid, nOut, rs] of [
    [1, 2, 4, 2, 0],
    [2, 3, 6, 2, 0.6458],
    [3, 5, 8, 3, 10],
  ] as const) {
    it(`diode crossbar ${nIn}x${nHid}x${nOut}, RS=${rs}`, () => {
      const c = loadCircuitFromText(diodeCrossbar(seed, nIn, nHid, nOut, rs), `xbar${seed}.cir`);
      expect(c.nFree).toBeGreaterThanOrEqual(nHid + nOut);
      checkMinimum(c, solve(c), `crossbar ${seed}`, 100 + seed);
    });
  }

  it("a larger crossbar with gmin-visible reverse junctions", () => {
    const c = loadCircuitFromText(diodeCrossbar(7, 10, 20, 5, 1), "xbar-large.cir");
    checkMinimum(c, solve(c), "crossbar 10x20x5", 7);
  });

  const golden = readdirSync(GOLDEN).filter((f) => f.endsWith(".cir")).sort();
  const reciprocal = golden.filter((f) => loadCircuit(path.join(GOLDEN, f)).symmetric);
  it("most golden netlists are reciprocal", () => {
    expect(reciprocal.length).toBeGreaterThanOrEqual(10);
  });
  for (const f of reciprocal) {
    it(`golden ${f}`, () => {
      const c = loadCircuit(path.join(GOLDEN, f));
      checkMinimum(c, solve(c), f, f.length);
    });
  }
});
