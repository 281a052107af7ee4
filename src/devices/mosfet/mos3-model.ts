/**
 * MOSFET level 3 (the semi-empirical short-channel model) as ngspice 39's
 * mos3: its model card (mos3.c's table, mos3set.c's defaults), the values
 * derived from it (mos3temp.c: KP, PHI, GAMMA, VTO from UO, TOX, NSUB, NSS,
 * TPG; the depletion coefficient XD and ALPHA from NSUB; the narrow-width
 * factor from DELTA), the instance constants (mos3temp.c, and the values
 * mos3load.c computes per call: effective length and width, the scaled ETA,
 * the NFS term), and the drain current with its derivatives (mos3load.c's
 * "moseq3"). Everything else (temperature, junctions, Meyer charges,
 * limiters, the stamp) is shared with level 1 (mos-shared.ts, mosfet.ts).
 *
 * Units as mosfet-model.ts: volts, amperes, metres; NSUB cm^-3, NSS and NFS
 * cm^-2, UO cm^2/(V s), VMAX m/s. Normalized voltages (type * physical).
 */
import { CHARGE, CONSTCtoK } from "../diode/diode-model.js";
import { EPS_OX, MOS_PARAM_ALIASES, EPS_SI, KoverQ, mosInstanceCommon, mosJunctionCubic, type MosChannelPoint, type MosGeometry, type MosInstance } from "./mos-shared.js";
import type { MosModel, MosModelParams } from "./mosfet-model.js";

/**
 * Names accepted in `.model NAME NMOS|PMOS (LEVEL=3 ...)` (ngspice's mos3.c
 * model table), each to its field; null: accepted and not stored. XD, ALPHA
 * and INPUT_DELTA, which mos3.c lists but cannot set, are not accepted.
 */
export const MOS3_PARAM_ALIASES: Record<string, keyof MosModelParams | null> = {
  ...Object.fromEntries(Object.entries(MOS_PARAM_ALIASES).filter(([k]) => k !== "lambda")), // level 3 has no LAMBDA (KAPPA instead)
  delta: "delta",
  eta: "eta",
  theta: "theta",
  kappa: "kappa",
  vmax: "vmax",
  xj: "xj",
  nfs: "nfs",
  xl: "xl",
  wd: "wd",
  xw: "xw",
  delvto: "delvto",
  delvt0: "delvto",
};

/** mos3set.c's defaults where they differ from level 1's: MJSW 0.33 (level 1: 0.5). */
export function mos3Defaults(p: MosModelParams): MosModelParams {
  return { ...p, mjsw: 0.33, level: 3 };
}

/** Level 3's derived model values (mos3temp.c, model part). */
export interface Mos3ModelExtra {
  /** UO (cm^2/(V s)), default 600. */
  uo: number;
  /** ALPHA = 2 eps_si / (q NSUB) (m^2/V) and XD = sqrt(ALPHA) (m / V^0.5); 0 without NSUB. */
  alpha: number;
  xd: number;
  /** DELTA pi eps_si / (2 Cox) (m): the narrow-width term of the threshold, divided by Weff. */
  narrowFactor: number;
  eta: number;
  theta: number;
  kappa: number;
  vmax: number;
  xj: number;
  nfs: number;
  delvto: number;
  xl: number;
  wd: number;
  xw: number;
}

/**
 * Derive level 3's model values as mos3temp.c does: TOX defaults to 1e-7 m
 * (there is always an oxide capacitance), KP = UO Cox when not given; with
 * NSUB (which must exceed ni(TNOM) = 1.45e10 cm^-3 (TNOM/300)^1.5
 * exp(EG(TNOM) (1/300 - 1/TNOM) / (2 k/q)): checked by the caller, see
 * mos3NiAt) PHI = max(0.1, 2 Vt ln(NSUB / ni)), GAMMA, VTO from the work
 * functions (TPG default 1), ALPHA and XD; the narrow-width factor from DELTA.
 */
export function deriveMos3Model(p: MosModelParams): MosModel {
  const tnomK = p.tnom + CONSTCtoK;
  const vtnom = tnomK * KoverQ;
  const egfet1 = 1.16 - (7.02e-4 * tnomK * tnomK) / (tnomK + 1108);
  const niTemp = mos3NiAt(tnomK);
  let phi = p.phi ?? 0.6;
  let gamma = p.gamma ?? 0;
  let vt0 = p.vto ?? 0;
  const coxArea = EPS_OX / (p.tox ?? 1e-7);
  const uo = p.uo ?? 600;
  const kp = p.kp ?? uo * coxArea * 1e-4; // cm^2 -> m^2
  let alpha = 0;
  let xd = 0;
  if (p.nsub !== undefined) {
    const nsub = p.nsub * 1e6; // cm^-3 -> m^-3
    if (p.phi === undefined) phi = Math.max(0.1, 2 * vtnom * Math.log(nsub / niTemp));
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
    alpha = (EPS_SI + EPS_SI) / (CHARGE * nsub);
    xd = Math.sqrt(alpha);
  }
  const delta = p.delta ?? 0;
  const mos3: Mos3ModelExtra = {
    uo,
    alpha,
    xd,
    narrowFactor: (delta * 0.5 * Math.PI * EPS_SI) / coxArea,
    eta: p.eta ?? 0,
    theta: p.theta ?? 0,
    kappa: p.kappa ?? 0.2,
    vmax: p.vmax ?? 0,
    xj: p.xj ?? 0,
    nfs: p.nfs ?? 0,
    delvto: p.delvto ?? 0,
    xl: p.xl ?? 0,
    wd: p.wd ?? 0,
    xw: p.xw ?? 0,
  };
  return { level: 3, mos2: null, mos3, type: p.type, vt0, kp, gamma, phi, lambda: 0, coxArea, tnomK, params: p };
}

/** The intrinsic density mos3temp.c compares NSUB with and takes PHI from, at TNOM (K) (m^-3). */
export function mos3NiAt(tnomK: number): number {
  const egfet1 = 1.16 - (7.02e-4 * tnomK * tnomK) / (tnomK + 1108);
  let nifact = (tnomK / 300) * Math.sqrt(tnomK / 300);
  nifact *= Math.exp((0.5 * egfet1 * (1 / 300 - 1 / tnomK)) / KoverQ);
  return 1.45e16 * nifact;
}

/** A level-3 transistor's own constants (mos3temp.c, and what mos3load.c computes per call from the geometry). */
export interface Mos3Consts {
  /** Effective length L - 2 LD + XL and width W - 2 WD + XW (m). */
  leff: number;
  weff: number;
  /** LD (m), in the short-channel factor. */
  ld: number;
  /** ETA 8.15e-22 / (Cox Leff^3) (1): dVth/dVds = -eta. */
  eta: number;
  xj: number;
  xd: number;
  alpha: number;
  kappa: number;
  narrowFactor: number;
  theta: number;
  /** UO(T) in m^2/(V s). */
  us0: number;
  vmax: number;
  nfs: number;
  /** q NFS / Cox' (the NFS part of the subthreshold slope factor xn); 0 without NFS. */
  csonco: number;
}

/**
 * A level-3 transistor at `tempC`: the shared instance values on Leff = L -
 * 2 LD + XL, Weff = W - 2 WD + XW with VTO shifted by DELVTO, the cubic
 * junction tail of mos3load.c, and UO scaled like KP by (T/TNOM)^-1.5.
 */
export function mos3InstanceAt(mm: MosModel, g: MosGeometry, tempC: number): MosInstance {
  const x = mm.mos3!;
  const p = mm.params;
  const leff = g.l - 2 * p.ld + x.xl;
  const weff = g.w - 2 * x.wd + x.xw;
  const inst = mosInstanceCommon(mm, g, tempC, leff, weff, x.delvto, 3, mos3Channel, mosJunctionCubic);
  const ratio = (tempC + CONSTCtoK) / mm.tnomK;
  const ratio4 = ratio * Math.sqrt(ratio);
  const oxideCap = mm.coxArea * leff * g.m * weff;
  inst.mos3 = {
    leff,
    weff,
    ld: p.ld,
    eta: (x.eta * 8.15e-22) / (mm.coxArea * leff * leff * leff),
    xj: x.xj,
    xd: x.xd,
    alpha: x.alpha,
    kappa: x.kappa,
    narrowFactor: x.narrowFactor,
    theta: x.theta,
    us0: x.uo / ratio4,
    vmax: x.vmax,
    nfs: x.nfs,
    csonco: x.nfs !== 0 ? (CHARGE * x.nfs * 1e4 * leff * weff * g.m) / oxideCap : 0,
  };
  return inst;
}

/** Coefficients of mos3load.c's fit of the depletion width at the drain edge. */
const COEFF0 = 0.0631353;
const COEFF1 = 0.8013292;
const COEFF2 = -0.01110777;

/**
 * Level-3 drain current, mos3load.c, with (vgs', vds', vbs') the mode's
 * voltages (as mosChannel):
 *   sqrt(PHI - vbs') (continued as sqrt(PHI) / (1 + vbs' / (2 PHI)) for vbs' > 0),
 *   short-channel factor fshort from XJ, LD and the depletion width XD sqrt(PHI - vbs'),
 *   vth = VBI - eta vds' + GAMMA fshort sqrt(PHI - vbs') + narrowFactor (PHI - vbs') / Weff,
 *   von = vth (+ n Vt with NFS, n = 1 + q NFS / Cox' + (vth's body part) / (2 (PHI - vbs'))),
 *   u = max(vgs', von) - vth, mobility factor fgate = 1 / (1 + THETA u),
 *   vdsat = u / (1 + fbody) (with VMAX: va + vc - sqrt(va^2 + vc^2), va = u / (1 + fbody),
 *   vc = Leff VMAX / (UO fgate)), vdsx = min(vds', vdsat),
 *   cdrain = beta fgate (u - (1 + fbody) vdsx / 2) vdsx,
 *   times 1 / (1 + vdsx / vc) with VMAX, times Leff / (Leff - dL) for the
 *   channel shortening dL (KAPPA, ALPHA = 2 eps_si / (q NSUB); in
 *   saturation sqrt(KAPPA ALPHA (vds' - 7 vdsat / 8)) without VMAX, from the
 *   pinch-off field with it; below vdsat, without VMAX, sqrt(KAPPA ALPHA
 *   vdsat / 8) (vds' / vdsat)^4; past Leff / 2 the punch-through limit
 *   Leff - Leff^2 / (4 dL)),
 *   times exp((vgs' - von) / (n Vt)) below von (NFS).
 * Without NFS the channel is off (0) for vgs' <= von; at vds' = 0 the
 * current is 0 with gds = beta fgate u (times the subthreshold factor).
 *
 * The current is ngspice's. Its gm, gds, gmbs leave out some dependences
 * (of vdsat in the velocity-saturated current, of the body factor on vbs'
 * above 0, the linear-region shortening on vdsat, the mobility on vgs' in
 * weak inversion), so eqspice carries the exact derivatives of every
 * intermediate along ([_g, _d, _b] by vgs', vds', vbs') and stamps those: the
 * solution is the same, only the Newton path may differ.
 */
export function mos3Channel(p: MosInstance, vgs: number, vds: number, vbs: number, out: MosChannelPoint): void {
  const c = p.mos3!;
  const mode: 1 | -1 = vds >= 0 ? 1 : -1;
  const vbx = mode === 1 ? vbs : vbs - vds;
  const vgx = mode === 1 ? vgs : vgs - vds;
  const vdx = vds * mode;
  const vt = p.vt;
  const phi = p.phi;
  const leff = c.leff;
  const weff = c.weff;
  out.mode = mode;
  const oneoverxl = 1 / leff;
  const eta = c.eta;
  // square root term sqphbs = sqrt(phibs) and d/dvbs'
  let phibs: number;
  let sqphbs: number;
  let dsqdvb: number;
  if (vbx <= 0) {
    phibs = phi - vbx;
    sqphbs = Math.sqrt(phibs);
    dsqdvb = -0.5 / sqphbs;
  } else {
    const sqphis = Math.sqrt(phi);
    const sqphs3 = phi * sqphis;
    sqphbs = sqphis / (1 + vbx / (phi + phi));
    phibs = sqphbs * sqphbs;
    dsqdvb = -phibs / (sqphs3 + sqphs3);
  }
  const dphdvb = vbx <= 0 ? -1 : 2 * sqphbs * dsqdvb;
  // short channel effect factor
  let fshort: number;
  let dfsdvb: number;
  if (c.xj !== 0 && c.xd !== 0) {
    const wps = c.xd * sqphbs;
    const oneoverxj = 1 / c.xj;
    const xjonxl = c.xj * oneoverxl;
    const djonxj = c.ld * oneoverxj;
    const wponxj = wps * oneoverxj;
    const wconxj = COEFF0 + COEFF1 * wponxj + COEFF2 * wponxj * wponxj;
    const arga = wconxj + djonxj;
    const argc = wponxj / (1 + wponxj);
    const argb = Math.sqrt(1 - argc * argc);
    fshort = 1 - xjonxl * (arga * argb - djonxj);
    const dwpdvb = c.xd * dsqdvb;
    const dadvb = (COEFF1 + COEFF2 * (wponxj + wponxj)) * dwpdvb * oneoverxj;
    const dbdvb = (-argc * argc * (1 - argc) * dwpdvb) / (argb * wps);
    dfsdvb = -xjonxl * (dadvb * argb + arga * dbdvb);
  } else {
    fshort = 1;
    dfsdvb = 0;
  }
  // body effect (functions of vbs' only)
  const gammas = p.gamma * fshort;
  const fbodys = (0.5 * gammas) / (sqphbs + sqphbs);
  const fbody = fbodys + c.narrowFactor / weff;
  const onfbdy = 1 / (1 + fbody);
  const dfbdvb = (-fbodys * dsqdvb) / sqphbs + (fbodys * dfsdvb) / fshort;
  const qbonco = gammas * sqphbs + (c.narrowFactor * phibs) / weff;
  const dqbdvb = gammas * dsqdvb + p.gamma * dfsdvb * sqphbs + (c.narrowFactor / weff) * dphdvb;
  // static feedback, threshold: vth_g = 0, vth_d = -eta, vth_b = dqbdvb
  const vbix = p.vbi * p.type - eta * vdx;
  const vth = vbix + qbonco;
  // joint weak and strong inversion: von_g = 0, von_d = -eta, von_b
  let von = vth;
  let von_b = dqbdvb;
  let xn = 0;
  let xn_b = 0;
  if (c.nfs !== 0) {
    const cdonco = qbonco / (phibs + phibs);
    xn = 1 + c.csonco + cdonco;
    von = vth + vt * xn;
    xn_b = dqbdvb / (phibs + phibs) - (qbonco * dphdvb) / (2 * phibs * phibs);
    von_b = dqbdvb + vt * xn_b;
  } else if (vgx <= von) {
    // cutoff
    out.cdrain = 0;
    out.gm = 0;
    out.gds = 0;
    out.gmbs = 0;
    out.von = von;
    out.vdsat = 0;
    return;
  }
  out.von = von;
  // device is on: u = vgsx - vth with vgsx = max(vgs', von)
  const weak = vgx < von;
  const vgsx = Math.max(vgx, von);
  const u_g = weak ? 0 : 1;
  const u_d = weak ? 0 : eta; // -eta - (-eta) in weak inversion is 0
  const u_b = weak ? von_b - dqbdvb : -dqbdvb;
  const u = vgsx - vth;
  // mobility modulation by the gate voltage
  const onfg = 1 + c.theta * u;
  const fgate = 1 / onfg;
  const us = c.us0 * 1e-4 * fgate;
  const dfgdu = -c.theta * fgate * fgate;
  const fg_g = dfgdu * u_g;
  const fg_d = dfgdu * u_d;
  const fg_b = dfgdu * u_b;
  // saturation voltage
  let vdsat = u * onfbdy;
  let vs_g: number;
  let vs_d: number;
  let vs_b: number;
  let vdsc = 0;
  let onvdsc = 0;
  let vc_g = 0;
  let vc_d = 0;
  let vc_b = 0;
  if (c.vmax <= 0) {
    vs_g = onfbdy * u_g;
    vs_d = onfbdy * u_d;
    vs_b = onfbdy * u_b - vdsat * onfbdy * dfbdvb;
  } else {
    vdsc = (leff * c.vmax) / us;
    onvdsc = 1 / vdsc;
    // vdsc is proportional to 1 / fgate
    const k = -vdsc / fgate;
    vc_g = k * fg_g;
    vc_d = k * fg_d;
    vc_b = k * fg_b;
    const arga = u * onfbdy;
    const a_g = onfbdy * u_g;
    const a_d = onfbdy * u_d;
    const a_b = onfbdy * u_b - arga * onfbdy * dfbdvb;
    const argb = Math.sqrt(arga * arga + vdsc * vdsc);
    vdsat = arga + vdsc - argb;
    const ka = 1 - arga / argb;
    const kc = 1 - vdsc / argb;
    vs_g = ka * a_g + kc * vc_g;
    vs_d = ka * a_d + kc * vc_d;
    vs_b = ka * a_b + kc * vc_b;
  }
  out.vdsat = vdsat;
  // current factors: vdsx = min(vds', vdsat)
  const sat = vdx > vdsat;
  const vdsx = Math.min(vdx, vdsat);
  if (vdsx === 0) {
    // vds = 0: no current, the channel conductance only
    out.cdrain = 0;
    out.gm = 0;
    out.gds = p.beta * fgate * u;
    out.gmbs = 0;
    if (weak) out.gds *= Math.exp((vgx - von) / (vt * xn));
    return;
  }
  const vx_g = sat ? vs_g : 0;
  const vx_d = sat ? vs_d : 1;
  const vx_b = sat ? vs_b : 0;
  const cdo = u - 0.5 * (1 + fbody) * vdsx;
  const kx = 0.5 * (1 + fbody);
  const co_g = u_g - kx * vx_g;
  const co_d = u_d - kx * vx_d;
  const co_b = u_b - 0.5 * vdsx * dfbdvb - kx * vx_b;
  // normalized drain current cdnorm = cdo vdsx, then beta fgate cdnorm
  const cdnorm = cdo * vdsx;
  const beta = p.beta * fgate;
  let cdrain = beta * cdnorm;
  let gm = beta * (vdsx * co_g + cdo * vx_g) + p.beta * cdnorm * fg_g;
  let gds = beta * (vdsx * co_d + cdo * vx_d) + p.beta * cdnorm * fg_d;
  let gmbs = beta * (vdsx * co_b + cdo * vx_b) + p.beta * cdnorm * fg_b;
  // velocity saturation factor fdrain = 1 / (1 + vdsx / vdsc)
  let fdrain = 0;
  let fd_g = 0;
  let fd_d = 0;
  let fd_b = 0;
  if (c.vmax > 0) {
    fdrain = 1 / (1 + vdsx * onvdsc);
    const k1 = -fdrain * fdrain * onvdsc;
    const k2 = fdrain * fdrain * vdsx * onvdsc * onvdsc;
    fd_g = k1 * vx_g + k2 * vc_g;
    fd_d = k1 * vx_d + k2 * vc_d;
    fd_b = k1 * vx_b + k2 * vc_b;
    gm = fdrain * gm + cdrain * fd_g;
    gds = fdrain * gds + cdrain * fd_d;
    gmbs = fdrain * gmbs + cdrain * fd_b;
    cdrain = fdrain * cdrain;
  }
  // channel length modulation: the shortening delxl
  let clm = true;
  let delxl = 0;
  let dl_g = 0;
  let dl_d = 0;
  let dl_b = 0;
  if (!sat) {
    if (c.vmax > 0 || c.alpha === 0) clm = false;
    else {
      // delxl = sqrt(KAPPA ALPHA vdsat / 8) (vds' / vdsat)^4
      let arga = vdx / vdsat;
      delxl = Math.sqrt((c.kappa * c.alpha * vdsat) / 8);
      arga *= arga;
      arga *= arga;
      delxl *= arga;
      const kv = (-3.5 * delxl) / vdsat;
      dl_g = kv * vs_g;
      dl_d = (4 * delxl) / vdx + kv * vs_d;
      dl_b = kv * vs_b;
    }
  } else if (c.vmax <= 0) {
    const dv = vdx - vdsat + vdsat / 8;
    delxl = Math.sqrt(c.kappa * c.alpha * dv);
    const k = (0.5 * delxl) / dv;
    dl_g = -k * 0.875 * vs_g;
    dl_d = k * (1 - 0.875 * vs_d);
    dl_b = -k * 0.875 * vs_b;
  } else if (c.alpha === 0) clm = false;
  else {
    // from the field at the pinch-off point, emax = KAPPA cdsat / (Leff gdsat)
    const cdsat = cdrain;
    let gdsat = cdsat * (1 - fdrain) * onvdsc;
    let gs_g = 0;
    let gs_d = 0;
    let gs_b = 0;
    if (gdsat > 1e-12) {
      const ka = (1 - fdrain) * onvdsc;
      const kf = -cdsat * onvdsc;
      const kc = -cdsat * (1 - fdrain) * onvdsc * onvdsc;
      gs_g = ka * gm + kf * fd_g + kc * vc_g;
      gs_d = ka * gds + kf * fd_d + kc * vc_d;
      gs_b = ka * gmbs + kf * fd_b + kc * vc_b;
    } else gdsat = 1e-12;
    const emax = (c.kappa * cdsat * oneoverxl) / gdsat;
    const em_g = emax * (gm / cdsat - gs_g / gdsat);
    const em_d = emax * (gds / cdsat - gs_d / gdsat);
    const em_b = emax * (gmbs / cdsat - gs_b / gdsat);
    const arga = 0.5 * emax * c.alpha;
    const argc = c.kappa * c.alpha;
    const argb = Math.sqrt(arga * arga + argc * (vdx - vdsat));
    delxl = argb - arga;
    if (argb !== 0) {
      // d delxl = (arga d arga + argc/2 d(vds' - vdsat)) / argb - d arga, d arga = ALPHA/2 d emax
      const ke = 0.5 * c.alpha * (arga / argb - 1);
      const kd = argc / (argb + argb);
      dl_g = ke * em_g - kd * vs_g;
      dl_d = ke * em_d + kd * (1 - vs_d);
      dl_b = ke * em_b - kd * vs_b;
    }
  }
  if (clm) {
    // punch-through approximation
    if (delxl > 0.5 * leff) {
      const k = (leff * leff) / (4 * delxl * delxl);
      delxl = leff - (leff * leff) / (4 * delxl);
      dl_g *= k;
      dl_d *= k;
      dl_b *= k;
    }
    // saturation region: cdrain Leff / (Leff - delxl)
    const dlonxl = delxl * oneoverxl;
    const xlfact = 1 / (1 - dlonxl);
    cdrain *= xlfact;
    const diddl = cdrain / (leff - delxl);
    gm = gm * xlfact + diddl * dl_g;
    gds = gds * xlfact + diddl * dl_d;
    gmbs = gmbs * xlfact + diddl * dl_b;
  }
  // weak inversion: times exp((vgs' - von) / (xn Vt))
  if (weak) {
    const onxn = 1 / xn;
    const ondvt = onxn / vt;
    const z = (vgx - von) * ondvt;
    const wfact = Math.exp(z);
    cdrain *= wfact;
    gm = gm * wfact + cdrain * ondvt;
    gds = gds * wfact + cdrain * ondvt * eta;
    gmbs = gmbs * wfact + cdrain * (-von_b * ondvt - z * onxn * xn_b);
  }
  out.cdrain = cdrain;
  out.gm = gm;
  out.gds = gds;
  out.gmbs = gmbs;
}
