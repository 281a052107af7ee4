/**
 * MOSFET level 1 (Shichman-Hodges) as ngspice 39's mos1: model parameters
 * and their defaults (mos1set.c), the values derived from them and the
 * temperature (mos1temp.c), and the pure DC law (mos1load.c): the channel
 * current with its derivatives, and the bulk-source / bulk-drain junctions.
 * The model card of levels 2 and 3 (MosModelParams holds their parameters
 * too; their derivations and channels are in mos2-model.ts and
 * mos3-model.ts), and the choice of the level, once per model
 * (mosInstanceAt). What the levels share is in mos-shared.ts.
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
import type { Bsim3Model } from "../bsim3/bsim3-model.js";
import type { Bsim4Model } from "../bsim4/bsim4-model.js";
import { CHARGE, CONSTCtoK } from "../diode/diode-model.js";
import { mos2InstanceAt, type Mos2ModelExtra } from "./mos2-model.js";
import { mos3InstanceAt, type Mos3ModelExtra } from "./mos3-model.js";
import { mos6InstanceAt, type Mos6ModelExtra } from "./mos6-model.js";
import { EPS_OX, EPS_SI, KoverQ, NI, mosInstanceCommon, mosJunction, type MosChannelPoint, type MosGeometry, type MosInstance } from "./mos-shared.js";

export {
  MOS_GEOMETRY_DEFAULTS,
  fetlim,
  limvds,
  meyerHalfCaps,
  mosJunction,
  mosJunctionCharge,
  mosJunctionCubic,
  type MosChannelFn,
  type MosChannelPoint,
  type MosCharges,
  type MosGeometry,
  type MosInstance,
  type MosJunctionCap,
} from "./mos-shared.js";

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
  /** ngspice's MOSFET level (1, 2, 3 or 6); absent: 1. */
  level?: 1 | 2 | 3 | 6;
  /**
   * Levels 2 and 3 only (undefined: not given, each level's default):
   * XL length and XW width mask adjustments, WD width narrowing (m, level 3),
   * DELVTO threshold shift (V), VMAX carrier drift velocity (m/s), XJ
   * junction depth (m), NFS fast surface state density (cm^-2), DELTA width
   * effect on the threshold, ETA static feedback, THETA mobility modulation
   * (1/V), KAPPA saturation field factor (level 3); UCRIT critical field
   * (V/cm), UEXP and UTRA its exponent and transverse field coefficient, NEFF
   * total channel charge coefficient (level 2).
   */
  xl?: number;
  wd?: number;
  xw?: number;
  delvto?: number;
  vmax?: number;
  xj?: number;
  nfs?: number;
  delta?: number;
  eta?: number;
  theta?: number;
  kappa?: number;
  ucrit?: number;
  uexp?: number;
  utra?: number;
  neff?: number;
  /**
   * Level 6 only (undefined: not given, mos6set.c's default): KV saturation
   * voltage factor (2) and NV its exponent (0.5), KC saturation current
   * factor (5e-5, or 0.5 UO Cox with TOX) and NC its exponent (1), NVTH and
   * PS (accepted, unused by ngspice 39's mos6load.c), GAMMA1 linear body
   * coefficient (0), SIGMA static feedback (0), LAMBDA0 (LAMBDA) and
   * LAMBDA1 (0) channel-length modulation.
   */
  kv?: number;
  nv?: number;
  kc?: number;
  nc?: number;
  nvth?: number;
  ps6?: number;
  gamma1?: number;
  sigma?: number;
  lambda0?: number;
  lambda1?: number;
}

export function mosDefaults(type: 1 | -1, tnom: number): MosModelParams {
  return { type, lambda: 0, is: 1e-14, pb: 0.8, cgso: 0, cgdo: 0, cgbo: 0, mj: 0.5, mjsw: 0.5, js: 0, ld: 0, fc: 0.5, kf: 0, af: 1, tnom };
}

export { MOS_PARAM_ALIASES } from "./mos-shared.js";

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


/** A model's values after ngspice's preprocessing (mos1temp.c, mos2temp.c, mos3temp.c, model part), at TNOM. */
export interface MosModel {
  /** ngspice's MOSFET level. */
  level: 1 | 2 | 3 | 6;
  /** Level 2's and 3's own derived values (null at the other levels). */
  mos2: Mos2ModelExtra | null;
  mos3: Mos3ModelExtra | null;
  /** Level 6's own values (absent at the other levels); kp holds KC, lambda LAMBDA0. */
  mos6?: Mos6ModelExtra;
  type: 1 | -1;
  vt0: number;
  kp: number;
  gamma: number;
  phi: number;
  lambda: number;
  /** Oxide capacitance per area eps_ox / TOX (F/m^2); 0 without TOX (level 1; TOX defaults to 1e-7 m at levels 2 and 3). */
  coxArea: number;
  tnomK: number;
  params: MosModelParams;
  /** LEVEL=8 or 49: the BSIM3 card (then the fields above are level 1's placeholders, unused). */
  bsim3?: Bsim3Model;
  /** LEVEL=14 or 54: the BSIM4 card (then the fields above are level 1's placeholders, unused). */
  bsim4?: Bsim4Model;
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
  return { level: 1, mos2: null, mos3: null, type: p.type, vt0, kp, gamma, phi, lambda: p.lambda, coxArea, tnomK, params: p };
}

/**
 * The instance values at `tempC` (Celsius) of the model's level: level 1 as
 * mos1temp.c (mosInstanceCommon on Leff = L - 2 LD and W), levels 2 and 3
 * with their own constants (mos2InstanceAt, mos3InstanceAt).
 */
export function mosInstanceAt(mm: MosModel, g: MosGeometry, tempC: number): MosInstance {
  if (mm.level === 6) return mos6InstanceAt(mm, g, tempC);
  if (mm.level === 3) return mos3InstanceAt(mm, g, tempC);
  if (mm.level === 2) return mos2InstanceAt(mm, g, tempC);
  return mosInstanceCommon(mm, g, tempC, g.l - 2 * mm.params.ld, g.w, 0, 1, mosChannel, mosJunction);
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
 * gmbs = gm GAMMA / (2 sarg) (0 where sarg is clamped at 0), as mos1load.c:
 * the derivative d(-von)/d vbs' for vbs' <= 0, but not on the linear
 * continuation (vbs' > 0), where the derivative is GAMMA / (2 sqrt(PHI)).
 * eqspice stamps ngspice's value there on purpose: the solution is the same
 * either way, but a forward-biased bulk (a source follower's, a memory
 * cell's) would otherwise take other Newton steps than ngspice and, at
 * default tolerances, stop at another iterate (mosmem.cir: 2.8e-6 V apart
 * with the derivative, ngspice's answer to rounding with ngspice's gmbs).
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
    dsarg = 1 / (sarg + sarg); // ngspice's, not the continuation's derivative 1 / (2 sqrt(PHI)): see above
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
  p.channel(p, vgs, vds, vbs, ch);
  p.junction(p.sourceSatCur, p.vt, gmin, vbs, jScratch);
  const cbs = jScratch.i;
  p.junction(p.drainSatCur, p.vt, gmin, vbs - vds, jScratch);
  const cbd = jScratch.i;
  const ids = ch.mode * ch.cdrain;
  out[0] = t * (ids - cbd);
  out[1] = 0;
  out[2] = t * (-ids - cbs);
  out[3] = t * (cbd + cbs);
}

const channelScratch: MosChannelPoint = { mode: 1, cdrain: 0, gm: 0, gds: 0, gmbs: 0, von: 0, vdsat: 0 };
const jScratch = { i: 0, g: 0 };

