/**
 * BSIM4 (ngspice 39's bsim4, version 4.8.2; MOSFET LEVEL=14 and LEVEL=54):
 * the model card (every model parameter name ngspice 39's bsim4 knows, the
 * defaults of b4set.c, the unit conversions of b4mpar.c), and the size- and
 * temperature-dependent values of one transistor (b4temp.c: binning of the
 * L/W/P-prefixed parameters on 1/Leff, 1/Weff and 1/(Leff Weff), the
 * derived threshold, doping, mobility, saturation velocity and series
 * resistance values at the circuit temperature, the junction areas and
 * perimeters of b4geo.c, and the junctions' saturation currents), with
 * b4check.c's PARAMCHK clamps. The DC current is in bsim4-dc.ts.
 *
 * Units as ngspice reads them: metres (TOXE, XJ, L, W, LINT, WINT, ...),
 * NDEP / NSUB / NSD / NGATE in cm^-3 (NDEP above 1e20, NSD and NGATE above
 * 1e23 are taken as m^-3 and scaled by 1e-6, as b4mpar.c), U0 in m^2/(V s)
 * (above 1: cm^2/(V s), scaled by 1e-4, as b4temp.c), VSAT in m/s, RDSW in
 * ohm um^WR, JSS in A/m^2, JSWS in A/m, JSWGS in A/m. TNOM in Celsius at the
 * interface, kelvin inside. VTH0 keeps its physical sign (negative for an
 * enhancement PMOS); the device works in normalized voltages (type *
 * physical), as levels 1-3 and BSIM3.
 *
 * What eqspice computes is the DC of the default modes (see
 * bsim4Unsupported: the other selectors are refused at elaboration).
 */
import { CHARGE, CONSTCtoK } from "../diode/diode-model.js";
import { CONSTvt0 } from "../bsim3/bsim3-model.js";
import type { MosGeometry } from "../mosfet/mos-shared.js";

/** b4temp.c's constants (its own values). */
const KboQ = 8.617087e-5;
export const EPS0 = 8.85418e-12;
export const EPSSI = 1.03594e-10;
export const Charge_q = 1.60219e-19;
export const MIN_EXP = 1.713908431e-15;
export const MAX_EXP = 5.834617425e14;
export const EXP_THRESHOLD = 34.0;
const PI = 3.141592654;
export { CHARGE };

/**
 * The parameters b4temp.c bins (each has L-, W- and P-prefixed forms; KU0,
 * KVTH0 and their L/W/P forms are the stress model's and are not binned, but
 * are named alike), as ngspice 39 lists them (showmod).
 */
export const BSIM4_BINNED = [
  "cdsc", "cdscb", "cdscd", "cit", "nfactor", "xj", "vsat", "at", "a0", "ags", "a1", "a2", "keta", "nsub", "ndep", "nsd", "phin",
  "ngate", "gamma1", "gamma2", "vbx", "vbm", "xt", "k1", "kt1", "kt1l", "kt2", "k2", "k3", "k3b", "w0", "dvtp0", "dvtp1", "dvtp2",
  "dvtp3", "dvtp4", "dvtp5", "lpe0", "lpeb", "dvt0", "dvt1", "dvt2", "dvt0w", "dvt1w", "dvt2w", "drout", "dsub", "vth0", "ua",
  "ua1", "ub", "ub1", "uc", "uc1", "ud", "ud1", "up", "lp", "u0", "eu", "ucs", "ute", "ucste", "voff", "minv", "minvcv", "delta",
  "rdsw", "rsw", "rdw", "prwg", "prwb", "prt", "eta0", "etab", "pclm", "pdiblc1", "pdiblc2", "pdiblcb", "fprout", "pdits",
  "pditsd", "pscbe1", "pscbe2", "pvag", "vfbcv", "vfb", "acde", "moin", "noff", "voffcv", "xrcrg1", "xrcrg2", "lambda", "vtl",
  "xn", "vfbsdoff", "tvfbsdoff", "tvoff", "tnfactor", "teta0", "tvoffcv", "wr", "dwg", "dwb", "b0", "b1", "cgsl", "cgdl",
  "ckappas", "ckappad", "cf", "clc", "cle", "alpha0", "alpha1", "beta0", "agidl", "bgidl", "cgidl", "rgidl", "kgidl", "fgidl",
  "egidl", "agisl", "bgisl", "cgisl", "rgisl", "kgisl", "fgisl", "egisl", "aigc", "bigc", "cigc", "aigsd", "bigsd", "cigsd",
  "aigs", "bigs", "cigs", "aigd", "bigd", "cigd", "aigbacc", "bigbacc", "cigbacc", "aigbinv", "bigbinv", "cigbinv", "nigc",
  "nigbinv", "nigbacc", "ntox", "eigbinv", "pigcd", "poxedge", "ku0", "kvth0", "kvth0we", "k2we", "ku0we",
] as const;

const BSIM4_OTHER = [
  "cvchargemod", "capmod", "diomod", "rdsmod", "trnqsmod", "acnqsmod", "mobmod", "rbodymod", "rgatemod", "permod", "geomod",
  "rgeomod", "fnoimod", "tnoimod", "mtrlmod", "mtrlcompatmod", "igcmod", "igbmod", "tempmod", "gidlmod", "paramchk", "binunit",
  "version", "eot", "vddeot", "tempeot", "leffeot", "weffeot", "ados", "bdos", "toxe", "toxp", "toxm", "toxref", "dtox", "epsrox",
  "phig", "epsrgate", "easub", "epsrsub", "ni0sub", "bg0sub", "tbgasub", "tbgbsub", "voffl", "voffcvl", "tnom", "cgso", "cgdo",
  "cgbo", "xpart", "rsh", "rdswmin", "rdwmin", "rswmin", "pditsl", "jss", "jsws", "jswgs", "pbs", "njs", "xtis", "mjs", "pbsws",
  "mjsws", "pbswgs", "mjswgs", "cjs", "cjsws", "cjswgs", "jsd", "jswd", "jswgd", "pbd", "njd", "xtid", "mjd", "pbswd", "mjswd",
  "pbswgd", "mjswgd", "cjd", "cjswd", "cjswgd", "tpb", "tcj", "tpbsw", "tcjsw", "tpbswg", "tcjswg", "dmcg", "dmci", "dmdg",
  "dmcgt", "xgw", "xgl", "rshg", "ngcon", "lc", "lintnoi", "lint", "ll", "llc", "lln", "lw", "lwc", "lwn", "lwl", "lwlc", "lmin",
  "lmax", "wint", "wl", "wlc", "wln", "ww", "wwc", "wwn", "wwl", "wwlc", "wmin", "wmax", "dwc", "dlc", "xw", "xl", "dlcig",
  "dlcigd", "dwj", "ijthdfwd", "ijthsfwd", "ijthdrev", "ijthsrev", "xjbvd", "xjbvs", "bvd", "bvs", "jtss", "jtsd", "jtssws",
  "jtsswd", "jtsswgs", "jtsswgd", "jtweff", "njts", "njtssw", "njtsswg", "njtsd", "njtsswd", "njtsswgd", "xtss", "xtsd", "xtssws",
  "xtsswd", "xtsswgs", "xtsswgd", "tnjts", "tnjtssw", "tnjtsswg", "tnjtsd", "tnjtsswd", "tnjtsswgd", "vtss", "vtsd", "vtssws",
  "vtsswd", "vtsswgs", "vtsswgd", "gbmin", "rbdb", "rbpb", "rbsb", "rbps", "rbpd", "rbps0", "rbpsl", "rbpsw", "rbpsnf", "rbpd0",
  "rbpdl", "rbpdw", "rbpdnf", "rbpbx0", "rbpbxl", "rbpbxw", "rbpbxnf", "rbpby0", "rbpbyl", "rbpbyw", "rbpbynf", "rbsbx0",
  "rbsby0", "rbdbx0", "rbdby0", "rbsdbxl", "rbsdbxw", "rbsdbxnf", "rbsdbyl", "rbsdbyw", "rbsdbynf", "saref", "sbref", "wlod",
  "kvsat", "tku0", "llodku0", "wlodku0", "llodvth", "wlodvth", "stk2", "lodk2", "steta0", "lodeta0", "web", "wec", "scref",
  "wpemod", "noia", "noib", "noic", "tnoia", "tnoib", "tnoic", "rnoia", "rnoib", "rnoic", "gidlclamp", "idovvds", "ntnoi", "em",
  "ef", "af", "kf", "vgs_max", "vgd_max", "vgb_max", "vds_max", "vbs_max", "vbd_max", "vgsr_max", "vgdr_max", "vgbr_max",
  "vbsr_max", "vbdr_max",
] as const;

/**
 * Every BSIM4 model parameter name of ngspice 39 (its model table, plus
 * LEVEL, the NMOS/PMOS flags and the VTHO aliases of VTH0), lower case,
 * mapped to the canonical name eqspice stores it under; "version" is the
 * string VERSION, null the flags and LEVEL.
 */
export const BSIM4_PARAM_NAMES: Readonly<Record<string, string | null>> = (() => {
  const m: Record<string, string | null> = { level: null, nmos: null, pmos: null, version: "version" };
  for (const b of BSIM4_BINNED) for (const pre of ["", "l", "w", "p"]) m[pre + b] = pre + b;
  for (const pre of ["", "l", "w", "p"]) m[pre + "vtho"] = pre + "vth0";
  for (const k of BSIM4_OTHER) if (k !== "version") m[k] = k;
  return m;
})();

/** A BSIM4 card after b4set.c's defaults and b4temp.c's model-wide part (at TNOM, TEMP-independent). */
export interface Bsim4Model {
  /** +1 NMOS, -1 PMOS. */
  type: 1 | -1;
  /** Every numeric parameter by canonical name, defaults filled in. */
  p: Readonly<Record<string, number>>;
  /** The parameters given on the card (b4temp.c's `...Given` flags matter). */
  given: ReadonlySet<string>;
  /** TNOM (K). */
  tnomK: number;
  /** Electrical and physical oxide capacitances per area EPSROX EPS0 / TOXE, / TOXP (F/m^2); TOXE, TOXP, TOXM after b4temp.c's TOXE/TOXP/DTOX rule (m). */
  coxe: number;
  coxp: number;
  toxe: number;
  toxp: number;
  toxm: number;
  /** VERSION 4.7.x: ngspice's bsim4v7, whose DC differs from 4.8 only in FGIDL's default (0) and GIDLMOD 1's GIDLCLAMP (absent). */
  v47: boolean;
  /**
   * Which of ngspice 39's BSIM4 devices runs the card: 48 (bsim4, VERSION
   * 4.8 or none), 47 (bsim4v7), 46 (bsim4v6, VERSION 4.6.x), 45 (bsim4v5,
   * VERSION 4.0 to 4.5). See bsim4VersionOf.
   */
  ver: Bsim4Ver;
  /**
   * MTRLMOD = 1 (4.6 on) and MTRLCOMPATMOD != 0 (4.7 on). With MTRLMOD,
   * `toxe` above is EOT, `coxe` 3.9 EPS0 / EOT, and TOXP / COXP are per
   * transistor (Bsim4Instance) unless MTRLCOMPATMOD, where `toxp` follows
   * EOT and DTOX.
   */
  mtrl: boolean;
  compat: boolean;
  /** The EPSROX the equations use (3.9 with MTRLMOD) and the substrate permittivity (F/m: EPSSI, or EPSRSUB EPS0 with MTRLMOD). */
  epsroxEff: number;
  epssub: number;
}

/** ngspice 39's BSIM4 device for a VERSION (inpdomod.c): 48 bsim4, 47 bsim4v7, 46 bsim4v6, 45 bsim4v5. */
export type Bsim4Ver = 45 | 46 | 47 | 48;

/**
 * The model parameters ngspice 39's bsim4 (4.8.2) knows and its bsim4v6
 * (VERSION 4.6.x) does not (b4v6.c's table against b4.c's): bsim4v6
 * ignores them with a warning ("unrecognized parameter"), and so does
 * eqspice. All are inert at their 4.8 defaults in the DC eqspice computes
 * (DVTP2-5, TNFACTOR, TETA0 0; GIDLMOD 0, so RGIDL, KGIDL, FGIDL,
 * GIDLCLAMP unused; IDOVVDS 1e-9 is bsim4v6's constant).
 */
export const BSIM4_NOT_IN_46: ReadonlySet<string> = new Set(
  ("dvtp2 dvtp3 dvtp4 dvtp5 fgidl fgisl gidlclamp gidlmod idovvds kgidl kgisl ldvtp2 ldvtp3 ldvtp4 ldvtp5 lfgidl lfgisl lkgidl lkgisl " +
    "lrgidl lrgisl lteta0 ltnfactor ltvoffcv mtrlcompatmod pdvtp2 pdvtp3 pdvtp4 pdvtp5 pfgidl pfgisl pkgidl pkgisl prgidl prgisl pteta0 " +
    "ptnfactor ptvoffcv rgidl rgisl rnoic teta0 tnfactor tnoic tvoffcv wdvtp2 wdvtp3 wdvtp4 wdvtp5 wfgidl wfgisl wkgidl wkgisl wrgidl " +
    "wrgisl wteta0 wtnfactor wtvoffcv").split(" "),
);

/**
 * The model parameters of ngspice 39's bsim4 that its bsim4v5 (VERSION 4.0
 * to 4.5) does not know (b4v5.c's table): ignored with a warning, as
 * bsim4v5 ignores them. At their 4.8 defaults they change nothing in
 * bsim4v5's DC, which has no separate GISL, source/drain-side IGS/IGD or
 * DLCIGD parameters (GISL takes AGIDL, BGIDL, CGIDL, EGIDL; IGS and IGD
 * take AIGSD, BIGSD, CIGSD; both edges DLCIG): bsim4Model's defaults make
 * exactly that when these are absent.
 */
export const BSIM4_NOT_IN_45: ReadonlySet<string> = new Set([
  ...BSIM4_NOT_IN_46,
  ...("ados agisl aigd aigs bdos bg0sub bgisl bigd bigs cgisl cigd cigs cvchargemod dlcigd easub egisl eot epsrgate epsrsub jtweff " +
    "lagisl laigd laigs lbgisl lbigd lbigs lcgisl lcigd lcigs leffeot legisl lminvcv lucs lucste minvcv mtrlmod ni0sub njtsd njtsswd " +
    "njtsswgd pagisl paigd paigs pbgisl pbigd pbigs pcgisl pcigd pcigs pegisl phig pminvcv pucs pucste tbgasub tbgbsub tempeot tnjtsd " +
    "tnjtsswd tnjtsswgd ucs ucste vddeot voffcvl wagisl waigd waigs wbgisl wbigd wbigs wcgisl wcigd wcigs weffeot wegisl wminvcv wucs " +
    "wucste").split(" "),
]);

/**
 * b4set.c's model defaults that are not 0 (binned parameters: the base
 * value; their L/W/P forms default to 0), as ngspice 39 (4.8.2) prints them
 * for a card with only LEVEL (showmod): FGIDL is 1 there. The *_MAX limits
 * (1e99 in ngspice) are read and unused.
 */
function defaultsFor(type: 1 | -1, mobmod: number): Array<[string, number]> {
  const n = type === 1;
  return [
    ["cdsc", 2.4e-4], ["nfactor", 1], ["xj", 0.15e-6], ["vsat", 8.0e4], ["at", 3.3e4], ["a0", 1], ["a2", 1], ["keta", -0.047],
    ["nsub", 6.0e16], ["ndep", 1.7e17], ["nsd", 1.0e20], ["vbm", -3], ["xt", 1.55e-7], ["kt1", -0.11], ["kt2", 0.022], ["k3", 80],
    ["w0", 2.5e-6], ["lpe0", 1.74e-7], ["dvt0", 2.2], ["dvt1", 0.53], ["dvt2", -0.032], ["dvt1w", 5.3e6], ["dvt2w", -0.032],
    ["drout", 0.56], ["vfb", -1], ["eu", n ? 1.67 : 1.0], ["ucs", n ? 1.67 : 1.0], ["ua", mobmod === 2 ? 1.0e-15 : 1.0e-9],
    ["ua1", 1.0e-9], ["ub", 1.0e-19], ["ub1", -1.0e-18], ["uc", mobmod === 1 ? -0.0465 : -0.0465e-9],
    ["uc1", mobmod === 1 ? -0.056 : -0.056e-9], ["lp", 1.0e-8], ["u0", n ? 0.067 : 0.025], ["ute", -1.5], ["ucste", -4.775e-3],
    ["voff", -0.08], ["delta", 0.01], ["rdsw", 200], ["rdw", 100], ["rsw", 100], ["prwg", 1], ["eta0", 0.08], ["etab", -0.07],
    ["pclm", 1.3], ["pdiblc1", 0.39], ["pdiblc2", 0.0086], ["pscbe1", 4.24e8], ["pscbe2", 1.0e-5], ["wr", 1], ["bgidl", 2.3e9],
    ["cgidl", 0.5], ["egidl", 0.8], ["rgidl", 1], ["fgidl", 1], ["vtl", 2.0e5], ["xn", 3], ["lc", 5.0e-9], ["gidlclamp", -1e-5], ["idovvds", 1e-9],
    ["toxref", 30.0e-10], ["eot", 15.0e-10], ["vddeot", n ? 1.5 : -1.5], ["tempeot", 300.15], ["leffeot", 1], ["weffeot", 10],
    ["ados", 1], ["bdos", 1], ["toxe", 30.0e-10], ["epsrox", 3.9], ["phig", 4.05], ["epsrgate", 11.7], ["easub", 4.05],
    ["epsrsub", 11.7], ["ni0sub", 1.45e10], ["bg0sub", 1.16], ["tbgasub", 7.02e-4], ["tbgbsub", 1108.0], ["vfbcv", -1],
    ["acde", 1], ["moin", 15], ["noff", 1], ["ckappas", 0.6], ["clc", 0.1e-6], ["cle", 0.6], ["xrcrg1", 12], ["xrcrg2", 1],
    ["ijthsfwd", 0.1], ["ijthsrev", 0.1], ["xjbvs", 1], ["bvs", 10], ["jss", 1.0e-4], ["njs", 1], ["xtis", 3], ["pbs", 1],
    ["pbsws", 1], ["mjs", 0.5], ["mjsws", 0.33], ["cjs", 5.0e-4], ["cjsws", 5.0e-10], ["njts", 20], ["njtssw", 20],
    ["njtsswg", 20], ["xtss", 0.02], ["xtssws", 0.02], ["xtsswgs", 0.02], ["vtss", 10], ["vtssws", 10], ["vtsswgs", 10],
    ["lln", 1], ["lwn", 1], ["wln", 1], ["wwn", 1], ["lmax", 1], ["wmax", 1], ["binunit", 1], ["paramchk", 1], ["diomod", 1],
    ["capmod", 2], ["permod", 1], ["fnoimod", 1], ["rshg", 0.1], ["ngcon", 1], ["gbmin", 1.0e-12], ["rbdb", 50], ["rbpb", 50],
    ["rbsb", 50], ["rbps", 50], ["rbpd", 50], ["rbps0", 50], ["rbpd0", 50], ["rbpbx0", 100], ["rbpby0", 100], ["rbsbx0", 100],
    ["rbsby0", 100], ["rbdbx0", 100], ["rbdby0", 100], ["aigc", n ? 1.36e-2 : 9.8e-3], ["bigc", n ? 1.71e-3 : 7.59e-4],
    ["cigc", n ? 0.075 : 0.03], ["aigbacc", 1.36e-2], ["bigbacc", 1.71e-3], ["cigbacc", 0.075], ["aigbinv", 1.11e-2],
    ["bigbinv", 9.49e-4], ["cigbinv", 0.006], ["nigc", 1], ["nigbinv", 3], ["nigbacc", 1], ["ntox", 1], ["eigbinv", 1.1],
    ["pigcd", 1], ["poxedge", 1], ["aigsd", n ? 1.36e-2 : 9.8e-3], ["bigsd", n ? 1.71e-3 : 7.59e-4], ["cigsd", n ? 0.075 : 0.03],
    ["aigs", n ? 1.36e-2 : 9.8e-3], ["bigs", n ? 1.71e-3 : 7.59e-4], ["cigs", n ? 0.075 : 0.03], ["aigd", n ? 1.36e-2 : 9.8e-3],
    ["bigd", n ? 1.71e-3 : 7.59e-4], ["cigd", n ? 0.075 : 0.03], ["saref", 1e-6], ["sbref", 1e-6], ["lodk2", 1], ["lodeta0", 1], ["scref", 1e-6], ["em", 4.1e7],
    ["ef", 1], ["af", 1], ["tnoia", 1.5], ["tnoib", 3.5], ["rnoia", 0.577], ["rnoib", 0.5164], ["rnoic", 0.395], ["ntnoi", 1],
    ["noia", n ? 6.25e41 : 6.188e40], ["noib", n ? 3.125e26 : 1.5e25], ["noic", 8.75e9],
  ];
}

/**
 * The model of a BSIM4 card: `values` the given parameters by canonical
 * name (already evaluated), `tnomC` the default TNOM (`.options tnom`, C).
 * b4mpar.c's conversions (TNOM to kelvin; NDEP above 1e20, NSD and NGATE
 * above 1e23, with their L/W/P forms, scaled by 1e-6), b4set.c's defaults
 * (the D-side junction parameters and GISL default to their S-side and
 * GIDL values, DSUB to DROUT, the C-V geometry offsets to the I-V ones),
 * and b4temp.c's TOXE / TOXP / DTOX rule (MTRLMOD = 0; with MTRLMOD the
 * EOT one). `ver` the ngspice device (Bsim4Ver; `true` for 47, as before):
 * 47 sets FGIDL's default to 0, 45 UD's to 1e14.
 */
export function bsim4Model(type: 1 | -1, values: ReadonlyMap<string, number>, tnomC: number, ver: Bsim4Ver | boolean = 48): Bsim4Model {
  if (typeof ver === "boolean") ver = ver ? 47 : 48;
  const v47 = ver === 47;
  const given = new Set(values.keys());
  const v: Record<string, number> = {};
  for (const b of BSIM4_BINNED) for (const pre of ["", "l", "w", "p"]) v[pre + b] = 0;
  for (const k of BSIM4_OTHER) v[k] = 0;
  const mobmod = values.get("mobmod") ?? 0;
  for (const [k, d] of defaultsFor(type, mobmod)) v[k] = d;
  if (v47) v.fgidl = 0;
  // bsim4v5 (b4v5set.c): UD defaults to 1e14 m^-2 (0 from 4.6 on)
  if (ver === 45) v.ud = 1.0e14;
  const conv = new Map(values);
  for (const pre of ["", "l", "w", "p"]) {
    const nd = conv.get(pre + "ndep");
    if (nd !== undefined && nd > 1.0e20) conv.set(pre + "ndep", nd * 1.0e-6);
    const ns = conv.get(pre + "nsd");
    if (ns !== undefined && ns > 1.0e23) conv.set(pre + "nsd", ns * 1.0e-6);
    const ng = conv.get(pre + "ngate");
    if (ng !== undefined && ng > 1.0e23) conv.set(pre + "ngate", ng * 1.0e-6);
  }
  for (const [k, x] of conv) v[k] = x;
  const dflt = (k: string, from: string): void => {
    if (!given.has(k)) v[k] = v[from];
  };
  // defaults that follow another parameter (b4set.c)
  dflt("toxp", "toxe");
  dflt("toxm", "toxe");
  dflt("dsub", "drout");
  for (const pre of ["", "l", "w", "p"]) for (const k of ["agi", "bgi", "cgi", "egi", "rgi", "kgi", "fgi"]) dflt(pre + k + "sl", pre + k + "dl");
  dflt("ckappad", "ckappas");
  dflt("ijthdfwd", "ijthsfwd");
  dflt("ijthdrev", "ijthsrev");
  dflt("xjbvd", "xjbvs");
  dflt("bvd", "bvs");
  dflt("dmci", "dmcg");
  dflt("llc", "ll");
  dflt("lwc", "lw");
  dflt("lwlc", "lwl");
  dflt("wlc", "wl");
  dflt("wwc", "ww");
  dflt("wwlc", "wwl");
  dflt("dwc", "wint");
  dflt("dlc", "lint");
  dflt("dlcig", "lint");
  if (!given.has("dlcigd")) v.dlcigd = given.has("dlcig") ? v.dlcig : v.lint;
  dflt("dwj", "dwc");
  dflt("cjd", "cjs");
  dflt("cjswd", "cjsws");
  dflt("cjswgs", "cjsws");
  dflt("cjswgd", "cjswgs");
  dflt("jsd", "jss");
  dflt("jswd", "jsws");
  dflt("jswgd", "jswgs");
  dflt("pbd", "pbs");
  dflt("pbswd", "pbsws");
  dflt("pbswgs", "pbsws");
  dflt("pbswgd", "pbswgs");
  dflt("mjd", "mjs");
  dflt("mjswd", "mjsws");
  dflt("mjswgs", "mjsws");
  dflt("mjswgd", "mjswgs");
  dflt("njd", "njs");
  dflt("xtid", "xtis");
  dflt("jtsd", "jtss");
  dflt("jtsswd", "jtssws");
  dflt("jtsswgd", "jtsswgs");
  dflt("njtsd", "njts");
  dflt("njtsswd", "njtssw");
  dflt("njtsswgd", "njtsswg");
  dflt("xtsd", "xtss");
  dflt("xtsswd", "xtssws");
  dflt("xtsswgd", "xtsswgs");
  dflt("vtsd", "vtss");
  dflt("vtsswd", "vtssws");
  dflt("vtsswgd", "vtsswgs");
  // AIGSD/BIGSD/CIGSD set both sides (b4set.c); their L/W/P forms too unless only a side was written
  for (const x of ["aig", "big", "cig"]) {
    if (given.has(x + "sd")) v[x + "s"] = v[x + "d"] = v[x + "sd"];
    const sides = !given.has(x + "sd") && (given.has(x + "s") || given.has(x + "d"));
    if (!sides) for (const pre of ["l", "w", "p"]) v[pre + x + "s"] = v[pre + x + "d"] = v[pre + x + "sd"];
  }
  if (!given.has("vth0")) v.vth0 = type === 1 ? 0.7 : -0.7;
  if (!given.has("cf")) v.cf = ((2.0 * v.epsrox * EPS0) / PI) * Math.log(1.0 + 0.4e-6 / v.toxe);
  // b4temp.c (MTRLMOD = 0): TOXP = TOXE - DTOX when only TOXE is given; TOXE = TOXP + DTOX when only TOXP is
  let toxe = v.toxe;
  let toxp = v.toxp;
  let toxm = v.toxm;
  const ge = given.has("toxe");
  const gp = given.has("toxp");
  const mtrl = v.mtrlmod === 1;
  // MTRLCOMPATMOD is 4.7's (bsim4v6 ignores it: 0)
  const compat = mtrl && v.mtrlcompatmod !== 0;
  if (!mtrl) {
    if (ge && gp && given.has("dtox") && toxe !== toxp + v.dtox) {
      // ngspice warns and ignores DTOX
    } else if (ge && !gp) toxp = toxe - v.dtox;
    else if (!ge && gp) {
      toxe = toxp + v.dtox;
      if (!given.has("toxm")) toxm = toxe;
    }
  } else if (compat) {
    // MTRLCOMPATMOD: TOXP = EOT EPSROX / 3.9 - DTOX when only EOT is given; EOT = (TOXP + DTOX) 3.9 / EPSROX when only TOXP is
    const T0 = v.epsrox / 3.9;
    const geot = given.has("eot");
    if (geot && gp && given.has("dtox") && Math.abs(v.eot * T0 - (toxp + v.dtox)) > 1.0e-20) {
      // ngspice warns and ignores DTOX
    } else if (geot && !gp) toxp = T0 * v.eot - v.dtox;
    else if (!geot && gp) {
      v.eot = (toxp + v.dtox) / T0;
      if (!given.has("toxm")) toxm = v.eot;
    }
  }
  const tnomK = (values.get("tnom") ?? tnomC) + CONSTCtoK;
  v.tnom = tnomK;
  // MTRLMOD 1: the equations' TOXE is EOT, their EPSROX 3.9, the substrate's permittivity EPSRSUB EPS0
  const epsroxEff = mtrl ? 3.9 : v.epsrox;
  const toxeEff = mtrl ? v.eot : toxe;
  const epssub = mtrl ? EPS0 * v.epsrsub : EPSSI;
  const eps = v.epsrox * EPS0;
  return { type, p: v, given, tnomK, coxe: (epsroxEff * EPS0) / toxeEff, coxp: eps / toxp, toxe: toxeEff, toxp, toxm, v47, ver, mtrl, compat, epsroxEff, epssub };
}

/**
 * The first selector or parameter of the card whose DC eqspice does not
 * compute, as [parameter, why], or null. Refused: RDSMOD, RBODYMOD,
 * RGATEMOD, IGCMOD, IGBMOD, TRNQSMOD, ACNQSMOD other than 0; MOBMOD 3 and
 * above; DIOMOD 0 and 2; MTRLMOD 1; TEMPMOD other than 0; WPEMOD 1;
 * GEOMOD above 10 and RGEOMOD other than 0; a trap-assisted tunneling
 * current (JTSS.. nonzero) with its VTS.. or NJTS.. not positive; NJS or
 * NJD below 0.1 with VERSION 4.7 or 4.8 (b4check.c resets them after the
 * junction currents are made). With VERSION 4.0-4.5 (bsim4v5) also MOBMOD
 * 3 (bsim4v5 has none) and PSCBE1 < 0 with PSCBE2 > 0 (ngspice: NaN).
 */
export function bsim4Unsupported(m: Bsim4Model): [string, string] | null {
  const p = m.p;
  const zero: Array<[string, string]> = [
    ["rdsmod", "bias-dependent source/drain resistance (RDSMOD=1)"],
    ["trnqsmod", "the transient non-quasi-static model (TRNQSMOD)"],
    ["acnqsmod", "the AC non-quasi-static model (ACNQSMOD)"],
    ["tempmod", "TEMPMOD other than 0"],
    ["wpemod", "the well proximity effect (WPEMOD=1)"],
  ];
  for (const [k, why] of zero) if (p[k] !== 0) return [k, `${k.toUpperCase()}=${p[k]} is not supported: eqspice models ${why === "TEMPMOD other than 0" ? "TEMPMOD=0 only" : `BSIM4 without ${why}`}`];
  if (p.rgatemod !== 0 && p.rgatemod !== 1) return ["rgatemod", `RGATEMOD=${p.rgatemod} is not supported: eqspice models BSIM4 RGATEMOD 0 and 1 (the bias-dependent gate resistances of 2 and 3 not yet)`];
  // The body network (RBODYMOD 1, 2; bsim4InstanceAt, bsim4.ts). Against ngspice 39 its bulk-source currents differ
  // by 1e-6 (20-70 ohm) to 4e-2 (RBODYMOD 2 without RBPS0/RBPD0: 1e3 S) relative: ngspice's own, its bulk current moving
  // by as much when GBMIN changes by 1e-13 S, which changes the network by 1e-12 (test/bsim4-versions.test.ts)
  if (p.rbodymod !== 0 && p.rbodymod !== 1 && p.rbodymod !== 2) return ["rbodymod", `RBODYMOD=${p.rbodymod} is not supported: ngspice knows RBODYMOD 0, 1 and 2`];
  // (b4check.c's fatal checks from 4.7 on; bsim4v5 and bsim4v6 do not check RBPS0..)
  for (const k of m.ver >= 47 ? ["rbps0", "rbpd0", "rbpbx0", "rbpby0", "rbdbx0", "rbdby0", "rbsbx0", "rbsby0"] : []) {
    if (!(p[k] > 0)) return [k, `${k.toUpperCase()}=${p[k]} must be positive (b4check.c: fatal)`];
  }
  if (p.igcmod !== 0 && p.igcmod !== 1 && p.igcmod !== 2) return ["igcmod", `IGCMOD=${p.igcmod} is not supported: ngspice knows IGCMOD 0, 1 and 2`];
  if (p.igbmod !== 0 && p.igbmod !== 1) return ["igbmod", `IGBMOD=${p.igbmod} is not supported: ngspice knows IGBMOD 0 and 1`];
  // b4v5ld.c takes a negative PSCBE1 into exp(PSCBE1 LITL / (Vds - Vdseff)): the Early voltage VASCBE goes to 0 where
  // Vdseff meets Vds and ngspice 39 answers NaN (4.6 on skip the term)
  if (m.ver === 45 && p.pscbe1 < 0 && p.pscbe2 > 0) return ["pscbe1", `PSCBE1=${p.pscbe1} is not supported with VERSION 4.0-4.5: ngspice's bsim4v5 divides by an Early voltage that vanishes for PSCBE1 < 0 (NaN); VERSION=4.6 or later skips that term`];
  // RGEOMOD's b4geo.c resistances exist only with RSH > 0 (and NRS, NRD not given)
  if (p.rgeomod !== 0 && p.rsh > 0) return ["rgeomod", `RGEOMOD=${p.rgeomod} with RSH > 0 is not supported: eqspice models BSIM4 without geometry-dependent source/drain resistance (RGEOMOD)`];
  if (p.mtrlmod !== 0 && p.mtrlmod !== 1) return ["mtrlmod", `MTRLMOD=${p.mtrlmod} is not supported: ngspice knows MTRLMOD 0 and 1`];
  if (p.mtrlcompatmod !== 0 && p.mtrlcompatmod !== 1) return ["mtrlcompatmod", `MTRLCOMPATMOD=${p.mtrlcompatmod} is not supported: ngspice knows MTRLCOMPATMOD 0 and 1`];
  if (m.mtrl && m.ver === 46) {
    // b4v6temp.c stores the TOXP it derives from EOT in the model, so that the last transistor set up decides every
    // transistor's: eqspice derives it per transistor, which is the same unless the binning makes them differ
    for (const k of ["nsd", "ndep", "phin", "ngate", "vfb", "vth0", "k1", "k2", "k3", "dvt0", "dvt1", "dvt0w", "dvt1w", "lpe0", "lpeb", "kt1", "kt1l", "w0", "nfactor", "cdsc", "cit", "dvtp0", "gamma1", "gamma2", "nsub", "vbx", "vbm", "xt"]) {
      for (const pre of ["l", "w", "p"]) {
        if (p[pre + k] !== 0) return [pre + k, `${(pre + k).toUpperCase()}=${p[pre + k]} is not supported with MTRLMOD=1 and VERSION 4.6: ngspice's bsim4v6 keeps one TOXP for the model, the last transistor's, which binned values make differ`];
      }
    }
  }
  if (m.ver === 45 && p.mobmod === 3) return ["mobmod", `MOBMOD=3 is not supported with VERSION 4.0-4.5: ngspice's bsim4v5 has no MOBMOD 3 (it warns and runs MOBMOD 0); VERSION=4.6 or later has it`];
  if (p.mobmod !== 0 && p.mobmod !== 1 && p.mobmod !== 2 && p.mobmod !== 3) return ["mobmod", `MOBMOD=${p.mobmod} is not supported: eqspice models BSIM4 MOBMOD 0, 1, 2 and 3`];
  if (p.diomod !== 0 && p.diomod !== 1 && p.diomod !== 2) return ["diomod", `DIOMOD=${p.diomod} is not supported: ngspice knows DIOMOD 0, 1 and 2`];
  if (!(p.geomod >= 0 && p.geomod <= 10 && Number.isInteger(p.geomod))) return ["geomod", `GEOMOD=${p.geomod} is not supported: ngspice knows GEOMOD 0 to 10`];
  // (b4v5temp.c's vts fixups are not there: a VTS.. <= 0 divides by zero in b4ld.c)
  for (const [j, vt, nj] of [["jtss", "vtss", "njts"], ["jtsd", "vtsd", "njtsd"], ["jtssws", "vtssws", "njtssw"], ["jtsswd", "vtsswd", "njtsswd"], ["jtsswgs", "vtsswgs", "njtsswg"], ["jtsswgd", "vtsswgd", "njtsswgd"]]) {
    if (p[j] !== 0 && !(p[vt] > 0)) return [vt, `${vt.toUpperCase()}=${p[vt]} is not supported with ${j.toUpperCase()} nonzero: the trap-assisted tunneling current needs a positive ${vt.toUpperCase()}`];
    if (p[j] !== 0 && !(p[nj] > 0)) return [nj, `${nj.toUpperCase()}=${p[nj]} is not supported with ${j.toUpperCase()} nonzero: it must be positive`];
  }
  // (bsim4v5 and bsim4v6 do not reset NJS / NJD below 0.1: elaboration checks they are positive)
  for (const k of m.ver >= 47 ? ["njs", "njd"] : []) if (!(p[k] >= 0.1)) return [k, `${k.toUpperCase()}=${p[k]} is not supported: it must be at least 0.1 (ngspice resets it)`];
  return null;
}

/** Leff = L + XL - 2 dL, Weff = W + XW - 2 dW (NF = 1) and the C-V and junction widths (b4temp.c, m). */
export function bsim4EffectiveSize(mm: Bsim4Model, l: number, w: number): { leff: number; weff: number; leffCV: number; weffCV: number; weffCJ: number } {
  const p = mm.p;
  const Lnew = l + p.xl;
  const Wnew = w + p.xw;
  const T0 = Math.pow(Lnew, p.lln);
  const T1 = Math.pow(Wnew, p.lwn);
  const dl = p.lint + p.ll / T0 + p.lw / T1 + p.lwl / (T0 * T1);
  const dlc = p.dlc + p.llc / T0 + p.lwc / T1 + p.lwlc / (T0 * T1);
  const T2 = Math.pow(Lnew, p.wln);
  const T3 = Math.pow(Wnew, p.wwn);
  const dw = p.wint + p.wl / T2 + p.ww / T3 + p.wwl / (T2 * T3);
  const tmp2 = p.wlc / T2 + p.wwc / T3 + p.wwlc / (T2 * T3);
  const dwc = p.dwc + tmp2;
  const dwj = p.dwj + tmp2;
  return { leff: Lnew - 2 * dl, weff: Wnew - 2 * dw, leffCV: Lnew - 2 * dlc, weffCV: Wnew - 2 * dwc, weffCJ: Wnew - 2 * dwj };
}

/**
 * One transistor's BSIM4 values at the circuit temperature (b4temp.c's
 * size-dependent block `pParam` and the instance values), everything
 * bsim4-dc.ts needs. Lengths in m, voltages in V.
 */
export interface Bsim4Instance {
  model: Bsim4Model;
  type: 1 | -1;
  /** Thermal voltages KboQ T and KboQ TNOM (V); T / TNOM - 1. */
  vtm: number;
  vtm0: number;
  tempRatio: number;
  /** b4temp.c's factor1 = sqrt(EPSSI / (EPSROX EPS0) TOXE). */
  factor1: number;
  leff: number;
  weff: number;
  weffCJ: number;
  /** Binned values after the temperature updates and b4check.c's clamps. */
  b: Record<string, number>;
  /** VTH0 (physical sign), VFB, ETA0, K2 of the instance (V, V, -, -). */
  vth0: number;
  vfb: number;
  eta0: number;
  k2: number;
  phi: number;
  sqrtPhi: number;
  xdep0: number;
  litl: number;
  vbi: number;
  cdep0: number;
  k1ox: number;
  k2ox: number;
  vbsc: number;
  theta0vb0: number;
  thetaRout: number;
  mstar: number;
  voffcbn: number;
  dvtp2factor: number;
  vtfbphi1: number;
  vtfbphi2: number;
  /** U0(T) (m^2/(V s)), VSAT(T) (m/s), RDS0 and RDSWMIN over the width (ohm). */
  u0temp: number;
  vsattemp: number;
  rds0: number;
  rdswmin: number;
  /** MOBMOD 3's Vgsteff at Vth (b4temp.c's VgsteffVth, V; 0 otherwise). */
  vgsteffVth: number;
  /** VTL's factor (1 - T0) / (1 + T0), T0 = Leff / (XN Leff + LC); 0 without VTL. */
  tfactor: number;
  /** Velocity overshoot (LAMBDA given and positive) and the source-end velocity limit (VTL given and positive). */
  useLambda: boolean;
  useVtl: boolean;
  /** Junction saturation currents (A), emission thermal voltages Vtm NJS / NJD (V), DIOMOD 1's forward limits vjsmFwd, vjdmFwd (V) and the currents there (A). */
  sourceSatCur: number;
  drainSatCur: number;
  nvtms: number;
  nvtmd: number;
  vjsmFwd: number;
  vjdmFwd: number;
  ivjsmFwd: number;
  ivjdmFwd: number;
  /** The two junctions' laws (DIOMOD 0, 1, 2), source and drain side. */
  jS: Bsim4Junction;
  jD: Bsim4Junction;
  /**
   * The trap-assisted tunneling currents of the reverse junctions (JTSS..,
   * b4temp.c / b4ld.c), source and drain side, or null when all three of a
   * side are 0: per component (area, sidewall, gate-edge sidewall) the
   * saturation current at T (A), Vtm0 NJTS..(T) (V) and VTS.. (V).
   */
  tatS: Bsim4Tat | null;
  tatD: Bsim4Tat | null;
  /** pnjlim's critical voltage vcrit = vt0 ln(vt0 / (sqrt 2 1e-14)) (V). */
  vcrit: number;
  /** Series conductances 1 / (RSH NRD), 1 / (RSH NRS) (S, without M); 0: no internal node. */
  gd: number;
  gs: number;
  /** Parallel multiplier M. */
  m: number;
  /** Gate tunneling (IGCMOD 1/2, IGBMOD 1): the selectors, VFBZB (V), b4temp.c's Aechvb, Bechvb and their edge forms, ToxRatio, VFBSD + VFBSDOFF (V). */
  igcMod: number;
  igbMod: number;
  vfbzb: number;
  aechvb: number;
  bechvb: number;
  aechvbEdgeS: number;
  aechvbEdgeD: number;
  bechvbEdge: number;
  toxRatio: number;
  vfbsdSum: number;
  /** VFBSD alone (V; MTRLMOD's GIDL/GISL field adds it), Eg0 at TNOM (eV), and the TOXP (m) / COXP (F/m^2) the charge centroid uses (per transistor with MTRLMOD, the model's otherwise). */
  vfbsd: number;
  eg0: number;
  toxp: number;
  coxp: number;
  /** RGATEMOD and the gate electrode's conductance (S, without M; b4temp.c's grgeltd). */
  rgateMod: number;
  grgeltd: number;
  /** RBODYMOD (0, 1, 2) and the body network's conductances (S, without M): bp-db, bp-b, bp-sb, db-b, sb-b. */
  rbodyMod: number;
  grbpd: number;
  grbpb: number;
  grbps: number;
  grbdb: number;
  grbsb: number;
}

/** One side's trap-assisted tunneling: I = -sum isat_k (exp(-v / nvtm_k VTS_k / (VTS_k - v)) - 1) in the junction's direction. */
export interface Bsim4Tat {
  isat: [number, number, number];
  nvtm: [number, number, number];
  vts: [number, number, number];
}

/**
 * One bulk junction's constants (b4temp.c): saturation current isat (A),
 * Nvtm (V), DIOMOD, the forward linearization point vjmFwd (V) with the
 * current and slope there (A, S; DIOMOD 1 and 2), the reverse one (DIOMOD
 * 2), and XJBV exp(-BV / Nvtm), XJBV, BV (DIOMOD 0 and 2's breakdown).
 */
export interface Bsim4Junction {
  isat: number;
  nvtm: number;
  mod: number;
  vjmFwd: number;
  ivjmFwd: number;
  slpFwd: number;
  vjmRev: number;
  ivjmRev: number;
  slpRev: number;
  xExpBV: number;
  xjbv: number;
  bv: number;
}

/** b4temp.c's junction constants for saturation current isat (see Bsim4Junction); IJTH*FWD/REV already clamped at 0. */
function junctionAt(isat: number, nvtm: number, mod: number, ijthFwd: number, ijthRev: number, xjbv: number, bv: number): Bsim4Junction {
  const j: Bsim4Junction = { isat, nvtm, mod, vjmFwd: 0, ivjmFwd: 0, slpFwd: 0, vjmRev: 0, ivjmRev: 0, slpRev: 0, xExpBV: 0, xjbv, bv };
  if (!(isat > 0)) return j;
  // BSIM4DioIjthVjmEval: exp(vjm / Nvtm) = (Tb + sqrt(Tb^2 + 4 Tc)) / 2, Tb = 1 + IJTH / Isat - Tc
  const vjmEval = (ijth: number, tc: number): number => {
    const tb = 1.0 + ijth / isat - tc;
    return nvtm * Math.log(0.5 * (tb + Math.sqrt(tb * tb + 4.0 * tc)));
  };
  if (mod === 0) {
    j.xExpBV = bv / nvtm > EXP_THRESHOLD ? xjbv * MIN_EXP : xjbv * Math.exp(-bv / nvtm);
  } else if (mod === 1) {
    j.vjmFwd = vjmEval(ijthFwd, 0.0);
    j.ivjmFwd = isat * Math.exp(j.vjmFwd / nvtm);
  } else {
    j.xExpBV = bv / nvtm > EXP_THRESHOLD ? xjbv * MIN_EXP : Math.exp(-bv / nvtm) * xjbv;
    j.vjmFwd = vjmEval(ijthFwd, j.xExpBV);
    const T0 = Math.exp(j.vjmFwd / nvtm);
    j.ivjmFwd = isat * (T0 - j.xExpBV / T0 + j.xExpBV - 1.0);
    j.slpFwd = (isat * (T0 + j.xExpBV / T0)) / nvtm;
    let T2 = ijthRev / isat;
    if (T2 < 1.0) T2 = 10.0; // ngspice: "ijthsrev too small and set to 10 times IsbSat"
    j.vjmRev = -bv - nvtm * Math.log((T2 - 1.0) / xjbv);
    const T1 = xjbv * Math.exp(-(bv + j.vjmRev) / nvtm);
    j.ivjmRev = isat * (1.0 + T1);
    j.slpRev = (-isat * T1) / nvtm;
  }
  return j;
}

/** b4geo.c's BSIM4PAeffGeo for one finger: [Ps, Pd, As, Ad] (m, m^2). */
function paEffGeo(geo: number, weffcj: number, dmcg: number, dmci: number, dmdg: number): [number, number, number, number] {
  const T0 = dmcg + dmci;
  const iso: [number, number] = [T0 + T0 + weffcj, T0 * weffcj];
  const sha: [number, number] = [dmcg + dmcg, dmcg * weffcj];
  const mer: [number, number] = [dmdg + dmdg, dmdg * weffcj];
  // one finger: one end diffusion on each side (nuEnd = 1, nuInt = 0)
  const s = [0, 1, 4, 9].includes(geo) ? iso : [6, 7, 8].includes(geo) ? mer : sha;
  const d = [0, 2, 6, 10].includes(geo) ? iso : [4, 5, 8].includes(geo) ? mer : sha;
  return [s[0], d[0], s[1], d[1]];
}

/** b4temp.c's factor1 = sqrt(EPSSUB / (EPSROX EPS0) TOXE). */
function P_factor1(epssub: number, epsrox: number, toxe: number): number {
  return Math.sqrt((epssub / (epsrox * EPS0)) * toxe);
}

/** b4temp.c's exp clamp DEXP. */
function dexp(a: number): number {
  if (a > EXP_THRESHOLD) return MAX_EXP * (1.0 + a - EXP_THRESHOLD);
  if (a < -EXP_THRESHOLD) return MIN_EXP;
  return Math.exp(a);
}

/** T1 / ((T1 - 1)^2 + 2 T1 MIN_EXP), T1 = exp(T0) (b4temp.c's and b4ld.c's short-channel factor). */
function scFactor(T0: number): number {
  if (T0 < EXP_THRESHOLD) {
    const T1 = Math.exp(T0);
    const T2 = T1 - 1.0;
    return T1 / (T2 * T2 + 2.0 * T1 * MIN_EXP);
  }
  return 1.0 / (MAX_EXP - 2.0);
}

/**
 * b4temp.c for one transistor of geometry g at `tempC` (Celsius). The
 * geometry's AS, AD, PS, PD, NRS, NRD are NaN when not given on the
 * instance (BSIM4 then takes the junctions from b4geo.c and puts no series
 * resistance). Throws nothing: bsim4InstanceProblem reports what ngspice
 * would refuse.
 */
export function bsim4InstanceAt(mm: Bsim4Model, g: MosGeometry, tempC: number): Bsim4Instance {
  const p = mm.p;
  const given = mm.given;
  const type = mm.type;
  const Temp = tempC + CONSTCtoK;
  const Tnom = mm.tnomK;
  const TRatio = Temp / Tnom;
  const delTemp = Temp - Tnom;
  const toxe = mm.toxe;
  const coxe = mm.coxe;
  const epsrox = mm.epsroxEff;
  const epssub = mm.epssub;
  const mtrl = mm.mtrl;
  const nf = 1;
  const vcrit = CONSTvt0 * Math.log(CONSTvt0 / (Math.SQRT2 * 1.0e-14));
  const factor1 = Math.sqrt((epssub / (epsrox * EPS0)) * toxe);
  const Vtm0 = KboQ * Tnom;
  // band gap and intrinsic density: silicon's, or with MTRLMOD BG0SUB, TBGASUB, TBGBSUB, NI0SUB
  let Eg0: number, ni: number, Eg: number;
  if (!mtrl) {
    Eg0 = 1.16 - (7.02e-4 * Tnom * Tnom) / (Tnom + 1108.0);
    ni = 1.45e10 * (Tnom / 300.15) * Math.sqrt(Tnom / 300.15) * Math.exp(21.5565981 - Eg0 / (2.0 * Vtm0));
    Eg = 1.16 - (7.02e-4 * Temp * Temp) / (Temp + 1108.0);
  } else {
    Eg0 = p.bg0sub - (p.tbgasub * Tnom * Tnom) / (Tnom + p.tbgbsub);
    const T0 = p.bg0sub - (p.tbgasub * 90090.0225) / (300.15 + p.tbgbsub);
    ni = p.ni0sub * (Tnom / 300.15) * Math.sqrt(Tnom / 300.15) * Math.exp((T0 - Eg0) / (2.0 * Vtm0));
    Eg = p.bg0sub - (p.tbgasub * Temp * Temp) / (Temp + p.tbgbsub);
  }
  const vtm = KboQ * Temp;
  // junction saturation current densities at T
  let sT = 1;
  let dT = 1;
  if (Temp !== Tnom) {
    const T0 = Eg0 / Vtm0 - Eg / vtm;
    const T1 = Math.log(Temp / Tnom);
    sT = Math.exp((T0 + p.xtis * T1) / p.njs);
    dT = Math.exp((T0 + p.xtid * T1) / p.njd);
  }
  const pos = (x: number): number => (x < 0 ? 0 : x);
  const jssT = pos(p.jss * sT);
  const jswsT = pos(p.jsws * sT);
  const jswgsT = pos(p.jswgs * sT);
  const jsdT = pos(p.jsd * dT);
  const jswdT = pos(p.jswd * dT);
  const jswgdT = pos(p.jswgd * dT);
  const v45 = mm.ver === 45;
  // b4temp.c resets IJTH* <= 0 to 0; b4v5temp.c (VERSION 4.0-4.5) to 0.1 A
  const ijr = (x: number): number => (x <= 0 ? (v45 ? 0.1 : 0) : x);
  const ijthsfwd = ijr(p.ijthsfwd);
  const ijthdfwd = ijr(p.ijthdfwd);

  const { leff, weff, weffCJ } = bsim4EffectiveSize(mm, g.l, g.w);
  const invL = p.binunit === 1 ? 1.0e-6 / leff : 1.0 / leff;
  const invW = p.binunit === 1 ? 1.0e-6 / weff : 1.0 / weff;
  const invLW = p.binunit === 1 ? 1.0e-12 / (leff * weff) : 1.0 / (leff * weff);
  const b: Record<string, number> = {};
  for (const k of BSIM4_BINNED) b[k] = p[k] + p["l" + k] * invL + p["w" + k] * invW + p["p" + k] * invLW;

  // temperature (TEMPMOD = 0)
  const T0t = TRatio - 1.0;
  const PowWeffWr = Math.pow(weffCJ * 1.0e6, b.wr) * nf;
  b.ua = b.ua + b.ua1 * T0t;
  b.ub = b.ub + b.ub1 * T0t;
  b.uc = b.uc + b.uc1 * T0t;
  b.ud = b.ud + b.ud1 * T0t;
  const vsattemp = b.vsat - b.at * T0t;
  const T10 = b.prt * T0t;
  let rds0 = ((b.rdsw + T10) * nf) / PowWeffWr;
  let rdswmin = ((p.rdswmin + T10) * nf) / PowWeffWr;
  if (b.u0 > 1.0) b.u0 = b.u0 / 1.0e4;
  const T5u = 1.0 - b.up * Math.exp(-leff / b.lp);
  const u0temp = b.u0 * T5u * Math.pow(TRatio, b.ute);
  if (b.eu < 0) b.eu = 0;
  b.ucs = b.ucs * Math.pow(TRatio, b.ucste);
  if (b.ucs < 0) b.ucs = 0;
  b.voff = b.voff * (1.0 + b.tvoff * delTemp);
  b.nfactor = b.nfactor + (b.tnfactor * delTemp) / Tnom;
  b.eta0 = b.eta0 + (b.teta0 * delTemp) / Tnom;
  const useVtl = given.has("vtl") && p.vtl > 0;
  const useLambda = given.has("lambda") && p.lambda > 0;

  if (!given.has("ndep") && given.has("gamma1")) {
    const t = b.gamma1 * coxe;
    b.ndep = 3.01248e22 * t * t;
  }
  const phi = Vtm0 * Math.log(b.ndep / ni) + b.phin + 0.4;
  const sqrtPhi = Math.sqrt(phi);
  const xdep0 = Math.sqrt((2.0 * epssub) / (Charge_q * b.ndep * 1.0e6)) * sqrtPhi;
  // b4v5temp.c: sqrt(3 XJ TOXE), without 4.6's 3.9 / EPSROX
  const litl = v45 ? Math.sqrt(3.0 * b.xj * toxe) : mtrl ? Math.sqrt((p.epsrsub / epsrox) * b.xj * toxe) : Math.sqrt(((3.0 * 3.9) / epsrox) * b.xj * toxe);
  const vbi = Vtm0 * Math.log((b.nsd * b.ndep) / (ni * ni));
  const cdep0 = Math.sqrt((Charge_q * epssub * b.ndep * 1.0e6) / 2.0 / phi);
  const mstar = 0.5 + Math.atan(b.minv) / PI;
  const voffcbn = b.voff + p.voffl / leff;

  if (given.has("k1") || given.has("k2")) {
    if (!given.has("k1")) b.k1 = 0.53;
    if (!given.has("k2")) b.k2 = -0.0186;
  } else {
    if (!given.has("vbx")) b.vbx = phi - 7.7348e-4 * b.ndep * b.xt * b.xt;
    if (b.vbx > 0.0) b.vbx = -b.vbx;
    if (b.vbm > 0.0) b.vbm = -b.vbm;
    if (!given.has("gamma1")) b.gamma1 = (5.753e-12 * Math.sqrt(b.ndep)) / coxe;
    if (!given.has("gamma2")) b.gamma2 = (5.753e-12 * Math.sqrt(b.nsub)) / coxe;
    const T0 = b.gamma1 - b.gamma2;
    const T1 = Math.sqrt(phi - b.vbx) - sqrtPhi;
    const T2 = Math.sqrt(phi * (phi - b.vbm)) - phi;
    b.k2 = (T0 * T1) / (2.0 * T2 + b.vbm);
    b.k1 = b.gamma2 - 2.0 * b.k2 * Math.sqrt(phi - b.vbm);
  }
  if (!given.has("vfb")) {
    if (given.has("vth0")) b.vfb = type * b.vth0 - phi - b.k1 * sqrtPhi;
    else if (mtrl && given.has("phig") && given.has("nsub")) {
      // MTRLMOD: the gate work function PHIG against the substrate's EASUB + Eg/2 + its Fermi level
      const T1 = 0.5 * Eg0;
      const T0 = Math.min(Vtm0 * Math.log(b.nsub / ni), T1);
      b.vfb = p.phig - (p.easub + T1 + type * T0);
    } else b.vfb = -1.0;
  }
  if (!given.has("vth0")) b.vth0 = type * (b.vfb + phi + b.k1 * sqrtPhi);
  const k1ox = (b.k1 * toxe) / mm.toxm;
  const tmp = Math.sqrt((epssub / (epsrox * EPS0)) * toxe * xdep0);
  const theta0vb0 = scFactor((b.dsub * leff) / tmp);
  const thetaRout = b.pdiblc1 * scFactor((b.drout * leff) / tmp) + b.pdiblc2;
  const dvtp2factor = b.dvtp5 + b.dvtp2 * dexp(-b.dvtp3 * Math.log(leff));

  // MOBMOD 3: Vgsteff at Vgs = Vth, Vds = Vbs = 0 (b4temp.c)
  let vgsteffVth = 0;
  if (p.mobmod === 3) {
    const lt1 = P_factor1(epssub, epsrox, toxe) * Math.sqrt(xdep0);
    const Theta0 = scFactor((b.dvt1 * leff) / lt1);
    const tmp1 = epssub / xdep0;
    const tmp3 = (b.nfactor * tmp1 + b.cdsc * Theta0 + b.cit) / coxe;
    const n0 = tmp3 >= -0.5 ? 1.0 + tmp3 : ((1.0 + 3.0 * tmp3) * 1.0) / (3.0 + 8.0 * tmp3);
    const T0 = n0 * vtm;
    const T2 = voffcbn / T0;
    const T3 = T2 < -EXP_THRESHOLD ? (coxe * MIN_EXP) / cdep0 : T2 > EXP_THRESHOLD ? (coxe * MAX_EXP) / cdep0 : (Math.exp(T2) * coxe) / cdep0;
    vgsteffVth = (T0 * Math.log(2.0)) / (mstar + T3 * n0);
  }

  // gate tunneling constants and the zero-bias flat band VFBZB (b4temp.c)
  let vfbsd: number;
  if (!mtrl) vfbsd = b.ngate > 0.0 ? Vtm0 * Math.log(b.ngate / b.nsd) : 0.0;
  else {
    const T1 = 0.5 * Eg0;
    const T0 = Math.min(Vtm0 * Math.log(b.nsd / ni), T1);
    vfbsd = p.phig - (p.easub + T1 - type * T0);
  }
  const vfbsdoff = b.vfbsdoff * (1.0 + b.tvfbsdoff * delTemp);
  const toxRatio = Math.exp(b.ntox * Math.log(p.toxref / toxe)) / toxe / toxe;
  const toxRatioEdge = Math.exp(b.ntox * Math.log(p.toxref / (toxe * b.poxedge))) / toxe / toxe / b.poxedge / b.poxedge;
  const aech = type === 1 ? 4.97232e-7 : 3.42537e-7;
  const bech = type === 1 ? 7.45669e11 : 1.16645e12;
  const aechvbEdgeS = aech * weff * p.dlcig * toxRatioEdge;
  const aechvbEdgeD = aech * weff * p.dlcigd * toxRatioEdge;
  const bechvbEdge = -bech * toxe * b.poxedge;
  const aechvb = aech * weff * leff * toxRatio;
  const bechvb = -bech * toxe;
  const tmp2z = P_factor1(epssub, epsrox, toxe) * Math.sqrt(xdep0);
  const T8z = b.dvt0w * scFactor((b.dvt1w * weff * leff) / tmp2z) * (vbi - phi);
  const T9z = b.dvt0 * scFactor((b.dvt1 * leff) / tmp2z) * (vbi - phi);
  const T4z = (toxe * phi) / (weff + b.w0);
  const T0z = Math.sqrt(1.0 + b.lpe0 / leff);
  const T3z = (b.kt1 + b.kt1l / leff) * (TRatio - 1.0);
  const T5z = k1ox * (T0z - 1.0) * sqrtPhi + T3z;
  const vfbzbfactor = -T8z - T9z + b.k3 * T4z + T5z - phi - b.k1 * sqrtPhi;

  // VTL's factor, from XN before b4check.c's clamp (b4temp.c computes it first)
  let tfactor = 0;
  if (useVtl) {
    const lc = p.lc < 0 ? 0 : p.lc;
    const T0 = leff / (b.xn * leff + lc);
    tfactor = (1.0 - T0) / (1.0 + T0);
  }
  // b4check.c (PARAMCHK = 1) clamps, applied before the DC law reads them
  if (p.paramchk === 1) {
    if (b.a2 < 0.01) b.a2 = 0.01;
    else if (b.a2 > 1.0) {
      b.a2 = 1.0;
      b.a1 = 0.0;
    }
    if (b.prwg < 0) b.prwg = 0;
    if (b.rdsw < 0) {
      b.rdsw = 0;
      rds0 = 0;
    }
    if (rds0 < 0) rds0 = 0;
    if (rdswmin < 0) rdswmin = 0;
    if (useVtl && b.vtl > 0 && b.xn < 3.0) b.xn = 3.0;
  }

  // instance values (no stress, no well proximity, DELVTO = 0)
  const vth0 = b.vth0;
  const vfb = b.vfb;
  const k2 = b.k2;
  const T3 = type * vth0 - vfb - phi;
  let vtfbphi1 = type === 1 ? T3 + T3 : 2.5 * T3;
  if (vtfbphi1 < 0) vtfbphi1 = 0;
  let vtfbphi2 = 4.0 * T3;
  if (vtfbphi2 < 0) vtfbphi2 = 0;
  let vbsc: number;
  if (k2 < 0.0) {
    const T0 = (0.5 * b.k1) / k2;
    vbsc = 0.9 * (phi - T0 * T0);
    if (vbsc > -3.0) vbsc = -3.0;
    else if (vbsc < -30.0) vbsc = -30.0;
  } else vbsc = -30.0;
  if (vbsc > b.vbm) vbsc = b.vbm;
  const k2ox = (k2 * toxe) / mm.toxm;

  // MTRLMOD without MTRLCOMPATMOD: TOXP from EOT (b4temp.c): the charge centroid at Vgs = VDDEOT, Vds = Vbs = 0 of a
  // LEFFEOT x WEFFEOT transistor at TEMPEOT, TOXP = EOT - 3.9 / EPSRSUB Tcen, five fixed-point steps at most
  let toxp = mm.toxp;
  let coxp = mm.coxp;
  if (mtrl && !mm.compat) {
    const Vtm0eot = KboQ * p.tempeot;
    const vbieot = Vtm0eot * Math.log((b.nsd * b.ndep) / (ni * ni));
    const phieot = Vtm0eot * Math.log(b.ndep / ni) + b.phin + 0.4;
    const tmp2 = vfb + phieot;
    const vddeot = type * p.vddeot;
    const epsg = p.epsrgate * EPS0;
    let Vgs_eff = vddeot;
    if (b.ngate > 1.0e18 && b.ngate < 1.0e25 && vddeot > tmp2 && epsg !== 0) {
      const T1 = (1.0e6 * CHARGE * epsg * b.ngate) / (coxe * coxe);
      const T8 = vddeot - tmp2;
      const T4 = Math.sqrt(1.0 + (2.0 * T8) / T1);
      const T2 = (2.0 * T8) / (T4 + 1.0);
      const T3 = (0.5 * T2 * T2) / T1;
      const T7 = 1.12 - T3 - 0.05;
      const T6 = Math.sqrt(T7 * T7 + 0.224);
      Vgs_eff = vddeot - (1.12 - 0.5 * (T7 + T6));
    }
    const V0 = vbieot - phieot;
    const lt1 = factor1 * Math.sqrt(xdep0);
    const Theta0 = scFactor((b.dvt1 * p.leffeot) / lt1);
    const Delt_vth = b.dvt0 * Theta0 * V0;
    const T2w = b.dvt0w * scFactor((b.dvt1w * p.weffeot * p.leffeot) / lt1) * V0;
    const TempRatioeot = p.tempeot / Tnom - 1.0;
    const T0l = Math.sqrt(1.0 + b.lpe0 / p.leffeot);
    const T1v = k1ox * (T0l - 1.0) * Math.sqrt(phieot) + (b.kt1 + b.kt1l / p.leffeot) * TempRatioeot;
    const Vth_NarrowW = (toxe * phieot) / (p.weffeot + b.w0);
    const Lpe_Vb = Math.sqrt(1.0 + b.lpeb / p.leffeot);
    let Vth = type * vth0 + (k1ox - b.k1) * Math.sqrt(phieot) * Lpe_Vb - Delt_vth - T2w + b.k3 * Vth_NarrowW + T1v;
    const tmp3 = ((b.nfactor * epssub) / xdep0 + b.cdsc * Theta0 + b.cit) / coxe;
    const n = tmp3 >= -0.5 ? 1.0 + tmp3 : (1.0 + 3.0 * tmp3) / (3.0 + 8.0 * tmp3);
    if (b.dvtp0 > 0.0) Vth -= n * Vtm0eot * Math.log(p.leffeot / (p.leffeot + b.dvtp0 * 2.0));
    const Vgsteff = Vgs_eff - Vth;
    const T3 = type * vth0 - vfb - phieot;
    const vtfbphi2eot = Math.max(4.0 * T3, 0.0);
    let toxpf = toxe;
    let toxpi: number;
    let niter = 0;
    do {
      toxpi = toxpf;
      const T0 = (Vgsteff + vtfbphi2eot) / (2.0e8 * toxpf);
      const T1 = 1.0 + Math.exp(p.bdos * 0.7 * Math.log(T0));
      const Tcen = (p.ados * 1.9e-9) / T1;
      toxpf = toxe - (epsrox / p.epsrsub) * Tcen;
      niter++;
    } while (niter <= 4 && Math.abs(toxpf - toxpi) > 1e-12);
    toxp = toxpf;
    coxp = (epsrox * EPS0) / toxp;
  }

  // junction areas and perimeters (b4geo.c when not given)
  const geo = paEffGeo(p.geomod, weffCJ, p.dmcg - p.dmcgt, p.dmci, p.dmdg - p.dmcgt);
  // 4.7 on: a given perimeter <= 0 is 0, negative results are 0; bsim4v6 clamps the perimeters only, bsim4v5 nothing
  const perim = (given: number, i: number): number => {
    let x: number;
    if (Number.isNaN(given)) x = geo[i];
    else if (given <= 0 && !v45) x = 0;
    else x = p.permod === 0 ? given : given - weffCJ * nf;
    return x < 0 && !v45 ? 0 : x;
  };
  const area = (given: number, i: number): number => {
    const x = Number.isNaN(given) ? geo[i] : given;
    return x < 0 && mm.ver >= 47 ? 0 : x;
  };
  const Pseff = perim(g.ps, 0);
  const Pdeff = perim(g.pd, 1);
  const Aseff = area(g.as, 2);
  const Adeff = area(g.ad, 3);
  // no junction area nor perimeter: no saturation current from 4.6 on, 1e-14 A in bsim4v5
  const noJct = v45 ? 1.0e-14 : 0;
  const sourceSatCur = Aseff <= 0 && Pseff <= 0 ? noJct : Aseff * jssT + Pseff * jswsT + weffCJ * nf * jswgsT;
  const drainSatCur = Adeff <= 0 && Pdeff <= 0 ? noJct : Adeff * jsdT + Pdeff * jswdT + weffCJ * nf * jswgdT;
  const nvtms = vtm * p.njs;
  const nvtmd = vtm * p.njd;
  // DIOMOD 1: the forward current is linear above vjm = Nvtm ln(1 + IJTH / Isat)
  let vjsmFwd = 0;
  let ivjsmFwd = 0;
  let vjdmFwd = 0;
  let ivjdmFwd = 0;
  if (sourceSatCur > 0) {
    vjsmFwd = nvtms * Math.log(1.0 + ijthsfwd / sourceSatCur);
    ivjsmFwd = sourceSatCur * Math.exp(vjsmFwd / nvtms);
  }
  if (drainSatCur > 0) {
    vjdmFwd = nvtmd * Math.log(1.0 + ijthdfwd / drainSatCur);
    ivjdmFwd = drainSatCur * Math.exp(vjdmFwd / nvtmd);
  }
  // series resistance: an internal node when RSH > 0 and NRS (NRD) is given and positive
  const gOf = (nr: number): number => (p.rsh > 0 && !Number.isNaN(nr) && nr > 0 ? 1 / (p.rsh * nr) : 0);
  // the body resistance network (b4temp.c; one finger: ln NF = 0)
  const rbodyMod = p.rbodymod;
  let rbdb = p.rbdb;
  let rbsb = p.rbsb;
  let rbpb = p.rbpb;
  let rbps = p.rbps;
  let rbpd = p.rbpd;
  let grbpd = 0, grbpb = 0, grbps = 0, grbdb = 0, grbsb = 0;
  if (rbodyMod !== 0) {
    const lnl = Math.log(leff * 1.0e6);
    const lnw = Math.log(weff * 1.0e6);
    const lnnf = 0;
    let bodymode = 5;
    if (!given.has("rbps0") || !given.has("rbpd0")) bodymode = 1;
    else if ((!given.has("rbsbx0") && !given.has("rbsby0")) || (!given.has("rbdbx0") && !given.has("rbdby0"))) bodymode = 3;
    if (rbodyMod === 2) {
      if (bodymode === 5) {
        const rbsbx = p.rbsbx0 * Math.exp(p.rbsdbxl * lnl + p.rbsdbxw * lnw + p.rbsdbxnf * lnnf);
        const rbsby = p.rbsby0 * Math.exp(p.rbsdbyl * lnl + p.rbsdbyw * lnw + p.rbsdbynf * lnnf);
        rbsb = (rbsbx * rbsby) / (rbsbx + rbsby);
        const rbdbx = p.rbdbx0 * Math.exp(p.rbsdbxl * lnl + p.rbsdbxw * lnw + p.rbsdbxnf * lnnf);
        const rbdby = p.rbdby0 * Math.exp(p.rbsdbyl * lnl + p.rbsdbyw * lnw + p.rbsdbynf * lnnf);
        rbdb = (rbdbx * rbdby) / (rbdbx + rbdby);
      }
      if (bodymode === 3 || bodymode === 5) {
        rbps = p.rbps0 * Math.exp(p.rbpsl * lnl + p.rbpsw * lnw + p.rbpsnf * lnnf);
        rbpd = p.rbpd0 * Math.exp(p.rbpdl * lnl + p.rbpdw * lnw + p.rbpdnf * lnnf);
      }
      const rbpbx = p.rbpbx0 * Math.exp(p.rbpbxl * lnl + p.rbpbxw * lnw + p.rbpbxnf * lnnf);
      const rbpby = p.rbpby0 * Math.exp(p.rbpbyl * lnl + p.rbpbyw * lnw + p.rbpbynf * lnnf);
      rbpb = (rbpbx * rbpby) / (rbpbx + rbpby);
    }
    const gOfR = (r: number): number => (r < 1.0e-3 ? 1.0e3 : p.gbmin + 1.0 / r);
    if (rbodyMod === 1 || bodymode === 5) {
      grbdb = gOfR(rbdb);
      grbpb = gOfR(rbpb);
      grbps = gOfR(rbps);
      grbsb = gOfR(rbsb);
      grbpd = gOfR(rbpd);
    } else if (bodymode === 3) {
      grbdb = grbsb = p.gbmin;
      grbpb = gOfR(rbpb);
      grbps = gOfR(rbps);
      grbpd = gOfR(rbpd);
    } else {
      grbdb = grbsb = p.gbmin;
      grbps = grbpd = 1.0e3;
      grbpb = gOfR(rbpb);
    }
  }

  // b4temp.c's model-wide clamps of the breakdown parameters
  const dmod = p.diomod;
  // (4.6 on: reset to 0; bsim4v5: XJBV to 1, BV to 10 V)
  const xjb = (x: number): number => (dmod === 2 ? (x <= 0 ? (v45 ? 1 : 0) : x) : dmod === 0 && x < 0 ? (v45 ? 1 : 0) : x);
  const bvp = (x: number): number => (x <= 0 ? (v45 ? 10 : 0) : x);
  // trap-assisted tunneling (b4temp.c): NJTS..(T) = NJTS.. (1 + TNJTS.. (T/TNOM - 1)), the currents scaled by
  // exp(XTS.. Eg0 / Vtm (T/TNOM - 1)) (DEXP); the gate-edge ones by 1 + sqrt(JTWEFF / WeffCJ) (4.6 on). bsim4v5 has one
  // NJTS, NJTSSW, NJTSSWG (and TNJTS..) for both sides
  let tatS: Bsim4Tat | null = null;
  let tatD: Bsim4Tat | null = null;
  {
    const T0 = TRatio - 1.0;
    const T7 = (Eg0 / vtm) * T0;
    const T11 = v45 ? 1.0 : Math.sqrt((p.jtweff < 0 ? 0 : p.jtweff) / weffCJ) + 1.0;
    const T10 = weffCJ * nf;
    const side = (d: boolean): Bsim4Tat | null => {
      const s = d ? "d" : "s";
      const jts = [d ? p.jtsd : p.jtss, d ? p.jtsswd : p.jtssws, d ? p.jtsswgd : p.jtsswgs];
      if (jts[0] === 0 && jts[1] === 0 && jts[2] === 0) return null;
      const nd = d && !v45;
      const nj = [nd ? p.njtsd : p.njts, nd ? p.njtsswd : p.njtssw, nd ? p.njtsswgd : p.njtsswg];
      const tn = [nd ? p.tnjtsd : p.tnjts, nd ? p.tnjtsswd : p.tnjtssw, nd ? p.tnjtsswgd : p.tnjtsswg];
      const xt = [p["xts" + s], p["xtssw" + s], p["xtsswg" + s]];
      const geom = [d ? Adeff : Aseff, d ? Pdeff : Pseff, T10 * T11];
      const vts = [p["vts" + s], p["vtssw" + s], p["vtsswg" + s]];
      const t: Bsim4Tat = { isat: [0, 0, 0], nvtm: [0, 0, 0], vts: [vts[0], vts[1], vts[2]] };
      for (let k = 0; k < 3; k++) {
        t.isat[k] = dexp(xt[k] * T7) * geom[k] * jts[k];
        t.nvtm[k] = Vtm0 * nj[k] * (1.0 + tn[k] * T0);
      }
      return t;
    };
    tatS = side(false);
    tatD = side(true);
  }
  const jS = junctionAt(sourceSatCur, nvtms, dmod, ijthsfwd, ijr(p.ijthsrev), xjb(p.xjbvs), bvp(p.bvs));
  const jD = junctionAt(drainSatCur, nvtmd, dmod, ijthdfwd, ijr(p.ijthdrev), xjb(p.xjbvd), bvp(p.bvd));
  return {
    model: mm,
    type,
    vtm,
    vtm0: Vtm0,
    jS,
    jD,
    tatS,
    tatD,
    tempRatio: Temp / Tnom - 1.0,
    factor1,
    leff,
    weff,
    weffCJ,
    b,
    vth0,
    vfb,
    eta0: b.eta0,
    k2,
    phi,
    sqrtPhi,
    xdep0,
    litl,
    vbi,
    cdep0,
    k1ox,
    k2ox,
    vbsc,
    theta0vb0,
    thetaRout,
    mstar,
    voffcbn,
    dvtp2factor,
    vtfbphi1,
    vtfbphi2,
    u0temp,
    vsattemp,
    rds0,
    rdswmin,
    tfactor,
    vgsteffVth,
    useLambda,
    useVtl,
    sourceSatCur,
    drainSatCur,
    nvtms,
    nvtmd,
    vjsmFwd,
    vjdmFwd,
    ivjsmFwd,
    ivjdmFwd,
    vcrit,
    gd: gOf(g.nrd),
    gs: gOf(g.nrs),
    m: g.m,
    igcMod: p.igcmod,
    igbMod: p.igbmod,
    vfbzb: vfbzbfactor + type * vth0,
    aechvb,
    bechvb,
    aechvbEdgeS,
    aechvbEdgeD,
    bechvbEdge,
    toxRatio,
    vfbsdSum: vfbsd + vfbsdoff,
    vfbsd,
    eg0: Eg0,
    toxp,
    coxp,
    rgateMod: p.rgatemod,
    grgeltd: (() => {
      const r = (p.rshg * (p.xgw + weffCJ / 3.0 / p.ngcon)) / (p.ngcon * nf * (g.l + p.xl - p.xgl));
      return r > 0 ? 1.0 / r : 1.0e3;
    })(),
    rbodyMod,
    grbpd,
    grbpb,
    grbps,
    grbdb,
    grbsb,
  };
}

/**
 * Why b4temp.c / b4check.c would stop on this transistor (ngspice's
 * "Fatal" messages), or null. Called at elaboration, so that the error
 * names the netlist.
 */
export function bsim4InstanceProblem(inst: Bsim4Instance): string | null {
  const b = inst.b;
  const p = inst.model.p;
  const mm = inst.model;
  if (b.lpe0 < -inst.leff) return `LPE0 = ${b.lpe0} is less than -Leff`;
  if (b.lpeb < -inst.leff) return `LPEB = ${b.lpeb} is less than -Leff`;
  if (!(mm.toxe > 0)) return `TOXE = ${mm.toxe} is not positive`;
  if (!(mm.toxp > 0)) return `TOXP = ${mm.toxp} is not positive`;
  if (mm.mtrl && !(inst.toxp > 0)) return `TOXP derived from EOT = ${inst.toxp} is not positive (MTRLMOD=1: the charge centroid at Vgs = VDDEOT, which must have the channel's sign, ${mm.type === 1 ? "positive for an NMOS" : "negative for a PMOS"})`;
  if (!(mm.toxm > 0)) return `TOXM = ${mm.toxm} is not positive`;
  if (!(p.toxref > 0)) return `TOXREF = ${p.toxref} is not positive`;
  if (!(b.ndep > 0)) return `NDEP = ${b.ndep} is not positive`;
  if (b.phin < -0.4) return `PHIN = ${b.phin} is less than -0.4`;
  if (!(b.nsub > 0)) return `NSUB = ${b.nsub} is not positive`;
  if (b.ngate < 0) return `NGATE = ${b.ngate} is negative`;
  if (b.ngate > 1e25) return `NGATE = ${b.ngate} is too high`;
  if (!(b.xj > 0)) return `XJ = ${b.xj} is not positive`;
  if (b.dvt1 < 0) return `DVT1 = ${b.dvt1} is negative`;
  if (b.dvt1w < 0) return `DVT1W = ${b.dvt1w} is negative`;
  if (b.w0 === -inst.weff) return `W0 + Weff = 0 (a division by zero)`;
  if (b.dsub < 0) return `DSUB = ${b.dsub} is negative`;
  if (b.b1 === -inst.weff) return `B1 + Weff = 0 (a division by zero)`;
  if (!(inst.u0temp > 0)) return `U0 at the circuit temperature = ${inst.u0temp} is not positive`;
  if (b.delta < 0) return `DELTA = ${b.delta} is negative`;
  if (!(inst.vsattemp > 0)) return `VSAT at the circuit temperature = ${inst.vsattemp} is not positive`;
  if (!(b.pclm > 0)) return `PCLM = ${b.pclm} is not positive`;
  if (b.drout < 0) return `DROUT = ${b.drout} is negative`;
  if (!(b.lp > 0)) return `LP = ${b.lp} is not positive`;
  if (inst.igcMod !== 0 || inst.igbMod !== 0) {
    if (!(b.poxedge > 0)) return `POXEDGE = ${b.poxedge} is not positive`;
    if (inst.igcMod !== 0 && !(b.nigc > 0)) return `NIGC = ${b.nigc} is not positive`;
    if (inst.igbMod !== 0 && !(b.nigbacc > 0)) return `NIGBACC = ${b.nigbacc} is not positive`;
    if (inst.igbMod !== 0 && !(b.nigbinv > 0)) return `NIGBINV = ${b.nigbinv} is not positive`;
  }
  if (!(inst.weffCJ > 0)) return `the effective width of the source/drain junctions Weff = ${inst.weffCJ} m is not positive (DWJ)`;
  for (const k of ["phi", "vbi", "cdep0", "theta0vb0", "thetaRout", "k1ox", "k2ox", "vbsc", "rds0", "sourceSatCur", "drainSatCur", "u0temp", "vtfbphi2"] as const) {
    if (!Number.isFinite(inst[k])) return `the derived ${k} is not finite (${inst[k]})`;
  }
  return null;
}
