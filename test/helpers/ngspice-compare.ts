/**
 * What the device tests against a live ngspice share: a scratch directory
 * for their decks, the operating-point comparison (every node voltage and
 * V-source current of a deck solved by both simulators), the worst |dV| per
 * deck printed when the file's tests end, and the transient comparison at
 * the time points both simulators have.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect } from "vitest";
import { acSweep, dcSweep, opFromFile } from "../../src/api.js";
import { runNgspiceAc, runNgspiceDc, runNgspiceOp, type NgspiceRunOptions } from "./ngspice.js";

/** Tight tolerances: ngspice's default reltol leaves its own answer about 1e-6 V short. */
export const TIGHT = ".options reltol=1e-10 vntol=1e-12 abstol=1e-15";

/**
 * A deck directory for test file `label` and its comparisons. Call at the
 * file's top level (it registers the afterAll that prints and cleans up).
 */
export function ngspiceDecks(label: string) {
  const dir = mkdtempSync(path.join(tmpdir(), `eqspice-${label}-`));
  const worst = new Map<string, number>();
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    if (worst.size) console.log(`${label}: max |dV| against ngspice per deck:\n${[...worst].map(([k, v]) => `  ${k}: ${v.toExponential(2)} V`).join("\n")}`);
  });
  /** Solve deck `lines` with both simulators; every node and V-source current must agree to `vtol` (relative above 1 V). Returns eqspice's node voltages. */
  const compare = (name: string, lines: string[], vtol = 1e-9, ngOpts: NgspiceRunOptions = {}): Record<string, number> => {
    const f = path.join(dir, `${name}.cir`);
    writeFileSync(f, [...lines, ".end", ""].join("\n"));
    const ng = runNgspiceOp(f, ngOpts);
    const eq = opFromFile(f);
    const ngNodes = Object.keys(ng.nodes).filter((n) => n !== "0" && !n.includes("#"));
    expect(Object.keys(eq.nodes).sort(), `${name}: node names`).toEqual(ngNodes.sort());
    let w = 0;
    for (const n of ngNodes) {
      const dv = Math.abs(eq.nodes[n] - ng.nodes[n]);
      w = Math.max(w, dv);
      expect(dv, `${name}: v(${n}) eqspice ${eq.nodes[n]} ngspice ${ng.nodes[n]}`).toBeLessThanOrEqual(vtol * Math.max(1, Math.abs(ng.nodes[n])));
    }
    worst.set(name, Math.max(worst.get(name) ?? 0, w));
    const ngV = Object.keys(ng.branches).filter((b) => b.startsWith("v"));
    expect(ngV.filter((b) => !(b in eq.branches)), `${name}: source currents missing`).toEqual([]);
    for (const b of ngV) {
      const i = ng.branches[b];
      expect(Math.abs(eq.branches[b] - i), `${name}: i(${b}) eqspice ${eq.branches[b]} ngspice ${i}`).toBeLessThanOrEqual(1e-13 + vtol * Math.max(Math.abs(i), 1e-6));
    }
    return eq.nodes;
  };
  /** .dc sweep `args` of deck `lines` (TIGHT added) in both simulators: every node at every point to vtol (relative above 1 V). */
  const compareDc = (name: string, lines: string[], args: string, vtol = 1e-9, ngOpts: NgspiceRunOptions = {}): void => {
    const f = path.join(dir, `${name}.cir`);
    writeFileSync(f, [...lines, TIGHT, `.dc ${args}`, ".end", ""].join("\n"));
    const ng = runNgspiceDc(f, args, ngOpts);
    const eq = dcSweep(f);
    let w = 0;
    let cols = 0;
    for (const [n, col] of Object.entries(ng.nodes)) {
      if (n.includes("sweep")) continue;
      const e = eq.nodes[n];
      expect(e, `${name}: v(${n}) missing`).toBeDefined();
      expect(e.length).toBe(col.length);
      cols++;
      for (let k = 0; k < col.length; k++) {
        const d = Math.abs(e[k] - col[k]);
        w = Math.max(w, d);
        expect(d, `${name}: v(${n}) at ${ng.sweep[k]}: eqspice ${e[k]} ngspice ${col[k]}`).toBeLessThanOrEqual(vtol * Math.max(1, Math.abs(col[k])));
      }
    }
    expect(cols).toBeGreaterThan(0);
    worst.set(name, w);
  };
  /** .ac of deck `lines` (TIGHT added) in both simulators: every node phasor to 1e-6 relative (+1e-9 V). */
  const compareAc = (name: string, lines: string[], args: string, ngOpts: NgspiceRunOptions = {}): void => {
    const f = path.join(dir, `${name}.cir`);
    writeFileSync(f, [...lines, TIGHT, `.ac ${args}`, ".end", ""].join("\n"));
    const ng = runNgspiceAc(f, args, ngOpts);
    const eq = acSweep(f);
    expect(eq.frequencies.length).toBe(ng.freq.length);
    let w = 0;
    for (const [n, b] of Object.entries(ng.nodes)) {
      const a = eq.nodes[n];
      expect(a, `${name}: v(${n}) missing`).toBeDefined();
      for (let k = 0; k < ng.freq.length; k++) {
        const d = Math.hypot(a.re[k] - b.re[k], a.im[k] - b.im[k]);
        const m = Math.hypot(b.re[k], b.im[k]);
        w = Math.max(w, d / (m + 1e-9));
        expect(d, `${name}: v(${n}) at ${ng.freq[k]} Hz: eqspice ${a.re[k]}+j${a.im[k]}, ngspice ${b.re[k]}+j${b.im[k]}`).toBeLessThanOrEqual(1e-6 * m + 1e-9);
      }
    }
    worst.set(name, w);
  };
  return { dir, worst, compare, compareDc, compareAc };
}

/**
 * max |dV| (and where) at ngspice's time points nt from tFrom on that are
 * also eqspice output times (a grid of step dt), and how many of them were:
 * with a ringing waveform, interpolating between points would measure the
 * interpolation, not the simulators.
 */
export function atCommonPoints(et: Float64Array, ev: Float64Array, nt: Float64Array, nv: Float64Array, tFrom: number, dt: number): { dv: number; t: number; matched: number; total: number } {
  let dv = 0;
  let t = 0;
  let matched = 0;
  let total = 0;
  for (let j = 0; j < nt.length; j++) {
    if (nt[j] < tFrom) continue;
    total++;
    const k = Math.round(nt[j] / dt);
    if (k >= et.length || Math.abs(et[k] - nt[j]) > 1e-6 * dt) continue;
    matched++;
    const d = Math.abs(ev[k] - nv[j]);
    if (!(d <= dv)) {
      dv = Number.isNaN(d) ? Infinity : d;
      t = nt[j];
    }
  }
  return { dv, t, matched, total };
}

/**
 * max |dV| of eqspice's waveform ev (at its output times et) against
 * ngspice's (nt, nv), whose non-uniform points are interpolated linearly at
 * eqspice's times.
 */
export function againstInterpolated(et: Float64Array, ev: Float64Array, nt: Float64Array, nv: Float64Array): number {
  let w = 0;
  let j = 1;
  for (let k = 0; k < et.length; k++) {
    const tk = et[k];
    if (j > 1 && nt[j - 1] > tk) j = 1;
    while (j < nt.length - 1 && nt[j] < tk) j++;
    const a = (tk - nt[j - 1]) / (nt[j] - nt[j - 1]);
    const ref = nv[j - 1] + a * (nv[j] - nv[j - 1]);
    w = Math.max(w, Math.abs(ev[k] - ref));
  }
  return w;
}

/**
 * ngspice's waveform (time, ys) at t by the quadratic through its three
 * points nearest t: on fast edges linear interpolation alone costs ~2e-3 V
 * at 10 ps steps, which is not a disagreement between the simulators.
 */
export function ngAt(time: Float64Array, ys: Float64Array, t: number): number {
  let lo = 0;
  let hi = time.length - 1;
  if (t <= time[0]) return ys[0];
  if (t >= time[hi]) return ys[hi];
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (time[mid] <= t) lo = mid;
    else hi = mid;
  }
  let m = lo;
  if (m + 2 >= time.length) m = time.length - 3;
  if (m > 0 && t - time[m - 1] < time[m + 2] - t) m--;
  const [x0, x1, x2] = [time[m], time[m + 1], time[m + 2]];
  return (
    (ys[m] * ((t - x1) * (t - x2))) / ((x0 - x1) * (x0 - x2)) +
    (ys[m + 1] * ((t - x0) * (t - x2))) / ((x1 - x0) * (x1 - x2)) +
    (ys[m + 2] * ((t - x0) * (t - x1))) / ((x2 - x0) * (x2 - x1))
  );
}
