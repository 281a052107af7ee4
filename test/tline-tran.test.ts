/**
 * The lossless transmission line T in a transient (devices/tline/tra.ts,
 * ngspice 39's TRA): every test/tline-tran/*.cir (matched and mismatched
 * terminations, a pulse into an open line, two lines in series, F/NL
 * instead of TD, a uic start from IC=) against live ngspice at the deck's
 * TMAX and tight tolerances (reltol=1e-6 abstol=1e-12 vntol=1e-9): max
 * |dV| <= 1e-3 V over eqspice's output times, every node. Closed forms for
 * the matched line (the pulse arrives TD later at half amplitude), and the
 * refusals that stay (TD = 0, the lossy lines O, Y, P).
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadCircuit, loadCircuitFromText } from "../src/api.js";
import { insertBreakpoint, transient } from "../src/analysis/tran.js";
import { describeNgspice, runNgspiceTran, type NgspiceTranResult } from "./helpers/ngspice.js";

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "tline-tran");
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".cir"))
  .sort();

interface Waves {
  columns: string[];
  rows: Float64Array[];
}

function run(c: ReturnType<typeof loadCircuit>): Waves {
  const t = c.tran!;
  const rows: Float64Array[] = [];
  let columns: string[] = [];
  transient(c, { tstop: t.tstop, tstep: t.tstep, tstart: t.tstart, tmax: t.tmax, uic: t.uic }, {
    begin: (cols) => (columns = cols),
    row: (v) => rows.push(Float64Array.from(v)),
  });
  return { columns, rows };
}

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

function worst(eq: Waves, ng: NgspiceTranResult): { node: string; dv: number; t: number; compared: number } {
  let w = { node: "", dv: -1, t: 0, compared: 0 };
  const t0 = ng.time[0];
  for (const [name, ys] of Object.entries(ng.nodes)) {
    const col = eq.columns.indexOf(`v(${name})`);
    if (col < 0) continue;
    w.compared++;
    for (const r of eq.rows) {
      if (r[0] < t0) continue; // a uic run: ngspice reports no t = 0
      const dv = Math.abs(r[col] - interp(ng.time, ys, r[0]));
      if (!(dv <= w.dv)) w = { node: name, dv: Number.isNaN(dv) ? Infinity : dv, t: r[0], compared: w.compared };
    }
  }
  return w;
}

it("has the line's golden decks", () => {
  expect(files).toEqual(expect.arrayContaining(["matched.cir", "mismatched.cir", "open.cir", "series.cir", "fnl.cir", "uic.cir"]));
});

describeNgspice("lossless line T transient: eqspice vs ngspice", () => {
  for (const file of files) {
    it(file, () => {
      const p = path.join(dir, file);
      const c = loadCircuit(p, { allowFloating: true });
      const t = c.tran!;
      const ng = runNgspiceTran(p, { tstep: t.tstep, tstop: t.tstop, tmax: t.tmax, uic: t.uic });
      const eq = run(loadCircuit(p, { allowFloating: true }));
      const w = worst(eq, ng);
      console.log(`tline-tran ${file}: max |dV| ${w.dv.toExponential(2)} V (${w.node})`);
      expect(w.compared).toBeGreaterThan(1);
      expect(w.dv, `${file}: worst node ${w.node} at t=${w.t} s`).toBeLessThanOrEqual(1e-3);
    }, 30_000);
  }
});

describe("lossless line T transient: closed forms", () => {
  it("a matched line delays the half-amplitude pulse by TD", () => {
    const c = loadCircuit(path.join(dir, "matched.cir"), { allowFloating: true });
    const eq = run(c);
    const ia = eq.columns.indexOf("v(a)");
    const ib = eq.columns.indexOf("v(b)");
    // source: 0 -> 1 V from 1 ns, rise 1 ns, top 3 ns, fall 1 ns; v(a) = v(in)/2, v(b)(t) = v(a)(t - 2 ns)
    const va = (t: number): number => {
      const s = t - 1e-9;
      if (s <= 0) return 0;
      if (s < 1e-9) return 0.5 * (s / 1e-9);
      if (s <= 4e-9) return 0.5;
      if (s < 5e-9) return 0.5 * (1 - (s - 4e-9) / 1e-9);
      return 0;
    };
    let e = 0;
    for (const r of eq.rows) e = Math.max(e, Math.abs(r[ia] - va(r[0])), Math.abs(r[ib] - va(r[0] - 2e-9)));
    // the quadratic interpolation of the delayed wave rounds its corners by about slope x TMAX / 8
    expect(e).toBeLessThan(1e-4);
  });

  it("TD from NL / F (tratemp.c), with ngspice's defaults NL = 0.25 and F = 1 GHz", () => {
    // an open line driven by a 1 V step through Z0: the far end doubles to 1 V exactly TD after the step's end
    const deck = (p: string) => `* td\nv1 in 0 pwl(0 0 0.1n 1)\nrs in a 50\nt1 a 0 b 0 z0=50 ${p}\nrl b 0 1e9\n.tran 0.01n 2n 0 0.005n\n.end\n`;
    for (const [p, td] of [["f=500meg nl=0.5", 1e-9], ["nl=0.5", 0.5e-9], ["f=0.5g", 0.5e-9], ["td=0.7n f=1meg", 0.7e-9]] as const) {
      const eq = run(loadCircuitFromText(deck(p), "<deck>", { allowFloating: true }));
      const ib = eq.columns.indexOf("v(b)");
      const at = (t: number) => eq.rows.find((r) => Math.abs(r[0] - t) < 1e-15)![ib];
      expect(at(td - 0.02e-9), p).toBeLessThan(1e-6);
      expect(Math.abs(at(td + 0.2e-9) - 1), p).toBeLessThan(1e-6);
    }
  });

  it("refuses a transient with TD = 0, and still refuses the lossy lines", () => {
    const t0 = loadCircuitFromText("* t\nv1 a 0 1\nt1 a 0 b 0 z0=50 td=0\nrl b 0 50\n.tran 1n 10n\n.end\n");
    expect(() => run(t0)).toThrow(/t1: the lossless transmission line T has TD = 0/);
    const o = loadCircuitFromText("* o\nv1 a 0 1\no1 a 0 b 0 lmod\nrl b 0 50\n.model lmod ltra r=1 l=1n c=1p len=1\n.tran 1n 10n\n.end\n");
    expect(() => run(o)).toThrow(/lossy transmission line O \(LTRA\) is modelled at DC only/);
  });
});

describe("insertBreakpoint (ngspice's CKTsetBreak)", () => {
  it("inserts, merges within minBreak and keeps TSTOP", () => {
    const b = [1, 2, 10];
    insertBreakpoint(b, 0, 1.5, 0.01, 0.5);
    expect(b).toEqual([1, 1.5, 2, 10]);
    insertBreakpoint(b, 0, 1.995, 0.01, 0.5); // just before 2: replaces it (the earlier is kept)
    expect(b).toEqual([1, 1.5, 1.995, 10]);
    insertBreakpoint(b, 0, 1.504, 0.01, 0.5); // just after 1.5: dropped
    expect(b).toEqual([1, 1.5, 1.995, 10]);
    insertBreakpoint(b, 0, 9.995, 0.01, 0.5); // just before TSTOP: TSTOP stays
    expect(b).toEqual([1, 1.5, 1.995, 10]);
    insertBreakpoint(b, 0, 0.4, 0.01, 0.5); // in the past
    insertBreakpoint(b, 0, 12, 0.01, 0.5); // beyond TSTOP
    expect(b).toEqual([1, 1.5, 1.995, 10]);
  });
});
