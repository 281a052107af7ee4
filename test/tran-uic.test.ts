/**
 * `.tran ... uic` starts as ngspice 39's dctran.c does: no operating point,
 * every node at its `.ic` voltage or 0 V, the nodes of voltage sources
 * included, and the capacitances and device charges take those voltages;
 * the sources drive their nodes from t = 0 on, so a supply that reaches a
 * node through a capacitance charges it in the first step. (eqspice used to
 * start the charges with the sources' nodes already at their values: the
 * coupled node then stayed at 0 V.)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadCircuitFromText, transient } from "../src/api.js";
import { describeNgspice, itNgspice, runNgspiceTran } from "./helpers/ngspice.js";
import { ngAt } from "./helpers/ngspice-compare.js";

const dir = mkdtempSync(path.join(tmpdir(), "eqspice-uic-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RC = ["uic: a supply through a coupling capacitor", "V1 a 0 5", "C1 a b 1p", "R1 b 0 1k"];

describe("uic: the supply's step through a capacitance (closed form)", () => {
  it("v(b) = 5 exp(-t / RC) from 5 V at t = 0+, RC = 1 ns, to 2e-3 V; the auto integrator takes an implicit method", () => {
    const c = loadCircuitFromText([...RC, ".options reltol=1e-6", ".tran 0.1n 5n uic", ".end", ""].join("\n"));
    const r = transient(c, { uic: true });
    expect(r.integrator).not.toBe("odex");
    let w = 0;
    for (let k = 1; k < r.time.length; k++) w = Math.max(w, Math.abs(r.nodes.b[k] - 5 * Math.exp(-r.time[k] / 1e-9)));
    expect(w).toBeLessThan(2e-3);
  });

  it("odex asked for such a start is refused with a clear message", () => {
    const c = loadCircuitFromText([...RC, ".tran 0.1n 5n uic", ".end", ""].join("\n"));
    expect(() => transient(c, { uic: true, integrator: "odex" })).toThrow(/odex cannot start a uic transient/);
  });
});

describeNgspice("uic starts from ngspice's state", () => {
  itNgspice("the coupling-capacitor RC and a level 1 CMOS inverter whose supply reaches its output through the junction and overlap capacitances: ngspice's waveform to 2e-3 V at tight tolerances", () => {
    const decks: Array<[string, string[], string[]]> = [
      ["rc", RC, ["b"]],
      [
        "inverter",
        [
          "uic: CMOS inverter",
          "VDD vdd 0 3.3",
          "VIN in 0 PULSE(0 3.3 2n 0.5n 0.5n 3n 8n)",
          "MP out in vdd vdd pm W=4u L=1u AD=8p AS=8p PD=10u PS=10u",
          "MN out in 0 0 nm W=2u L=1u AD=4p AS=4p PD=6u PS=6u",
          "CL out 0 20f",
          ".model nm nmos (level=1 vto=0.7 kp=110u lambda=0.04 tox=10n cgso=2e-10 cgdo=2e-10 cj=5e-4 cjsw=3e-10)",
          ".model pm pmos (level=1 vto=-0.7 kp=50u lambda=0.05 tox=10n cgso=2e-10 cgdo=2e-10 cj=5e-4 cjsw=3e-10)",
        ],
        ["out"],
      ],
    ];
    for (const [name, lines, nodes] of decks) {
      const f = path.join(dir, `${name}.cir`);
      const tstep = 0.05e-9;
      const tstop = 10e-9;
      const tmax = 0.01e-9;
      writeFileSync(f, [...lines, ".options reltol=1e-6 vntol=1e-9 abstol=1e-14", `.tran ${tstep} ${tstop} 0 ${tmax} uic`, ".end", ""].join("\n"));
      const ng = runNgspiceTran(f, { tstep, tstop, tmax, nodes, uic: true });
      const c = loadCircuitFromText(readFileSync(f, "utf8"), f);
      const eq = transient(c, { uic: true, integrator: "trap", tmax });
      for (const n of nodes) {
        let w = 0;
        let at = 0;
        for (let k = 1; k < eq.time.length; k++) {
          const dv = Math.abs(eq.nodes[n][k] - ngAt(ng.time, ng.nodes[n], eq.time[k]));
          if (dv > w) [w, at] = [dv, eq.time[k]];
        }
        expect(w, `${name}: v(${n}) ${w.toExponential(2)} V at t = ${at}`).toBeLessThan(2e-3);
      }
    }
  });
});
