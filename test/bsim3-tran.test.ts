/**
 * BSIM3v3.3.0 charges (MOSFET LEVEL=8/49, bsim3-charge.ts): the
 * capacitances C = dQ/dV against central differences of the charges for
 * CAPMOD 0, 1, 2, 3 and XPART 0 (40/60), 0.5 (50/50), 1 (0/100) in every
 * region (accumulation, depletion, subthreshold, linear, saturation,
 * reversed drain and source, forward-biased junctions, poly depletion),
 * NMOS and PMOS, with charge conservation (the four charges sum to zero)
 * and dependence on voltage differences only; then live ngspice 39 (skipped
 * with one warning when it is missing) at tight tolerances in both
 * simulators and the same explicit TMAX: an inverter driven by a PULSE
 * (CAPMOD 3, the default; and CAPMOD 0 with M and RSH), an NMOS pass transistor whose
 * drain and source swap (CAPMOD 0, 50/50), a 5-stage ring oscillator
 * (CAPMOD 2 NMOS with 50/50, CAPMOD 1 PMOS with 0/100): its period and its
 * first period's waveform; a common-source amplifier's .ac in every CAPMOD
 * (M=2 on both transistors with CAPMOD 2).
 * Bad input: NQSMOD=1 in a transient is a NetlistError at the transistor,
 * in .ac a refusal naming it.
 */
import path from "node:path";
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { acSweep, acSweepFromText, loadCircuit, loadCircuitFromText, transient } from "../src/api.js";
import { bsim3Charges, bsim3CvParams, newBsim3ChargePoint, newBsim3CvInputs, type Bsim3CvParams } from "../src/devices/bsim3/bsim3-charge.js";
import { bsim3Eval, newBsim3Point } from "../src/devices/bsim3/bsim3-dc.js";
import { bsim3InstanceAt, bsim3Model, type Bsim3Instance } from "../src/devices/bsim3/bsim3-model.js";
import { MOS_GEOMETRY_DEFAULTS } from "../src/devices/mosfet/mosfet-model.js";
import { ngAt, ngspiceDecks } from "./helpers/ngspice-compare.js";
import { describeNgspice, itNgspice, runNgspiceAc, runNgspiceTran } from "./helpers/ngspice.js";
import { netlistErrorCheck } from "./helpers/netlist-errors.js";

/** A 180 nm-like NMOS card (made up for these tests) with bias-dependent overlaps and sidewall junctions. */
const N18 =
  "tox=4.1e-9 xj=1e-7 nch=2.35e17 vth0=0.37 k1=0.58 k2=1.6e-3 k3=1e-3 k3b=4.5 w0=1e-7 nlx=1.8e-7 dvt0=1.5 dvt1=0.42 dvt2=0.05 " +
  "u0=260 ua=-1.4e-9 ub=2.3e-18 uc=5e-11 vsat=1.0e5 a0=2.0 ags=0.42 keta=-0.01 rdsw=105 wint=5e-9 lint=1.7e-8 voff=-0.088 " +
  "nfactor=2.5 cdscd=1e-4 eta0=3e-3 etab=-6e-5 dsub=0.02 pclm=0.72 pdiblc1=0.22 pdiblc2=2.5e-3 drout=0.77 delta=0.01 " +
  "cgdl=2e-10 cgsl=1.5e-10 ckappa=0.8 cj=1e-3 cjsw=2e-10 cjswg=3e-10 mj=0.45 mjsw=0.3 mjswg=0.4 pb=0.8 pbsw=0.7 dlc=2e-8 dwc=1e-8 " +
  "noff=1.2 voffcv=-0.02 acde=0.8 moin=12 clc=1e-7 cle=0.6";
/** The PMOS: MOBMOD 3, NGATE (poly depletion), a given CF and VFBCV, TCJ/TPB at 60 C. */
const P18 =
  "tox=4.1e-9 xj=1e-7 nch=4.1e17 vth0=-0.39 k1=0.55 k2=0.035 k3=0 k3b=11 w0=1e-6 nlx=1.2e-7 dvt0w=0.1 dvt1w=5e6 dvt2w=-0.03 " +
  "dvt0=0.6 dvt1=0.25 dvt2=0.1 u0=110 ua=1.4e-9 ub=1e-21 uc=-0.05 vsat=1.2e5 a0=1.7 ags=0.36 keta=0.02 a1=0.4 a2=0.4 rdsw=300 " +
  "voff=-0.1 nfactor=1.9 eta0=0.13 etab=-0.07 dsub=0.95 pclm=1.4 mobmod=3 ngate=5e19 cf=1e-10 vfbcv=-0.8 cgso=2e-10 cgdo=2.5e-10 " +
  "cgbo=1e-11 cj=1.1e-3 cjsw=2.5e-10 mj=0.5 mjsw=0.5 tcj=1e-3 tpb=1.5e-3 tcjsw=5e-4 tpbsw=1e-3";

function instance(type: 1 | -1, card: string, l: number, w: number, tempC = 27): Bsim3Instance {
  const values = new Map<string, number>();
  for (const kv of card.split(/\s+/).filter(Boolean)) {
    const [k, v] = kv.split("=");
    values.set(k, Number(v));
  }
  const g = { ...MOS_GEOMETRY_DEFAULTS, l, w, ad: 1e-12, as: 1.2e-12, pd: 4e-6, ps: 1.5e-6, nrd: 0, nrs: 0 };
  return bsim3InstanceAt(bsim3Model(type, values, 27), g, tempC);
}

/** The charges and capacitances at terminal voltages [vd, vg, vs, vb] (normalized), as the device evaluates them. */
function chargesAt(P: Bsim3Instance, cv: Bsim3CvParams, v: number[]): { q: number[]; C: number[] } {
  const pt = newBsim3Point();
  const inp = newBsim3CvInputs();
  const qp = newBsim3ChargePoint();
  const vgs = v[1] - v[2];
  const vds = v[0] - v[2];
  const vbs = v[3] - v[2];
  bsim3Eval(P, vgs, vds, vbs, 1e-12, pt, inp);
  bsim3Charges(P, cv, pt.mode, inp, vgs, vds, vbs, qp);
  return { q: Array.from(qp.q), C: Array.from(qp.C) };
}

/** NMOS-like normalized bias points [vd, vg, vs, vb] (off the Vbs = 0 corner, where Vbseff's clamp and the junctions' second derivative have kinks). */
const POINTS: Array<[string, number[]]> = [
  ["accumulation", [1.0, -1.5, 0, -1.0]],
  ["depletion, below the threshold", [1.2, 0.1, 0, -0.3]],
  ["subthreshold", [1.2, 0.3, 0, -0.1]],
  ["linear", [0.1, 1.5, 0, -0.2]],
  ["linear, near VdsatCV", [0.6, 1.0, 0, -0.4]],
  ["saturation, body bias", [1.8, 1.2, 0, -0.9]],
  ["saturation, source above bulk", [1.8, 1.8, 0.5, 0.05]],
  ["reversed, linear", [-0.2, 1.6, 0, -0.5]],
  ["reversed, saturated", [-1.7, 0.5, 0, -1.9]],
  ["forward-biased bulk junctions", [0.9, 1.1, 0, 0.3]],
];

describe("BSIM3 charges: C = dQ/dV by central differences, charge conservation", () => {
  const cards: Array<[string, 1 | -1, string, number, number, number]> = [
    ["180 nm NMOS, L = 0.18 um", 1, N18, 0.18e-6, 2e-6, 27],
    ["180 nm NMOS, L = 1 um", 1, N18, 1e-6, 10e-6, 27],
    ["180 nm PMOS (poly depletion, CF, VFBCV), at 60 C", -1, P18, 0.18e-6, 4e-6, 60],
    ["defaults (TOX only)", 1, "tox=4e-9", 5e-6, 5e-6, 27],
  ];
  for (const [name, type, card, l, w, temp] of cards) {
    const P = instance(type, card, l, w, temp);
    for (const capMod of [0, 1, 2, 3]) {
      for (const xpart of [0, 0.5, 1]) {
        it(`${name}: CAPMOD ${capMod}, XPART ${xpart}`, () => {
          const cv = { ...bsim3CvParams(P, P.geometry, P.tempK), capMod, xpart };
          for (const [region, nv] of POINTS) {
            const v = nv.map((x) => type * x);
            const { q, C } = chargesAt(P, cv, v);
            const scale = Math.max(...C.map(Math.abs));
            expect(scale, region).toBeGreaterThan(1e-17);
            // conservation: the charges and every column of C sum to zero; voltage differences only: every row of C sums to zero
            expect(Math.abs(q[0] + q[1] + q[2] + q[3]), region).toBeLessThan(1e-12 * Math.max(...q.map(Math.abs)) + 1e-30);
            for (let k = 0; k < 4; k++) {
              expect(Math.abs(C[k] + C[4 + k] + C[8 + k] + C[12 + k]), `${region}: column ${k}`).toBeLessThan(1e-12 * scale);
              expect(Math.abs(C[4 * k] + C[4 * k + 1] + C[4 * k + 2] + C[4 * k + 3]), `${region}: row ${k}`).toBeLessThan(1e-12 * scale);
            }
            for (let c = 0; c < 4; c++) {
              const h = 1e-6;
              const up = v.slice();
              const dn = v.slice();
              up[c] += h;
              dn[c] -= h;
              const qu = chargesAt(P, cv, up).q;
              const qd = chargesAt(P, cv, dn).q;
              for (let r = 0; r < 4; r++) {
                const fd = (qu[r] - qd[r]) / (2 * h);
                expect(Math.abs(fd - C[r * 4 + c]), `${region}: dq${r}/dV${c} fd ${fd} C ${C[r * 4 + c]}`).toBeLessThan(2e-6 * scale);
              }
            }
          }
        });
      }
    }
  }

  it("XPART < 0: no intrinsic charge, only overlaps and junctions", () => {
    const P = instance(1, N18, 0.18e-6, 2e-6);
    const cv = { ...bsim3CvParams(P, P.geometry, P.tempK), xpart: -1 };
    const { C } = chargesAt(P, cv, [1.8, 1.2, 0, -0.5]);
    // the gate row is the three overlaps: CGSO + CGSL Weff_CV (vgs > 0), the vgd overlap, CGBO
    expect(C[5]).toBeCloseTo(-(C[4] + C[6] + C[7]), 25);
    expect(-C[7]).toBeCloseTo(cv.cgbo, 25);
    const cvFull = bsim3CvParams(P, P.geometry, P.tempK);
    expect(chargesAt(P, cvFull, [1.8, 1.2, 0, -0.5]).C[5]).toBeGreaterThan(C[5] * 1.5);
  });
});

const { dir, worst } = ngspiceDecks("bsim3-tran");
const TIGHT_TRAN = ".options reltol=1e-8 abstol=1e-15 vntol=1e-12";
const NMOS = `level=49 ${N18}`;
const PMOS = "level=49 tox=4.1e-9 xj=1e-7 nch=4.1e17 vth0=-0.39 k1=0.55 k2=0.035 u0=110 vsat=1.2e5 rdsw=300 cj=1.1e-3 cjsw=2.5e-10 mjsw=0.3 pb=0.85 cgdl=1e-10 cgsl=1e-10";

function deck(name: string, lines: string[]): string {
  const f = path.join(dir, `${name}.cir`);
  writeFileSync(f, [...lines, ".end", ""].join("\n"));
  return f;
}

/** Both transients of deck f (trap, TMAX tmax); max |dV| of each node over eqspice's output times up to tEnd, ngspice interpolated (ngAt). */
function tranCompare(name: string, f: string, tmax: number, nodes: string[], tEnd = Infinity) {
  const c = loadCircuit(f);
  const t = c.tran!;
  const ng = runNgspiceTran(f, { tstep: t.tstep, tstop: t.tstop, tmax, nodes });
  const eq = transient(c, { integrator: "trap", tmax });
  return { eq, ng, w: worstOf(name, eq, ng, nodes, tEnd) };
}

/** max |dV| of each node over eqspice's output times up to tEnd, ngspice interpolated (ngAt); recorded as `name`. */
function worstOf(name: string, eq: ReturnType<typeof transient>, ng: ReturnType<typeof runNgspiceTran>, nodes: string[], tEnd = Infinity) {
  let w = { dv: 0, node: "", t: 0 };
  for (const n of nodes) {
    for (let k = 0; k < eq.time.length; k++) {
      if (eq.time[k] > tEnd) break;
      const dv = Math.abs(eq.nodes[n][k] - ngAt(ng.time, ng.nodes[n], eq.time[k]));
      if (!(dv <= w.dv)) w = { dv: Number.isNaN(dv) ? Infinity : dv, node: n, t: eq.time[k] };
    }
  }
  worst.set(name, Math.max(worst.get(name) ?? 0, w.dv));
  return w;
}

/** Times of the rising crossings of level, linearly interpolated, after t0. */
function risingCrossings(time: Float64Array, ys: Float64Array, level: number, t0: number): number[] {
  const out: number[] = [];
  for (let k = 1; k < time.length; k++) {
    if (time[k] <= t0) continue;
    if (ys[k - 1] < level && ys[k] >= level) out.push(time[k - 1] + ((level - ys[k - 1]) / (ys[k] - ys[k - 1])) * (time[k] - time[k - 1]));
  }
  return out;
}

const inverter = (name: string, nExtra: string, pExtra: string, nInst = "", pInst = "") =>
  deck(name, [
    `BSIM3 inverter driven by a pulse (${name})`,
    TIGHT_TRAN,
    "VDD vdd 0 1.8",
    "VIN in 0 PULSE(0 1.8 0.2n 0.1n 0.1n 1n 2.4n)",
    `MN out in 0 0 nch L=0.18u W=2u AD=1p AS=1p PD=3u PS=3u ${nInst}`,
    `MP out in vdd vdd pch L=0.18u W=4u AD=2p AS=2p PD=5u PS=5u ${pInst}`,
    "CL out 0 5f",
    `.model nch nmos (${NMOS} ${nExtra})`,
    `.model pch pmos (${PMOS} ${pExtra})`,
    ".tran 0.01n 3n",
  ]);

describeNgspice("BSIM3 transients against ngspice .tran (tight tolerances, same TMAX)", () => {
  itNgspice("CMOS inverter, CAPMOD 3 (default) with XPART 0 (40/60): 1e-4 V at TMAX 5 ps", () => {
    const { eq, w } = tranCompare("inverter capmod 3", inverter("inv-capmod3", "", "xpart=0"), 5e-12, ["out"]);
    expect(w.dv, `${w.node} at ${w.t}`).toBeLessThanOrEqual(1e-4);
    // it switches both ways, and the gate-drain coupling overshoots the rails on the edges
    expect(Math.min(...eq.nodes.out)).toBeLessThan(0);
    expect(Math.max(...eq.nodes.out)).toBeGreaterThan(1.8);
  }, 30_000);

  itNgspice("CMOS inverter, CAPMOD 0 (VFBCV) with XPART 1 (0/100) NMOS and 0.5 PMOS, M=2 and RSH with NRD/NRS (internal nodes) on the NMOS: 1e-4 V", () => {
    const { w } = tranCompare("inverter capmod 0", inverter("inv-capmod0", "capmod=0 xpart=1 rsh=20", "capmod=0 xpart=0.5", "m=2 NRD=2 NRS=1.5"), 5e-12, ["out"]);
    expect(w.dv, `${w.node} at ${w.t}`).toBeLessThanOrEqual(1e-4);
  }, 30_000);

  itNgspice("NMOS pass transistor charging and discharging a capacitor (drain and source swap), CAPMOD 0 and 1, XPART 0.5 and 0", () => {
    for (const [capmod, xpart] of [[0, 0.5], [1, 0]]) {
      const f = deck(`pass-${capmod}`, [
        "BSIM3 pass transistor",
        TIGHT_TRAN,
        "VG g 0 PULSE(0 1.8 0.05n 0.05n 0.05n 2n 4n)",
        "VA a 0 PULSE(0 1.5 0.3n 0.2n 0.2n 0.6n 1.6n)",
        "MN a g b 0 nch L=0.25u W=3u AD=1p AS=1p PD=3u PS=3u",
        "CB b 0 20f",
        "RB b 0 200k",
        `.model nch nmos (${NMOS} capmod=${capmod} xpart=${xpart})`,
        ".tran 0.01n 2.5n",
      ]);
      const { eq, w } = tranCompare(`pass capmod ${capmod}`, f, 5e-12, ["b"]);
      expect(w.dv, `capmod ${capmod}: ${w.node} at ${w.t}`).toBeLessThanOrEqual(1e-4);
      expect(Math.max(...eq.nodes.b)).toBeGreaterThan(0.8);
    }
  }, 30_000);

  itNgspice("5-stage ring oscillator (CAPMOD 2 NMOS with XPART 0.5, CAPMOD 1 PMOS with XPART 1): period to 1e-3, the first period to 1e-4 V at TMAX 2 ps", () => {
    const f = deck("ring5", [
      "BSIM3 5-stage ring oscillator kicked by a current pulse",
      TIGHT_TRAN,
      "VDD vdd 0 1.8",
      "IKICK 0 n1 PULSE(0 200u 0 20p 20p 50p 1)",
      ".subckt inv in out vdd",
      "MN out in 0 0 nch L=0.18u W=1u AD=0.5p AS=0.5p PD=2u PS=2u",
      "MP out in vdd vdd pch L=0.18u W=2u AD=1p AS=1p PD=3u PS=3u",
      ".ends",
      "X1 n1 n2 vdd inv",
      "X2 n2 n3 vdd inv",
      "X3 n3 n4 vdd inv",
      "X4 n4 n5 vdd inv",
      "X5 n5 n1 vdd inv",
      `.model nch nmos (${NMOS} capmod=2 xpart=0.5)`,
      `.model pch pmos (${PMOS} capmod=1 xpart=1)`,
      ".tran 0.002n 1.6n",
    ]);
    const { eq, ng } = tranCompare("ring5 (whole run)", f, 2e-12, ["n1", "n3"]);
    const eqX = risingCrossings(eq.time, eq.nodes.n1, 0.9, 0.1e-9);
    const ngX = risingCrossings(ng.time, ng.nodes.n1, 0.9, 0.1e-9);
    expect(eqX.length).toBeGreaterThanOrEqual(3);
    expect(ngX.length).toBe(eqX.length);
    const period = (x: number[]) => (x[x.length - 1] - x[0]) / (x.length - 1);
    const pe = period(eqX);
    const pn = period(ngX);
    worst.set(`ring5 period ${pn.toExponential(4)} s: relative difference (not V)`, Math.abs(pe - pn) / pn);
    expect(Math.abs(pe - pn) / pn).toBeLessThan(1e-3);
    const first = worstOf("ring5 (first period)", eq, ng, ["n1", "n3"], eqX[0] + pn);
    expect(first.dv, `${first.node} at ${first.t}`).toBeLessThanOrEqual(1e-4);
  }, 60_000);
});

describeNgspice("BSIM3 .ac against ngspice (capacitances at the operating point)", () => {
  for (const [capmod, xpart] of [[0, 0], [1, 0.5], [2, 1], [3, 0]]) {
    itNgspice(`common-source amplifier with an active PMOS load, CAPMOD ${capmod}, XPART ${xpart}: magnitude and phase to 1e-6 relative`, () => {
      const lines = [
        `BSIM3 common-source amplifier, capmod ${capmod}`,
        ".options reltol=1e-10 vntol=1e-12 abstol=1e-15",
        "VDD vdd 0 1.8",
        "VIN in 0 DC 0.62 AC 1",
        "RG in g 10k",
        `MN out g 0 0 nch L=0.5u W=5u AD=2p AS=2p PD=6u PS=6u${capmod === 2 ? " m=2" : ""}`,
        `MP out pb vdd vdd pch L=0.5u W=10u AD=4p AS=4p PD=11u PS=11u${capmod === 2 ? " m=2" : ""}`,
        "VPB pb 0 1.05",
        "CL out 0 10f",
        `.model nch nmos (${NMOS} capmod=${capmod} xpart=${xpart})`,
        `.model pch pmos (${PMOS} capmod=${capmod} xpart=${xpart})`,
      ];
      const args = "dec 10 1k 100g";
      const f = deck(`cs-${capmod}`, lines);
      const ng = runNgspiceAc(f, args);
      const eq = acSweep(deck(`cs-${capmod}-eq`, [...lines, `.ac ${args}`]));
      expect(eq.frequencies.length).toBe(ng.freq.length);
      let w = 0;
      for (const n of ["out", "g"]) {
        const a = eq.nodes[n];
        const ph = ng.nodes[n];
        for (let k = 0; k < ng.freq.length; k++) {
          const d = Math.hypot(a.re[k] - ph.re[k], a.im[k] - ph.im[k]);
          const m = Math.hypot(ph.re[k], ph.im[k]);
          w = Math.max(w, d / m);
          expect(d, `v(${n}) at ${ng.freq[k]} Hz: eqspice ${a.re[k]}+j${a.im[k]}, ngspice ${ph.re[k]}+j${ph.im[k]}`).toBeLessThanOrEqual(1e-6 * m);
        }
      }
      worst.set(`cs amplifier capmod ${capmod} (ac, relative)`, w);
      // a gain, and the capacitances roll it off
      const out = eq.nodes.out;
      expect(Math.hypot(out.re[0], out.im[0])).toBeGreaterThan(5);
      expect(Math.hypot(out.re[out.re.length - 1], out.im[out.im.length - 1])).toBeLessThan(0.5);
    }, 30_000);
  }
});

describe("BSIM3 charges: bad input", () => {
  const expectNetlistError = netlistErrorCheck("nqs.cir");
  const text = (card: string, analysis: string) =>
    ["nqs", "VD d 0 1.8", "VG g 0 PULSE(0 1.8 0 1n 1n 5n 10n) AC 1", "RD d o 1k", "M1 o g 0 0 nch L=1u W=2u", `.model nch nmos (level=49 ${card})`, analysis, ".end", ""].join("\n");

  it("NQSMOD=1 in a transient: a NetlistError at the transistor naming NQSMOD", () => {
    const c = loadCircuitFromText(text("nqsmod=1", ".tran 1n 10n"), "nqs.cir");
    expectNetlistError(() => transient(c), 5, 1, /m1: BSIM3 .*NQSMOD=1 \(the non-quasi-static charge model\) is not supported in a transient/);
  });

  it("NQSMOD=1 and ACNQSMOD=1 in .ac: refused by name", () => {
    expect(() => acSweepFromText(text("nqsmod=1", ".ac dec 2 1k 1meg"), "nqs.cir")).toThrow(/m1: BSIM3 .*NQSMOD=1 .*not supported in an AC analysis/);
    expect(() => acSweepFromText(text("acnqsmod=1", ".ac dec 2 1k 1meg"), "nqs.cir")).toThrow(/m1: BSIM3 .*ACNQSMOD=1/);
  });

  it("NQSMOD=1 leaves .op alone (ngspice's DC does not depend on it)", () => {
    const c = loadCircuitFromText(text("nqsmod=1", ".op"), "nqs.cir");
    expect(c.devices.length).toBeGreaterThan(0);
  });
});
