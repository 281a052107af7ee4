/**
 * Which equilibrium a multistable circuit's operating point lands on is
 * decided by the Newton path from the cold (INITJCT) start, so eqspice
 * must take ngspice's steps, not only solve the same equations. The step
 * limiter is where the two can part: ngspice 39's DEVpnjlim grows a large
 * forward junction step as vold + vt (2 + ln(dv/vt - 2)), SPICE3's as
 * vold + vt ln(1 + dv/vt). With SPICE3's form eqspice took ngspice's
 * iterates to 1e-9 V for ten iterations on the tristable cell below, then
 * limited a reverse-biased bulk junction differently and landed 0.44 V away,
 * in another of its states (exit 0).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { opFromFile } from "../src/api.js";
import { pnjlim } from "../src/devices/diode/diode.js";
import { describeNgspice, itNgspice, runNgspiceOp } from "./helpers/ngspice.js";

const dir = mkdtempSync(path.join(tmpdir(), "eqspice-newton-path-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("pnjlim, ngspice 39's form", () => {
  const vt = 0.025864;
  const vcrit = 0.6;
  it("limits a large forward step from a forward-biased junction to vold + vt (2 + ln(dv/vt - 2)), and a large backward one symmetrically", () => {
    // the step from the tristable cell's 11th iteration (M3's bulk-drain junction)
    const vold = 0.064286974175318257;
    const vnew = 1.1293586857239859;
    const out = pnjlim(vnew, vold, vt, vcrit);
    expect(out).toBeCloseTo(vold + vt * (2 + Math.log((vnew - vold) / vt - 2)), 15);
    expect(out).toBeGreaterThan(vold);
    expect(out).toBeLessThan(vold + 6 * vt);
    // from far forward back towards vcrit: vold - vt (2 + ln(2 - dv/vt))
    expect(pnjlim(0.8, 1.2, vt, vcrit)).toBeCloseTo(1.2 - vt * (2 + Math.log(2 + 0.4 / vt)), 15);
  });

  it("leaves small steps, steps below vcrit and a cold start's reverse steps as SPICE3 does", () => {
    expect(pnjlim(0.65, 0.64, vt, vcrit)).toBe(0.65); // |dv| <= 2 vt
    expect(pnjlim(0.5, 0.1, vt, vcrit)).toBe(0.5); // below vcrit
    expect(pnjlim(0.9, -0.2, vt, vcrit)).toBeCloseTo(vt * Math.log(0.9 / vt), 15); // from reverse bias
    expect(pnjlim(-5, 0.3, vt, vcrit)).toBe(-1.3); // reverse: at most to -vold - 1
    expect(pnjlim(-5, -0.5, vt, vcrit)).toBe(-2); // from reverse bias: at most to 2 vold - 1
  });
});

describeNgspice("a multistable circuit's operating point is the state ngspice reports", () => {
  itNgspice("a CMOS tristable cell (Shou & Green's topology, BSIM3 with all-default cards): ngspice's state to 1e-6 V, not the other one 0.44 V away", () => {
    const f = path.join(dir, "tristable.cir");
    writeFileSync(
      f,
      [
        "tristable cell: two cross-coupled pMOS loads and diode-connected nMOS",
        "VDD 1 0 DC 3.3",
        "M1 4 2 1 1 PCH W=1.3U L=0.5U",
        "M2 5 3 1 1 PCH W=1.3U L=0.5U",
        "M3 4 4 3 3 NCH W=2.8U L=0.4U",
        "M4 5 5 2 3 NCH W=2.8U L=0.4U",
        "M5 3 5 0 0 NCH W=1.9U L=0.4U",
        "M6 2 4 0 0 NCH W=1.9U L=0.4U",
        ".MODEL PCH PMOS (LEVEL=8)",
        ".MODEL NCH NMOS (LEVEL=8)",
        ".op",
        ".end",
        "",
      ].join("\n"),
    );
    const ng = runNgspiceOp(f);
    const eq = opFromFile(f);
    for (const n of ["2", "3", "4", "5"]) expect(Math.abs(eq.nodes[n] - ng.nodes[n]), `v(${n}) eqspice ${eq.nodes[n]} ngspice ${ng.nodes[n]}`).toBeLessThan(1e-6);
    // the two output nodes sit together in this state (2.517 V), apart in the one SPICE3's limiter reached (2.93 / 2.08 V)
    expect(Math.abs(eq.nodes["4"] - eq.nodes["5"])).toBeLessThan(1e-3);
  });
});
