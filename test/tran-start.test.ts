/**
 * How a transient starts and what its sources give, against live ngspice 39:
 *  - the transient's operating point takes each independent source's
 *    waveform at t = 0, not its DC value (ngspice's MODETRANOP in
 *    vsrcload.c/isrcload.c): `V2 2 0 DC 0 PWL(0 0.9 ...)` starts at 0.9 V,
 *    while `.op` uses DC 0;
 *  - a switch keeps the state that operating point leaves it in (one that
 *    starts `ON` inside its hysteresis band stays on);
 *  - PULSE starts a new period only past PER (t = PER is still the pulse's,
 *    as vsrcload.c: time > PER), and its 8th argument NP is the number of
 *    pulses (V1 after them).
 * Skipped, with one visible warning, without ngspice.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { loadCircuit, operatingPoint, transient } from "../src/api.js";
import { ngAt, ngspiceDecks } from "./helpers/ngspice-compare.js";
import { describeNgspice, itNgspice, runNgspiceTran } from "./helpers/ngspice.js";

const { dir, worst } = ngspiceDecks("tran-start");

/** Write the deck, run both transients, return the worst |dV| over `nodes` at eqspice's times (ngspice interpolated), and both results. */
function both(name: string, lines: string[], tstep: number, tstop: number, nodes: string[]) {
  const f = path.join(dir, `${name}.cir`);
  writeFileSync(f, [...lines, `.tran ${tstep} ${tstop}`, ".end", ""].join("\n"));
  const c = loadCircuit(f);
  const eq = transient(c, { integrator: "trap" });
  const ng = runNgspiceTran(f, { tstep, tstop, nodes });
  let w = 0;
  for (const n of nodes) for (let i = 0; i < eq.time.length; i++) w = Math.max(w, Math.abs(eq.nodes[n][i] - ngAt(ng.time, ng.nodes[n], eq.time[i])));
  worst.set(name, w);
  return { c, eq, ng, w };
}

describeNgspice("the transient's start and its sources, against ngspice", () => {
  itNgspice("sources with DC and a waveform start the transient at the waveform's t = 0 value; .op keeps DC", () => {
    const lines = ["tranop", "V2 2 0 DC 0 PWL(0 0.9 1m 2)", "R2 2 3 1k", "C3 3 0 1u", "I1 0 4 DC 1m PULSE(2m 3m 0.5m 0.1m 0.1m 1m)", "R4 4 0 1k"];
    const { c, eq, w } = both("tranop", lines, 1e-5, 2e-3, ["2", "3", "4"]);
    expect(eq.nodes["3"][0]).toBeCloseTo(0.9, 12); // the capacitor charged to the t = 0 value
    expect(eq.nodes["4"][0]).toBeCloseTo(2, 12);
    const op = operatingPoint(c);
    expect(op.nodes["3"]).toBeCloseTo(0, 12);
    expect(op.nodes["4"]).toBeCloseTo(1, 12);
    // both integrators' own step errors at default tolerances on the RC (2e-5 V measured); a DC start would miss by 0.9 V
    expect(w).toBeLessThan(1e-4);
  });
  itNgspice("a switch that starts ON inside its hysteresis band stays on through the first steps", () => {
    const { eq, w } = both("switch-on", ["switch on", "V2 2 0 DC 0.0 PWL (0 0.9 1m 1.1 2m 0.5)", "V4 4 0 2", "R30 4 30 10k", "S3 30 0 2 0 sw1 ON", ".model sw1 sw vt=1 vh=0.2 ron=1 roff=10k"], 2e-6, 1e-3, ["30"]);
    expect(Math.max(...eq.nodes["30"].subarray(0, 100))).toBeLessThan(1e-3);
    expect(w).toBeLessThan(1e-9);
  });
  itNgspice(".ic on a node with an inductor: ngspice's row replacement (ZeroNoncurRow) starts the inductor at 0 A, so the tank rings from the switch's current (learning_ngspice's lc_switch.cir)", () => {
    const lines = [
      "lc switch",
      "Vbat vbatt 0 DC 5",
      "Rser vbatt nsw 100",
      "S1 nsw ntank vctrl 0 swmod",
      "Vctrl vctrl 0 PULSE(5 0 1m 1n 1n 1 2m)",
      ".model swmod sw(ron=0.1 roff=1e12 vt=2.5 vh=0.1)",
      "L1 ntank 0 500m",
      "C1 ntank 0 10u",
      "Rloss ntank 0 50k",
      ".ic V(ntank)=0",
    ];
    // (ntank only: nsw jumps by 5 V where the switch opens, between the two simulators' time points)
    const { c, eq, w } = both("ic-inductor", lines, 1e-5, 5e-3, ["ntank"]);
    expect(Math.abs(eq.branches.l1[0])).toBeLessThan(1e-15); // the .op would say 50 mA: 5 V / 100.1 ohm
    expect(operatingPoint(c).branches.l1).toBeCloseTo(5 / 100.1, 9);
    // before: eqspice started the inductor at 50 mA and the tank stayed at 0 V until the switch opened (3 V apart at
    // 1 ms, 10.8 V later); now the two ring together to 3.6e-3 V over a 3 V swing (the two integrators' step errors)
    expect(w).toBeLessThan(1e-2);
  });
  itNgspice("PULSE at t = PER, and NP pulses", () => {
    const { eq, w } = both("pulse-per-np", ["pulse", "V1 1 0 PULSE(0 1)", "R1 1 0 1k", "V2 2 0 PULSE(0 1 0.1 0.1 0.1 0.3 1 2)", "R2 2 0 1k"], 0.1, 7, ["1", "2"]);
    expect(eq.nodes["1"][eq.time.length - 1]).toBe(1); // t = TSTOP = PER: still the pulse
    const k = eq.time.findIndex((t) => Math.abs(t - 2.5) < 1e-9);
    expect(eq.nodes["2"][k]).toBe(0); // the third period: after NP = 2 pulses, V1
    expect(w).toBeLessThan(1e-9);
  });
});
