/**
 * What ngspice's MOSFET levels 1, 2 and 3 share (mos1, mos2, mos3): the
 * instance values at the circuit temperature (mos*temp.c: KP, PHI, VBI, VTO,
 * the junction saturation currents, series resistances and depletion
 * capacitances), the bulk junctions' currents and charges, the Meyer gate
 * capacitances (devsup.c DEVqmeyer) and the step limiters (DEVfetlim,
 * DEVlimvds). Each level's drain current is its own function of the same
 * shape (MosChannelFn: mosChannel in mosfet-model.ts, mos2Channel in
 * mos2-model.ts, mos3Channel in mos3-model.ts), chosen once per instance.
 *
 * Units and the sign convention ("normalized" voltages, type = +1 NMOS,
 * -1 PMOS) as in mosfet-model.ts.
 */
import { pnjlim } from "../diode/diode.js";
import { CHARGE, CONSTboltz, CONSTCtoK, REFTEMP } from "../diode/diode-model.js";
import type { Mos2Consts } from "./mos2-model.js";
import type { Mos3Consts } from "./mos3-model.js";
import type { Mos6Consts } from "./mos6-model.js";
import type { MosModel, MosModelParams } from "./mosfet-model.js";

/** kT/q = CONSTKoverQ * T (V), T in kelvin. */
export const KoverQ = CONSTboltz / CHARGE;
/** Silicon dioxide and silicon permittivities as mos1temp.c writes them (F/m). */
export const EPS_OX = 3.9 * 8.854214871e-12;
export const EPS_SI = 11.7 * 8.854214871e-12;
/** Intrinsic carrier density ngspice uses in PHI = 2 Vt ln(NSUB / ni) (m^-3). */
export const NI = 1.45e16;
/** ngspice's exponent cap on the junction exponentials. */
export const MAX_EXP_ARG = 709;

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

/**
 * A level's drain current at normalized (vgs, vds, vbs) (V) into `out`, with
 * its derivatives (see MosChannelPoint): mosChannel (level 1), mos2Channel,
 * mos3Channel.
 */
export type MosChannelFn = (p: MosInstance, vgs: number, vds: number, vbs: number, out: MosChannelPoint) => void;

/** A bulk junction's current and conductance at normalized voltage v (mosJunction, mosJunctionCubic). */
export type MosJunctionFn = (isat: number, vt: number, gmin: number, v: number, out: { i: number; g: number }) => void;

/** One transistor's values at the circuit temperature, everything the DC law needs. */
export interface MosInstance {
  /** ngspice's MOSFET level: 1 (mos1), 2 (mos2), 3 (mos3) or 6 (mos6). */
  level: 1 | 2 | 3 | 6;
  /** The level's drain current (chosen once, when the instance is made). */
  channel: MosChannelFn;
  /** The level's bulk junction law (level 1: linear below -3 Vt; levels 2 and 3: the cubic tail). */
  junction: MosJunctionFn;
  /** Level 2's and level 3's own constants (null for the other levels). */
  mos2: Mos2Consts | null;
  mos3: Mos3Consts | null;
  /** Level 6's own constants (absent at the other levels). */
  mos6?: Mos6Consts;
  type: 1 | -1;
  /** Thermal voltage kT/q (V). */
  vt: number;
  /** KP(T) * M * Weff / Leff (A/V^2); Leff = L - 2 LD (+ XL), Weff = W (- 2 WD + XW at levels 2 and 3). */
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
  /** Bulk junction potential PB(T) (V). */
  bulkPot: number;
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
export function junctionCaps(
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
 * The instance values all three levels compute alike (mos1temp.c,
 * mos2temp.c, mos3temp.c) at `tempC` (Celsius), for effective length and
 * width leff, weff (m) and threshold shift delvto (V, DELVTO of levels 2 and
 * 3, 0 at level 1): KP scaled by (T/TNOM)^-1.5, PHI and the junction
 * saturation currents by the band gap, VBI and VTO from them; saturation
 * currents JS * area when JS, AD and AS are all nonzero, else IS; series
 * resistances RD/RS, else RSH * NRD/NRS; oxide capacitance and overlaps on
 * leff and weff; junction capacitances (junctionCaps). The level's own
 * constants (mos2, mos3) are for the caller to add.
 */
export function mosInstanceCommon(
  mm: MosModel,
  g: MosGeometry,
  tempC: number,
  leff: number,
  weff: number,
  delvto: number,
  level: 1 | 2 | 3 | 6,
  channel: MosChannelFn,
  junction: MosJunctionFn,
): MosInstance {
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
  const tvbi = delvto + mm.vt0 - mm.type * (mm.gamma * Math.sqrt(mm.phi)) + 0.5 * (egfet1 - egfet) + mm.type * 0.5 * (tphi - mm.phi);
  const tvto = tvbi + mm.type * mm.gamma * Math.sqrt(tphi);
  const satScale = Math.exp(-egfet / vt + egfet1 / vtnom);
  const tis = p.is * satScale;
  const tjs = p.js * satScale;
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
  const cox = mm.coxArea * leff * g.m * weff;
  const cgso = p.cgso * g.m * weff;
  const cgdo = p.cgdo * g.m * weff;
  const cgbo = p.cgbo * g.m * leff;
  const jc = junctionCaps(p, g, tnom, T, fact1, fact2, pbfact1, pbfact);
  const jHas = (j: MosJunctionCap) => j.cz !== 0 || j.czsw !== 0;
  const gate = cox !== 0 || cgso !== 0 || cgdo !== 0 || cgbo !== 0;
  const hasCharges = gate || jHas(jc.drain) || jHas(jc.source);
  const charges: MosCharges | null = hasCharges ? { cox, cgso, cgdo, cgbo, gate, drain: jc.drain, source: jc.source } : null;
  return {
    level,
    channel,
    junction,
    mos2: null,
    mos3: null,
    type: mm.type,
    vt,
    beta: (tkp * g.m * weff) / leff,
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
    bulkPot: jc.drain.pb,
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
  /** Saturation voltage (V): max(vgs' - von, 0) at level 1, each level's own at levels 2 and 3 (the Meyer model uses it). */
  vdsat: number;
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
 * A bulk junction as mos2load.c and mos3load.c write it: the reverse tail
 * below -3 Vt is -IS (1 + a) + gmin v with a = (3 Vt / (e v))^3 (g = 3 IS a /
 * v + gmin), meeting the exponential IS (exp(v / Vt) - 1) + gmin v at -3 Vt
 * with the same current (not the same slope); exponent capped at 709.
 */
export function mosJunctionCubic(isat: number, vt: number, gmin: number, v: number, out: { i: number; g: number }): void {
  if (v <= -3 * vt) {
    let a = (3 * vt) / (v * Math.E);
    a = a * a * a;
    out.i = -isat * (1 + a) + gmin * v;
    out.g = (isat * 3 * a) / v + gmin;
  } else {
    const ev = Math.exp(Math.min(MAX_EXP_ARG, v / vt));
    out.g = (isat * ev) / vt + gmin;
    out.i = isat * (ev - 1) + gmin * v;
  }
}

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

/**
 * Names accepted in `.model NAME NMOS|PMOS (LEVEL=1 ...)` (ngspice's mos1.c
 * table), each to its field; null: accepted and not stored (LEVEL, the
 * NMOS/PMOS flags). Anything else is an error.
 */
export const MOS_PARAM_ALIASES: Record<string, keyof MosModelParams | null> = {
  level: null,
  lmin: null, lmax: null, wmin: null, wmax: null, // size-bin limits: read by the elaboration's bin selection, ignored by levels 1-3 (as ngspice 39, with a warning)
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

/**
 * The last iterate of a MOSFET, normalized by its type (V): what ngspice's
 * step limiting starts from (the CKTstate0 vgs, vds, vbs, vbd and von).
 */
export interface MosLimiterMemory {
  vgs0: number;
  vds0: number;
  vbs0: number;
  vbd0: number;
  von0: number;
}

/**
 * ngspice's MOSFET step limiting (mos1load.c, mos2/3load.c, b3ld.c) of the
 * normalized vgs, vds, vbs (V) against the last iterate `m`: FETLIM on vgs
 * (on vgd when the last vds was negative), LIMVDS on vds, then PNJLIM on
 * the bulk junction of the source side (vbs, when vds >= 0) or the drain
 * side (vbd), with thermal voltage vt and critical voltages vcritS, vcritD
 * (V). Writes the limited [vgs, vds, vbs] to out; true when a limiter
 * changed its argument (each limiter's own input and output are compared:
 * recombining vgs, vgd and vds rounds).
 */
export function limitMosStep(vgs: number, vds: number, vbs: number, m: MosLimiterMemory, vt: number, vcritS: number, vcritD: number, out: Float64Array): boolean {
  let vbd = vbs - vds;
  let vgd = vgs - vds;
  const vgdo = m.vgs0 - m.vds0;
  const von = m.von0;
  let changed = false;
  let lim: number;
  if (m.vds0 >= 0) {
    lim = fetlim(vgs, m.vgs0, von);
    if (lim !== vgs) changed = true;
    vgs = lim;
    vds = vgs - vgd;
    lim = limvds(vds, m.vds0);
    if (lim !== vds) changed = true;
    vds = lim;
    vgd = vgs - vds;
  } else {
    lim = fetlim(vgd, vgdo, von);
    if (lim !== vgd) changed = true;
    vgd = lim;
    vds = vgs - vgd;
    lim = -limvds(-vds, -m.vds0);
    if (lim !== vds) changed = true;
    vds = lim;
    vgs = vgd + vds;
  }
  if (vds >= 0) {
    lim = pnjlim(vbs, m.vbs0, vt, vcritS);
    if (lim !== vbs) changed = true;
    vbs = lim;
    vbd = vbs - vds;
  } else {
    lim = pnjlim(vbd, m.vbd0, vt, vcritD);
    if (lim !== vbd) changed = true;
    vbd = lim;
    vbs = vbd + vds;
  }
  out[0] = vgs;
  out[1] = vds;
  out[2] = vbs;
  return changed;
}
