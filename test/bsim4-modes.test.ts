/**
 * BSIM4 4.8 (MOSFET LEVEL=14/54) in DC, the modes and parameters beyond
 * the defaults against live ngspice 39 (skipped with one warning when it is
 * missing): I-V grids (every bias point a transistor with its own sources,
 * each source current compared relatively) for MOBMOD 1 and 2, GIDLMOD 1,
 * LAMBDA and VTL, IJTHSFWD, derived K1/K2, NDEP in m^-3, VERSION 4.7,
 * gate tunneling (IGCMOD 1/2, IGBMOD 1), DIOMOD 0 and 2, PARAMCHK's clamps,
 * DTOX, PERMOD/GEOMOD, temperature. The stamps, the default cards, the
 * circuits and the bad input are in test/bsim4.test.ts.
 */
import { afterAll } from "vitest";
import { ngspiceDecks } from "./helpers/ngspice-compare.js";
import { describeNgspice, itNgspice } from "./helpers/ngspice.js";
import { IG, N45, P45, cardOf, currentComparer, ivDeck } from "./helpers/bsim4.js";

const { dir } = ngspiceDecks("bsim4-modes");
const relWorst = new Map<string, number>();
afterAll(() => {
  if (relWorst.size) console.log(`bsim4-modes: max relative source current difference against ngspice per I-V grid:\n${[...relWorst].map(([k, v]) => `  ${k}: ${v.toExponential(2)}`).join("\n")}`);
});
const compareCurrents = currentComparer(dir, relWorst);

describeNgspice("BSIM4: modes and parameters against ngspice", () => {
  itNgspice("MOBMOD 1 and 2, GIDLMOD 1, LAMBDA and VTL, substrate current, IJTHSFWD, BINUNIT 0, K1/K2 from GAMMA1/NSUB, NDEP from GAMMA1", () => {
    compareCurrents("iv-mob1", ivDeck(cardOf("nm1", "nmos", N45.replace("mobmod=0", "mobmod=1").replace("uc=0", "uc=-0.03")), 1, "60n", "0.5u"));
    compareCurrents("iv-mob2", ivDeck(cardOf("nm2", "nmos", N45.replace("mobmod=0", "mobmod=2").replace("ua=6e-10", "ua=1e-15 eu=1.5")), 1, "60n", "0.5u"));
    compareCurrents("iv-mob3", ivDeck(cardOf("nm3", "nmos", N45.replace("mobmod=0", "mobmod=3") + " ucs=1.5 ucste=-4e-3 ud=0.05 eu=1.6"), 1, "45n", "0.5u"));
    compareCurrents("iv-mob3-p-hot", ivDeck(cardOf("pm3", "pmos", P45.replace("mobmod=1", "mobmod=3").replace("uc=-0.04", "uc=-3e-11") + " ucs=1.2 ud=0.02 tnom=25"), -1, "90n", "1u", [".temp 90"]));
    compareCurrents("iv-gidlmod1", ivDeck(cardOf("ng1", "nmos", N45 + " gidlmod=1 kgidl=0.2 fgidl=0.1 rgidl=0.9 agisl=3e-4 egisl=0.7"), 1, "45n", "0.5u"));
    // FGIDL's default is 1 in 4.8.2 (0 in 4.7's b4set.c)
    compareCurrents("iv-gidlmod1-defaults", ivDeck(cardOf("ng2", "nmos", N45 + " gidlmod=1 kgidl=0.3 agidl=1e-3 bgidl=1e9"), 1, "45n", "0.5u"));
    compareCurrents("iv-lambda-vtl", ivDeck(cardOf("nlv", "nmos", N45 + " lambda=2e-10 vtl=2e5 xn=4 lc=5e-9"), 1, "45n", "0.5u"));
    compareCurrents("iv-vtl-p", ivDeck(cardOf("plv", "pmos", P45 + " vtl=1.5e5 xn=2"), -1, "45n", "1u"));
    compareCurrents("iv-ijth", ivDeck(cardOf("nij", "nmos", N45 + " ijthsfwd=1e-9 ijthdfwd=1e-8"), 1, "90n", "0.5u"));
    compareCurrents("iv-derived-k1", ivDeck(".model nk nmos (level=54 toxe=2.5e-9 ndep=3e17 nsub=1e17 gamma1=0.9 vbm=-2.5 xt=1e-7 u0=400 binunit=0 lvth0=1e-9)", 1, "0.13u", "1u"));
    compareCurrents("iv-ndep-gamma1", ivDeck(".model ng nmos (level=54 toxe=2.5e-9 gamma1=0.5 k2=0.01 vth0=0.35 ndep=3e23 ngate=3e26 nsd=1e26)", 1, "0.13u", "1u"));
  }, 60_000);
  itNgspice("VERSION 4.7 (ngspice's bsim4v7): the 45 nm cards, gate tunneling, GIDLMOD 1 with FGIDL's 4.7 default and no GIDLCLAMP", () => {
    compareCurrents("iv-v47-n", ivDeck(cardOf("n47", "nmos", N45 + " version=4.7"), 1, "45n", "0.5u"));
    compareCurrents("iv-v47-p-ig", ivDeck(cardOf("p47", "pmos", P45 + " version=4.7.0 " + IG.replace("igcmod=1", "igcmod=2")), -1, "60n", "1u"));
    compareCurrents("iv-v47-gidlmod1", ivDeck(cardOf("ng47", "nmos", N45 + " version=4.7 gidlmod=1 kgidl=0.3 agidl=1e-3 bgidl=1e9"), 1, "45n", "0.5u"));
  }, 60_000);
  itNgspice("gate tunneling: IGCMOD 1 and 2, IGBMOD 1, PIGCD derived and given, AIGSD or AIGS/AIGD with their L/W forms, NMOS and PMOS", () => {
    compareCurrents("iv-ig-n", ivDeck(cardOf("ni", "nmos", N45 + " " + IG), 1, "45n", "0.5u"));
    compareCurrents("iv-ig2-n", ivDeck(cardOf("ni2", "nmos", N45 + " " + IG.replace("igcmod=1", "igcmod=2") + " pigcd=2.1 laigsd=1e-4"), 1, "90n", "0.5u"));
    compareCurrents("iv-ig-p", ivDeck(cardOf("pi", "pmos", P45 + " " + IG.replace("igcmod=1", "igcmod=2").replace("aigsd=0.0087 ", "aigs=0.01 aigd=0.009 laigs=2e-4 ") + " dlcigd=4e-9 vfbsdoff=0.02"), -1, "45n", "1u"));
    // RGATEMOD=1: the gate current through the electrode resistance RSHG (XGW + W/3NGCON) / (NGCON (L - XGL))
    compareCurrents("iv-ig-rgate1", ivDeck(cardOf("nrg", "nmos", N45 + " " + IG + " rgatemod=1 rshg=400 xgw=1e-7 ngcon=1 xgl=5e-9"), 1, "45n", "0.5u"));
    compareCurrents("iv-igb-only", ivDeck(cardOf("nb", "nmos", N45 + " igbmod=1 aigbacc=0.012 bigbacc=0.0028 cigbacc=0.002 aigbinv=0.014 bigbinv=0.004 cigbinv=0.004 eigbinv=1.1 nigbinv=3 nigbacc=1 toxref=1.8e-9"), 1, "60n", "0.5u"));
  }, 60_000);
  itNgspice("junction diodes DIOMOD 0 and 2 with breakdown (BVS/BVD, XJBVS/XJBVD, IJTHSREV/IJTHDREV), forward and reverse past their limits", () => {
    compareCurrents("iv-dio0", ivDeck(cardOf("nd0", "nmos", N45 + " diomod=0 bvs=1.2 xjbvs=0.5 jss=1e-3"), 1, "90n", "0.5u"));
    compareCurrents("iv-dio2", ivDeck(cardOf("nd2", "nmos", N45 + " diomod=2 bvs=1.3 bvd=1.1 xjbvs=0.8 ijthsrev=1e-12 ijthdrev=1e-11 ijthsfwd=1e-13 jss=1e-3 jsws=1e-9"), 1, "90n", "0.5u"));
    compareCurrents("iv-dio2-p", ivDeck(cardOf("pd2", "pmos", P45 + " diomod=2 bvs=1.0 xjbvs=0.8 xjbvd=1.5 jss=1e-3"), -1, "90n", "1u"));
    compareCurrents("iv-dio2-xjbv0", ivDeck(cardOf("nd3", "nmos", N45 + " diomod=2 bvs=1.2 xjbvs=0 jss=1e-3"), 1, "90n", "0.5u"));
  }, 60_000);
  itNgspice("PARAMCHK clamps (A2 above 1, negative PRWG and RDSW), TOXP from TOXE - DTOX, TOXE from TOXP + DTOX, PERMOD 0, GEOMOD 2 with DMCG", () => {
    compareCurrents("iv-paramchk", ivDeck(cardOf("nc", "nmos", N45.replace("a2=1.0", "a2=1.3 a1=0.1").replace("prwg=0.1", "prwg=-0.2").replace("rdsw=155", "rdsw=-20")), 1, "60n", "0.5u"));
    compareCurrents("iv-dtox", ivDeck(cardOf("nt", "nmos", N45.replace("toxp=1.5e-9 toxm=1.8e-9 ", "") + " dtox=0.25e-9"), 1, "60n", "0.5u"));
    compareCurrents("iv-toxp", ivDeck(cardOf("ntp", "pmos", P45.replace("toxe=1.85e-9 toxp=1.5e-9", "toxp=1.4e-9 dtox=0.3e-9")), -1, "60n", "1u"));
    compareCurrents("iv-permod0", ivDeck(cardOf("npm", "nmos", N45 + " permod=0 geomod=2 dmcg=8e-8 dmci=9e-8 dmdg=5e-8 jss=1e-3 jsws=1e-9 jswgs=1e-9"), 1, "60n", "0.5u", [], "AD=0.1p PS=1.6u"));
  }, 60_000);
  itNgspice("temperature: .temp -20 and 110 with a model TNOM of 25 C (UTE, KT1, KT1L, KT2, UA1, UB1, UC1, UD1, AT, PRT, XTIS, TVOFF, TNFACTOR, TETA0)", () => {
    for (const t of [-20, 110]) {
      compareCurrents(`iv-temp${t}-n`, ivDeck(cardOf("n45", "nmos", N45 + " tnom=25 kt1l=1e-9 ud1=0.05 prt=20 tvoff=1e-3 tnfactor=0.1 teta0=1e-4"), 1, "45n", "0.5u", [`.temp ${t}`]));
      compareCurrents(`iv-temp${t}-p`, ivDeck(cardOf("p45", "pmos", P45 + " tnom=25 at=2e4 ute=-1.2 kt1=-0.2 xtis=2"), -1, "90n", "1u", [`.temp ${t}`]));
    }
  }, 60_000);
});
