/**
 * The device-stamp check of the transistor tests: a fake MNA in which every
 * non-ground node is an unknown, a device loaded in it at given node
 * voltages until its step limiter no longer moves the point, and the stamp
 * compared with central finite differences of an independent current
 * function (every Jacobian entry), and the companion model checked to
 * reproduce the currents at the point (sum_c J V_c - b = I).
 */
import { expect } from "vitest";
import type { Device, LoadContext, SetupContext } from "../../src/devices/types.js";

export const GMIN = 1e-12;

/** Rows 0..n-1 for nodes 1..n, the trash row n; handle of (r, c) = 1 + r (n+1) + c, trash 0. */
export function harness(nNodes: number, maxLoads = 300) {
  const n = nNodes;
  const trash = n;
  const setup: SetupContext = {
    row: (node) => (node === 0 ? trash : node - 1),
    entry: (r, c) => (r === trash || c === trash ? 0 : 1 + r * (n + 1) + c),
    branch: () => {
      throw new Error("no branches");
    },
  };
  const A = new Float64Array(1 + (n + 1) * (n + 1));
  const b = new Float64Array(n + 1);
  const V = new Float64Array(n + 1);
  const ctx: LoadContext = { mode: "dc", A, b, V, Vk: new Float64Array(n + 1), x: new Float64Array(n), time: -1, srcScale: 1, gmin: GMIN, initJunctions: false, noncon: false, integ: null };
  /** Load at V (node voltages, [0] = ground) until the limiter no longer moves the point; returns the stamp. */
  const loadAt = (dev: Device, volts: number[]): { J: (r: number, c: number) => number; rhs: (r: number) => number } => {
    V.set(volts);
    for (let k = 0; k < maxLoads; k++) {
      A.fill(0);
      b.fill(0);
      ctx.noncon = false;
      dev.load(ctx);
      if (!ctx.noncon) break;
      if (k === maxLoads - 1) throw new Error("the limiter never settled");
    }
    return { J: (rn, cn) => A[1 + (rn - 1) * (n + 1) + (cn - 1)], rhs: (rn) => b[rn - 1] };
  };
  return { setup, loadAt };
}

/** Central differences of f (currents by node) with respect to node c's voltage. */
export function fd(f: (v: number[]) => number[], v: number[], c: number): number[] {
  const h = 1e-6 * Math.max(1, Math.abs(v[c]));
  const up = v.slice();
  const dn = v.slice();
  up[c] += h;
  dn[c] -= h;
  const a = f(up);
  const z = f(dn);
  return a.map((x, i) => (x - z[i]) / (2 * h));
}

/** The stamp of `dev` at `volts` (nodes 1..n) against finite differences of `currents` (leaving each node, index = node). */
export function checkStamp(dev: Device, nNodes: number, volts: number[], currents: (v: number[]) => number[]): void {
  const hn = harness(nNodes);
  dev.setup(hn.setup);
  const st = hn.loadAt(dev, volts);
  const I = currents(volts);
  let scale = 0;
  for (let c = 1; c <= nNodes; c++) {
    const d = fd(currents, volts, c);
    for (let r = 1; r <= nNodes; r++) scale = Math.max(scale, Math.abs(d[r]));
  }
  for (let c = 1; c <= nNodes; c++) {
    const d = fd(currents, volts, c);
    for (let r = 1; r <= nNodes; r++) {
      expect(Math.abs(st.J(r, c) - d[r]), `dI(${r})/dV(${c}) stamp ${st.J(r, c)} fd ${d[r]}`).toBeLessThanOrEqual(1e-6 * scale + 1e-13);
    }
  }
  for (let r = 1; r <= nNodes; r++) {
    let lin = -st.rhs(r);
    for (let c = 1; c <= nNodes; c++) lin += st.J(r, c) * volts[c];
    expect(Math.abs(lin - I[r]), `I(${r}) companion ${lin} law ${I[r]}`).toBeLessThanOrEqual(1e-9 * Math.max(...I.map(Math.abs)) + 1e-15);
  }
}
