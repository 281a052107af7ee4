/**
 * The operating point's continuation (ngspice 39's CKTop: dynamic gmin
 * stepping, true gmin stepping, Gillespie's source stepping) against a
 * live ngspice 39 at tight tolerances (skipped, with one visible warning,
 * when ngspice is missing); every node voltage and V-source current
 * compared:
 *  - D1.sp of the public corpus (rid-sun/Soda-PTA, "DIFFICULT CIRCUIT"):
 *    plain Newton and source stepping fail in both simulators; dynamic gmin
 *    stepping stalls at a fold of its homotopy near 1.63e-3 S and the solve
 *    without the shunt from where it stalled lands on the answer;
 *  - an exponential B source in series with the supply (no junction
 *    limiting: Newton moves its voltage by about 25 mV an iteration, 10 V
 *    would take hundreds): every gmin step fails, source stepping solves it,
 *    in both simulators.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { expect } from "vitest";
import { opFromFile } from "../src/api.js";
import { TIGHT, ngspiceDecks } from "./helpers/ngspice-compare.js";
import { describeNgspice, itNgspice } from "./helpers/ngspice.js";

const { dir, compare } = ngspiceDecks("op-continuation");
/** Relative agreement: both stop Newton near reltol = 1e-10 (TIGHT), on amps-level supply currents. */
const VTOL = 1e-8;

/** ngspice's notes on which continuation methods it ran and how they ended (they go to stderr). */
function ngspiceMethods(file: string): string[] {
  const r = spawnSync("nice", ["-n", "10", "ngspice", "-b", file], { encoding: "utf8", timeout: 30_000 });
  return [...new Set(`${r.stdout}${r.stderr}`.match(/(Dynamic gmin stepping|True gmin stepping|Source stepping|source stepping) (completed|failed)/g) ?? [])];
}

describeNgspice("operating points that need ngspice's continuation", () => {
  itNgspice("D1.sp: plain Newton fails; dynamic gmin stepping stalls at a fold of its homotopy and its last solve, without the shunt, lands on ngspice's answer", () => {
    const eq = compare("d1", [
      "DIFFICULT CIUIT Y.I 2001.5.28",
      "VCC 1 0 DC 3.8",
      "R1 1 4 50",
      "R2 4 0 50",
      "R3 1 2 20",
      "R4 1 3 4",
      "R5 6 7 20",
      "R6 7 0 100",
      "R7 4 8 300",
      "R8 4 9 300",
      "Q1 2 4 5 QN",
      "Q2 3 4 5 QN",
      "Q3 5 5 0 QN",
      "Q4 6 2 1 QP",
      "Q5 8 7 0 QN",
      "Q6 9 3 1 QP",
      ".MODEL QN NPN (IS=1.0E-14 BF=100)",
      ".MODEL QP PNP (IS=1.0E-14 BF=100)",
      TIGHT,
      ".op",
    ], VTOL);
    expect(eq["8"]).toBeLessThan(0.1);
    const f = path.join(dir, "d1.cir");
    expect(ngspiceMethods(f)).toEqual(["Dynamic gmin stepping completed"]);
    expect(opFromFile(f).strategy).toBe("gmin");
  }, 60_000);

  itNgspice("an exponential B source in series with a 10 V supply: gmin stepping fails, source stepping solves it", () => {
    compare("b-exp-series", [
      "source stepping",
      "V1 a 0 10",
      "B1 a b I=1e-14*(exp(v(a,b)/0.025)-1)",
      "R1 b 0 1k",
      TIGHT,
      ".op",
    ], VTOL);
    const f = path.join(dir, "b-exp-series.cir");
    expect(ngspiceMethods(f)).toEqual(["Dynamic gmin stepping failed", "True gmin stepping failed", "Source stepping completed"]);
    expect(opFromFile(f).strategy).toBe("source");
  }, 60_000);
});
