/**
 * BJT (Gummel-Poon level 1) charge storage in transient analysis, as
 * ngspice 39's bjtload.c: the charge law against central finite differences
 * (each capacitance = dQ/dV of its charge: B-E depletion and TF diffusion
 * with XTF/VTF/ITF and qb, B-C depletion split by XCJC plus TR diffusion,
 * substrate; both sides of the FC * VJ joints), closed forms at zero and
 * reverse bias; the stamp of a transient load (backward Euler from
 * startCharges, then trapezoidal after accept) against finite differences
 * of an independent current function built from the charge law, and its
 * companion reproducing the currents; the excess-phase refusal; and live
 * ngspice `.tran` comparisons at equal TMAX (common-emitter amplifiers, a
 * saturating switch with its storage time, an emitter follower, XCJC < 1
 * with RB/IRB, CJS vertical and lateral with a forward-biased substrate, a
 * PNP switch, temperature, area and m).
 *
 * The ngspice decks set `.options reltol=1e-7 vntol=1e-12` (abstol stays
 * at its default: at 1e-15 ngspice itself stops with "timestep too small"
 * on the substrate decks): at the default reltol = 1e-3 each simulator
 * stops Newton within reltol |V| of the solution (eqspice polishes further,
 * ngspice does not), and a saturating transistor's stored charge turns that
 * into up to 6e-2 V of difference at the edges (measured on the XCJC deck;
 * 5e-4 at reltol 1e-6, 2e-5 at 1e-7, 4e-6 at 1e-8: it is the tolerance, not
 * the model). One deck (the 2N2222 switch) also runs at default options.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadCircuit, loadCircuitFromText, transient } from "../src/api.js";
import { analyzeCapacitance } from "../src/analysis/integrators/capacitance.js";
import { explicitApplies } from "../src/analysis/integrators/choose.js";
import { Engine } from "../src/analysis/engine.js";
import { Bjt } from "../src/devices/bjt/bjt.js";
import { bjtCharges, bjtDefaults, bjtInstanceAt, bjtPoint, bjtTerminalCurrents, newBjtChargePoint, newBjtPoint, type BjtChargePoint, type BjtInstance, type BjtModelParams } from "../src/devices/bjt/bjt-model.js";
import type { IntegrationState, LoadContext, SetupContext } from "../src/devices/types.js";
import { ngspiceDecks, ngAt } from "./helpers/ngspice-compare.js";
import { describeNgspice, itNgspice, runNgspiceTran, type NgspiceTranResult } from "./helpers/ngspice.js";
import { GMIN, fd } from "./helpers/stamp-check.js";

function instance(type: 1 | -1, over: Partial<BjtModelParams> = {}, area = 1, m = 1, tempC = 27): BjtInstance {
  const p: BjtModelParams = {
    ...bjtDefaults(type, 27),
    is: 1e-15,
    bf: 100,
    br: 2,
    vaf: 50,
    var: 10,
    ikf: 5e-3,
    ikr: 2e-3,
    iss: 1e-15,
    cje: 2e-12,
    vje: 0.8,
    mje: 0.4,
    tf: 0.3e-9,
    xtf: 3,
    vtf: 2,
    itf: 20e-3,
    cjc: 1e-12,
    vjc: 0.6,
    mjc: 0.35,
    xcjc: 0.6,
    tr: 5e-9,
    cjs: 1.5e-12,
    vjs: 0.7,
    mjs: 0.4,
    ...over,
  };
  return bjtInstanceAt(p, area, m, tempC);
}

/** The charges at normalized (vbe, vbc, vbx, vsub), with the DC point they need. */
function chargesAt(p: BjtInstance, vbe: number, vbc: number, vbx: number, vsub: number): BjtChargePoint {
  const pt = newBjtPoint();
  bjtPoint(p, vbe, vbc, GMIN, pt);
  const out = newBjtChargePoint();
  bjtCharges(p.charges!, pt, vbe, vbc, vbx, vsub, out);
  return out;
}

describe("BJT charge law (bjtload.c) against finite differences", () => {
  const VARIANTS: Array<[string, BjtInstance]> = [
    ["all charges with XTF, VTF, ITF, IKF/IKR and Early effect (qb depends on both junctions), FC = 0.5", instance(1)],
    ["FC = 0.8, XCJC = 0.3, MJS = 0.5, area 2, m 3, at 80 C", instance(1, { fc: 0.8, xcjc: 0.3, mjs: 0.5 }, 2, 3, 80)],
    ["XTF without VTF and ITF, no IKF/IKR", instance(1, { vtf: 0, itf: 0, ikf: 0, ikr: 0 })],
    ["depletion only (TF = TR = 0), MJE = 0.5", instance(1, { tf: 0, tr: 0, mje: 0.5 })],
  ];
  const h = 1e-6;
  const close = (a: number, b: number, scale: number, what: string) => expect(Math.abs(a - b), `${what}: ${a} vs fd ${b}`).toBeLessThanOrEqual(1e-6 * scale + 1e-25);
  for (const [name, p] of VARIANTS) {
    it(`capacitances are dQ/dV of their charges: ${name}`, () => {
      const c = p.charges!;
      expect(c).not.toBeNull();
      // points on both sides of each joint (vbe = 0 for the TF branch, FC * VJ for the depletion charges, vsub = 0), away from them by more than h
      const vbes = [-2, -0.3, 0.2, 0.6, c.be.fcpb - 0.01, c.be.fcpb + 0.01, 0.85];
      const vbcs = [-5, -0.5, 0.1, c.bc.fcpb - 0.01, c.bc.fcpb + 0.01, 0.7];
      const vsubs = [-4, -0.3, 0.2, 0.6];
      for (const vbe of vbes) {
        for (const vbc of vbcs) {
          const vbx = vbc + 0.05;
          const vsub = vsubs[(vbes.indexOf(vbe) + vbcs.indexOf(vbc)) % vsubs.length];
          const q = chargesAt(p, vbe, vbc, vbx, vsub);
          const dE = [chargesAt(p, vbe + h, vbc, vbx, vsub), chargesAt(p, vbe - h, vbc, vbx, vsub)];
          const dC = [chargesAt(p, vbe, vbc + h, vbx, vsub), chargesAt(p, vbe, vbc - h, vbx, vsub)];
          const dX = [chargesAt(p, vbe, vbc, vbx + h, vsub), chargesAt(p, vbe, vbc, vbx - h, vsub)];
          const dS = [chargesAt(p, vbe, vbc, vbx, vsub + h), chargesAt(p, vbe, vbc, vbx, vsub - h)];
          const at = `vbe=${vbe} vbc=${vbc} vsub=${vsub}`;
          const scaleBe = Math.abs(q.cbe) + Math.abs(q.cbeBc);
          close(q.cbe, (dE[0].qbe - dE[1].qbe) / (2 * h), scaleBe, `dqbe/dvbe ${at}`);
          close(q.cbeBc, (dC[0].qbe - dC[1].qbe) / (2 * h), scaleBe, `dqbe/dvbc ${at}`);
          close(q.cbc, (dC[0].qbc - dC[1].qbc) / (2 * h), Math.abs(q.cbc), `dqbc/dvbc ${at}`);
          close(q.cbx, (dX[0].qbx - dX[1].qbx) / (2 * h), Math.abs(q.cbx), `dqbx/dvbx ${at}`);
          close(q.csub, (dS[0].qsub - dS[1].qsub) / (2 * h), Math.abs(q.csub), `dqsub/dvsub ${at}`);
          // qbc, qbx, qsub depend on their own voltage only
          expect(dE[0].qbc).toBe(q.qbc);
          expect(dC[0].qbx).toBe(q.qbx);
          expect(dX[0].qsub).toBe(q.qsub);
          expect(dS[0].qbe).toBe(q.qbe);
        }
      }
    });

    it(`charges and capacitances are continuous at FC * VJ and at vsub = 0, charges at vbe = 0: ${name}`, () => {
      const c = p.charges!;
      const e = 1e-10;
      // relative, with a floor of 1e-12 (C or F: the card's scale) where both sides vanish (qsub at vsub = 0)
      const jump = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), 1e-12);
      for (const [lo, hi] of [
        [chargesAt(p, c.be.fcpb - e, -1, -1, -1), chargesAt(p, c.be.fcpb, -1, -1, -1)],
        [chargesAt(p, 0.5, c.bc.fcpb - e, c.bx.fcpb - e, -1), chargesAt(p, 0.5, c.bc.fcpb, c.bx.fcpb, -1)],
        [chargesAt(p, 0.5, -1, -1, -e), chargesAt(p, 0.5, -1, -1, 0)],
      ]) {
        for (const k of ["qbe", "cbe", "qbc", "cbc", "qbx", "cbx", "qsub", "csub"] as const) expect(jump(lo[k], hi[k]), k).toBeLessThan(1e-7);
      }
      expect(Math.abs(chargesAt(p, -1e-12, -1, -1, -1).qbe - chargesAt(p, 1e-12, -1, -1, -1).qbe)).toBeLessThan(1e-20);
    });
  }

  it("closed forms: zero bias C = CJE area + TF IS/vt, reverse bias C = XCJC CJC area (1 - v/VJC)^-MJC + TR gbc, (1 - XCJC) CJC area on the external base, CJS area (1 - v/VJS)^-MJS; zero charge at zero bias; M does not enter (per unit M)", () => {
    const area = 2.5;
    const p = instance(1, {}, area, 4);
    const q0 = chargesAt(p, 0, 0, 0, 0);
    expect(q0.qbe).toBe(0);
    expect(q0.qbc).toBe(0);
    expect(q0.qbx).toBe(0);
    expect(q0.qsub).toBe(0);
    expect(q0.cbe / (2e-12 * area + (0.3e-9 * 1e-15 * area) / p.vt)).toBeCloseTo(1, 12);
    const v = -2;
    const q = chargesAt(p, -1, v, v, v);
    const pt = newBjtPoint();
    bjtPoint(p, -1, v, GMIN, pt);
    expect(q.cbc / (0.6 * 1e-12 * area * (1 - v / 0.6) ** -0.35 + 5e-9 * pt.gbc)).toBeCloseTo(1, 12);
    expect(q.cbx / (0.4 * 1e-12 * area * (1 - v / 0.6) ** -0.35)).toBeCloseTo(1, 12);
    expect(q.csub / (1.5e-12 * area * (1 - v / 0.7) ** -0.4)).toBeCloseTo(1, 12);
    // the depletion charge's closed form: VJ CJ (1 - (1 - v/VJ)^(1 - MJ)) / (1 - MJ)
    expect(q.qbx / ((0.6 * 0.4e-12 * area * (1 - (1 - v / 0.6) ** 0.65)) / 0.65)).toBeCloseTo(1, 12);
  });

  it("at TNOM the junction capacitances and potentials are the card's; away from it the potentials fall with temperature and the capacitances rise", () => {
    const c27 = instance(1).charges!;
    expect(c27.be.pb).toBeCloseTo(0.8, 13);
    expect(c27.be.cz).toBeCloseTo(2e-12, 24);
    expect(c27.bc.pb).toBeCloseTo(0.6, 13);
    expect(c27.ps).toBeCloseTo(0.7, 13);
    const c27b = instance(1, { tnom: 50 }, 1, 1, 50).charges!;
    expect(c27b.be.pb).toBeCloseTo(0.8, 13);
    expect(c27b.czsub).toBeCloseTo(1.5e-12, 24);
    const c100 = instance(1, {}, 1, 1, 100).charges!;
    expect(c100.be.pb).toBeLessThan(0.8);
    expect(c100.be.cz).toBeGreaterThan(2e-12);
    expect(c100.bc.pb).toBeLessThan(0.6);
    expect(c100.ps).toBeLessThan(0.7);
  });
});

// ---------------------------------------------------------------------------
// the stamp of a transient load

/** A fake MNA (every non-ground node an unknown), as test/helpers/stamp-check.ts, with a transient context. */
function tranHarness(n: number) {
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
  const ctx: LoadContext = { mode: "tran", A, b, V, Vk: new Float64Array(n + 1), x: new Float64Array(n), time: 1e-9, srcScale: 1, gmin: GMIN, initJunctions: false, noncon: false, integ: null };
  const loadAt = (dev: Bjt, volts: number[], integ: IntegrationState) => {
    V.set(volts);
    ctx.integ = integ;
    for (let k = 0; k < 300; k++) {
      A.fill(0);
      b.fill(0);
      ctx.noncon = false;
      dev.load(ctx);
      if (!ctx.noncon) break;
      if (k === 299) throw new Error("the limiter never settled");
    }
    return { J: (r: number, c: number) => A[1 + (r - 1) * (n + 1) + (c - 1)], rhs: (r: number) => b[r - 1] };
  };
  return { setup, loadAt };
}

describe("BJT transient stamp: charges integrated by the companion model", () => {
  // nodes: 1 c, 2 b, 3 e, 4 s, 5 c', 6 b', 7 e'
  const N = 7;
  const CASES: Array<[string, 1 | -1, Partial<BjtModelParams>, number[], number[], number[]]> = [
    // name, type, model, V0 (start), V1 (after a BE step), V2 (after a trap step): [c, b, e, s] NPN-like (times type)
    ["forward active into saturation", 1, {}, [3, 0.6, 0, 0], [1, 0.72, 0, 0], [0.15, 0.78, 0, 0]],
    ["cutoff to forward active, substrate below the collector", 1, { subs: 1 }, [5, -1, 0, -2], [4, 0.5, 0, -2], [3, 0.68, 0.01, -2.5]],
    ["B-E forward above FC * VJE, lateral substrate forward-biased (ISS)", 1, { subs: -1 }, [1, 0.4, 0, 0.2], [0.8, 0.9, 0.05, 0.7], [0.5, 0.92, 0.1, 0.75]],
    ["PNP, forward active into saturation, vertical", -1, { subs: 1 }, [3, 0.6, 0, -0.5], [1, 0.72, 0, -0.5], [0.2, 0.77, 0, -0.6]],
    ["excess phase PTF = 40 degrees, forward active", 1, { ptf: 40 }, [3, 0.62, 0, 0], [2.5, 0.7, 0, 0], [2, 0.74, 0.01, 0]],
    ["PNP with excess phase PTF = 25 degrees, into saturation", -1, { ptf: 25 }, [3, 0.6, 0, -0.5], [1, 0.72, 0, -0.5], [0.2, 0.77, 0, -0.6]],
  ];
  for (const [name, type, over, V0e, V1e, V2e] of CASES) {
    it(`${name}: J = dI/dV by central differences, sum J V - b = I, accept shifts the history, addCurrents includes the accepted charge currents`, () => {
      const p = instance(type, { rb: 50, rbm: 10, rc: 5, re: 2, ...over }, 1.5, 2);
      const dev = new Bjt("q1", 1, 2, 3, 4, 5, 6, 7, p);
      const hn = tranHarness(N);
      dev.setup(hn.setup);
      const full = (e: number[]) => {
        const x = e.map((v) => type * v);
        return [0, ...x, x[0] - type * 0.01, x[1] - type * 0.02, x[2] + type * 0.005];
      };
      const [V0, V1, V2] = [full(V0e), full(V1e), full(V2e)];
      const t = p.type;
      const ts = t * p.subs;
      const sc = p.subs === 1 ? 5 : 6;
      const qOf = (x: number[]) => chargesAt(p, t * (x[6] - x[7]), t * (x[6] - x[5]), t * (x[2] - x[5]), ts * (x[4] - x[sc]));
      // excess phase (bjtload.c, written out here): the forward transport current cbe/qb becomes
      // cexbc = cch + arg3 cbe/qb over a step delta, cch = (cex1 (1 + r + arg2) - cex2 r) / denom
      const td = ((over.ptf ?? 0) * Math.PI * p.charges!.tf) / 180;
      const xOf = (x: number[]) => {
        const pt = newBjtPoint();
        bjtPoint(p, t * (x[6] - x[7]), t * (x[6] - x[5]), GMIN, pt);
        return pt.cbe / pt.qb;
      };
      const weil = (delta: number, r: number, cex1: number, cex2: number) => {
        const a = delta / td;
        const denom = 1 + 3 * a + 3 * a * a;
        return { cch: (cex1 * (1 + r + 3 * a) - cex2 * r) / denom, arg3: (3 * a * a) / denom };
      };
      /** The collector current's change by the excess phase at x (normalized, per unit M): cch + (arg3 - 1) cbe/qb. */
      let excess: (x: number[]) => number = () => 0;
      /** DC currents plus charge currents given as i_k(x) per charge (normalized, per unit M). */
      const currents = (x: number[], ik: (q: BjtChargePoint) => [number, number, number, number]) => {
        const o = new Float64Array(7);
        bjtTerminalCurrents(p, GMIN, { c: x[1], b: x[2], e: x[3], s: x[4], ci: x[5], bi: x[6], ei: x[7] }, o);
        const out = [0, ...o];
        const dcc = p.m * excess(x);
        out[5] += t * dcc;
        out[7] -= t * dcc;
        const [ibe, ibc, ibx, isub] = ik(qOf(x)).map((i) => p.m * i);
        out[6] += t * ibe;
        out[7] -= t * ibe;
        out[6] += t * ibc;
        out[5] -= t * ibc;
        out[2] += t * ibx;
        out[5] -= t * ibx;
        out[4] += ts * isub;
        out[sc] -= ts * isub;
        return out;
      };
      const check = (volts: number[], cur: (x: number[]) => number[], st: { J: (r: number, c: number) => number; rhs: (r: number) => number }) => {
        let scale = 0;
        const d = [];
        for (let c = 1; c <= N; c++) {
          d[c] = fd(cur, volts, c);
          for (let r = 1; r <= N; r++) scale = Math.max(scale, Math.abs(d[c][r]));
        }
        for (let c = 1; c <= N; c++) for (let r = 1; r <= N; r++) expect(Math.abs(st.J(r, c) - d[c][r]), `dI(${r})/dV(${c}) stamp ${st.J(r, c)} fd ${d[c][r]}`).toBeLessThanOrEqual(1e-6 * scale + 1e-13);
        const I = cur(volts);
        for (let r = 1; r <= N; r++) {
          let lin = -st.rhs(r);
          for (let c = 1; c <= N; c++) lin += st.J(r, c) * volts[c];
          expect(Math.abs(lin - I[r]), `I(${r}) companion ${lin} law ${I[r]}`).toBeLessThanOrEqual(1e-9 * Math.max(...I.map(Math.abs)) + 1e-15);
        }
      };
      dev.startCharges(Float64Array.from(V0));
      const q0 = qOf(V0);
      const h1 = 0.2e-9;
      const h2 = 0.1e-9;
      // backward Euler from the initial state: i = (q - q_0) / h1
      const be: IntegrationState = { a0: 1 / h1, method: "be", ratio: 1 };
      const x0 = xOf(V0);
      if (td !== 0) {
        const w = weil(h1, 0, x0, x0);
        excess = (x) => w.cch + (w.arg3 - 1) * xOf(x);
      }
      const cur1 = (x: number[]) =>
        currents(x, (q) => [(q.qbe - q0.qbe) / h1, (q.qbc - q0.qbc) / h1, (q.qbx - q0.qbx) / h1, (q.qsub - q0.qsub) / h1]);
      check(V1, cur1, hn.loadAt(dev, V1, be));
      dev.accept(Float64Array.from(V1), new Float64Array(N), h1);
      const q1 = qOf(V1);
      const i1 = [(q1.qbe - q0.qbe) / h1, (q1.qbc - q0.qbc) / h1, (q1.qbx - q0.qbx) / h1, (q1.qsub - q0.qsub) / h1];
      expect(Math.max(...i1.map(Math.abs))).toBeGreaterThan(1e-6);
      // addCurrents at V1 in the transient: the DC currents plus the accepted charge currents
      const got = new Float64Array(N + 1);
      dev.addCurrents(Float64Array.from(V1), new Float64Array(N), 1e-9, got);
      const want = cur1(V1);
      for (let r = 1; r <= N; r++) expect(Math.abs(got[r] - want[r]), `addCurrents node ${r}`).toBeLessThanOrEqual(1e-12 * Math.max(...want.map(Math.abs)) + 1e-18);
      // trapezoidal from the accepted point: i = 2/h2 (q - q_1) - i_1; the excess phase's history shifts (cex1 = cexbc(V1), cex2 = cbe/qb at V0)
      const trap: IntegrationState = { a0: 2 / h2, method: "trap", ratio: h2 / h1 };
      if (td !== 0) {
        const w1 = weil(h1, 0, x0, x0);
        const cex1 = w1.cch + w1.arg3 * xOf(V1);
        const w = weil(h2, h2 / h1, cex1, x0);
        excess = (x) => w.cch + (w.arg3 - 1) * xOf(x);
        expect(Math.abs(excess(V2))).toBeGreaterThan(1e-9);
      }
      const cur2 = (x: number[]) =>
        currents(x, (q) => [(2 / h2) * (q.qbe - q1.qbe) - i1[0], (2 / h2) * (q.qbc - q1.qbc) - i1[1], (2 / h2) * (q.qbx - q1.qbx) - i1[2], (2 / h2) * (q.qsub - q1.qsub) - i1[3]]);
      check(V2, cur2, hn.loadAt(dev, V2, trap));
    });
  }

  it("DC loads (no integration state) are unchanged by the charges: the stamp equals a charge-free transistor's", () => {
    const V = [0, 2, 0.7, 0, -1, 1.99, 0.68, 0.005];
    const a = new Bjt("q1", 1, 2, 3, 4, 5, 6, 7, instance(1, { rb: 50, rc: 5, re: 2 }));
    const b = new Bjt("q1", 1, 2, 3, 4, 5, 6, 7, instance(1, { rb: 50, rc: 5, re: 2, cje: 0, cjc: 0, cjs: 0, tf: 0, tr: 0 }));
    const stamps = [a, b].map((d) => {
      const hn = tranHarness(7);
      d.setup(hn.setup);
      d.startCharges(Float64Array.from(V));
      const ctx: LoadContext = { mode: "dc", A: new Float64Array(65), b: new Float64Array(8), V: Float64Array.from(V), Vk: new Float64Array(8), x: new Float64Array(7), time: -1, srcScale: 1, gmin: GMIN, initJunctions: false, noncon: false, integ: null };
      d.load(ctx);
      d.load(ctx);
      return [Array.from(ctx.A), Array.from(ctx.b)];
    });
    expect(stamps[0]).toEqual(stamps[1]);
  });
});

// ---------------------------------------------------------------------------
// circuits, refusal

describe("BJT transients: which run, which refuse", () => {
  const deck = (model: string) => ["sw", "VCC vcc 0 5", "VIN in 0 PULSE(0 5 1n 1n 1n 10n 30n)", "RB in b 4.7k", "RC vcc c 1k", "Q1 c b 0 qn", "CB b 0 0.1p", "CL c 0 1p", `.model qn npn (is=1e-15 bf=100 ${model})`, ".tran 0.1n 20n", ".end"].join("\n");

  it("excess phase: PTF with TF delays the collector current (the waveform changes); PTF without TF has no excess phase (as ngspice: td = PTF TF) and changes nothing", () => {
    const c = (model: string) => transient(loadCircuitFromText(deck(model)), { tmax: 0.1e-9 }).nodes.c;
    const diff = (a: Float64Array, b: Float64Array) => Math.max(...a.map((v, k) => Math.abs(v - b[k])));
    expect(diff(c("tf=0.4n cje=1p ptf=60"), c("tf=0.4n cje=1p"))).toBeGreaterThan(1e-2);
    expect(diff(c("cje=1p cjc=1p ptf=30"), c("cje=1p cjc=1p"))).toBe(0);
  });

  it("a transistor without charges has no charge nodes and odex still applies; one with charges marks its nodes dynamic and keeps the circuit from odex", () => {
    const plain = loadCircuitFromText(deck("cje=0 cjc=0 tf=0"));
    const q = plain.devices.find((d) => d instanceof Bjt) as Bjt;
    expect(q.p.charges).toBeNull();
    expect(q.chargeNodes()).toEqual([]);
    expect(explicitApplies(new Engine(plain), analyzeCapacitance(plain, plain.options.cnode))).toBe(true);
    const charged = loadCircuitFromText(deck("cje=1p tf=0.2n"));
    const cap = analyzeCapacitance(charged, charged.options.cnode);
    expect(cap.chargeDevices.length).toBe(1);
    expect(explicitApplies(new Engine(charged), cap)).toBe(false);
  });
});

// ---------------------------------------------------------------------------
// ngspice


const { dir, worst: worstPerDeck } = ngspiceDecks("bjt-tran");
const OPTS = ".options reltol=1e-7 vntol=1e-12";

const Q2N2222 = [
  ".model Q2N2222 NPN(Is=14.34f Xti=3 Eg=1.11 Vaf=74.03 Bf=255.9 Ne=1.307",
  "+ Ise=14.34f Ikf=.2847 Xtb=1.5 Br=6.092 Nc=2 Isc=0 Ikr=0 Rc=1",
  "+ Cjc=7.306p Mjc=.3416 Vjc=.75 Fc=.5 Cje=22.01p Mje=.377 Vje=.75",
  "+ Tr=46.91n Tf=411.1p Itf=.6 Vtf=1.7 Xtf=3 Rb=10",
  "+ Vceo=40 Icrating=800m)",
];

interface Run {
  eq: { time: Float64Array; nodes: Record<string, Float64Array> };
  ng: NgspiceTranResult;
}

/** Write deck `name`, run both simulators at TMAX tmax, and return both waveforms. */
function run(name: string, lines: string[], tmax: number, nodes: string[]): Run {
  const f = path.join(dir, `${name}.cir`);
  writeFileSync(f, [...lines, ".end", ""].join("\n"));
  const c = loadCircuit(f);
  const t = c.tran!;
  const ng = runNgspiceTran(f, { tstep: t.tstep, tstop: t.tstop, tmax, nodes });
  const eq = transient(c, { integrator: "trap", tmax });
  return { eq, ng };
}

/** max |dV| over eqspice's output times, every node given; recorded per deck. */
function worst(name: string, r: Run, nodes: string[]): { dv: number; node: string; t: number } {
  let w = { dv: 0, node: "", t: 0 };
  for (const n of nodes) {
    const ys = r.eq.nodes[n];
    for (let k = 0; k < r.eq.time.length; k++) {
      const t = r.eq.time[k];
      const dv = Math.abs(ys[k] - ngAt(r.ng.time, r.ng.nodes[n], t));
      if (!(dv <= w.dv)) w = { dv: Number.isNaN(dv) ? Infinity : dv, node: n, t };
    }
  }
  worstPerDeck.set(name, w.dv);
  return w;
}

/** Time (s) of the first crossing of level by (time, ys) after t0, rising or falling, linearly interpolated. */
function crossing(time: Float64Array, ys: Float64Array, level: number, t0: number): number {
  for (let k = 1; k < time.length; k++) {
    if (time[k] <= t0) continue;
    if ((ys[k - 1] - level) * (ys[k] - level) <= 0 && ys[k] !== ys[k - 1]) return time[k - 1] + ((level - ys[k - 1]) / (ys[k] - ys[k - 1])) * (time[k] - time[k - 1]);
  }
  return NaN;
}

describeNgspice("BJT transients with charges against ngspice .tran (same explicit TMAX)", () => {
  itNgspice("common-emitter amplifier, SIN input, CJE/CJC/TF with a bypassed emitter: 1e-4 V at TMAX 0.1 ns", () => {
    const nodes = ["c", "e"];
    const r = run(
      "ce-sin",
      [
        "ce amp",
        OPTS,
        "VCC vcc 0 12",
        "VIN in 0 SIN(0 20m 2Meg)",
        "CIN in b 100n",
        "R1 vcc b 100k",
        "R2 b 0 22k",
        "RC vcc c 4.7k",
        "RE e 0 1k",
        "CE e 0 1u",
        "Q1 c b e qn",
        ".model qn npn (is=1e-15 bf=150 vaf=80 br=3 cje=2p vje=0.7 mje=0.4 cjc=1p vjc=0.6 mjc=0.3 tf=0.3n)",
        ".tran 2n 2u",
      ],
      0.1e-9,
      nodes,
    );
    const w = worst("ce-sin", r, nodes);
    expect(w.dv, `${w.node} at ${w.t}`).toBeLessThanOrEqual(1e-4);
    const c = r.eq.nodes.c;
    expect(Math.max(...c) - Math.min(...c)).toBeGreaterThan(5); // it amplifies
  }, 60_000);

  itNgspice("common-emitter amplifier with the 2N2222 vendor card (every charge of the card, RB, RC), SIN input: 1e-4 V", () => {
    const r = run(
      "ce-2n2222",
      ["ce 2n2222", OPTS, "VCC vcc 0 12", "VIN in 0 SIN(0 10m 5Meg)", "CIN in b 10n", "R1 vcc b 68k", "R2 b 0 12k", "RC vcc c 2.2k", "RE e 0 470", "CE e 0 100n", "Q1 c b e Q2N2222", ...Q2N2222, ".tran 1n 1u"],
      0.1e-9,
      ["c"],
    );
    const w = worst("ce-2n2222", r, ["c"]);
    expect(w.dv, `${w.node} at ${w.t}`).toBeLessThanOrEqual(1e-4);
  }, 60_000);

  itNgspice("saturating 2N2222 switch driven hard by a PULSE (-3 V to 5 V through 1k): 1e-4 V, and the storage time TR sets: the same turn-off delay to 0.02 ns, about 37 ns longer than with TR = 0", () => {
    // reltol 1e-8 for this deck: at 1e-7 the turn-on edge differs by 1.7e-4 V, at 1e-8 by 3e-5 (the tolerance, see the file comment)
    const deck = (tr: string) => ["switch", ".options reltol=1e-8 vntol=1e-12", "VCC vcc 0 5", "VIN in 0 PULSE(-3 5 2n 1n 1n 60n 300n)", "RB in b 1k", "RC vcc c 1k", "Q1 c b 0 Q2N2222", ...Q2N2222.map((l) => l.replace("Tr=46.91n", `Tr=${tr}`)), ".tran 0.1n 200n"];
    const nodes = ["c", "b"];
    const delays: number[] = [];
    for (const [name, tr] of [
      ["switch", "46.91n"],
      ["switch-tr0", "0"],
    ] as const) {
      const r = run(name, deck(tr), 0.1e-9, nodes);
      const w = worst(name, r, nodes);
      expect(w.dv, `${name}: ${w.node} at ${w.t}`).toBeLessThanOrEqual(1e-4);
      expect(Math.min(...r.eq.nodes.c)).toBeLessThan(0.05); // saturated
      // turn-off: the input falls at 63-64 ns; the collector rises through 2.5 V once the stored charge is gone
      const te = crossing(r.eq.time, r.eq.nodes.c, 2.5, 64e-9);
      const tn = crossing(r.ng.time, r.ng.nodes.c, 2.5, 64e-9);
      expect(Math.abs(te - tn), name).toBeLessThan(0.02e-9);
      delays.push(te - 64e-9);
    }
    expect(delays[0] - delays[1]).toBeGreaterThan(30e-9);
  }, 60_000);

  itNgspice("2N2222 switch driven through 4.7k (slow: the junction capacitances charge through RB) at ngspice's default options: 1e-4 V", () => {
    const nodes = ["c", "b"];
    const r = run("switch-default-options", ["switch", "VCC vcc 0 5", "VIN in 0 PULSE(0 5 2n 1n 1n 40n 100n)", "RB in b 4.7k", "RC vcc c 1k", "Q1 c b 0 Q2N2222", ...Q2N2222, ".tran 0.1n 150n"], 0.1e-9, nodes);
    const w = worst("switch-default-options", r, nodes);
    expect(w.dv, `${w.node} at ${w.t}`).toBeLessThanOrEqual(1e-4);
    expect(Math.max(...r.eq.nodes.c)).toBeGreaterThan(5.05); // the input edge couples through CJC
  }, 60_000);

  itNgspice("excess phase (PTF): the hard 2N2222 switch with PTF = 40 (reltol 1e-8), the slow one at default options, the 2N2222 amplifier with PTF = 40: 1e-4 V; PTF moves the waveforms by 1e-2 V and more", () => {
    const card = Q2N2222.map((l) => l.replace("Tf=411.1p", "Tf=411.1p Ptf=40"));
    const decks: Array<[string, string[], number, string[]]> = [
      ["switch-ptf", ["switch", ".options reltol=1e-8 vntol=1e-12", "VCC vcc 0 5", "VIN in 0 PULSE(-3 5 2n 1n 1n 60n 300n)", "RB in b 1k", "RC vcc c 1k", "Q1 c b 0 Q2N2222", ...card, ".tran 0.1n 200n"], 0.1e-9, ["c", "b"]],
      ["switch-ptf-default-options", ["switch", "VCC vcc 0 5", "VIN in 0 PULSE(0 5 2n 1n 1n 40n 100n)", "RB in b 4.7k", "RC vcc c 1k", "Q1 c b 0 Q2N2222", ...card, ".tran 0.1n 150n"], 0.1e-9, ["c", "b"]],
      ["ce-2n2222-ptf", ["ce 2n2222", OPTS, "VCC vcc 0 12", "VIN in 0 SIN(0 10m 5Meg)", "CIN in b 10n", "R1 vcc b 68k", "R2 b 0 12k", "RC vcc c 2.2k", "RE e 0 470", "CE e 0 100n", "Q1 c b e Q2N2222", ...card, ".tran 1n 1u"], 0.1e-9, ["c"]],
    ];
    for (const [name, lines, tmax, nodes] of decks) {
      const r = run(name, lines, tmax, nodes);
      const w = worst(name, r, nodes);
      expect(w.dv, `${name}: ${w.node} at ${w.t}`).toBeLessThanOrEqual(1e-4);
    }
    // the same hard switch without PTF differs: the excess phase is there
    const hard = (c: string[]) => transient(loadCircuitFromText([...decks[0][1].slice(0, 7), ...c, ".tran 0.1n 200n", ".end"].join("\n")), { integrator: "trap", tmax: 0.1e-9 }).nodes.c;
    const withPtf = hard(card);
    const without = hard(Q2N2222);
    expect(Math.max(...withPtf.map((v, k) => Math.abs(v - without[k])))).toBeGreaterThan(1e-2);
  }, 60_000);

  itNgspice("emitter follower (IKF, XTF/VTF/ITF, TR, RB/RC/RE) driving a load capacitor, PULSE input: 1e-4 V", () => {
    const nodes = ["e", "b"];
    // reltol 1e-8: 1.5e-4 V at 1e-7, 3.7e-5 at 1e-8 (the tolerance)
    const r = run(
      "follower",
      [
        "emitter follower",
        ".options reltol=1e-8 vntol=1e-12",
        "VCC vcc 0 5",
        "VIN in 0 PULSE(0.5 3.5 5n 2n 2n 20n 50n)",
        "RS in b 1k",
        "Q1 vcc b e qn",
        "RE e 0 500",
        "CL e 0 5p",
        ".model qn npn (is=1e-15 bf=120 vaf=60 ikf=20m cje=3p mje=0.35 cjc=1.5p tf=0.5n xtf=2 vtf=3 itf=10m tr=10n rb=50 re=2 rc=10)",
        ".tran 0.1n 100n",
      ],
      0.1e-9,
      nodes,
    );
    const w = worst("follower", r, nodes);
    expect(w.dv, `${w.node} at ${w.t}`).toBeLessThanOrEqual(1e-4);
    expect(Math.max(...r.eq.nodes.e)).toBeGreaterThan(2.5);
  }, 60_000);

  itNgspice("XCJC = 0.3 with RB, RBM and IRB (the external part of CJC on the outer base), saturating, FC = 0.7: 1e-4 V", () => {
    const nodes = ["c", "b"];
    const r = run(
      "xcjc-rb",
      ["xcjc rb", OPTS, "VCC vcc 0 5", "VIN in 0 PULSE(0 3 2n 1n 1n 20n 50n)", "RS in b 2k", "RC vcc c 2k", "Q1 c b 0 qx", ".model qx npn (is=1e-16 bf=100 br=2 rb=200 rbm=20 irb=1m xcjc=0.3 cjc=2p vjc=0.7 mjc=0.5 cje=1p tf=0.2n tr=5n fc=0.7)", ".tran 0.1n 100n"],
      0.1e-9,
      nodes,
    );
    const w = worst("xcjc-rb", r, nodes);
    expect(w.dv, `${w.node} at ${w.t}`).toBeLessThanOrEqual(1e-4);
  }, 60_000);

  itNgspice("CJS: vertical NPN (substrate to c'), lateral PNP (to b'), lateral NPN (SUBS = -1) whose substrate is pulsed into forward bias (ISS); the same with SUBS = 1: 1e-4 V", () => {
    const nodes = ["c", "c2x", "c3", "b3", "s3"];
    for (const subs of [-1, 1]) {
      const name = `cjs-subs${subs}`;
      const r = run(
        name,
        [
          "cjs",
          OPTS,
          "VCC vcc 0 5",
          "VIN in 0 PULSE(0 3 2n 1n 1n 20n 50n)",
          "RS in b 5k",
          "RC vcc c 3k",
          "Q1 c b 0 0 qs",
          "RS2 vcc c2 3k",
          "VIN2 in2 0 PULSE(5 2 2n 1n 1n 20n 50n)",
          "RB2 in2 b2 5k",
          "Q2 c2x b2 vcc 0 qp",
          "RL c2x 0 3k",
          "VS3 s3in 0 PULSE(-2 1.2 10n 2n 2n 15n 50n)",
          "RS3 s3in s3 2k",
          "RC3 vcc c3 2k",
          "RB3 in b3 5k",
          "Q3 c3 b3 0 s3 ql",
          ".model qs npn (is=1e-16 bf=100 cjs=2p vjs=0.6 mjs=0.4 cjc=0.5p cje=0.5p tf=0.1n iss=1e-17)",
          ".model qp pnp (is=1e-16 bf=50 cjs=1p vjs=0.7 mjs=0.3 cjc=0.5p cje=0.5p tf=0.2n tr=3n)",
          `.model ql npn (is=1e-16 bf=80 subs=${subs} cjs=1.5p vjs=0.65 mjs=0.35 iss=1e-16 ns=1.2 cjc=0.4p cje=0.4p tf=0.1n)`,
          ".tran 0.1n 100n",
        ],
        0.1e-9,
        nodes,
      );
      const w = worst(name, r, nodes);
      expect(w.dv, `${name}: ${w.node} at ${w.t}`).toBeLessThanOrEqual(1e-4);
    }
  }, 60_000);

  itNgspice("PNP switch with the 2N3906 vendor card: 1e-4 V", () => {
    const nodes = ["c", "b"];
    const r = run(
      "pnp-switch",
      [
        "pnp switch",
        OPTS,
        "VEE vee 0 5",
        "VIN in 0 PULSE(5 0 2n 1n 1n 30n 80n)",
        "RB in b 4.7k",
        "Q1 c b vee Q2N3906",
        "RL c 0 1k",
        ".model Q2N3906 PNP(Is=1.41f Xti=3 Eg=1.11 Vaf=18.7 Bf=180.7 Ne=1.5 Ise=0",
        "+ Ikf=80m Xtb=1.5 Br=4.977 Nc=2 Isc=0 Ikr=0 Rc=2.5 Cjc=9.728p",
        "+ Mjc=.5776 Vjc=.75 Fc=.5 Cje=8.063p Mje=.3677 Vje=.75 Tr=33.42n",
        "+ Tf=179.3p Itf=.4 Vtf=4 Xtf=6 Rb=10)",
        ".tran 0.1n 160n",
      ],
      0.1e-9,
      nodes,
    );
    const w = worst("pnp-switch", r, nodes);
    expect(w.dv, `${w.node} at ${w.t}`).toBeLessThanOrEqual(1e-4);
  }, 60_000);

  itNgspice("temperature (.temp 90: junction potentials and capacitances as bjttemp.c, TNOM 27 and TNOM 50), AREA 2 and M 3, XCJC with RB: 1e-4 V", () => {
    const nodes = ["c", "b", "c2"];
    const r = run(
      "temperature",
      [
        "temperature",
        OPTS,
        ".temp 90",
        "VCC vcc 0 5",
        "VIN in 0 PULSE(0 3 2n 1n 1n 20n 50n)",
        "RS in b 3k",
        "RC vcc c 2k",
        "Q1 c b 0 qt",
        "Q2 c2 b 0 qt2 2 m=3",
        "RC2 vcc c2 700",
        ".model qt npn (is=1e-16 bf=100 br=2 cje=1p vje=0.8 mje=0.4 cjc=2p vjc=0.6 mjc=0.45 cjs=1p vjs=0.5 mjs=0.3 tf=0.2n tr=4n xtb=1.5)",
        ".model qt2 npn (is=1e-16 bf=100 br=2 cje=1p vje=0.8 mje=0.4 cjc=2p vjc=0.6 mjc=0.45 tf=0.2n tr=4n tnom=50 rb=30 xcjc=0.6)",
        ".tran 0.1n 100n",
      ],
      0.1e-9,
      nodes,
    );
    const w = worst("temperature", r, nodes);
    expect(w.dv, `${w.node} at ${w.t}`).toBeLessThanOrEqual(1e-4);
  }, 60_000);
});
