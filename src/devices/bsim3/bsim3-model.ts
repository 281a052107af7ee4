/**
 * BSIM3v3 (ngspice's bsim3, version 3.3.0; MOSFET LEVEL=8 and LEVEL=49):
 * the model card (every parameter name of ngspice's b3.c, the defaults of
 * b3set.c, the unit conversions of b3mpar.c), and the size- and
 * temperature-dependent values of one transistor (b3temp.c: binning of the
 * L/W/P-prefixed parameters on 1/Leff, 1/Weff and 1/(Leff Weff), the
 * derived threshold, doping, mobility, saturation velocity and series
 * resistance values at the circuit temperature, and the junctions'
 * saturation currents). The DC current is in bsim3-dc.ts.
 *
 * Units as ngspice reads them: metres (TOX, XJ, L, W, LINT, WINT, ...),
 * NCH / NSUB / NGATE in cm^-3 (NCH above 1e20 and NGATE above 1e24 are taken
 * as m^-3 and scaled by 1e-6, as b3mpar.c), U0 in m^2/(V s) (a value above 1
 * is taken as cm^2/(V s) and scaled by 1e-4, as b3temp.c), VSAT in m/s,
 * RDSW in ohm um^WR, JS in A/m^2, JSW in A/m. TNOM in Celsius at the
 * interface, kelvin inside. VTH0 keeps its physical sign (negative for an
 * enhancement PMOS), as in ngspice; the device works in normalized
 * voltages (type * physical), as levels 1-3 (mosfet-model.ts).
 */
import { CHARGE, CONSTboltz, CONSTCtoK } from "../diode/diode-model.js";
import type { MosGeometry } from "../mosfet/mos-shared.js";

/** b3temp.c's constants (its own values, not the device library's). */
const KboQ = 8.617087e-5;
export const EPSOX = 3.453133e-11;
export const EPSSI = 1.03594e-10;
export const Charge_q = 1.60219e-19;
export const MIN_EXP = 1.713908431e-15;
export const MAX_EXP = 5.834617425e14;
export const EXP_THRESHOLD = 34.0;
/** ngspice's CONSTvt0: kT/q at 27 C, the pnjlim thermal voltage of the BSIM3 junctions (V). */
export const CONSTvt0 = (CONSTboltz * (27 + CONSTCtoK)) / CHARGE;

/** The parameters b3temp.c bins: each has L-, W- and P-prefixed coefficients (LVTH0, WVTH0, PVTH0, ...). */
export const BSIM3_BINNED = [
  "cdsc", "cdscb", "cdscd", "cit", "nfactor", "xj", "vsat", "at", "a0", "ags", "a1", "a2", "keta", "nsub", "nch", "ngate",
  "gamma1", "gamma2", "vbx", "vbm", "xt", "k1", "kt1", "kt1l", "kt2", "k2", "k3", "k3b", "w0", "nlx", "dvt0", "dvt1", "dvt2",
  "dvt0w", "dvt1w", "dvt2w", "drout", "dsub", "vth0", "ua", "ua1", "ub", "ub1", "uc", "uc1", "u0", "ute", "voff", "elm", "delta",
  "rdsw", "prwg", "prwb", "prt", "eta0", "etab", "pclm", "pdiblc1", "pdiblc2", "pdiblcb", "pscbe1", "pscbe2", "pvag", "wr", "dwg",
  "dwb", "b0", "b1", "cgsl", "cgdl", "ckappa", "cf", "clc", "cle", "alpha0", "alpha1", "beta0", "vfbcv", "vfb", "acde", "moin",
  "noff", "voffcv",
] as const;

/** The other real-valued model parameters of b3.c (junctions, geometry offsets, capacitances, noise, ACM, limits). */
const BSIM3_OTHER = [
  "tox", "toxm", "tnom", "cgso", "cgdo", "cgbo", "xpart", "rsh", "js", "jsw", "pb", "nj", "xti", "mj", "pbsw", "mjsw", "pbswg", "mjswg",
  "cj", "cjsw", "cjswg", "tpb", "tcj", "tpbsw", "tcjsw", "tpbswg", "tcjswg", "lintnoi", "lint", "ll", "llc", "lln", "lw", "lwc", "lwn",
  "lwl", "lwlc", "lmin", "lmax", "xl", "xw", "wint", "wl", "wlc", "wln", "ww", "wwc", "wwn", "wwl", "wwlc", "wmin", "wmax", "dwc", "dlc",
  "hdif", "ldif", "ld", "rd", "rs", "rdc", "rsc", "wmlt", "ijth", "noia", "noib", "noic", "em", "ef", "af", "kf", "vgs_max", "vgd_max",
  "vgb_max", "vds_max", "vbs_max", "vbd_max", "vgsr_max", "vgdr_max", "vgbr_max", "vbsr_max", "vbdr_max",
] as const;

/** Integer selectors of b3.c. */
const BSIM3_INTEGER = ["capmod", "mobmod", "noimod", "nqsmod", "acnqsmod", "acm", "calcacm", "paramchk", "binunit"] as const;

/**
 * Every BSIM3 model parameter name ngspice knows (b3.c's model table, plus
 * LEVEL and the NMOS/PMOS flags), lower case, mapped to the canonical name
 * eqspice stores it under (VTHO and its L/W/P forms are VTH0's aliases);
 * "version" is the string VERSION, null the flags and LEVEL.
 */
export const BSIM3_PARAM_NAMES: Readonly<Record<string, string | null>> = (() => {
  const m: Record<string, string | null> = { level: null, nmos: null, pmos: null, version: "version" };
  for (const b of BSIM3_BINNED) for (const pre of ["", "l", "w", "p"]) m[pre + b] = pre + b;
  for (const pre of ["", "l", "w", "p"]) m[pre + "vtho"] = pre + "vth0";
  for (const k of BSIM3_OTHER) m[k] = k;
  for (const k of BSIM3_INTEGER) m[k] = k;
  return m;
})();

/**
 * The names of ngspice's bsim3 (3.3) table that its bsim3v1 (VERSION 3.1,
 * b3v1.c) does not have: ngspice ignores them on a 3.1 card ("unrecognized
 * parameter"), and so does eqspice, with a warning.
 */
export const BSIM3V1_ABSENT: ReadonlySet<string> = (() => {
  const s = new Set<string>([
    "toxm", "ijth", "xl", "xw", "llc", "lwc", "lwlc", "wlc", "wwc", "wwlc", "lintnoi", "tcj", "tpb", "tcjsw", "tpbsw", "tcjswg",
    "tpbswg", "ldif", "ld", "rd", "rs", "rdc", "rsc", "wmlt", "acm", "calcacm", "acnqsmod", "vgs_max", "vgd_max", "vgb_max",
    "vds_max", "vbs_max", "vbd_max", "vgsr_max", "vgdr_max", "vgbr_max", "vbsr_max", "vbdr_max",
  ]);
  for (const b of ["alpha1", "vfb", "acde", "moin", "noff", "voffcv"]) for (const pre of ["", "l", "w", "p"]) s.add(pre + b);
  return s;
})();

/** A BSIM3 model card after b3set.c's defaults (model part), at TNOM. */
export interface Bsim3Model {
  /** +1 NMOS, -1 PMOS. */
  type: 1 | -1;
  /** Every numeric parameter by canonical name, defaults filled in. */
  p: Readonly<Record<string, number>>;
  /** The parameters given on the card (b3temp.c's `...Given` flags matter). */
  given: ReadonlySet<string>;
  /** TNOM (K). */
  tnomK: number;
  /** Oxide capacitance per area EPSOX / TOX (F/m^2). */
  cox: number;
  /**
   * VERSION 3.1 (ngspice's bsim3v1: b3v1temp.c, b3v1ld.c): no TOXM, XL/XW,
   * LLC.. or IJTH (BSIM3V1_ABSENT); see bsim3EffectiveSize, bsim3InstanceAt,
   * bsim3Eval and devices/bsim3v1 for what else differs.
   */
  v31: boolean;
}

/**
 * The model of a BSIM3 card: `values` the given parameters by canonical
 * name (already evaluated), `tnomC` the default TNOM (`.options tnom`, C).
 * b3mpar.c's conversions: TNOM to kelvin, NCH (and LNCH, WNCH, PNCH) above
 * 1e20 and NGATE (and its L/W/P forms) above 1e24 scaled by 1e-6.
 */
export function bsim3Model(type: 1 | -1, values: ReadonlyMap<string, number>, tnomC: number, v31 = false): Bsim3Model {
  if (v31) values = new Map([...values].filter(([k]) => !BSIM3V1_ABSENT.has(k)));
  const given = new Set(values.keys());
  const v: Record<string, number> = {};
  const g = (k: string, d: number): number => values.get(k) ?? d;
  for (const b of BSIM3_BINNED) for (const pre of ["l", "w", "p"]) v[pre + b] = g(pre + b, 0);
  const set = (k: string, d: number): void => {
    v[k] = g(k, d);
  };
  v.mobmod = g("mobmod", 1);
  v.binunit = g("binunit", 1);
  v.paramchk = g("paramchk", 0);
  v.capmod = g("capmod", 3);
  v.acm = g("acm", 0);
  v.calcacm = g("calcacm", 0);
  v.noimod = g("noimod", 1);
  v.nqsmod = g("nqsmod", 0);
  v.acnqsmod = g("acnqsmod", 0);
  set("tox", 150e-10);
  set("toxm", v.tox);
  const defaults: Array<[string, number]> = [
    ["cdsc", 2.4e-4], ["cdscb", 0], ["cdscd", 0], ["cit", 0], ["nfactor", 1], ["xj", 0.15e-6], ["vsat", 8.0e4], ["at", 3.3e4],
    ["a0", 1], ["ags", 0], ["a1", 0], ["a2", 1], ["keta", -0.047], ["nsub", 6.0e16], ["nch", 1.7e17], ["ngate", 0], ["vbm", -3],
    ["xt", 1.55e-7], ["kt1", -0.11], ["kt1l", 0], ["kt2", 0.022], ["k3", 80], ["k3b", 0], ["w0", 2.5e-6], ["nlx", 1.74e-7],
    ["dvt0", 2.2], ["dvt1", 0.53], ["dvt2", -0.032], ["dvt0w", 0], ["dvt1w", 5.3e6], ["dvt2w", -0.032], ["drout", 0.56],
    ["ua", 2.25e-9], ["ua1", 4.31e-9], ["ub", 5.87e-19], ["ub1", -7.61e-18], ["ute", -1.5], ["voff", -0.08], ["delta", 0.01],
    ["rdsw", 0], ["prwg", 0], ["prwb", 0], ["prt", 0], ["eta0", 0.08], ["etab", -0.07], ["pclm", 1.3], ["pdiblc1", 0.39],
    ["pdiblc2", 0.0086], ["pdiblcb", 0], ["pscbe1", 4.24e8], ["pscbe2", 1.0e-5], ["pvag", 0], ["wr", 1], ["dwg", 0], ["dwb", 0],
    ["b0", 0], ["b1", 0], ["alpha0", 0], ["alpha1", 0], ["beta0", 30], ["ijth", 0.1], ["elm", 5], ["cgsl", 0], ["cgdl", 0],
    ["ckappa", 0.6], ["clc", 0.1e-6], ["cle", 0.6], ["vfbcv", -1], ["acde", 1], ["moin", 15], ["noff", 1], ["voffcv", 0],
    ["tcj", 0], ["tpb", 0], ["tcjsw", 0], ["tpbsw", 0], ["tcjswg", 0], ["tpbswg", 0], ["hdif", 0], ["ldif", 0], ["ld", 0],
    ["rd", 0], ["rs", 0], ["rdc", 0], ["rsc", 0], ["wmlt", 1], ["lintnoi", 0], ["lint", 0], ["ll", 0], ["lln", 1], ["lw", 0],
    ["lwn", 1], ["lwl", 0], ["lmin", 0], ["lmax", 1], ["wint", 0], ["wl", 0], ["wln", 1], ["ww", 0], ["wwn", 1], ["wwl", 0],
    ["wmin", 0], ["wmax", 1], ["xl", 0], ["xw", 0], ["xpart", 0], ["rsh", 0], ["cj", 5.0e-4], ["cjsw", 5.0e-10], ["js", 1.0e-4],
    ["jsw", 0], ["pb", 1], ["pbsw", 1], ["mj", 0.5], ["mjsw", 0.33], ["nj", 1], ["xti", 3], ["em", 4.1e7], ["ef", 1], ["af", 1], ["kf", 0],
    // given or derived in b3temp.c (their defaults there): K1, K2, GAMMA1, GAMMA2, VBX, VFB
    ["k1", 0], ["k2", 0], ["gamma1", 0], ["gamma2", 0], ["vbx", 0], ["vfb", 0], ["cgsl", 0],
  ];
  for (const [k, d] of defaults) set(k, d);
  set("dsub", v.drout);
  set("vth0", type === 1 ? 0.7 : -0.7);
  set("uc", v.mobmod === 3 ? -0.0465 : -0.0465e-9);
  set("uc1", v.mobmod === 3 ? -0.056 : -0.056e-9);
  set("u0", type === 1 ? 0.067 : 0.025);
  set("llc", v.ll);
  set("lwc", v.lw);
  set("lwlc", v.lwl);
  set("wlc", v.wl);
  set("wwc", v.ww);
  set("wwlc", v.wwl);
  set("dwc", v.wint);
  set("dlc", v.lint);
  set("cjswg", v.cjsw);
  set("pbswg", v.pbsw);
  set("mjswg", v.mjsw);
  // capacitance defaults (b3set.c, read by bsim3-charge.ts): CF from TOX; CGDO, CGSO from DLC when it is given
  // and positive, else from XJ; CGBO from DWC
  const coxDefault = EPSOX / v.tox;
  const fromDlc = given.has("dlc") && v.dlc > 0;
  set("cf", ((2.0 * EPSOX) / 3.141592654) * Math.log(1.0 + 0.4e-6 / v.tox));
  set("cgdo", fromDlc ? v.dlc * coxDefault - v.cgdl : 0.6 * v.xj * coxDefault);
  set("cgso", fromDlc ? v.dlc * coxDefault - v.cgsl : 0.6 * v.xj * coxDefault);
  set("cgbo", 2.0 * v.dwc * coxDefault);
  for (const [k, x] of values) if (!(k in v)) v[k] = x;
  for (const pre of ["", "l", "w", "p"]) {
    if (v[pre + "nch"] > 1.0e20) v[pre + "nch"] *= 1.0e-6;
    if (v[pre + "ngate"] > 1.000001e24) v[pre + "ngate"] *= 1.0e-6;
  }
  const tnomK = (values.get("tnom") ?? tnomC) + CONSTCtoK;
  return { type, p: v, given, tnomK, cox: EPSOX / v.tox, v31 };
}

/**
 * One transistor's BSIM3 values at the circuit temperature (b3temp.c's
 * size-dependent block `pParam` and the instance values), everything
 * bsim3-dc.ts needs. Lengths in m, voltages in V.
 */
export interface Bsim3Instance {
  model: Bsim3Model;
  type: 1 | -1;
  /** Thermal voltage KboQ T (V), and T / TNOM - 1. */
  vtm: number;
  tempRatio: number;
  /** b3temp.c's factor1 = sqrt(EPSSI / EPSOX * TOX). */
  factor1: number;
  leff: number;
  weff: number;
  /** Binned values (VTH0 with DELVTO: `vth0`), after the temperature updates of UA, UB, UC. */
  b: Record<string, number>;
  /** VTH0 (+ DELVTO), physical sign (V); VFB of the poly-depletion test (V). */
  vth0: number;
  vfb: number;
  phi: number;
  sqrtPhi: number;
  phis3: number;
  xdep0: number;
  litl: number;
  vbi: number;
  cdep0: number;
  k1ox: number;
  k2ox: number;
  vbsc: number;
  theta0vb0: number;
  thetaRout: number;
  /** U0(T) (m^2/(V s)), VSAT(T) (m/s), RDS0 = (RDSW + PRT dT) / (Weff 1e6)^WR (ohm). */
  u0temp: number;
  vsattemp: number;
  rds0: number;
  /** Junction saturation currents (A) and IJTH's limiting voltages vjsm, vjdm (V) with Is exp(vj/Nvtm) (A); nvtm = Vtm NJ. */
  sourceSatCur: number;
  drainSatCur: number;
  nvtm: number;
  ijth: number;
  vjsm: number;
  vjdm: number;
  isEvjsm: number;
  isEvjdm: number;
  /** pnjlim's critical voltage vcrit = vt0 ln(vt0 / (sqrt 2 1e-14)) (V). */
  vcrit: number;
  /** Series conductances 1 / (RSH NRD), 1 / (RSH NRS) (S, without M); 0: no internal node. */
  gd: number;
  gs: number;
  /** Parallel multiplier M. */
  m: number;
  /** The geometry and the circuit temperature (K) it was made for (the charges' junction areas, bsim3-charge.ts). */
  geometry: MosGeometry;
  tempK: number;
}

/**
 * Leff = L + XL - 2 dL and Weff = W + XW - 2 dW (b3temp.c, m), with the C-V
 * ones. VERSION 3.1 (b3v1temp.c): no XL, XW, and the C-V offsets are DLC,
 * DWC plus the same LL/LW/LWL (WL/WW/WWL) terms as dL, dW.
 */
export function bsim3EffectiveSize(mm: Bsim3Model, l: number, w: number): { leff: number; weff: number; leffCV: number; weffCV: number } {
  const p = mm.p;
  const T0 = Math.pow(l, p.lln);
  const T1 = Math.pow(w, p.lwn);
  if (mm.v31) {
    const tmp1 = p.ll / T0 + p.lw / T1 + p.lwl / (T0 * T1);
    const T2 = Math.pow(l, p.wln);
    const T3 = Math.pow(w, p.wwn);
    const tmp2 = p.wl / T2 + p.ww / T3 + p.wwl / (T2 * T3);
    return { leff: l - 2.0 * (p.lint + tmp1), weff: w - 2.0 * (p.wint + tmp2), leffCV: l - 2.0 * (p.dlc + tmp1), weffCV: w - 2.0 * (p.dwc + tmp2) };
  }
  const dl = p.lint + p.ll / T0 + p.lw / T1 + p.lwl / (T0 * T1);
  const dlc = p.dlc + p.llc / T0 + p.lwc / T1 + p.lwlc / (T0 * T1);
  const T2 = Math.pow(l, p.wln);
  const T3 = Math.pow(w, p.wwn);
  const dw = p.wint + p.wl / T2 + p.ww / T3 + p.wwl / (T2 * T3);
  const dwc = p.dwc + p.wlc / T2 + p.wwc / T3 + p.wwlc / (T2 * T3);
  return { leff: l + p.xl - 2 * dl, weff: w + p.xw - 2 * dw, leffCV: l + p.xl - 2 * dlc, weffCV: w + p.xw - 2 * dwc };
}

/**
 * Why b3temp.c / b3check.c would stop on this transistor (ngspice's
 * "Fatal" messages), or null. Called at elaboration, with the card's
 * values, so that the error names the netlist.
 */
export function bsim3InstanceProblem(inst: Bsim3Instance): string | null {
  const b = inst.b;
  const p = inst.model.p;
  if (b.nlx < -inst.leff) return `NLX = ${b.nlx} is less than -Leff`;
  if (!(p.toxm > 0)) return `TOXM = ${p.toxm} is not positive`;
  if (p.lintnoi > inst.leff / 2) return `LINTNOI = ${p.lintnoi} is too large (Leff for noise is negative)`;
  if (!(b.nch > 0)) return `NCH = ${b.nch} is not positive`;
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
  if (p.ijth < 0) return `IJTH = ${p.ijth} is negative`;
  if (b.clc < 0) return `CLC = ${b.clc} is negative`;
  for (const k of ["phi", "vbi", "cdep0", "theta0vb0", "thetaRout", "k1ox", "k2ox", "vbsc", "rds0", "sourceSatCur", "drainSatCur"] as const) {
    if (!Number.isFinite(inst[k])) return `the derived ${k} is not finite (${inst[k]})`;
  }
  return null;
}

/**
 * b3temp.c for one transistor of geometry g at `tempC` (Celsius), with its
 * DELVTO and MULU0 (defaults 0 and 1). Throws nothing: bsim3InstanceProblem
 * reports what ngspice would refuse.
 */
export function bsim3InstanceAt(mm: Bsim3Model, g: MosGeometry, tempC: number, delvto = 0, mulu0 = 1): Bsim3Instance {
  const p = mm.p;
  const type = mm.type;
  const Temp = tempC + CONSTCtoK;
  const Tnom = mm.tnomK;
  const TRatio = Temp / Tnom;
  const cox = mm.cox;
  const vcrit = CONSTvt0 * Math.log(CONSTvt0 / (Math.SQRT2 * 1.0e-14));
  const factor1 = Math.sqrt((EPSSI / EPSOX) * p.tox);
  const Vtm0 = KboQ * Tnom;
  const Eg0 = 1.16 - (7.02e-4 * Tnom * Tnom) / (Tnom + 1108.0);
  const ni = 1.45e10 * (Tnom / 300.15) * Math.sqrt(Tnom / 300.15) * Math.exp(21.5565981 - Eg0 / (2.0 * Vtm0));
  const vtm = KboQ * Temp;
  const Eg = 1.16 - (7.02e-4 * Temp * Temp) / (Temp + 1108.0);
  let jsT = p.js;
  let jswT = p.jsw;
  if (Temp !== Tnom) {
    const T0 = Eg0 / Vtm0 - Eg / vtm + p.xti * Math.log(Temp / Tnom);
    const T1 = Math.exp(T0 / p.nj);
    jsT = p.js * T1;
    jswT = p.jsw * T1;
  }
  if (jsT < 0) jsT = 0;
  if (jswT < 0) jswT = 0;

  const { leff, weff } = bsim3EffectiveSize(mm, g.l, g.w);
  const invL = p.binunit === 1 ? 1.0e-6 / leff : 1.0 / leff;
  const invW = p.binunit === 1 ? 1.0e-6 / weff : 1.0 / weff;
  const invLW = p.binunit === 1 ? 1.0e-12 / (leff * weff) : 1.0 / (leff * weff);
  const b: Record<string, number> = {};
  for (const k of BSIM3_BINNED) b[k] = p[k] + p["l" + k] * invL + p["w" + k] * invW + p["p" + k] * invLW;

  const T0t = TRatio - 1.0;
  b.ua = b.ua + b.ua1 * T0t;
  b.ub = b.ub + b.ub1 * T0t;
  b.uc = b.uc + b.uc1 * T0t;
  if (b.u0 > 1.0) b.u0 = b.u0 / 1.0e4;
  const u0temp0 = b.u0 * Math.pow(TRatio, b.ute);
  const vsattemp = b.vsat - b.at * T0t;
  let rds0 = (b.rdsw + b.prt * T0t) / Math.pow(weff * 1e6, b.wr);
  // b3check.c with PARAMCHK = 1 also adjusts A2, A1, RDSW and RDS0
  if (p.paramchk === 1) {
    if (b.a2 < 0.01) b.a2 = 0.01;
    else if (b.a2 > 1.0) {
      b.a2 = 1.0;
      b.a1 = 0.0;
    }
    if (b.rdsw < 0) {
      b.rdsw = 0;
      rds0 = 0;
    } else if (mm.v31 && rds0 > 0 && rds0 < 0.001) rds0 = 0; // b3v1check.c: below 1 mohm set to 0
    if (rds0 < 0 && !mm.v31) rds0 = 0;
  }

  const given = mm.given;
  if (!given.has("nch") && given.has("gamma1")) {
    const t = b.gamma1 * cox;
    b.nch = 3.021e22 * t * t;
  }
  const phi = 2.0 * Vtm0 * Math.log(b.nch / ni);
  const sqrtPhi = Math.sqrt(phi);
  const phis3 = sqrtPhi * phi;
  const xdep0 = Math.sqrt((2.0 * EPSSI) / (Charge_q * b.nch * 1.0e6)) * sqrtPhi;
  const litl = Math.sqrt(3.0 * b.xj * p.tox);
  const vbi = Vtm0 * Math.log((1.0e20 * b.nch) / (ni * ni));
  const cdep0 = Math.sqrt((Charge_q * EPSSI * b.nch * 1.0e6) / 2.0 / phi);

  if (given.has("k1") || given.has("k2")) {
    if (!given.has("k1")) b.k1 = 0.53;
    if (!given.has("k2")) b.k2 = -0.0186;
  } else {
    if (!given.has("vbx")) b.vbx = phi - 7.7348e-4 * b.nch * b.xt * b.xt;
    if (b.vbx > 0.0) b.vbx = -b.vbx;
    if (b.vbm > 0.0) b.vbm = -b.vbm;
    if (!given.has("gamma1")) b.gamma1 = (5.753e-12 * Math.sqrt(b.nch)) / cox;
    if (!given.has("gamma2")) b.gamma2 = (5.753e-12 * Math.sqrt(b.nsub)) / cox;
    const T0 = b.gamma1 - b.gamma2;
    const T1 = Math.sqrt(phi - b.vbx) - sqrtPhi;
    const T2 = Math.sqrt(phi * (phi - b.vbm)) - phi;
    b.k2 = (T0 * T1) / (2.0 * T2 + b.vbm);
    b.k1 = b.gamma2 - 2.0 * b.k2 * Math.sqrt(phi - b.vbm);
  }
  let vbsc: number;
  if (b.k2 < 0.0) {
    const T0 = (0.5 * b.k1) / b.k2;
    vbsc = 0.9 * (phi - T0 * T0);
    if (vbsc > -3.0) vbsc = -3.0;
    else if (vbsc < -30.0) vbsc = -30.0;
  } else vbsc = -30.0;
  if (vbsc > b.vbm) vbsc = b.vbm;

  if (!given.has("vfb")) {
    if (given.has("vth0")) b.vfb = type * b.vth0 - phi - b.k1 * sqrtPhi;
    else b.vfb = -1.0;
  }
  if (!given.has("vth0")) b.vth0 = type * (b.vfb + phi + b.k1 * sqrtPhi);
  const k1ox = (b.k1 * p.tox) / p.toxm;
  const k2ox = (b.k2 * p.tox) / p.toxm;
  const T1x = Math.sqrt((EPSSI / EPSOX) * p.tox * xdep0);
  let T0 = Math.exp((-0.5 * b.dsub * leff) / T1x);
  const theta0vb0 = T0 + 2.0 * T0 * T0;
  T0 = Math.exp((-0.5 * b.drout * leff) / T1x);
  const thetaRout = b.pdiblc1 * (T0 + 2.0 * T0 * T0) + b.pdiblc2;

  // junction saturation currents (ACM = 0), b3temp.c / b3ld.c
  const nvtm = vtm * p.nj;
  const satCur = (area: number, perim: number): number => (area <= 0 && perim <= 0 ? 1.0e-14 : area * jsT + perim * jswT);
  const sourceSatCur = satCur(g.as, g.ps);
  const drainSatCur = satCur(g.ad, g.pd);
  let vjsm = 0;
  let isEvjsm = 0;
  let vjdm = 0;
  let isEvjdm = 0;
  // VERSION 3.1 has no IJTH: its junctions turn linear at 0.5 V (bsim3Eval)
  const ijth = mm.v31 ? 0 : p.ijth;
  if (sourceSatCur > 0 && ijth > 0) {
    vjsm = nvtm * Math.log(p.ijth / sourceSatCur + 1.0);
    isEvjsm = sourceSatCur * Math.exp(vjsm / nvtm);
  }
  if (drainSatCur > 0 && ijth > 0) {
    vjdm = nvtm * Math.log(p.ijth / drainSatCur + 1.0);
    isEvjdm = drainSatCur * Math.exp(vjdm / nvtm);
  }
  const rd = p.rsh * g.nrd;
  const rs = p.rsh * g.nrs;
  return {
    model: mm,
    type,
    vtm,
    tempRatio: Temp / Tnom - 1.0,
    factor1,
    leff,
    weff,
    b,
    vth0: b.vth0 + delvto,
    vfb: b.vfb + type * delvto,
    phi,
    sqrtPhi,
    phis3,
    xdep0,
    litl,
    vbi,
    cdep0,
    k1ox,
    k2ox,
    vbsc,
    theta0vb0,
    thetaRout,
    u0temp: u0temp0 * mulu0,
    vsattemp,
    rds0,
    sourceSatCur,
    drainSatCur,
    nvtm,
    ijth,
    vjsm,
    vjdm,
    isEvjsm,
    isEvjdm,
    vcrit,
    gd: rd > 0 ? 1 / rd : 0,
    gs: rs > 0 ? 1 / rs : 0,
    m: g.m,
    geometry: g,
    tempK: Temp,
  };
}
