/**
 * BSIM4 VERSION 4.0-4.6 as ngspice 39 runs them in DC: 4.0 to 4.5 with its
 * bsim4v5 device, 4.6.x with bsim4v6 (inpdomod.c). Against live ngspice
 * (skipped with one warning when it is missing): I-V grids of the 45 nm
 * test cards with the VERSION changed (UD's 1e14 default and the bsim4v5
 * mobility term, MOBMOD 0/1/2, gate tunneling with PIGCD derived, LAMBDA,
 * VTL and EPSROX (LITL), junctions without area, reset
 * IJTH/BV/XJBV, temperature; the 4.7/4.8-only parameters DVTP2-5, GIDLMOD,
 * TNFACTOR, AGISL, AIGS, ... ignored as ngspice ignores them), an all-default
 * VERSION 4.3 card, an inverter's .dc transfer curve and a current mirror.
 * Without ngspice: the refusals (VERSION below 4.0, bsim4v5's MOBMOD 3 and
 * PSCBE1 < 0, where ngspice answers NaN) at
 * file:line:col and the warnings for the ignored parameters.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dcSweep, loadCircuitFromText } from "../src/api.js";
import { Bsim4 } from "../src/devices/bsim4/bsim4.js";
import { bsim4InstanceAt, bsim4Model, type Bsim4Ver } from "../src/devices/bsim4/bsim4-model.js";
import { MOS_GEOMETRY_DEFAULTS } from "../src/devices/mosfet/mosfet-model.js";
import { checkStamp } from "./helpers/stamp-check.js";
import { ngspiceDecks, TIGHT } from "./helpers/ngspice-compare.js";
import { describeNgspice, itNgspice, runNgspiceDc, runNgspiceOp } from "./helpers/ngspice.js";
import { opFromFile } from "../src/api.js";
import { netlistErrorCheck } from "./helpers/netlist-errors.js";
import { IG, N45, P45, cardOf, currentComparer, ivDeck } from "./helpers/bsim4.js";

const { dir, worst, compare } = ngspiceDecks("bsim4-versions");
const relWorst = new Map<string, number>();
afterAll(() => {
  if (relWorst.size) console.log(`bsim4-versions: max relative source current difference against ngspice per I-V grid:\n${[...relWorst].map(([k, v]) => `  ${k}: ${v.toExponential(2)}`).join("\n")}`);
});
const compareCurrents = currentComparer(dir, relWorst);

/** The 45 nm NMOS card without its UD (bsim4v5's default is 1e14 m^-2, 4.6's 0). */
const N45_NO_UD = N45.replace("ud=0.1 ", "");

describeNgspice("BSIM4 VERSION 4.5 (ngspice's bsim4v5) against ngspice", () => {
  itNgspice("MOBMOD 0, 1, 2 (the bsim4v5 UD term, UD's 1e14 default), NMOS and PMOS, DVTP2-5 ignored", () => {
    compareCurrents("v45-n", ivDeck(cardOf("n45a", "nmos", N45 + " version=4.5.0"), 1, "45n", "0.5u"));
    compareCurrents("v45-n-ud-default", ivDeck(cardOf("n45b", "nmos", N45_NO_UD + " version=4.5"), 1, "45n", "0.5u"));
    compareCurrents("v45-n-ud-large", ivDeck(cardOf("n45c", "nmos", N45_NO_UD + " version=4.4 ud=3e15"), 1, "90n", "0.5u"));
    compareCurrents("v45-p-mob1", ivDeck(cardOf("p45a", "pmos", P45 + " version=4.5 ud=2e15"), -1, "45n", "1u"));
    compareCurrents("v45-n-mob2", ivDeck(cardOf("n45m2", "nmos", N45_NO_UD.replace("mobmod=0", "mobmod=2").replace("ua=6e-10", "ua=1e-15 eu=1.5") + " version=4.5 ud=1e16"), 1, "60n", "0.5u"));
  }, 60_000);
  itNgspice("gate tunneling (IGCMOD 1 and 2 with PIGCD derived, IGBMOD 1; AIGSD/DLCIG for both edges, AIGS/AIGD/DLCIGD ignored), GIDL with AGISL ignored", () => {
    compareCurrents("v45-ig-n", ivDeck(cardOf("n45i", "nmos", N45 + " version=4.5 " + IG), 1, "45n", "0.5u"));
    compareCurrents("v45-ig2-p", ivDeck(cardOf("p45i", "pmos", P45 + " version=4.5 " + IG.replace("igcmod=1", "igcmod=2") + " aigs=0.01 aigd=0.009 dlcigd=4e-9 agisl=1e-3 egisl=0.5"), -1, "60n", "1u"));
  }, 60_000);
  itNgspice("LAMBDA and VTL (no 4.6.4 Esat fix), EPSROX 3.5 (LITL)", () => {
    compareCurrents("v45-lambda-vtl", ivDeck(cardOf("n45l", "nmos", N45 + " version=4.5 lambda=2e-10 vtl=2e5 xn=4 lc=5e-9 epsrox=3.5"), 1, "45n", "0.5u"));
  }, 60_000);
  itNgspice("junctions: no area nor perimeter (1e-14 A), IJTHSFWD = 0 reset to 0.1 A, DIOMOD 2 with BVS <= 0 and XJBVS = 0 reset; .temp 110 with TNOM 25", () => {
    compareCurrents("v45-nojct", ivDeck(cardOf("n45j", "nmos", N45 + " version=4.5 ijthsfwd=0 ijthdfwd=-1"), 1, "90n", "0.5u", [], ""));
    compareCurrents("v45-dio2", ivDeck(cardOf("n45d", "nmos", N45 + " version=4.5 diomod=2 bvs=-1 xjbvs=0 bvd=1.1 ijthsrev=0 jss=1e-3"), 1, "90n", "0.5u"));
    compareCurrents("v45-temp110", ivDeck(cardOf("n45t", "nmos", N45 + " version=4.5 tnom=25 kt1l=1e-9 ud1=0.05 prt=20 tvoff=1e-3 tnfactor=0.1 teta0=1e-4"), 1, "45n", "0.5u", [".temp 110"]));
    // bsim4v5 and bsim4v6 do not reset NJS below 0.1 (4.7 on do, and eqspice refuses it there)
    compareCurrents("v45-njs-small", ivDeck(cardOf("n45e", "nmos", N45.replace("njs=1.05", "njs=0.08") + " version=4.5"), 1, "90n", "0.5u"));
    compareCurrents("v45-temp-20-p", ivDeck(cardOf("p45t", "pmos", P45 + " version=4.5 tnom=25 at=2e4 ute=-1.2 kt1=-0.2 xtis=2"), -1, "90n", "1u", [".temp -20"]));
  }, 60_000);
  itNgspice("all defaults with VERSION 4.3.0 (LEVEL=14) and 4.0, NMOS and PMOS", () => {
    compareCurrents("v43-defaults-n", ivDeck(".model nd nmos (level=14 version=4.3.0 tnom=27)", 1, "0.18u", "1u"));
    compareCurrents("v40-defaults-p", ivDeck(".model pd pmos (level=54 version=4.0)", -1, "0.18u", "2u"));
  }, 60_000);
});

describeNgspice("BSIM4 VERSION 4.6 (ngspice's bsim4v6) against ngspice", () => {
  itNgspice("the 45 nm cards (DVTP2-5 ignored), gate tunneling with PIGCD derived, GIDLMOD/TNFACTOR/TETA0 ignored at .temp 90", () => {
    compareCurrents("v465-n", ivDeck(cardOf("n46a", "nmos", N45 + " version=4.6.5"), 1, "45n", "0.5u"));
    compareCurrents("v465-p", ivDeck(cardOf("p46a", "pmos", P45 + " version=4.6.5"), -1, "45n", "1u"));
    compareCurrents("v46-ig2-p", ivDeck(cardOf("p46i", "pmos", P45 + " version=4.6 " + IG.replace("igcmod=1", "igcmod=2").replace("aigsd=0.0087 ", "aigs=0.01 aigd=0.009 ") + " dlcigd=4e-9"), -1, "60n", "1u"));
    compareCurrents("v46-ig-n", ivDeck(cardOf("n46i", "nmos", N45 + " version=4.6.1 " + IG), 1, "45n", "0.5u"));
    compareCurrents("v46-temp90", ivDeck(cardOf("n46t", "nmos", N45 + " version=4.6.5 gidlmod=1 kgidl=0.3 tnom=25 tnfactor=0.1 teta0=1e-4 ud1=0.05"), 1, "45n", "0.5u", [".temp 90"]));
    compareCurrents("v46-mob3", ivDeck(cardOf("n46m3", "nmos", N45.replace("mobmod=0", "mobmod=3") + " version=4.6.5 ucs=1.5 ucste=-4e-3 ud=0.05 eu=1.6"), 1, "45n", "0.5u"));
  }, 60_000);
});

/** MTRLMOD=1 terms (made up): EOT-based oxide, a metal gate's PHIG, a substrate other than silicon's defaults. */
const MTRL = "mtrlmod=1 eot=1.3e-9 vddeot=1.0 phig=4.55 easub=4.0 epsrgate=10 epsrsub=12 ni0sub=1.2e10 bg0sub=1.12 tbgasub=6e-4 tbgbsub=1000 ados=1.1 bdos=0.9 leffeot=5e-8 weffeot=2e-6 tempeot=310 epsrox=15";

describeNgspice("BSIM4 MTRLMOD=1 against ngspice (VERSION 4.8, 4.7 with and without MTRLCOMPATMOD, 4.6.5)", () => {
  itNgspice("I-V grids: TOXP from EOT per transistor, PHIG's VFB (NSUB given) and VFBSD, the mobility's work-function term, GIDL/GISL, gate tunneling", () => {
    const N0 = N45.replace(/toxe=\S+ toxp=\S+ toxm=\S+ epsrox=\S+ /, "toxm=1.3e-9 ");
    const P0 = P45.replace(/toxe=\S+ toxp=\S+ /, "toxm=1.3e-9 ");
    // bsim4v6 keeps one TOXP for the model (eqspice refuses binned threshold terms with it): no L/W/P terms for 4.6.5
    const unbinned = (c: string) => c.replace(/\b(lvth0|wvth0|pvth0|wk2|pk2)=\S+ ?/g, "");
    for (const ver of ["4.8", "4.7", "4.6.5"]) {
      const N = ver === "4.6.5" ? unbinned(N0) : N0;
      const P = ver === "4.6.5" ? unbinned(P0) : P0;
      compareCurrents(`mtrl-${ver}-n`, ivDeck(cardOf(`nm${ver.replace(/\./g, "")}`, "nmos", N.replace("vfb=-0.55 ", "").replace("vth0=0.39 ", "") + ` version=${ver} nsub=2e17 ` + MTRL), 1, "45n", "0.5u"));
      compareCurrents(`mtrl-${ver}-p-ig`, ivDeck(cardOf(`pm${ver.replace(/\./g, "")}`, "pmos", P + ` version=${ver} ` + MTRL.replace("vddeot=1.0", "vddeot=-1.0") + " " + IG.replace("igcmod=1", "igcmod=2")), -1, "60n", "1u"));
    }
    compareCurrents("mtrl-4.7-compat", ivDeck(cardOf("nmc", "nmos", N0 + " version=4.7 mtrlcompatmod=1 toxp=1.1e-9 dtox=0.1e-9 " + MTRL), 1, "45n", "0.5u"));
    compareCurrents("mtrl-4.8-mob1-temp", ivDeck(cardOf("nmt", "nmos", N0.replace("mobmod=0", "mobmod=1").replace("uc=0", "uc=-0.03") + " " + MTRL), 1, "90n", "0.5u", [".temp 80"]));
  }, 60_000);
});

/** Trap-assisted tunneling junction currents (made up, large enough to show): area, sidewall, gate-edge, both sides. */
const TAT = "jtss=2e-4 jtsd=3e-4 jtssws=2e-10 jtsswd=1e-10 jtsswgs=3e-10 jtsswgd=2e-10 njts=12 njtssw=14 njtsswg=9 njtsd=16 njtsswd=11 njtsswgd=13 vtss=6 vtsd=9 vtssws=4 vtsswd=12 vtsswgs=7 vtsswgd=5 xtss=0.03 xtsd=0.01 xtssws=0.05 xtsswd=0.04 xtsswgs=0.02 xtsswgd=0.06 tnjts=0.1 tnjtssw=0.2 tnjtsswg=-0.1 tnjtsd=0.05 tnjtsswd=0.15 tnjtsswgd=0.3";

describeNgspice("BSIM4 trap-assisted tunneling junction currents against ngspice (VERSION 4.8, 4.7, 4.6.5 with JTWEFF, 4.5 with one NJTS.. for both sides)", () => {
  itNgspice("I-V grids at .temp 27 and 100 (TNOM 25), reverse and forward junctions", () => {
    for (const ver of ["4.8", "4.7", "4.6.5", "4.5"]) {
      const v = ver.replace(/\./g, "");
      const extra = ver === "4.5" ? "" : " jtweff=2e-7";
      compareCurrents(`tat-${ver}-n`, ivDeck(cardOf(`nt${v}`, "nmos", N45 + ` version=${ver} ` + TAT + extra), 1, "90n", "0.5u"));
      compareCurrents(`tat-${ver}-p-hot`, ivDeck(cardOf(`pt${v}`, "pmos", P45 + ` version=${ver} tnom=25 ` + TAT + extra), -1, "90n", "1u", [".temp 100"]));
    }
    // junctions from b4geo.c (no AS/AD/PS/PD): the gate-edge component alone
    compareCurrents("tat-4.8-geo", ivDeck(cardOf("ntg", "nmos", N45 + " " + TAT), 1, "90n", "0.5u", [], ""));
  }, 60_000);
});

/**
 * The body network (RBODYMOD 1, 2): nodes to 1e-9 V; every source current
 * to 1e-9 relative plus ngspice's own spread, measured by running ngspice
 * again with GBMIN 1e-13 S larger (a change of 1e-12 or less in every
 * network conductance): the bulk current flows through 20-70 ohm (or,
 * RBODYMOD 2 without RBPS0/RBPD0, 1e3 S) and ngspice's moves by up to 2e-6
 * (1e-2) relative under that change, far more than the change itself.
 */
function compareBody(name: string, lines: string[]): void {
  const f = path.join(dir, `${name}.cir`);
  const g = path.join(dir, `${name}-gbmin.cir`);
  writeFileSync(f, [...lines, ".end", ""].join("\n"));
  writeFileSync(g, [...lines.map((l) => (l.startsWith(".model") ? l.replace(/\)$/, " gbmin=1.1e-12)") : l)), ".end", ""].join("\n"));
  const ng = runNgspiceOp(f);
  const ng2 = runNgspiceOp(g);
  const eq = opFromFile(f);
  let spread = 0;
  let w = 0;
  for (const b of Object.keys(ng.branches)) {
    if (!b.startsWith("v")) continue;
    const i = ng.branches[b];
    const noise = Math.abs(ng2.branches[b] - i);
    spread = Math.max(spread, noise / Math.max(Math.abs(i), 1e-12));
    const d = Math.abs(eq.branches[b] - i);
    expect(d, `${name}: i(${b}) eqspice ${eq.branches[b]} ngspice ${i} (ngspice with GBMIN 1.1e-12: ${ng2.branches[b]})`).toBeLessThanOrEqual(1e-9 * Math.abs(i) + 1e-18 + 10 * noise);
    w = Math.max(w, d / Math.max(Math.abs(i), 1e-12));
  }
  for (const k of Object.keys(ng.nodes)) if (k !== "0" && !k.includes("#")) expect(Math.abs(eq.nodes[k] - ng.nodes[k]), `${name}: v(${k})`).toBeLessThanOrEqual(1e-9);
  relWorst.set(`${name} (ngspice's own spread ${spread.toExponential(1)})`, w);
}

describeNgspice("BSIM4 RBODYMOD 1 and 2 against ngspice (VERSION 4.8, 4.6.5, 4.5)", () => {
  itNgspice("I-V grids with the body network, to ngspice's own spread in the bulk currents", () => {
    const R1 = " rbodymod=1 rbdb=30 rbsb=40 rbpb=20 rbps=60 rbpd=70";
    const R2 = " rbodymod=2 rbps0=50 rbpd0=60 rbsbx0=90 rbdbx0=80 rbpbx0=70 rbpby0=80 rbpbxl=0.1 rbsdbxw=-0.1";
    for (const ver of ["4.8", "4.6.5", "4.5"]) {
      const v = ver.replace(/\./g, "");
      compareBody(`rbody1-${ver}-n`, ivDeck(cardOf(`nb${v}`, "nmos", N45 + ` version=${ver}` + R1), 1, "90n", "0.5u"));
      compareBody(`rbody2-${ver}-p`, ivDeck(cardOf(`pb${v}`, "pmos", P45 + ` version=${ver}` + R2 + " " + IG), -1, "60n", "1u"));
    }
    compareBody("rbody2-bodymode1-n", ivDeck(cardOf("nbm1", "nmos", N45 + " rbodymod=2 rbdb=30 rbsb=40 rbpb=20"), 1, "90n", "0.5u"));
  }, 120_000);
});

const models = (ver: string) => [cardOf("n45", "nmos", N45 + ` version=${ver}`), cardOf("p45", "pmos", P45 + ` version=${ver}`)];

describeNgspice("BSIM4 VERSION 4.5 and 4.6.5 circuits against ngspice", () => {
  for (const ver of ["4.5", "4.6.5"]) {
    itNgspice(`CMOS inverter (.dc transfer curve) and a current mirror, VERSION ${ver}`, () => {
      const deck = [`BSIM4 ${ver} inverter`, "VDD vdd 0 1.1", "VIN in 0 0.55", "MP out in vdd vdd p45 L=45n W=1u", "MN out in 0 0 n45 L=45n W=0.5u", ...models(ver)];
      compare(`inverter-${ver}-op`, [...deck, TIGHT]);
      const f = path.join(dir, `inverter-${ver}-dc.cir`);
      writeFileSync(f, [...deck, TIGHT, ".dc VIN 0 1.1 0.01", ".end", ""].join("\n"));
      const ng = runNgspiceDc(f, "VIN 0 1.1 0.01");
      const eq = dcSweep(f);
      expect(eq.stats.points).toBe(ng.sweep.length);
      let w = 0;
      for (let k = 0; k < ng.sweep.length; k++) w = Math.max(w, Math.abs(eq.nodes.out[k] - ng.nodes.out[k]));
      worst.set(`inverter-${ver}-dc`, w);
      expect(w).toBeLessThanOrEqual(1e-9);
      // a PDK-style instance line: one finger, no stress, no shift written out
      compare(`pdk-instance-${ver}`, [`BSIM4 ${ver} PDK-style instance`, TIGHT, "VDD vdd 0 1.1", "VG g 0 0.7", "M1 vdd g 0 0 n45 L=90n W=1u nf=1 sa=0 sb=0 sd=0 delvto=0 mulu0=1 ad=0.1p as=0.1p pd=1.2u ps=1.2u", ...models(ver)]);
      compare(`mirror-${ver}`, [`BSIM4 ${ver} mirror`, TIGHT, "VDD vdd 0 1.1", "IREF vdd g 20u", "M1 g g 0 0 n45 L=90n W=1u", "M2 o g s 0 n45 L=90n W=1u M=2", "RS s 0 2k", "RL vdd o 20k", ...models(ver)]);
    }, 60_000);
  }
});

/** NMOS-like bias points (mirrored for a PMOS): drain, gate, source, bulk. */
const REGIONS: Array<[string, [number, number, number, number]]> = [
  ["subthreshold", [1.0, 0.15, 0, -0.3]],
  ["linear", [0.05, 1.0, 0, -0.2]],
  ["saturation, body bias", [1.1, 0.9, 0, -0.6]],
  ["reversed, saturated", [-1.1, 0.5, 0, -1.2]],
  ["forward-biased bulk-source", [1.0, 0.8, 0, 0.35]],
];

describe("BSIM4 VERSION 4.5 and 4.6: the stamp against finite differences of the currents", () => {
  const cards: Array<[string, 1 | -1, string, Bsim4Ver]> = [
    ["4.5 NMOS MOBMOD 0, UD 1e14 default", 1, N45.replace("ud=0.1 ", ""), 45],
    ["4.5 PMOS MOBMOD 1, UD 2e15", -1, P45 + " ud=2e15", 45],
    ["4.5 NMOS MOBMOD 2, UD 1e16, LAMBDA, VTL", 1, N45.replace("mobmod=0", "mobmod=2").replace("ua=6e-10", "ua=1e-15 eu=1.5").replace("ud=0.1", "ud=1e16") + " lambda=2e-10 vtl=2e5 xn=4 lc=5e-9", 45],
    ["4.5 NMOS IGCMOD 2, IGBMOD 1 (PIGCD derived)", 1, N45 + " " + IG.replace("igcmod=1", "igcmod=2"), 45],
    ["4.6 PMOS IGCMOD 1 (PIGCD derived)", -1, P45 + " " + IG, 46],
  ];
  for (const [cn, type, card, ver] of cards) {
    it(cn, () => {
      const values = new Map<string, number>();
      for (const kv of card.split(/\s+/).filter(Boolean)) {
        const [k, v] = kv.split("=");
        values.set(k, Number(v));
      }
      const g = { ...MOS_GEOMETRY_DEFAULTS, l: 60e-9, w: 0.5e-6, ad: 1e-13, as: 1.2e-13, pd: 1.4e-6, ps: 1.6e-6, nrd: NaN, nrs: NaN };
      const dev = new Bsim4("m1", 1, 2, 3, 4, 1, 3, bsim4InstanceAt(bsim4Model(type, values, 27, ver), g, 27));
      for (const [, v] of REGIONS) {
        const currents = (x: number[]) => {
          const out = new Float64Array(5);
          dev.addCurrents(Float64Array.from(x), new Float64Array(0), -1, out);
          return Array.from(out);
        };
        checkStamp(dev, 4, [0, ...v.map((x) => type * x)], currents);
      }
    });
  }
});

const FILE = "versions.cir";
const expectNetlistError = netlistErrorCheck(FILE);
const load = (card: string) => () => loadCircuitFromText(["* bsim4 versions", card, "V1 d 0 1", "M1 d d 0 0 m"].join("\n") + "\n", FILE);

describe("BSIM4 versions: refusals and ignored parameters", () => {
  it("refuses a VERSION ngspice 39 has no BSIM4 for, bsim4v5's missing MOBMOD 3 and its NaN for PSCBE1 < 0, MTRLMOD 2, bsim4v6's model-wide TOXP with binning, a PMOS VDDEOT > 0, at file:line:col", () => {
    expectNetlistError(load(".model m nmos (level=54 version=3.9)"), 2, 33, /BSIM4 VERSION=3\.9 is not supported: eqspice implements BSIM4 4\.0 to 4\.8/);
    expectNetlistError(load(".model m nmos (level=54 version=5.0)"), 2, 33, /BSIM4 VERSION=5\.0 is not supported/);
    expectNetlistError(load(".model m nmos (level=54 version=4.5 mobmod=3)"), 2, 44, /MOBMOD=3 is not supported with VERSION 4\.0-4\.5: ngspice's bsim4v5 has no MOBMOD 3/);
    expectNetlistError(load(".model m nmos (level=54 version=4.5 pscbe1=-1e8)"), 2, 44, /PSCBE1=-100000000 is not supported with VERSION 4\.0-4\.5/);
    expect(() => load(".model m nmos (level=54 version=4.6 pscbe1=-1e8)")()).not.toThrow();
    expectNetlistError(load(".model m nmos (level=54 mtrlmod=2)"), 2, 33, /MTRLMOD=2 is not supported: ngspice knows MTRLMOD 0 and 1/);
    expectNetlistError(load(".model m nmos (level=54 version=4.6.5 mtrlmod=1 lk1=1e-3)"), 2, 53, /LK1=0\.001 is not supported with MTRLMOD=1 and VERSION 4\.6: ngspice's bsim4v6 keeps one TOXP for the model/);
    expect(load(".model m nmos (level=54 version=4.6.5 mtrlmod=1 lk1=1e-3)")).toThrow(/LK1/);
    // instance RGEOMOD: no effect without RSH (accepted), refused where b4geo.c's resistance would exist
    const inst = (card: string, args: string) => () => loadCircuitFromText(["* bsim4 versions", card, "V1 d 0 1", `M1 d d 0 0 m ${args}`].join("\n") + "\n", FILE);
    expect(() => inst(".model m nmos (level=54 version=4.6.5)", "l=0.13u w=1u rgeoMod=1")()).not.toThrow();
    expectNetlistError(inst(".model m nmos (level=54 rsh=5)", "l=0.13u w=1u rgeomod=1"), 4, 35, /RGEOMOD=1 with RSH > 0 is not supported: eqspice models BSIM4 without geometry-dependent source\/drain resistance/);
    expect(() => inst(".model m nmos (level=54 rsh=5)", "l=0.13u w=1u rgeomod=1 nrs=1 nrd=1")()).not.toThrow();
    expectNetlistError(inst(".model m nmos (level=54)", "rgeomod=2"), 4, 22, /RGEOMOD=2 is not supported: ngspice knows RGEOMOD 0 and 1/);
    expectNetlistError(load(".model m nmos (level=54 rgeomod=1 rsh=2)"), 2, 33, /RGEOMOD=1 with RSH > 0 is not supported/);
    // the no-op instance values PDK netlists pass (one finger, no stress, no shift) are accepted, others refused
    expect(() => inst(".model m nmos (level=54 version=4.5)", "l=0.15u w=1u nf=1 sa=0 sb=0 sd=0 delvto=0 mulu0=1")()).not.toThrow();
    expectNetlistError(inst(".model m nmos (level=54 version=4.5)", "l=0.15u w=1u nf=2"), 4, 30, /NF=2 is not supported: eqspice models BSIM4 with one finger/);
    expectNetlistError(inst(".model m nmos (level=54 version=4.5)", "sa=1u sb=1u"), 4, 17, /SA=0\.000001 is not supported: eqspice models BSIM4 without the layout stress effect/);
    // a PMOS's VDDEOT must be negative: the centroid's log would be NaN (ngspice does not converge)
    expect(load(".model m pmos (level=54 mtrlmod=1 vddeot=1.5)")).toThrow(/TOXP derived from EOT = NaN is not positive/);
  });
  it("accepts 4.0 to 4.6.x (4.5.0, 4.3, 4.6.5, 4.61, quoted) and ignores the 4.7/4.8-only parameters with a warning at their place", () => {
    for (const v of ["4.0", "4.1.0", "4.2.1", "4.3", "4.4.0", "4.5.0", "4.6", "4.6.5", "4.61", '"4.5"']) {
      expect(() => load(`.model m nmos (level=54 version=${v})`)()).not.toThrow();
    }
    const c = load(".model m nmos (level=54 version=4.5 dvtp4=1 agisl=1e-3 gidlmod=1)")();
    const w = c.warnings.filter((m) => m.includes("bsim4v5"));
    expect(w.length, JSON.stringify(c.warnings)).toBe(3);
    expect(w[0].startsWith(`${FILE}:2:43: `), w[0]).toBe(true);
    expect(w[0]).toMatch(/DVTP4 is not a parameter of ngspice 39's bsim4v5 \(VERSION 4\.0-4\.5\): ignored/);
    const c6 = load(".model m nmos (level=54 version=4.6.5 tnfactor=0.2 agisl=1e-3)")();
    const w6 = c6.warnings.filter((m) => m.includes("bsim4v6"));
    expect(w6.length, JSON.stringify(c6.warnings)).toBe(1);
    expect(w6[0]).toMatch(/TNFACTOR is not a parameter of ngspice 39's bsim4v6/);
  });
});
