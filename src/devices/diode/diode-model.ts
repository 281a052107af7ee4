/**
 * Diode model parameters and their temperature adjustment, as ngspice
 * computes them (diotemp.c), plus the junction physics shared by the stamp
 * and the energy: current i(v), conductance di/dv and co-content, with
 * reverse breakdown (BV, IBV, NBV, TCV) as ngspice 39's level-1 diode; and
 * the junction's stored charge for transients (depletion CJO, VJ, M, FC and
 * diffusion TT), as ngspice's diotemp.c and dioload.c.
 */

import { integrate } from "../bsource/bsource.js";

/** Physical constants as ngspice 39 defines them. */
export const CONSTboltz = 1.38064852e-23; // J/K
export const CHARGE = 1.6021766208e-19; // C
export const CONSTCtoK = 273.15;
export const REFTEMP = 300.15; // K (27 C)

export interface DiodeModelParams {
  /** Saturation current (A). Default 1e-14. */
  is: number;
  /** Emission coefficient. Default 1. */
  n: number;
  /** Ohmic series resistance (ohm). Default 0. */
  rs: number;
  /** Reverse breakdown voltage (V, positive); Infinity when not given. */
  bv: number;
  /** Current at breakdown voltage (A). Default 1e-3. */
  ibv: number;
  /** Breakdown emission coefficient; undefined: N (as ngspice). */
  nbv?: number;
  /** Breakdown voltage temperature coefficient (V/K): BV(T) = BV - TCV (T - TNOM). Default 0. */
  tcv: number;
  /** Energy gap (eV) for temperature scaling. Default 1.11. */
  eg: number;
  /** Saturation current temperature exponent. Default 3. */
  xti: number;
  /** Zero-bias junction capacitance (F), times the area. Default 0 (transients only). */
  cjo: number;
  /** Junction potential VJ (PB) (V). Default 1. */
  vj: number;
  /** Grading coefficient M (MJ). Default 0.5; above 0.9 ngspice limits it to 0.9 (with a warning). */
  mj: number;
  /** Forward-bias depletion capacitance coefficient FC: above FC VJ the charge is ngspice's quadratic. Default 0.5. */
  fc: number;
  /** Transit time TT (s): diffusion charge TT i(v). Default 0. */
  tt: number;
  /**
   * Sidewall capacitance CJSW (CJP) (F/m), its grading MJSW, potential PHP
   * and FCS: ngspice applies them to the perimeter PJ (default 0), which
   * eqspice does not accept, so they store no charge (as ngspice without PJ).
   */
  cjsw: number;
  mjsw: number;
  php: number;
  fcs: number;
  /** Parameter measurement temperature (C). Default 27. */
  tnom: number;
  /**
   * Recombination saturation current ISR (A), times the area: a second
   * exponential with emission coefficient NR, weighted by the generation
   * factor ((1 - v/VJ)^2 + 0.005)^(M/2), in forward bias only (ngspice 39's
   * level-1 diode, PSpice's ISR). Default 0 (none).
   */
  isr: number;
  /** Recombination emission coefficient NR. Default 1 (ngspice 39's). */
  nr: number;
  /** Forward and reverse knee currents IKF, IKR (A), times the area: i / (1 + sqrt(i / IK)); Infinity when not given. */
  ikf: number;
  ikr: number;
  /** Temperature coefficients of RS (1/K, 1/K^2): RS(T) = RS (1 + TRS dT + TRS2 dT^2), dT = T - TNOM. Default 0. */
  trs: number;
  trs2: number;
}

export const DIODE_DEFAULTS: DiodeModelParams = {
  is: 1e-14,
  n: 1,
  rs: 0,
  bv: Infinity,
  ibv: 1e-3,
  tcv: 0,
  eg: 1.11,
  xti: 3,
  cjo: 0,
  vj: 1,
  mj: 0.5,
  fc: 0.5,
  tt: 0,
  cjsw: 0,
  mjsw: 0.33,
  php: 1,
  fcs: 0.5,
  tnom: 27,
  isr: 0,
  nr: 1,
  ikf: Infinity,
  ikr: Infinity,
  trs: 0,
  trs2: 0,
};

/**
 * PSpice diode parameters ngspice 39 does not know (it warns "unrecognized
 * parameter - ignored" and runs without them): eqspice ignores them as well,
 * with a warning, so a PSpice card gives ngspice's answer.
 */
export const DIODE_IGNORED_AS_NGSPICE = new Set(["ibvl", "nbvl", "tbv1", "tbv2"]);

/**
 * ngspice 39 diode model parameters eqspice refuses by name (not modelled),
 * with why: a model using them would give other answers than ngspice. They
 * pass the parser (DIODE_PARAM_ALIASES maps them to null) and are refused,
 * with the reason, when an element uses the model (elaborate-models.ts).
 */
export const DIODE_UNSUPPORTED: Record<string, string> = {
  tm1: "temperature coefficients of M (TM1, TM2) are not modelled",
  tm2: "temperature coefficients of M (TM1, TM2) are not modelled",
  ttt1: "temperature coefficients of TT (TTT1, TTT2) are not modelled",
  ttt2: "temperature coefficients of TT (TTT1, TTT2) are not modelled",
  tlevc: "only ngspice's default capacitance temperature model (TLEVC = 0: CJO and VJ from EG's silicon law) is modelled",
  cta: "CTA, CTP, TPB, TPHP belong to TLEVC = 1, which is not modelled",
  ctp: "CTA, CTP, TPB, TPHP belong to TLEVC = 1, which is not modelled",
  tpb: "CTA, CTP, TPB, TPHP belong to TLEVC = 1, which is not modelled",
  tphp: "CTA, CTP, TPB, TPHP belong to TLEVC = 1, which is not modelled",
  tlev: "only ngspice's default temperature model (TLEV = 0) is modelled",
  pj: "a sidewall perimeter (PJ) is not supported, so neither are sidewall current and capacitance",
  jsw: "a sidewall perimeter (PJ) is not supported, so neither are sidewall current and capacitance",
  ns: "a sidewall perimeter (PJ) is not supported, so neither are sidewall current and capacitance",
  area: "give the area on the element line (Dname a k model area)",
};

/** Names accepted in `.model NAME D(...)`; others are rejected so typos do not pass silently. */
export const DIODE_PARAM_ALIASES: Record<string, keyof DiodeModelParams | null> = {
  is: "is",
  js: "is",
  n: "n",
  rs: "rs",
  bv: "bv",
  ibv: "ibv",
  nbv: "nbv",
  tcv: "tcv",
  eg: "eg",
  xti: "xti",
  cjo: "cjo",
  cj0: "cjo",
  cj: "cjo",
  tnom: "tnom",
  vj: "vj",
  pb: "vj",
  m: "mj",
  mj: "mj",
  fc: "fc",
  tt: "tt",
  cjsw: "cjsw",
  cjp: "cjsw",
  mjsw: "mjsw",
  php: "php",
  fcs: "fcs",
  isr: "isr",
  nr: "nr",
  ikf: "ikf",
  ik: "ikf",
  ikr: "ikr",
  trs: "trs",
  trs1: "trs",
  trs2: "trs2",
  // Accepted and ignored (noise and datasheet details that change neither DC nor transients):
  kf: null,
  af: null,
  level: null,
  iave: null,
  vpk: null,
  mfg: null,
  type: null,
  // self-heating (RTH0, CTH0) acts only on an instance with a thermal node and `thermal` (refused on the
  // D line); the safe-operating-area limits only make ngspice warn: read and unused, as ngspice uses them
  rth0: null,
  cth0: null,
  fv_max: null,
  bv_max: null,
  id_max: null,
  pd_max: null,
  te_max: null,
  ...Object.fromEntries(Object.keys(DIODE_UNSUPPORTED).map((k) => [k, null])),
  ...Object.fromEntries([...DIODE_IGNORED_AS_NGSPICE].map((k) => [k, null])),
};

/** Thermal voltage kT/q (V) at temperature `tempC` (Celsius), as ngspice computes it. */
export function thermalVoltage(tempC: number): number {
  return (CONSTboltz * (tempC + CONSTCtoK)) / CHARGE;
}

/**
 * Junction parameters at the circuit temperature.
 * IS(T) = IS * exp((T/Tnom - 1) * EG / (N Vt(T)) + XTI/N * ln(T/Tnom)).
 */
export interface JunctionParams {
  /** Saturation current times area (A). */
  isat: number;
  /** N * Vt (V). */
  vte: number;
  /** Critical voltage for step limiting (V). */
  vcrit: number;
  /**
   * Where breakdown starts (V, positive): ngspice's DIOtBrkdwnV, the
   * voltage below BV(T) at which the breakdown exponential meets the
   * reverse current so that it carries IBV at -BV(T); Infinity without BV.
   */
  bv: number;
  /** NBV * Vt (V): the breakdown exponential's scale. */
  vtebrk: number;
  /** Recombination saturation current ISR(T) times area (A); 0 without ISR. */
  isr: number;
  /** NR * Vt (V). */
  vterec: number;
  /** Junction potential VJ(T) (V, at most 1 / FC) and grading coefficient M (at most 0.9) of the generation factor. */
  vjT: number;
  mjT: number;
  /** Knee currents IKF, IKR times area (A); Infinity: none. */
  ikf: number;
  ikr: number;
  /** True when ISR, IKF or IKR is given: the co-content is then a quadrature of the current. */
  extended: boolean;
  /** The junction's charge in a transient; null without CJO and TT (the diode is resistive). */
  charge: DiodeCharge | null;
}

/**
 * The junction's charge parameters at the circuit temperature (ngspice's
 * DIOtJctCap, DIOtJctPot, DIOtGradingCoeff, DIOtDepCap, DIOtF1..F3,
 * DIOtTransitTime).
 */
export interface DiodeCharge {
  /** Zero-bias depletion capacitance CJO(T) times area and m (F). */
  cz: number;
  /** Junction potential VJ(T) (V), at most 1 / FC. */
  vj: number;
  /** Grading coefficient, at most 0.9. */
  mj: number;
  /** FC VJ(T) (V): the depletion formula holds below it, the quadratic above. */
  depCap: number;
  /** VJ (1 - (1 - FC)^(1 - M)) / (1 - M) (V), (1 - FC)^(1 + M), 1 - FC (1 + M). */
  f1: number;
  f2: number;
  f3: number;
  /** Transit time TT (s). */
  tt: number;
}

/** The grading coefficient above which ngspice's diotemp.c limits M (its DIOgradingCoeffMax). */
export const DIODE_MJ_MAX = 0.9;

/**
 * The charge parameters of a diode model at `tempC`, `scale` = area times m
 * (CJO scales with both, as ngspice 39), or null when CJO = TT = 0. ngspice's
 * diotemp.c (TLEVC = 0): with Eg(T) = 1.16 - 7.02e-4 T^2 / (T + 1108) (eV) and
 *   pbfact(T) = -2 Vt(T) (1.5 ln(T / Tref) + q (-Eg(T) / (2 k T) + 1.1150877 / (2 k Tref))),
 * Tref = 300.15 K, the potential VJ is referred to Tref and moved to T,
 *   pbo = (VJ - pbfact(Tnom)) / (Tnom / Tref),  VJ(T) = pbfact(T) + (T / Tref) pbo,
 * and CJO follows it,
 *   CJO(T) = CJO (1 + M (4e-4 (T - Tref) - (VJ(T) - pbo) / pbo)) / (1 + M (4e-4 (Tnom - Tref) - (VJ - pbo) / pbo)).
 * F1 is computed from VJ(T) before the limit VJ(T) <= 1 / FC (ngspice's order).
 */
export function diodeChargeAt(m: DiodeModelParams, scale: number, tempC: number): DiodeCharge | null {
  if (m.cjo === 0 && m.tt === 0) return null;
  return diodeTempCharge(m, scale, tempC);
}

/** diodeChargeAt's temperature adjustment, computed whatever CJO and TT are (the recombination current needs VJ(T)). */
function diodeTempCharge(m: DiodeModelParams, scale: number, tempC: number): DiodeCharge {
  const T = tempC + CONSTCtoK;
  const Tnom = m.tnom + CONSTCtoK;
  const mj = Math.min(m.mj, DIODE_MJ_MAX);
  const pbfact = (t: number): number => {
    const egfet = 1.16 - (7.02e-4 * t * t) / (t + 1108);
    const arg = -egfet / (2 * CONSTboltz * t) + 1.1150877 / (CONSTboltz * (REFTEMP + REFTEMP));
    return -2 * ((CONSTboltz * t) / CHARGE) * (1.5 * Math.log(t / REFTEMP) + CHARGE * arg);
  };
  const fact1 = Tnom / REFTEMP;
  const pbo = (m.vj - pbfact(Tnom)) / fact1;
  const gmaold = (m.vj - pbo) / pbo;
  let vj = pbfact(T) + (T / REFTEMP) * pbo;
  const gmanew = (vj - pbo) / pbo;
  const cz = ((m.cjo * scale) / (1 + mj * (400e-6 * (Tnom - REFTEMP) - gmaold))) * (1 + mj * (400e-6 * (T - REFTEMP) - gmanew));
  const xfc = Math.log(1 - m.fc);
  const f1 = (vj * (1 - Math.exp((1 - mj) * xfc))) / (1 - mj);
  let depCap = m.fc * vj;
  if (depCap > 1) {
    vj = 1 / m.fc;
    depCap = m.fc * vj;
  }
  return { cz, vj, mj, depCap, f1, f2: Math.exp((1 + mj) * xfc), f3: 1 - m.fc * (1 + mj), tt: m.tt };
}

/**
 * The junction's charge q (C) and capacitance c = dq/dv (F) at voltage v,
 * given the junction current i(v) (A, without GMIN) and its conductance g:
 * ngspice's dioload.c, depletion plus diffusion TT i(v):
 *   v < FC VJ:  q = VJ CJO (1 - (1 - v/VJ)^(1 - M)) / (1 - M),  c = CJO (1 - v/VJ)^-M
 *   v >= FC VJ: q = CJO F1 + CJO/F2 (F3 (v - FC VJ) + M/(2 VJ) (v^2 - (FC VJ)^2)),
 *               c = CJO/F2 (F3 + M v / VJ)
 * (the quadratic continues the depletion charge with equal value and slope
 * at FC VJ); q += TT i, c += TT g (so in breakdown the breakdown current).
 */
export function diodeCharge(p: DiodeCharge, v: number, i: number, g: number, out: { q: number; c: number }): void {
  const { cz, vj, mj } = p;
  let q: number;
  let c: number;
  if (v < p.depCap) {
    const arg = 1 - v / vj;
    const sarg = Math.exp(-mj * Math.log(arg));
    q = (vj * cz * (1 - arg * sarg)) / (1 - mj);
    c = cz * sarg;
  } else {
    const czof2 = cz / p.f2;
    q = cz * p.f1 + czof2 * (p.f3 * (v - p.depCap) + (mj / (vj + vj)) * (v * v - p.depCap * p.depCap));
    c = czof2 * (p.f3 + (mj * v) / vj);
  }
  out.q = q + p.tt * i;
  out.c = c + p.tt * g;
}

/**
 * Junction parameters of a diode of `area` (times its multiplier m) at
 * `tempC`, with its charge parameters (diodeChargeAt). `m`: the multiplier alone (it scales IBV; area does not, as in
 * ngspice's level 1); `reltol`: `.options reltol`, which ends ngspice's
 * iteration for the breakdown voltage (so its answer depends on it).
 */
export function junctionAt(m: DiodeModelParams, area: number, tempC: number, mult = 1, reltol = 1e-3): JunctionParams {
  const T = tempC + CONSTCtoK;
  const Tnom = m.tnom + CONSTCtoK;
  const vt = thermalVoltage(tempC);
  const vte = m.n * vt;
  const ratio = T / Tnom;
  const isat = m.is * area * Math.exp(((ratio - 1) * m.eg) / vte + (m.xti / m.n) * Math.log(ratio));
  const vcrit = vte * Math.log(vte / (Math.SQRT2 * isat));
  const nbv = m.nbv ?? m.n;
  // ISR(T) as IS(T) with NR for N (diotemp.c); VJ(T), M for its generation factor
  const vterec = m.nr * vt;
  const isr = m.isr > 0 ? m.isr * area * Math.exp(((ratio - 1) * m.eg) / vterec + (m.xti / m.nr) * Math.log(ratio)) : 0;
  const pot = diodeTempCharge(m, area, tempC);
  return {
    isat,
    vte,
    vcrit,
    bv: Number.isFinite(m.bv) ? breakdownVoltage(m.bv - m.tcv * (T - Tnom), m.ibv * mult, isat, vt, nbv, reltol) : Infinity,
    vtebrk: nbv * vt,
    isr,
    vterec,
    vjT: pot.vj,
    mjT: pot.mj,
    ikf: m.ikf * area,
    ikr: m.ikr * area,
    extended: isr > 0 || Number.isFinite(m.ikf) || Number.isFinite(m.ikr),
    charge: diodeChargeAt(m, area, tempC),
  };
}

/** RS at `tempC` (ohm, before the area): RS (1 + TRS dT + TRS2 dT^2), dT = T - TNOM (ngspice's diotemp.c). */
export function seriesResistanceAt(m: DiodeModelParams, tempC: number): number {
  const dT = tempC - m.tnom;
  return m.rs * (1 + m.trs * dT + m.trs2 * dT * dT);
}

/**
 * ngspice's diotemp.c: the voltage xbv where breakdown starts, from BV(T)
 * `tbv` and the current `cbv` at it, by at most 25 fixed-point steps of
 * xbv = BV - NBV Vt ln(cbv / IS + 1 - xbv / Vt), stopped when the current
 * IS (exp((BV - xbv) / (NBV Vt)) - 1 + xbv / Vt) is within reltol cbv.
 * An IBV below IS BV / Vt leaves xbv = BV (ngspice).
 */
function breakdownVoltage(tbv: number, cbv: number, isat: number, vt: number, nbv: number, reltol: number): number {
  if (cbv < (isat * tbv) / vt) return tbv;
  const tol = reltol * cbv;
  let xbv = tbv - nbv * vt * Math.log(1 + cbv / isat);
  for (let iter = 0; iter < 25; iter++) {
    xbv = tbv - nbv * vt * Math.log(cbv / isat + 1 - xbv / vt);
    const xcbv = isat * (Math.exp((tbv - xbv) / (nbv * vt)) - 1 + xbv / vt);
    if (Math.abs(xcbv - cbv) <= tol) break;
  }
  return xbv;
}

/** Beyond this argument exp() continues linearly (overflow-safe, still C1 and monotone). */
const EXP_MAX = 80;
const EXP_AT_MAX = Math.exp(EXP_MAX);

/** exp(u) for u <= EXP_MAX, its tangent line beyond. */
export function safeExp(u: number): number {
  return u <= EXP_MAX ? Math.exp(u) : EXP_AT_MAX * (1 + (u - EXP_MAX));
}

/** Derivative of safeExp. */
export function safeExpDeriv(u: number): number {
  return u <= EXP_MAX ? Math.exp(u) : EXP_AT_MAX;
}

/** Integral of safeExp from -inf to u. */
function safeExpIntegral(u: number): number {
  if (u <= EXP_MAX) return Math.exp(u);
  const d = u - EXP_MAX;
  return EXP_AT_MAX * (1 + d + 0.5 * d * d);
}

/**
 * Junction current (A) and conductance (S) at voltage v, without GMIN,
 * following ngspice dioload.c: Shockley for v >= -3 N Vt; below it the
 * smooth reverse form -IS (1 + (3 N Vt / (e v))^3), which meets Shockley with
 * equal value there; below -xbv (BV given) breakdown,
 * -IS exp(-(xbv + v) / (NBV Vt)) (its exponential overflow-safe as the
 * forward one).
 */
export function junctionCurrent(p: JunctionParams, v: number, out: { i: number; g: number }): void {
  const { isat, vte } = p;
  // safeExp and its derivative from one exp (the same values); written out here because this runs
  // once per diode per Newton iteration, and a call V8 does not inline boxes its double argument and result.
  if (v >= -3 * vte) {
    const u = v / vte;
    const e = u <= EXP_MAX ? Math.exp(u) : EXP_AT_MAX;
    out.i = isat * ((u <= EXP_MAX ? e : EXP_AT_MAX * (1 + (u - EXP_MAX))) - 1);
    out.g = (isat * e) / vte;
  } else if (v < -p.bv) {
    const u = -(p.bv + v) / p.vtebrk;
    const e = u <= EXP_MAX ? Math.exp(u) : EXP_AT_MAX;
    out.i = -isat * (u <= EXP_MAX ? e : EXP_AT_MAX * (1 + (u - EXP_MAX)));
    out.g = (isat * e) / p.vtebrk;
  } else {
    let arg = (3 * vte) / (v * Math.E);
    arg = arg * arg * arg;
    out.i = -isat * (1 + arg);
    out.g = (isat * 3 * arg) / v;
  }
  if (p.extended) extendedCurrent(p, v, out);
}

/**
 * ISR and the knee currents on top of the junction current in `out`
 * (ngspice 39's dioload.c), in forward bias (v >= -3 N Vt):
 *   i += ISR (exp(v / (NR Vt)) - 1) f(v),  f(v) = ((1 - v/VJ)^2 + 0.005)^(M/2),
 *   g += ISR exp(v / (NR Vt)) / (NR Vt) f(v) + ISR (exp(v / (NR Vt)) - 1) f'(v),
 *   f'(v) = -(M / VJ) (1 - v/VJ) ((1 - v/VJ)^2 + 0.005)^(M/2 - 1)
 * (the exact derivative: ngspice's gdb_rec has f'(v) without the 1/VJ and
 * times f(v) once more, which changes its Newton steps, not its answer);
 * then with IKF, for i > 1e-18 A, and below -3 N Vt with IKR, for
 * i < -1e-18 A, s = sqrt(|i| / IK):
 *   i -> i / (1 + s),  g -> g (1 + s/2) / (1 + s)^2.
 */
function extendedCurrent(p: JunctionParams, v: number, out: { i: number; g: number }): void {
  let i = out.i;
  let g = out.g;
  const forward = v >= -3 * p.vte;
  if (forward && p.isr > 0) {
    const u = v / p.vterec;
    const e = safeExpDeriv(u);
    const cr = p.isr * (safeExp(u) - 1);
    const x = 1 - v / p.vjT;
    const t1 = x * x + 0.005;
    const f = Math.pow(t1, p.mjT / 2);
    const df = -(p.mjT / p.vjT) * x * Math.pow(t1, p.mjT / 2 - 1);
    i += cr * f;
    g += ((p.isr * e) / p.vterec) * f + cr * df;
  }
  if (forward ? i > 1e-18 && Number.isFinite(p.ikf) : i < -1e-18 && Number.isFinite(p.ikr)) {
    const s = Math.sqrt(Math.abs(i) / (forward ? p.ikf : p.ikr));
    g = (g * (1 + s / 2)) / ((1 + s) * (1 + s));
    i = i / (1 + s);
  }
  out.i = i;
  out.g = g;
}

/**
 * Co-content of the junction, integral_0^v i(s) ds (W), consistent with
 * junctionCurrent on both branches.
 */
export function junctionCocontent(p: JunctionParams, v: number): number {
  if (p.extended) return extendedCocontent(p, v);
  const { isat, vte } = p;
  const vb = -3 * vte;
  const shockley = (w: number) => isat * (vte * (safeExpIntegral(w / vte) - 1) - w);
  if (v >= vb) return shockley(v);
  // integral_vb^w -isat (1 + K s^-3) ds with K = (3 vte / e)^3
  const K = Math.pow((3 * vte) / Math.E, 3);
  const prim = (w: number) => -isat * (w - K / (2 * w * w));
  if (v >= -p.bv) return shockley(vb) + prim(v) - prim(vb);
  // breakdown below s0 (-xbv, or -3 N Vt when xbv is smaller: the forward law comes first, as in dioload.c):
  // integral_s0^v -isat exp(u(s)) ds = isat vtebrk (exp(u(v)) - exp(u(s0))), u(s) = -(xbv + s) / vtebrk
  const s0 = Math.min(vb, -p.bv);
  const c0 = s0 === vb ? shockley(vb) : shockley(vb) + prim(s0) - prim(vb);
  const u = (w: number) => -(p.bv + w) / p.vtebrk;
  return c0 + isat * p.vtebrk * (safeExpIntegral(u(v)) - safeExpIntegral(u(s0)));
}

const coScratch = { i: 0, g: 0 };

/**
 * The co-content with ISR or a knee current: integral_0^v i(s) ds of
 * junctionCurrent, by adaptive Gauss-Kronrod quadrature (to 1e-12
 * relative) on the pieces between its branch points (-3 N Vt, where the
 * recombination current starts, and -xbv).
 */
function extendedCocontent(p: JunctionParams, v: number): number {
  const f = (s: number): number => {
    junctionCurrent(p, s, coScratch);
    return coScratch.i;
  };
  const cuts = [-3 * p.vte, -p.bv].filter((c) => Number.isFinite(c) && c < 0 && c > Math.min(v, 0) && c < Math.max(v, 0));
  cuts.sort((a, b) => (v >= 0 ? a - b : b - a));
  let total = 0;
  let from = 0;
  for (const c of cuts) {
    total += integrate(f, from, c);
    from = c;
  }
  return total + integrate(f, from, v);
}
