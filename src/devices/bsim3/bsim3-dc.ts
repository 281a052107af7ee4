/**
 * The BSIM3v3.3.0 DC current of ngspice's b3ld.c: the drain current Ids
 * with its derivatives, the substrate (impact ionization) current Isub with
 * its derivatives, and the bulk junction diodes, at normalized voltages
 * (type * physical, see bsim3-model.ts).
 *
 * The channel is evaluated in the mode's frame: normal mode (vds >= 0)
 * (Vds, Vgs, Vbs) = (vds, vgs, vbs); reversed mode (vds < 0) the drain
 * acts as the source, (Vds, Vgs, Vbs) = (-vds, vgd, vbd). Ids >= 0 flows
 * from the frame's drain to its source, and gm = dIds/dVgs, gds =
 * dIds/dVds, gmbs = dIds/dVbs in that frame (the chain rule through
 * Vbseff, Vgsteff, Vdseff, Abulk, ueff, Vdsat, Va, VASCBE, as b3ld.c writes
 * it). Isub flows from the frame's drain into the bulk, with gbgs, gbds,
 * gbbs its derivatives in the same frame.
 *
 * Units: V, A, S. RDSW's series resistance is inside Ids (Rds, the
 * "Idl = gche Vdseff / (1 + gche Rds)" of BSIM3); RSH * NRD / NRS are
 * external resistors (the device's internal nodes).
 */
import type { Bsim3CvInputs } from "./bsim3-charge.js";
import { EPSSI, EXP_THRESHOLD, MAX_EXP, MIN_EXP, Charge_q, type Bsim3Instance } from "./bsim3-model.js";

/** One evaluation of the DC law (b3ld.c's values before the stamp). */
export interface Bsim3Point {
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
  /** Threshold of the frame (V): the limiter's von. */
  von: number;
  vdsat: number;
  /** Junctions: cbs(vbs), cbd(vbd) (A, bulk to source / drain) and their conductances, GMIN included. */
  cbs: number;
  gbs: number;
  cbd: number;
  gbd: number;
}

export function newBsim3Point(): Bsim3Point {
  return { mode: 1, ids: 0, gm: 0, gds: 0, gmbs: 0, isub: 0, gbgs: 0, gbds: 0, gbbs: 0, von: 0, vdsat: 0, cbs: 0, gbs: 0, cbd: 0, gbd: 0 };
}

/**
 * A bulk junction (b3ld.c): isat (exp(v / Nvtm) - 1) + gmin v, linear above
 * vjm (IJTH's limit, when IJTH > 0): isEvjm - isat + isEvjm / Nvtm (v - vjm)
 * + gmin v; gmin v alone when isat <= 0. Returns the current, its
 * conductance in g[0].
 */
function junction(isat: number, nvtm: number, ijth: number, vjm: number, isEvjm: number, gmin: number, v: number, g: Float64Array): number {
  if (isat <= 0) {
    g[0] = gmin;
    return gmin * v;
  }
  if (ijth === 0 || v < vjm) {
    const ev = Math.exp(v / nvtm);
    g[0] = (isat * ev) / nvtm + gmin;
    return isat * (ev - 1.0) + gmin * v;
  }
  const T0 = isEvjm / nvtm;
  g[0] = T0 + gmin;
  return isEvjm - isat + T0 * (v - vjm) + gmin * v;
}

const gScratch = new Float64Array(1);

/**
 * A VERSION 3.1 bulk junction (b3v1ld.c), as ngspice's stamp makes it: isat
 * (exp(v / Nvtm) - 1), linear above 0.5 V (isat (e05 - 1) + isat e05 / Nvtm
 * (v - 0.5), e05 = exp(0.5 / Nvtm)), plus 2 gmin v: b3v1ld.c's current has
 * gmin v and its companion current subtracts (gbs - gmin) vbs against a
 * stamped gbs, so the solution sees GMIN twice (also when isat <= 0: 2 gmin v
 * alone). Returns the current, its conductance in g[0].
 */
function junctionV31(isat: number, nvtm: number, gmin: number, v: number, g: Float64Array): number {
  if (isat <= 0) {
    g[0] = 2 * gmin;
    return 2 * gmin * v;
  }
  if (v < 0.5) {
    const ev = Math.exp(v / nvtm);
    g[0] = (isat * ev) / nvtm + 2 * gmin;
    return isat * (ev - 1.0) + 2 * gmin * v;
  }
  const ev = Math.exp(0.5 / nvtm);
  const T0 = (isat * ev) / nvtm;
  g[0] = T0 + 2 * gmin;
  return isat * (ev - 1.0) + T0 * (v - 0.5) + 2 * gmin * v;
}

/**
 * d gbd / d vbd of a VERSION 3.1 junction (S/V): isat exp(v / Nvtm) / Nvtm^2
 * below 0.5 V, 0 above (devices/bsim3v1: the stray gbd entry of b3v1ld.c).
 */
export function junctionV31Slope(isat: number, nvtm: number, v: number): number {
  return isat > 0 && v < 0.5 ? (isat * Math.exp(v / nvtm)) / (nvtm * nvtm) : 0;
}

/**
 * The DC law at normalized (vgs, vds, vbs) into `out` (b3ld.c from the
 * junction diodes to the substrate current), GMIN on both junctions; with
 * `cv`, also the values the charges start from (Bsim3CvInputs).
 */
export function bsim3Eval(P: Bsim3Instance, vgs: number, vds: number, vbs: number, gmin: number, out: Bsim3Point, cv?: Bsim3CvInputs): void {
  const vbd = vbs - vds;
  const vgd = vgs - vds;
  const v31 = P.model.v31;
  out.cbs = v31 ? junctionV31(P.sourceSatCur, P.nvtm, gmin, vbs, gScratch) : junction(P.sourceSatCur, P.nvtm, P.ijth, P.vjsm, P.isEvjsm, gmin, vbs, gScratch);
  out.gbs = gScratch[0];
  out.cbd = v31 ? junctionV31(P.drainSatCur, P.nvtm, gmin, vbd, gScratch) : junction(P.drainSatCur, P.nvtm, P.ijth, P.vjdm, P.isEvjdm, gmin, vbd, gScratch);
  out.gbd = gScratch[0];

  let Vds: number, Vgs: number, Vbs: number;
  if (vds >= 0) {
    out.mode = 1;
    Vds = vds;
    Vgs = vgs;
    Vbs = vbs;
  } else {
    out.mode = -1;
    Vds = -vds;
    Vgs = vgd;
    Vbs = vbd;
  }
  const b = P.b;
  const cox = P.model.cox;
  const tox = P.model.p.tox;
  const mobMod = P.model.p.mobmod;
  let T0: number, T1: number, T2: number, T3: number, T4: number, T5: number, T6: number, T7: number, T8: number, T9: number, T10: number;
  let dT0_dVg: number, dT0_dVd: number, dT0_dVb: number;
  let dT1_dVg: number, dT1_dVd: number, dT1_dVb: number;
  let dT2_dVg: number, dT2_dVd: number, dT2_dVb: number;
  let dT3_dVg: number, dT3_dVd: number, dT3_dVb: number;
  let tmp1: number, tmp2: number, tmp3: number, tmp4: number;

  // Vbseff: a smooth clamp of Vbs above VBSC
  T0 = Vbs - P.vbsc - 0.001;
  T1 = Math.sqrt(T0 * T0 - 0.004 * P.vbsc);
  let Vbseff = P.vbsc + 0.5 * (T0 + T1);
  let dVbseff_dVb = 0.5 * (1.0 + T0 / T1);
  // b3ld.c clamps Vbseff to Vbs (for Vbs above about 1 mV) but keeps the smooth
  // form's slope there; the clamp's slope is 1 (same currents, exact Jacobian)
  if (Vbseff < Vbs) {
    Vbseff = Vbs;
    dVbseff_dVb = 1.0;
  }

  let Phis: number, sqrtPhis: number, dsqrtPhis_dVb: number;
  if (Vbseff > 0.0) {
    T0 = P.phi / (P.phi + Vbseff);
    Phis = P.phi * T0;
    sqrtPhis = P.phis3 / (P.phi + 0.5 * Vbseff);
    dsqrtPhis_dVb = (-0.5 * sqrtPhis * sqrtPhis) / P.phis3;
  } else {
    Phis = P.phi - Vbseff;
    sqrtPhis = Math.sqrt(Phis);
    dsqrtPhis_dVb = -0.5 / sqrtPhis;
  }
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

  T0 = (-0.5 * b.dvt1 * Leff) / lt1;
  let Theta0: number, dTheta0_dVb: number;
  if (T0 > -EXP_THRESHOLD) {
    T1 = Math.exp(T0);
    Theta0 = T1 * (1.0 + 2.0 * T1);
    dT1_dVb = (-T0 / lt1) * T1 * dlt1_dVb;
    dTheta0_dVb = (1.0 + 4.0 * T1) * dT1_dVb;
  } else {
    T1 = MIN_EXP;
    Theta0 = T1 * (1.0 + 2.0 * T1);
    dTheta0_dVb = 0.0;
  }
  const thetavth = b.dvt0 * Theta0;
  const Delt_vth = thetavth * V0;
  const dDelt_vth_dVb = b.dvt0 * dTheta0_dVb * V0;

  T0 = (-0.5 * b.dvt1w * P.weff * Leff) / ltw;
  if (T0 > -EXP_THRESHOLD) {
    T1 = Math.exp(T0);
    T2 = T1 * (1.0 + 2.0 * T1);
    dT1_dVb = (-T0 / ltw) * T1 * dltw_dVb;
    dT2_dVb = (1.0 + 4.0 * T1) * dT1_dVb;
  } else {
    T1 = MIN_EXP;
    T2 = T1 * (1.0 + 2.0 * T1);
    dT2_dVb = 0.0;
  }
  T0 = b.dvt0w * T2;
  T2 = T0 * V0;
  dT2_dVb = b.dvt0w * dT2_dVb * V0;

  const TempRatio = P.tempRatio;
  T0 = Math.sqrt(1.0 + b.nlx / Leff);
  T1 = P.k1ox * (T0 - 1.0) * P.sqrtPhi + (b.kt1 + b.kt1l / Leff + b.kt2 * Vbseff) * TempRatio;
  tmp2 = (tox * P.phi) / (P.weff + b.w0);

  T3 = b.eta0 + b.etab * Vbseff;
  if (T3 < 1.0e-4) {
    T9 = 1.0 / (3.0 - 2.0e4 * T3);
    T3 = (2.0e-4 - T3) * T9;
    T4 = T9 * T9;
  } else T4 = 1.0;
  const dDIBL_Sft_dVd = T3 * P.theta0vb0;
  const DIBL_Sft = dDIBL_Sft_dVd * Vds;

  const Vth =
    P.type * P.vth0 - b.k1 * P.sqrtPhi + P.k1ox * sqrtPhis - P.k2ox * Vbseff - Delt_vth - T2 + (b.k3 + b.k3b * Vbseff) * tmp2 + T1 - DIBL_Sft;
  out.von = Vth;
  const dVth_dVb =
    P.k1ox * dsqrtPhis_dVb - P.k2ox - dDelt_vth_dVb - dT2_dVb + b.k3b * tmp2 - b.etab * Vds * P.theta0vb0 * T4 + b.kt2 * TempRatio;
  const dVth_dVd = -dDIBL_Sft_dVd;

  // subthreshold swing n
  tmp2 = (b.nfactor * EPSSI) / Xdep;
  tmp3 = b.cdsc + b.cdscb * Vbseff + b.cdscd * Vds;
  tmp4 = (tmp2 + tmp3 * Theta0 + b.cit) / cox;
  let n: number, dn_dVb: number, dn_dVd: number;
  if (tmp4 >= -0.5) {
    n = 1.0 + tmp4;
    dn_dVb = ((-tmp2 / Xdep) * dXdep_dVb + tmp3 * dTheta0_dVb + b.cdscb * Theta0) / cox;
    dn_dVd = (b.cdscd * Theta0) / cox;
  } else {
    T0 = 1.0 / (3.0 + 8.0 * tmp4);
    n = (1.0 + 3.0 * tmp4) * T0;
    T0 *= T0;
    dn_dVb = (((-tmp2 / Xdep) * dXdep_dVb + tmp3 * dTheta0_dVb + b.cdscb * Theta0) / cox) * T0;
    dn_dVd = ((b.cdscd * Theta0) / cox) * T0;
  }

  // poly gate depletion
  T0 = P.vfb + P.phi;
  let Vgs_eff: number, dVgs_eff_dVg: number;
  if (b.ngate > 1.0e18 && b.ngate < 1.0e25 && Vgs > T0) {
    T1 = (1.0e6 * Charge_q * EPSSI * b.ngate) / (cox * cox);
    T4 = Math.sqrt(1.0 + (2.0 * (Vgs - T0)) / T1);
    T2 = T1 * (T4 - 1.0);
    T3 = (0.5 * T2 * T2) / T1;
    T7 = 1.12 - T3 - 0.05;
    T6 = Math.sqrt(T7 * T7 + 0.224);
    T5 = 1.12 - 0.5 * (T7 + T6);
    Vgs_eff = Vgs - T5;
    dVgs_eff_dVg = 1.0 - (0.5 - 0.5 / T4) * (1.0 + T7 / T6);
  } else {
    Vgs_eff = Vgs;
    dVgs_eff_dVg = 1.0;
  }
  const Vgst = Vgs_eff - Vth;

  // Vgsteff: the smooth gate overdrive
  T10 = 2.0 * n * Vtm;
  const VgstNVt = Vgst / T10;
  const ExpArg = (2.0 * b.voff - Vgst) / T10;
  let Vgsteff: number, dVgsteff_dVg: number, dVgsteff_dVd: number, dVgsteff_dVb: number;
  if (VgstNVt > EXP_THRESHOLD) {
    Vgsteff = Vgst;
    dVgsteff_dVg = dVgs_eff_dVg;
    dVgsteff_dVd = -dVth_dVd;
    dVgsteff_dVb = -dVth_dVb;
  } else if (ExpArg > EXP_THRESHOLD) {
    T0 = (Vgst - b.voff) / (n * Vtm);
    const ExpVgst = Math.exp(T0);
    Vgsteff = ((Vtm * P.cdep0) / cox) * ExpVgst;
    dVgsteff_dVg = Vgsteff / (n * Vtm);
    dVgsteff_dVd = -dVgsteff_dVg * (dVth_dVd + T0 * Vtm * dn_dVd);
    dVgsteff_dVb = -dVgsteff_dVg * (dVth_dVb + T0 * Vtm * dn_dVb);
    dVgsteff_dVg *= dVgs_eff_dVg;
  } else {
    const ExpVgst = Math.exp(VgstNVt);
    T1 = T10 * Math.log(1.0 + ExpVgst);
    dT1_dVg = ExpVgst / (1.0 + ExpVgst);
    dT1_dVb = -dT1_dVg * (dVth_dVb + (Vgst / n) * dn_dVb) + (T1 / n) * dn_dVb;
    dT1_dVd = -dT1_dVg * (dVth_dVd + (Vgst / n) * dn_dVd) + (T1 / n) * dn_dVd;
    dT2_dVg = (-cox / (Vtm * P.cdep0)) * Math.exp(ExpArg);
    T2 = 1.0 - T10 * dT2_dVg;
    dT2_dVd = -dT2_dVg * (dVth_dVd - 2.0 * Vtm * ExpArg * dn_dVd) + ((T2 - 1.0) / n) * dn_dVd;
    dT2_dVb = -dT2_dVg * (dVth_dVb - 2.0 * Vtm * ExpArg * dn_dVb) + ((T2 - 1.0) / n) * dn_dVb;
    Vgsteff = T1 / T2;
    T3 = T2 * T2;
    dVgsteff_dVg = ((T2 * dT1_dVg - T1 * dT2_dVg) / T3) * dVgs_eff_dVg;
    dVgsteff_dVd = (T2 * dT1_dVd - T1 * dT2_dVd) / T3;
    dVgsteff_dVb = (T2 * dT1_dVb - T1 * dT2_dVb) / T3;
  }

  // effective channel width and the bias-dependent series resistance
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
  T0 = b.prwg * Vgsteff + b.prwb * T9;
  let Rds: number, dRds_dVg: number, dRds_dVb: number;
  if (T0 >= -0.9) {
    Rds = P.rds0 * (1.0 + T0);
    dRds_dVg = P.rds0 * b.prwg;
    dRds_dVb = P.rds0 * b.prwb * dsqrtPhis_dVb;
  } else {
    T1 = 1.0 / (17.0 + 20.0 * T0);
    Rds = P.rds0 * (0.8 + T0) * T1;
    T1 *= T1;
    dRds_dVg = P.rds0 * b.prwg * T1;
    dRds_dVb = P.rds0 * b.prwb * dsqrtPhis_dVb * T1;
  }

  // Abulk
  T1 = (0.5 * P.k1ox) / sqrtPhis;
  dT1_dVb = (-T1 / sqrtPhis) * dsqrtPhis_dVb;
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

  // mobility
  let Denomi: number, dDenomi_dVg: number, dDenomi_dVd: number, dDenomi_dVb: number;
  if (mobMod === 1) {
    T0 = Vgsteff + Vth + Vth;
    T2 = b.ua + b.uc * Vbseff;
    T3 = T0 / tox;
    T5 = T3 * (T2 + b.ub * T3);
    dDenomi_dVg = (T2 + 2.0 * b.ub * T3) / tox;
    dDenomi_dVd = dDenomi_dVg * 2.0 * dVth_dVd;
    dDenomi_dVb = dDenomi_dVg * 2.0 * dVth_dVb + b.uc * T3;
  } else if (mobMod === 2) {
    T5 = (Vgsteff / tox) * (b.ua + b.uc * Vbseff + (b.ub * Vgsteff) / tox);
    dDenomi_dVg = (b.ua + b.uc * Vbseff + (2.0 * b.ub * Vgsteff) / tox) / tox;
    dDenomi_dVd = 0.0;
    dDenomi_dVb = (Vgsteff * b.uc) / tox;
  } else {
    T0 = Vgsteff + Vth + Vth;
    T2 = 1.0 + b.uc * Vbseff;
    T3 = T0 / tox;
    T4 = T3 * (b.ua + b.ub * T3);
    T5 = T4 * T2;
    dDenomi_dVg = ((b.ua + 2.0 * b.ub * T3) * T2) / tox;
    dDenomi_dVd = dDenomi_dVg * 2.0 * dVth_dVd;
    dDenomi_dVb = dDenomi_dVg * 2.0 * dVth_dVb + b.uc * T4;
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
  const WVCox = Weff * P.vsattemp * cox;
  const WVCoxRds = WVCox * Rds;
  const Esat = (2.0 * P.vsattemp) / ueff;
  const EsatL = Esat * Leff;
  T0 = -EsatL / ueff;
  const dEsatL_dVg = T0 * dueff_dVg;
  const dEsatL_dVd = T0 * dueff_dVd;
  const dEsatL_dVb = T0 * dueff_dVb;

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
  T3 = (2.0 * b.delta) / T2;
  dT2_dVg = T0 * dT1_dVg + T3 * dVdsat_dVg;
  dT2_dVd = T0 * dT1_dVd + T3 * dVdsat_dVd;
  dT2_dVb = T0 * dT1_dVb + T3 * dVdsat_dVb;
  let Vdseff = Vdsat - 0.5 * (T1 + T2);
  let dVdseff_dVg = dVdsat_dVg - 0.5 * (dT1_dVg + dT2_dVg);
  const dVdseff_dVd = dVdsat_dVd - 0.5 * (dT1_dVd + dT2_dVd);
  let dVdseff_dVb = dVdsat_dVb - 0.5 * (dT1_dVb + dT2_dVb);
  if (Vds === 0.0) {
    Vdseff = 0.0;
    dVdseff_dVg = 0.0;
    dVdseff_dVb = 0.0;
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

  if (Vdseff > Vds) Vdseff = Vds;
  const diffVds = Vds - Vdseff;

  // VACLM: channel length modulation
  let VACLM: number, dVACLM_dVg: number, dVACLM_dVd: number, dVACLM_dVb: number;
  if (b.pclm > 0.0 && diffVds > 1.0e-10) {
    T0 = 1.0 / (b.pclm * Abulk * P.litl);
    dT0_dVb = (-T0 / Abulk) * dAbulk_dVb;
    dT0_dVg = (-T0 / Abulk) * dAbulk_dVg;
    T2 = Vgsteff / EsatL;
    T1 = Leff * (Abulk + T2);
    dT1_dVg = Leff * ((1.0 - T2 * dEsatL_dVg) / EsatL + dAbulk_dVg);
    dT1_dVb = Leff * (dAbulk_dVb - (T2 * dEsatL_dVb) / EsatL);
    dT1_dVd = (-T2 * dEsatL_dVd) / Esat;
    T9 = T0 * T1;
    VACLM = T9 * diffVds;
    dVACLM_dVg = T0 * dT1_dVg * diffVds - T9 * dVdseff_dVg + T1 * diffVds * dT0_dVg;
    dVACLM_dVb = (dT0_dVb * T1 + T0 * dT1_dVb) * diffVds - T9 * dVdseff_dVb;
    dVACLM_dVd = T0 * dT1_dVd * diffVds + T9 * (1.0 - dVdseff_dVd);
  } else {
    VACLM = MAX_EXP;
    dVACLM_dVd = dVACLM_dVg = dVACLM_dVb = 0.0;
  }

  // VADIBL: drain-induced barrier lowering
  let VADIBL: number, dVADIBL_dVg: number, dVADIBL_dVd: number, dVADIBL_dVb: number;
  if (P.thetaRout > 0.0) {
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
  } else {
    VADIBL = MAX_EXP;
    dVADIBL_dVd = dVADIBL_dVg = dVADIBL_dVb = 0.0;
  }

  // Va = Vasat + (1 + PVAG Vgsteff / EsatL) VACLM VADIBL / (VACLM + VADIBL)
  T8 = b.pvag / EsatL;
  T9 = T8 * Vgsteff;
  if (T9 > -0.9) {
    T0 = 1.0 + T9;
    dT0_dVg = T8 * (1.0 - (Vgsteff * dEsatL_dVg) / EsatL);
    dT0_dVb = (-T9 * dEsatL_dVb) / EsatL;
    dT0_dVd = (-T9 * dEsatL_dVd) / EsatL;
  } else {
    T1 = 1.0 / (17.0 + 20.0 * T9);
    T0 = (0.8 + T9) * T1;
    T1 *= T1;
    dT0_dVg = T8 * (1.0 - (Vgsteff * dEsatL_dVg) / EsatL) * T1;
    T9 *= T1 / EsatL;
    dT0_dVb = -T9 * dEsatL_dVb;
    dT0_dVd = -T9 * dEsatL_dVd;
  }
  tmp1 = VACLM * VACLM;
  tmp2 = VADIBL * VADIBL;
  tmp3 = VACLM + VADIBL;
  T1 = (VACLM * VADIBL) / tmp3;
  tmp3 *= tmp3;
  dT1_dVg = (tmp1 * dVADIBL_dVg + tmp2 * dVACLM_dVg) / tmp3;
  dT1_dVd = (tmp1 * dVADIBL_dVd + tmp2 * dVACLM_dVd) / tmp3;
  dT1_dVb = (tmp1 * dVADIBL_dVb + tmp2 * dVACLM_dVb) / tmp3;
  const Va = Vasat + T0 * T1;
  const dVa_dVg = dVasat_dVg + T1 * dT0_dVg + T0 * dT1_dVg;
  const dVa_dVd = dVasat_dVd + T1 * dT0_dVd + T0 * dT1_dVd;
  const dVa_dVb = dVasat_dVb + T1 * dT0_dVb + T0 * dT1_dVb;

  // VASCBE: substrate current induced body effect
  let VASCBE: number, dVASCBE_dVg: number, dVASCBE_dVd: number, dVASCBE_dVb: number;
  if (b.pscbe2 > 0.0) {
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

  // Ids
  const CoxWovL = (cox * Weff) / Leff;
  const beta = ueff * CoxWovL;
  const dbeta_dVg = CoxWovL * dueff_dVg + (beta * dWeff_dVg) / Weff;
  const dbeta_dVd = CoxWovL * dueff_dVd;
  const dbeta_dVb = CoxWovL * dueff_dVb + (beta * dWeff_dVb) / Weff;
  T0 = 1.0 - (0.5 * Abulk * Vdseff) / Vgst2Vtm;
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
  T9 = Vdseff / T0;
  const Idl = gche * T9;
  const dIdl_dVg = (gche * dVdseff_dVg + T9 * dgche_dVg) / T0 - ((Idl * gche) / T0) * dRds_dVg;
  const dIdl_dVd = (gche * dVdseff_dVd + T9 * dgche_dVd) / T0;
  const dIdl_dVb = (gche * dVdseff_dVb + T9 * dgche_dVb - Idl * dRds_dVb * gche) / T0;
  T9 = diffVds / Va;
  T0 = 1.0 + T9;
  const Idsa = Idl * T0;
  const dIdsa_dVg = T0 * dIdl_dVg - (Idl * (dVdseff_dVg + T9 * dVa_dVg)) / Va;
  const dIdsa_dVd = T0 * dIdl_dVd + (Idl * (1.0 - dVdseff_dVd - T9 * dVa_dVd)) / Va;
  const dIdsa_dVb = T0 * dIdl_dVb - (Idl * (dVdseff_dVb + T9 * dVa_dVb)) / Va;
  T9 = diffVds / VASCBE;
  T0 = 1.0 + T9;
  const Ids = Idsa * T0;
  let Gm = T0 * dIdsa_dVg - (Idsa * (dVdseff_dVg + T9 * dVASCBE_dVg)) / VASCBE;
  let Gds = T0 * dIdsa_dVd + (Idsa * (1.0 - dVdseff_dVd - T9 * dVASCBE_dVd)) / VASCBE;
  let Gmb = T0 * dIdsa_dVb - (Idsa * (dVdseff_dVb + T9 * dVASCBE_dVb)) / VASCBE;
  Gds += Gm * dVgsteff_dVd;
  Gmb += Gm * dVgsteff_dVb;
  Gm *= dVgsteff_dVg;
  Gmb *= dVbseff_dVb;

  // substrate current
  const tmp = b.alpha0 + b.alpha1 * Leff;
  let Isub: number, Gbd: number, Gbb: number, Gbg: number;
  if (tmp <= 0.0 || b.beta0 <= 0.0) {
    Isub = Gbd = Gbb = Gbg = 0.0;
  } else {
    T2 = tmp / Leff;
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
    Isub = T1 * Idsa;
    Gbg = T1 * dIdsa_dVg + Idsa * dT1_dVg;
    Gbd = T1 * dIdsa_dVd + Idsa * dT1_dVd;
    Gbb = T1 * dIdsa_dVb + Idsa * dT1_dVb;
    Gbd += Gbg * dVgsteff_dVd;
    Gbb += Gbg * dVgsteff_dVb;
    Gbg *= dVgsteff_dVg;
    Gbb *= dVbseff_dVb;
    if (v31 && Vbseff !== Vbs) {
      // b3v1ld.c's companion current for Isub is Isub - (Gbb Vbseff + Gbd Vds + Gbg Vgs) against a stamped Gbb at
      // Vbs: the solution sees Isub + Gbb (Vbs - Vbseff). Its slope here neglects Gbb's own derivatives times
      // Vbs - Vbseff (below about 1e-3 of Gbb's part): the Newton path, not the solution
      Isub += Gbb * (Vbs - Vbseff);
      Gbb += Gbb * (1.0 - dVbseff_dVb);
    }
  }
  out.ids = Ids;
  out.gm = Gm;
  out.gds = Gds;
  out.gmbs = Gmb;
  out.isub = Isub;
  out.gbgs = Gbg;
  out.gbds = Gbd;
  out.gbbs = Gbb;
  // what the charges (bsim3-charge.ts) take from this point
  if (cv) Object.assign(cv, { vbseff: Vbseff, dVbseff_dVb, vgsEff: Vgs_eff, dVgsEff_dVg: dVgs_eff_dVg, vth: Vth, dVth_dVb, dVth_dVd, n, dn_dVb, dn_dVd, abulk0: Abulk0, dAbulk0_dVb });
}
