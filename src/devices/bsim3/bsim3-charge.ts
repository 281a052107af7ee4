/**
 * The BSIM3v3.3.0 charges of ngspice's b3ld.c (quasi-static, NQSMOD = 0):
 * the intrinsic gate, bulk, drain and source charges of CAPMOD 0, 1, 2 and 3
 * with the XPART partition of the channel charge (XPART < 0.5: 40/60,
 * 0.5: 50/50, > 0.5: 0/100; XPART < 0: no intrinsic charge), the overlap
 * charges (CGSO, CGDO, CGBO; with CGSL, CGDL, CKAPPA for CAPMOD 1-3) and the
 * depletion charges of the two bulk junctions (CJ, CJSW, CJSWG with MJ,
 * MJSW, MJSWG, PB, PBSW, PBSWG and their temperature coefficients), and
 * their derivatives, the capacitances dQ/dV (F).
 *
 * Everything is in normalized voltages (type * physical, see
 * bsim3-model.ts) and normalized charges (physical = type * these): the
 * Jacobian dQ/dV is the same for NMOS and PMOS. The intrinsic charges are
 * evaluated in the DC law's frame (bsim3-dc.ts: the drain and source swap
 * in reversed mode), from the DC point's threshold, swing, Vgs_eff and
 * Abulk0 (Bsim3CvInputs), and mapped back to the terminals d', s'; the
 * overlap and junction charges use the terminal voltages directly.
 *
 * The charges on the four terminals d', g, s', b sum to zero:
 *   Qg = qgate + qgso(vgs) + qgdo(vgd) + CGBO vgb
 *   Qb = qbulk - CGBO vgb + qbd(vbd) + qbs(vbs)
 *   Qd = qdrain - qgdo(vgd) - qbd(vbd)
 *   Qs = -(Qg + Qb + Qd)
 * (b3ld.c integrates Qg, Qd, Qb: its states qg, qd, qb). The derivatives
 * are exact: where b3ld.c drops a chain factor (CAPMOD 0's derivatives with
 * respect to Vbs are taken with respect to the DC Vbseff; its gate
 * derivatives count dVgs_eff/dVg twice under poly depletion), this code
 * keeps it; CAPMOD 3's dVdseffCV/dVbs below VdsatCV drops the derivative
 * of its T4 in b3ld.c, here it does not. So the capacitances are ngspice's
 * in their gate and drain columns wherever NGATE has no effect, and in the
 * bulk and source columns where moreover Vbseff = Vbs with slope 1 (and,
 * for CAPMOD 3, VdsatCV > Vds).
 */
import type { MosGeometry } from "../mosfet/mos-shared.js";
import { EPSSI, EXP_THRESHOLD, MAX_EXP, MIN_EXP, Charge_q, bsim3EffectiveSize, type Bsim3Instance } from "./bsim3-model.js";

const DELTA_1 = 0.02;
const DELTA_3 = 0.02;
const DELTA_4 = 0.02;
const KboQ = 8.617087e-5;

/**
 * What the charges take from the DC evaluation at the same point (b3ld.c's
 * variables when its charge block starts), in the DC law's frame:
 * Vbseff (V) and dVbseff/dVbs, Vgs_eff (V) and dVgs_eff/dVgs, the threshold
 * Vth (V) with its derivatives by Vbseff and Vds, the subthreshold swing n
 * with its derivatives by Vbseff and Vds (1/V), Abulk0 and dAbulk0/dVbseff
 * (1/V).
 */
export interface Bsim3CvInputs {
  vbseff: number;
  dVbseff_dVb: number;
  vgsEff: number;
  dVgsEff_dVg: number;
  vth: number;
  dVth_dVb: number;
  dVth_dVd: number;
  n: number;
  dn_dVb: number;
  dn_dVd: number;
  abulk0: number;
  dAbulk0_dVb: number;
}

export function newBsim3CvInputs(): Bsim3CvInputs {
  return { vbseff: 0, dVbseff_dVb: 1, vgsEff: 0, dVgsEff_dVg: 1, vth: 0, dVth_dVb: 0, dVth_dVd: 0, n: 1, dn_dVb: 0, dn_dVd: 0, abulk0: 1, dAbulk0_dVb: 0 };
}

/** A junction's zero-bias capacitances (F): bottom (area), sidewall along the field oxide, sidewall along the gate. */
interface JunctionCaps {
  czb: number;
  czbsw: number;
  czbswg: number;
}

/**
 * One transistor's capacitance parameters (b3set.c's defaults, b3temp.c's
 * size- and temperature-dependent values): lengths in m, capacitances in F,
 * voltages in V.
 */
export interface Bsim3CvParams {
  capMod: number;
  xpart: number;
  /** COX Weff_CV Leff_CV (F). */
  coxWL: number;
  weffCV: number;
  abulkCVfactor: number;
  /** The flat-band voltages of CAPMOD 1-3 (VFBZB, with DELVTO) and of CAPMOD 0 (VFBCV). */
  vfbzb: number;
  vfbcv: number;
  /** CAPMOD 3: the Debye length LDEB (m), ACDE scaled by (NCH / 2e16)^-0.25, MOIN. */
  ldeb: number;
  acde: number;
  moin: number;
  noff: number;
  voffcv: number;
  /** Overlap capacitances (F): (CGSO + CF) Weff_CV, (CGDO + CF) Weff_CV, CGBO Leff_CV; CGSL, CGDL (F/m), CKAPPA (V). */
  cgso: number;
  cgdo: number;
  cgbo: number;
  cgsl: number;
  cgdl: number;
  ckappa: number;
  drain: JunctionCaps;
  source: JunctionCaps;
  mj: number;
  mjsw: number;
  mjswg: number;
  /** Junction potentials at the circuit temperature (V). */
  phiB: number;
  phiBSW: number;
  phiBSWG: number;
}

/** b3temp.c's temperature scaling of a zero-bias junction capacitance: c (1 + tc dT), 0 when that is negative. */
function capAt(c: number, tc: number, dT: number): number {
  const t = tc * dT;
  return t >= -1.0 ? c * (1.0 + t) : 0;
}

/** The capacitance parameters of transistor `inst` (geometry g, circuit temperature tempK in kelvin). */
export function bsim3CvParams(inst: Bsim3Instance, g: MosGeometry, tempK: number): Bsim3CvParams {
  const mm = inst.model;
  const p = mm.p;
  const b = inst.b;
  const { leffCV, weffCV } = bsim3EffectiveSize(mm, g.l, g.w);
  const Tnom = mm.tnomK;
  // vfbzb (b3temp.c): the zero-bias flat band from VTH0 with the short- and narrow-channel terms at Vbs = 0
  const tmp1 = inst.vbi - inst.phi;
  const tmp2 = inst.factor1 * Math.sqrt(inst.xdep0);
  let T0 = (-0.5 * b.dvt1w * inst.weff * inst.leff) / tmp2;
  let T1 = T0 > -EXP_THRESHOLD ? Math.exp(T0) : MIN_EXP;
  const T2 = b.dvt0w * T1 * (1.0 + 2.0 * T1) * tmp1;
  T0 = (-0.5 * b.dvt1 * inst.leff) / tmp2;
  T1 = T0 > -EXP_THRESHOLD ? Math.exp(T0) : MIN_EXP;
  const T3 = b.dvt0 * T1 * (1.0 + 2.0 * T1) * tmp1;
  const T4 = (p.tox * inst.phi) / (inst.weff + b.w0);
  T0 = Math.sqrt(1.0 + b.nlx / inst.leff);
  const T5 = inst.k1ox * (T0 - 1.0) * inst.sqrtPhi + (b.kt1 + b.kt1l / inst.leff) * inst.tempRatio;
  const delvto = inst.vth0 - b.vth0;
  const vfbzb = mm.type * b.vth0 - T2 - T3 + b.k3 * T4 + T5 - inst.phi - b.k1 * inst.sqrtPhi + mm.type * delvto;
  const Vtm0 = KboQ * Tnom;
  const dT = tempK - Tnom;
  const cj = capAt(p.cj, p.tcj, dT);
  const cjsw = capAt(p.cjsw, p.tcjsw, dT);
  const cjswg = capAt(p.cjswg, p.tcjswg, dT);
  // b3temp.c raises PB, PBSW, PBSWG to 0.1, then PhiB = PB - TPB dT at least 0.01
  const phiB = Math.max(Math.max(p.pb, 0.1) - p.tpb * dT, 0.01);
  const phiBSW = Math.max(Math.max(p.pbsw, 0.1) - p.tpbsw * dT, 0.01);
  const phiBSWG = Math.max(Math.max(p.pbswg, 0.1) - p.tpbswg * dT, 0.01);
  // b3ld.c: the sidewall along the gate is Weff of the perimeter, the rest along the field oxide
  const junction = (area: number, perim: number): JunctionCaps =>
    perim < inst.weff
      ? { czb: cj * area, czbsw: 0, czbswg: cjswg * perim }
      : { czb: cj * area, czbsw: cjsw * (perim - inst.weff), czbswg: cjswg * inst.weff };
  return {
    capMod: p.capmod,
    xpart: p.xpart,
    coxWL: mm.cox * weffCV * leffCV,
    weffCV,
    abulkCVfactor: 1.0 + Math.pow(b.clc / leffCV, b.cle),
    vfbzb,
    vfbcv: b.vfbcv,
    ldeb: Math.sqrt((EPSSI * Vtm0) / (Charge_q * b.nch * 1.0e6)) / 3.0,
    acde: b.acde * Math.pow(b.nch / 2.0e16, -0.25),
    moin: b.moin,
    noff: b.noff,
    voffcv: b.voffcv,
    cgso: (p.cgso + b.cf) * weffCV,
    cgdo: (p.cgdo + b.cf) * weffCV,
    cgbo: p.cgbo * leffCV,
    cgsl: b.cgsl,
    cgdl: b.cgdl,
    ckappa: b.ckappa,
    drain: junction(g.ad, g.pd),
    source: junction(g.as, g.ps),
    mj: p.mj,
    mjsw: p.mjsw,
    mjswg: p.mjswg,
    phiB,
    phiBSW,
    phiBSWG,
  };
}

/** The charges at one point: q[r] (C, normalized) and C[r * 4 + c] = dq_r/dV_c (F), rows and columns d', g, s', b. */
export interface Bsim3ChargePoint {
  q: Float64Array;
  C: Float64Array;
}

export function newBsim3ChargePoint(): Bsim3ChargePoint {
  return { q: new Float64Array(4), C: new Float64Array(16) };
}

/**
 * The intrinsic charges in the frame (index 0 frame drain, 1 gate, 2 frame
 * source, 3 bulk) and their derivatives by the frame's (Vgs, Vds, Vbs):
 * fq[r], fd[r * 3 + 0..2].
 */
const fq = new Float64Array(4);
const fdv = new Float64Array(12);

/** A charge of one junction (b3ld.c): q(v) (C) and its capacitance (F) into out. */
function junctionCharge(j: JunctionCaps, cv: Bsim3CvParams, v: number, out: { q: number; c: number }): void {
  const { czb, czbsw, czbswg } = j;
  if (v === 0.0) {
    out.q = 0;
    out.c = czb + czbsw + czbswg;
    return;
  }
  if (v < 0.0) {
    let q = 0;
    let c = 0;
    const part = (cz: number, phi: number, mj: number) => {
      if (!(cz > 0.0)) return;
      const arg = 1.0 - v / phi;
      const sarg = mj === 0.5 ? 1.0 / Math.sqrt(arg) : Math.exp(-mj * Math.log(arg));
      q += (phi * cz * (1.0 - arg * sarg)) / (1.0 - mj);
      c += cz * sarg;
    };
    part(czb, cv.phiB, cv.mj);
    part(czbsw, cv.phiBSW, cv.mjsw);
    part(czbswg, cv.phiBSWG, cv.mjswg);
    out.q = q;
    out.c = c;
    return;
  }
  // forward bias: the linear extension of the capacitance
  const T0 = czb + czbsw + czbswg;
  const T1 = v * ((czb * cv.mj) / cv.phiB + (czbsw * cv.mjsw) / cv.phiBSW + (czbswg * cv.mjswg) / cv.phiBSWG);
  out.q = v * (T0 + 0.5 * T1);
  out.c = T0 + T1;
}

/**
 * An overlap charge (b3ld.c) of voltage v (vgs or vgd) with overlap
 * capacitance co (F) and, for CAPMOD 1-3, the bias-dependent part cl (CGSL
 * or CGDL, F/m) over Weff_CV: q (C) and dq/dv (F) into out.
 */
function overlapCharge(cv: Bsim3CvParams, co: number, cl: number, v: number, out: { q: number; c: number }): void {
  if (cv.capMod === 0) {
    out.q = co * v;
    out.c = co;
    return;
  }
  const ck = cv.ckappa;
  const T3 = cv.weffCV * cl;
  if (cv.capMod === 1) {
    if (v < 0.0) {
      const T1 = Math.sqrt(1.0 - (4.0 * v) / ck);
      out.c = co + T3 / T1;
      out.q = co * v - T3 * 0.5 * ck * (T1 - 1.0);
    } else {
      out.c = co + T3;
      out.q = (T3 + co) * v;
    }
    return;
  }
  const T0 = v + DELTA_1;
  const T1 = Math.sqrt(T0 * T0 + 4.0 * DELTA_1);
  const T2 = 0.5 * (T0 - T1);
  const T4 = Math.sqrt(1.0 - (4.0 * T2) / ck);
  out.c = co + T3 - T3 * (1.0 - 1.0 / T4) * (0.5 - (0.5 * T0) / T1);
  out.q = (co + T3) * v - T3 * (T2 + 0.5 * ck * (T4 - 1.0));
}

const jq = { q: 0, c: 0 };

/**
 * CAPMOD 0 in the frame (b3ld.c's long-channel charge model with VFBCV),
 * from its bulk-referenced capacitances cXYb = dQx/dV(y) (b fixed) turned
 * into derivatives by (Vgs, Vds, Vbs). Gate derivatives are computed per
 * Vgs_eff and scaled by dVgs_eff/dVg at the end; Vbs derivatives carry
 * dVbseff/dVbs.
 */
function capMod0(P: Bsim3Instance, cv: Bsim3CvParams, inp: Bsim3CvInputs, Vds: number, Vbs: number): void {
  const phi = P.phi;
  const k1ox = P.k1ox;
  const s0 = inp.dVbseff_dVb;
  const vb0 = inp.vbseff;
  let Phis: number, dPhis_dVb: number, sqrtPhis: number, dsqrtPhis_dVb: number;
  if (vb0 > 0.0) {
    const T0 = phi / (phi + vb0);
    Phis = phi * T0;
    dPhis_dVb = -T0 * T0 * s0;
    sqrtPhis = P.phis3 / (phi + 0.5 * vb0);
    dsqrtPhis_dVb = ((-0.5 * sqrtPhis * sqrtPhis) / P.phis3) * s0;
  } else {
    Phis = phi - vb0;
    dPhis_dVb = -s0;
    sqrtPhis = Math.sqrt(Phis);
    dsqrtPhis_dVb = (-0.5 / sqrtPhis) * s0;
  }
  let Vbseff: number, dVbseff_dVb: number;
  if (vb0 < 0.0) {
    Vbseff = Vbs;
    dVbseff_dVb = 1.0;
  } else {
    Vbseff = phi - Phis;
    dVbseff_dVb = -dPhis_dVb;
  }
  const Vgs_eff = inp.vgsEff;
  // gate derivatives per Vgs_eff (scaled at the end)
  const dVgs_eff_dVg = 1.0;
  const Vfb = cv.vfbcv;
  const Vth = Vfb + phi + k1ox * sqrtPhis;
  const Vgst = Vgs_eff - Vth;
  const dVth_dVb = k1ox * dsqrtPhis_dVb;
  const CoxWL = cv.coxWL;
  const Arg1 = Vgs_eff - Vbseff - Vfb;
  let qgate: number, qbulk: number, qdrn: number;
  let cggb: number, cgdb: number, cgsb: number, cdgb: number, cddb: number, cdsb: number, cbgb: number, cbdb: number, cbsb: number;
  let T0: number, T1: number, T2: number, T3: number, T4: number, T5: number, T6: number, T7: number, T8: number, T9: number, T10: number, T11: number, T12: number;
  if (Arg1 <= 0.0) {
    qgate = CoxWL * Arg1;
    qbulk = -qgate;
    qdrn = 0.0;
    cggb = CoxWL * dVgs_eff_dVg;
    cgdb = 0.0;
    cgsb = CoxWL * (dVbseff_dVb - dVgs_eff_dVg);
    cdgb = cddb = cdsb = 0.0;
    cbgb = -CoxWL * dVgs_eff_dVg;
    cbdb = 0.0;
    cbsb = -cgsb;
  } else if (Vgst <= 0.0) {
    T1 = 0.5 * k1ox;
    T2 = Math.sqrt(T1 * T1 + Arg1);
    qgate = CoxWL * k1ox * (T2 - T1);
    qbulk = -qgate;
    qdrn = 0.0;
    T0 = (CoxWL * T1) / T2;
    cggb = T0 * dVgs_eff_dVg;
    cgdb = 0.0;
    cgsb = T0 * (dVbseff_dVb - dVgs_eff_dVg);
    cdgb = cddb = cdsb = 0.0;
    cbgb = -cggb;
    cbdb = 0.0;
    cbsb = -cgsb;
  } else {
    const One_Third_CoxWL = CoxWL / 3.0;
    const Two_Third_CoxWL = 2.0 * One_Third_CoxWL;
    const AbulkCV = inp.abulk0 * cv.abulkCVfactor;
    const dAbulkCV_dVb = cv.abulkCVfactor * inp.dAbulk0_dVb * s0;
    const Vdsat = Vgst / AbulkCV;
    const dVdsat_dVg = dVgs_eff_dVg / AbulkCV;
    const dVdsat_dVb = -(Vdsat * dAbulkCV_dVb + dVth_dVb) / AbulkCV;
    if (Vds >= Vdsat) {
      // saturation: the same gate and bulk charges for every partition
      T1 = Vdsat / 3.0;
      qgate = CoxWL * (Vgs_eff - Vfb - phi - T1);
      T2 = -Two_Third_CoxWL * Vgst;
      qbulk = -(qgate + T2);
      qdrn = cv.xpart > 0.5 ? 0.0 : cv.xpart < 0.5 ? 0.4 * T2 : 0.5 * T2;
      cggb = One_Third_CoxWL * (3.0 - dVdsat_dVg) * dVgs_eff_dVg;
      T2 = -One_Third_CoxWL * dVdsat_dVb;
      cgsb = -(cggb + T2);
      cgdb = 0.0;
      // qdrn = -f (2/3) CoxWL Vgst, f the drain's share
      const f = cv.xpart > 0.5 ? 0.0 : cv.xpart < 0.5 ? 0.4 : 0.5;
      T3 = f * Two_Third_CoxWL;
      cdgb = -T3 * dVgs_eff_dVg;
      cddb = 0.0;
      T4 = T3 * dVth_dVb;
      cdsb = -(T4 + cdgb);
      cbgb = -(cggb - Two_Third_CoxWL * dVgs_eff_dVg);
      T3 = -(T2 + Two_Third_CoxWL * dVth_dVb);
      cbsb = -(cbgb + T3);
      cbdb = 0.0;
    } else {
      // linear region
      const Alphaz = Vgst / Vdsat;
      T1 = 2.0 * Vdsat - Vds;
      T2 = Vds / (3.0 * T1);
      T3 = T2 * Vds;
      T9 = 0.25 * CoxWL;
      T4 = T9 * Alphaz;
      qgate = CoxWL * (Vgs_eff - Vfb - phi - 0.5 * (Vds - T3));
      T5 = T3 / T1;
      cggb = CoxWL * (1.0 - T5 * dVdsat_dVg) * dVgs_eff_dVg;
      const tmpg = -CoxWL * T5 * dVdsat_dVb;
      cgdb = CoxWL * (T2 - 0.5 + 0.5 * T5);
      cgsb = -(cggb + tmpg + cgdb);
      T6 = 1.0 / Vdsat;
      const dAlphaz_dVg = T6 * (1.0 - Alphaz * dVdsat_dVg);
      const dAlphaz_dVb = -T6 * (dVth_dVb + Alphaz * dVdsat_dVb);
      if (cv.xpart > 0.5) {
        // 0/100
        T7 = 2.0 * Vds - T1 - 3.0 * T3;
        T8 = T3 - T1 - 2.0 * Vds;
        T10 = T4 * T8;
        qdrn = T4 * T7;
        qbulk = -(qgate + qdrn + T10);
        T7 = T9 * T7;
        T8 = T9 * T8;
        T9 = 2.0 * T4 * (1.0 - 3.0 * T5);
        cdgb = (T7 * dAlphaz_dVg - T9 * dVdsat_dVg) * dVgs_eff_dVg;
        T12 = T7 * dAlphaz_dVb - T9 * dVdsat_dVb;
        cddb = T4 * (3.0 - 6.0 * T2 - 3.0 * T5);
        cdsb = -(cdgb + T12 + cddb);
        T9 = 2.0 * T4 * (1.0 + T5);
        T10 = (T8 * dAlphaz_dVg - T9 * dVdsat_dVg) * dVgs_eff_dVg;
        T11 = T8 * dAlphaz_dVb - T9 * dVdsat_dVb;
        T12 = T4 * (2.0 * T2 + T5 - 1.0);
        T0 = -(T10 + T11 + T12);
        cbgb = -(cggb + cdgb + T10);
        cbdb = -(cgdb + cddb + T12);
        cbsb = -(cgsb + cdsb + T0);
      } else if (cv.xpart < 0.5) {
        // 40/60
        T6 = 8.0 * Vdsat * Vdsat - 6.0 * Vdsat * Vds + 1.2 * Vds * Vds;
        T8 = T2 / T1;
        T7 = Vds - T1 - T8 * T6;
        qdrn = T4 * T7;
        T7 *= T9;
        let tmp = T8 / T1;
        const tmp1 = T4 * (2.0 - 4.0 * tmp * T6 + T8 * (16.0 * Vdsat - 6.0 * Vds));
        cdgb = (T7 * dAlphaz_dVg - tmp1 * dVdsat_dVg) * dVgs_eff_dVg;
        T10 = T7 * dAlphaz_dVb - tmp1 * dVdsat_dVb;
        cddb = T4 * (2.0 - (1.0 / (3.0 * T1 * T1) + 2.0 * tmp) * T6 + T8 * (6.0 * Vdsat - 2.4 * Vds));
        cdsb = -(cdgb + T10 + cddb);
        T7 = 2.0 * (T1 + T3);
        qbulk = -(qgate - T4 * T7);
        T7 *= T9;
        T0 = 4.0 * T4 * (1.0 - T5);
        T12 = (-T7 * dAlphaz_dVg - cdgb - T0 * dVdsat_dVg) * dVgs_eff_dVg;
        T11 = -T7 * dAlphaz_dVb - T10 - T0 * dVdsat_dVb;
        T10 = -4.0 * T4 * (T2 - 0.5 + 0.5 * T5) - cddb;
        tmp = -(T10 + T11 + T12);
        cbgb = -(cggb + cdgb + T12);
        cbdb = -(cgdb + cddb + T10);
        cbsb = -(cgsb + cdsb + tmp);
      } else {
        // 50/50
        T7 = T1 + T3;
        qdrn = -T4 * T7;
        qbulk = -(qgate + qdrn + qdrn);
        T7 *= T9;
        T0 = T4 * (2.0 * T5 - 2.0);
        cdgb = (T0 * dVdsat_dVg - T7 * dAlphaz_dVg) * dVgs_eff_dVg;
        T12 = T0 * dVdsat_dVb - T7 * dAlphaz_dVb;
        cddb = T4 * (1.0 - 2.0 * T2 - T5);
        cdsb = -(cdgb + T12 + cddb);
        cbgb = -(cggb + 2.0 * cdgb);
        cbdb = -(cgdb + 2.0 * cddb);
        cbsb = -(cgsb + 2.0 * cdsb);
      }
    }
  }
  const eg = inp.dVgsEff_dVg;
  fq[0] = qdrn;
  fq[1] = qgate;
  fq[3] = qbulk;
  fq[2] = -(qgate + qbulk + qdrn);
  // (Vgs, Vds, Vbs) derivatives: d/dVbs = -(cxgb + cxdb + cxsb)
  const put = (r: number, cg: number, cd: number, cs: number) => {
    fdv[r * 3] = cg * eg;
    fdv[r * 3 + 1] = cd;
    fdv[r * 3 + 2] = -(cg + cd + cs);
  };
  put(0, cdgb, cddb, cdsb);
  put(1, cggb, cgdb, cgsb);
  put(3, cbgb, cbdb, cbsb);
  for (let k = 0; k < 3; k++) fdv[6 + k] = -(fdv[k] + fdv[3 + k] + fdv[9 + k]);
}

/**
 * CAPMOD 1, 2, 3 in the frame (b3ld.c), with derivatives by (Vgs, Vds,
 * Vbs): the CV overdrive Vgsteff with NOFF and VOFFCV, the flat band
 * VFBZB, Abulk_CV = Abulk0 (1 + (CLC / Leff_CV)^CLE); CAPMOD 3 adds the
 * charge thickness (Tcen, Coxeff) and the gate-bias dependent DeltaPhi.
 */
function capMod123(P: Bsim3Instance, cv: Bsim3CvParams, inp: Bsim3CvInputs, Vds: number): void {
  const Vbseff = inp.vbseff;
  const phi = P.phi;
  const k1ox = P.k1ox;
  const Vtm = P.vtm;
  let VbseffCV: number, dVbseffCV_dVb: number;
  if (Vbseff < 0.0) {
    VbseffCV = Vbseff;
    dVbseffCV_dVb = 1.0;
  } else {
    // phi - Phis: Phis = phi^2 / (phi + Vbseff)
    const T0 = phi / (phi + Vbseff);
    VbseffCV = phi - phi * T0;
    dVbseffCV_dVb = T0 * T0;
  }
  const CoxWL = cv.coxWL;
  const Vgs_eff = inp.vgsEff;
  const dVgs_eff_dVg = inp.dVgsEff_dVg;
  const Vth = inp.vth;
  const dVth_dVb = inp.dVth_dVb;
  const dVth_dVd = inp.dVth_dVd;
  const Vgst = Vgs_eff - Vth;
  const n = inp.n;
  // the CV overdrive, with NOFF and VOFFCV
  const noff = n * cv.noff;
  const dnoff_dVd = cv.noff * inp.dn_dVd;
  const dnoff_dVb = cv.noff * inp.dn_dVb;
  let T0 = Vtm * noff;
  const voffcv = cv.voffcv;
  const VgstNVt = (Vgst - voffcv) / T0;
  let Vgsteff: number, dVgsteff_dVg: number, dVgsteff_dVd: number, dVgsteff_dVb: number;
  if (VgstNVt > EXP_THRESHOLD) {
    Vgsteff = Vgst - voffcv;
    dVgsteff_dVg = dVgs_eff_dVg;
    dVgsteff_dVd = -dVth_dVd;
    dVgsteff_dVb = -dVth_dVb;
  } else if (VgstNVt < -EXP_THRESHOLD) {
    Vgsteff = T0 * Math.log(1.0 + MIN_EXP);
    dVgsteff_dVg = 0.0;
    dVgsteff_dVd = Vgsteff / noff;
    dVgsteff_dVb = dVgsteff_dVd * dnoff_dVb;
    dVgsteff_dVd *= dnoff_dVd;
  } else {
    const ExpVgst = Math.exp(VgstNVt);
    Vgsteff = T0 * Math.log(1.0 + ExpVgst);
    dVgsteff_dVg = ExpVgst / (1.0 + ExpVgst);
    dVgsteff_dVd = -dVgsteff_dVg * (dVth_dVd + ((Vgst - voffcv) / noff) * dnoff_dVd) + (Vgsteff / noff) * dnoff_dVd;
    dVgsteff_dVb = -dVgsteff_dVg * (dVth_dVb + ((Vgst - voffcv) / noff) * dnoff_dVb) + (Vgsteff / noff) * dnoff_dVb;
    dVgsteff_dVg *= dVgs_eff_dVg;
  }
  const AbulkCV = inp.abulk0 * cv.abulkCVfactor;
  const dAbulkCV_dVb = cv.abulkCVfactor * inp.dAbulk0_dVb;
  const xpart = cv.xpart;
  let qgate: number, qbulk: number, qsrc: number;
  let Cgg: number, Cgd: number, Cgb: number, Cbg: number, Cbd: number, Cbb: number, Csg: number, Csd: number, Csb: number;
  let T1: number, T2: number, T3: number, T4: number, T5: number, T6: number, T7: number;
  if (cv.capMod === 1) {
    const Vfb = cv.vfbzb;
    const Arg1 = Vgs_eff - VbseffCV - Vfb - Vgsteff;
    if (Arg1 <= 0.0) {
      qgate = CoxWL * Arg1;
      Cgg = CoxWL * (dVgs_eff_dVg - dVgsteff_dVg);
      Cgd = -CoxWL * dVgsteff_dVd;
      Cgb = -CoxWL * (dVbseffCV_dVb + dVgsteff_dVb);
    } else {
      T0 = 0.5 * k1ox;
      T1 = Math.sqrt(T0 * T0 + Arg1);
      T2 = (CoxWL * T0) / T1;
      qgate = CoxWL * k1ox * (T1 - T0);
      Cgg = T2 * (dVgs_eff_dVg - dVgsteff_dVg);
      Cgd = -T2 * dVgsteff_dVd;
      Cgb = -T2 * (dVbseffCV_dVb + dVgsteff_dVb);
    }
    qbulk = -qgate;
    Cbg = -Cgg;
    Cbd = -Cgd;
    Cbb = -Cgb;
    const One_Third_CoxWL = CoxWL / 3.0;
    const Two_Third_CoxWL = 2.0 * One_Third_CoxWL;
    const VdsatCV = Vgsteff / AbulkCV;
    if (VdsatCV < Vds) {
      const dVdsatCV_dVg = 1.0 / AbulkCV;
      const dVdsatCV_dVb = (-VdsatCV * dAbulkCV_dVb) / AbulkCV;
      T0 = Vgsteff - VdsatCV / 3.0;
      let dT0_dVg = 1.0 - dVdsatCV_dVg / 3.0;
      let dT0_dVb = -dVdsatCV_dVb / 3.0;
      qgate += CoxWL * T0;
      let Cgg1 = CoxWL * dT0_dVg;
      const Cgb1 = CoxWL * dT0_dVb + Cgg1 * dVgsteff_dVb;
      const Cgd1 = Cgg1 * dVgsteff_dVd;
      Cgg1 *= dVgsteff_dVg;
      Cgg += Cgg1;
      Cgb += Cgb1;
      Cgd += Cgd1;
      T0 = VdsatCV - Vgsteff;
      dT0_dVg = dVdsatCV_dVg - 1.0;
      dT0_dVb = dVdsatCV_dVb;
      qbulk += One_Third_CoxWL * T0;
      let Cbg1 = One_Third_CoxWL * dT0_dVg;
      const Cbb1 = One_Third_CoxWL * dT0_dVb + Cbg1 * dVgsteff_dVb;
      const Cbd1 = Cbg1 * dVgsteff_dVd;
      Cbg1 *= dVgsteff_dVg;
      Cbg += Cbg1;
      Cbb += Cbb1;
      Cbd += Cbd1;
      T0 = xpart > 0.5 ? -Two_Third_CoxWL : xpart < 0.5 ? -0.4 * CoxWL : -One_Third_CoxWL;
      qsrc = T0 * Vgsteff;
      Csg = T0 * dVgsteff_dVg;
      Csb = T0 * dVgsteff_dVb;
      Csd = T0 * dVgsteff_dVd;
    } else {
      T0 = AbulkCV * Vds;
      T1 = 12.0 * (Vgsteff - 0.5 * T0 + 1e-20);
      T2 = Vds / T1;
      T3 = T0 * T2;
      const dT3_dVg = -12.0 * T2 * T2 * AbulkCV;
      const dT3_dVd = (6.0 * T0 * (4.0 * Vgsteff - T0)) / T1 / T1 - 0.5;
      const dT3_dVb = 12.0 * T2 * T2 * dAbulkCV_dVb * Vgsteff;
      qgate += CoxWL * (Vgsteff - 0.5 * Vds + T3);
      let Cgg1 = CoxWL * (1.0 + dT3_dVg);
      const Cgb1 = CoxWL * dT3_dVb + Cgg1 * dVgsteff_dVb;
      const Cgd1 = CoxWL * dT3_dVd + Cgg1 * dVgsteff_dVd;
      Cgg1 *= dVgsteff_dVg;
      Cgg += Cgg1;
      Cgb += Cgb1;
      Cgd += Cgd1;
      qbulk += CoxWL * (1.0 - AbulkCV) * (0.5 * Vds - T3);
      let Cbg1 = -CoxWL * ((1.0 - AbulkCV) * dT3_dVg);
      const Cbb1 = -CoxWL * ((1.0 - AbulkCV) * dT3_dVb + (0.5 * Vds - T3) * dAbulkCV_dVb) + Cbg1 * dVgsteff_dVb;
      const Cbd1 = -CoxWL * (1.0 - AbulkCV) * dT3_dVd + Cbg1 * dVgsteff_dVd;
      Cbg1 *= dVgsteff_dVg;
      Cbg += Cbg1;
      Cbb += Cbb1;
      Cbd += Cbd1;
      if (xpart > 0.5) {
        // 0/100
        T1 = T1 + T1;
        qsrc = -CoxWL * (0.5 * Vgsteff + 0.25 * T0 - (T0 * T0) / T1);
        Csg = -CoxWL * (0.5 + (((24.0 * T0 * Vds) / T1 / T1) * AbulkCV));
        Csb = -CoxWL * (0.25 * Vds * dAbulkCV_dVb - ((12.0 * T0 * Vds) / T1 / T1) * (4.0 * Vgsteff - T0) * dAbulkCV_dVb) + Csg * dVgsteff_dVb;
        Csd = -CoxWL * (0.25 * AbulkCV - ((12.0 * AbulkCV * T0) / T1 / T1) * (4.0 * Vgsteff - T0)) + Csg * dVgsteff_dVd;
        Csg *= dVgsteff_dVg;
      } else if (xpart < 0.5) {
        // 40/60
        T1 = T1 / 12.0;
        T2 = (0.5 * CoxWL) / (T1 * T1);
        T3 = Vgsteff * ((2.0 * T0 * T0) / 3.0 + Vgsteff * (Vgsteff - (4.0 * T0) / 3.0)) - (2.0 * T0 * T0 * T0) / 15.0;
        qsrc = -T2 * T3;
        T4 = (4.0 / 3.0) * Vgsteff * (Vgsteff - T0) + 0.4 * T0 * T0;
        Csg = (-2.0 * qsrc) / T1 - T2 * (Vgsteff * (3.0 * Vgsteff - (8.0 * T0) / 3.0) + (2.0 * T0 * T0) / 3.0);
        Csb = ((qsrc / T1) * Vds + T2 * T4 * Vds) * dAbulkCV_dVb + Csg * dVgsteff_dVb;
        Csd = (qsrc / T1 + T2 * T4) * AbulkCV + Csg * dVgsteff_dVd;
        Csg *= dVgsteff_dVg;
      } else {
        // 50/50
        qsrc = -0.5 * (qgate + qbulk);
        Csg = -0.5 * (Cgg1 + Cbg1);
        Csb = -0.5 * (Cgb1 + Cbb1);
        Csd = -0.5 * (Cgd1 + Cbd1);
      }
    }
  } else if (cv.capMod === 2) {
    const Vfb = cv.vfbzb;
    const V3 = Vfb - Vgs_eff + VbseffCV - DELTA_3;
    T0 = Vfb <= 0.0 ? Math.sqrt(V3 * V3 - 4.0 * DELTA_3 * Vfb) : Math.sqrt(V3 * V3 + 4.0 * DELTA_3 * Vfb);
    T1 = 0.5 * (1.0 + V3 / T0);
    const Vfbeff = Vfb - 0.5 * (V3 + T0);
    const dVfbeff_dVg = T1 * dVgs_eff_dVg;
    const dVfbeff_dVb = -T1 * dVbseffCV_dVb;
    const Qac0 = CoxWL * (Vfbeff - Vfb);
    const dQac0_dVg = CoxWL * dVfbeff_dVg;
    const dQac0_dVb = CoxWL * dVfbeff_dVb;
    T0 = 0.5 * k1ox;
    T3 = Vgs_eff - Vfbeff - VbseffCV - Vgsteff;
    if (k1ox === 0.0) {
      T1 = 0.0;
      T2 = 0.0;
    } else if (T3 < 0.0) {
      T1 = T0 + T3 / k1ox;
      T2 = CoxWL;
    } else {
      T1 = Math.sqrt(T0 * T0 + T3);
      T2 = (CoxWL * T0) / T1;
    }
    const Qsub0 = CoxWL * k1ox * (T1 - T0);
    const dQsub0_dVg = T2 * (dVgs_eff_dVg - dVfbeff_dVg - dVgsteff_dVg);
    const dQsub0_dVd = -T2 * dVgsteff_dVd;
    const dQsub0_dVb = -T2 * (dVfbeff_dVb + dVbseffCV_dVb + dVgsteff_dVb);
    const VdsatCV = Vgsteff / AbulkCV;
    const V4 = VdsatCV - Vds - DELTA_4;
    T0 = Math.sqrt(V4 * V4 + 4.0 * DELTA_4 * VdsatCV);
    let VdseffCV = VdsatCV - 0.5 * (V4 + T0);
    T1 = 0.5 * (1.0 + V4 / T0);
    T2 = DELTA_4 / T0;
    T3 = (1.0 - T1 - T2) / AbulkCV;
    let dVdseffCV_dVg = T3;
    const dVdseffCV_dVd = T1;
    let dVdseffCV_dVb = -T3 * VdsatCV * dAbulkCV_dVb;
    if (Vds === 0.0) {
      VdseffCV = 0.0;
      dVdseffCV_dVg = 0.0;
      dVdseffCV_dVb = 0.0;
    }
    T0 = AbulkCV * VdseffCV;
    T1 = 12.0 * (Vgsteff - 0.5 * T0 + 1e-20);
    T2 = VdseffCV / T1;
    T3 = T0 * T2;
    T4 = 1.0 - 12.0 * T2 * T2 * AbulkCV;
    T5 = (6.0 * T0 * (4.0 * Vgsteff - T0)) / (T1 * T1) - 0.5;
    T6 = 12.0 * T2 * T2 * Vgsteff;
    qgate = CoxWL * (Vgsteff - 0.5 * VdseffCV + T3);
    let Cgg1 = CoxWL * (T4 + T5 * dVdseffCV_dVg);
    const Cgd1 = CoxWL * T5 * dVdseffCV_dVd + Cgg1 * dVgsteff_dVd;
    const Cgb1 = CoxWL * (T5 * dVdseffCV_dVb + T6 * dAbulkCV_dVb) + Cgg1 * dVgsteff_dVb;
    Cgg1 *= dVgsteff_dVg;
    T7 = 1.0 - AbulkCV;
    qbulk = CoxWL * T7 * (0.5 * VdseffCV - T3);
    T4 = -T7 * (T4 - 1.0);
    T5 = -T7 * T5;
    T6 = -(T7 * T6 + (0.5 * VdseffCV - T3));
    let Cbg1 = CoxWL * (T4 + T5 * dVdseffCV_dVg);
    const Cbd1 = CoxWL * T5 * dVdseffCV_dVd + Cbg1 * dVgsteff_dVd;
    const Cbb1 = CoxWL * (T5 * dVdseffCV_dVb + T6 * dAbulkCV_dVb) + Cbg1 * dVgsteff_dVb;
    Cbg1 *= dVgsteff_dVg;
    if (xpart > 0.5) {
      // 0/100
      T1 = T1 + T1;
      qsrc = -CoxWL * (0.5 * Vgsteff + 0.25 * T0 - (T0 * T0) / T1);
      T7 = (4.0 * Vgsteff - T0) / (T1 * T1);
      T4 = -(0.5 + (24.0 * T0 * T0) / (T1 * T1));
      T5 = -(0.25 * AbulkCV - 12.0 * AbulkCV * T0 * T7);
      T6 = -(0.25 * VdseffCV - 12.0 * T0 * VdseffCV * T7);
      Csg = CoxWL * (T4 + T5 * dVdseffCV_dVg);
      Csd = CoxWL * T5 * dVdseffCV_dVd + Csg * dVgsteff_dVd;
      Csb = CoxWL * (T5 * dVdseffCV_dVb + T6 * dAbulkCV_dVb) + Csg * dVgsteff_dVb;
      Csg *= dVgsteff_dVg;
    } else if (xpart < 0.5) {
      // 40/60
      T1 = T1 / 12.0;
      T2 = (0.5 * CoxWL) / (T1 * T1);
      T3 = Vgsteff * ((2.0 * T0 * T0) / 3.0 + Vgsteff * (Vgsteff - (4.0 * T0) / 3.0)) - (2.0 * T0 * T0 * T0) / 15.0;
      qsrc = -T2 * T3;
      T7 = (4.0 / 3.0) * Vgsteff * (Vgsteff - T0) + 0.4 * T0 * T0;
      T4 = (-2.0 * qsrc) / T1 - T2 * (Vgsteff * (3.0 * Vgsteff - (8.0 * T0) / 3.0) + (2.0 * T0 * T0) / 3.0);
      T5 = (qsrc / T1 + T2 * T7) * AbulkCV;
      T6 = (qsrc / T1) * VdseffCV + T2 * T7 * VdseffCV;
      Csg = T4 + T5 * dVdseffCV_dVg;
      Csd = T5 * dVdseffCV_dVd + Csg * dVgsteff_dVd;
      Csb = T5 * dVdseffCV_dVb + T6 * dAbulkCV_dVb + Csg * dVgsteff_dVb;
      Csg *= dVgsteff_dVg;
    } else {
      // 50/50
      qsrc = -0.5 * (qgate + qbulk);
      Csg = -0.5 * (Cgg1 + Cbg1);
      Csb = -0.5 * (Cgb1 + Cbb1);
      Csd = -0.5 * (Cgd1 + Cbd1);
    }
    qgate += Qac0 + Qsub0;
    qbulk -= Qac0 + Qsub0;
    Cgg = dQac0_dVg + dQsub0_dVg + Cgg1;
    Cgd = dQsub0_dVd + Cgd1;
    Cgb = dQac0_dVb + dQsub0_dVb + Cgb1;
    Cbg = Cbg1 - dQac0_dVg - dQsub0_dVg;
    Cbd = Cbd1 - dQsub0_dVd;
    Cbb = Cbb1 - dQac0_dVb - dQsub0_dVb;
  } else {
    // CAPMOD 3: charge thickness model
    const vfbzb = cv.vfbzb;
    let V3 = vfbzb - Vgs_eff + VbseffCV - DELTA_3;
    T0 = vfbzb <= 0.0 ? Math.sqrt(V3 * V3 - 4.0 * DELTA_3 * vfbzb) : Math.sqrt(V3 * V3 + 4.0 * DELTA_3 * vfbzb);
    T1 = 0.5 * (1.0 + V3 / T0);
    const Vfbeff = vfbzb - 0.5 * (V3 + T0);
    const dVfbeff_dVg = T1 * dVgs_eff_dVg;
    const dVfbeff_dVb = -T1 * dVbseffCV_dVb;
    const Cox = P.model.cox;
    let Tox = 1.0e8 * P.model.p.tox;
    T0 = (Vgs_eff - VbseffCV - vfbzb) / Tox;
    let dT0_dVg = dVgs_eff_dVg / Tox;
    let dT0_dVb = -dVbseffCV_dVb / Tox;
    let tmp = T0 * cv.acde;
    let Tcen: number, dTcen_dVg: number, dTcen_dVb: number;
    if (-EXP_THRESHOLD < tmp && tmp < EXP_THRESHOLD) {
      Tcen = cv.ldeb * Math.exp(tmp);
      dTcen_dVg = cv.acde * Tcen;
      dTcen_dVb = dTcen_dVg * dT0_dVb;
      dTcen_dVg *= dT0_dVg;
    } else if (tmp <= -EXP_THRESHOLD) {
      Tcen = cv.ldeb * MIN_EXP;
      dTcen_dVg = dTcen_dVb = 0.0;
    } else {
      Tcen = cv.ldeb * MAX_EXP;
      dTcen_dVg = dTcen_dVb = 0.0;
    }
    const LINK = 1.0e-3 * P.model.p.tox;
    V3 = cv.ldeb - Tcen - LINK;
    const V4 = Math.sqrt(V3 * V3 + 4.0 * LINK * cv.ldeb);
    Tcen = cv.ldeb - 0.5 * (V3 + V4);
    T1 = 0.5 * (1.0 + V3 / V4);
    dTcen_dVg *= T1;
    dTcen_dVb *= T1;
    let Ccen = EPSSI / Tcen;
    T2 = Cox / (Cox + Ccen);
    let Coxeff = T2 * Ccen;
    T3 = -Ccen / Tcen;
    let dCoxeff_dVg = T2 * T2 * T3;
    let dCoxeff_dVb = dCoxeff_dVg * dTcen_dVb;
    dCoxeff_dVg *= dTcen_dVg;
    let CoxWLcen = (CoxWL * Coxeff) / Cox;
    const Qac0 = CoxWLcen * (Vfbeff - vfbzb);
    let QovCox = Qac0 / Coxeff;
    const dQac0_dVg = CoxWLcen * dVfbeff_dVg + QovCox * dCoxeff_dVg;
    const dQac0_dVb = CoxWLcen * dVfbeff_dVb + QovCox * dCoxeff_dVb;
    T0 = 0.5 * k1ox;
    T3 = Vgs_eff - Vfbeff - VbseffCV - Vgsteff;
    if (k1ox === 0.0) {
      T1 = 0.0;
      T2 = 0.0;
    } else if (T3 < 0.0) {
      T1 = T0 + T3 / k1ox;
      T2 = CoxWLcen;
    } else {
      T1 = Math.sqrt(T0 * T0 + T3);
      T2 = (CoxWLcen * T0) / T1;
    }
    const Qsub0 = CoxWLcen * k1ox * (T1 - T0);
    QovCox = Qsub0 / Coxeff;
    const dQsub0_dVg = T2 * (dVgs_eff_dVg - dVfbeff_dVg - dVgsteff_dVg) + QovCox * dCoxeff_dVg;
    const dQsub0_dVd = -T2 * dVgsteff_dVd;
    const dQsub0_dVb = -T2 * (dVfbeff_dVb + dVbseffCV_dVb + dVgsteff_dVb) + QovCox * dCoxeff_dVb;
    // gate-bias dependent delta Phis
    let Denomi: number;
    if (k1ox <= 0.0) {
      Denomi = 0.25 * cv.moin * Vtm;
      T0 = 0.5 * P.sqrtPhi;
    } else {
      Denomi = cv.moin * Vtm * k1ox * k1ox;
      T0 = k1ox * P.sqrtPhi;
    }
    T1 = 2.0 * T0 + Vgsteff;
    const DeltaPhi = Vtm * Math.log(1.0 + (T1 * Vgsteff) / Denomi);
    const dDeltaPhi_dVg = (2.0 * Vtm * (T1 - T0)) / (Denomi + T1 * Vgsteff);
    // VgDP = Vgsteff - DeltaPhi, smoothly positive
    T0 = Vgsteff - DeltaPhi - 0.001;
    dT0_dVg = 1.0 - dDeltaPhi_dVg;
    T1 = Math.sqrt(T0 * T0 + Vgsteff * 0.004);
    const VgDP = 0.5 * (T0 + T1);
    const dVgDP_dVg = 0.5 * (dT0_dVg + (T0 * dT0_dVg + 0.002) / T1);
    T3 = 4.0 * (Vth - vfbzb - phi);
    Tox += Tox;
    let dT0_dVd: number;
    if (T3 >= 0.0) {
      T0 = (Vgsteff + T3) / Tox;
      dT0_dVd = (dVgsteff_dVd + 4.0 * dVth_dVd) / Tox;
      dT0_dVb = (dVgsteff_dVb + 4.0 * dVth_dVb) / Tox;
    } else {
      T0 = (Vgsteff + 1.0e-20) / Tox;
      dT0_dVd = dVgsteff_dVd / Tox;
      dT0_dVb = dVgsteff_dVb / Tox;
    }
    tmp = Math.exp(0.7 * Math.log(T0));
    T1 = 1.0 + tmp;
    T2 = (0.7 * tmp) / (T0 * Tox);
    Tcen = 1.9e-9 / T1;
    dTcen_dVg = (-1.9e-9 * T2) / T1 / T1;
    let dTcen_dVd = Tox * dTcen_dVg;
    dTcen_dVb = dTcen_dVd * dT0_dVb;
    dTcen_dVd *= dT0_dVd;
    dTcen_dVg *= dVgsteff_dVg;
    Ccen = EPSSI / Tcen;
    T0 = Cox / (Cox + Ccen);
    Coxeff = T0 * Ccen;
    T1 = -Ccen / Tcen;
    dCoxeff_dVg = T0 * T0 * T1;
    const dCoxeff_dVd = dCoxeff_dVg * dTcen_dVd;
    dCoxeff_dVb = dCoxeff_dVg * dTcen_dVb;
    dCoxeff_dVg *= dTcen_dVg;
    CoxWLcen = (CoxWL * Coxeff) / Cox;
    const VdsatCV = VgDP / AbulkCV;
    T0 = VdsatCV - Vds - DELTA_4;
    dT0_dVg = dVgDP_dVg / AbulkCV;
    dT0_dVb = (-VdsatCV * dAbulkCV_dVb) / AbulkCV;
    T1 = Math.sqrt(T0 * T0 + 4.0 * DELTA_4 * VdsatCV);
    let dT1_dVg = (T0 + DELTA_4 + DELTA_4) / T1;
    const dT1_dVd = -T0 / T1;
    const dT1_dVb = dT1_dVg * dT0_dVb;
    dT1_dVg *= dT0_dVg;
    let VdseffCV: number, dVdseffCV_dVg: number, dVdseffCV_dVd: number, dVdseffCV_dVb: number;
    if (T0 >= 0.0) {
      VdseffCV = VdsatCV - 0.5 * (T0 + T1);
      dVdseffCV_dVg = 0.5 * (dT0_dVg - dT1_dVg);
      dVdseffCV_dVd = 0.5 * (1.0 - dT1_dVd);
      dVdseffCV_dVb = 0.5 * (dT0_dVb - dT1_dVb);
    } else {
      T3 = (DELTA_4 + DELTA_4) / (T1 - T0);
      T4 = 1.0 - T3;
      T5 = (VdsatCV * T3) / (T1 - T0);
      VdseffCV = VdsatCV * T4;
      dVdseffCV_dVg = dT0_dVg * T4 + T5 * (dT1_dVg - dT0_dVg);
      dVdseffCV_dVd = T5 * (dT1_dVd + 1.0);
      // b3ld.c writes dT0_dVb (1 - T5) + T5 dT1_dVb, which drops -dT0_dVb T3 (the derivative of T4); the exact one:
      dVdseffCV_dVb = dT0_dVb * T4 + T5 * (dT1_dVb - dT0_dVb);
    }
    if (Vds === 0.0) {
      VdseffCV = 0.0;
      dVdseffCV_dVg = 0.0;
      dVdseffCV_dVb = 0.0;
    }
    T0 = AbulkCV * VdseffCV;
    T1 = VgDP;
    T2 = 12.0 * (T1 - 0.5 * T0 + 1.0e-20);
    T3 = T0 / T2;
    T4 = 1.0 - 12.0 * T3 * T3;
    T5 = AbulkCV * ((6.0 * T0 * (4.0 * T1 - T0)) / (T2 * T2) - 0.5);
    T6 = (T5 * VdseffCV) / AbulkCV;
    qgate = CoxWLcen * (T1 - T0 * (0.5 - T3));
    QovCox = qgate / Coxeff;
    let Cgg1 = CoxWLcen * (T4 * dVgDP_dVg + T5 * dVdseffCV_dVg);
    const Cgd1 = CoxWLcen * T5 * dVdseffCV_dVd + Cgg1 * dVgsteff_dVd + QovCox * dCoxeff_dVd;
    const Cgb1 = CoxWLcen * (T5 * dVdseffCV_dVb + T6 * dAbulkCV_dVb) + Cgg1 * dVgsteff_dVb + QovCox * dCoxeff_dVb;
    Cgg1 = Cgg1 * dVgsteff_dVg + QovCox * dCoxeff_dVg;
    T7 = 1.0 - AbulkCV;
    const T8 = T2 * T2;
    const T9 = (12.0 * T7 * T0 * T0) / (T8 * AbulkCV);
    const T10 = T9 * dVgDP_dVg;
    const T11 = (-T7 * T5) / AbulkCV;
    const T12 = -((T9 * T1) / AbulkCV + VdseffCV * (0.5 - T0 / T2));
    qbulk = CoxWLcen * T7 * (0.5 * VdseffCV - (T0 * VdseffCV) / T2);
    QovCox = qbulk / Coxeff;
    let Cbg1 = CoxWLcen * (T10 + T11 * dVdseffCV_dVg);
    const Cbd1 = CoxWLcen * T11 * dVdseffCV_dVd + Cbg1 * dVgsteff_dVd + QovCox * dCoxeff_dVd;
    const Cbb1 = CoxWLcen * (T11 * dVdseffCV_dVb + T12 * dAbulkCV_dVb) + Cbg1 * dVgsteff_dVb + QovCox * dCoxeff_dVb;
    Cbg1 = Cbg1 * dVgsteff_dVg + QovCox * dCoxeff_dVg;
    if (xpart > 0.5) {
      // 0/100
      qsrc = -CoxWLcen * (T1 / 2.0 + T0 / 4.0 - (0.5 * T0 * T0) / T2);
      QovCox = qsrc / Coxeff;
      T2 += T2;
      T3 = T2 * T2;
      T7 = -(0.25 - (12.0 * T0 * (4.0 * T1 - T0)) / T3);
      T4 = -(0.5 + (24.0 * T0 * T0) / T3) * dVgDP_dVg;
      T5 = T7 * AbulkCV;
      T6 = T7 * VdseffCV;
      Csg = CoxWLcen * (T4 + T5 * dVdseffCV_dVg);
      Csd = CoxWLcen * T5 * dVdseffCV_dVd + Csg * dVgsteff_dVd + QovCox * dCoxeff_dVd;
      Csb = CoxWLcen * (T5 * dVdseffCV_dVb + T6 * dAbulkCV_dVb) + Csg * dVgsteff_dVb + QovCox * dCoxeff_dVb;
      Csg = Csg * dVgsteff_dVg + QovCox * dCoxeff_dVg;
    } else if (xpart < 0.5) {
      // 40/60
      T2 = T2 / 12.0;
      T3 = (0.5 * CoxWLcen) / (T2 * T2);
      T4 = T1 * ((2.0 * T0 * T0) / 3.0 + T1 * (T1 - (4.0 * T0) / 3.0)) - (2.0 * T0 * T0 * T0) / 15.0;
      qsrc = -T3 * T4;
      QovCox = qsrc / Coxeff;
      const T8b = (4.0 / 3.0) * T1 * (T1 - T0) + 0.4 * T0 * T0;
      T5 = (-2.0 * qsrc) / T2 - T3 * (T1 * (3.0 * T1 - (8.0 * T0) / 3.0) + (2.0 * T0 * T0) / 3.0);
      T6 = AbulkCV * (qsrc / T2 + T3 * T8b);
      T7 = (T6 * VdseffCV) / AbulkCV;
      Csg = T5 * dVgDP_dVg + T6 * dVdseffCV_dVg;
      Csd = Csg * dVgsteff_dVd + T6 * dVdseffCV_dVd + QovCox * dCoxeff_dVd;
      Csb = Csg * dVgsteff_dVb + T6 * dVdseffCV_dVb + T7 * dAbulkCV_dVb + QovCox * dCoxeff_dVb;
      Csg = Csg * dVgsteff_dVg + QovCox * dCoxeff_dVg;
    } else {
      // 50/50
      qsrc = -0.5 * qgate;
      Csg = -0.5 * Cgg1;
      Csd = -0.5 * Cgd1;
      Csb = -0.5 * Cgb1;
    }
    qgate += Qac0 + Qsub0 - qbulk;
    qbulk -= Qac0 + Qsub0;
    Cbg = Cbg1 - dQac0_dVg - dQsub0_dVg;
    Cbd = Cbd1 - dQsub0_dVd;
    Cbb = Cbb1 - dQac0_dVb - dQsub0_dVb;
    Cgg = Cgg1 - Cbg;
    Cgd = Cgd1 - Cbd;
    Cgb = Cgb1 - Cbb;
  }
  // Vbs derivatives: everything above is by Vbseff
  const sb = inp.dVbseff_dVb;
  fq[1] = qgate;
  fq[3] = qbulk;
  fq[2] = qsrc;
  fq[0] = -(qgate + qbulk + qsrc);
  fdv[3] = Cgg;
  fdv[4] = Cgd;
  fdv[5] = Cgb * sb;
  fdv[9] = Cbg;
  fdv[10] = Cbd;
  fdv[11] = Cbb * sb;
  fdv[6] = Csg;
  fdv[7] = Csd;
  fdv[8] = Csb * sb;
  for (let k = 0; k < 3; k++) fdv[k] = -(fdv[3 + k] + fdv[6 + k] + fdv[9 + k]);
}

/**
 * The charges and capacitances of transistor P at normalized (vgs, vds,
 * vbs), with `mode` and `inp` from the DC evaluation at the same voltages
 * (bsim3Eval), into out (without the multiplier M). Also returns the
 * voltage-dependent overlap capacitances and the junction capacitances
 * in out.C (they are part of it).
 */
export function bsim3Charges(P: Bsim3Instance, cv: Bsim3CvParams, mode: 1 | -1, inp: Bsim3CvInputs, vgs: number, vds: number, vbs: number, out: Bsim3ChargePoint): void {
  const q = out.q;
  const C = out.C;
  q.fill(0);
  C.fill(0);
  if (cv.xpart >= 0) {
    // the frame's voltages: reversed mode swaps drain and source
    const Vds = mode === 1 ? vds : -vds;
    const Vbs = mode === 1 ? vbs : vbs - vds;
    if (cv.capMod === 0) capMod0(P, cv, inp, Vds, Vbs);
    else capMod123(P, cv, inp, Vds);
    // frame rows/columns to terminals: frame drain fd, frame source fs; columns by (Vgs, Vds, Vbs) to nodes
    const fd = mode === 1 ? 0 : 2;
    const fs = mode === 1 ? 2 : 0;
    const rowOf = [fd, 1, fs, 3];
    for (let r = 0; r < 4; r++) {
      const R = rowOf[r];
      q[R] = fq[r];
      const dg = fdv[r * 3];
      const dd = fdv[r * 3 + 1];
      const db = fdv[r * 3 + 2];
      const o = R * 4;
      C[o + 1] = dg;
      C[o + fd] = dd;
      C[o + 3] = db;
      C[o + fs] = -(dg + dd + db);
    }
  }
  // overlaps: gate-source, gate-drain (terminal voltages), gate-bulk
  const vgd = vgs - vds;
  const vgb = vgs - vbs;
  const pair = (x: number, y: number, charge: number, cap: number) => {
    q[x] += charge;
    q[y] -= charge;
    C[x * 4 + x] += cap;
    C[y * 4 + y] += cap;
    C[x * 4 + y] -= cap;
    C[y * 4 + x] -= cap;
  };
  overlapCharge(cv, cv.cgso, cv.cgsl, vgs, jq);
  pair(1, 2, jq.q, jq.c);
  overlapCharge(cv, cv.cgdo, cv.cgdl, vgd, jq);
  pair(1, 0, jq.q, jq.c);
  pair(1, 3, cv.cgbo * vgb, cv.cgbo);
  // junctions: bulk-drain qbd(vbd), bulk-source qbs(vbs)
  junctionCharge(cv.drain, cv, vbs - vds, jq);
  pair(3, 0, jq.q, jq.c);
  junctionCharge(cv.source, cv, vbs, jq);
  pair(3, 2, jq.q, jq.c);
}

/** Why the charges of this card cannot run (NQSMOD / ACNQSMOD), or null. */
export function bsim3ChargeRefusal(inst: Bsim3Instance, analysis: "tran" | "ac"): string | null {
  const p = inst.model.p;
  if (p.nqsmod !== 0) return `NQSMOD=${p.nqsmod} (the non-quasi-static charge model) is not supported in ${analysis === "tran" ? "a transient" : "an AC analysis"}: eqspice models the quasi-static charges (NQSMOD=0)`;
  if (analysis === "ac" && p.acnqsmod !== 0) return `ACNQSMOD=${p.acnqsmod} (the non-quasi-static AC model) is not supported: eqspice models the quasi-static charges (ACNQSMOD=0)`;
  if (![0, 1, 2, 3].includes(p.capmod)) return `CAPMOD=${p.capmod} is not a BSIM3 charge model (0, 1, 2 or 3)`;
  return null;
}

