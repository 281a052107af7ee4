/**
 * Inductors and mutual coupling against live ngspice 39: operating points of
 * bias networks with inductors (node voltages, source and inductor currents),
 * and transients of an RL, an RLC with a PULSE, a K = 0.99 transformer into
 * a resistive load and K = 0.1 coupled resonators, at equal explicit TMAX.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { loadCircuit, opFromFile, transient } from "../src/api.js";
import { againstInterpolated, ngspiceDecks, TIGHT } from "./helpers/ngspice-compare.js";
import { describeNgspice, itNgspice, runNgspiceOp, runNgspiceTran } from "./helpers/ngspice.js";

const { dir, worst, compare } = ngspiceDecks("inductor-ngspice");

describeNgspice("inductor operating points against ngspice", () => {
  itNgspice("bias networks with inductors: nodes and currents (V sources and inductors) to 1e-9", () => {
    const decks: Record<string, string[]> = {
      "rf-choke": ["rf choke", TIGHT, "VDD vdd 0 12", "L1 vdd c 100u", "RC c e 1k", "RE e 0 220", "R3 c 0 10k"],
      "l-divider": ["divider with series L", TIGHT, "V1 in 0 5", "R1 in a 1k", "L1 a b 10m", "R2 b 0 2k", "L2 b c 1m", "R3 c 0 3k", "I1 0 c 1m"],
      "diode-l": ["diode through L", TIGHT, "V1 in 0 3", "R1 in a 100", "L1 a d 1u", "D1 d 0 dm", ".model dm d (is=1e-14 n=1.2)"],
      "coupled-dc": ["coupled inductors at DC", TIGHT, "V1 in 0 1", "R1 in a 10", "L1 a 0 1m", "L2 s 0 2m", "K1 L1 L2 0.9", "R2 s 0 50"],
      "subckt-l": ["inductor in a subcircuit", TIGHT, ".subckt rl a b", "R1 a m 1k", "L1 m b 1m", ".ends", "V1 in 0 2", "X1 in out rl", "X2 out 0 rl"],
    };
    for (const [name, lines] of Object.entries(decks)) {
      compare(name, lines);
      const f = path.join(dir, `${name}.cir`);
      const ng = runNgspiceOp(f);
      const eq = opFromFile(f);
      let checked = 0;
      for (const [b, i] of Object.entries(ng.branches)) {
        if (!b.startsWith("l") && !b.includes(".l")) continue;
        checked++;
        const mine = eq.branches[b] ?? eq.branches[b.replace(/#branch$/, "")];
        expect(mine, `${name}: i(${b})`).toBeDefined();
        expect(Math.abs(mine - i), `${name}: i(${b}) eqspice ${mine} ngspice ${i}`).toBeLessThanOrEqual(1e-13 + 1e-9 * Math.abs(i));
      }
      expect(checked, `${name}: inductor currents compared`).toBeGreaterThan(0);
    }
  });
});

/** Run `lines` in both simulators at TMAX tmax and return max |dV| over the nodes, ngspice's points interpolated at eqspice's output times. */
function tranDv(name: string, lines: string[], tstep: number, tstop: number, tmax: number, nodes: string[], integrator: "trap" | "bdf2" = "trap"): number {
  const f = path.join(dir, `${name}.cir`);
  writeFileSync(f, [...lines, `.options method=${integrator === "trap" ? "trap" : "gear"}`, `.tran ${tstep} ${tstop}`, ".end", ""].join("\n"));
  const ng = runNgspiceTran(f, { tstep, tstop, tmax, nodes });
  const eq = transient(loadCircuit(f), { integrator, tmax, tstep });
  expect(eq.stats.integrator).toBe(integrator);
  let w = 0;
  for (const node of nodes) {
    expect(ng.nodes[node], `${name}: ngspice v(${node})`).toBeDefined();
    w = Math.max(w, againstInterpolated(eq.time, eq.nodes[node], ng.time, ng.nodes[node]));
  }
  worst.set(`${name} (${integrator}, tmax ${tmax})`, w);
  return w;
}

describeNgspice("inductor transients against ngspice", () => {
  itNgspice("RL step response (trap and gear), to 1e-3 V", () => {
    const deck = ["rl", "V1 in 0 PULSE(0 1 1u 10n 10n 20u 50u)", "R1 in a 100", "L1 a 0 1m"];
    for (const integrator of ["trap", "bdf2"] as const) expect(tranDv("rl", deck, 0.1e-6, 60e-6, 0.05e-6, ["a"], integrator)).toBeLessThanOrEqual(1e-3);
  }, 60_000);

  itNgspice("a negative inductance in series with a larger positive one (ngspice reads it; the pair is 0.8 mH), to 1e-3 V", () => {
    const deck = ["negative l", "V1 in 0 PULSE(0 1 0 0.1u 0.1u 2u 4u)", "R1 in b 1k", "L1 b c 1m", "L2 c d -0.2m", "R2 d 0 1k"];
    expect(tranDv("negative-l", deck, 0.01e-6, 4e-6, 0.005e-6, ["b", "c", "d"])).toBeLessThanOrEqual(1e-3);
  }, 60_000);

  itNgspice("series RLC driven by a PULSE (underdamped ringing), to 1e-3 V", () => {
    const deck = ["rlc", "V1 in 0 PULSE(0 1 0.5u 20n 20n 10u 20u)", "R1 in a 10", "L1 a b 100u", "C1 b 0 10n"];
    expect(tranDv("rlc", deck, 0.05e-6, 40e-6, 0.01e-6, ["a", "b"])).toBeLessThanOrEqual(1e-3);
  }, 60_000);

  itNgspice("transformer K = 0.99 driving a resistive load from a sine, to 1e-3 V", () => {
    const deck = ["xfmr", "V1 in 0 SIN(0 1 10k)", "Rs in p 10", "L1 p 0 10m", "L2 s 0 40m", "K1 L1 L2 0.99", "RL s 0 1k"];
    expect(tranDv("xfmr", deck, 0.5e-6, 300e-6, 0.1e-6, ["p", "s"])).toBeLessThanOrEqual(1e-3);
  }, 60_000);

  itNgspice("coupled resonators K = 0.1 (energy beating between two LC tanks), to 1e-3 V", () => {
    const deck = [
      "coupled resonators",
      "V1 in 0 PULSE(0 1 0 10n 10n 2u 1)",
      "R1 in a 50",
      "C1 a 0 10n",
      "L1 a 0 100u",
      "C2 b 0 10n",
      "L2 b 0 100u",
      "R2 b 0 10k",
      "K1 L1 L2 0.1",
    ];
    expect(tranDv("resonators", deck, 0.02e-6, 100e-6, 0.005e-6, ["a", "b"])).toBeLessThanOrEqual(1e-3);
  }, 120_000);
});
