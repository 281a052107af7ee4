/**
 * Junction field-effect transistor, ngspice 39's `jfet` (level 1: the
 * Shichman-Hodges channel with the Sydney University doping-tail parameter
 * B): the model parameters with their defaults and aliases (jfet.c,
 * jfetset.c), the values at the circuit temperature (jfettemp.c) and the
 * DC and charge laws of jfetload.c.
 *
 * Units: volts, amperes, siemens, ohms, farads; temperatures in Celsius at
 * the interface, kelvin inside; EG in eV.
 *
 * Sign convention: `type` is +1 for NJF and -1 for PJF. The laws are written
 * for normalized voltages vgs = type (V(g) - V(s')), vgd = type (V(g) -
 * V(d')), vds = vgs - vgd (primes: the internal nodes behind RS, RD), so
 * that a PJF is an NJF in these variables; its physical currents are type
 * times the normalized ones. The channel current cdrain flows from d' to s'
 * through the channel; a gate junction's current flows from the gate into
 * the channel.
 */
import { CHARGE, CONSTboltz, CONSTCtoK, REFTEMP } from "../diode/diode-model.js";

/** kT/q = KoverQ * T (V), T in kelvin. */
const KoverQ = CONSTboltz / CHARGE;
/** Beyond this argument the junction exponential continues linearly (no overflow away from a solution; ngspice has no cap, pnjlim keeps it below). */
const EXP_MAX = 80;
const EXP_AT_MAX = Math.exp(EXP_MAX);

/** A `.model NAME NJF|PJF` card, defaults filled in (jfetset.c). */
export interface JfetModelParams {
  /** +1 NJF, -1 PJF. */
  type: 1 | -1;
  /** Threshold (pinch-off) voltage VTO (VT0) (V). Default -2. */
  vto: number;
  /** Transconductance parameter BETA (A/V^2), times the area. Default 1e-4. */
  beta: number;
  /** Channel-length modulation LAMBDA (1/V). Default 0. */
  lambda: number;
  /** Drain and source ohmic resistances RD, RS (ohm), divided by the area. Default 0. */
  rd: number;
  rs: number;
  /** Zero-bias gate-source and gate-drain junction capacitances CGS, CGD (F), times the area. Default 0. */
  cgs: number;
  cgd: number;
  /** Gate junction potential PB (V). Default 1. */
  pb: number;
  /** Gate junction saturation current IS (A), times the area. Default 1e-14. */
  is: number;
  /** Forward-bias depletion capacitance coefficient FC; above 0.95 ngspice limits it to 0.95 (with a warning). Default 0.5. */
  fc: number;
  /** Doping-tail parameter B (Sydney University): B = 1 is Shichman-Hodges. Default 1. */
  b: number;
  /** Parameter measurement temperature (C); default `.options tnom` (27). */
  tnom: number;
  /** Threshold temperature coefficient TCV (V/K): VTO(T) = VTO - TCV (T - TNOM). Default 0. */
  tcv: number;
  /** Alternative threshold coefficient VTOTC (V/K): when given, VTO(T) = VTO + VTOTC (T - TNOM) instead. */
  vtotc?: number;
  /** Mobility temperature exponent BEX: BETA(T) = BETA (T / TNOM)^BEX. Default 0. */
  bex: number;
  /** Alternative BETATCE (%/K): when given, BETA(T) = BETA 1.01^(BETATCE (T - TNOM)) instead. */
  betatce?: number;
  /** Saturation current temperature exponent XTI: only when given, IS(T) gains the factor (T / TNOM)^XTI (ngspice 39; its printed default 3 is not used). */
  xti?: number;
  /** Energy gap EG (eV) of IS(T) = IS exp((T / TNOM - 1) EG / Vt(T)). Default 1.11. */
  eg: number;
}

export function jfetDefaults(type: 1 | -1, tnom: number): JfetModelParams {
  return { type, vto: -2, beta: 1e-4, lambda: 0, rd: 0, rs: 0, cgs: 0, cgd: 0, pb: 1, is: 1e-14, fc: 0.5, b: 1, tnom, tcv: 0, bex: 0, eg: 1.11 };
}

/** Names accepted in `.model NAME NJF|PJF(...)` (ngspice 39's jfet.c), by the field they set; null: accepted and ignored (noise). */
export const JFET_PARAM_ALIASES: Record<string, keyof JfetModelParams | null> = {
  vto: "vto",
  vt0: "vto",
  beta: "beta",
  lambda: "lambda",
  rd: "rd",
  rs: "rs",
  cgs: "cgs",
  cgd: "cgd",
  pb: "pb",
  is: "is",
  fc: "fc",
  b: "b",
  tnom: "tnom",
  tcv: "tcv",
  vtotc: "vtotc",
  bex: "bex",
  betatce: "betatce",
  xti: "xti",
  eg: "eg",
  // noise only (no effect on DC or transients)
  kf: null,
  af: null,
  nlev: null,
  gdsnoi: null,
};

/** ngspice's limit of FC (jfettemp.c). */
export const JFET_FC_MAX = 0.95;

/** A JFET at the circuit temperature, area and m applied where ngspice applies them. */
export interface JfetInstance {
  type: 1 | -1;
  /** Parallel multiplier M: every current and conductance of the stamp times M (jfetload.c). */
  m: number;
  /** Thermal voltage kT/q at the device temperature (V). */
  vt: number;
  /** IS(T) times area (A). */
  csat: number;
  /** vt ln(vt / (sqrt2 IS(T))) (V), for pnjlim (without the area, as ngspice). */
  vcrit: number;
  /** VTO(T) (V). */
  vto: number;
  /** BETA(T) times area (A/V^2). */
  beta: number;
  lambda: number;
  /** B and (1 - B) / (PB - VTO) (1/V), from the model's nominal PB and VTO (ngspice). */
  b: number;
  bFac: number;
  /** Drain and source conductances area / RD, area / RS (S); 0 without RD, RS. */
  gd: number;
  gs: number;
  /** The gate charges; null when CGS = CGD = 0. */
  charge: JfetCharge | null;
}

/** The gate junctions' depletion charge parameters at the device temperature (grading 1/2, as ngspice's JFET). */
export interface JfetCharge {
  /** CGS(T), CGD(T) times area (F). */
  czgs: number;
  czgd: number;
  /** PB(T) (V). */
  pb: number;
  /** FC PB(T) (V): the depletion law below it, the quadratic above. */
  fcpb: number;
  /** PB(T) (1 - (1 - FC)^(1/2)) / (1/2), (1 - FC)^(3/2), 1 - 1.5 FC. */
  f1: number;
  f2: number;
  f3: number;
}

/**
 * The transistor of model `p` with `area` and multiplier `m` at `tempC`,
 * as jfettemp.c: with Vt = kT/q and r = T / TNOM,
 *   IS(T) = IS exp((r - 1) EG / Vt) [r^XTI when XTI is given],
 *   VTO(T) = VTO - TCV (T - TNOM)  (or VTO + VTOTC (T - TNOM)),
 *   BETA(T) = BETA r^BEX  (or BETA 1.01^(BETATCE (T - TNOM))),
 * PB and CGS, CGD moved to T by the silicon gap law as the diode's (with
 * the grading 1/2):
 *   pbfact(T) = -2 Vt (1.5 ln(T / Tref) + q (-Eg(T) / (2 k T) + 1.1150877 / (2 k Tref))),
 *   pbo = (PB - pbfact(TNOM)) / (TNOM / Tref),  PB(T) = (T / Tref) pbo + pbfact(T),
 *   C(T) = C (1 + (4e-4 (T - Tref) - (PB(T) - pbo) / pbo) / 2) / (1 + (4e-4 (TNOM - Tref) - (PB - pbo) / pbo) / 2).
 */
export function jfetInstanceAt(p: JfetModelParams, area: number, m: number, tempC: number): JfetInstance {
  const T = tempC + CONSTCtoK;
  const Tnom = p.tnom + CONSTCtoK;
  const vt = T * KoverQ;
  const vtnom = Tnom * KoverQ;
  const fact1 = Tnom / REFTEMP;
  const egfet1 = 1.16 - (7.02e-4 * Tnom * Tnom) / (Tnom + 1108);
  const kt1 = CONSTboltz * Tnom;
  const arg1 = -egfet1 / (kt1 + kt1) + 1.1150877 / (CONSTboltz * (REFTEMP + REFTEMP));
  const pbfact1 = -2 * vtnom * (1.5 * Math.log(fact1) + CHARGE * arg1);
  const pbo = (p.pb - pbfact1) / fact1;
  const gmaold = (p.pb - pbo) / pbo;
  const cjfact = 1 / (1 + 0.5 * (4e-4 * (Tnom - REFTEMP) - gmaold));
  const fc = Math.min(p.fc, JFET_FC_MAX);
  const xfc = Math.log(1 - fc);
  const fact2 = T / REFTEMP;
  const ratio1 = T / Tnom - 1;
  let isT = p.is * Math.exp((ratio1 * p.eg) / vt);
  if (p.xti !== undefined) isT *= Math.pow(ratio1 + 1, p.xti);
  const kt = CONSTboltz * T;
  const egfet = 1.16 - (7.02e-4 * T * T) / (T + 1108);
  const arg = -egfet / (kt + kt) + 1.1150877 / (CONSTboltz * (REFTEMP + REFTEMP));
  const pbfact = -2 * vt * (1.5 * Math.log(fact2) + CHARGE * arg);
  const pbT = fact2 * pbo + pbfact;
  const gmanew = (pbT - pbo) / pbo;
  const cjfact1 = 1 + 0.5 * (4e-4 * (T - REFTEMP) - gmanew);
  const charge: JfetCharge | null =
    p.cgs === 0 && p.cgd === 0
      ? null
      : {
          czgs: p.cgs * cjfact * cjfact1 * area,
          czgd: p.cgd * cjfact * cjfact1 * area,
          pb: pbT,
          fcpb: fc * pbT,
          f1: (pbT * (1 - Math.exp(0.5 * xfc))) / 0.5,
          f2: Math.exp(1.5 * xfc),
          f3: 1 - fc * 1.5,
        };
  const dT = T - Tnom;
  return {
    type: p.type,
    m,
    vt,
    csat: isT * area,
    vcrit: vt * Math.log(vt / (Math.SQRT2 * isT)),
    vto: p.vtotc !== undefined ? p.vto + p.vtotc * dT : p.vto - p.tcv * dT,
    beta: (p.betatce !== undefined ? p.beta * Math.pow(1.01, p.betatce * dT) : p.beta * Math.pow(T / Tnom, p.bex)) * area,
    lambda: p.lambda,
    b: p.b,
    bFac: (1 - p.b) / (p.pb - p.vto),
    gd: p.rd !== 0 ? area / p.rd : 0,
    gs: p.rs !== 0 ? area / p.rs : 0,
    charge,
  };
}

/**
 * One gate junction at normalized voltage v (V): current i (A, gate into
 * the channel) and conductance g (S), GMIN included, as jfetload.c:
 *   v >= -3 Vt: i = csat (exp(v / Vt) - 1) + gmin v
 *   v < -3 Vt:  i = -csat (1 + (3 Vt / (e v))^3) + gmin v
 * (the reverse form meets the forward one with equal value at -3 Vt).
 */
export function jfetGate(p: JfetInstance, v: number, gmin: number, out: { i: number; g: number }): void {
  const vt = p.vt;
  const csat = p.csat;
  if (v < -3 * vt) {
    let arg = (3 * vt) / (v * Math.E);
    arg = arg * arg * arg;
    out.i = -csat * (1 + arg) + gmin * v;
    out.g = (csat * 3 * arg) / v + gmin;
  } else {
    const u = v / vt;
    const e = u <= EXP_MAX ? Math.exp(u) : EXP_AT_MAX;
    out.i = csat * ((u <= EXP_MAX ? e : EXP_AT_MAX * (1 + (u - EXP_MAX))) - 1) + gmin * v;
    out.g = (csat * e) / vt + gmin;
  }
}

/** The channel at one point: current cdrain d' -> s' (A, normalized), gm = d cdrain / d vgs, gds = d cdrain / d vds (S). */
export interface JfetChannelPoint {
  cdrain: number;
  gm: number;
  gds: number;
}

/**
 * The channel current of the normal mode (vds >= 0) at u = vgs - VTO,
 * w = vds (jfetload.c, Sydney University's B): with beta' = beta (1 + lambda w),
 * Bf = (1 - B) / (PB - VTO),
 *   u <= 0 (cutoff):         0
 *   u >= w (linear):         beta' w (w (Bf w - B) + u (2B + 3 Bf (u - w)))
 *   u < w (saturation):      beta' u^2 (B + Bf u)
 * (B = 1: beta' w (2u - w) and beta' u^2). out.gm = d/du, out.gds = d/dw.
 */
function normalChannel(p: JfetInstance, u: number, w: number, out: JfetChannelPoint): void {
  if (u <= 0) {
    out.cdrain = 0;
    out.gm = 0;
    out.gds = 0;
    return;
  }
  const { beta, lambda, b, bFac } = p;
  const betap = beta * (1 + lambda * w);
  if (u >= w) {
    const apart = 2 * b + 3 * bFac * (u - w);
    const cpart = w * (w * (bFac * w - b) + u * apart);
    out.cdrain = betap * cpart;
    out.gm = betap * w * (apart + 3 * bFac * u);
    out.gds = betap * (u - w) * apart + beta * lambda * cpart;
  } else {
    const cpart = u * u * (b + bFac * u);
    out.cdrain = betap * cpart;
    out.gm = betap * u * (2 * b + 3 * bFac * u);
    out.gds = lambda * beta * cpart;
  }
}

/**
 * The channel at normalized (vgs, vgd): the normal mode for vds >= 0; for
 * vds < 0 the drain acts as the source (the inverse mode of jfetload.c),
 *   cdrain(vgs, vds) = -F(vgd - VTO, -vds)
 * with F the normal law, so gm = -F_u and gds = F_u + F_w.
 */
export function jfetChannel(p: JfetInstance, vgs: number, vgd: number, out: JfetChannelPoint): void {
  const vds = vgs - vgd;
  if (vds >= 0) {
    normalChannel(p, vgs - p.vto, vds, out);
    return;
  }
  normalChannel(p, vgd - p.vto, -vds, out);
  const fu = out.gm;
  const fw = out.gds;
  out.cdrain = -out.cdrain;
  out.gm = -fu;
  out.gds = fu + fw;
}

/**
 * A gate junction's depletion charge q (C) and capacitance c = dq/dv (F) at
 * normalized voltage v, zero-bias capacitance cz (jfetload.c, grading 1/2):
 *   v < FC PB:  q = 2 PB cz (1 - sqrt(1 - v / PB)),  c = cz / sqrt(1 - v / PB)
 *   v >= FC PB: q = cz F1 + cz / F2 (F3 (v - FC PB) + (v^2 - (FC PB)^2) / (4 PB)),
 *               c = cz / F2 (F3 + v / (2 PB))
 */
export function jfetGateCharge(p: JfetCharge, cz: number, v: number, out: { q: number; c: number }): void {
  const twop = p.pb + p.pb;
  if (v < p.fcpb) {
    const sarg = Math.sqrt(1 - v / p.pb);
    out.q = twop * cz * (1 - sarg);
    out.c = cz / sarg;
  } else {
    const czf2 = cz / p.f2;
    out.q = cz * p.f1 + czf2 * (p.f3 * (v - p.fcpb) + (v * v - p.fcpb * p.fcpb) / (twop + twop));
    out.c = czf2 * (p.f3 + v / twop);
  }
}
