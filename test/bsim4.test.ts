/**
 * BSIM4 4.8 (MOSFET LEVEL=14 and 54, ngspice 39's bsim4) in DC: the stamp
 * against finite differences of the device's currents in every region
 * (subthreshold, linear, saturation, reversed drain and source, body bias,
 * forward-biased bulk past IJTHSFWD's limit, substrate current, GIDL/GISL,
 * poly depletion, MOBMOD 0/1/2, gate tunneling, DIOMOD 0/2, series RSH),
 * NMOS and PMOS; then live ngspice 39 (skipped with one warning when it is
 * missing): I-V grids for the 45 nm-style NMOS and PMOS cards with binning
 * at three lengths and the all-default cards; circuits (an inverter's
 * transfer curve with .dc, a current mirror, a 5-transistor differential
 * pair, RSH with NRD/NRS, a follower) at TIGHT tolerances; the model-card
 * and instance errors. The other modes' grids are in bsim4-modes.test.ts.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dcSweep, loadCircuitFromText, transient } from "../src/api.js";
import { Bsim4 } from "../src/devices/bsim4/bsim4.js";
import { bsim4InstanceAt, bsim4Model } from "../src/devices/bsim4/bsim4-model.js";
import { MOS_GEOMETRY_DEFAULTS } from "../src/devices/mosfet/mosfet-model.js";
import { ngspiceDecks, TIGHT } from "./helpers/ngspice-compare.js";
import { describeNgspice, itNgspice, runNgspiceDc } from "./helpers/ngspice.js";
import { netlistErrorCheck } from "./helpers/netlist-errors.js";
import { checkStamp } from "./helpers/stamp-check.js";
import { IG, N45, P45, cardOf, currentComparer, ivDeck } from "./helpers/bsim4.js";

function inst(type: 1 | -1, card: string, l: number, w: number, tempC = 27, geom: Partial<typeof MOS_GEOMETRY_DEFAULTS> = {}) {
  const values = new Map<string, number>();
  for (const kv of card.split(/\s+/).filter(Boolean)) {
    const [k, v] = kv.split("=");
    values.set(k, Number(v));
  }
  const g = { ...MOS_GEOMETRY_DEFAULTS, l, w, ad: NaN, as: NaN, pd: NaN, ps: NaN, nrd: NaN, nrs: NaN, ...geom };
  return bsim4InstanceAt(bsim4Model(type, values, 27), g, tempC);
}

/** NMOS-like bias points (mirrored for a PMOS): nodes 1 drain, 2 gate, 3 source, 4 bulk. */
const REGIONS: Array<[string, { vd: number; vg: number; vs: number; vb: number }]> = [
  ["subthreshold", { vd: 1.0, vg: 0.15, vs: 0, vb: -0.3 }],
  ["near the threshold", { vd: 1.1, vg: 0.4, vs: 0, vb: -0.05 }],
  ["linear", { vd: 0.05, vg: 1.0, vs: 0, vb: -0.2 }],
  ["saturation, body bias", { vd: 1.1, vg: 0.9, vs: 0, vb: -0.6 }],
  ["saturation, source above bulk", { vd: 1.2, vg: 1.2, vs: 0.3, vb: 0 }],
  ["reversed, linear", { vd: -0.2, vg: 1.1, vs: 0, vb: -0.4 }],
  ["reversed, saturated", { vd: -1.1, vg: 0.5, vs: 0, vb: -1.2 }],
  ["forward-biased bulk-source", { vd: 1.0, vg: 0.8, vs: 0, vb: 0.35 }],
  ["bulk-drain forward past IJTHSFWD's limit", { vd: -0.9, vg: 0.7, vs: 0, vb: 0 }],
  ["GIDL: gate low, drain high", { vd: 1.4, vg: -0.4, vs: 0, vb: -0.2 }],
  ["GISL: gate low, source high", { vd: 0, vg: -0.3, vs: 1.3, vb: -0.1 }],
];

const STAMP_CARDS: Array<[string, 1 | -1, string, number, number]> = [
  ["45 nm NMOS, L = 45 nm", 1, N45, 45e-9, 0.5e-6],
  ["45 nm NMOS, L = 1 um", 1, N45, 1e-6, 2e-6],
  ["45 nm PMOS (MOBMOD 1, DITS)", -1, P45, 45e-9, 1e-6],
  ["defaults", 1, "", 1e-6, 1e-6],
  ["defaults PMOS, MOBMOD 2", -1, "mobmod=2", 0.2e-6, 1e-6],
  ["45 nm NMOS MOBMOD 3 (UCS, UD)", 1, N45.replace("mobmod=0", "mobmod=3") + " ucs=1.5 ud=0.05 eu=1.6", 45e-9, 0.5e-6],
  ["NMOS gate tunneling IGCMOD 1, IGBMOD 1", 1, N45 + " " + IG, 45e-9, 0.5e-6],
  ["PMOS gate tunneling IGCMOD 2, PIGCD given, AIGS/AIGD", -1, P45 + " " + IG.replace("igcmod=1", "igcmod=2") + " pigcd=2.5 aigs=0.01 aigd=0.009 dlcigd=4e-9", 45e-9, 1e-6],
  ["NMOS DIOMOD 0, breakdown BVS 1.2 V", 1, N45 + " diomod=0 bvs=1.2 xjbvs=0.5 jss=1e-3", 90e-9, 0.5e-6],
  ["PMOS DIOMOD 2, breakdown and reverse limit", -1, P45 + " diomod=2 bvs=1.0 bvd=1.1 xjbvs=0.8 ijthsrev=1e-12 ijthsfwd=1e-13 jss=1e-3 jsws=1e-9", 90e-9, 1e-6],
  ["NMOS GIDLMOD 1, LAMBDA, VTL", 1, N45 + " gidlmod=1 kgidl=0.2 fgidl=0.1 rgidl=0.9 lambda=2e-10 vtl=2e5 xn=4 lc=5e-9", 60e-9, 0.5e-6],
];

describe("BSIM4: the stamp against finite differences of the currents", () => {
  for (const [cn, type, card, l, w] of STAMP_CARDS) {
    for (const [region, v] of REGIONS) {
      it(`${cn}: ${region}`, () => {
        const p = inst(type, card, l, w, 27, { ad: 1e-13, as: 1.2e-13, pd: 1.4e-6, ps: 1.6e-6 });
        const dev = new Bsim4("m1", 1, 2, 3, 4, 1, 3, p);
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
  // the body network (compared with ngspice in test/bsim4-versions.test.ts): the device's stamp with it
  it("with the body network (RBODYMOD 1 and 2: inner bulk 5, drain-side 6, source-side 7), gate tunneling, M = 2", () => {
    for (const [type, card] of [[1, N45 + " rbodymod=1 rbdb=30 rbsb=40 rbpb=20 rbps=60 rbpd=70 " + IG], [-1, P45 + " rbodymod=2 rbps0=50 rbpd0=60 rbsbx0=90 rbdbx0=80 rbpbx0=70 rbpby0=80 rbpbxl=0.1 rbsdbxw=-0.1"]] as const) {
      const p = inst(type, card, 60e-9, 1e-6, 27, { m: 2, ad: 1e-13, as: 1.2e-13, pd: 1.4e-6, ps: 1.6e-6 });
      const dev = new Bsim4("m1", 1, 2, 3, 4, 1, 3, p, [5, 6, 7]);
      for (const [, v] of REGIONS) {
        const volts = [0, type * v.vd, type * v.vg, type * v.vs, type * v.vb, type * (v.vb + 0.01), type * (v.vb + 0.02), type * (v.vb - 0.015)];
        const currents = (x: number[]) => {
          const out = new Float64Array(8);
          dev.addCurrents(Float64Array.from(x), new Float64Array(0), -1, out);
          return Array.from(out);
        };
        checkStamp(dev, 7, volts, currents);
      }
    }
  });
  it("with RSH * NRD / NRS (internal nodes 5, 6) and M = 3, at 80 C", () => {
    for (const type of [1, -1] as const) {
      const p = inst(type, (type === 1 ? N45 : P45) + " rsh=8", 60e-9, 1e-6, 80, { nrd: 2, nrs: 1.5, m: 3 });
      const dev = new Bsim4("m1", 1, 2, 3, 4, 5, 6, p);
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

const { dir, worst, compare } = ngspiceDecks("bsim4");
const relWorst = new Map<string, number>();
afterAll(() => {
  if (relWorst.size) console.log(`bsim4: max relative source current difference against ngspice per I-V grid:\n${[...relWorst].map(([k, v]) => `  ${k}: ${v.toExponential(2)}`).join("\n")}`);
});

const compareCurrents = currentComparer(dir, relWorst);

describeNgspice("BSIM4: I-V grids against ngspice", () => {
  itNgspice("45 nm NMOS and PMOS cards with binning: L = 45 nm, 90 nm, 1 um", () => {
    for (const l of ["45n", "90n", "1u"]) {
      compareCurrents(`iv-n45-${l}`, ivDeck(cardOf("n45", "nmos", N45), 1, l, "0.5u"));
      compareCurrents(`iv-p45-${l}`, ivDeck(cardOf("p45", "pmos", P45), -1, l, "1u"));
    }
  }, 60_000);
  itNgspice("cards with nothing but LEVEL (every default), NMOS and PMOS, junctions from b4geo.c; LEVEL=14; VERSION 4.8", () => {
    compareCurrents("iv-defaults-n", ivDeck(".model nd nmos (level=54)", 1, "1u", "1u", [], ""));
    compareCurrents("iv-defaults-p", ivDeck(".model pd pmos (level=54)", -1, "0.2u", "2u", [], ""));
    compareCurrents("iv-level14", ivDeck(".model n14 nmos (level=14 version=4.8 toxe=2.5e-9 mobmod=2 dmcg=1e-7 dmci=1.2e-7 geomod=1)", 1, "0.13u", "1u", [], ""));
  }, 60_000);
});

const MODELS = [cardOf("n45", "nmos", N45), cardOf("p45", "pmos", P45)];

describeNgspice("BSIM4: circuits against ngspice", () => {
  itNgspice("CMOS inverter: the transfer curve (.dc) and three operating points", () => {
    const deck = ["BSIM4 inverter", "VDD vdd 0 1.1", "VIN in 0 0.55", "MP out in vdd vdd p45 L=45n W=1u", "MN out in 0 0 n45 L=45n W=0.5u", ...MODELS];
    for (const vin of [0.2, 0.5, 0.9]) compare(`inverter-${vin}`, [...deck.map((l) => (l.startsWith("VIN") ? `VIN in 0 ${vin}` : l)), TIGHT]);
    const f = path.join(dir, "inverter-dc.cir");
    writeFileSync(f, [...deck, TIGHT, ".dc VIN 0 1.1 0.01", ".end", ""].join("\n"));
    const ng = runNgspiceDc(f, "VIN 0 1.1 0.01");
    const eq = dcSweep(f);
    expect(eq.stats.points).toBe(ng.sweep.length);
    let w = 0;
    for (let k = 0; k < ng.sweep.length; k++) w = Math.max(w, Math.abs(eq.nodes.out[k] - ng.nodes.out[k]));
    worst.set("inverter-dc", w);
    expect(w).toBeLessThanOrEqual(1e-9);
  });
  itNgspice("current mirror (M=2 output, body effect through a source resistor) and a 5-transistor differential pair, balanced and unbalanced", () => {
    compare("mirror", ["BSIM4 mirror", TIGHT, "VDD vdd 0 1.1", "IREF vdd g 20u", "M1 g g 0 0 n45 L=90n W=1u", "M2 o g s 0 n45 L=90n W=1u M=2", "RS s 0 2k", "RL vdd o 20k", ...MODELS]);
    for (const dv of [0, 0.004, -0.03]) {
      compare(`diffpair-${dv}`, [
        "BSIM4 five-transistor OTA",
        TIGHT,
        "VDD vdd 0 1.1",
        `VP inp 0 ${0.6 + dv / 2}`,
        `VM inm 0 ${0.6 - dv / 2}`,
        "VBN bn 0 0.45",
        "M1 x inp tail 0 n45 L=90n W=1u",
        "M2 out inm tail 0 n45 L=90n W=1u",
        "M3 x x vdd vdd p45 L=90n W=2u",
        "M4 out x vdd vdd p45 L=90n W=2u",
        "M5 tail bn 0 0 n45 L=0.2u W=1u",
        ...MODELS,
      ]);
    }
  });
  itNgspice("RSH with NRD/NRS (internal nodes), junction areas and a forward-biased bulk, a PMOS source follower, default L and W", () => {
    compare("rsh", ["BSIM4 RSH", TIGHT, "VDD vdd 0 1.1", "VG g 0 0.9", "RD vdd d 2k", "M1 d g s b n45r L=60n W=1u NRD=3 NRS=2 AD=0.1p AS=0.1p PD=1.4u PS=1.4u", "RS s 0 500", "VB b 0 0.2", cardOf("n45r", "nmos", N45 + " rsh=12")]);
    // RSH without NRD/NRS: no series resistance in BSIM4
    compare("rsh-no-nrd", ["BSIM4 RSH no NRD", TIGHT, "VDD vdd 0 1.1", "VG g 0 0.9", "RD vdd d 2k", "M1 d g 0 0 n45r L=60n W=1u", cardOf("n45r", "nmos", N45 + " rsh=12")]);
    compare("follower", ["BSIM4 follower", TIGHT, "VDD vdd 0 1.1", "VG g 0 0.3", "M1 0 g s vdd p45 L=60n W=2u", "RB vdd s 10k", ...MODELS]);
    compare("default-lw", ["BSIM4 default L W", TIGHT, "VDD vdd 0 1.8", "VG g 0 1.0", "RD vdd d 5k", "M1 d g 0 0 nd NRS=1", ".model nd nmos (level=54 toxe=3e-9 rsh=10)"]);
  });
});

describe("BSIM4: bad input", () => {
  const FILE = "bsim4.cir";
  const expectNetlistError = netlistErrorCheck(FILE);
  const load = (...lines: string[]) => () => loadCircuitFromText(["* bsim4", ...lines, "V1 d 0 1", "M1 d d 0 0 m"].join("\n") + "\n", FILE);
  it("a parameter ngspice's bsim4 does not know, at its place; a BSIM3 name BSIM4 does not have", () => {
    expectNetlistError(load(".model m nmos (level=54 toxe=2n vto=0.7)"), 2, 37, /unknown BSIM4 \(MOSFET level 14\/54\) model parameter 'vto' in \.model m/);
    expectNetlistError(load(".model m nmos (level=14 nch=1e17)"), 2, 29, /unknown BSIM4 .* parameter 'nch'/);
  });
  it("refused modes name their parameter at its place", () => {
    expectNetlistError(load(".model m nmos (level=54 rdsmod=1)"), 2, 32, /BSIM4 RDSMOD=1 is not supported/);
    expectNetlistError(load(".model m nmos (level=54 igcmod=3)"), 2, 32, /IGCMOD=3 is not supported: ngspice knows IGCMOD 0, 1 and 2/);
    expectNetlistError(load(".model m nmos (level=54 igbmod=2)"), 2, 32, /IGBMOD=2 is not supported/);
    expectNetlistError(load(".model m nmos (level=54 rgatemod=2)"), 2, 34, /RGATEMOD=2 is not supported: eqspice models BSIM4 RGATEMOD 0 and 1/);
    expectNetlistError(load(".model m nmos (level=54 rbodymod=3)"), 2, 34, /RBODYMOD=3 is not supported: ngspice knows RBODYMOD 0, 1 and 2/);
    expectNetlistError(load(".model m nmos (level=54 rbps0=0)"), 2, 31, /RBPS0=0 must be positive/);
    expectNetlistError(load(".model m nmos (level=54 trnqsmod=1)"), 2, 34, /TRNQSMOD=1 is not supported/);
    expectNetlistError(load(".model m nmos (level=54 acnqsmod=1)"), 2, 34, /ACNQSMOD=1 is not supported/);
    expectNetlistError(load(".model m nmos (level=54 mobmod=4)"), 2, 32, /MOBMOD=4 is not supported: eqspice models BSIM4 MOBMOD 0, 1, 2 and 3/);
    expectNetlistError(load(".model m nmos (level=54 diomod=3)"), 2, 32, /DIOMOD=3 is not supported: ngspice knows DIOMOD 0, 1 and 2/);
    expectNetlistError(load(".model m nmos (level=54 tempmod=1)"), 2, 33, /TEMPMOD=1 is not supported/);
    expectNetlistError(load(".model m nmos (level=54 wpemod=1)"), 2, 32, /WPEMOD=1 is not supported/);
    expectNetlistError(load(".model m nmos (level=54 jtss=1e-6 vtss=0)"), 2, 40, /VTSS=0 is not supported with JTSS nonzero: the trap-assisted tunneling current needs a positive VTSS/);
    expectNetlistError(load(".model m nmos (level=54 version=3.9)"), 2, 33, /BSIM4 VERSION=3\.9 is not supported: eqspice implements BSIM4 4\.0 to 4\.8 .* ngspice 39 has no BSIM4 device for version 3\.9/);
    expectNetlistError(load(".model m nmos (level=54 version=4.9)"), 2, 33, /VERSION=4\.9 is not supported/);
    // bsim4v7 ignores 4.8's GIDLCLAMP and IDOVVDS ("unrecognized parameter"), and so does eqspice, with a warning
    expect(load(".model m nmos (level=54 version=4.7 gidlclamp=-1e-4)")().warnings.some((w) => w.startsWith(`${FILE}:2:47: `) && /GIDLCLAMP is not a parameter of ngspice 39's bsim4v7/.test(w))).toBe(true);
    expectNetlistError(load(".model m nmos (level=54 toxe=0)"), 2, 30, /TOXE must be positive \(got 0\)/);
    expectNetlistError(load(".model m nmos (level=54 rsh=-2)"), 2, 29, /RSH must not be negative/);
  });
  it("instance parameters eqspice does not model (NF, SA, SB, DELVTO) and OFF are refused", () => {
    const el = (inst: string) => () => loadCircuitFromText(["* bsim4", ".model m nmos (level=54)", "V1 d 0 1", `M1 d d 0 0 m ${inst}`].join("\n") + "\n", FILE);
    expect(el("nf=2")).toThrow(/nf/i);
    expect(el("sa=1u sb=1u")).toThrow(/sa/i);
    expect(el("delvto=0.1")).toThrow(/delvto/i);
    expectNetlistError(el("off"), 4, 14, /'off' is not supported for BSIM4 \(level 14\/54\) MOSFETs/);
  });
  it("a non-positive L or W, an empty effective channel, and what b4check.c calls fatal", () => {
    const el = (m: string, inst: string) => () => loadCircuitFromText(["* bsim4", m, "V1 d 0 1", `M1 d d 0 0 m ${inst}`].join("\n") + "\n", FILE);
    expectNetlistError(el(".model m nmos (level=54)", "L=0 W=1u"), 4, 16, /L must be positive/);
    expectNetlistError(el(".model m nmos (level=54 lint=0.6u)", "L=1u W=1u"), 4, 16, /BSIM4 effective channel length Leff = .* is not positive/);
    expectNetlistError(el(".model m nmos (level=54 wint=0.6u)", "L=1u W=1u"), 4, 21, /BSIM4 effective channel width Weff = .* is not positive/);
    expectNetlistError(el(".model m nmos (level=54 pclm=0)", "L=1u W=1u"), 4, 1, /m1: BSIM4 model m: PCLM = 0 is not positive/);
    expectNetlistError(el(".model m nmos (level=54 vsat=1e4 at=1e5)", "L=1u W=1u\n.temp 100"), 4, 1, /VSAT at the circuit temperature = -1432\d\.\d+ is not positive/);
  });
  it("a transient is refused, naming the level; .op works", () => {
    const c = loadCircuitFromText(["* bsim4", ".model m nmos (level=54)", "V1 d 0 PULSE(0 1 1n 1n 1n 5n 10n)", "M1 d d 0 0 m", ".tran 1n 20n"].join("\n") + "\n", FILE);
    expectNetlistError(() => transient(c), 4, 1, /tran: m1: transients of BSIM4 MOSFETs \(level 14\/54\) are not supported yet/);
  });
});
