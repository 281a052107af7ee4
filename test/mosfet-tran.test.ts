/**
 * MOSFET level 1 transients with capacitances (ngspice mos1): the bulk
 * junction charges against finite differences (C = dQ/dv, both pieces and
 * the FC * PB joint), the Meyer gate capacitances at their closed-form
 * values and continuous across the region boundaries (as ngspice's
 * DEVqmeyer), transistors whose capacitances are all zero unchanged, and
 * live ngspice `.tran` goldens (test/fixtures/mosfet-tran/*.cir): a CMOS
 * inverter with TOX and overlaps, a 5-stage ring oscillator (period and
 * the first periods' waveform), an NMOS discharging a node through
 * junction capacitances from AD/AS/PD/PS, a source follower driving a
 * capacitor. Both simulators run with the same explicit TMAX; node voltages
 * are compared at eqspice's output times, ngspice's own points interpolated
 * by the quadratic through the three nearest (linear interpolation alone
 * costs ~2e-3 V at 10 ps on these edges, which is not a disagreement).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ngAt } from "./helpers/ngspice-compare.js";
import { loadCircuit, loadCircuitFromText, transient } from "../src/api.js";
import { analyzeCapacitance } from "../src/analysis/integrators/capacitance.js";
import { explicitApplies } from "../src/analysis/integrators/choose.js";
import { Engine } from "../src/analysis/engine.js";
import { Mosfet } from "../src/devices/mosfet/mosfet.js";
import { MOS_GEOMETRY_DEFAULTS, deriveMosModel, meyerHalfCaps, mosDefaults, mosInstanceAt, mosJunctionCharge, type MosJunctionCap, type MosModelParams } from "../src/devices/mosfet/mosfet-model.js";
import { describeNgspice, itNgspice, runNgspiceTran, type NgspiceTranResult } from "./helpers/ngspice.js";

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "mosfet-tran");
const fixture = (f: string) => path.join(dir, f);

function junctionOf(over: Partial<MosModelParams>, geom: Partial<typeof MOS_GEOMETRY_DEFAULTS>, tempC = 27): { drain: MosJunctionCap; source: MosJunctionCap } {
  const p: MosModelParams = { ...mosDefaults(1, 27), vto: 0.7, kp: 1e-4, ...over };
  const inst = mosInstanceAt(deriveMosModel(p), { ...MOS_GEOMETRY_DEFAULTS, ...geom }, tempC);
  expect(inst.charges).not.toBeNull();
  return { drain: inst.charges!.drain, source: inst.charges!.source };
}

describe("bulk junction charges", () => {
  const cases: Array<[string, Partial<MosModelParams>, Partial<typeof MOS_GEOMETRY_DEFAULTS>, number]> = [
    ["CJ, CJSW with MJ = MJSW = 0.5", { cj: 4e-4, cjsw: 8e-10 }, { ad: 20e-12, as: 10e-12, pd: 18e-6, ps: 9e-6 }, 27],
    ["CJ, CJSW with MJ = 0.4, MJSW = 0.3, PB = 0.75, FC = 0.6", { cj: 4e-4, cjsw: 8e-10, mj: 0.4, mjsw: 0.3, pb: 0.75, fc: 0.6 }, { ad: 20e-12, as: 10e-12, pd: 18e-6, ps: 9e-6, m: 2 }, 27],
    ["CBD, CBS given (they win over CJ * area), MJ = 0.33, at 80 C", { cbd: 30e-15, cbs: 20e-15, cj: 1e-3, cjsw: 2e-10, mj: 0.33, mjsw: 0.5 }, { ad: 20e-12, as: 10e-12, pd: 18e-6, ps: 9e-6 }, 80],
  ];
  const out = { q: 0, c: 0 };
  const q = (j: MosJunctionCap, v: number) => (mosJunctionCharge(j, v, out), out.q);
  for (const [name, over, geom, temp] of cases) {
    it(`C = dQ/dv by central differences, and Q, C continuous at FC * PB: ${name}`, () => {
      const { drain, source } = junctionOf(over, geom, temp);
      for (const j of [drain, source]) {
        expect(j.cz + j.czsw).toBeGreaterThan(0);
        for (const v of [-5, -2, -0.7, -0.1, 0, 0.1, 0.2, j.depCap - 0.01, j.depCap + 0.01, 0.6, 0.9, 1.5]) {
          const h = 1e-5;
          const fd = (q(j, v + h) - q(j, v - h)) / (2 * h);
          mosJunctionCharge(j, v, out);
          expect(Math.abs(fd - out.c), `v=${v}`).toBeLessThan(1e-6 * Math.abs(out.c) + 1e-24);
        }
        // the joint: same Q and C on both sides of FC * PB
        const e = 1e-9;
        mosJunctionCharge(j, j.depCap - e, out);
        const below = { ...out };
        mosJunctionCharge(j, j.depCap, out);
        expect(Math.abs(out.q - below.q)).toBeLessThan(1e-8 * Math.abs(out.q));
        expect(Math.abs(out.c - below.c)).toBeLessThan(1e-7 * out.c);
      }
    });
  }

  it("closed form at zero and reverse bias: C(0) = cz + czsw, C(v) = cz (1 - v/PB)^-MJ + czsw (1 - v/PB)^-MJSW, zero-bias values CJ AD M + CJSW PD M", () => {
    const { drain, source } = junctionOf({ cj: 4e-4, cjsw: 8e-10, mj: 0.4, mjsw: 0.3, pb: 0.75 }, { ad: 20e-12, as: 10e-12, pd: 18e-6, ps: 9e-6, m: 3 });
    expect(drain.cz).toBeCloseTo(4e-4 * 20e-12 * 3, 25);
    expect(drain.czsw).toBeCloseTo(8e-10 * 18e-6 * 3, 25);
    expect(source.cz).toBeCloseTo(4e-4 * 10e-12 * 3, 25);
    expect(source.czsw).toBeCloseTo(8e-10 * 9e-6 * 3, 25);
    mosJunctionCharge(drain, 0, out);
    expect(out.q).toBe(0);
    expect(out.c).toBeCloseTo(drain.cz + drain.czsw, 25);
    mosJunctionCharge(drain, -2, out);
    const a = 1 + 2 / 0.75;
    expect(out.c / (drain.cz * a ** -0.4 + drain.czsw * a ** -0.3)).toBeCloseTo(1, 12);
  });
});

describe("Meyer gate capacitances (DEVqmeyer halves)", () => {
  const cox = 1e-14;
  const phi = 0.7;
  const h = new Float64Array(3);
  const at = (vgs: number, vds: number, von = 0.8): number[] => {
    const vdsat = Math.max(vgs - von, 0);
    meyerHalfCaps(vgs, vgs - vds, von, vdsat, phi, cox, h);
    return [...h];
  };

  it("closed-form values: accumulation Cgb = cox, saturation Cgs = 2/3 cox, linear at vds = 0 Cgs = Cgd = cox/2 (twice the halves)", () => {
    expect(at(-2, 1).map((c) => 2 * c)).toEqual([0, 0, cox]);
    const sat = at(2, 3).map((c) => 2 * c);
    expect(sat[0]).toBeCloseTo((2 * cox) / 3, 28);
    expect(sat[1]).toBe(0);
    expect(sat[2]).toBe(0);
    const lin = at(3, 0).map((c) => 2 * c);
    expect(lin[0]).toBeCloseTo(cox / 2, 28);
    expect(lin[1]).toBeCloseTo(cox / 2, 28);
    // depletion: Cgb = -vgst cox / phi
    const dep = at(0.8 - 0.6, 1).map((c) => 2 * c);
    expect(dep[2]).toBeCloseTo((0.6 * cox) / phi, 28);
    expect(dep[0]).toBe(0);
  });

  it("continuous across every region boundary: vgst = -phi, -phi/2, 0, vds = vdsat, vdsat = 0.025 (MAGIC_VDS), vds = 0 (the mode swap)", () => {
    const von = 0.8;
    const e = 1e-9;
    const jump = (a: number[], b: number[]) => Math.max(...a.map((x, k) => Math.abs(x - b[k])));
    // gate sweeps at fixed vds, across vgst = -phi, -phi/2, 0, 0.025
    for (const vds of [0, 0.01, 0.5, 3]) {
      for (const vgst of [-phi, -phi / 2, 0, 0.025]) {
        const vgs = von + vgst;
        expect(jump(at(vgs - e, vds), at(vgs + e, vds)), `vgst=${vgst} vds=${vds}`).toBeLessThan(1e-7 * cox);
      }
    }
    // drain sweeps across vds = vdsat (saturation edge), in strong inversion and near threshold
    for (const vgst of [1.5, 0.3, 0.01]) {
      const vdsatM = Math.max(vgst, 0.025);
      expect(jump(at(von + vgst, vdsatM - e), at(von + vgst, vdsatM + e)), `vgst=${vgst}`).toBeLessThan(1e-7 * cox);
    }
    // through the whole device: Cgs and Cgd swap roles when vds changes sign; at vds = 0 they agree
    const p: MosModelParams = { ...mosDefaults(1, 27), vto: 0.7, kp: 1e-4, gamma: 0.4, phi: 0.65, tox: 20e-9 };
    const inst = mosInstanceAt(deriveMosModel(p), { ...MOS_GEOMETRY_DEFAULTS, l: 1e-6, w: 2e-6 }, 27);
    const c = inst.charges!;
    const halves = (vgs: number, vds: number): number[] => {
      const mode = vds >= 0 ? 1 : -1;
      const vbs = 0;
      const sarg = Math.sqrt(inst.phi - (mode === 1 ? vbs : vbs - vds));
      const vonX = inst.vbi + inst.gamma * sarg;
      const vg = mode === 1 ? vgs : vgs - vds;
      const out = new Float64Array(3);
      if (mode === 1) meyerHalfCaps(vgs, vgs - vds, vonX, Math.max(vg - vonX, 0), inst.phi, c.cox, out);
      else {
        meyerHalfCaps(vgs - vds, vgs, vonX, Math.max(vg - vonX, 0), inst.phi, c.cox, out);
        [out[0], out[1]] = [out[1], out[0]];
      }
      return [...out];
    };
    expect(jump(halves(2, -e), halves(2, e))).toBeLessThan(1e-7 * c.cox);
  });
});

describe("transistors whose capacitances are zero", () => {
  const text = (caps: string) =>
    [
      "zero caps",
      "VDD vdd 0 3.3",
      "VIN in 0 PULSE(0 3.3 1n 1n 1n 5n 12n)",
      "MN out in 0 0 nch L=1u W=2u AD=4p AS=4p PD=6u PS=6u",
      "R1 vdd out 20k",
      "CL out 0 20f",
      `.model nch nmos (level=1 vto=0.7 kp=110u gamma=0.4 lambda=0.04 ${caps})`,
      ".tran 0.05n 20n",
      ".end",
    ].join("\n");

  it("explicit zero TOX, CGSO/CGDO/CGBO, CBD/CBS, CJ/CJSW: no charges, odex still applies, the same waveform bit for bit as a model without them", () => {
    const plain = loadCircuitFromText(text(""));
    const zero = loadCircuitFromText(text("tox=0 cgso=0 cgdo=0 cgbo=0 cbd=0 cbs=0 cj=0 cjsw=0"));
    const m = zero.devices.find((d) => d instanceof Mosfet) as Mosfet;
    expect(m.p.charges).toBeNull();
    expect(m.chargeNodes()).toEqual([]);
    expect(explicitApplies(new Engine(zero), analyzeCapacitance(zero, zero.options.cnode))).toBe(true);
    for (const integrator of ["trap", "odex"] as const) {
      const a = transient(plain, { integrator, tmax: 0.05e-9 });
      const b = transient(zero, { integrator, tmax: 0.05e-9 });
      expect(Array.from(b.nodes.out)).toEqual(Array.from(a.nodes.out));
      expect(Math.min(...a.nodes.out)).toBeLessThan(0.5);
    }
  });

  it("a transistor with capacitances keeps the circuit away from odex (its C matrix would miss them) and marks its nodes dynamic", () => {
    const c = loadCircuitFromText(text("tox=20n cj=3e-4"));
    const cap = analyzeCapacitance(c, c.options.cnode);
    expect(cap.chargeDevices.length).toBe(1);
    expect(explicitApplies(new Engine(c), cap)).toBe(false);
    expect(() => transient(c, { integrator: "odex" })).toThrow(/odex/);
  });
});

// ---------------------------------------------------------------------------
// ngspice goldens


interface Run {
  eq: { time: Float64Array; nodes: Record<string, Float64Array> };
  ng: NgspiceTranResult;
}

function run(file: string, tmax: number, nodes: string[]): Run {
  const c = loadCircuit(fixture(file));
  const t = c.tran!;
  const ng = runNgspiceTran(fixture(file), { tstep: t.tstep, tstop: t.tstop, tmax, nodes });
  const eq = transient(c, { integrator: "trap", tmax });
  return { eq, ng };
}

/** max |dV| over eqspice's output times up to tEnd, every node given. */
function worst(r: Run, nodes: string[], tEnd = Infinity): { dv: number; node: string; t: number } {
  let w = { dv: 0, node: "", t: 0 };
  for (const n of nodes) {
    const ys = r.eq.nodes[n];
    for (let k = 0; k < r.eq.time.length; k++) {
      const t = r.eq.time[k];
      if (t > tEnd) break;
      const dv = Math.abs(ys[k] - ngAt(r.ng.time, r.ng.nodes[n], t));
      if (!(dv <= w.dv)) w = { dv: Number.isNaN(dv) ? Infinity : dv, node: n, t };
    }
  }
  return w;
}

/** Times of the rising crossings of level by (time, ys), linearly interpolated, after t0. */
function risingCrossings(time: Float64Array, ys: Float64Array, level: number, t0: number): number[] {
  const out: number[] = [];
  for (let k = 1; k < time.length; k++) {
    if (time[k] <= t0) continue;
    if (ys[k - 1] < level && ys[k] >= level) out.push(time[k - 1] + ((level - ys[k - 1]) / (ys[k] - ys[k - 1])) * (time[k] - time[k - 1]));
  }
  return out;
}

const measured = new Map<string, string>();

describeNgspice("MOSFET transients with capacitances against ngspice .tran (same explicit TMAX)", () => {
  itNgspice("CMOS inverter, Meyer gate capacitances from TOX and overlaps CGSO/CGDO/CGBO, PULSE input: 1e-3 V at TMAX 10 ps and 5 ps", () => {
    for (const tmax of [10e-12, 5e-12]) {
      const r = run("inverter.cir", tmax, ["out"]);
      const w = worst(r, ["out"]);
      measured.set(`inverter tmax ${tmax}`, `${w.dv.toExponential(2)} V (${w.node} at ${w.t.toExponential(3)} s)`);
      expect(w.dv, `tmax ${tmax}: ${w.node} at ${w.t}`).toBeLessThanOrEqual(1e-3);
      // it switches, and the gate capacitances show: the output overshoots VDD through Cgd when the input falls
      const o = r.eq.nodes.out;
      expect(Math.min(...o)).toBeLessThan(0.05);
      expect(Math.max(...o)).toBeGreaterThan(3.3);
    }
  }, 60_000);

  itNgspice("5-stage ring oscillator (gate and AD/AS/PD/PS junction capacitances, NMOS and PMOS): same period to 1e-3, waveform over the first periods to 1e-3 V at TMAX 1 ps", () => {
    const nodes = ["n1", "n3"];
    const r = run("ring5.cir", 1e-12, nodes);
    const eqX = risingCrossings(r.eq.time, r.eq.nodes.n1, 1.65, 1e-9);
    const ngX = risingCrossings(r.ng.time, r.ng.nodes.n1, 1.65, 1e-9);
    expect(eqX.length).toBeGreaterThanOrEqual(3);
    expect(ngX.length).toBe(eqX.length);
    const period = (x: number[]) => (x[x.length - 1] - x[0]) / (x.length - 1);
    const pe = period(eqX);
    const pn = period(ngX);
    measured.set("ring period", `eqspice ${pe.toExponential(6)} s, ngspice ${pn.toExponential(6)} s, rel ${(Math.abs(pe - pn) / pn).toExponential(2)}`);
    expect(Math.abs(pe - pn) / pn).toBeLessThan(1e-3);
    // the waveform over the first two periods after the kick
    const w = worst(r, nodes, eqX[0] + 2 * pn);
    measured.set("ring waveform", `${w.dv.toExponential(2)} V (${w.node} at ${w.t.toExponential(3)} s)`);
    expect(w.dv, `${w.node} at ${w.t}`).toBeLessThanOrEqual(1e-3);
  }, 60_000);

  itNgspice("NMOS with junction capacitances from AD/AS/PD/PS discharging its drain through the channel and recharged through a resistor; bulk pulsed into forward bias past FC*PB", () => {
    const r = run("junction.cir", 5e-12, ["d"]);
    const w = worst(r, ["d"]);
    measured.set("junction", `${w.dv.toExponential(2)} V (${w.node} at ${w.t.toExponential(3)} s)`);
    expect(w.dv, `${w.node} at ${w.t}`).toBeLessThanOrEqual(1e-3);
    const d = r.eq.nodes.d;
    expect(Math.min(...d)).toBeLessThan(0.1);
    expect(d[d.length - 1]).toBeGreaterThan(1);
  }, 60_000);

  itNgspice("NMOS source follower (body effect, gate, overlap and CBD/CBS capacitances) driving a capacitor", () => {
    const r = run("follower.cir", 5e-12, ["s"]);
    const w = worst(r, ["s"]);
    measured.set("follower", `${w.dv.toExponential(2)} V (${w.node} at ${w.t.toExponential(3)} s)`);
    expect(w.dv, `${w.node} at ${w.t}`).toBeLessThanOrEqual(1e-3);
    expect(Math.max(...r.eq.nodes.s) - Math.min(...r.eq.nodes.s)).toBeGreaterThan(1.5);
  }, 60_000);

  it("measurements", () => {
    for (const [k, v] of measured) console.log(`mosfet-tran ${k}: ${v}`);
  });
});
