/**
 * Inductors (L) and mutual coupling (K): DC shorts, closed-form transients
 * (RL step, LC tank period and energy, an ideal transformer's ratio), and
 * bad input as NetlistErrors at file:line:col.
 */
import { describe, expect, it } from "vitest";
import { loadCircuitFromText, operatingPoint, transient } from "../src/api.js";
import { hasEnergy } from "../src/analysis/energy.js";
import { netlistErrorCheck } from "./helpers/netlist-errors.js";

const FILE = "<netlist>";
const expectNetlistError = netlistErrorCheck(FILE);
const load = (...lines: string[]) => () => loadCircuitFromText(["title", ...lines, ".end", ""].join("\n"), FILE);
const circuit = (...lines: string[]) => loadCircuitFromText(["title", ...lines, ".end", ""].join("\n"), FILE);

describe("inductor DC", () => {
  it("is a short: node voltages and its current equal those of a 0 V source in its place", () => {
    const net = (el: string) => circuit("V1 in 0 5", "R1 in a 1k", el, "R2 b 0 2k", "R3 a 0 3k", "I1 0 b 1m");
    const withL = operatingPoint(net("L1 a b 10m"));
    const withV = operatingPoint(net("VL a b 0"));
    for (const n of ["in", "a", "b"]) expect(withL.nodes[n]).toBeCloseTo(withV.nodes[n], 12);
    // the branch current flows from n+ through L to n-, as a source's
    expect(withL.branches["l1"]).toBeCloseTo(withV.branches["vl"], 14);
    expect(Math.abs(withL.nodes.a - withL.nodes.b)).toBeLessThan(1e-12);
    // a bias network: the node only reaches ground through the inductor
    const bias = operatingPoint(circuit("V1 vdd 0 10", "R1 vdd c 1k", "L1 c 0 1u"));
    expect(bias.nodes.c).toBeCloseTo(0, 12);
    expect(bias.branches["l1"]).toBeCloseTo(10e-3, 14);
  });

  it("has no co-content: a circuit with an L is not reciprocal for the energy code", () => {
    expect(hasEnergy(circuit("V1 in 0 1", "R1 in a 1k", "R2 a 0 1k"))).toBe(true);
    expect(hasEnergy(circuit("V1 in 0 1", "R1 in a 1k", "L1 a b 1m", "R2 b 0 1k"))).toBe(false);
  });
});

describe("inductor transient: closed forms", () => {
  it("RL step: i(t) = V/R (1 - exp(-t R/L)) to 1e-4 relative (trap and bdf2)", () => {
    const c = () => circuit("V1 in 0 PULSE(0 1 0 1p 1p 1 2)", "R1 in a 100", "L1 a 0 1m", ".tran 0.1u 50u");
    for (const integrator of ["trap", "bdf2"] as const) {
      const r = transient(c(), { integrator, tmax: 0.05e-6, tstep: 0.1e-6 });
      expect(r.stats.integrator).toBe(integrator);
      let worst = 0;
      for (let k = 0; k < r.time.length; k++) {
        const t = r.time[k];
        if (t < 1e-9) continue;
        const exact = 0.01 * (1 - Math.exp((-t * 100) / 1e-3));
        worst = Math.max(worst, Math.abs(r.branches["l1"][k] - exact) / 0.01);
        // the node voltage is the inductor's: L di/dt = V exp(-t R/L)
        expect(Math.abs(r.nodes.a[k] - Math.exp((-t * 100) / 1e-3))).toBeLessThan(1e-3);
      }
      expect(worst, integrator).toBeLessThan(1e-4);
      // after 5 time constants
      expect(r.time[r.time.length - 1]).toBeCloseTo(50e-6, 12);
      expect(r.branches["l1"][r.time.length - 1]).toBeCloseTo(0.01 * (1 - Math.exp(-5)), 6);
    }
  });

  it("LC tank: period 2 pi sqrt(LC) and, with trap, energy C v^2/2 + L i^2/2 conserved over 10 periods", () => {
    const L = 1e-3;
    const C = 1e-6;
    const T = 2 * Math.PI * Math.sqrt(L * C);
    const c = circuit("C1 a 0 1u ic=1", "L1 a 0 1m", `.tran ${T / 200} ${10 * T} uic`);
    const r = transient(c, { integrator: "trap", tmax: T / 400, tstep: T / 200 });
    const v = r.nodes.a;
    const i = r.branches["l1"];
    // upward zero crossings of v, interpolated
    const ups: number[] = [];
    for (let k = 1; k < v.length; k++) if (v[k - 1] < 0 && v[k] >= 0) ups.push(r.time[k - 1] + ((0 - v[k - 1]) / (v[k] - v[k - 1])) * (r.time[k] - r.time[k - 1]));
    expect(ups.length).toBeGreaterThanOrEqual(9);
    const period = (ups[ups.length - 1] - ups[0]) / (ups.length - 1);
    expect(Math.abs(period - T) / T).toBeLessThan(1e-4);
    const e0 = 0.5 * C * 1 * 1;
    let drift = 0;
    for (let k = 0; k < v.length; k++) drift = Math.max(drift, Math.abs(0.5 * C * v[k] * v[k] + 0.5 * L * i[k] * i[k] - e0) / e0);
    expect(drift).toBeLessThan(1e-3);
    // it did oscillate: v reaches -1 half a period in
    expect(Math.min(...v)).toBeLessThan(-0.99);
  });

  it("uic with ic= on the inductor: the current starts at ic and decays as exp(-t R/L) through R", () => {
    const r = transient(circuit("L1 a 0 1m ic=2m", "R1 a 0 10", ".tran 1u 300u uic"), { integrator: "trap", tmax: 0.1e-6, tstep: 1e-6 });
    expect(r.branches["l1"][0]).toBeCloseTo(2e-3, 12);
    for (let k = 0; k < r.time.length; k++) {
      const t = r.time[k];
      expect(Math.abs(r.branches["l1"][k] - 2e-3 * Math.exp((-t * 10) / 1e-3))).toBeLessThan(2e-7);
    }
  });

  it("K = 1 transformer into a light load: the secondary follows the turns ratio sqrt(L2/L1)", () => {
    const c = circuit("V1 in 0 SIN(0 1 10k)", "Rs in p 1", "L1 p 0 1m", "L2 s 0 4m", "K1 L1 L2 1", "R2 s 0 100k", ".tran 1u 200u");
    const r = transient(c, { integrator: "trap", tmax: 0.1e-6, tstep: 1e-6 });
    let worst = 0;
    // with perfect coupling v2 = (M / L1) v1 exactly, whatever the load
    for (let k = 1; k < r.time.length; k++) worst = Math.max(worst, Math.abs(r.nodes.s[k] - 2 * r.nodes.p[k]));
    expect(worst).toBeLessThan(1e-6);
    expect(Math.max(...r.nodes.s)).toBeGreaterThan(1.9);
  });

  it("the explicit integrator is not chosen for a circuit with an inductor", () => {
    const r = transient(circuit("V1 in 0 PULSE(0 1 0 1n 1n 1 2)", "R1 in a 1k", "L1 a b 1m", "C1 b 0 1n", ".tran 0.1u 10u"), { integrator: "auto" });
    expect(r.stats.integrator).not.toBe("odex");
  });
});

describe("inductor and K: bad input", () => {
  it("missing value, zero L, inductor models, unknown parameters", () => {
    expectNetlistError(load("V1 a 0 1", "R1 a b 1k", "L1 b 0"), 4, 6, /l1: missing inductance/);
    expectNetlistError(load("V1 a 0 1", "R1 a b 1k", "L1 b 0 0"), 4, 8, /l1: inductance must be finite and nonzero \(got 0 H/);
    // a negative one is read, as ngspice reads it (inductor-ngspice.test.ts compares its transient)
    expect(() => load("V1 a 0 1", "R1 a b 1k", "L1 b 0 -1m")()).not.toThrow();
    expectNetlistError(load("V1 a 0 1", "R1 a b 1k", "L1 b 0 1m m=0"), 4, 13, /multiplier m must be positive/);
    expectNetlistError(load("V1 a 0 1", "R1 a b 1k", "L1 b 0 1m nt=3"), 4, 11, /nt=.*not supported/);
    expectNetlistError(load("V1 a 0 1", "R1 a b 1k", "L1 b 0 1m foo=3"), 4, 11, /unknown parameter 'foo'/);
    // inductor models are refused at their .model card (the parser knows no L model type)
    expectNetlistError(load(".model lm L (ind=1m)", "V1 a 0 1", "R1 a b 1k", "L1 b 0 lm"), 2, 11, /model type 'L'/);
  });

  it("K naming a non-inductor or an unknown inductor, |k| > 1 or k = 0, coupling an inductor with itself", () => {
    const base = ["V1 a 0 1", "R1 a b 1k", "L1 b 0 1m", "L2 c 0 1m", "R2 c 0 1k"];
    expectNetlistError(load(...base, "K1 L1 R2 0.5"), 7, 7, /k1: 'R2' is not an inductor/);
    expectNetlistError(load(...base, "K1 L1 L9 0.5"), 7, 7, /k1: no inductor named 'l9'/);
    // ngspice 39 runs k = 0 and |k| > 1 (muttemp.c warns that the matrix is not positive definite): so does eqspice, with a warning
    expect(circuit(...base, "K1 L1 L2 1.5").warnings.join("\n")).toMatch(/k1: \|k\| = 1.5 > 1: the inductance matrix is not positive definite/);
    expect(() => circuit(...base, "K1 L1 L2 0")).not.toThrow();
    expectNetlistError(load(...base, "K1 L1 L2"), 7, 7, /k1: missing coupling coefficient/);
    expectNetlistError(load(...base, "K1 L1 L1 0.5"), 7, 7, /with itself/);
    // a negative k (opposite winding) is accepted
    expect(() => circuit(...base, "K1 L1 L2 -0.5")).not.toThrow();
  });

  it("a loop of voltage sources and inductors is singular: refused", () => {
    expectNetlistError(load("V1 a 0 1", "L1 a 0 1m"), 3, 1, /l1 closes a loop of voltage sources and inductors \(between nodes a and 0\)/);
    expectNetlistError(load("V1 a 0 1", "R1 a 0 1k", "L1 a b 1m", "L2 b 0 1m"), 5, 1, /l2 closes a loop of voltage sources and inductors/);
    // a loop of voltage sources alone still reads as before
    expectNetlistError(load("V1 a 0 1", "V2 a 0 2", "R1 a 0 1k"), 3, 1, /v2 closes a loop of voltage sources \(between/);
  });
});
