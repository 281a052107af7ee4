/**
 * MOSFET level 1 (Shichman-Hodges) as ngspice 39's mos1: model parameters
 * and their defaults (mos1set.c), the values derived from them and the
 * temperature (mos1temp.c), and the pure DC law (mos1load.c): the channel
 * current with its derivatives, and the bulk-source / bulk-drain junctions.
 *
 * Units: volts, amperes, siemens, metres (L, W, LD, TOX), square metres
 * (AD, AS), farads; NSUB in cm^-3, NSS in cm^-2, UO in cm^2/(V s), as
 * ngspice reads them. Temperatures in Celsius at the interface, kelvin inside.
 *
 * Sign convention: `type` is +1 for NMOS and -1 for PMOS. The DC law is
 * written for "normalized" voltages, v = type * (physical voltage
 * difference), so that a PMOS is an NMOS in these variables; its currents
 * are then type * (normalized currents). Threshold VTO keeps its physical
 * sign (negative for an enhancement PMOS), as in ngspice.
 */
import { CHARGE, CONSTboltz, CONSTCtoK, REFTEMP } from "./diode-model.js";

/** Model card values; undefined = not given (ngspice's `...Given` flags matter for the derived values). */
export interface MosModelParams {
  /** +1 NMOS, -1 PMOS. */
  type: 1 | -1;
  /** Zero-bias threshold voltage (V). Default 0, or from NSUB/NSS/TPG with TOX. */
  vto?: number;
  /** Transconductance parameter (A/V^2). Default 2e-5, or UO * eps_ox / TOX with TOX. */
  kp?: number;
  /** Body-effect coefficient (V^0.5). Default 0, or from NSUB with TOX. */
  gamma?: number;
  /** Surface potential (V). Default 0.6, or 2 Vt ln(NSUB / ni) with TOX and NSUB. */
  phi?: number;
  /** Channel-length modulation (1/V). Default 0. */
  lambda: number;
  /** Drain and source ohmic resistances (ohm); undefined: not given. */
  rd?: number;
  rs?: number;
  /** Drain/source sheet resistance (ohm/square), with NRD/NRS when RD/RS are not given. */
  rsh?: number;
  /** Zero-bias bulk-drain / bulk-source junction capacitances (F). */
  cbd?: number;
  cbs?: number;
  /** Bulk junction saturation current (A). Default 1e-14. */
  is: number;
  /** Bulk junction potential (V). Default 0.8. */
  pb: number;
  /** Gate-source, gate-drain overlap capacitance per width (F/m), gate-bulk per length (F/m). Default 0. */
  cgso: number;
  cgdo: number;
  cgbo: number;
  /** Bottom junction capacitance per area (F/m^2), grading MJ (default 0.5). */
  cj?: number;
  mj: number;
  /** Sidewall junction capacitance per perimeter (F/m), grading MJSW (default 0.5). */
  cjsw?: number;
  mjsw: number;
  /** Bulk junction saturation current density (A/m^2). Default 0 (IS is used). */
  js: number;
  /** Oxide thickness (m); undefined or 0: no oxide capacitance, and no derived KP/VTO/GAMMA/PHI. */
  tox?: number;
  /** Substrate doping (cm^-3). */
  nsub?: number;
  /** Surface state density (cm^-2). */
  nss?: number;
  /** Gate type: 1 opposite to substrate, -1 same, 0 aluminium. Default 1 (when NSUB is used). */
  tpg?: number;
  /** Lateral diffusion (m). Default 0. */
  ld: number;
  /** Surface mobility (cm^2/(V s)). Default 600 (used with TOX when KP is not given). */
  uo?: number;
  /** Forward-bias depletion capacitance coefficient. Default 0.5. */
  fc: number;
  /** Flicker noise (accepted, not used). */
  kf: number;
  af: number;
  /** Parameter measurement temperature (C). Default: `.options tnom` (27). */
  tnom: number;
}

export function mosDefaults(type: 1 | -1, tnom: number): MosModelParams {
  return { type, lambda: 0, is: 1e-14, pb: 0.8, cgso: 0, cgdo: 0, cgbo: 0, mj: 0.5, mjsw: 0.5, js: 0, ld: 0, fc: 0.5, kf: 0, af: 1, tnom };
}

/**
 * Names accepted in `.model NAME NMOS|PMOS (LEVEL=1 ...)` (ngspice's mos1.c
 * table), each to its field; null: accepted and not stored (LEVEL, the
 * NMOS/PMOS flags). Anything else is an error.
 */
export const MOS_PARAM_ALIASES: Record<string, keyof MosModelParams | null> = {
  level: null,
  vto: "vto",
  vt0: "vto",
  kp: "kp",
  gamma: "gamma",
  phi: "phi",
  lambda: "lambda",
  rd: "rd",
  rs: "rs",
  rsh: "rsh",
  cbd: "cbd",
  cbs: "cbs",
  is: "is",
  pb: "pb",
  cgso: "cgso",
  cgdo: "cgdo",
  cgbo: "cgbo",
  cj: "cj",
  mj: "mj",
  cjsw: "cjsw",
  mjsw: "mjsw",
  js: "js",
  tox: "tox",
  nsub: "nsub",
  nss: "nss",
  tpg: "tpg",
  ld: "ld",
  u0: "uo",
  uo: "uo",
  fc: "fc",
  kf: "kf",
  af: "af",
  tnom: "tnom",
  nmos: null,
  pmos: null,
};

/** ngspice's MOSFET levels other than 1, by what they are (refused by name). */
export const MOS_LEVEL_NAMES: Record<number, string> = {
  2: "MOS2 (Grove-Frohman)",
  3: "MOS3 (semi-empirical)",
  4: "BSIM1",
  5: "BSIM2",
  6: "MOS6",
  7: "MOS3",
  8: "BSIM3",
  9: "MOS9",
  10: "B4SOI",
  14: "BSIM4",
  44: "EKV",
  45: "PSP",
  49: "BSIM3",
  54: "BSIM4",
  55: "EKV",
  57: "BSIMSOI",
  58: "BSIMSOI",
  60: "STAG",
  62: "HiSIM",
  68: "HiSIM",
  73: "HiSIM",
};

/** kT/q = CONSTKoverQ * T (V), T in kelvin. */
const KoverQ = CONSTboltz / CHARGE;
/** Silicon dioxide and silicon permittivities as mos1temp.c writes them (F/m). */
const EPS_OX = 3.9 * 8.854214871e-12;
const EPS_SI = 11.7 * 8.854214871e-12;
/** Intrinsic carrier density ngspice uses in PHI = 2 Vt ln(NSUB / ni) (m^-3). */
const NI = 1.45e16;
/** ngspice's exponent cap on the junction exponentials. */
const MAX_EXP_ARG = 709;

/** A model's values after ngspice's preprocessing (mos1temp.c, model part), at TNOM. */
export interface MosModel {
  type: 1 | -1;
  vt0: number;
  kp: number;
  gamma: number;
  phi: number;
  lambda: number;
  /** Oxide capacitance per area eps_ox / TOX (F/m^2); 0 without TOX. */
  coxArea: number;
  tnomK: number;
  params: MosModelParams;
}

/**
 * Derive KP, PHI, GAMMA and VTO from UO, TOX, NSUB, NSS and TPG where they
 * are not given, as mos1temp.c does (only when TOX is given and nonzero;
 * NSUB only when given, and it must exceed ni = 1.45e10 cm^-3: checked by
 * the caller). Work functions in volts, EG(TNOM) from ngspice's fit.
 */
export function deriveMosModel(p: MosModelParams): MosModel {
  const tnomK = p.tnom + CONSTCtoK;
  const vtnom = tnomK * KoverQ;
  const egfet1 = 1.16 - (7.02e-4 * tnomK * tnomK) / (tnomK + 1108);
  let kp = p.kp ?? 2e-5;
  let phi = p.phi ?? 0.6;
  let gamma = p.gamma ?? 0;
  let vt0 = p.vto ?? 0;
  let coxArea = 0;
  if (p.tox !== undefined && p.tox !== 0) {
    coxArea = EPS_OX / p.tox;
    if (p.kp === undefined) kp = (p.uo ?? 600) * coxArea * 1e-4; // cm^2 -> m^2
    if (p.nsub !== undefined) {
      const nsub = p.nsub * 1e6; // cm^-3 -> m^-3
      if (p.phi === undefined) phi = Math.max(0.1, 2 * vtnom * Math.log(nsub / NI));
      const fermis = p.type * 0.5 * phi;
      let wkfng = 3.2;
      const tpg = p.tpg ?? 1;
      if (tpg !== 0) {
        const fermig = p.type * tpg * 0.5 * egfet1;
        wkfng = 3.25 + 0.5 * egfet1 - fermig;
      }
      const wkfngs = wkfng - (3.25 + 0.5 * egfet1 + fermis);
      if (p.gamma === undefined) gamma = Math.sqrt(2 * EPS_SI * CHARGE * nsub) / coxArea;
      if (p.vto === undefined) {
        const vfb = wkfngs - ((p.nss ?? 0) * 1e4 * CHARGE) / coxArea;
        vt0 = vfb + p.type * (gamma * Math.sqrt(phi) + phi);
      }
    }
  }
  return { type: p.type, vt0, kp, gamma, phi, lambda: p.lambda, coxArea, tnomK, params: p };
}

/** Instance geometry and multiplier (ngspice defaults: L = W = 100 um, AD = AS = PD = PS = 0, NRD = NRS = 1, M = 1). */
export interface MosGeometry {
  l: number;
  w: number;
  ad: number;
  as: number;
  pd: number;
  ps: number;
  nrd: number;
  nrs: number;
  m: number;
}

export const MOS_GEOMETRY_DEFAULTS: MosGeometry = { l: 1e-4, w: 1e-4, ad: 0, as: 0, pd: 0, ps: 0, nrd: 1, nrs: 1, m: 1 };

/** One transistor's values at the circuit temperature, everything the DC law needs. */
export interface MosInstance {
  type: 1 | -1;
  /** Thermal voltage kT/q (V). */
  vt: number;
  /** KP(T) * M * W / (L - 2 LD) (A/V^2). */
  beta: number;
  lambda: number;
  gamma: number;
  /** PHI(T) (V). */
  phi: number;
  /** Built-in part of the threshold, VBI(T) (V, physical sign): von = type VBI + GAMMA sqrt(PHI - vbs). */
  vbi: number;
  /** VTO(T) (V, physical sign). */
  vto: number;
  /** Junction saturation currents, M included (A). */
  drainSatCur: number;
  sourceSatCur: number;
  /** Critical voltages of pnjlim (V). */
  drainVcrit: number;
  sourceVcrit: number;
  /** Series conductances M/RD, M/RS (S); 0: no series resistance (no internal node). */
  gd: number;
  gs: number;
  /** True when some capacitance (Meyer gate, overlap or junction) is nonzero: the transient needs charges. */
  hasCharges: boolean;
  /** Charge storage, M included (see MosCharges); null when hasCharges is false. */
  charges: MosCharges | null;
}

/**
 * A transistor's charge parameters at the circuit temperature, as
 * mos1temp.c / mos1load.c compute them (M included):
 *  - Meyer gate capacitance from the oxide capacitance cox = eps_ox / TOX *
 *    Leff * W * M (F) and the surface potential PHI(T) (see meyerHalfCaps),
 *    plus the constant overlaps cgso = CGSO W M, cgdo = CGDO W M, cgbo =
 *    CGBO Leff M (F);
 *  - bulk junctions drain and source (see MosJunctionCap): zero-bias bottom
 *    capacitance CBD (CBS) when given, else CJ(T) * AD (AS), sidewall
 *    CJSW(T) * PD (PS), grading MJ, MJSW, potential PB(T), and the linear
 *    extension above FC * PB(T).
 */
export interface MosCharges {
  cox: number;
  cgso: number;
  cgdo: number;
  cgbo: number;
  /** True when the gate has any capacitance (cox or an overlap). */
  gate: boolean;
  drain: MosJunctionCap;
  source: MosJunctionCap;
}

/**
 * One bulk junction's depletion charge (mos1temp.c's MOS1Cbd, MOS1Cbdsw,
 * f2d, f3d, f4d, tDepCap, tBulkPot for the drain; the same for the source).
 */
export interface MosJunctionCap {
  /** Zero-bias bottom and sidewall capacitances (F). */
  cz: number;
  czsw: number;
  mj: number;
  mjsw: number;
  /** Junction potential PB(T) (V). */
  pb: number;
  /** FC * PB(T): above it the capacitance is linear in v (V). */
  depCap: number;
  /** Coefficients of the linear extension: C = f2 + f3 v, Q = f4 + f2 v + f3 v^2 / 2. */
  f2: number;
  f3: number;
  f4: number;
}

/** x^-m as ngspice writes it: 1/sqrt(x) for m = 0.5, exp(-m ln x) otherwise. */
function powNeg(x: number, m: number): number {
  return m === 0.5 ? 1 / Math.sqrt(x) : Math.exp(-m * Math.log(x));
}

/**
 * Depletion charge (C) and capacitance dQ/dv (F) of a bulk junction at
 * normalized voltage v (bulk minus drain or source), mos1load.c:
 *   v < FC PB:  Q = PB (cz (1 - a^(1-MJ)) / (1-MJ) + czsw (1 - a^(1-MJSW)) / (1-MJSW)),  a = 1 - v/PB,
 *               C = cz a^-MJ + czsw a^-MJSW
 *   otherwise:  Q = f4 + v (f2 + v f3 / 2),  C = f2 + f3 v
 * (both pieces meet with equal Q and C at FC PB). Zero when cz = czsw = 0.
 */
export function mosJunctionCharge(j: MosJunctionCap, v: number, out: { q: number; c: number }): void {
  if (j.cz === 0 && j.czsw === 0) {
    out.q = 0;
    out.c = 0;
    return;
  }
  if (v < j.depCap) {
    const arg = 1 - v / j.pb;
    let sarg: number;
    let sargsw: number;
    if (j.mj === j.mjsw) sarg = sargsw = powNeg(arg, j.mj);
    else {
      sarg = powNeg(arg, j.mj);
      sargsw = powNeg(arg, j.mjsw);
    }
    out.q = j.pb * ((j.cz * (1 - arg * sarg)) / (1 - j.mj) + (j.czsw * (1 - arg * sargsw)) / (1 - j.mjsw));
    out.c = j.cz * sarg + j.czsw * sargsw;
  } else {
    out.q = j.f4 + v * (j.f2 + (v * j.f3) / 2);
    out.c = j.f2 + j.f3 * v;
  }
}

/** ngspice's floor on vdsat in the Meyer model (devsup.c MAGIC_VDS, V). */
const MAGIC_VDS = 0.025;

/**
 * Half of the Meyer gate capacitances, ngspice's DEVqmeyer (devsup.c), at
 * normalized gate-source vgs and gate-drain vgd of the mode's orientation
 * (vgd, vgs in reversed mode), threshold von and vdsat (V), surface
 * potential phi (V) and oxide capacitance cox (F); vgst = vgs - von,
 * vdsat' = max(vdsat, 0.025), vds = vgs - vgd:
 *   accumulation  vgst <= -phi:        cgb = cox/2
 *   depletion     vgst <= -phi/2:      cgb = -vgst cox / (2 phi)
 *                 vgst <= 0:           cgb = -vgst cox / (2 phi), cgs = vgst cox / (1.5 phi) + cox/3,
 *                                      split with cgd as below when vds < vdsat'
 *   saturation    vds >= vdsat':       cgs = cox/3
 *   linear        otherwise:           cgd = cox/3 (1 - vdsat'^2 / (2 vdsat' - vds)^2),
 *                                      cgs = cox/3 (1 - (vdsat' - vds)^2 / (2 vdsat' - vds)^2)
 * (the others 0). Continuous in the voltages. out = [cgs, cgd, cgb] (F),
 * each half the capacitance: ngspice adds the halves of the present and the
 * previous time point.
 */
export function meyerHalfCaps(vgs: number, vgd: number, von: number, vdsat: number, phi: number, cox: number, out: Float64Array | number[]): void {
  const vgst = vgs - von;
  const vds = vgs - vgd;
  const vdsatM = Math.max(vdsat, MAGIC_VDS);
  let cgs = 0;
  let cgd = 0;
  let cgb = 0;
  if (vgst <= -phi) {
    cgb = cox / 2;
  } else if (vgst <= -phi / 2) {
    cgb = (-vgst * cox) / (2 * phi);
  } else if (vgst <= 0) {
    cgb = (-vgst * cox) / (2 * phi);
    cgs = (vgst * cox) / (1.5 * phi) + cox / 3;
    if (vds < vdsatM) {
      const vddif = 2 * vdsatM - vds;
      const vddif1 = vdsatM - vds;
      const vddif2 = vddif * vddif;
      cgd = cgs * (1 - (vdsatM * vdsatM) / vddif2);
      cgs = cgs * (1 - (vddif1 * vddif1) / vddif2);
    }
  } else if (vdsatM <= vds) {
    cgs = cox / 3;
  } else {
    const vddif = 2 * vdsatM - vds;
    const vddif1 = vdsatM - vds;
    const vddif2 = vddif * vddif;
    cgd = (cox * (1 - (vdsatM * vdsatM) / vddif2)) / 3;
    cgs = (cox * (1 - (vddif1 * vddif1) / vddif2)) / 3;
  }
  out[0] = cgs;
  out[1] = cgd;
  out[2] = cgb;
}

/**
 * The junction capacitances of mos1temp.c at temperature T (K): CBD, CBS,
 * CJ, CJSW scaled by the grading and the temperature change of PB, then the
 * drain's or source's zero-bias values (M included) and the coefficients of
 * the linear extension above FC * PB(T).
 */
function junctionCaps(
  p: MosModelParams,
  g: MosGeometry,
  tnom: number,
  T: number,
  fact1: number,
  fact2: number,
  pbfact1: number,
  pbfact: number,
): { drain: MosJunctionCap; source: MosJunctionCap } {
  const pbo = (p.pb - pbfact1) / fact1;
  const gmaold = (p.pb - pbo) / pbo;
  let capfact = 1 / (1 + p.mj * (4e-4 * (tnom - REFTEMP) - gmaold));
  let tcbd = (p.cbd ?? 0) * capfact;
  let tcbs = (p.cbs ?? 0) * capfact;
  let tcj = (p.cj ?? 0) * capfact;
  capfact = 1 / (1 + p.mjsw * (4e-4 * (tnom - REFTEMP) - gmaold));
  let tcjsw = (p.cjsw ?? 0) * capfact;
  const pb = fact2 * pbo + pbfact;
  const gmanew = (pb - pbo) / pbo;
  capfact = 1 + p.mj * (4e-4 * (T - REFTEMP) - gmanew);
  tcbd *= capfact;
  tcbs *= capfact;
  tcj *= capfact;
  capfact = 1 + p.mjsw * (4e-4 * (T - REFTEMP) - gmanew);
  tcjsw *= capfact;
  const depCap = p.fc * pb;
  const one = (czGiven: boolean, tcz: number, area: number, perim: number): MosJunctionCap => {
    const cz = czGiven ? tcz * g.m : p.cj !== undefined ? tcj * g.m * area : 0;
    const czsw = p.cjsw !== undefined ? tcjsw * perim * g.m : 0;
    const arg = 1 - p.fc;
    const sarg = Math.exp(-p.mj * Math.log(arg));
    const sargsw = Math.exp(-p.mjsw * Math.log(arg));
    const f2 = (cz * (1 - p.fc * (1 + p.mj)) * sarg) / arg + (czsw * (1 - p.fc * (1 + p.mjsw)) * sargsw) / arg;
    const f3 = (cz * p.mj * sarg) / arg / pb + (czsw * p.mjsw * sargsw) / arg / pb;
    const f4 = (cz * pb * (1 - arg * sarg)) / (1 - p.mj) + (czsw * pb * (1 - arg * sargsw)) / (1 - p.mjsw) - (f3 / 2) * (depCap * depCap) - depCap * f2;
    return { cz, czsw, mj: p.mj, mjsw: p.mjsw, pb, depCap, f2, f3, f4 };
  };
  return { drain: one(p.cbd !== undefined, tcbd, g.ad, g.pd), source: one(p.cbs !== undefined, tcbs, g.as, g.ps) };
}

/**
 * The instance values of mos1temp.c at `tempC` (Celsius): KP scaled by
 * (T/TNOM)^-1.5, PHI and the junction saturation currents by the band gap,
 * VBI and VTO from them; saturation currents JS * area when JS, AD and AS
 * are all nonzero, else IS; series resistances RD/RS, else RSH * NRD/NRS.
 */
export function mosInstanceAt(mm: MosModel, g: MosGeometry, tempC: number): MosInstance {
  const p = mm.params;
  const T = tempC + CONSTCtoK;
  const tnom = mm.tnomK;
  const vt = T * KoverQ;
  const vtnom = tnom * KoverQ;
  const fact1 = tnom / REFTEMP;
  const kt1 = CONSTboltz * tnom;
  const egfet1 = 1.16 - (7.02e-4 * tnom * tnom) / (tnom + 1108);
  const arg1 = -egfet1 / (kt1 + kt1) + 1.1150877 / (CONSTboltz * (REFTEMP + REFTEMP));
  const pbfact1 = -2 * vtnom * (1.5 * Math.log(fact1) + CHARGE * arg1);
  const ratio = T / tnom;
  const fact2 = T / REFTEMP;
  const kt = T * CONSTboltz;
  const egfet = 1.16 - (7.02e-4 * T * T) / (T + 1108);
  const arg = -egfet / (kt + kt) + 1.1150877 / (CONSTboltz * (REFTEMP + REFTEMP));
  const pbfact = -2 * vt * (1.5 * Math.log(fact2) + CHARGE * arg);
  const ratio4 = ratio * Math.sqrt(ratio);
  const tkp = mm.kp / ratio4;
  const phio = (mm.phi - pbfact1) / fact1;
  const tphi = fact2 * phio + pbfact;
  const tvbi = mm.vt0 - mm.type * (mm.gamma * Math.sqrt(mm.phi)) + 0.5 * (egfet1 - egfet) + mm.type * 0.5 * (tphi - mm.phi);
  const tvto = tvbi + mm.type * mm.gamma * Math.sqrt(tphi);
  const satScale = Math.exp(-egfet / vt + egfet1 / vtnom);
  const tis = p.is * satScale;
  const tjs = p.js * satScale;
  const leff = g.l - 2 * p.ld;
  let drainSatCur: number;
  let sourceSatCur: number;
  if (tjs === 0 || g.ad === 0 || g.as === 0) {
    drainSatCur = sourceSatCur = g.m * tis;
  } else {
    drainSatCur = tjs * g.m * g.ad;
    sourceSatCur = tjs * g.m * g.as;
  }
  const vcrit = (isat: number) => vt * Math.log(vt / (Math.SQRT2 * isat));
  const series = (r: number | undefined, squares: number): number => {
    if (r !== undefined) return r !== 0 ? g.m / r : 0;
    if (p.rsh !== undefined && p.rsh !== 0 && squares !== 0) return g.m / (p.rsh * squares);
    return 0;
  };
  const cox = mm.coxArea * leff * g.m * g.w;
  const cgso = p.cgso * g.m * g.w;
  const cgdo = p.cgdo * g.m * g.w;
  const cgbo = p.cgbo * g.m * leff;
  const jc = junctionCaps(p, g, tnom, T, fact1, fact2, pbfact1, pbfact);
  const jHas = (j: MosJunctionCap) => j.cz !== 0 || j.czsw !== 0;
  const gate = cox !== 0 || cgso !== 0 || cgdo !== 0 || cgbo !== 0;
  const hasCharges = gate || jHas(jc.drain) || jHas(jc.source);
  const charges: MosCharges | null = hasCharges ? { cox, cgso, cgdo, cgbo, gate, drain: jc.drain, source: jc.source } : null;
  return {
    type: mm.type,
    vt,
    beta: (tkp * g.m * g.w) / leff,
    lambda: mm.lambda,
    gamma: mm.gamma,
    phi: tphi,
    vbi: tvbi,
    vto: tvto,
    drainSatCur,
    sourceSatCur,
    drainVcrit: vcrit(drainSatCur),
    sourceVcrit: vcrit(sourceSatCur),
    gd: series(p.rd, g.nrd),
    gs: series(p.rs, g.nrs),
    hasCharges,
    charges,
  };
}

/** The channel at one point (normalized voltages; see mosChannel). */
export interface MosChannelPoint {
  /** +1: vds >= 0 (drain is the drain); -1: source and drain interchanged. */
  mode: 1 | -1;
  /** Channel current magnitude in the mode's orientation (A): the current from d to s is mode * cdrain. */
  cdrain: number;
  /** d cdrain / d vgs', d vds', d vbs' with (g', d', s') the mode's gate-source, drain-source, bulk-source (S). */
  gm: number;
  gds: number;
  gmbs: number;
  /** Threshold at this bias, normalized (V). */
  von: number;
  /** Saturation voltage max(vgs' - von, 0) (V). */
  vdsat: number;
}

/**
 * Shichman-Hodges channel current, mos1load.c: with (vgs', vds', vbs') =
 * (vgs, vds, vbs) in normal mode (vds >= 0) and (vgd, -vds, vbd) in
 * reversed mode,
 *   sarg = sqrt(PHI - vbs')                        vbs' <= 0
 *        = max(0, sqrt(PHI) - vbs' / (2 sqrt(PHI))) vbs' > 0 (ngspice's linear continuation)
 *   von = type VBI + GAMMA sarg,  vgst = vgs' - von
 *   cutoff     vgst <= 0:      cdrain = 0
 *   saturation vgst <= vds':   cdrain = beta (1 + lambda vds') vgst^2 / 2
 *   linear     otherwise:      cdrain = beta (1 + lambda vds') vds' (vgst - vds'/2)
 * gmbs = gm * d(-von)/d vbs' = gm GAMMA dsarg: GAMMA / (2 sarg) for vbs' <= 0,
 * GAMMA / (2 sqrt(PHI)) on the linear continuation, 0 where it is clamped at 0.
 * (ngspice stamps gm GAMMA / (2 sarg) on the continuation too, which is not
 * the derivative there; the current, hence the solution, is the same; only
 * the Newton path differs. eqspice stamps the derivative.)
 */
export function mosChannel(p: MosInstance, vgs: number, vds: number, vbs: number, out: MosChannelPoint): void {
  const mode: 1 | -1 = vds >= 0 ? 1 : -1;
  const vbx = mode === 1 ? vbs : vbs - vds;
  const vgx = mode === 1 ? vgs : vgs - vds;
  const vdx = vds * mode;
  let sarg: number;
  /** -d sarg / d vbs' */
  let dsarg: number;
  if (vbx <= 0) {
    sarg = Math.sqrt(p.phi - vbx);
    dsarg = 1 / (sarg + sarg);
  } else {
    const sphi = Math.sqrt(p.phi);
    sarg = sphi - vbx / (sphi + sphi);
    dsarg = 1 / (sphi + sphi);
    if (sarg <= 0) {
      sarg = 0;
      dsarg = 0;
    }
  }
  const von = p.vbi * p.type + p.gamma * sarg;
  const vgst = vgx - von;
  const arg = p.gamma * dsarg;
  out.mode = mode;
  out.von = von;
  out.vdsat = Math.max(vgst, 0);
  if (vgst <= 0) {
    out.cdrain = 0;
    out.gm = 0;
    out.gds = 0;
    out.gmbs = 0;
    return;
  }
  const betap = p.beta * (1 + p.lambda * vdx);
  if (vgst <= vdx) {
    out.cdrain = betap * vgst * vgst * 0.5;
    out.gm = betap * vgst;
    out.gds = p.lambda * p.beta * vgst * vgst * 0.5;
  } else {
    out.cdrain = betap * vdx * (vgst - 0.5 * vdx);
    out.gm = betap * vdx;
    out.gds = betap * (vgst - vdx) + p.lambda * p.beta * vdx * (vgst - 0.5 * vdx);
  }
  out.gmbs = out.gm * arg;
}

/**
 * A bulk junction (bulk -> source or bulk -> drain, normalized voltage v),
 * mos1load.c: for v <= -3 Vt the current is gmin v - IS (g = gmin), above it
 * IS (exp(v / Vt) - 1) + gmin v (g = IS exp(v / Vt) / Vt + gmin), the
 * exponent capped at 709. Current (A) and conductance (S), GMIN included.
 */
export function mosJunction(isat: number, vt: number, gmin: number, v: number, out: { i: number; g: number }): void {
  if (v <= -3 * vt) {
    out.g = gmin;
    out.i = gmin * v - isat;
  } else {
    const ev = Math.exp(Math.min(MAX_EXP_ARG, v / vt));
    out.g = (isat * ev) / vt + gmin;
    out.i = isat * (ev - 1) + gmin * v;
  }
}

/**
 * Physical terminal currents (A), each LEAVING its node into the device, at
 * terminal voltages vd, vg, vs, vb (V) of the intrinsic transistor (after
 * any series resistance): out = [drain, gate, source, bulk]; they sum to 0
 * and the gate's is 0 in DC.
 */
export function mosTerminalCurrents(p: MosInstance, gmin: number, vd: number, vg: number, vs: number, vb: number, out: Float64Array | number[]): void {
  const t = p.type;
  const vgs = t * (vg - vs);
  const vds = t * (vd - vs);
  const vbs = t * (vb - vs);
  const ch = channelScratch;
  mosChannel(p, vgs, vds, vbs, ch);
  mosJunction(p.sourceSatCur, p.vt, gmin, vbs, jScratch);
  const cbs = jScratch.i;
  mosJunction(p.drainSatCur, p.vt, gmin, vbs - vds, jScratch);
  const cbd = jScratch.i;
  const ids = ch.mode * ch.cdrain;
  out[0] = t * (ids - cbd);
  out[1] = 0;
  out[2] = t * (-ids - cbs);
  out[3] = t * (cbd + cbs);
}

const channelScratch: MosChannelPoint = { mode: 1, cdrain: 0, gm: 0, gds: 0, gmbs: 0, von: 0, vdsat: 0 };
const jScratch = { i: 0, g: 0 };

/**
 * ngspice's DEVfetlim (devsup.c, with Alan Gillespie's vtstlo = |vold - vto| + 1):
 * limit the step of a gate voltage from vold to vnew near the threshold vto.
 */
export function fetlim(vnew: number, vold: number, vto: number): number {
  const vtsthi = Math.abs(2 * (vold - vto)) + 2;
  const vtstlo = Math.abs(vold - vto) + 1;
  const vtox = vto + 3.5;
  const delv = vnew - vold;
  if (vold >= vto) {
    if (vold >= vtox) {
      if (delv <= 0) {
        // going off
        if (vnew >= vtox) {
          if (-delv > vtstlo) vnew = vold - vtstlo;
        } else vnew = Math.max(vnew, vto + 2);
      } else if (delv >= vtsthi) vnew = vold + vtsthi; // staying on
    } else {
      // middle region
      if (delv <= 0) vnew = Math.max(vnew, vto - 0.5);
      else vnew = Math.min(vnew, vto + 4);
    }
  } else {
    // off
    if (delv <= 0) {
      if (-delv > vtsthi) vnew = vold - vtsthi;
    } else {
      const vtemp = vto + 0.5;
      if (vnew <= vtemp) {
        if (delv > vtstlo) vnew = vold + vtstlo;
      } else vnew = vtemp;
    }
  }
  return vnew;
}

/** ngspice's DEVlimvds: limit the step of a drain-source voltage. */
export function limvds(vnew: number, vold: number): number {
  if (vold >= 3.5) {
    if (vnew > vold) vnew = Math.min(vnew, 3 * vold + 2);
    else if (vnew < 3.5) vnew = Math.max(vnew, 2);
  } else {
    if (vnew > vold) vnew = Math.min(vnew, 4);
    else vnew = Math.max(vnew, -0.5);
  }
  return vnew;
}
