/**
 * Diode model parameters and their temperature adjustment, as ngspice
 * computes them (diotemp.c), plus the junction physics shared by the stamp
 * and the energy: current i(v), conductance di/dv and co-content, with
 * reverse breakdown (BV, IBV, NBV, TCV) as ngspice 39's level-1 diode.
 */

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
  /** Zero-bias junction capacitance (F). Default 0 (used by transient only). */
  cjo: number;
  /** Parameter measurement temperature (C). Default 27. */
  tnom: number;
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
  tnom: 27,
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
  // Accepted and ignored (capacitance/noise/area details that do not change DC):
  m: null,
  vj: null,
  pb: null,
  tt: null,
  fc: null,
  kf: null,
  af: null,
  level: null,
  iave: null,
  vpk: null,
  mfg: null,
  type: null,
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
}

/**
 * Junction parameters of a diode of `area` (times its multiplier m) at
 * `tempC`. `m`: the multiplier alone (it scales IBV; area does not, as in
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
  return { isat, vte, vcrit, bv: Number.isFinite(m.bv) ? breakdownVoltage(m.bv - m.tcv * (T - Tnom), m.ibv * mult, isat, vt, nbv, reltol) : Infinity, vtebrk: nbv * vt };
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
}

/**
 * Co-content of the junction, integral_0^v i(s) ds (W), consistent with
 * junctionCurrent on both branches.
 */
export function junctionCocontent(p: JunctionParams, v: number): number {
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
