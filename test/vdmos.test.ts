/**
 * ngspice 39's VDMOS power MOSFET: the DC stamp against central finite
 * differences of an independent transcription of vdmosload.c's currents
 * (channel in linear, saturation and weak inversion, normal and reversed;
 * body diode forward, reverse and in breakdown; RD, RG, RS, RB, RDS;
 * n- and p-channel) where ngspice's Jacobian is exact, and where it is not
 * (reverse mode with LAMBDA, quasi-saturation) the companion model still
 * reproduces the currents; with self-heating (`thermal`: the temperature
 * node's row and column, where eqspice's Jacobian is the exact one and
 * vdmosload.c's is not) against an independent transcription of the heated
 * instance and its power; I-V sweeps and small circuits (a source
 * follower, a complementary push-pull stage, LTspice-style cards) against
 * a live ngspice to 1e-9; transients with the gate and body-diode charges
 * (1e-4 V, 1e-3 V with a strongly nonlinear Cgd) and AC (1e-6) against
 * ngspice; bad cards and lines, each a NetlistError at its place.
 */
import path from "node:path";
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { acSweep, dcSweep, loadCircuit, loadCircuitFromText, opFromFile, transient } from "../src/api.js";
import { Vdmos } from "../src/devices/vdmos/vdmos.js";
import { vdmosDefaults, vdmosDiode, vdmosDiodeCharge, vdmosHalfCgd, vdmosInstanceAt, type VdmosInstance, type VdmosModelParams } from "../src/devices/vdmos/vdmos-model.js";
import { ngAt, ngspiceDecks, TIGHT } from "./helpers/ngspice-compare.js";
import { describeNgspice, itNgspice, runNgspiceAc, runNgspiceDc, runNgspiceOp, runNgspiceTran } from "./helpers/ngspice.js";
import { GMIN, checkStamp, harness } from "./helpers/stamp-check.js";
import { ignoredParamCheck, netlistErrorCheck } from "./helpers/netlist-errors.js";

const KOQ = 1.38064852e-23 / 1.6021766208e-19;

function model(over: Partial<VdmosModelParams> = {}): VdmosModelParams {
  return { ...vdmosDefaults(27), vto: 3, kp: 2.5, lambda: 0.02, theta: 0.05, is: 1e-12, n: 1.3, ...over };
}

/**
 * vdmosload.c's drain current, transcribed on its own (normalized vgs, vds):
 * the reverse mode evaluated with its own expressions (vgd in vgs's place,
 * LAMBDA and THETA on the signed vds, vgs).
 */
function ngIds(p: VdmosInstance, vgs: number, vds: number): number {
  const m = p.model;
  const rev = vds < 0;
  const vgx = rev ? vgs - vds : vgs;
  const over = vgx - p.vth * p.type;
  const ov = p.ksub * Math.log(1 + Math.exp((over - m.subshift) / p.ksub));
  const vdss = Math.abs(vds) * m.mtriode;
  const betap = (p.beta * (1 + m.lambda * vds)) / (1 + m.theta * vgs);
  const cd = ov <= vdss ? (betap * ov * ov) / 2 : betap * vdss * (ov - vdss / 2);
  return rev ? -cd : cd;
}

/** The body diode's current at normalized vd (GMIN included), vdmosload.c. */
function ngDiode(p: VdmosInstance, vd: number): number {
  const vte = p.model.n * KOQ * p.temp;
  let i: number;
  if (vd >= -3 * vte) i = p.isat * (Math.exp(vd / vte) - 1);
  else if (!p.model.bvGiven || vd >= -p.bvEff) i = -p.isat * (1 + Math.pow((3 * vte) / (vd * Math.E), 3));
  else i = -p.isat * Math.exp(-(p.bvEff + vd) / (p.model.nbv * KOQ * p.temp));
  return i + GMIN * vd;
}

/** Nodes 1 d, 2 g, 3 s, 4 d', 5 g', 6 s', 7 r (the body diode's anode). */
function currents(p: VdmosInstance, v: number[]): number[] {
  const t = p.type;
  const out = new Array(8).fill(0);
  const [, d, g, s, di, gi, si, bi] = v;
  const ids = t * ngIds(p, t * (gi - si), t * (di - si));
  out[4] += ids;
  out[6] -= ids;
  const m = p.model;
  let gdr = p.rd0 > 0 ? 1 / p.rd0 : 0;
  if (m.qsGiven && t * (di - si) >= 0) {
    const vdsn = t * (d - s);
    gdr = 1 / (p.rd0 + p.rd1 * (vdsn / (vdsn + Math.abs(m.vq)))) + GMIN;
  }
  const add = (a: number, b: number, i: number) => {
    out[a] += i;
    out[b] -= i;
  };
  add(1, 4, gdr * (d - di));
  add(2, 5, p.gg * (g - gi));
  add(3, 6, p.gs * (s - si));
  add(1, 3, p.gds * (d - s));
  add(7, 1, t * ngDiode(p, t * (bi - d)));
  add(3, 7, p.gb * (s - bi));
  return out;
}

/** A device on nodes 1..7 (every resistance present), its limiter memory at the point (so the load linearizes there). */
function deviceAt(p: VdmosInstance, v: number[]): Vdmos {
  const dev = new Vdmos("m1", 1, 2, 3, 4, 5, 6, 7, p);
  const t = p.type;
  dev.vgs0 = t * (v[5] - v[6]);
  dev.vds0 = t * (v[4] - v[6]);
  dev.vd0 = t * (v[7] - v[1]);
  dev.von0 = t * p.vth;
  return dev;
}

const RES = { rd: 0.05, rs: 0.02, rg: 3, rb: 0.01, rds: 1e6 };

describe("VDMOS stamp against finite differences of vdmosload.c's currents", () => {
  const cases: Array<[string, Partial<VdmosModelParams>, number[]]> = [
    // [label, card, node voltages d g s d' g' s' r] (normalized by type below)
    ["saturation", {}, [0, 10, 5, 0, 9.9, 5, 0.01, 0.005]],
    ["linear", {}, [0, 1.2, 8, 0, 1.1, 8, 0.03, 0.01]],
    ["weak inversion", { ksubthres: 0.15, subshift: 0.1 }, [0, 6, 2.7, 0, 5.9, 2.7, 0.001, 0.0005]],
    ["cut off, body diode reverse", {}, [0, 20, 1, 0, 19.99, 1, 0.001, 0.0002]],
    ["triode with MTRIODE = 2", { mtriode: 2, theta: 0 }, [0, 0.8, 6, 0, 0.79, 6, 0.01, 0.002]],
    ["reversed (drain below source), body diode forward", { lambda: 0, theta: 0 }, [0, -0.7, 5, 0, -0.65, 5, 0.02, 0.01]],
    ["breakdown (BV = 30)", { bv: 30, ibv: 1e-6, nbv: 1.5 }, [0, 31, 0.5, 0, 30.9, 0.5, 0.001, 0.0001]],
  ];
  for (const type of [1, -1] as const) {
    for (const [label, over, volts] of cases) {
      it(`${type === 1 ? "n" : "p"}-channel, ${label}`, () => {
        const m = model({ ...RES, ...over, type, vto: 3 * type, bvGiven: over.bv !== undefined, rdsGiven: true });
        const p = vdmosInstanceAt(m, 1.5, 27);
        const v = volts.map((x) => type * x);
        checkStamp(deviceAt(p, v), 7, v, (x) => currents(p, x));
      });
    }
  }

  it("at 80 C with TCVTH, MU, TEXP0, TKSUBTHRES1 and TRB1 (the temperature update of vdmostemp.c)", () => {
    const m = model({ ...RES, rdsGiven: true, tcvth: 4e-3, mu: -1.2, texp0: 1.8, texp0Given: true, tksubthres1: 2e-3, trb1: 3e-3 });
    const p = vdmosInstanceAt(m, 1, 80);
    expect(p.vth).toBeCloseTo(3 - 4e-3 * 53, 12);
    expect(p.beta).toBeCloseTo(2.5 * Math.pow(353.15 / 300.15, -1.2), 12);
    expect(p.rd0).toBeCloseTo(0.05 * Math.pow(353.15 / 300.15, 1.8), 14);
    const v = [0, 9, 4.5, 0, 8.9, 4.5, 0.01, 0.004];
    checkStamp(deviceAt(p, v), 7, v, (x) => currents(p, x));
  });

  it("reverse mode with LAMBDA, THETA and quasi-saturation (RQ, VQ): ngspice's Jacobian is not the exact one there, but the companion model reproduces the currents at the point", () => {
    for (const [over, volts] of [
      [{ lambda: 0.05, theta: 0.1 }, [0, -1, 6, 0, -0.95, 6, 0.02, 0.01]],
      [{ rq: 0.5, vq: 2 }, [0, 2, 8, 0, 1.8, 8, 0.01, 0.002]],
    ] as Array<[Partial<VdmosModelParams>, number[]]>) {
      const m = model({ ...RES, rdsGiven: true, ...over, qsGiven: over.rq !== undefined });
      const p = vdmosInstanceAt(m, 1, 27);
      const dev = deviceAt(p, volts);
      const hn = harness(7);
      dev.setup(hn.setup);
      const st = hn.loadAt(dev, volts);
      const I = currents(p, volts);
      for (let r = 1; r <= 7; r++) {
        let lin = -st.rhs(r);
        for (let c = 1; c <= 7; c++) lin += st.J(r, c) * volts[c];
        expect(Math.abs(lin - I[r])).toBeLessThanOrEqual(1e-9 * Math.max(...I.map(Math.abs)) + 1e-15);
      }
    }
  });

  it("without RD, RG, RS, RB the internal nodes are the terminals, and RDS's default 1e-15 S joins drain and source", () => {
    const p = vdmosInstanceAt(model(), 1, 27);
    expect(p.gds).toBe(1e-15);
    const dev = new Vdmos("m1", 1, 2, 3, 1, 2, 3, 3, p);
    expect(dev.nodes).toEqual([1, 2, 3]);
    const v = [0, 10, 5, 0];
    const c3 = (x: number[]) => {
      const full = currents(p, [0, x[1], x[2], x[3], x[1], x[2], x[3], x[3]]);
      return [0, full[1] + full[4], full[2] + full[5], full[3] + full[6] + full[7]];
    };
    dev.vgs0 = 5;
    dev.vds0 = 10;
    dev.vd0 = -10;
    dev.von0 = 3;
    checkStamp(dev, 3, v, c3);
  });
});

/**
 * Self-heating (`thermal`, RTHJC): the instance at the junction temperature
 * T = T0 + V(tj) (vdmostemp.c's update at T, then vdmosload.c's KP (T/T0)^MU,
 * RD (T/T0)^TEXP0, RQ (T/T0)^TEXP1), transcribed on its own; nodes 1..7 as
 * `currents`, 8 tj, 9 tc. The current leaving tj is minus the dissipated
 * power P = |ids vds| + ids^2 / gdrain + vd id + gb Vrs^2 (RD's power through
 * KCL at d', gdrain Vrd = ids at a DC solution; see Vdmos.stampHeatedChannel) plus the network
 * (ngspice's entries, see VdmosThermal): (V(tj) - V(tc)) / RTHJC - T_amb / RTHCA
 * at tj, (V(tc) - V(tj)) / RTHJC + V(tc) / RTHCA at tc.
 */
function heatedCurrents(m: VdmosModelParams, mult: number, tempC: number, tambC: number, v: number[]): number[] {
  const T0 = tempC + 273.15;
  const T = T0 + v[8];
  const pT = vdmosInstanceAt(m, mult, T - 273.15);
  const r = T / T0;
  const p: VdmosInstance = { ...pT, beta: pT.beta * Math.pow(r, m.mu), rd0: pT.rd0 * Math.pow(r, m.texp0), rd1: m.qsGiven ? pT.rd1 * Math.pow(r, m.texp1) : 0 };
  const out = [...currents(p, v.slice(0, 8)), 0, 0];
  const t = p.type;
  const [, d, , s, di, gi, si, bi] = v;
  const gdr = p.rd0 > 0 ? 1 / p.rd0 : 0;
  const ids = ngIds(p, t * (gi - si), t * (di - si));
  const power = Math.abs(ids * (di - si)) + (gdr > 0 ? (ids * ids) / gdr : 0) + t * (bi - d) * ngDiode(p, t * (bi - d)) + p.gb * (s - bi) ** 2;
  out[8] = -power + (v[8] - v[9]) / m.rthjc - tambC / m.rthca;
  out[9] = (v[9] - v[8]) / m.rthjc + v[9] / m.rthca;
  return out;
}

describe("VDMOS self-heating stamp against finite differences (the temperature node tj included)", () => {
  const cases: Array<[string, Partial<VdmosModelParams>, number[]]> = [
    // [label, card, node voltages d g s d' g' s' r tj tc] (d..r normalized by type below)
    ["saturation, 100W.sp's IRFP240-like card", { tcvth: 0.0065, mu: -1.27, texp0: 1.5, texp0Given: true, ksubthres: 0.27 }, [0, 10, 5, 0, 9.9, 5, 0.01, 0.005, 3.2, 2.5]],
    ["linear, TKSUBTHRES1/2, TRD1 (TEXP0 not given), TRB1/2, TRG1, TRS1", { tcvth: 4e-3, mu: -1.5, tksubthres1: 2e-3, tksubthres2: 1e-5, trd1: 3e-3, trd2: 1e-5, trb1: 3e-3, trb2: 2e-5, trg1: 1e-3, trs1: 2e-3 }, [0, 1.2, 8, 0, 1.1, 8, 0.03, 0.01, 12, 4]],
    ["reversed, body diode forward", { lambda: 0, theta: 0, tcvth: 5e-3 }, [0, -0.7, 5, 0, -0.65, 5, 0.02, 0.01, 7, 1]],
  ];
  for (const type of [1, -1] as const) {
    for (const [label, over, volts] of cases) {
      it(`${type === 1 ? "n" : "p"}-channel, ${label}`, () => {
        const m = model({ ...RES, ...over, type, vto: 3 * type, rdsGiven: true, rthjc: 0.4, rthca: 2, rthjcGiven: true });
        const mult = 1.5;
        const tambC = 25;
        const p = vdmosInstanceAt(m, mult, 27);
        const v = volts.map((x, i) => (i >= 1 && i <= 7 ? type * x : x));
        const th = { tj: 8, tc: 9, rthjc: m.rthjc, rthca: m.rthca, tambC, at: (T: number) => vdmosInstanceAt(m, mult, T - 273.15) };
        const dev = new Vdmos("m1", 1, 2, 3, 4, 5, 6, 7, p, th);
        dev.vgs0 = type * (v[5] - v[6]);
        dev.vds0 = type * (v[4] - v[6]);
        dev.vd0 = type * (v[7] - v[1]);
        dev.von0 = type * vdmosInstanceAt(m, mult, 27 + v[8]).vth;
        dev.dT0 = v[8];
        checkStamp(dev, 9, v, (x) => heatedCurrents(m, mult, 27, tambC, x));
      });
    }
  }
});

describe("VDMOS charges", () => {
  it("the body diode's capacitance is dQ/dV of its charge (depletion below and above FC VJ, TT diffusion), at 27 C and 100 C", () => {
    for (const tempC of [27, 100]) {
      const p = vdmosInstanceAt(model({ cjo: 1.5e-9, vj: 0.7, mj: 0.45, fc: 0.5, tt: 80e-9 }), 2, tempC);
      const jn = { i: 0, g: 0, ib: 0, gb: 0 };
      const q = (v: number) => {
        vdmosDiode(p, v, GMIN, jn);
        const o = { q: 0, c: 0 };
        vdmosDiodeCharge(p, v, jn.ib, jn.gb, o);
        return o;
      };
      for (const v of [-40, -5, -0.3, 0, 0.2, p.depCap - 0.01, p.depCap + 0.01, 0.6]) {
        const h = 1e-6;
        const fdC = (q(v + h).q - q(v - h).q) / (2 * h);
        expect(Math.abs(q(v).c - fdC), `v = ${v} at ${tempC} C`).toBeLessThanOrEqual(1e-6 * Math.abs(fdC) + 1e-18);
      }
      // continuous at FC VJ
      expect(Math.abs(q(p.depCap - 1e-12).q - q(p.depCap + 1e-12).q)).toBeLessThan(1e-20);
    }
  });

  it("Cgd runs from CGDMIN (large negative vgd) through CGDMAX - s at vgd = 0 towards CGDMAX (DevCapVDMOS), continuous at 0", () => {
    const m = model({ cgdmin: 50e-12, cgdmax: 1.25e-9, a: 0.23 });
    const s = (m.cgdmax - m.cgdmin) / (1 + Math.PI / 2);
    expect(2 * vdmosHalfCgd(m, 0)).toBeCloseTo(m.cgdmax - s, 20);
    expect(2 * vdmosHalfCgd(m, 1e-9)).toBeCloseTo(2 * vdmosHalfCgd(m, -1e-9), 18);
    expect(2 * vdmosHalfCgd(m, -1e9)).toBeCloseTo(m.cgdmin, 16);
    expect(2 * vdmosHalfCgd(m, 1e3)).toBeCloseTo(m.cgdmax, 18);
  });
});

const { dir, worst, compare } = ngspiceDecks("vdmos");
const NCARD = ".model mn vdmos (vto=3.2 kp=4 lambda=0.01 theta=0.04 rd=0.04 rs=0.015 rg=2 rb=0.02 is=2e-12 n=1.25 bv=60 ibv=1e-5 nbv=2 ksubthres=0.12 rds=5meg)";
const PCARD = ".model mp vdmos (pchan vto=-3.4 kp=3 lambda=0.015 theta=0.03 rd=0.06 rs=0.02 rg=3 rb=0.03 is=5e-12 n=1.3 ksubthres=0.1 mtriode=1.5)";

describeNgspice("VDMOS against ngspice (1e-9)", () => {
  const compareDc = (name: string, lines: string[], args: string) => {
    const f = path.join(dir, `${name}.cir`);
    writeFileSync(f, [...lines, TIGHT, `.dc ${args}`, ".end", ""].join("\n"));
    const ng = runNgspiceDc(f, args);
    const eq = dcSweep(f);
    expect(eq.stats.points).toBe(ng.sweep.length);
    let w = 0;
    // a current through RS = 15 mOhm is set by the internal nodes only to vntol / RS (TIGHT: 1e-12 V / 0.015 Ohm):
    // 1e-12 A absolute (ngspice's default ABSTOL) besides 1e-9 relative
    for (const k of Object.keys(ng.branches)) {
      if (!(k in eq.branches)) continue;
      for (let i = 0; i < ng.sweep.length; i++) {
        const d = Math.abs(eq.branches[k][i] - ng.branches[k][i]);
        expect(d, `${name}: i(${k}) at point ${i}: eqspice ${eq.branches[k][i]} ngspice ${ng.branches[k][i]}`).toBeLessThanOrEqual(1e-9 * Math.abs(ng.branches[k][i]) + 1e-12);
      }
    }
    for (const k of Object.keys(eq.nodes)) {
      for (let i = 0; i < ng.sweep.length; i++) {
        const d = Math.abs(eq.nodes[k][i] - ng.nodes[k][i]);
        w = Math.max(w, d);
        expect(d, `${name}: v(${k}) at point ${i}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(ng.nodes[k][i])));
      }
    }
    worst.set(name, w);
  };

  itNgspice("n-channel output and transfer characteristics: drain current through RD, RS, RG and the body diode from reverse conduction (drain below the source) through linear, saturation and breakdown, gate from weak inversion up", () => {
    compareDc("n-out", ["n out", "VD d 0 0", "VG g 0 0", "M1 d g 0 mn", NCARD], "VD -1.5 62 0.5 VG 2 10 2");
    compareDc("n-transfer", ["n transfer", "VD d 0 5", "VG g 0 0", "M1 d g 0 mn", NCARD], "VG 0 8 0.05");
  });

  itNgspice("p-channel output and transfer characteristics (pchan, MTRIODE), body diode forward with the drain above the source", () => {
    compareDc("p-out", ["p out", "VD d 0 0", "VG g 0 0", "M1 d g 0 mp", PCARD], "VD -20 1.5 0.25 VG -10 -3 1");
    compareDc("p-transfer", ["p transfer", "VD d 0 -5", "VG g 0 0", "M1 d g 0 mp", PCARD], "VG -8 0 0.05");
  });

  itNgspice("quasi-saturation (RQ, VQ), SUBSHIFT, m=3 and a temperature sweep with TCVTH, MU, TEXP0, TEXP1, TKSUBTHRES1; TRS1, TRD1 and TRB1 at one instance temperature", () => {
    const q = ".model mq vdmos (vto=2.5 kp=6 lambda=0.005 rd=0.08 rq=0.3 vq=4 rs=0.01 rg=1 subshift=0.05 is=1e-12 tcvth=3m mu=-1.3 texp0=1.6 texp1=0.4 tksubthres1=1m)";
    compareDc("quasi-sat", ["qs", "VD d 0 0", "VG g 0 0", "M1 d g 0 mq m=3", q], "VD 0 15 0.25 VG 3 9 2");
    compareDc("temp-sweep", ["temp", "VDD vdd 0 12", "RL vdd d 3", "VG g 0 4", "M1 d g 0 mq", q], "TEMP -40 140 10");
    // ngspice divides the source and gate conductances by the TRS / TRG factor at every temperature update
    // (vdmostemp.c), so a TEMP sweep compounds them: these are checked at one temperature only
    const r = ".model mr vdmos (vto=2.5 kp=6 rd=0.08 rs=0.05 rb=0.2 trd1=4m trd2=1e-5 trs1=3m trs2=2e-5 trb1=5m trb2=1e-5 is=1e-10 n=1.1)";
    compare("tr-coefficients", ["trs", "VDD vdd 0 12", "RL vdd d 2", "VG g 0 4.5", "M1 d g 0 mr dtemp=45", "VR r 0 -2", "RR r d2 0.5", "M2 d2 0 0 mr temp=90", r, TIGHT, ".op"]);
  });

  itNgspice("a source follower (RG, RB, instance temp=) and a complementary push-pull output stage over its input range", () => {
    compare("follower", ["follower", "VDD vdd 0 24", "VIN in 0 9", "RIN in g 100", "M1 vdd g out mn temp=60", "RL out 0 8", NCARD, TIGHT, ".op"]);
    const pp = ["push-pull", "VP vp 0 15", "VN vn 0 -15", "VIN in 0 0", "VB1 in gn 3.4", "VB2 gp in 3.6", "MN vp gn out mn", "MP vn gp out mp", "RL out 0 8", NCARD, PCARD];
    compare("push-pull", [...pp, TIGHT, ".op"]);
    compareDc("push-pull-sweep", pp, "VIN -10 10 0.25");
  });

  itNgspice("`off`, `icvgs=`/`icvds=` and `ic=` (the INITJCT start) on a latch of two transistors, each landing where ngspice's lands", () => {
    const latch = (m1: string, m2: string) => ["latch", "VDD vdd 0 12", "R1 vdd a 1k", "R2 vdd b 1k", `M1 a b 0 mn ${m1}`, `M2 b a 0 mn ${m2}`, NCARD, TIGHT, ".op"];
    const a = compare("latch-off1", latch("off", ""));
    expect(a.a).toBeGreaterThan(10); // M1 held off: a high
    const b = compare("latch-off2", latch("", "off"));
    expect(b.b).toBeGreaterThan(10);
    // the INITJCT start from the instances' initial conditions (here both land on the symmetric point, as ngspice's)
    compare("latch-ic", latch("icvds=0.1 icvgs=12", "ic=12,0.1"));
    compare("latch-ic2", latch("ic=12,0.1 m=2", "icvds=0.1 icvgs=12"));
  });

  itNgspice("self-heating (`thermal`, RTHJC, RTHCA: the junction temperature node): ngspice's own example's output characteristics, and a p-channel transistor with quasi-saturation and RB in the same network", () => {
    const irfp240 = [".model IRFP240 VDMOS nchan", "+ Vto=4 Kp=5.9 Lambda=.001 Theta=0.015 ksubthres=.27", "+ Rd=61m Rs=18m Rg=3 Rds=1e7", "+ Is=60p N=1.1 Rb=14m XTI=3", "+ tcvth=0.0065 MU=-1.27 texp0=1.5", "+ Rthjc=0.02 Cthj=1e-3 Rthca=1000", "+ mtriode=0.8"];
    compareDc("self-heating", ["self heating", "M1 D G 0 tj tc IRFP240 thermal", "rthk tc 0 0.05", "VG G 0 5", "VD D 0 2", ...irfp240], "VD 0.1 50 1 VG 5 13 2");
    const hp = ".model hp vdmos (pchan vto=-3 kp=4 rd=0.1 rq=0.2 vq=3 rs=0.02 rb=0.05 is=1e-10 n=1.2 tcvth=-4m mu=-1.5 texp0=1.7 texp1=0.5 trb1=3m rthjc=0.5 rthca=20)";
    compareDc("self-heating-p", ["p hot", "VS s 0 20", "VG g 0 12", "RL d 0 2", "M1 d g s tj tc hp thermal", "RTH tc 0 2", hp], "VG 16 10 -0.25");
  });

  itNgspice("at ngspice's default tolerances (reltol 1e-3) the node voltages still agree to 1e-12: Newton takes ngspice's steps (its Jacobian, limiters, INITJCT start), so it stops on ngspice's iterate", () => {
    const decks: Record<string, string[]> = {
      follower: ["follower", "VDD vdd 0 24", "VIN in 0 9", "RIN in g 100", "M1 vdd g out mn", "RL out 0 8", NCARD],
      pushpull: ["push-pull", "VP vp 0 15", "VN vn 0 -15", "VIN in 0 1.3", "VB1 in gn 3.4", "VB2 gp in 3.6", "MN vp gn out mn", "MP vn gp out mp", "RL out 0 8", NCARD, PCARD],
      quasisat: ["qs", "VDD vdd 0 12", "RL vdd d 1.5", "VG g 0 6", "M1 d g 0 mq m=2", ".model mq vdmos (vto=2.5 kp=6 rd=0.08 rq=0.3 vq=4 rs=0.01 rg=1 is=1e-12)"],
    };
    for (const [name, lines] of Object.entries(decks)) {
      const f = path.join(dir, `default-${name}.cir`);
      writeFileSync(f, [...lines, ".op", ".end", ""].join("\n"));
      const ng = runNgspiceOp(f);
      const eq = opFromFile(f);
      let w = 0;
      for (const n of Object.keys(eq.nodes)) {
        const d = Math.abs(eq.nodes[n] - ng.nodes[n]);
        w = Math.max(w, d);
        expect(d, `${name}: v(${n}) eqspice ${eq.nodes[n]} ngspice ${ng.nodes[n]}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(ng.nodes[n])));
      }
      worst.set(`default-${name}`, w);
    }
  });

  itNgspice("self-heating at default tolerances: the thermal stamps are the exact Jacobian (not vdmosload.c's, which lacks half of dBeta/dT, dVth/dT and half of d(gdrain Vrd^2)/dVrd), so Newton converges quadratically and stops on the converged answer: ngspice's tight one to 1e-9, where ngspice's own default answer is 4e-6 off", () => {
    const lines = ["hot", "M1 D G 0 tj tc mh thermal", "rthk tc 0 0.05", "VG G 0 5", "VD D 0 2", ".model mh vdmos (Vto=4 Kp=5.9 Lambda=.001 Theta=0.015 ksubthres=.27 Rd=61m Rs=18m Rg=3 Is=60p N=1.1 Rb=14m tcvth=0.0065 MU=-1.27 texp0=1.5 Rthjc=0.02 Rthca=1000)"];
    const f = path.join(dir, "default-heating.cir");
    writeFileSync(f, [...lines, ".op", ".end", ""].join("\n"));
    const ft = path.join(dir, "tight-heating.cir");
    writeFileSync(ft, [...lines, TIGHT, ".op", ".end", ""].join("\n"));
    const ngDefault = runNgspiceOp(f);
    const ngTight = runNgspiceOp(ft);
    const eq = opFromFile(f);
    expect(eq.iterations).toBeLessThanOrEqual(6);
    let w = 0;
    for (const n of ["tj", "tc"]) {
      const d = Math.abs(eq.nodes[n] - ngTight.nodes[n]);
      w = Math.max(w, d / Math.abs(ngTight.nodes[n]));
      expect(d, `v(${n}) eqspice ${eq.nodes[n]} ngspice (tight) ${ngTight.nodes[n]}`).toBeLessThanOrEqual(1e-9 * Math.abs(ngTight.nodes[n]));
      // ngspice's default answer stops on a linearly converging iterate (its Jacobian), well within its reltol but far from this
      expect(Math.abs(ngDefault.nodes[n] - ngTight.nodes[n])).toBeGreaterThan(1e-6 * Math.abs(ngTight.nodes[n]));
    }
    worst.set("default-heating (relative to ngspice tight)", w);
  });

  itNgspice("LTspice-style cards: `VDMOS nchan` / `pchan` words, continuation lines, the vds= ron= qg= mfg= annotations, and ngspice's defaults (no RD, RS, RB)", () => {
    const cards = [
      ".model IRFP240 VDMOS nchan",
      "+ Vto=4 Kp=5.9 Lambda=.001 Theta=0.015 ksubthres=.27",
      "+ Rd=61m Rs=18m Rg=3 Rds=1e7",
      "+ Cgdmax=2.45n Cgdmin=10p a=0.3 Cgs=1.2n",
      "+ Is=60p N=1.1 Rb=14m XTI=3",
      "+ Cjo=1.5n Vj=0.8 m=0.5",
      "+ tcvth=0.0065 MU=-1.27 texp0=1.5",
      "+ mfg=International_Rectifier Vds=200 Ron=180m Qg=70n",
      ".model IRF7233 VDMOS(pchan Rg=3 Rd=8m Rs=6m Vto=-1 Kp=70 Cgdmax=2n Cgdmin=.25n Cgs=3.3n Cjo=.98n Is=98p Rb=10m mfg=International_Rectifier Vds=-12 Ron=20m Qg=49n)",
      ".model plain vdmos",
    ];
    compare("ltspice-cards", ["cards", "VDD vdd 0 30", "VG g 0 6", "RL vdd d 4", "M1 d g 0 IRFP240", "VS s 0 -10", "VGP gp 0 -11.5", "RP d2 s 0.5", "M2 d2 gp 0 IRF7233", "VG3 g3 0 1.5", "RL3 vdd d3 1k", "M3 d3 g3 0 plain", ...cards, TIGHT, ".op"]);
  });
});

describe("VDMOS netlist input", () => {
  const file = "vdmos.cir";
  const expectError = netlistErrorCheck(file);
  const expectIgnored = ignoredParamCheck(file);
  const deck = (...lines: string[]) => ["t", "VD d 0 5", "VG g 0 5", ...lines, ".end", ""].join("\n");
  const load = (text: string) => loadCircuitFromText(text, file);

  it("refuses a negative resistance, PHI <= 0 (as ngspice) and a non-positive m, at their place", () => {
    expectError(() => load(deck("M1 d g 0 mn", ".model mn vdmos (vto=3 rd=-1)")), 5, 27, /RD must not be negative/);
    expectError(() => load(deck("M1 d g 0 mn", ".model mn vdmos (phi=0)")), 5, 22, /PHI is not positive/);
    expectError(() => load(deck("M1 d g 0 mn m=0", ".model mn vdmos (vto=3)")), 4, 15, /multiplier m must be positive/);
  });

  it("refuses a wrong node count, `thermal` without its two nodes or without RTHJC, and an AC analysis of a self-heating transistor", () => {
    expectError(() => load(deck("M1 d g 0 0 mn", ".model mn vdmos (vto=3)")), 4, 10, /VDMOS transistor has 3 nodes \(drain gate source\), 5 with 'thermal'.*got 4/);
    expectError(() => load(deck("M1 d g 0 mn thermal", ".model mn vdmos (vto=3 rthjc=1)")), 4, 10, /has 5 nodes with 'thermal' \(drain gate source tj tcase\), got 3/);
    expectError(() => load(deck("M1 d g 0 tj tc mn thermal", "R1 tc 0 1", ".model mn vdmos (vto=3)")), 4, 19, /'thermal' needs RTHJC/);
    expectError(() => load(deck("M1 d g 0 mn w=1u", ".model mn vdmos (vto=3)")), 4, 13, /unknown parameter 'w'/);
    expectError(() => load(deck("M1 d g 0 mn foo", ".model mn vdmos (vto=3)")), 4, 13, /unexpected 'foo'/);
    const hot = path.join(dir, "hot-ac.cir");
    writeFileSync(hot, deck("M1 d g 0 tj tc mn thermal", "R1 tc 0 1", ".model mn vdmos (vto=3 rthjc=1)", ".ac dec 2 1 10"));
    expect(() => acSweep(hot)).toThrow(/self-heating model \(thermal\) has no small-signal model/);
  });

  it("warns about a parameter ngspice 39 does not know on a VDMOS card and ignores it, as ngspice", () => {
    expectIgnored(() => load(deck("M1 d g 0 mn", ".model mn vdmos (vto=3 bogus=1)")), 5, 24, "bogus");
    expectIgnored(() => load(deck("M1 d g 0 mn", ".model mn vdmos (level=1 vto=3)")), 5, 18, "level");
  });

  it("runs a transient of a transistor without charges (its DC law at every step)", () => {
    const without = load(deck("RL d dd 1", "M1 dd g 0 mn", ".model mn vdmos (vto=3)"));
    const r = transient(without, { tstop: 1e-6, tstep: 1e-7 });
    expect(r.time.length).toBeGreaterThan(2);
  });
});

const IRFP240 = [
  ".model IRFP240 VDMOS nchan",
  "+ Vto=4 Kp=5.9 Lambda=.001 Theta=0.015 ksubthres=.27",
  "+ Rd=61m Rs=18m Rg=3 Rds=1e7",
  "+ Cgdmax=2.45n Cgdmin=10p a=0.3 Cgs=1.2n",
  "+ Is=60p N=1.1 Rb=14m XTI=3",
  "+ Cjo=1.5n Vj=0.8 m=0.5",
  "+ tcvth=0.0065 MU=-1.27 texp0=1.5",
];
const IRFP9240 = [
  ".model IRFP9240 VDMOS pchan",
  "+ Vto=-4 Kp=8.8 Lambda=.003 Theta=0.08 ksubthres=.35",
  "+ Rd=180m Rs=50m Rg=3 Rds=1e7",
  "+ Cgdmax=1.25n Cgdmin=50p a=0.23 Cgs=1.15n",
  "+ Is=150p N=1.3 Rb=16m XTI=2",
  "+ Cjo=1.3n Vj=0.8 m=0.5 tt=100n",
];

/** Write deck `name`, run both simulators at TMAX tmax (trapezoidal), and return the worst |dV| over eqspice's times. */
function tranDeck(name: string, lines: string[], tmax: number, nodes: string[]): { dv: number; node: string; t: number; eq: { time: Float64Array; nodes: Record<string, Float64Array> } } {
  const f = path.join(dir, `${name}.cir`);
  writeFileSync(f, [...lines, ".end", ""].join("\n"));
  const c = loadCircuit(f);
  const t = c.tran!;
  const ng = runNgspiceTran(f, { tstep: t.tstep, tstop: t.tstop, tmax, nodes });
  const eq = transient(c, { integrator: "trap", tmax });
  let w = { dv: 0, node: "", t: 0 };
  for (const n of nodes) {
    const ys = eq.nodes[n];
    for (let k = 0; k < eq.time.length; k++) {
      const dv = Math.abs(ys[k] - ngAt(ng.time, ng.nodes[n], eq.time[k]));
      if (!(dv <= w.dv)) w = { dv: Number.isNaN(dv) ? Infinity : dv, node: n, t: eq.time[k] };
    }
  }
  worst.set(name, w.dv);
  return { ...w, eq };
}

const TRAN_OPTS = ".options reltol=1e-7 vntol=1e-12";

describeNgspice("VDMOS transients and AC against ngspice (gate charges CGS, CGDMIN/CGDMAX/A, body diode CJO, TT)", () => {
  itNgspice("an n-channel low-side switch driven through 10 ohm (the Miller plateau), and a p-channel high-side switch (CJO, TT) into an inductive load with a freewheeling diode: 1e-4 V and 1e-3 V", () => {
    // the drain swings 50 V in 20 ns: ngspice's waveform is interpolated at eqspice's times, so TMAX is small (the interpolation's error goes as TMAX^2)
    const n = tranDeck("n-switch", ["n switch", TRAN_OPTS, "VDD vdd 0 50", "VG in 0 PULSE(0 12 20n 10n 10n 100n 200n)", "RG in g 10", "RL vdd d 10", "M1 d g 0 IRFP240", ...IRFP240, ".tran 1n 250n"], 0.02e-9, ["d", "g"]);
    expect(n.dv, `${n.node} at ${n.t}`).toBeLessThanOrEqual(1e-4);
    const d = n.eq.nodes.d;
    expect(Math.min(...d)).toBeLessThan(5); // it switches on
    const p = tranDeck("p-switch", ["p switch", TRAN_OPTS, "VDD vdd 0 30", "VG in 0 PULSE(30 18 20n 10n 10n 100n 200n)", "RG in g 10", "M1 d g vdd IRFP9240", "L1 d x 10u", "RL x 0 5", "DF 0 d dfw", ".model dfw d (is=1e-12 cjo=100p)", ...IRFP9240, ".tran 1n 250n"], 0.02e-9, ["d", "g", "x"]);
    // the nonlinear Cgd's charge is integrated Meyer-style (its increments depend on the steps taken), as the MOSFETs' gate
    // charges are: 1e-3 V as in test/mosfet-tran.test.ts (4e-4 V measured on the 30 V turn-off; 2e-5 V with a constant Cgd)
    expect(p.dv, `${p.node} at ${p.t}`).toBeLessThanOrEqual(1e-3);
  });

  itNgspice("self-heating in a transient: the junction temperature rises through CTHJ (ngspice's 2 CTHJ) while a pulse holds the transistor on, and falls after: 1e-5 K, 1e-3 V", () => {
    const hot = ["hot tran", TRAN_OPTS, "M1 D G 0 tj tc hot thermal", "rthk tc 0 0.05", "VG G 0 PULSE(0 8 10u 10u 10u 100u 300u)", "RL DD D 1", "VD DD 0 12", ...IRFP240, "+ Rthjc=0.02 Cthj=1e-3 Rthca=1000", ".tran 0.5u 200u"].map((l) => l.replace(/IRFP240( VDMOS)/, "hot$1"));
    const r = tranDeck("self-heating-tran", hot, 0.02e-6, ["tj", "d"]);
    const tj = r.eq.nodes.tj;
    expect(Math.max(...tj)).toBeGreaterThan(0.4); // it heats
    expect(r.dv, `${r.node} at ${r.t}`).toBeLessThanOrEqual(1e-3);
    const f = path.join(dir, "self-heating-tran.cir");
    const ng = runNgspiceTran(f, { tstep: 0.5e-6, tstop: 200e-6, tmax: 0.02e-6, nodes: ["tj"] });
    let w = 0;
    for (let k = 0; k < r.eq.time.length; k++) w = Math.max(w, Math.abs(tj[k] - ngAt(ng.time, ng.nodes.tj, r.eq.time[k])));
    worst.set("self-heating-tran tj (K)", w);
    expect(w).toBeLessThanOrEqual(1e-5);
  });

  itNgspice("AC of a common-source stage (n-channel) and of a p-channel source follower: every phasor to 1e-6", () => {
    const compareAc = (name: string, lines: string[], args: string) => {
      const f = path.join(dir, `${name}.cir`);
      writeFileSync(f, [...lines, TIGHT, `.ac ${args}`, ".end", ""].join("\n"));
      const ng = runNgspiceAc(f, args);
      const eq = acSweep(f);
      expect(eq.frequencies.length).toBe(ng.freq.length);
      let w = 0;
      const check = (what: string, a: { re: Float64Array; im: Float64Array } | undefined, b: { re: Float64Array; im: Float64Array }, abs: number) => {
        expect(a, `${name}: ${what} missing`).toBeDefined();
        for (let k = 0; k < ng.freq.length; k++) {
          const d = Math.hypot(a!.re[k] - b.re[k], a!.im[k] - b.im[k]);
          const m = Math.hypot(b.re[k], b.im[k]);
          w = Math.max(w, d / (m + abs));
          expect(d, `${name}: ${what} at ${ng.freq[k]} Hz: eqspice ${a!.re[k]}+j${a!.im[k]}, ngspice ${b.re[k]}+j${b.im[k]}`).toBeLessThanOrEqual(1e-6 * m + abs);
        }
      };
      for (const [n, ph] of Object.entries(ng.nodes)) check(`v(${n})`, eq.nodes[n], ph, 1e-9);
      for (const [b, ph] of Object.entries(ng.branches)) if (b.startsWith("v")) check(`i(${b})`, eq.branches[b], ph, 1e-12);
      worst.set(name, w);
    };
    compareAc("cs-ac", ["cs", "VDD vdd 0 30", "VIN in 0 DC 4.3 AC 1", "RS in g 50", "RL vdd d 20", "M1 d g 0 IRFP240", ...IRFP240], "dec 10 1k 100meg");
    compareAc("pfollower-ac", ["pf", "VSS vss 0 -20", "VIN in 0 DC -5 AC 1 30", "RS in g 100", "M1 vss g out IRFP9240", "RL out 0 10", ...IRFP9240], "dec 10 1k 100meg");
  });
});
