/**
 * Transients of nodes held only by a device charge whose capacitance
 * vanishes: the smallest reproduction of the trap defect of the MOSFET
 * transients (a resistor pulling up a drain whose only capacitance is the
 * Meyer Cgd to a driven gate, TOX only: no overlaps, no junctions). In
 * saturation Cgd = 0, the node is algebraic and the trapezoidal charge
 * current i = 2/h (q - q_prev) - i_prev rings whatever the step; an LTE on
 * the node's voltage shrank the step to nothing ("time step too small"),
 * ngspice's LTE on the charges (CKTterr) does not. eqspice (only device with
 * charges of its own: the MOSFET) is compared with ngspice at their shared
 * time points; the same topology with linear capacitors (two in series from
 * the driven node, a resistor to the supply) is the control.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadCircuitFromText, transient } from "../src/api.js";
import { chargeStepBound, type ChargeTruncationSpec } from "../src/devices/capacitor/capacitor.js";
import { atCommonPoints } from "./helpers/ngspice-compare.js";
import { describeNgspice, itNgspice, runNgspiceTran } from "./helpers/ngspice.js";

const dir = mkdtempSync(path.join(tmpdir(), "eqspice-tran-charge-"));
const measured: string[] = [];
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  if (measured.length) console.log(`tran-charge against ngspice:\n  ${measured.join("\n  ")}`);
});

const MOS = (method: string) =>
  ["drain held by Cgd", `.options method=${method}`, "VDD vdd 0 3.3", "VIN in 0 PULSE(0 3.3 1n 1n 1n 5n 12n)", "R1 vdd out 10k", "M1 out in 0 0 ntox L=1u W=2u", ".model ntox nmos (vto=0.7 kp=110u tox=20n)", ".tran 0.1n 20n", ".end", ""].join("\n");

describe("CKTterr on one charge (chargeStepBound)", () => {
  const spec = (order: 1 | 2, factor: number): ChargeTruncationSpec => ({ order, factor, dt: Float64Array.of(1e-12, 2e-12, 4e-12), reltol: 1e-3, abstol: 1e-12, chgtol: 1e-14, trtol: 7 });

  it("order 2 (trap): del = sqrt(trtol tol / (|DD3| / 12)) with q = t^3 (DD3 = 1), tol the charge term", () => {
    // times 0, -1, -3, -7 ps
    const ts = [0, -1e-12, -3e-12, -7e-12];
    const q = ts.map((t) => 1e-14 + 1e30 * t ** 3);
    const s = spec(2, 1 / 12);
    const tol = Math.max(1e-12, (1e-3 * Math.max(Math.abs(q[0]), Math.abs(q[1]), 1e-14)) / 1e-12);
    const want = Math.sqrt((7 * tol) / ((1 / 12) * 1e30));
    expect(chargeStepBound(q, 0, 0, s) / want).toBeCloseTo(1, 9);
  });

  it("order 1 (backward Euler): del = trtol tol / (|DD2| / 2), no root; the current term of tol when it is larger", () => {
    const ts = [0, -1e-12, -3e-12];
    const q = ts.map((t) => 1e6 * t * t);
    const s = spec(1, 0.5);
    const i0 = 0.1;
    const tol = 1e-12 + 1e-3 * i0;
    expect(tol).toBeGreaterThan((1e-3 * 1e-14) / 1e-12);
    expect(chargeStepBound(q, i0, 0.05, s) / ((7 * tol) / (0.5 * 1e6))).toBeCloseTo(1, 9);
  });

  it("a constant charge (zero capacitance) bounds nothing but abstol: its ringing current does not shrink the step", () => {
    const s = spec(2, 1 / 12);
    const del = chargeStepBound([1e-15, 1e-15, 1e-15, 1e-15], 1e-6, -1e-6, s);
    expect(del).toBeGreaterThan(1e-6);
  });
});

describeNgspice("a node held only by a vanishing device charge, against ngspice", () => {
  itNgspice("trap and auto run (they stopped at 7.4 ns) and agree with ngspice's trap, bdf2 with its gear, to 1e-3 V at TMAX 10 ps and 100 ps", () => {
    const f = path.join(dir, "mos-trap.cir");
    const fg = path.join(dir, "mos-gear.cir");
    writeFileSync(f, MOS("trap"));
    writeFileSync(fg, MOS("gear"));
    for (const tmax of [10e-12, 100e-12]) {
      const ngTrap = runNgspiceTran(f, { tstep: 0.1e-9, tstop: 20e-9, tmax, nodes: ["out"] });
      const ngGear = runNgspiceTran(fg, { tstep: 0.1e-9, tstop: 20e-9, tmax, nodes: ["out"] });
      // both simulators ring on `out` while the transistor is saturated or off (Cgd = 0): alternate points
      const v = ngTrap.nodes.out;
      let ring = 0;
      for (let j = 1; j + 1 < v.length; j++) if (ngTrap.time[j] > 7.8e-9 && ngTrap.time[j] < 7.99e-9) ring = Math.max(ring, Math.abs(v[j] - (v[j - 1] + v[j + 1]) / 2));
      expect(ring, "ngspice's own trapezoidal ringing").toBeGreaterThan(5e-3);
      for (const [integrator, ng] of [["trap", ngTrap], ["auto", ngTrap], ["bdf2", ngGear]] as const) {
        const r = transient(loadCircuitFromText(MOS("trap"), f), { integrator, tmax, tstep: tmax / 10 });
        const m = atCommonPoints(r.time, r.nodes.out, ng.time, ng.nodes.out, 1e-9, tmax / 10);
        measured.push(`${integrator} tmax ${tmax}: ${m.dv.toExponential(2)} V over ${m.matched} of ${m.total} points`);
        expect(m.matched / m.total).toBeGreaterThan(0.95);
        expect(m.dv, `${integrator} tmax ${tmax}`).toBeLessThanOrEqual(1e-3);
      }
    }
  }, 60_000);

  itNgspice("control: two series linear capacitors from the driven node, a resistor to the supply (runs with trap, as before), 1e-3 V", () => {
    const text = ["series caps", ".options reltol=1e-6 abstol=1e-15 vntol=1e-9", "VDD vdd 0 3.3", "VIN in 0 PULSE(0 3.3 1n 1n 1n 5n 12n)", "R1 vdd out 10k", "C1 in mid 1f", "C2 mid out 1f", "R2 mid 0 1meg", ".tran 0.1n 20n", ".end", ""].join("\n");
    const f = path.join(dir, "series-caps.cir");
    writeFileSync(f, text);
    const ng = runNgspiceTran(f, { tstep: 0.1e-9, tstop: 20e-9, tmax: 1e-12, nodes: ["out"] });
    const r = transient(loadCircuitFromText(text, f), { integrator: "trap", tmax: 1e-12 });
    let w = 0;
    for (let k = 0; k < r.time.length; k++) {
      const t = r.time[k];
      let j = 1;
      while (j < ng.time.length - 1 && ng.time[j] < t) j++;
      const a = (t - ng.time[j - 1]) / (ng.time[j] - ng.time[j - 1]);
      w = Math.max(w, Math.abs(r.nodes.out[k] - (ng.nodes.out[j - 1] + a * (ng.nodes.out[j] - ng.nodes.out[j - 1]))));
    }
    measured.push(`series caps (trap, tmax 1 ps): ${w.toExponential(2)} V`);
    expect(w).toBeLessThanOrEqual(1e-3);
  }, 60_000);
});
