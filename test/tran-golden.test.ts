/**
 * Golden transient comparisons: every test/golden-tran/*.cir is integrated
 * by ngspice (its `.tran` card, with a small TMAX so that linear
 * interpolation between its points is accurate) and by eqspice with each
 * integrator that applies (auto, trap, bdf2, and odex when the circuit is an
 * explicit ODE). Node voltages are compared at eqspice's output times (every
 * TSTEP) by interpolating ngspice's waveform: max |dV| <= 1e-3 V over the
 * whole run, every node. The netlists set tight tolerances
 * (`.options reltol=1e-6 abstol=1e-15 vntol=1e-9`), which both simulators
 * read. Skipped, with a visible warning, when ngspice is missing.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { loadCircuit } from "../src/api.js";
import { transient, type TranStats } from "../src/analysis/tran.js";
import { explicitApplies } from "../src/analysis/integrators/choose.js";
import { analyzeCapacitance } from "../src/analysis/integrators/capacitance.js";
import { Engine } from "../src/analysis/engine.js";
import { describeNgspice, runNgspiceTran, type NgspiceTranResult } from "./helpers/ngspice.js";

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "golden-tran");
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".cir"))
  .sort();

const V_TOL = 1e-3;

interface Waves {
  columns: string[];
  rows: Float64Array[];
  stats: TranStats;
}

function runEqspice(file: string, integrator: "auto" | "trap" | "bdf2" | "odex"): Waves {
  const c = loadCircuit(file, { allowFloating: true });
  const t = c.tran!;
  const rows: Float64Array[] = [];
  let columns: string[] = [];
  const stats = transient(c, { tstop: t.tstop, tstep: t.tstep, tstart: t.tstart, tmax: t.tmax, uic: t.uic, integrator }, {
    begin: (cols) => (columns = cols),
    row: (v) => rows.push(Float64Array.from(v)),
  });
  return { columns, rows, stats };
}

/** Linear interpolation of (xs, ys) at x (xs increasing). */
function interp(xs: Float64Array, ys: Float64Array, x: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  if (x <= xs[0]) return ys[0];
  if (x >= xs[hi]) return ys[hi];
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= x) lo = mid;
    else hi = mid;
  }
  return ys[lo] + ((ys[hi] - ys[lo]) * (x - xs[lo])) / (xs[hi] - xs[lo]);
}

/** Worst node: max |dV| over eqspice's output times not before ngspice's first point. */
function worstDifference(eq: Waves, ng: NgspiceTranResult): { node: string; dv: number; t: number; compared: number } {
  let worst = { node: "", dv: -1, t: 0, compared: 0 };
  const t0 = ng.time[0];
  for (const [name, ys] of Object.entries(ng.nodes)) {
    const col = eq.columns.indexOf(`v(${name})`);
    if (col < 0) continue;
    worst.compared++;
    for (const r of eq.rows) {
      if (r[0] < t0) continue;
      const dv = Math.abs(r[col] - interp(ng.time, ys, r[0]));
      if (!(dv <= worst.dv)) worst = { node: name, dv: Number.isNaN(dv) ? Infinity : dv, t: r[0], compared: worst.compared };
    }
  }
  return worst;
}

it("has at least 5 golden transient netlists", () => {
  expect(files.length).toBeGreaterThanOrEqual(5);
});

describeNgspice("golden transients: eqspice vs ngspice .tran", () => {
  const cache = new Map<string, NgspiceTranResult>();
  const reference = (p: string): NgspiceTranResult => {
    let r = cache.get(p);
    if (!r) {
      const t = loadCircuit(p, { allowFloating: true }).tran!;
      r = runNgspiceTran(p, { tstep: t.tstep, tstop: t.tstop, tmax: t.tstep / 50, uic: t.uic });
      cache.set(p, r);
    }
    return r;
  };
  for (const file of files) {
    const p = path.join(dir, file);
    const c = loadCircuit(p, { allowFloating: true });
    const odexOk = explicitApplies(new Engine(c), analyzeCapacitance(c, c.options.cnode));
    const methods = ["auto", "trap", "bdf2", ...(odexOk ? ["odex"] : [])] as const;
    for (const m of methods) {
      it(`${file} (${m})`, () => {
        const ng = reference(p);
        const eq = runEqspice(p, m);
        const w = worstDifference(eq, ng);
        expect(w.compared, `${file}: no common nodes`).toBeGreaterThan(0);
        expect(
          w.dv,
          `${file} ${m} (${eq.stats.integrator}, ${eq.stats.steps} steps): worst node ${w.node} at t=${w.t} s, |dV| = ${w.dv} V`,
        ).toBeLessThanOrEqual(V_TOL);
      });
    }
  }
});
