/**
 * The BSIM4 (4.8.2) DC current of ngspice's b4ld.c for the default modes
 * (RDSMOD = 0: RDSW inside Ids; no body or gate resistance, no gate
 * tunneling, MOBMOD 0/1/2, DIOMOD 1, one finger, no stress or well
 * proximity): the drain current Ids with its derivatives, the substrate
 * (impact ionization) current Isub, GIDL and GISL (GIDLMOD 0 and 1), and
 * the bulk junction diodes, at normalized voltages (type * physical, see
 * bsim4-model.ts).
 *
 * The channel is evaluated in the mode's frame: normal mode (vds >= 0)
 * (Vds, Vgs, Vbs) = (vds, vgs, vbs); reversed mode (vds < 0) the drain
 * acts as the source, (Vds, Vgs, Vbs) = (-vds, vgd, vbd). Ids >= 0 flows
 * from the frame's drain to its source, gm = dIds/dVgs, gds = dIds/dVds,
 * gmbs = dIds/dVbs in that frame (the chain rule through Vbseff, Vgsteff,
 * Vdseff, Abulk, ueff, Vdsat, Va, VADIBL, VADITS, VASCBE, as b4ld.c writes
 * it). Isub flows from the frame's drain into the bulk, gbgs, gbds, gbbs
 * its derivatives in the same frame.
 *
 * GIDL and GISL are not framed: Igidl flows from the drain d' into the
 * bulk, a function of (vds, vgs, vbd); Igisl from the source s' into the
 * bulk, a function of (vds, vgd, vbs). Their derivatives here are partials
 * in the physical normalized (vds, vgs, vbs) (the source column is minus
 * their sum).
 *
 * Units: V, A, S.
 */
import { CHARGE, EPS0, EPSSI, EXP_THRESHOLD, MAX_EXP, MIN_EXP, type Bsim4Instance, type Bsim4Junction, type Bsim4Tat } from "./bsim4-model.js";

const MIN_EXPL = 3.720075976e-44;
const MAX_EXPL = 2.688117142e43;
const EXPL_THRESHOLD = 100.0;
/** b4ld.c's DELTA_3 (the flat-band smoothing of the tunneling currents, V). */
const DELTA_3 = 0.02;
/** VTL's smoothing exponent MM of b4ld.c. */
const MM = 3;

/** One evaluation of the DC law (b4ld.c's values before the stamp). */
export interface Bsim4Point {
  /** 1 normal, -1 reversed. */
  mode: 1 | -1;
  /** Channel current of the frame (A) and its derivatives (S). */
  ids: number;
  gm: number;
  gds: number;
  gmbs: number;
  /** Substrate current (A, frame drain to bulk) and its derivatives (S). */
  isub: number;
  gbgs: number;
  gbds: number;
  gbbs: number;
  /** GIDL (d' to bulk) and GISL (s' to bulk) currents (A) with their partials in physical (vds, vgs, vbs) (S). */
  igidl: number;
  gidlD: number;
  gidlG: number;
  gidlB: number;
  igisl: number;
  gislD: number;
  gislG: number;
  gislB: number;
  /**
   * Gate tunneling (IGCMOD, IGBMOD; zero otherwise): Igcs and Igcd from the
   * gate to the frame's source and drain, Igb to the bulk, with partials in
   * the frame's (Vgs, Vds, Vbs); Igs, Igd from the gate to s' and d' (the
   * physical overlaps), with dI/dvgs and dI/dvgd.
   */
  igcs: number;
  gcsG: number;
  gcsD: number;
  gcsB: number;
  igcd: number;
  gcdG: number;
  gcdD: number;
  gcdB: number;
  igb: number;
  gbG: number;
  gbD: number;
  gbB: number;
  igs: number;
  gsG: number;
  igd: number;
  gdG: number;
  /** Threshold of the frame (V): the limiter's von. */
  von: number;
  vdsat: number;
  /** Junctions: cbs(vbs), cbd(vbd) (A, bulk to source / drain) and their conductances, GMIN included. */
  cbs: number;
  gbs: number;
  cbd: number;
  gbd: number;
}

export function newBsim4Point(): Bsim4Point {
  return {
    mode: 1, ids: 0, gm: 0, gds: 0, gmbs: 0, isub: 0, gbgs: 0, gbds: 0, gbbs: 0,
    igidl: 0, gidlD: 0, gidlG: 0, gidlB: 0, igisl: 0, gislD: 0, gislG: 0, gislB: 0,
    igcs: 0, gcsG: 0, gcsD: 0, gcsB: 0, igcd: 0, gcdG: 0, gcdD: 0, gcdB: 0, igb: 0, gbG: 0, gbD: 0, gbB: 0, igs: 0, gsG: 0, igd: 0, gdG: 0,
    von: 0, vdsat: 0, cbs: 0, gbs: 0, cbd: 0, gbd: 0,
  };
}

/**
 * A bulk junction (b4ld.c) at v (V) into g[0] (S), returning the current
 * (A), GMIN included; gmin v alone when isat <= 0. DIOMOD 0: isat (exp(v /
 * Nvtm) + XJBV e^(-BV/Nvtm) - XJBV e^(-(BV + v)/Nvtm) - 1), the breakdown in
 * the exponentials. DIOMOD 1: isat (exp(v / Nvtm) - 1), linear above vjm
 * (IJTH's limit), isat (MIN_EXP - 1) below -EXP_THRESHOLD Nvtm. DIOMOD 2:
 * DIOMOD 0's law between the reverse and forward limits, linear beyond the
 * forward one, (exp(v / Nvtm) - 1) times a linear breakdown current below
 * the reverse one.
 */
function junction(j: Bsim4Junction, gmin: number, v: number, g: Float64Array): number {
  const isat = j.isat;
  const nvtm = j.nvtm;
  if (isat <= 0) {
    g[0] = gmin;
    return gmin * v;
  }
  if (j.mod === 0) {
    const ev = Math.exp(v / nvtm);
    const T1 = j.xjbv * Math.exp(-(j.bv + v) / nvtm);
    g[0] = (isat * (ev + T1)) / nvtm + gmin;
    return isat * (ev + j.xExpBV - T1 - 1.0) + gmin * v;
  }
  if (j.mod === 1) {
    const T2 = v / nvtm;
    if (T2 < -EXP_THRESHOLD) {
      g[0] = gmin;
      return isat * (MIN_EXP - 1.0) + gmin * v;
    }
    if (v <= j.vjmFwd) {
      const ev = Math.exp(T2);
      g[0] = (isat * ev) / nvtm + gmin;
      return isat * (ev - 1.0) + gmin * v;
    }
    const T0 = j.ivjmFwd / nvtm;
    g[0] = T0 + gmin;
    return j.ivjmFwd - isat + T0 * (v - j.vjmFwd) + gmin * v;
  }
  if (v < j.vjmRev || v <= j.vjmFwd) {
    const T0 = v / nvtm;
    let ev: number, dev: number;
    if (T0 < -EXP_THRESHOLD) {
      ev = MIN_EXP;
      dev = 0.0;
    } else {
      ev = Math.exp(T0);
      dev = ev / nvtm;
    }
    if (v < j.vjmRev) {
      const T1 = ev - 1.0;
      const T2 = j.ivjmRev + j.slpRev * (v - j.vjmRev);
      g[0] = dev * T2 + T1 * j.slpRev + gmin;
      return T1 * T2 + gmin * v;
    }
    const T1 = (j.bv + v) / nvtm;
    let T2: number, T3: number;
    if (T1 > EXP_THRESHOLD) {
      T2 = MIN_EXP;
      T3 = 0.0;
    } else {
      T2 = Math.exp(-T1);
      T3 = -T2 / nvtm;
    }
    g[0] = isat * (dev - j.xjbv * T3) + gmin;
    return isat * (ev + j.xExpBV - 1.0 - j.xjbv * T2) + gmin * v;
  }
  g[0] = j.slpFwd + gmin;
  return j.ivjmFwd + j.slpFwd * (v - j.vjmFwd) + gmin * v;
}

const gScratch = new Float64Array(1);
const pdScratch = new Float64Array(2);

/** b4ld.c's BSIM4polyDepletion: Vgs_eff into out[0], dVgs_eff/dVgs into out[1]. */
/**
 * The trap-assisted tunneling current of one junction side at junction
 * voltage v (b4ld.c; A, in the junction's bulk-to-terminal direction):
 * -sum_k isat_k (exp(T0_k) - 1), T0_k = -v VTS_k / (Nvtm_k (VTS_k - v)),
 * or -v 1e3 / Nvtm_k once VTS_k - v < 1e-3 VTS_k (forward); exp as DEXP.
 * Its conductance d/dv into g[0].
 */
function tat(t: Bsim4Tat, v: number, g: Float64Array): number {
  let I = 0;
  let G = 0;
  for (let k = 0; k < 3; k++) {
    if (t.isat[k] === 0) continue;
    const nv = t.nvtm[k];
    const vt = t.vts[k];
    let T0: number, dT0: number;
    if (vt - v < vt * 1e-3) {
      T0 = (-v / nv) * 1.0e3;
      dT0 = -1.0e3 / nv;
    } else {
      const T9 = 1.0 / (vt - v);
      T0 = (-v / nv) * vt * T9;
      dT0 = -(vt / nv) * (T9 + v * T9 * T9);
    }
    let e: number, de: number;
    if (T0 > EXP_THRESHOLD) {
      e = MAX_EXP * (1.0 + T0 - EXP_THRESHOLD);
      de = MAX_EXP;
    } else if (T0 < -EXP_THRESHOLD) {
      e = MIN_EXP;
      de = 0;
    } else {
      e = Math.exp(T0);
      de = e;
    }
    I -= t.isat[k] * (e - 1.0);
    G -= t.isat[k] * de * dT0;
  }
  g[0] = G;
  return I;
}

function polyDepletion(phi: number, ngate: number, epsgate: number, coxe: number, Vgs: number, out: Float64Array): void {
  if (ngate > 1.0e18 && ngate < 1.0e25 && Vgs > phi && epsgate !== 0) {
    const T1 = (1.0e6 * CHARGE * epsgate * ngate) / (coxe * coxe);
    const T8 = Vgs - phi;
    const T4 = Math.sqrt(1.0 + (2.0 * T8) / T1);
    const T2 = (2.0 * T8) / (T4 + 1.0);
    const T3 = (0.5 * T2 * T2) / T1;
    const T7 = 1.12 - T3 - 0.05;
    const T6 = Math.sqrt(T7 * T7 + 0.224);
    const T5 = 1.12 - 0.5 * (T7 + T6);
    out[0] = Vgs - T5;
    out[1] = 1.0 - (0.5 - 0.5 / T4) * (1.0 + T7 / T6);
  } else {
    out[0] = Vgs;
    out[1] = 1.0;
  }
}

/**
 * The DC law at normalized (vgs, vds, vbs) into `out` (b4ld.c from the
 * junction diodes to the gate tunneling), GMIN on both junctions; with
 * RBODYMOD the junctions see vbsJct = V(sb) - V(s') and vbdJct = V(db) -
 * V(d') (normalized), the rest vbs on the inner bulk b'.
 */
export function bsim4Eval(P: Bsim4Instance, vgs: number, vds: number, vbs: number, gmin: number, out: Bsim4Point, vbsJct = vbs, vbdJct = vbs - vds): void {
  const vbd = vbs - vds;
  const vgd = vgs - vds;
  // the junctions on their own bulk nodes with RBODYMOD (vsbs, vdbd), else on vbs, vbd
  out.cbs = junction(P.jS, gmin, vbsJct, gScratch);
  out.gbs = gScratch[0];
  out.cbd = junction(P.jD, gmin, vbdJct, gScratch);
  out.gbd = gScratch[0];
  if (P.tatS) {
    out.cbs += tat(P.tatS, vbsJct, gScratch);
    out.gbs += gScratch[0];
  }
  if (P.tatD) {
    out.cbd += tat(P.tatD, vbdJct, gScratch);
    out.gbd += gScratch[0];
  }

  let Vds: number, Vbs: number;
  if (vds >= 0) {
    out.mode = 1;
    Vds = vds;
    Vbs = vbs;
  } else {
    out.mode = -1;
    Vds = -vds;
    Vbs = vbd;
  }
  const b = P.b;
  const mm = P.model;
  const coxe = mm.coxe;
  const toxe = mm.toxe;
  const epssub = mm.epssub;
  const mobMod = mm.p.mobmod;
  // MTRLMOD (4.6 on; 4.7's MTRLCOMPATMOD turns this off): the mobility's field takes the work-function difference T14
  const T14m = mm.mtrl && (mm.ver === 46 || !mm.compat) ? 2.0 * mm.type * (mm.p.phig - mm.p.easub - 0.5 * P.eg0 + 0.45) : 0.0;
  // VERSION 4.0-4.5 (ngspice's bsim4v5): its own mobility UD term, no 4.6.4 Esat fix, PSCBE1 < 0 not special
  const v45 = mm.ver === 45;
  let T0: number, T1: number, T2: number, T3: number, T4: number, T5: number, T6: number, T7: number, T8: number, T9: number, T10: number;
  let T11: number, T12: number, T13: number;
  let dT0_dVg: number, dT0_dVd: number, dT0_dVb: number;
  let dT1_dVg: number, dT1_dVd: number, dT1_dVb: number;
  let dT2_dVg: number, dT2_dVd: number, dT2_dVb: number;
  let dT3_dVg: number, dT3_dVd: number, dT3_dVb: number;
  let dT4_dVd: number;
  let dT5_dVg: number, dT5_dVd: number, dT5_dVb: number;
  let dT6_dVg: number, dT6_dVd: number, dT6_dVb: number;
  let dT8_dVg: number, dT8_dVd: number, dT8_dVb: number;
  let dT9_dVg: number, dT9_dVd: number, dT9_dVb: number;
  let dT10_dVg: number, dT10_dVd: number, dT10_dVb: number;
  let tmp1: number, tmp2: number, tmp3: number, tmp4: number;

  // Vbseff: a smooth clamp of Vbs above VBSC, then below 0.95 PHI
  T0 = Vbs - P.vbsc - 0.001;
  T1 = Math.sqrt(T0 * T0 - 0.004 * P.vbsc);
  let Vbseff: number, dVbseff_dVb: number;
  if (T0 >= 0.0) {
    Vbseff = P.vbsc + 0.5 * (T0 + T1);
    dVbseff_dVb = 0.5 * (1.0 + T0 / T1);
  } else {
    T2 = -0.002 / (T1 - T0);
    Vbseff = P.vbsc * (1.0 + T2);
    dVbseff_dVb = (T2 * P.vbsc) / T1;
  }
  T9 = 0.95 * P.phi;
  T0 = T9 - Vbseff - 0.001;
  T1 = Math.sqrt(T0 * T0 + 0.004 * T9);
  Vbseff = T9 - 0.5 * (T0 + T1);
  dVbseff_dVb *= 0.5 * (1.0 + T0 / T1);
  const Phis = P.phi - Vbseff;
  const sqrtPhis = Math.sqrt(Phis);
  const dsqrtPhis_dVb = -0.5 / sqrtPhis;
  const Xdep = (P.xdep0 * sqrtPhis) / P.sqrtPhi;
  const dXdep_dVb = (P.xdep0 / P.sqrtPhi) * dsqrtPhis_dVb;

  const Leff = P.leff;
  const Vtm = P.vtm;

  // threshold voltage
  T3 = Math.sqrt(Xdep);
  const V0 = P.vbi - P.phi;
  T0 = b.dvt2 * Vbseff;
  if (T0 >= -0.5) {
    T1 = 1.0 + T0;
    T2 = b.dvt2;
  } else {
    T4 = 1.0 / (3.0 + 8.0 * T0);
    T1 = (1.0 + 3.0 * T0) * T4;
    T2 = b.dvt2 * T4 * T4;
  }
  const lt1 = P.factor1 * T3 * T1;
  const dlt1_dVb = P.factor1 * ((0.5 / T3) * T1 * dXdep_dVb + T3 * T2);
  T0 = b.dvt2w * Vbseff;
  if (T0 >= -0.5) {
    T1 = 1.0 + T0;
    T2 = b.dvt2w;
  } else {
    T4 = 1.0 / (3.0 + 8.0 * T0);
    T1 = (1.0 + 3.0 * T0) * T4;
    T2 = b.dvt2w * T4 * T4;
  }
  const ltw = P.factor1 * T3 * T1;
  const dltw_dVb = P.factor1 * ((0.5 / T3) * T1 * dXdep_dVb + T3 * T2);

  T0 = (b.dvt1 * Leff) / lt1;
  let Theta0: number, dTheta0_dVb: number;
  if (T0 < EXP_THRESHOLD) {
    T1 = Math.exp(T0);
    T2 = T1 - 1.0;
    T3 = T2 * T2;
    T4 = T3 + 2.0 * T1 * MIN_EXP;
    Theta0 = T1 / T4;
    dT1_dVb = (-T0 * T1 * dlt1_dVb) / lt1;
    dTheta0_dVb = (dT1_dVb * (T4 - 2.0 * T1 * (T2 + MIN_EXP))) / T4 / T4;
  } else {
    Theta0 = 1.0 / (MAX_EXP - 2.0);
    dTheta0_dVb = 0.0;
  }
  const thetavth = b.dvt0 * Theta0;
  const Delt_vth = thetavth * V0;
  const dDelt_vth_dVb = b.dvt0 * dTheta0_dVb * V0;

  T0 = (b.dvt1w * P.weff * Leff) / ltw;
  if (T0 < EXP_THRESHOLD) {
    T1 = Math.exp(T0);
    T2 = T1 - 1.0;
    T3 = T2 * T2;
    T4 = T3 + 2.0 * T1 * MIN_EXP;
    T5 = T1 / T4;
    dT1_dVb = (-T0 * T1 * dltw_dVb) / ltw;
    dT5_dVb = (dT1_dVb * (T4 - 2.0 * T1 * (T2 + MIN_EXP))) / T4 / T4;
  } else {
    T5 = 1.0 / (MAX_EXP - 2.0);
    dT5_dVb = 0.0;
  }
  T0 = b.dvt0w * T5;
  T2 = T0 * V0;
  dT2_dVb = b.dvt0w * dT5_dVb * V0;

  const TempRatio = P.tempRatio;
  T0 = Math.sqrt(1.0 + b.lpe0 / Leff);
  T1 = P.k1ox * (T0 - 1.0) * P.sqrtPhi + (b.kt1 + b.kt1l / Leff + b.kt2 * Vbseff) * TempRatio;
  const Vth_NarrowW = (toxe * P.phi) / (P.weff + b.w0);

  T3 = P.eta0 + b.etab * Vbseff;
  if (T3 < 1.0e-4) {
    T9 = 1.0 / (3.0 - 2.0e4 * T3);
    T3 = (2.0e-4 - T3) * T9;
    T4 = T9 * T9;
  } else T4 = 1.0;
  const dDIBL_Sft_dVd = T3 * P.theta0vb0;
  const DIBL_Sft = dDIBL_Sft_dVd * Vds;
  const Lpe_Vb = Math.sqrt(1.0 + b.lpeb / Leff);

  let Vth =
    P.type * P.vth0 + (P.k1ox * sqrtPhis - b.k1 * P.sqrtPhi) * Lpe_Vb - P.k2ox * Vbseff - Delt_vth - T2 + (b.k3 + b.k3b * Vbseff) * Vth_NarrowW + T1 - DIBL_Sft;
  let dVth_dVb =
    Lpe_Vb * P.k1ox * dsqrtPhis_dVb - P.k2ox - dDelt_vth_dVb - dT2_dVb + b.k3b * Vth_NarrowW - b.etab * Vds * P.theta0vb0 * T4 + b.kt2 * TempRatio;
  let dVth_dVd = -dDIBL_Sft_dVd;

  // subthreshold swing n
  tmp1 = epssub / Xdep;
  tmp2 = b.nfactor * tmp1;
  tmp3 = b.cdsc + b.cdscb * Vbseff + b.cdscd * Vds;
  tmp4 = (tmp2 + tmp3 * Theta0 + b.cit) / coxe;
  let n: number, dn_dVb: number, dn_dVd: number;
  if (tmp4 >= -0.5) {
    n = 1.0 + tmp4;
    dn_dVb = ((-tmp2 / Xdep) * dXdep_dVb + tmp3 * dTheta0_dVb + b.cdscb * Theta0) / coxe;
    dn_dVd = (b.cdscd * Theta0) / coxe;
  } else {
    T0 = 1.0 / (3.0 + 8.0 * tmp4);
    n = (1.0 + 3.0 * tmp4) * T0;
    T0 *= T0;
    dn_dVb = (((-tmp2 / Xdep) * dXdep_dVb + tmp3 * dTheta0_dVb + b.cdscb * Theta0) / coxe) * T0;
    dn_dVd = ((b.cdscd * Theta0) / coxe) * T0;
  }

  // pocket implant (DVTP0, DVTP1) and DITS (DVTP2..5)
  if (b.dvtp0 > 0.0) {
    T0 = -b.dvtp1 * Vds;
    let dT2_dVd2: number;
    if (T0 < -EXP_THRESHOLD) {
      T2 = MIN_EXP;
      dT2_dVd2 = 0.0;
    } else {
      T2 = Math.exp(T0);
      dT2_dVd2 = -b.dvtp1 * T2;
    }
    T3 = Leff + b.dvtp0 * (1.0 + T2);
    dT3_dVd = b.dvtp0 * dT2_dVd2;
    T4 = Vtm * Math.log(Leff / T3);
    dT4_dVd = (-Vtm * dT3_dVd) / T3;
    const dDITS_Sft_dVd = dn_dVd * T4 + n * dT4_dVd;
    const dDITS_Sft_dVb = T4 * dn_dVb;
    Vth -= n * T4;
    dVth_dVd -= dDITS_Sft_dVd;
    dVth_dVb -= dDITS_Sft_dVb;
  }
  if (b.dvtp4 !== 0.0 && P.dvtp2factor !== 0.0) {
    T1 = 2.0 * b.dvtp4 * Vds;
    // DEXP with its slope factor
    let T0e: number, T10e: number;
    if (T1 > EXP_THRESHOLD) {
      T0e = MAX_EXP * (1.0 + T1 - EXP_THRESHOLD);
      T10e = MAX_EXP;
    } else if (T1 < -EXP_THRESHOLD) {
      T0e = MIN_EXP;
      T10e = 0;
    } else {
      T0e = Math.exp(T1);
      T10e = T0e;
    }
    const DITS_Sft2 = (P.dvtp2factor * (T0e - 1)) / (T0e + 1);
    const dDITS_Sft2_dVd = (P.dvtp2factor * b.dvtp4 * 4.0 * T10e) / ((T0e + 1) * (T0e + 1));
    Vth -= DITS_Sft2;
    dVth_dVd -= dDITS_Sft2_dVd;
  }
  out.von = Vth;

  // poly gate depletion (on the physical vgs and vgd)
  T0 = P.vfb + P.phi;
  // (the gate's permittivity: silicon's, EPSRGATE EPS0 with MTRLMOD)
  const epsgate = mm.mtrl ? mm.p.epsrgate * EPS0 : EPSSI;
  polyDepletion(T0, b.ngate, epsgate, coxe, vgs, pdScratch);
  const vgs_eff = pdScratch[0];
  const dvgs_eff_dvg = pdScratch[1];
  polyDepletion(T0, b.ngate, epsgate, coxe, vgd, pdScratch);
  const vgd_eff = pdScratch[0];
  const dvgd_eff_dvg = pdScratch[1];
  const Vgs_eff = out.mode > 0 ? vgs_eff : vgd_eff;
  const dVgs_eff_dVg = out.mode > 0 ? dvgs_eff_dvg : dvgd_eff_dvg;
  const Vgst = Vgs_eff - Vth;

  // Vgsteff: the smooth gate overdrive (MINV)
  const mstar = P.mstar;
  T0 = n * Vtm;
  T1 = mstar * Vgst;
  T2 = T1 / T0;
  if (T2 > EXP_THRESHOLD) {
    T10 = T1;
    dT10_dVg = mstar * dVgs_eff_dVg;
    dT10_dVd = -dVth_dVd * mstar;
    dT10_dVb = -dVth_dVb * mstar;
  } else if (T2 < -EXP_THRESHOLD) {
    T10 = Vtm * Math.log(1.0 + MIN_EXP);
    dT10_dVg = 0.0;
    dT10_dVd = T10 * dn_dVd;
    dT10_dVb = T10 * dn_dVb;
    T10 *= n;
  } else {
    const ExpVgst = Math.exp(T2);
    T3 = Vtm * Math.log(1.0 + ExpVgst);
    T10 = n * T3;
    dT10_dVg = (mstar * ExpVgst) / (1.0 + ExpVgst);
    dT10_dVb = T3 * dn_dVb - dT10_dVg * (dVth_dVb + (Vgst * dn_dVb) / n);
    dT10_dVd = T3 * dn_dVd - dT10_dVg * (dVth_dVd + (Vgst * dn_dVd) / n);
    dT10_dVg *= dVgs_eff_dVg;
  }
  T1 = P.voffcbn - (1.0 - mstar) * Vgst;
  T2 = T1 / T0;
  if (T2 < -EXP_THRESHOLD) {
    T3 = (coxe * MIN_EXP) / P.cdep0;
    T9 = mstar + T3 * n;
    dT9_dVg = 0.0;
    dT9_dVd = dn_dVd * T3;
    dT9_dVb = dn_dVb * T3;
  } else if (T2 > EXP_THRESHOLD) {
    T3 = (coxe * MAX_EXP) / P.cdep0;
    T9 = mstar + T3 * n;
    dT9_dVg = 0.0;
    dT9_dVd = dn_dVd * T3;
    dT9_dVb = dn_dVb * T3;
  } else {
    const ExpVgst = Math.exp(T2);
    T3 = coxe / P.cdep0;
    T4 = T3 * ExpVgst;
    T5 = (T1 * T4) / T0;
    T9 = mstar + n * T4;
    dT9_dVg = (T3 * (mstar - 1.0) * ExpVgst) / Vtm;
    dT9_dVb = T4 * dn_dVb - dT9_dVg * dVth_dVb - T5 * dn_dVb;
    dT9_dVd = T4 * dn_dVd - dT9_dVg * dVth_dVd - T5 * dn_dVd;
    dT9_dVg *= dVgs_eff_dVg;
  }
  const Vgsteff = T10 / T9;
  T11 = T9 * T9;
  const dVgsteff_dVg = (T9 * dT10_dVg - T10 * dT9_dVg) / T11;
  const dVgsteff_dVd = (T9 * dT10_dVd - T10 * dT9_dVd) / T11;
  const dVgsteff_dVb = (T9 * dT10_dVb - T10 * dT9_dVb) / T11;

  // effective channel width and the bias-dependent Rds (RDSMOD = 0)
  T9 = sqrtPhis - P.sqrtPhi;
  let Weff = P.weff - 2.0 * (b.dwg * Vgsteff + b.dwb * T9);
  let dWeff_dVg = -2.0 * b.dwg;
  let dWeff_dVb = -2.0 * b.dwb * dsqrtPhis_dVb;
  if (Weff < 2.0e-8) {
    T0 = 1.0 / (6.0e-8 - 2.0 * Weff);
    Weff = 2.0e-8 * (4.0e-8 - Weff) * T0;
    T0 *= T0 * 4.0e-16;
    dWeff_dVg *= T0;
    dWeff_dVb *= T0;
  }
  T0 = 1.0 + b.prwg * Vgsteff;
  dT0_dVg = -b.prwg / T0 / T0;
  T1 = b.prwb * T9;
  dT1_dVb = b.prwb * dsqrtPhis_dVb;
  T2 = 1.0 / T0 + T1;
  T3 = T2 + Math.sqrt(T2 * T2 + 0.01);
  dT3_dVg = 1.0 + T2 / (T3 - T2);
  dT3_dVb = dT3_dVg * dT1_dVb;
  dT3_dVg *= dT0_dVg;
  T4 = P.rds0 * 0.5;
  const Rds = P.rdswmin + T3 * T4;
  const dRds_dVg = T4 * dT3_dVg;
  const dRds_dVb = T4 * dT3_dVb;

  // Abulk
  T9 = (0.5 * P.k1ox * Lpe_Vb) / sqrtPhis;
  T1 = T9 + P.k2ox - b.k3b * Vth_NarrowW;
  dT1_dVb = (-T9 / sqrtPhis) * dsqrtPhis_dVb;
  T9 = Math.sqrt(b.xj * Xdep);
  tmp1 = Leff + 2.0 * T9;
  T5 = Leff / tmp1;
  tmp2 = b.a0 * T5;
  tmp3 = P.weff + b.b1;
  tmp4 = b.b0 / tmp3;
  T2 = tmp2 + tmp4;
  dT2_dVb = (-T9 / tmp1 / Xdep) * dXdep_dVb;
  T6 = T5 * T5;
  T7 = T5 * T6;
  let Abulk0 = 1.0 + T1 * T2;
  let dAbulk0_dVb = T1 * tmp2 * dT2_dVb + T2 * dT1_dVb;
  T8 = b.ags * b.a0 * T7;
  let dAbulk_dVg = -T1 * T8;
  let Abulk = Abulk0 + dAbulk_dVg * Vgsteff;
  let dAbulk_dVb = dAbulk0_dVb - T8 * Vgsteff * (dT1_dVb + 3.0 * T1 * dT2_dVb);
  if (Abulk0 < 0.1) {
    T9 = 1.0 / (3.0 - 20.0 * Abulk0);
    Abulk0 = (0.2 - Abulk0) * T9;
    dAbulk0_dVb *= T9 * T9;
  }
  if (Abulk < 0.1) {
    T9 = 1.0 / (3.0 - 20.0 * Abulk);
    Abulk = (0.2 - Abulk) * T9;
    T10 = T9 * T9;
    dAbulk_dVb *= T10;
    dAbulk_dVg *= T10;
  }
  T2 = b.keta * Vbseff;
  if (T2 >= -0.9) {
    T0 = 1.0 / (1.0 + T2);
    dT0_dVb = -b.keta * T0 * T0;
  } else {
    T1 = 1.0 / (0.8 + T2);
    T0 = (17.0 + 20.0 * T2) * T1;
    dT0_dVb = -b.keta * T1 * T1;
  }
  dAbulk_dVg *= T0;
  dAbulk_dVb = dAbulk_dVb * T0 + Abulk * dT0_dVb;
  dAbulk0_dVb = dAbulk0_dVb * T0 + Abulk0 * dT0_dVb;
  Abulk *= T0;
  Abulk0 *= T0;

  // mobility (MTRLMOD = 0: T14 = 0)
  let Denomi: number, dDenomi_dVg: number, dDenomi_dVd: number, dDenomi_dVb: number;
  if (v45 && mobMod !== 3) {
    // b4v5ld.c: the Coulomb term is UD Vth^2 / (X / TOXE)^2 with X = Vgsteff + 2 Vth (MOBMOD 0, 1) or
    // (Vgsteff + vtfbphi1) / TOXE (MOBMOD 2, a second 1/TOXE as b4v5ld.c has it). The partials here are
    // the exact ones of that value, d/dVgsteff and d/dVth (bsim4v5's own drop some Vth terms; the
    // solution is the same)
    const X = mobMod === 2 ? (Vgsteff + P.vtfbphi1) / toxe : Vgsteff + Vth + Vth;
    const dX = mobMod === 2 ? 1.0 / toxe : 1.0; // dX/dVgsteff; dX/dVth = 2 (MOBMOD 0, 1), 0 (MOBMOD 2)
    const Y = X / toxe;
    T6 = (b.ud * Vth * Vth) / (Y * Y);
    const dT6_dVgst = (-2.0 * T6 * dX) / X;
    const dT6_dVth = (2.0 * b.ud * Vth) / (Y * Y) - (mobMod === 2 ? 0 : (4.0 * T6) / X);
    let dT5_dVth: number;
    if (mobMod === 0) {
      T2 = b.ua + b.uc * Vbseff;
      T3 = X / toxe;
      T5 = T3 * (T2 + b.ub * T3) + T6;
      const dT5_dX = (T2 + 2.0 * b.ub * T3) / toxe;
      dDenomi_dVg = dT5_dX + dT6_dVgst;
      dT5_dVth = 2.0 * dT5_dX + dT6_dVth;
      dDenomi_dVb = dT5_dVth * dVth_dVb + b.uc * T3;
    } else if (mobMod === 1) {
      T2 = 1.0 + b.uc * Vbseff;
      T3 = X / toxe;
      T4 = T3 * (b.ua + b.ub * T3);
      T5 = T4 * T2 + T6;
      const dT5_dX = ((b.ua + 2.0 * b.ub * T3) * T2) / toxe;
      dDenomi_dVg = dT5_dX + dT6_dVgst;
      dT5_dVth = 2.0 * dT5_dX + dT6_dVth;
      dDenomi_dVb = dT5_dVth * dVth_dVb + b.uc * T4;
    } else {
      T1 = Math.exp(b.eu * Math.log(X));
      dT1_dVg = (T1 * b.eu) / X / toxe;
      T2 = b.ua + b.uc * Vbseff;
      T5 = T1 * T2 + T6;
      dDenomi_dVg = T2 * dT1_dVg + dT6_dVgst;
      dT5_dVth = dT6_dVth;
      dDenomi_dVb = dT5_dVth * dVth_dVb + T1 * b.uc;
    }
    dDenomi_dVd = dT5_dVth * dVth_dVd;
  } else if (mobMod === 0) {
    T0 = Vgsteff + Vth + Vth - T14m;
    T2 = b.ua + b.uc * Vbseff;
    T3 = T0 / toxe;
    T12 = Math.sqrt(Vth * Vth + 0.0001);
    T9 = 1.0 / (Vgsteff + 2 * T12);
    T10 = T9 * toxe;
    T8 = b.ud * T10 * T10 * Vth;
    T6 = T8 * Vth;
    T5 = T3 * (T2 + b.ub * T3) + T6;
    T7 = -2.0 * T6 * T9;
    T11 = (T7 * Vth) / T12;
    dDenomi_dVg = (T2 + 2.0 * b.ub * T3) / toxe;
    T13 = 2.0 * (dDenomi_dVg + T11 + T8);
    dDenomi_dVd = T13 * dVth_dVd;
    dDenomi_dVb = T13 * dVth_dVb + b.uc * T3;
    dDenomi_dVg += T7;
  } else if (mobMod === 1) {
    T0 = Vgsteff + Vth + Vth - T14m;
    T2 = 1.0 + b.uc * Vbseff;
    T3 = T0 / toxe;
    T4 = T3 * (b.ua + b.ub * T3);
    T12 = Math.sqrt(Vth * Vth + 0.0001);
    T9 = 1.0 / (Vgsteff + 2 * T12);
    T10 = T9 * toxe;
    T8 = b.ud * T10 * T10 * Vth;
    T6 = T8 * Vth;
    T5 = T4 * T2 + T6;
    T7 = -2.0 * T6 * T9;
    T11 = (T7 * Vth) / T12;
    dDenomi_dVg = ((b.ua + 2.0 * b.ub * T3) * T2) / toxe;
    T13 = 2.0 * (dDenomi_dVg + T11 + T8);
    dDenomi_dVd = T13 * dVth_dVd;
    dDenomi_dVb = T13 * dVth_dVb + b.uc * T4;
    dDenomi_dVg += T7;
  } else if (mobMod === 3) {
    // universal mobility with the Coulomb term (UCS, UD at Vgsteff's value at Vth)
    T0 = ((Vgsteff + P.vtfbphi1) * 1.0e-8) / toxe / 6.0;
    T1 = Math.exp(b.eu * Math.log(T0));
    dT1_dVg = (T1 * b.eu * 1.0e-8) / T0 / toxe / 6.0;
    T2 = b.ua + b.uc * Vbseff;
    const VgsteffVth = P.vgsteffVth;
    T10 = Math.exp(b.ucs * Math.log(0.5 + (0.5 * Vgsteff) / VgsteffVth));
    T11 = b.ud / T10;
    const dT11_dVg = (-0.5 * b.ucs * T11) / (0.5 + (0.5 * Vgsteff) / VgsteffVth) / VgsteffVth;
    dDenomi_dVg = T2 * dT1_dVg + dT11_dVg;
    dDenomi_dVd = 0.0;
    dDenomi_dVb = T1 * b.uc;
    T5 = T1 * T2 + T11;
  } else {
    T0 = (Vgsteff + P.vtfbphi1) / toxe;
    T1 = Math.exp(b.eu * Math.log(T0));
    dT1_dVg = (T1 * b.eu) / T0 / toxe;
    T2 = b.ua + b.uc * Vbseff;
    T12 = Math.sqrt(Vth * Vth + 0.0001);
    T9 = 1.0 / (Vgsteff + 2 * T12);
    T10 = T9 * toxe;
    T8 = b.ud * T10 * T10 * Vth;
    T6 = T8 * Vth;
    T5 = T1 * T2 + T6;
    T7 = -2.0 * T6 * T9;
    T11 = (T7 * Vth) / T12;
    dDenomi_dVg = T2 * dT1_dVg + T7;
    T13 = 2.0 * (T11 + T8);
    dDenomi_dVd = T13 * dVth_dVd;
    dDenomi_dVb = T13 * dVth_dVb + T1 * b.uc;
  }
  if (T5 >= -0.8) Denomi = 1.0 + T5;
  else {
    T9 = 1.0 / (7.0 + 10.0 * T5);
    Denomi = (0.6 + T5) * T9;
    T9 *= T9;
    dDenomi_dVg *= T9;
    dDenomi_dVd *= T9;
    dDenomi_dVb *= T9;
  }
  const ueff = P.u0temp / Denomi;
  T9 = -ueff / Denomi;
  const dueff_dVg = T9 * dDenomi_dVg;
  const dueff_dVd = T9 * dDenomi_dVd;
  const dueff_dVb = T9 * dDenomi_dVb;

  // saturation voltage Vdsat
  const WVCox = Weff * P.vsattemp * coxe;
  const WVCoxRds = WVCox * Rds;
  let Esat = (2.0 * P.vsattemp) / ueff;
  let EsatL = Esat * Leff;
  T0 = -EsatL / ueff;
  let dEsatL_dVg = T0 * dueff_dVg;
  let dEsatL_dVd = T0 * dueff_dVd;
  let dEsatL_dVb = T0 * dueff_dVb;

  const a1 = b.a1;
  let Lambda: number, dLambda_dVg: number;
  if (a1 === 0.0) {
    Lambda = b.a2;
    dLambda_dVg = 0.0;
  } else if (a1 > 0.0) {
    T0 = 1.0 - b.a2;
    T1 = T0 - b.a1 * Vgsteff - 0.0001;
    T2 = Math.sqrt(T1 * T1 + 0.0004 * T0);
    Lambda = b.a2 + T0 - 0.5 * (T1 + T2);
    dLambda_dVg = 0.5 * b.a1 * (1.0 + T1 / T2);
  } else {
    T1 = b.a2 + b.a1 * Vgsteff - 0.0001;
    T2 = Math.sqrt(T1 * T1 + 0.0004 * b.a2);
    Lambda = 0.5 * (T1 + T2);
    dLambda_dVg = 0.5 * b.a1 * (1.0 + T1 / T2);
  }

  const Vgst2Vtm = Vgsteff + 2.0 * Vtm;
  if (Rds > 0) {
    tmp2 = dRds_dVg / Rds + dWeff_dVg / Weff;
    tmp3 = dRds_dVb / Rds + dWeff_dVb / Weff;
  } else {
    tmp2 = dWeff_dVg / Weff;
    tmp3 = dWeff_dVb / Weff;
  }
  let Vdsat: number, dVdsat_dVg: number, dVdsat_dVd: number, dVdsat_dVb: number;
  if (Rds === 0.0 && Lambda === 1.0) {
    T0 = 1.0 / (Abulk * EsatL + Vgst2Vtm);
    tmp1 = 0.0;
    T1 = T0 * T0;
    T2 = Vgst2Vtm * T0;
    T3 = EsatL * Vgst2Vtm;
    Vdsat = T3 * T0;
    dT0_dVg = -(Abulk * dEsatL_dVg + EsatL * dAbulk_dVg + 1.0) * T1;
    dT0_dVd = -(Abulk * dEsatL_dVd) * T1;
    dT0_dVb = -(Abulk * dEsatL_dVb + dAbulk_dVb * EsatL) * T1;
    dVdsat_dVg = T3 * dT0_dVg + T2 * dEsatL_dVg + EsatL * T0;
    dVdsat_dVd = T3 * dT0_dVd + T2 * dEsatL_dVd;
    dVdsat_dVb = T3 * dT0_dVb + T2 * dEsatL_dVb;
  } else {
    tmp1 = dLambda_dVg / (Lambda * Lambda);
    T9 = Abulk * WVCoxRds;
    T8 = Abulk * T9;
    T7 = Vgst2Vtm * T9;
    T6 = Vgst2Vtm * WVCoxRds;
    T0 = 2.0 * Abulk * (T9 - 1.0 + 1.0 / Lambda);
    dT0_dVg = 2.0 * (T8 * tmp2 - Abulk * tmp1 + (2.0 * T9 + 1.0 / Lambda - 1.0) * dAbulk_dVg);
    dT0_dVb = 2.0 * (T8 * ((2.0 / Abulk) * dAbulk_dVb + tmp3) + (1.0 / Lambda - 1.0) * dAbulk_dVb);
    dT0_dVd = 0.0;
    T1 = Vgst2Vtm * (2.0 / Lambda - 1.0) + Abulk * EsatL + 3.0 * T7;
    dT1_dVg = 2.0 / Lambda - 1.0 - 2.0 * Vgst2Vtm * tmp1 + Abulk * dEsatL_dVg + EsatL * dAbulk_dVg + 3.0 * (T9 + T7 * tmp2 + T6 * dAbulk_dVg);
    dT1_dVb = Abulk * dEsatL_dVb + EsatL * dAbulk_dVb + 3.0 * (T6 * dAbulk_dVb + T7 * tmp3);
    dT1_dVd = Abulk * dEsatL_dVd;
    T2 = Vgst2Vtm * (EsatL + 2.0 * T6);
    dT2_dVg = EsatL + Vgst2Vtm * dEsatL_dVg + T6 * (4.0 + 2.0 * Vgst2Vtm * tmp2);
    dT2_dVb = Vgst2Vtm * (dEsatL_dVb + 2.0 * T6 * tmp3);
    dT2_dVd = Vgst2Vtm * dEsatL_dVd;
    T3 = Math.sqrt(T1 * T1 - 2.0 * T0 * T2);
    Vdsat = (T1 - T3) / T0;
    dVdsat_dVg = (dT1_dVg - (T1 * dT1_dVg - dT0_dVg * T2 - T0 * dT2_dVg) / T3 - Vdsat * dT0_dVg) / T0;
    dVdsat_dVb = (dT1_dVb - (T1 * dT1_dVb - dT0_dVb * T2 - T0 * dT2_dVb) / T3 - Vdsat * dT0_dVb) / T0;
    dVdsat_dVd = (dT1_dVd - (T1 * dT1_dVd - T0 * dT2_dVd) / T3) / T0;
  }
  out.vdsat = Vdsat;

  // Vdseff: the smooth min(Vds, Vdsat)
  T1 = Vdsat - Vds - b.delta;
  dT1_dVg = dVdsat_dVg;
  dT1_dVd = dVdsat_dVd - 1.0;
  dT1_dVb = dVdsat_dVb;
  T2 = Math.sqrt(T1 * T1 + 4.0 * b.delta * Vdsat);
  T0 = T1 / T2;
  T9 = 2.0 * b.delta;
  T3 = T9 / T2;
  dT2_dVg = T0 * dT1_dVg + T3 * dVdsat_dVg;
  dT2_dVd = T0 * dT1_dVd + T3 * dVdsat_dVd;
  dT2_dVb = T0 * dT1_dVb + T3 * dVdsat_dVb;
  let Vdseff: number, dVdseff_dVg: number, dVdseff_dVd: number, dVdseff_dVb: number;
  if (T1 >= 0.0) {
    Vdseff = Vdsat - 0.5 * (T1 + T2);
    dVdseff_dVg = dVdsat_dVg - 0.5 * (dT1_dVg + dT2_dVg);
    dVdseff_dVd = dVdsat_dVd - 0.5 * (dT1_dVd + dT2_dVd);
    dVdseff_dVb = dVdsat_dVb - 0.5 * (dT1_dVb + dT2_dVb);
  } else {
    T4 = T9 / (T2 - T1);
    T5 = 1.0 - T4;
    T6 = (Vdsat * T4) / (T2 - T1);
    Vdseff = Vdsat * T5;
    dVdseff_dVg = dVdsat_dVg * T5 + T6 * (dT2_dVg - dT1_dVg);
    dVdseff_dVd = dVdsat_dVd * T5 + T6 * (dT2_dVd - dT1_dVd);
    dVdseff_dVb = dVdsat_dVb * T5 + T6 * (dT2_dVb - dT1_dVb);
  }
  if (Vds === 0.0) {
    Vdseff = 0.0;
    dVdseff_dVg = 0.0;
    dVdseff_dVb = 0.0;
  }
  if (Vdseff > Vds) Vdseff = Vds;
  const diffVds = Vds - Vdseff;

  // EsatL's partials before the overshoot: bsim4v5's channel-length modulation keeps that Esat
  const dEsat0_dVg = dEsatL_dVg;
  const dEsat0_dVd = dEsatL_dVd;
  const dEsat0_dVb = dEsatL_dVb;
  // velocity overshoot (LAMBDA)
  if (P.useLambda) {
    T1 = Leff * ueff;
    T2 = b.lambda / T1;
    T3 = (-T2 / T1) * Leff;
    dT2_dVd = T3 * dueff_dVd;
    dT2_dVg = T3 * dueff_dVg;
    dT2_dVb = T3 * dueff_dVb;
    T5 = 1.0 / (Esat * P.litl);
    T4 = -T5 / EsatL;
    dT5_dVg = dEsatL_dVg * T4;
    dT5_dVd = dEsatL_dVd * T4;
    dT5_dVb = dEsatL_dVb * T4;
    T6 = 1.0 + diffVds * T5;
    dT6_dVg = dT5_dVg * diffVds - dVdseff_dVg * T5;
    dT6_dVd = dT5_dVd * diffVds + (1.0 - dVdseff_dVd) * T5;
    dT6_dVb = dT5_dVb * diffVds - dVdseff_dVb * T5;
    T7 = 2.0 / (T6 * T6 + 1.0);
    T8 = 1.0 - T7;
    T9 = T6 * T7 * T7;
    dT8_dVg = T9 * dT6_dVg;
    dT8_dVd = T9 * dT6_dVd;
    dT8_dVb = T9 * dT6_dVb;
    T10 = 1.0 + T2 * T8;
    dT10_dVg = dT2_dVg * T8 + T2 * dT8_dVg;
    dT10_dVd = dT2_dVd * T8 + T2 * dT8_dVd;
    dT10_dVb = dT2_dVb * T8 + T2 * dT8_dVb;
    if (T10 === 1.0) dT10_dVg = dT10_dVd = dT10_dVb = 0.0;
    dEsatL_dVg = dEsatL_dVg * T10 + EsatL * dT10_dVg;
    dEsatL_dVd = dEsatL_dVd * T10 + EsatL * dT10_dVd;
    dEsatL_dVb = dEsatL_dVb * T10 + EsatL * dT10_dVb;
    EsatL *= T10;
    // the 4.6.4 bug fix; bsim4v5 keeps Esat = 2 VSAT / ueff in the channel-length modulation below
    if (!v45) Esat = EsatL / Leff;
  }

  // Vasat
  tmp4 = 1.0 - (0.5 * Abulk * Vdsat) / Vgst2Vtm;
  T9 = WVCoxRds * Vgsteff;
  T8 = T9 / Vgst2Vtm;
  T0 = EsatL + Vdsat + 2.0 * T9 * tmp4;
  T7 = 2.0 * WVCoxRds * tmp4;
  dT0_dVg = dEsatL_dVg + dVdsat_dVg + T7 * (1.0 + tmp2 * Vgsteff) - T8 * (Abulk * dVdsat_dVg - (Abulk * Vdsat) / Vgst2Vtm + Vdsat * dAbulk_dVg);
  dT0_dVb = dEsatL_dVb + dVdsat_dVb + T7 * tmp3 * Vgsteff - T8 * (dAbulk_dVb * Vdsat + Abulk * dVdsat_dVb);
  dT0_dVd = dEsatL_dVd + dVdsat_dVd - T8 * Abulk * dVdsat_dVd;
  T9 = WVCoxRds * Abulk;
  T1 = 2.0 / Lambda - 1.0 + T9;
  dT1_dVg = -2.0 * tmp1 + WVCoxRds * (Abulk * tmp2 + dAbulk_dVg);
  dT1_dVb = dAbulk_dVb * WVCoxRds + T9 * tmp3;
  const Vasat = T0 / T1;
  const dVasat_dVg = (dT0_dVg - Vasat * dT1_dVg) / T1;
  const dVasat_dVb = (dT0_dVb - Vasat * dT1_dVb) / T1;
  const dVasat_dVd = dT0_dVd / T1;

  // Idl with the charge centroid's Coxeff
  tmp1 = P.vtfbphi2;
  tmp2 = 2.0e8 * P.toxp;
  dT0_dVg = 1.0 / tmp2;
  T0 = (Vgsteff + tmp1) * dT0_dVg;
  tmp3 = Math.exp(mm.p.bdos * 0.7 * Math.log(T0));
  T1 = 1.0 + tmp3;
  T2 = (mm.p.bdos * 0.7 * tmp3) / T0;
  const Tcen = (mm.p.ados * 1.9e-9) / T1;
  const dTcen_dVg = (-Tcen * T2 * dT0_dVg) / T1;
  const Coxeff = (epssub * P.coxp) / (epssub + P.coxp * Tcen);
  const dCoxeff_dVg = (-Coxeff * Coxeff * dTcen_dVg) / epssub;
  const CoxeffWovL = (Coxeff * Weff) / Leff;
  const beta = ueff * CoxeffWovL;
  T3 = ueff / Leff;
  const dbeta_dVg = CoxeffWovL * dueff_dVg + T3 * (Weff * dCoxeff_dVg + Coxeff * dWeff_dVg);
  const dbeta_dVd = CoxeffWovL * dueff_dVd;
  const dbeta_dVb = CoxeffWovL * dueff_dVb + T3 * Coxeff * dWeff_dVb;

  const AbovVgst2Vtm = Abulk / Vgst2Vtm;
  T0 = 1.0 - 0.5 * Vdseff * AbovVgst2Vtm;
  dT0_dVg = (-0.5 * (Abulk * dVdseff_dVg - (Abulk * Vdseff) / Vgst2Vtm + Vdseff * dAbulk_dVg)) / Vgst2Vtm;
  dT0_dVd = (-0.5 * Abulk * dVdseff_dVd) / Vgst2Vtm;
  dT0_dVb = (-0.5 * (Abulk * dVdseff_dVb + dAbulk_dVb * Vdseff)) / Vgst2Vtm;
  const fgche1 = Vgsteff * T0;
  const dfgche1_dVg = Vgsteff * dT0_dVg + T0;
  const dfgche1_dVd = Vgsteff * dT0_dVd;
  const dfgche1_dVb = Vgsteff * dT0_dVb;
  T9 = Vdseff / EsatL;
  const fgche2 = 1.0 + T9;
  const dfgche2_dVg = (dVdseff_dVg - T9 * dEsatL_dVg) / EsatL;
  const dfgche2_dVd = (dVdseff_dVd - T9 * dEsatL_dVd) / EsatL;
  const dfgche2_dVb = (dVdseff_dVb - T9 * dEsatL_dVb) / EsatL;
  const gche = (beta * fgche1) / fgche2;
  const dgche_dVg = (beta * dfgche1_dVg + fgche1 * dbeta_dVg - gche * dfgche2_dVg) / fgche2;
  const dgche_dVd = (beta * dfgche1_dVd + fgche1 * dbeta_dVd - gche * dfgche2_dVd) / fgche2;
  const dgche_dVb = (beta * dfgche1_dVb + fgche1 * dbeta_dVb - gche * dfgche2_dVb) / fgche2;
  T0 = 1.0 + gche * Rds;
  const Idl = gche / T0;
  T1 = (1.0 - Idl * Rds) / T0;
  T2 = Idl * Idl;
  const dIdl_dVg = T1 * dgche_dVg - T2 * dRds_dVg;
  const dIdl_dVd = T1 * dgche_dVd;
  const dIdl_dVb = T1 * dgche_dVb - T2 * dRds_dVb;

  // pocket-implant Rout degradation FP
  let FP: number, dFP_dVg: number;
  if (b.fprout <= 0.0) {
    FP = 1.0;
    dFP_dVg = 0.0;
  } else {
    T9 = (b.fprout * Math.sqrt(Leff)) / Vgst2Vtm;
    FP = 1.0 / (1.0 + T9);
    dFP_dVg = (FP * FP * T9) / Vgst2Vtm;
  }

  // VACLM
  T8 = b.pvag / EsatL;
  T9 = T8 * Vgsteff;
  let PvagTerm: number, dPvagTerm_dVg: number, dPvagTerm_dVb: number, dPvagTerm_dVd: number;
  if (T9 > -0.9) {
    PvagTerm = 1.0 + T9;
    dPvagTerm_dVg = T8 * (1.0 - (Vgsteff * dEsatL_dVg) / EsatL);
    dPvagTerm_dVb = (-T9 * dEsatL_dVb) / EsatL;
    dPvagTerm_dVd = (-T9 * dEsatL_dVd) / EsatL;
  } else {
    T4 = 1.0 / (17.0 + 20.0 * T9);
    PvagTerm = (0.8 + T9) * T4;
    T4 *= T4;
    dPvagTerm_dVg = T8 * (1.0 - (Vgsteff * dEsatL_dVg) / EsatL) * T4;
    T9 *= T4 / EsatL;
    dPvagTerm_dVb = -T9 * dEsatL_dVb;
    dPvagTerm_dVd = -T9 * dEsatL_dVd;
  }
  let VACLM: number, Cclm: number, dVACLM_dVg: number, dVACLM_dVd: number, dVACLM_dVb: number;
  let dCclm_dVg: number, dCclm_dVd: number, dCclm_dVb: number;
  if (b.pclm > MIN_EXP && diffVds > 1.0e-10) {
    T0 = 1.0 + Rds * Idl;
    dT0_dVg = dRds_dVg * Idl + Rds * dIdl_dVg;
    dT0_dVd = Rds * dIdl_dVd;
    dT0_dVb = dRds_dVb * Idl + Rds * dIdl_dVb;
    T2 = Vdsat / Esat;
    T1 = Leff + T2;
    // (bsim4v5, LAMBDA: Esat is the one before the overshoot; its partials here are exact, b4v5ld.c's take the later EsatL's)
    const lam45 = v45 && P.useLambda;
    dT1_dVg = (dVdsat_dVg - (T2 * (lam45 ? dEsat0_dVg : dEsatL_dVg)) / Leff) / Esat;
    dT1_dVd = (dVdsat_dVd - (T2 * (lam45 ? dEsat0_dVd : dEsatL_dVd)) / Leff) / Esat;
    dT1_dVb = (dVdsat_dVb - (T2 * (lam45 ? dEsat0_dVb : dEsatL_dVb)) / Leff) / Esat;
    Cclm = (FP * PvagTerm * T0 * T1) / (b.pclm * P.litl);
    dCclm_dVg = Cclm * (dFP_dVg / FP + dPvagTerm_dVg / PvagTerm + dT0_dVg / T0 + dT1_dVg / T1);
    dCclm_dVb = Cclm * (dPvagTerm_dVb / PvagTerm + dT0_dVb / T0 + dT1_dVb / T1);
    dCclm_dVd = Cclm * (dPvagTerm_dVd / PvagTerm + dT0_dVd / T0 + dT1_dVd / T1);
    VACLM = Cclm * diffVds;
    dVACLM_dVg = dCclm_dVg * diffVds - dVdseff_dVg * Cclm;
    dVACLM_dVb = dCclm_dVb * diffVds - dVdseff_dVb * Cclm;
    dVACLM_dVd = dCclm_dVd * diffVds + (1.0 - dVdseff_dVd) * Cclm;
  } else {
    VACLM = Cclm = MAX_EXP;
    dVACLM_dVd = dVACLM_dVg = dVACLM_dVb = 0.0;
    dCclm_dVd = dCclm_dVg = dCclm_dVb = 0.0;
  }

  // VADIBL
  let VADIBL: number, dVADIBL_dVg: number, dVADIBL_dVd: number, dVADIBL_dVb: number;
  if (P.thetaRout > MIN_EXP) {
    T8 = Abulk * Vdsat;
    T0 = Vgst2Vtm * T8;
    dT0_dVg = Vgst2Vtm * Abulk * dVdsat_dVg + T8 + Vgst2Vtm * Vdsat * dAbulk_dVg;
    dT0_dVb = Vgst2Vtm * (dAbulk_dVb * Vdsat + Abulk * dVdsat_dVb);
    dT0_dVd = Vgst2Vtm * Abulk * dVdsat_dVd;
    T1 = Vgst2Vtm + T8;
    dT1_dVg = 1.0 + Abulk * dVdsat_dVg + Vdsat * dAbulk_dVg;
    dT1_dVb = Abulk * dVdsat_dVb + dAbulk_dVb * Vdsat;
    dT1_dVd = Abulk * dVdsat_dVd;
    T9 = T1 * T1;
    T2 = P.thetaRout;
    VADIBL = (Vgst2Vtm - T0 / T1) / T2;
    dVADIBL_dVg = (1.0 - dT0_dVg / T1 + (T0 * dT1_dVg) / T9) / T2;
    dVADIBL_dVb = (-dT0_dVb / T1 + (T0 * dT1_dVb) / T9) / T2;
    dVADIBL_dVd = (-dT0_dVd / T1 + (T0 * dT1_dVd) / T9) / T2;
    T7 = b.pdiblcb * Vbseff;
    if (T7 >= -0.9) {
      T3 = 1.0 / (1.0 + T7);
      VADIBL *= T3;
      dVADIBL_dVg *= T3;
      dVADIBL_dVb = (dVADIBL_dVb - VADIBL * b.pdiblcb) * T3;
      dVADIBL_dVd *= T3;
    } else {
      T4 = 1.0 / (0.8 + T7);
      T3 = (17.0 + 20.0 * T7) * T4;
      dVADIBL_dVg *= T3;
      dVADIBL_dVb = dVADIBL_dVb * T3 - VADIBL * b.pdiblcb * T4 * T4;
      dVADIBL_dVd *= T3;
      VADIBL *= T3;
    }
    dVADIBL_dVg = dVADIBL_dVg * PvagTerm + VADIBL * dPvagTerm_dVg;
    dVADIBL_dVb = dVADIBL_dVb * PvagTerm + VADIBL * dPvagTerm_dVb;
    dVADIBL_dVd = dVADIBL_dVd * PvagTerm + VADIBL * dPvagTerm_dVd;
    VADIBL *= PvagTerm;
  } else {
    VADIBL = MAX_EXP;
    dVADIBL_dVd = dVADIBL_dVg = dVADIBL_dVb = 0.0;
  }

  // Va
  const Va = Vasat + VACLM;
  const dVa_dVg = dVasat_dVg + dVACLM_dVg;
  const dVa_dVb = dVasat_dVb + dVACLM_dVb;
  const dVa_dVd = dVasat_dVd + dVACLM_dVd;

  // VADITS
  T0 = b.pditsd * Vds;
  if (T0 > EXP_THRESHOLD) {
    T1 = MAX_EXP;
    dT1_dVd = 0;
  } else {
    T1 = Math.exp(T0);
    dT1_dVd = T1 * b.pditsd;
  }
  let VADITS: number, dVADITS_dVg: number, dVADITS_dVd: number;
  if (b.pdits > MIN_EXP) {
    T2 = 1.0 + mm.p.pditsl * Leff;
    VADITS = (1.0 + T2 * T1) / b.pdits;
    dVADITS_dVg = VADITS * dFP_dVg;
    dVADITS_dVd = (FP * T2 * dT1_dVd) / b.pdits;
    VADITS *= FP;
  } else {
    VADITS = MAX_EXP;
    dVADITS_dVg = dVADITS_dVd = 0;
  }

  // VASCBE
  let VASCBE: number, dVASCBE_dVg: number, dVASCBE_dVd: number, dVASCBE_dVb: number;
  if (b.pscbe2 > 0.0 && (b.pscbe1 >= 0.0 || v45)) {
    if (diffVds > (b.pscbe1 * P.litl) / EXP_THRESHOLD) {
      T0 = (b.pscbe1 * P.litl) / diffVds;
      VASCBE = (Leff * Math.exp(T0)) / b.pscbe2;
      T1 = (T0 * VASCBE) / diffVds;
      dVASCBE_dVg = T1 * dVdseff_dVg;
      dVASCBE_dVd = -T1 * (1.0 - dVdseff_dVd);
      dVASCBE_dVb = T1 * dVdseff_dVb;
    } else {
      VASCBE = (MAX_EXP * Leff) / b.pscbe2;
      dVASCBE_dVg = dVASCBE_dVd = dVASCBE_dVb = 0.0;
    }
  } else {
    VASCBE = MAX_EXP;
    dVASCBE_dVg = dVASCBE_dVd = dVASCBE_dVb = 0.0;
  }

  // DIBL
  T9 = diffVds / VADIBL;
  T0 = 1.0 + T9;
  let Idsa = Idl * T0;
  let dIdsa_dVg = T0 * dIdl_dVg - (Idl * (dVdseff_dVg + T9 * dVADIBL_dVg)) / VADIBL;
  let dIdsa_dVd = T0 * dIdl_dVd + (Idl * (1.0 - dVdseff_dVd - T9 * dVADIBL_dVd)) / VADIBL;
  let dIdsa_dVb = T0 * dIdl_dVb - (Idl * (dVdseff_dVb + T9 * dVADIBL_dVb)) / VADIBL;
  // DITS
  T9 = diffVds / VADITS;
  T0 = 1.0 + T9;
  dIdsa_dVg = T0 * dIdsa_dVg - (Idsa * (dVdseff_dVg + T9 * dVADITS_dVg)) / VADITS;
  dIdsa_dVd = T0 * dIdsa_dVd + (Idsa * (1.0 - dVdseff_dVd - T9 * dVADITS_dVd)) / VADITS;
  dIdsa_dVb = T0 * dIdsa_dVb - (Idsa * dVdseff_dVb) / VADITS;
  Idsa *= T0;
  // CLM
  T0 = Math.log(Va / Vasat);
  dT0_dVg = dVa_dVg / Va - dVasat_dVg / Vasat;
  dT0_dVb = dVa_dVb / Va - dVasat_dVb / Vasat;
  dT0_dVd = dVa_dVd / Va - dVasat_dVd / Vasat;
  T1 = T0 / Cclm;
  T9 = 1.0 + T1;
  dT9_dVg = (dT0_dVg - T1 * dCclm_dVg) / Cclm;
  dT9_dVb = (dT0_dVb - T1 * dCclm_dVb) / Cclm;
  dT9_dVd = (dT0_dVd - T1 * dCclm_dVd) / Cclm;
  dIdsa_dVg = dIdsa_dVg * T9 + Idsa * dT9_dVg;
  dIdsa_dVb = dIdsa_dVb * T9 + Idsa * dT9_dVb;
  dIdsa_dVd = dIdsa_dVd * T9 + Idsa * dT9_dVd;
  Idsa *= T9;

  // substrate current
  const tmpa = b.alpha0 + b.alpha1 * Leff;
  let Isub: number, Gbd: number, Gbb: number, Gbg: number;
  if (tmpa <= 0.0 || b.beta0 <= 0.0) {
    Isub = Gbd = Gbb = Gbg = 0.0;
  } else {
    T2 = tmpa / Leff;
    if (diffVds > b.beta0 / EXP_THRESHOLD) {
      T0 = -b.beta0 / diffVds;
      T1 = T2 * diffVds * Math.exp(T0);
      T3 = (T1 / diffVds) * (T0 - 1.0);
      dT1_dVg = T3 * dVdseff_dVg;
      dT1_dVd = T3 * (dVdseff_dVd - 1.0);
      dT1_dVb = T3 * dVdseff_dVb;
    } else {
      T3 = T2 * MIN_EXP;
      T1 = T3 * diffVds;
      dT1_dVg = -T3 * dVdseff_dVg;
      dT1_dVd = T3 * (1.0 - dVdseff_dVd);
      dT1_dVb = -T3 * dVdseff_dVb;
    }
    T4 = Idsa * Vdseff;
    Isub = T1 * T4;
    Gbg = T1 * (dIdsa_dVg * Vdseff + Idsa * dVdseff_dVg) + T4 * dT1_dVg;
    Gbd = T1 * (dIdsa_dVd * Vdseff + Idsa * dVdseff_dVd) + T4 * dT1_dVd;
    Gbb = T1 * (dIdsa_dVb * Vdseff + Idsa * dVdseff_dVb) + T4 * dT1_dVb;
    Gbd += Gbg * dVgsteff_dVd;
    Gbb += Gbg * dVgsteff_dVb;
    Gbg *= dVgsteff_dVg;
    Gbb *= dVbseff_dVb;
  }

  // SCBE; Ids = (Idsa (1 + diffVds / VASCBE)) Vdseff
  T9 = diffVds / VASCBE;
  T0 = 1.0 + T9;
  const Ids = Idsa * T0;
  let Gm = T0 * dIdsa_dVg - (Idsa * (dVdseff_dVg + T9 * dVASCBE_dVg)) / VASCBE;
  let Gds = T0 * dIdsa_dVd + (Idsa * (1.0 - dVdseff_dVd - T9 * dVASCBE_dVd)) / VASCBE;
  let Gmb = T0 * dIdsa_dVb - (Idsa * (dVdseff_dVb + T9 * dVASCBE_dVb)) / VASCBE;
  tmp1 = Gds + Gm * dVgsteff_dVd;
  tmp2 = Gmb + Gm * dVgsteff_dVb;
  tmp3 = Gm;
  Gm = (Ids * dVdseff_dVg + Vdseff * tmp3) * dVgsteff_dVg;
  Gds = Ids * (dVdseff_dVd + dVdseff_dVg * dVgsteff_dVd) + Vdseff * tmp1;
  Gmb = (Ids * (dVdseff_dVb + dVdseff_dVg * dVgsteff_dVb) + Vdseff * tmp2) * dVbseff_dVb;
  let cdrain = Ids * Vdseff;

  // source-end velocity limit (VTL)
  if (P.useVtl) {
    // vs = cdrain / D, D = Leff CoxeffWovL Vgsteff = Coxeff Weff Vgsteff (b4ld.c's dvs leaves out D's
    // dependence through Coxeff and Weff and mixes Vbs and Vbseff: the exact slopes here, the same vs)
    const D = Leff * CoxeffWovL * Vgsteff;
    const dD_dVgst = dCoxeff_dVg * Weff * Vgsteff + Coxeff * dWeff_dVg * Vgsteff + Coxeff * Weff;
    const dD_dVbse = Coxeff * dWeff_dVb * Vgsteff;
    const vs = cdrain / D;
    const dvs_dVg = (Gm - vs * dD_dVgst * dVgsteff_dVg) / D;
    const dvs_dVd = (Gds - vs * dD_dVgst * dVgsteff_dVd) / D;
    const dvs_dVb = (Gmb - vs * (dD_dVgst * dVgsteff_dVb + dD_dVbse) * dVbseff_dVb) / D;
    T0 = 2 * MM;
    T1 = vs / (b.vtl * P.tfactor);
    let Fsevl: number, dFsevl_dVg: number, dFsevl_dVd: number, dFsevl_dVb: number;
    if (T1 > 0.0) {
      T2 = 1.0 + Math.exp(T0 * Math.log(T1));
      T3 = ((T2 - 1.0) * T0) / vs;
      Fsevl = 1.0 / Math.exp(Math.log(T2) / T0);
      dT2_dVg = T3 * dvs_dVg;
      dT2_dVd = T3 * dvs_dVd;
      dT2_dVb = T3 * dvs_dVb;
      T4 = ((-1.0 / T0) * Fsevl) / T2;
      dFsevl_dVg = T4 * dT2_dVg;
      dFsevl_dVd = T4 * dT2_dVd;
      dFsevl_dVb = T4 * dT2_dVb;
    } else {
      Fsevl = 1.0;
      dFsevl_dVg = dFsevl_dVd = dFsevl_dVb = 0.0;
    }
    Gm = Gm * Fsevl + cdrain * dFsevl_dVg;
    Gmb = Gmb * Fsevl + cdrain * dFsevl_dVb;
    Gds = Gds * Fsevl + cdrain * dFsevl_dVd;
    cdrain *= Fsevl;
  }
  out.ids = cdrain;
  out.gm = Gm;
  out.gds = Gds;
  out.gmbs = Gmb;
  out.isub = Isub;
  out.gbgs = Gbg;
  out.gbds = Gbd;
  out.gbbs = Gbb;

  gidlGisl(P, vds, vbs, vbd, vgs_eff, dvgs_eff_dvg, vgd_eff, dvgd_eff_dvg, out);

  // gate tunneling (b4ld.c; nf = 1)
  out.igcs = out.gcsG = out.gcsD = out.gcsB = out.igcd = out.gcdG = out.gcdD = out.gcdB = 0;
  out.igb = out.gbG = out.gbD = out.gbB = out.igs = out.gsG = out.igd = out.gdG = 0;
  if (P.igcMod === 0 && P.igbMod === 0) return;
  const Vfb = P.vfbzb;
  const V3 = Vfb - Vgs_eff + Vbseff - DELTA_3;
  T0 = Vfb <= 0.0 ? Math.sqrt(V3 * V3 - 4.0 * DELTA_3 * Vfb) : Math.sqrt(V3 * V3 + 4.0 * DELTA_3 * Vfb);
  T1 = 0.5 * (1.0 + V3 / T0);
  const Vfbeff = Vfb - 0.5 * (V3 + T0);
  const dVfbeff_dVg = T1 * dVgs_eff_dVg;
  const dVfbeff_dVb = -T1;
  let Voxacc = Vfb - Vfbeff;
  let dVoxacc_dVg = -dVfbeff_dVg;
  let dVoxacc_dVb = -dVfbeff_dVb;
  if (Voxacc < 0.0) Voxacc = dVoxacc_dVg = dVoxacc_dVb = 0.0;
  T0 = 0.5 * P.k1ox;
  T3 = Vgs_eff - Vfbeff - Vbseff - Vgsteff;
  let Voxdepinv: number, dVoxdepinv_dVg: number, dVoxdepinv_dVd: number, dVoxdepinv_dVb: number;
  if (P.k1ox === 0.0) Voxdepinv = dVoxdepinv_dVg = dVoxdepinv_dVd = dVoxdepinv_dVb = 0.0;
  else if (T3 < 0.0) {
    Voxdepinv = -T3;
    dVoxdepinv_dVg = -dVgs_eff_dVg + dVfbeff_dVg + dVgsteff_dVg;
    dVoxdepinv_dVd = dVgsteff_dVd;
    dVoxdepinv_dVb = dVfbeff_dVb + 1.0 + dVgsteff_dVb;
  } else {
    T1 = Math.sqrt(T0 * T0 + T3);
    T2 = T0 / T1;
    Voxdepinv = P.k1ox * (T1 - T0);
    dVoxdepinv_dVg = T2 * (dVgs_eff_dVg - dVfbeff_dVg - dVgsteff_dVg);
    dVoxdepinv_dVd = -T2 * dVgsteff_dVd;
    dVoxdepinv_dVb = -T2 * (dVfbeff_dVb + 1.0 + dVgsteff_dVb);
  }
  Voxdepinv += Vgsteff;
  dVoxdepinv_dVg += dVgsteff_dVg;
  dVoxdepinv_dVd += dVgsteff_dVd;
  dVoxdepinv_dVb += dVgsteff_dVb;
  /** exp clamped at +-EXP_THRESHOLD (its slope 0 there), b4ld.c's tunneling form. */
  const clampedExp = (x: number): [number, boolean] => (x > EXP_THRESHOLD ? [MAX_EXP, false] : x < -EXP_THRESHOLD ? [MIN_EXP, false] : [Math.exp(x), true]);

  if (P.igcMod !== 0) {
    T0 = Vtm * b.nigc;
    let VxNVt: number, Vaux = 0, dVaux_dVg = 0, dVaux_dVd = 0, dVaux_dVb = 0;
    if (P.igcMod === 1) {
      VxNVt = (Vgs_eff - P.type * P.vth0) / T0;
      if (VxNVt > EXP_THRESHOLD) {
        Vaux = Vgs_eff - P.type * P.vth0;
        dVaux_dVg = dVgs_eff_dVg;
      }
    } else {
      VxNVt = (Vgs_eff - Vth) / T0;
      if (VxNVt > EXP_THRESHOLD) {
        Vaux = Vgs_eff - Vth;
        dVaux_dVg = dVgs_eff_dVg;
        dVaux_dVd = -dVth_dVd;
        dVaux_dVb = -dVth_dVb;
      }
    }
    if (VxNVt < -EXP_THRESHOLD) {
      Vaux = T0 * Math.log(1.0 + MIN_EXP);
      dVaux_dVg = dVaux_dVd = dVaux_dVb = 0.0;
    } else if (VxNVt <= EXP_THRESHOLD) {
      const ExpVxNVt = Math.exp(VxNVt);
      Vaux = T0 * Math.log(1.0 + ExpVxNVt);
      dVaux_dVg = ExpVxNVt / (1.0 + ExpVxNVt);
      if (P.igcMod === 1) dVaux_dVd = dVaux_dVb = 0.0;
      else {
        dVaux_dVd = -dVaux_dVg * dVth_dVd;
        dVaux_dVb = -dVaux_dVg * dVth_dVb;
      }
      dVaux_dVg *= dVgs_eff_dVg;
    }
    T2 = Vgs_eff * Vaux;
    dT2_dVg = dVgs_eff_dVg * Vaux + Vgs_eff * dVaux_dVg;
    dT2_dVd = Vgs_eff * dVaux_dVd;
    dT2_dVb = Vgs_eff * dVaux_dVb;
    T11 = P.aechvb;
    T12 = P.bechvb;
    T3 = b.aigc * b.cigc - b.bigc;
    T4 = b.bigc * b.cigc;
    T5 = T12 * (b.aigc + T3 * Voxdepinv - T4 * Voxdepinv * Voxdepinv);
    let ok: boolean;
    [T6, ok] = clampedExp(T5);
    if (ok) {
      dT6_dVg = T6 * T12 * (T3 - 2.0 * T4 * Voxdepinv);
      dT6_dVd = dT6_dVg * dVoxdepinv_dVd;
      dT6_dVb = dT6_dVg * dVoxdepinv_dVb;
      dT6_dVg *= dVoxdepinv_dVg;
    } else dT6_dVg = dT6_dVd = dT6_dVb = 0.0;
    const Igc = T11 * T2 * T6;
    const dIgc_dVg = T11 * (T2 * dT6_dVg + T6 * dT2_dVg);
    const dIgc_dVd = T11 * (T2 * dT6_dVd + T6 * dT2_dVd);
    const dIgc_dVb = T11 * (T2 * dT6_dVb + T6 * dT2_dVb);
    let Pigcd: number, dPigcd_dVg: number, dPigcd_dVd: number, dPigcd_dVb: number;
    if (mm.given.has("pigcd")) {
      Pigcd = b.pigcd;
      dPigcd_dVg = dPigcd_dVd = dPigcd_dVb = 0.0;
    } else {
      // 4.7 on: -Bechvb = BECH TOXE; bsim4v5 and bsim4v6 multiply Bechvb (= -BECH TOXE) by TOXE once more
      T11 = mm.ver <= 46 ? P.bechvb * toxe : -P.bechvb;
      T12 = Vgsteff + 1.0e-20;
      T13 = T11 / T12 / T12;
      const T14 = -T13 / T12;
      Pigcd = T13 * (1.0 - (0.5 * Vdseff) / T12);
      dPigcd_dVg = T14 * (2.0 + 0.5 * (dVdseff_dVg - (3.0 * Vdseff) / T12));
      dPigcd_dVd = 0.5 * T14 * dVdseff_dVd;
      dPigcd_dVb = 0.5 * T14 * dVdseff_dVb;
    }
    T7 = -Pigcd * Vdseff;
    let dT7_dVg = -Vdseff * dPigcd_dVg - Pigcd * dVdseff_dVg;
    const dT7_dVd = -Vdseff * dPigcd_dVd - Pigcd * dVdseff_dVd + dT7_dVg * dVgsteff_dVd;
    const dT7_dVb = -Vdseff * dPigcd_dVb - Pigcd * dVdseff_dVb + dT7_dVg * dVgsteff_dVb;
    dT7_dVg *= dVgsteff_dVg;
    T8 = T7 * T7 + 2.0e-4;
    dT8_dVg = 2.0 * T7;
    dT8_dVd = dT8_dVg * dT7_dVd;
    dT8_dVb = dT8_dVg * dT7_dVb;
    dT8_dVg *= dT7_dVg;
    [T9, ok] = clampedExp(T7);
    if (ok) {
      dT9_dVg = T9 * dT7_dVg;
      dT9_dVd = T9 * dT7_dVd;
      dT9_dVb = T9 * dT7_dVb;
    } else dT9_dVg = dT9_dVd = dT9_dVb = 0.0;
    T1 = T9 - 1.0 + 1.0e-4;
    T10 = (T1 - T7) / T8;
    dT10_dVg = (dT9_dVg - dT7_dVg - T10 * dT8_dVg) / T8;
    dT10_dVd = (dT9_dVd - dT7_dVd - T10 * dT8_dVd) / T8;
    dT10_dVb = (dT9_dVb - dT7_dVb - T10 * dT8_dVb) / T8;
    out.igcs = Igc * T10;
    out.gcsG = dIgc_dVg * T10 + Igc * dT10_dVg;
    out.gcsD = dIgc_dVd * T10 + Igc * dT10_dVd;
    out.gcsB = (dIgc_dVb * T10 + Igc * dT10_dVb) * dVbseff_dVb;
    T1 = T9 - 1.0 - 1.0e-4;
    T10 = (T7 * T9 - T1) / T8;
    dT10_dVg = (dT7_dVg * T9 + (T7 - 1.0) * dT9_dVg - T10 * dT8_dVg) / T8;
    dT10_dVd = (dT7_dVd * T9 + (T7 - 1.0) * dT9_dVd - T10 * dT8_dVd) / T8;
    dT10_dVb = (dT7_dVb * T9 + (T7 - 1.0) * dT9_dVb - T10 * dT8_dVb) / T8;
    out.igcd = Igc * T10;
    out.gcdG = dIgc_dVg * T10 + Igc * dT10_dVg;
    out.gcdD = dIgc_dVd * T10 + Igc * dT10_dVd;
    out.gcdB = (dIgc_dVb * T10 + Igc * dT10_dVb) * dVbseff_dVb;

    // the source and drain overlaps, on the physical vgs and vgd
    const edge = (v: number, A: number, a: number, bb: number, c: number): [number, number] => {
      const t0 = v - P.vfbsdSum;
      const ve = Math.sqrt(t0 * t0 + 1.0e-4);
      const dve = t0 / ve;
      const t2 = v * ve;
      const dt2 = v * dve + ve;
      const t3 = a * c - bb;
      const t4 = bb * c;
      const t5 = P.bechvbEdge * (a + t3 * ve - t4 * ve * ve);
      const [t6, ok6] = clampedExp(t5);
      const dt6 = ok6 ? t6 * P.bechvbEdge * (t3 - 2.0 * t4 * ve) * dve : 0.0;
      return [A * t2 * t6, A * (t2 * dt6 + t6 * dt2)];
    };
    [out.igs, out.gsG] = edge(vgs, P.aechvbEdgeS, b.aigs, b.bigs, b.cigs);
    [out.igd, out.gdG] = edge(vgd, P.aechvbEdgeD, b.aigd, b.bigd, b.cigd);
  }

  if (P.igbMod !== 0) {
    T0 = Vtm * b.nigbacc;
    T1 = -Vgs_eff + Vbseff + Vfb;
    let VxNVt = T1 / T0;
    let Vaux: number, dVaux_dVg: number, dVaux_dVd: number, dVaux_dVb: number;
    if (VxNVt > EXP_THRESHOLD) {
      Vaux = T1;
      dVaux_dVg = -dVgs_eff_dVg;
      dVaux_dVb = 1.0;
    } else if (VxNVt < -EXP_THRESHOLD) {
      Vaux = T0 * Math.log(1.0 + MIN_EXP);
      dVaux_dVg = dVaux_dVb = 0.0;
    } else {
      const ExpVxNVt = Math.exp(VxNVt);
      Vaux = T0 * Math.log(1.0 + ExpVxNVt);
      dVaux_dVb = ExpVxNVt / (1.0 + ExpVxNVt);
      dVaux_dVg = -dVaux_dVb * dVgs_eff_dVg;
    }
    T2 = (Vgs_eff - Vbseff) * Vaux;
    dT2_dVg = dVgs_eff_dVg * Vaux + (Vgs_eff - Vbseff) * dVaux_dVg;
    dT2_dVb = -Vaux + (Vgs_eff - Vbseff) * dVaux_dVb;
    T11 = 4.97232e-7 * P.weff * P.leff * P.toxRatio;
    T12 = -7.45669e11 * toxe;
    T3 = b.aigbacc * b.cigbacc - b.bigbacc;
    T4 = b.bigbacc * b.cigbacc;
    T5 = T12 * (b.aigbacc + T3 * Voxacc - T4 * Voxacc * Voxacc);
    let ok: boolean;
    [T6, ok] = clampedExp(T5);
    if (ok) {
      dT6_dVg = T6 * T12 * (T3 - 2.0 * T4 * Voxacc);
      dT6_dVb = dT6_dVg * dVoxacc_dVb;
      dT6_dVg *= dVoxacc_dVg;
    } else dT6_dVg = dT6_dVb = 0.0;
    const Igbacc = T11 * T2 * T6;
    const dIgbacc_dVg = T11 * (T2 * dT6_dVg + T6 * dT2_dVg);
    const dIgbacc_dVb = T11 * (T2 * dT6_dVb + T6 * dT2_dVb);

    T0 = Vtm * b.nigbinv;
    T1 = Voxdepinv - b.eigbinv;
    VxNVt = T1 / T0;
    if (VxNVt > EXP_THRESHOLD) {
      Vaux = T1;
      dVaux_dVg = dVoxdepinv_dVg;
      dVaux_dVd = dVoxdepinv_dVd;
      dVaux_dVb = dVoxdepinv_dVb;
    } else if (VxNVt < -EXP_THRESHOLD) {
      Vaux = T0 * Math.log(1.0 + MIN_EXP);
      dVaux_dVg = dVaux_dVd = dVaux_dVb = 0.0;
    } else {
      const ExpVxNVt = Math.exp(VxNVt);
      Vaux = T0 * Math.log(1.0 + ExpVxNVt);
      dVaux_dVg = ExpVxNVt / (1.0 + ExpVxNVt);
      dVaux_dVd = dVaux_dVg * dVoxdepinv_dVd;
      dVaux_dVb = dVaux_dVg * dVoxdepinv_dVb;
      dVaux_dVg *= dVoxdepinv_dVg;
    }
    T2 = (Vgs_eff - Vbseff) * Vaux;
    dT2_dVg = dVgs_eff_dVg * Vaux + (Vgs_eff - Vbseff) * dVaux_dVg;
    dT2_dVd = (Vgs_eff - Vbseff) * dVaux_dVd;
    dT2_dVb = -Vaux + (Vgs_eff - Vbseff) * dVaux_dVb;
    T11 *= 0.7561;
    T12 *= 1.31724;
    T3 = b.aigbinv * b.cigbinv - b.bigbinv;
    T4 = b.bigbinv * b.cigbinv;
    T5 = T12 * (b.aigbinv + T3 * Voxdepinv - T4 * Voxdepinv * Voxdepinv);
    [T6, ok] = clampedExp(T5);
    if (ok) {
      dT6_dVg = T6 * T12 * (T3 - 2.0 * T4 * Voxdepinv);
      dT6_dVd = dT6_dVg * dVoxdepinv_dVd;
      dT6_dVb = dT6_dVg * dVoxdepinv_dVb;
      dT6_dVg *= dVoxdepinv_dVg;
    } else dT6_dVg = dT6_dVd = dT6_dVb = 0.0;
    const Igbinv = T11 * T2 * T6;
    out.igb = Igbinv + Igbacc;
    out.gbG = T11 * (T2 * dT6_dVg + T6 * dT2_dVg) + dIgbacc_dVg;
    out.gbD = T11 * (T2 * dT6_dVd + T6 * dT2_dVd);
    out.gbB = (T11 * (T2 * dT6_dVb + T6 * dT2_dVb) + dIgbacc_dVb) * dVbseff_dVb;
  }
}

/**
 * GIDL (drain side, from (vds, vgs_eff, vbd)) and GISL (source side, from
 * (vds, vgd_eff, vbs)) of b4ld.c, GIDLMOD 0 and 1, into `out` with their
 * partials in (vds, vgs, vbs). Each is W_CJ A x exp(-B / x) x f(vb), x =
 * (Vdrop - Vg_eff - E) / (3 TOXE) the band-bending field, f = -vb^3 / (C -
 * vb^3) (GIDLMOD 0; zero for a forward junction) or exp(K / min(vb - F,
 * GIDLCLAMP)) (GIDLMOD 1).
 */
function gidlGisl(P: Bsim4Instance, vds: number, vbs: number, vbd: number, vgs_eff: number, dvgs_eff_dvg: number, vgd_eff: number, dvgd_eff_dvg: number, out: Bsim4Point): void {
  const b = P.b;
  const mod1 = P.model.p.gidlmod !== 0;
  // 4.8.2's clamp of the body term (bsim4v7, VERSION 4.7, has none)
  const clamp = P.model.v47 ? Infinity : P.model.p.gidlclamp;
  // the field's depth: 3 TOXE, or EPSRSUB EOT / 3.9 with MTRLMOD, which also adds VFBSD to the drop
  const mm = P.model;
  const T0 = mm.mtrl ? (mm.p.epsrsub * mm.toxe) / mm.epsroxEff : 3.0 * mm.toxe;
  const sd = mm.mtrl ? P.vfbsd : 0.0;
  // one side: drop = vds (GIDL) or -vds (GISL), vgEff and its slope, vb = vbd or vbs; r the RGIDL factor (1 at GIDLMOD 0)
  const side = (A: number, B: number, C: number, E: number, R: number, K: number, F: number, drop: number, vgEff: number, dvgEff: number, vb: number): [number, number, number, number] => {
    const r = mod1 ? R : 1.0;
    const T1 = (drop - r * vgEff - E + sd) / T0;
    if (A <= 0.0 || B <= 0.0 || T1 <= 0.0 || (mod1 ? C < 0.0 : C <= 0.0 || vb > 0.0)) return [0, 0, 0, 0];
    const dT1 = 1.0 / T0;
    const dT1g = -r * dvgEff * dT1;
    const T2 = B / T1;
    let I: number, gT1: number, gg: number;
    if (T2 < (mod1 ? EXPL_THRESHOLD : 100.0)) {
      I = P.weffCJ * A * T1 * Math.exp(-T2);
      const T3 = (I * (1.0 + T2)) / T1;
      gT1 = T3 * dT1;
      gg = T3 * dT1g;
    } else {
      const T3 = P.weffCJ * A * MIN_EXPL;
      I = T3 * T1;
      gT1 = T3 * dT1;
      gg = T3 * dT1g;
    }
    let gb: number;
    if (!mod1) {
      const T4 = vb * vb;
      const T5 = -vb * T4;
      const T6 = C + T5;
      const T7 = T5 / T6;
      const T8 = (3.0 * C * T4) / T6 / T6;
      gb = -I * T8;
      gT1 *= T7;
      gg *= T7;
      I *= T7;
    } else {
      let T4 = vb - F;
      const clamped = T4 > clamp;
      if (clamped) T4 = clamp;
      const T5 = T4 === 0 ? EXPL_THRESHOLD : K / T4;
      let T6: number;
      if (T5 < EXPL_THRESHOLD) {
        T6 = Math.exp(T5);
        gb = clamped ? 0 : (-I * T6 * T5) / T4;
      } else {
        T6 = MAX_EXPL;
        gb = 0.0;
      }
      gT1 *= T6;
      gg *= T6;
      I *= T6;
    }
    return [I, gT1, gg, gb];
  };
  // GIDL: drop vds, vb = vbd = vbs - vds
  const [id, dT1d, gd, gbd] = side(b.agidl, b.bgidl, b.cgidl, b.egidl, b.rgidl, b.kgidl, b.fgidl, vds, vgs_eff, dvgs_eff_dvg, vbd);
  out.igidl = id;
  out.gidlG = gd;
  out.gidlB = gbd;
  out.gidlD = dT1d - gbd;
  // GISL: drop -vds, vg = vgd = vgs - vds, vb = vbs
  const [is, dT1s, gs, gbs] = side(b.agisl, b.bgisl, b.cgisl, b.egisl, b.rgisl, b.kgisl, b.fgisl, -vds, vgd_eff, dvgd_eff_dvg, vbs);
  out.igisl = is;
  out.gislG = gs;
  out.gislB = gbs;
  out.gislD = -dT1s - gs;
}
