/**
 * BSIM3 VERSION 3.1 (LEVEL=8/49 cards with VERSION=3.1: ngspice 39's
 * bsim3v1 device) in DC. The stamp against finite differences of the
 * device's currents (the junctions linear above 0.5 V with GMIN twice, the
 * substrate current drawn from the source, b3v1ld.c's stray gbd V(d') in
 * the source row); then live ngspice 39 (skipped with one warning when it
 * is missing): I-V grids with every transistor on its own sources, the
 * source lifted off ground (so that the source row's stray term and the
 * substrate current's side show), for a card with defaults only and a
 * made-up 180 nm VERSION=3.1 card (NMOS and PMOS, binning, RDSW, ALPHA0,
 * MOBMOD 2/3, temperature); circuits (an inverter's .dc transfer curve, a
 * current mirror, a differential pair) at TIGHT tolerances; b3v1check.c's
 * PD/PS clamp (once per size, on the last instance written) and HDIF's
 * junction areas; the refusals.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { acSweep, dcSweep, loadCircuitFromText, opFromFile, transient } from "../src/api.js";
import { bsim3InstanceAt, bsim3Model } from "../src/devices/bsim3/bsim3-model.js";
import { Bsim3v1 } from "../src/devices/bsim3v1/bsim3v1.js";
import { MOS_GEOMETRY_DEFAULTS } from "../src/devices/mosfet/mosfet-model.js";
import { ngspiceDecks, TIGHT } from "./helpers/ngspice-compare.js";
import { describeNgspice, itNgspice, runNgspiceDc, runNgspiceOp } from "./helpers/ngspice.js";
import { netlistErrorCheck } from "./helpers/netlist-errors.js";
import { checkStamp } from "./helpers/stamp-check.js";

/** A made-up 180 nm VERSION=3.1 NMOS card: MOBMOD 1, binning terms, RDSW, substrate current. */
const N31 =
  "version=3.1 tox=4.1e-9 xj=1e-7 nch=2.3e17 vth0=0.38 k1=0.57 k2=2e-3 k3=1e-3 k3b=3 w0=1e-7 nlx=1.7e-7 dvt0w=0 dvt1w=0 dvt2w=0 " +
  "dvt0=1.4 dvt1=0.4 dvt2=0.04 u0=270 ua=-1.3e-9 ub=2.2e-18 uc=4e-11 vsat=1.05e5 a0=1.9 ags=0.4 b0=-1e-8 b1=-1e-7 keta=-0.01 " +
  "a1=3e-4 a2=0.85 rdsw=110 prwg=0.4 prwb=-0.2 wr=1 wint=6e-9 lint=1.5e-8 dwg=-4e-9 dwb=1e-8 voff=-0.09 nfactor=2.3 cit=0 " +
  "cdsc=2.4e-4 cdscd=1e-4 cdscb=-1e-4 eta0=4e-3 etab=-5e-5 dsub=0.03 pclm=0.7 pdiblc1=0.2 pdiblc2=2.4e-3 pdiblcb=-0.1 " +
  "drout=0.75 pscbe1=8e8 pscbe2=5e-6 pvag=0.1 delta=0.01 mobmod=1 prt=20 ute=-1.5 kt1=-0.11 kt1l=1e-9 kt2=0.022 " +
  "ua1=4.3e-9 ub1=-7.6e-18 uc1=-5.6e-11 at=3.3e4 lvth0=-3e-3 wvth0=2e-3 pvth0=1e-4 lu0=5 wk2=1e-3 lketa=-4e-3 " +
  "lpclm=0.05 wua=1e-11 pub=1e-20 lrdsw=3 alpha0=1.2e-7 beta0=13 js=1e-6 jsw=1e-11 nj=1.05 xti=3 ll=1e-16 wl=-2e-16";
/** The PMOS of the pair: MOBMOD 3, NGATE. */
const P31 =
  "version=3.1 tox=4.1e-9 xj=1e-7 nch=4e17 vth0=-0.4 k1=0.56 k2=0.03 k3=0 k3b=10 w0=1e-6 nlx=1.2e-7 dvt0w=0.1 dvt1w=5e6 dvt2w=-0.03 " +
  "dvt0=0.6 dvt1=0.25 dvt2=0.1 u0=115 ua=1.4e-9 ub=1e-21 uc=-0.05 vsat=1.2e5 a0=1.6 ags=0.35 b0=5e-7 b1=1e-6 keta=0.02 " +
  "a1=0.4 a2=0.4 rdsw=320 prwg=0.4 prwb=0.03 wr=1 wint=0 lint=2.7e-8 dwg=-3e-8 dwb=-1e-8 voff=-0.1 nfactor=1.8 cit=0 " +
  "cdsc=2.4e-4 eta0=0.12 etab=-0.07 dsub=0.9 pclm=1.3 pdiblc1=1e-3 pdiblc2=0 pdiblcb=-1e-3 drout=0 pscbe1=3e9 pscbe2=5e-10 " +
  "pvag=2.0 delta=0.01 mobmod=3 ngate=5e19 alpha0=2e-7 beta0=14 lvth0=5e-3 wvth0=-4e-3 wu0=-2 pk2=-1e-4 lua=-2e-11";

const cardOf = (name: string, type: "nmos" | "pmos", body: string) => `.model ${name} ${type} (level=49 ${body})`;

function inst(type: 1 | -1, card: string, l: number, w: number, tempC = 27, geom: Partial<typeof MOS_GEOMETRY_DEFAULTS> = {}) {
  const values = new Map<string, number>();
  for (const kv of card.split(/\s+/).filter(Boolean)) {
    const [k, v] = kv.split("=");
    values.set(k, Number(v));
  }
  values.delete("version");
  return bsim3InstanceAt(bsim3Model(type, values, 27, true), { ...MOS_GEOMETRY_DEFAULTS, l, w, ...geom }, tempC);
}

/** NMOS-like bias points (mirrored for a PMOS): nodes 1 drain, 2 gate, 3 source, 4 bulk; the source off ground. */
const REGIONS: Array<[string, { vd: number; vg: number; vs: number; vb: number }]> = [
  ["subthreshold", { vd: 1.4, vg: 0.45, vs: 0.2, vb: -0.3 }],
  ["linear, body bias", { vd: 0.3, vg: 1.7, vs: 0.2, vb: -0.4 }],
  ["saturation, body bias (substrate current)", { vd: 2.0, vg: 1.4, vs: 0.2, vb: -0.7 }],
  ["saturation, bulk 10 mV above the source (Vbseff clamped to Vbs)", { vd: 1.8, vg: 1.8, vs: 0.4, vb: 0.41 }],
  ["reversed, saturated", { vd: -1.5, vg: 0.6, vs: 0.1, vb: -1.8 }],
  ["forward-biased bulk-source", { vd: 1.2, vg: 1.0, vs: 0.1, vb: 0.45 }],
  ["bulk-drain forward past 0.5 V (the linear junction)", { vd: -0.7, vg: 0.9, vs: 0.1, vb: 0.1 }],
];

const STAMP_CARDS: Array<[string, 1 | -1, string, number, number]> = [
  ["180 nm NMOS, L = 0.18 um", 1, N31, 0.18e-6, 2e-6],
  ["180 nm NMOS, L = 1 um", 1, N31, 1e-6, 10e-6],
  ["180 nm PMOS (MOBMOD 3, NGATE)", -1, P31, 0.18e-6, 4e-6],
  ["defaults (TOX only)", 1, "tox=4e-9", 5e-6, 5e-6],
  ["defaults PMOS, MOBMOD 2", -1, "tox=4e-9 mobmod=2", 1e-6, 5e-6],
];

describe("BSIM3 VERSION 3.1: the stamp against finite differences of the currents", () => {
  for (const [cn, type, card, l, w] of STAMP_CARDS) {
    for (const [region, v] of REGIONS) {
      it(`${cn}: ${region}`, () => {
        const p = inst(type, card, l, w, 27, { ad: 1e-12, as: 1.2e-12, pd: 4e-6, ps: 4.4e-6, m: 2 });
        const dev = new Bsim3v1("m1", 1, 2, 3, 4, 1, 3, p);
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
  it("with RSH * NRD / NRS (internal nodes 5, 6) at 80 C", () => {
    for (const type of [1, -1] as const) {
      const p = inst(type, (type === 1 ? N31 : P31) + " rsh=8", 0.25e-6, 2e-6, 80, { nrd: 2, nrs: 1.5 });
      const dev = new Bsim3v1("m1", 1, 2, 3, 4, 5, 6, p);
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

const { dir, worst, compare } = ngspiceDecks("bsim3v1");
const relWorst = new Map<string, number>();
afterAll(() => {
  if (relWorst.size) console.log(`bsim3v1: max relative source current difference against ngspice per I-V grid:\n${[...relWorst].map(([k, v]) => `  ${k}: ${v.toExponential(2)}`).join("\n")}`);
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
 * One transistor per bias point, each on its own drain, gate and source
 * sources, the source at 0.25 V: Vgs 0 .. 1.8 V, Vds 0.05 .. 1.8 V, the
 * bulk at 0 V (Vbs -0.25 V), -0.6 V and Vbs +0.3 V (mirrored for a PMOS);
 * reversed Vds; junction areas on most, none on some (b3v1check.c's PD/PS
 * clamp applies to the last of a size).
 */
function ivDeck(card: string, type: 1 | -1, l: string, w: string, extra: string[] = []): string[] {
  const name = card.split(/\s+/)[1];
  const vs = 0.25;
  const lines = ["BSIM3v3.1 I-V grid", TIGHT, ...extra, `VB1 b1 0 ${-0.6 * type}`, "VB0 b0 0 0", `VB2 b2 0 ${(vs + 0.3) * type}`];
  let k = 0;
  for (const vg of [0, 0.3, 0.5, 0.8, 1.2, 1.8]) {
    for (const vd of [0.05, 0.3, 1, 1.8]) {
      for (const b of ["b0", "b1", "b2"]) {
        k++;
        const areas = k % 7 === 0 ? "" : " AD=1p AS=1.2p PD=4u PS=4.4u";
        lines.push(`VS${k} s${k} 0 ${type * vs}`, `VG${k} g${k} 0 ${type * (vs + vg)}`, `VD${k} d${k} 0 ${type * (vs + vd)}`, `M${k} d${k} g${k} s${k} ${b} ${name} L=${l} W=${w}${areas}`);
      }
    }
  }
  // reversed: the drain below the source
  for (const vg of [0.6, 1.8]) {
    for (const b of ["b0", "b1"]) {
      k++;
      lines.push(`VD${k} d${k} 0 ${type * 0.1}`, `VG${k} g${k} 0 ${type * vg}`, `VS${k} s${k} 0 ${type * 1.3}`, `M${k} d${k} g${k} s${k} ${b} ${name} L=${l} W=${w}`);
    }
  }
  lines.push(card);
  return lines;
}

describeNgspice("BSIM3 VERSION 3.1: I-V grids against ngspice", () => {
  itNgspice("cards with nothing but VERSION and TOX (every default), NMOS and PMOS; LEVEL=8 with VERSION=3.1.0", () => {
    compareCurrents("iv-defaults-n", ivDeck(".model nd nmos (level=49 version=3.1 tox=4e-9)", 1, "1u", "5u"));
    compareCurrents("iv-defaults-p", ivDeck(".model pd pmos (level=49 version=3.1 tox=4e-9)", -1, "0.5u", "5u"));
    compareCurrents("iv-level8", ivDeck(".model n8 nmos (level=8 version=3.1.0)", 1, "0.8u", "3u")); // 3.1.0, 3.12: bsim3v1 too (ngspice 39 reads the prefix)
  }, 60_000);
  itNgspice("a 180 nm VERSION 3.1 NMOS and PMOS card with binning, RDSW, ALPHA0: L = 0.18, 0.5, 2 um", () => {
    for (const l of ["0.18u", "0.5u", "2u"]) {
      compareCurrents(`iv-n31-${l}`, ivDeck(cardOf("n31", "nmos", N31), 1, l, "2u"));
      compareCurrents(`iv-p31-${l}`, ivDeck(cardOf("p31", "pmos", P31), -1, l, "4u"));
    }
  }, 60_000);
  itNgspice("MOBMOD 2, PARAMCHK (A2 clamp, a small RDS0 set to 0), BINUNIT 0, K1/K2 from GAMMA1/NSUB, -20 and 110 C", () => {
    compareCurrents("iv-mob2", ivDeck(cardOf("nm2", "nmos", N31.replace("mobmod=1", "mobmod=2")), 1, "0.25u", "2u"));
    compareCurrents("iv-paramchk", ivDeck(cardOf("nc", "nmos", N31.replace("a2=0.85", "a2=1.3").replace("rdsw=110", "rdsw=0.5").replace("lrdsw=3", "lrdsw=0") + " paramchk=1"), 1, "0.25u", "2u"));
    compareCurrents("iv-derived-k1", ivDeck(".model nk nmos (level=49 version=3.1 tox=6e-9 nch=3e17 nsub=1e17 gamma1=0.9 vbm=-2.5 xt=1e-7 u0=400 binunit=0 lvth0=1e-9)", 1, "0.6u", "3u"));
    for (const t of [-20, 110]) {
      compareCurrents(`iv-temp${t}-n`, ivDeck(cardOf("n31", "nmos", N31 + " tnom=25"), 1, "0.18u", "2u", [`.temp ${t}`]));
      compareCurrents(`iv-temp${t}-p`, ivDeck(cardOf("p31", "pmos", P31 + " tnom=25 at=2e4 ute=-1.2"), -1, "0.5u", "4u", [`.temp ${t}`]));
    }
  }, 90_000);
});

const MODELS = [cardOf("n31", "nmos", N31), cardOf("p31", "pmos", P31)];

describeNgspice("BSIM3 VERSION 3.1: circuits against ngspice", () => {
  itNgspice("CMOS inverter: the transfer curve (.dc) and three operating points", () => {
    const deck = ["BSIM3v3.1 inverter", "VDD vdd 0 1.8", "VIN in 0 0.9", "MP out in vdd vdd p31 L=0.18u W=4u", "MN out in 0 0 n31 L=0.18u W=2u", ...MODELS];
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
  itNgspice("current mirror (M=2 output, body effect through a source resistor), a 5-transistor differential pair, RSH", () => {
    compare("mirror", ["BSIM3v3.1 mirror", TIGHT, "VDD vdd 0 1.8", "IREF vdd g 20u", "M1 g g 0 0 n31 L=0.5u W=2u", "M2 o g s 0 n31 L=0.5u W=2u M=2", "RS s 0 2k", "RL vdd o 20k", ...MODELS]);
    for (const dv of [0, 0.004, -0.03]) {
      compare(`diffpair-${dv}`, [
        "BSIM3v3.1 five-transistor OTA",
        TIGHT,
        "VDD vdd 0 1.8",
        `VP inp 0 ${0.9 + dv / 2}`,
        `VM inm 0 ${0.9 - dv / 2}`,
        "VBN bn 0 0.6",
        "M1 x inp tail 0 n31 L=0.36u W=4u",
        "M2 out inm tail 0 n31 L=0.36u W=4u",
        "M3 x x vdd vdd p31 L=0.36u W=8u",
        "M4 out x vdd vdd p31 L=0.36u W=8u",
        "M5 tail bn 0 0 n31 L=0.5u W=4u",
        ...MODELS,
      ]);
    }
    compare("rsh", ["BSIM3v3.1 RSH", TIGHT, "VDD vdd 0 1.8", "VG g 0 1.2", "RD vdd d 2k", "M1 d g s b n31r L=0.25u W=2u NRD=3 NRS=2 AD=1p AS=1p PD=4u PS=4u", "RS s 0 500", "VB b 0 0.2", cardOf("n31r", "nmos", N31 + " rsh=12")]);
  });
  itNgspice("b3v1check.c's PD/PS clamp on the last instance of each size (JSW shows it on a forward-biased drain), HDIF's junction areas", () => {
    const clamp = ["BSIM3v3.1 PD clamp", TIGHT, "VG g 0 0", ".model nj nmos (level=49 version=3.1 tox=4e-9 jsw=1e-3)"];
    for (const [k, l] of ["1u", "1u", "1u", "2u", "2u"].entries()) clamp.push(`VD${k} d${k} 0 -0.45`, `M${k} d${k} g 0 0 nj L=${l} W=1u`);
    compareCurrents("pd-clamp", clamp);
    compareCurrents("hdif", ["BSIM3v3.1 HDIF", TIGHT, "VG g 0 0.8", ".model nh nmos (level=49 version=3.1 tox=4e-9 hdif=0.5u js=1e-2 jsw=1e-8)", "VD1 d1 0 -0.4", "M1 d1 g 0 0 nh L=1u W=2u", "VD2 d2 0 -0.4", "M2 d2 g 0 0 nh L=1u W=3u AD=1p", "VD3 d3 0 1", "M3 d3 g 0 0 nh L=1u W=3u PS=20u"]);
  });
  itNgspice("a BSIM3v3.3 name on a 3.1 card is ignored, as ngspice's bsim3v1 ignores it (with a warning)", () => {
    const lines = ["BSIM3v3.1 ignored names", TIGHT, "VDD vdd 0 1.8", "VG g 0 1.0", "RD vdd d 10k", "M1 d g 0 0 nx L=0.5u W=2u", ".model nx nmos (level=49 version=3.1 tox=4e-9 toxm=6e-9 xl=-2e-8 ijth=1e-6 alpha1=0.5 acm=2)"];
    compare("ignored-33-names", lines);
    const c = loadCircuitFromText([...lines, ".op", ".end"].join("\n"), "x.cir");
    expect(c.warnings.filter((w) => /is not a BSIM3 VERSION 3\.1 parameter: ignored, as ngspice 39's bsim3v1 ignores it/.test(w))).toHaveLength(5);
  });
});

describe("BSIM3 VERSION 3.1: what is refused", () => {
  const FILE = "b31.cir";
  const expectNetlistError = netlistErrorCheck(FILE);
  it("VERSION 3.0 (ngspice's bsim3v0) is refused at the version; 3.1 is not", () => {
    const load = (card: string) => () => loadCircuitFromText(["* b31", card, "V1 d 0 1", "M1 d d 0 0 m", ".op"].join("\n") + "\n", FILE);
    expectNetlistError(load(".model m nmos (level=8 version=3.0)"), 2, 32, /VERSION=3\.0 is not supported: eqspice implements BSIM3v3\.3\.0, v3\.2\.x and v3\.1 .* \(bsim3v0\)/);
    expect(load(".model m nmos (level=8 version=3.1)")).not.toThrow();
  });
  it("a transient and an AC analysis refuse a VERSION 3.1 transistor, naming it", () => {
    const f = path.join(dir, "tran31.cir");
    writeFileSync(f, ["* tran", "VD d 0 PULSE(0 1 0 1n 1n 5n 10n)", "M1 d d 0 0 m L=1u W=1u", ".model m nmos (level=49 version=3.1)", ".tran 1n 20n", ".end", ""].join("\n"));
    expect(() => transient(loadCircuitFromText(["* tran", "VD d 0 PULSE(0 1 0 1n 1n 5n 10n)", "M1 d d 0 0 m L=1u W=1u", ".model m nmos (level=49 version=3.1)", ".tran 1n 20n", ".end"].join("\n"), f))).toThrow(
      /m1: transients of BSIM3 VERSION 3\.1 MOSFETs \(ngspice's bsim3v1\) are not supported/,
    );
    const a = path.join(dir, "ac31.cir");
    writeFileSync(a, ["* ac", "VD d 0 1 ac 1", "M1 d d 0 0 m L=1u W=1u", ".model m nmos (level=49 version=3.1)", ".ac dec 2 1k 1meg", ".end", ""].join("\n"));
    expect(() => acSweep(a)).toThrow(/m1: no small-signal model/);
  });
});
