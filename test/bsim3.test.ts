/**
 * BSIM3v3.3.0 (MOSFET LEVEL=8 and 49, ngspice's bsim3) in DC: the stamp
 * against finite differences of the device's currents in every region
 * (subthreshold, linear, saturation, reversed drain and source, body bias,
 * forward-biased bulk past IJTH's limit, substrate current, poly depletion,
 * MOBMOD 1/2/3, series RSH), NMOS and PMOS; then live ngspice 39 (skipped
 * with one warning when it is missing): I-V grids (every bias point a
 * transistor with its own sources, each source current compared
 * relatively) for a 180 nm-like NMOS and PMOS card with binning, a card
 * with nothing but LEVEL and TOX, substrate current, MOBMOD 2 and 3, at
 * several sizes and temperatures; circuits (an inverter's transfer curve
 * with .dc, a current mirror, a 5-transistor differential pair, RSH with
 * NRD/NRS, junction areas) at TIGHT tolerances; the model-card errors.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dcSweep, loadCircuitFromText, opFromFile, transient } from "../src/api.js";
import { Bsim3 } from "../src/devices/bsim3/bsim3.js";
import { bsim3InstanceAt, bsim3Model } from "../src/devices/bsim3/bsim3-model.js";
import { MOS_GEOMETRY_DEFAULTS } from "../src/devices/mosfet/mosfet-model.js";
import { ngspiceDecks, TIGHT } from "./helpers/ngspice-compare.js";
import { describeNgspice, itNgspice, runNgspiceDc, runNgspiceOp } from "./helpers/ngspice.js";
import { netlistErrorCheck } from "./helpers/netlist-errors.js";
import { GMIN, checkStamp } from "./helpers/stamp-check.js";

/** A 180 nm-like NMOS card (made up for these tests), MOBMOD 1, with L/W/P binning terms. */
const N18 =
  "tox=4.1e-9 xj=1e-7 nch=2.35e17 vth0=0.37 k1=0.58 k2=1.6e-3 k3=1e-3 k3b=4.5 w0=1e-7 nlx=1.8e-7 dvt0w=0 dvt1w=0 dvt2w=0 " +
  "dvt0=1.5 dvt1=0.42 dvt2=0.05 u0=260 ua=-1.4e-9 ub=2.3e-18 uc=5e-11 vsat=1.0e5 a0=2.0 ags=0.42 b0=-1e-8 b1=-1e-7 keta=-0.01 " +
  "a1=2e-4 a2=0.9 rdsw=105 prwg=0.5 prwb=-0.2 wr=1 wint=5e-9 lint=1.7e-8 dwg=-4e-9 dwb=1e-8 voff=-0.088 nfactor=2.5 cit=0 " +
  "cdsc=2.4e-4 cdscd=1e-4 cdscb=-1e-4 eta0=3e-3 etab=-6e-5 dsub=0.02 pclm=0.72 pdiblc1=0.22 pdiblc2=2.5e-3 pdiblcb=-0.1 " +
  "drout=0.77 pscbe1=7.9e8 pscbe2=4.7e-6 pvag=0.1 delta=0.01 mobmod=1 prt=20 ute=-1.5 kt1=-0.11 kt1l=1e-9 kt2=0.022 " +
  "ua1=4.31e-9 ub1=-7.61e-18 uc1=-5.6e-11 at=3.3e4 lvth0=-3e-3 wvth0=2e-3 pvth0=1e-4 lu0=5 wk2=1e-3 lketa=-4e-3 " +
  "pdiblc2=2.5e-3 lpclm=0.05 wua=1e-11 pub=1e-20 lrdsw=3 js=1e-6 jsw=1e-11 nj=1.05 xti=3";
/** The PMOS of the pair, MOBMOD 3 (UC in 1/V), NGATE (poly depletion), alpha0 substrate current. */
const P18 =
  "tox=4.1e-9 xj=1e-7 nch=4.1e17 vth0=-0.39 k1=0.55 k2=0.035 k3=0 k3b=11 w0=1e-6 nlx=1.2e-7 dvt0w=0.1 dvt1w=5e6 dvt2w=-0.03 " +
  "dvt0=0.6 dvt1=0.25 dvt2=0.1 u0=110 ua=1.4e-9 ub=1e-21 uc=-0.05 vsat=1.2e5 a0=1.7 ags=0.36 b0=5e-7 b1=1e-6 keta=0.02 " +
  "a1=0.4 a2=0.4 rdsw=300 prwg=0.4 prwb=0.03 wr=1 wint=0 lint=2.8e-8 dwg=-3e-8 dwb=-1e-8 voff=-0.1 nfactor=1.9 cit=0 " +
  "cdsc=2.4e-4 eta0=0.13 etab=-0.07 dsub=0.95 pclm=1.4 pdiblc1=1e-3 pdiblc2=0 pdiblcb=-1e-3 drout=0 pscbe1=3e9 pscbe2=5e-10 " +
  "pvag=2.0 delta=0.01 mobmod=3 ngate=5e19 alpha0=2e-7 beta0=14 lvth0=5e-3 wvth0=-4e-3 wu0=-2 pk2=-1e-4 lua=-2e-11";

const cardOf = (name: string, type: "nmos" | "pmos", body: string) => `.model ${name} ${type} (level=49 ${body})`;

function inst(type: 1 | -1, card: string, l: number, w: number, tempC = 27, geom: Partial<typeof MOS_GEOMETRY_DEFAULTS> = {}) {
  const values = new Map<string, number>();
  for (const kv of card.split(/\s+/).filter(Boolean)) {
    const [k, v] = kv.split("=");
    values.set(k, Number(v));
  }
  return bsim3InstanceAt(bsim3Model(type, values, 27), { ...MOS_GEOMETRY_DEFAULTS, l, w, ...geom }, tempC);
}

/** NMOS-like bias points (mirrored for a PMOS): nodes 1 drain, 2 gate, 3 source, 4 bulk. */
const REGIONS: Array<[string, { vd: number; vg: number; vs: number; vb: number }]> = [
  ["subthreshold", { vd: 1.2, vg: 0.2, vs: 0, vb: -0.3 }],
  ["near the threshold", { vd: 1.5, vg: 0.45, vs: 0, vb: -0.05 }],
  ["linear", { vd: 0.1, vg: 1.5, vs: 0, vb: -0.2 }],
  ["saturation, body bias", { vd: 1.8, vg: 1.2, vs: 0, vb: -0.9 }],
  ["saturation, source above bulk", { vd: 1.8, vg: 1.8, vs: 0.5, vb: 0 }],
  ["reversed, linear", { vd: -0.2, vg: 1.6, vs: 0, vb: -0.5 }],
  ["reversed, saturated", { vd: -1.7, vg: 0.5, vs: 0, vb: -1.9 }],
  ["forward-biased bulk-source", { vd: 1.2, vg: 1.0, vs: 0, vb: 0.35 }],
  ["bulk-drain forward past IJTH's limit", { vd: -0.95, vg: 0.8, vs: 0, vb: 0 }],
];

const STAMP_CARDS: Array<[string, 1 | -1, string, number, number]> = [
  ["180 nm NMOS, L = 0.18 um", 1, N18, 0.18e-6, 2e-6],
  ["180 nm NMOS, L = 1 um", 1, N18, 1e-6, 10e-6],
  ["180 nm PMOS (MOBMOD 3, NGATE, ALPHA0)", -1, P18, 0.18e-6, 4e-6],
  ["defaults (TOX only)", 1, "tox=4e-9", 5e-6, 5e-6],
  ["defaults PMOS, MOBMOD 2", -1, "tox=4e-9 mobmod=2", 1e-6, 5e-6],
  ["NMOS with substrate current, IJTH 1 uA", 1, N18 + " alpha0=1e-7 alpha1=0.2 beta0=12 ijth=1e-6", 0.3e-6, 3e-6],
];

describe("BSIM3: the stamp against finite differences of the currents", () => {
  for (const [cn, type, card, l, w] of STAMP_CARDS) {
    for (const [region, v] of REGIONS) {
      it(`${cn}: ${region}`, () => {
        const p = inst(type, card, l, w, 27, { ad: 1e-12, as: 1.2e-12, pd: 4e-6, ps: 4.4e-6 });
        const dev = new Bsim3("m1", 1, 2, 3, 4, 1, 3, p);
        const volts = [0, type * v.vd, type * v.vg, type * v.vs, type * v.vb];
        const currents = (x: number[]) => {
          const out = new Float64Array(5);
          dev.addCurrents(Float64Array.from(x), new Float64Array(0), -1, out);
          return Array.from(out);
        };
        checkStamp(dev, 4, volts, currents);
      });
    }
  }
  it("with RSH * NRD / NRS (internal nodes 5, 6) and M = 3, at 80 C", () => {
    for (const type of [1, -1] as const) {
      const p = inst(type, (type === 1 ? N18 : P18) + " rsh=8", 0.25e-6, 2e-6, 80, { nrd: 2, nrs: 1.5, m: 3 });
      const dev = new Bsim3("m1", 1, 2, 3, 4, 5, 6, p);
      for (const [, v] of REGIONS) {
        const volts = [0, type * v.vd, type * v.vg, type * v.vs, type * v.vb, type * (0.97 * v.vd + 0.03 * v.vs), type * (0.98 * v.vs + 0.02 * v.vd)];
        const currents = (x: number[]) => {
          const out = new Float64Array(7);
          dev.addCurrents(Float64Array.from(x), new Float64Array(0), -1, out);
          return Array.from(out);
        };
        checkStamp(dev, 6, volts, currents);
      }
    }
  });
});

const { dir, worst, compare } = ngspiceDecks("bsim3");
const relWorst = new Map<string, number>();
afterAll(() => {
  if (relWorst.size) console.log(`bsim3: max relative source current difference against ngspice per I-V grid:\n${[...relWorst].map(([k, v]) => `  ${k}: ${v.toExponential(2)}`).join("\n")}`);
});

/** Both simulators on `lines`; every V-source current within `rtol` of ngspice's (plus 1e-18 A), every node within 1e-9 V. */
function compareCurrents(name: string, lines: string[], rtol = 1e-9): number {
  const f = path.join(dir, `${name}.cir`);
  writeFileSync(f, [...lines, ".end", ""].join("\n"));
  const ng = runNgspiceOp(f);
  const eq = opFromFile(f);
  let w = 0;
  let n = 0;
  for (const b of Object.keys(ng.branches)) {
    if (!b.startsWith("v")) continue;
    n++;
    const i = ng.branches[b];
    const d = Math.abs(eq.branches[b] - i);
    expect(d, `${name}: i(${b}) eqspice ${eq.branches[b]} ngspice ${i}`).toBeLessThanOrEqual(rtol * Math.abs(i) + 1e-18);
    w = Math.max(w, d / Math.max(Math.abs(i), 1e-12));
  }
  expect(n).toBeGreaterThan(3);
  for (const k of Object.keys(ng.nodes)) if (k !== "0" && !k.includes("#")) expect(Math.abs(eq.nodes[k] - ng.nodes[k])).toBeLessThanOrEqual(1e-9);
  relWorst.set(name, w);
  return w;
}

/**
 * One transistor per bias point: Vgs 0 .. 1.8 V, Vds 0.05 .. 1.8 V, Vbs 0,
 * -0.6 V and +0.3 V (mirrored for a PMOS); reversed Vds; drain and source
 * areas for the junctions.
 */
function ivDeck(card: string, type: 1 | -1, l: string, w: string, extra: string[] = []): string[] {
  const name = card.split(/\s+/)[1];
  const lines = ["BSIM3 I-V grid", TIGHT, ...extra, `VB1 b1 0 ${-0.6 * type}`, "VB0 b0 0 0", `VB2 b2 0 ${0.3 * type}`];
  let k = 0;
  for (const vg of [0, 0.3, 0.5, 0.8, 1.2, 1.8]) {
    for (const vd of [0.05, 0.3, 1, 1.8]) {
      for (const b of ["b0", "b1", "b2"]) {
        k++;
        lines.push(`VG${k} g${k} 0 ${type * vg}`, `VD${k} d${k} 0 ${type * vd}`, `M${k} d${k} g${k} 0 ${b} ${name} L=${l} W=${w} AD=1p AS=1.2p PD=4u PS=4.4u`);
      }
    }
  }
  // reversed: the drain below the source
  for (const vg of [0.6, 1.8]) {
    for (const b of ["b0", "b1"]) {
      k++;
      lines.push(`VG${k} g${k} 0 ${type * vg}`, `VS${k} s${k} 0 ${type * 1.2}`, `M${k} 0 g${k} s${k} ${b} ${name} L=${l} W=${w}`);
    }
  }
  lines.push(card);
  return lines;
}

describeNgspice("BSIM3: I-V grids against ngspice", () => {
  itNgspice("180 nm NMOS and PMOS cards with binning: L = 0.18, 0.5, 2 um", () => {
    for (const l of ["0.18u", "0.5u", "2u"]) {
      compareCurrents(`iv-n18-${l}`, ivDeck(cardOf("n18", "nmos", N18), 1, l, "2u"));
      compareCurrents(`iv-p18-${l}`, ivDeck(cardOf("p18", "pmos", P18), -1, l, "4u"));
    }
  }, 60_000);
  itNgspice("cards with nothing but LEVEL and TOX (every default), NMOS and PMOS; LEVEL=8", () => {
    compareCurrents("iv-defaults-n", ivDeck(".model nd nmos (level=49 tox=4e-9)", 1, "1u", "5u"));
    compareCurrents("iv-defaults-p", ivDeck(".model pd pmos (level=49 tox=4e-9)", -1, "0.5u", "5u"));
    compareCurrents("iv-level8", ivDeck(".model n8 nmos (level=8 tox=7e-9 version=3.3.0)", 1, "0.35u", "3u"));
  }, 60_000);
  itNgspice("MOBMOD 2 and 3, substrate current (ALPHA0, ALPHA1, BETA0), IJTH, BINUNIT 0, K1/K2 derived from GAMMA1/NSUB", () => {
    compareCurrents("iv-mob2-isub", ivDeck(cardOf("nm2", "nmos", N18.replace("mobmod=1", "mobmod=2") + " alpha0=1e-7 alpha1=0.2 beta0=12 ijth=1e-4"), 1, "0.25u", "2u"));
    compareCurrents("iv-mob3", ivDeck(cardOf("nm3", "nmos", N18.replace("mobmod=1", "mobmod=3").replace("uc=5e-11", "uc=-0.04")), 1, "0.35u", "2u"));
    // PARAMCHK=1 clamps A2 above 1 (and then A1) and a negative RDSW; NCH in m^-3, NGATE in m^-3 (scaled by 1e-6); XL, XW; NQSMOD=1 (DC: no effect)
    compareCurrents("iv-paramchk", ivDeck(cardOf("nc", "nmos", N18.replace("a2=0.9", "a2=1.3").replace("rdsw=105", "rdsw=-20").replace("nch=2.35e17", "nch=2.35e23") + " paramchk=1 ngate=3e25 xl=-1e-8 xw=2e-8 nqsmod=1 capmod=2"), 1, "0.25u", "2u"));
    compareCurrents("iv-derived-k1", ivDeck(".model nk nmos (level=49 tox=6e-9 nch=3e17 nsub=1e17 gamma1=0.9 vbm=-2.5 xt=1e-7 u0=400 binunit=0 lvth0=1e-9)", 1, "0.6u", "3u"));
  }, 60_000);
  itNgspice("VERSION 3.2, 3.2.2 and 3.2.4 (ngspice's bsim3v32 device) at 27 C and 110 C, past IJTH's limit on the forward-biased bulk", () => {
    for (const v of ["3.2", "3.2.2", "3.2.4"]) {
      for (const t of [27, 110]) {
        compareCurrents(`iv-v${v}-${t}-n`, ivDeck(cardOf("nv", "nmos", `${N18} version=${v} tnom=25 ijth=1e-12`), 1, "0.18u", "2u", [`.temp ${t}`]));
        compareCurrents(`iv-v${v}-${t}-p`, ivDeck(cardOf("pv", "pmos", `${P18} version=${v} ijth=1e-12`), -1, "0.5u", "4u", [`.temp ${t}`]));
      }
    }
  }, 60_000);
  itNgspice("temperature: .temp -20 and 110 with a model TNOM of 25 C (UTE, KT1, KT1L, KT2, UA1, UB1, UC1, AT, PRT, XTI)", () => {
    for (const t of [-20, 110]) {
      compareCurrents(`iv-temp${t}-n`, ivDeck(cardOf("n18", "nmos", N18 + " tnom=25"), 1, "0.18u", "2u", [`.temp ${t}`]));
      compareCurrents(`iv-temp${t}-p`, ivDeck(cardOf("p18", "pmos", P18 + " tnom=25 at=2e4 ute=-1.2 kt1=-0.2"), -1, "0.5u", "4u", [`.temp ${t}`]));
    }
  }, 60_000);
});

const MODELS = [cardOf("n18", "nmos", N18), cardOf("p18", "pmos", P18)];

describeNgspice("BSIM3: circuits against ngspice", () => {
  itNgspice("CMOS inverter: the transfer curve (.dc) and three operating points", () => {
    const deck = ["BSIM3 inverter", "VDD vdd 0 1.8", "VIN in 0 0.9", "MP out in vdd vdd p18 L=0.18u W=4u", "MN out in 0 0 n18 L=0.18u W=2u", ...MODELS];
    for (const vin of [0.2, 0.8, 1.6]) compare(`inverter-${vin}`, [...deck.map((l) => (l.startsWith("VIN") ? `VIN in 0 ${vin}` : l)), TIGHT]);
    const f = path.join(dir, "inverter-dc.cir");
    writeFileSync(f, [...deck, TIGHT, ".dc VIN 0 1.8 0.02", ".end", ""].join("\n"));
    const ng = runNgspiceDc(f, "VIN 0 1.8 0.02");
    const eq = dcSweep(f);
    expect(eq.stats.points).toBe(ng.sweep.length);
    let w = 0;
    for (let k = 0; k < ng.sweep.length; k++) w = Math.max(w, Math.abs(eq.nodes.out[k] - ng.nodes.out[k]));
    worst.set("inverter-dc", w);
    expect(w).toBeLessThanOrEqual(1e-9);
  });
  itNgspice("current mirror (M=2 output, body effect through a source resistor) and a 5-transistor differential pair, balanced and unbalanced", () => {
    compare("mirror", ["BSIM3 mirror", TIGHT, "VDD vdd 0 1.8", "IREF vdd g 20u", "M1 g g 0 0 n18 L=0.5u W=2u", "M2 o g s 0 n18 L=0.5u W=2u M=2", "RS s 0 2k", "RL vdd o 20k", ...MODELS]);
    for (const dv of [0, 0.004, -0.03]) {
      compare(`diffpair-${dv}`, [
        "BSIM3 five-transistor OTA",
        TIGHT,
        "VDD vdd 0 1.8",
        `VP inp 0 ${0.9 + dv / 2}`,
        `VM inm 0 ${0.9 - dv / 2}`,
        "VBN bn 0 0.6",
        "M1 x inp tail 0 n18 L=0.36u W=4u",
        "M2 out inm tail 0 n18 L=0.36u W=4u",
        "M3 x x vdd vdd p18 L=0.36u W=8u",
        "M4 out x vdd vdd p18 L=0.36u W=8u",
        "M5 tail bn 0 0 n18 L=0.5u W=4u",
        ...MODELS,
      ]);
    }
  });
  itNgspice("RSH with NRD/NRS (internal nodes), junction areas and a forward-biased bulk, a PMOS source follower, default L and W", () => {
    compare("rsh", ["BSIM3 RSH", TIGHT, "VDD vdd 0 1.8", "VG g 0 1.2", "RD vdd d 2k", "M1 d g s b n18r L=0.25u W=2u NRD=3 NRS=2 AD=1p AS=1p PD=4u PS=4u", "RS s 0 500", "VB b 0 0.2", cardOf("n18r", "nmos", N18 + " rsh=12")]);
    compare("follower", ["BSIM3 follower", TIGHT, "VDD vdd 0 1.8", "VG g 0 0.5", "M1 0 g s vdd p18 L=0.3u W=6u", "RB vdd s 10k", ...MODELS]);
    compare("default-lw", ["BSIM3 default L W", TIGHT, "VDD vdd 0 1.8", "VG g 0 1.0", "RD vdd d 5k", "M1 d g 0 0 nd", ".model nd nmos (level=49 tox=5e-9 rsh=10)"]);
  });
});

describe("BSIM3: bad input", () => {
  const FILE = "bsim3.cir";
  const expectNetlistError = netlistErrorCheck(FILE);
  const load = (...lines: string[]) => () => loadCircuitFromText(["* bsim3", ...lines, "V1 d 0 1", "M1 d d 0 0 m"].join("\n") + "\n", FILE);
  it("a parameter ngspice's bsim3 does not know, at its place; a known one of another level is unknown too", () => {
    expectNetlistError(load(".model m nmos (level=49 tox=4n vto=0.7)"), 2, 36, /unknown BSIM3 \(MOSFET level 8\/49\) model parameter 'vto' in \.model m/);
    expectNetlistError(load(".model m nmos (level=8 kp=1e-4)"), 2, 27, /unknown BSIM3 .* parameter 'kp'/);
  });
  it("a non-positive TOX or TOXM; negative RSH; ACM; MOBMOD 4; a version ngspice runs with another device", () => {
    expectNetlistError(load(".model m nmos (level=49 tox=0)"), 2, 29, /TOX must be positive \(got 0\)/);
    expectNetlistError(load(".model m nmos (level=49 toxm=-1n)"), 2, 30, /TOXM must be positive/);
    expectNetlistError(load(".model m nmos (level=49 rsh=-2)"), 2, 29, /RSH must not be negative/);
    expectNetlistError(load(".model m nmos (level=49 acm=2)"), 2, 29, /ACM=2 .* is not supported/);
    expectNetlistError(load(".model m nmos (level=49 mobmod=4)"), 2, 32, /MOBMOD must be 1, 2 or 3/);
    expectNetlistError(load(".model m nmos (level=49 version=3.0)"), 2, 33, /VERSION=3\.0 is not supported: eqspice implements BSIM3v3\.3\.0, v3\.2\.x and v3\.1 .* with another device \(bsim3v0\), whose DC current differs\. VERSION=3\.3\.0 runs the card with the 3\.3 equations/);
    expectNetlistError(load(".model m nmos (level=8 version=3.0.1)"), 2, 32, /VERSION=3\.0\.1 is not supported/);
  });
  it("a non-positive L or W, an empty effective channel, and what b3check.c calls fatal", () => {
    const el = (m: string, inst: string) => () => loadCircuitFromText(["* bsim3", m, "V1 d 0 1", `M1 d d 0 0 m ${inst}`].join("\n") + "\n", FILE);
    expectNetlistError(el(".model m nmos (level=49)", "L=0 W=1u"), 4, 16, /L must be positive/);
    expectNetlistError(el(".model m nmos (level=49)", "L=1u W=-1u"), 4, 21, /W must be positive/);
    expectNetlistError(el(".model m nmos (level=49 lint=0.6u)", "L=1u W=1u"), 4, 16, /BSIM3 effective channel length Leff = .* is not positive/);
    expectNetlistError(el(".model m nmos (level=49 wint=0.6u)", "L=1u W=1u"), 4, 21, /BSIM3 effective channel width Weff = .* is not positive/);
    expectNetlistError(el(".model m nmos (level=49 pclm=0)", "L=1u W=1u"), 4, 1, /m1: BSIM3 model m: PCLM = 0 is not positive/);
    expectNetlistError(el(".model m nmos (level=49 vsat=1e4 at=1e5)", "L=1u W=1u\n.temp 100"), 4, 1, /VSAT at the circuit temperature = -1432\d\.\d+ is not positive/);
  });
  it("a transient with NQSMOD=1 is refused at the transistor, naming NQSMOD (the quasi-static charges run: bsim3-tran.test.ts)", () => {
    const c = loadCircuitFromText(["* bsim3", ".model m nmos (level=49 tox=4n nqsmod=1)", "V1 d 0 PULSE(0 1 1n 1n 1n 5n 10n)", "M1 d d 0 0 m", ".tran 1n 20n"].join("\n") + "\n", FILE);
    expectNetlistError(() => transient(c), 4, 1, /tran: m1: BSIM3 \(MOSFET level 8\/49\): NQSMOD=1 \(the non-quasi-static charge model\) is not supported/);
  });
});
