/**
 * MOSFET level 6 (Sakurai-Newton n-th power law) as ngspice 39's mos6: its
 * model card (mos6.c's table, mos6set.c's defaults), the values derived
 * from it (mos6temp.c: KC from UO and TOX, PHI, GAMMA, VTO from NSUB, NSS,
 * TPG as level 1 does; KC scaled by (T/TNOM)^-1.5, KV not), and the drain
 * current with its derivatives (mos6load.c). Everything else is level 1's:
 * the temperature of PHI, VBI, VTO and the junctions, the junction law
 * (exponential, linear below -3 Vt), the junction and Meyer capacitances,
 * the limiters and the stamp (mos-shared.ts, mosfet.ts), with two
 * differences mos6load.c makes by multiplying every stamp by M rather than
 * the instance values: GMIN across each junction is M GMIN, and the pnjlim
 * critical voltages are those of one device (IS, not M IS). And ngspice's
 * MOS6 has no AC load (DEVacLoad is NULL in mos6init.c): in .ac a level-6
 * transistor contributes nothing, not even RD/RS (mosfet.ts).
 *
 * Units as mosfet-model.ts: volts, amperes, metres; NSUB cm^-3, NSS cm^-2,
 * UO cm^2/(V s). Normalized voltages (type * physical).
 */
import { CONSTCtoK } from "../diode/diode-model.js";
import { EPS_OX, MOS_PARAM_ALIASES, mosInstanceCommon, mosJunction, type MosChannelPoint, type MosGeometry, type MosInstance, type MosJunctionFn } from "./mos-shared.js";
import { deriveMosModel, type MosModel, type MosModelParams } from "./mosfet-model.js";

/**
 * Names accepted in `.model NAME NMOS|PMOS (LEVEL=6 ...)`: ngspice's mos6.c
 * model table, each to its field (null: accepted and not stored). Level 1's
 * names less KP, KF and AF, which mos6.c does not have (ngspice ignores them
 * with a warning, and so does eqspice), plus KV, NV, KC, NC, NVTH, PS,
 * GAMMA1, SIGMA, LAMBDA0, LAMBDA1.
 */
export const MOS6_PARAM_ALIASES: Record<string, keyof MosModelParams | null> = {
  ...Object.fromEntries(Object.entries(MOS_PARAM_ALIASES).filter(([k]) => k !== "kp" && k !== "kf" && k !== "af")),
  kv: "kv",
  nv: "nv",
  kc: "kc",
  nc: "nc",
  nvth: "nvth",
  ps: "ps6",
  gamma1: "gamma1",
  sigma: "sigma",
  lambda0: "lambda0",
  lambda1: "lambda1",
};

/** mos6set.c's defaults are level 1's (MJSW 0.5 too); the level-6 ones are applied in deriveMos6Model. */
export function mos6Defaults(p: MosModelParams): MosModelParams {
  return { ...p, level: 6 };
}

/** Level 6's own model values (mos6set.c defaults applied). */
export interface Mos6ModelExtra {
  /** Saturation voltage factor KV (V^(1-NV)), default 2, and exponent NV, default 0.5. */
  kv: number;
  nv: number;
  /** Saturation current exponent NC, default 1 (KC is MosModel.kp). */
  nc: number;
  /** LAMBDA0 (1/V, default LAMBDA, else 0) and LAMBDA1 (1/V^2, default 0): lambda = LAMBDA0 - LAMBDA1 vbs'. */
  lambda0: number;
  lambda1: number;
  /** GAMMA1 (1): the threshold's linear body term, and SIGMA (1): its static feedback (drain) term. */
  gamma1: number;
  sigma: number;
}

/**
 * Derive level 6's model values as mos6temp.c does: TOX, NSUB, NSS, TPG,
 * PHI, GAMMA and VTO exactly as level 1 (deriveMosModel: only with TOX given
 * and nonzero, NSUB above 1.45e10 cm^-3 checked by the caller), and KC in
 * place of KP: default 5e-5 A/V^NC, or 0.5 UO Cox (UO default 600) when TOX
 * is given and KC is not.
 */
export function deriveMos6Model(p: MosModelParams): MosModel {
  const base = deriveMosModel({ ...p, kp: undefined });
  let kc = p.kc ?? 5e-5;
  if (base.coxArea !== 0 && p.kc === undefined) kc = 0.5 * (p.uo ?? 600) * base.coxArea * 1e-4; // cm^2 -> m^2
  const mos6: Mos6ModelExtra = {
    kv: p.kv ?? 2,
    nv: p.nv ?? 0.5,
    nc: p.nc ?? 1,
    lambda0: p.lambda0 ?? p.lambda,
    lambda1: p.lambda1 ?? 0,
    gamma1: p.gamma1 ?? 0,
    sigma: p.sigma ?? 0,
  };
  return { ...base, level: 6, mos6, kp: kc, lambda: mos6.lambda0 };
}

/** A level-6 transistor's own constants (Mos6ModelExtra; KV has no temperature dependence in mos6temp.c). */
export type Mos6Consts = Mos6ModelExtra;

/**
 * A level-6 transistor at `tempC`: level 1's instance values (Leff = L -
 * 2 LD, W; KC(T) = KC (T/TNOM)^-1.5 in beta), the junction law with M GMIN,
 * and the critical voltages of one device, as mos6temp.c and mos6load.c.
 */
export function mos6InstanceAt(mm: MosModel, g: MosGeometry, tempC: number): MosInstance {
  const m = g.m;
  const junction: MosJunctionFn = m === 1 ? mosJunction : (isat, vt, gmin, v, out) => mosJunction(isat, vt, gmin * m, v, out);
  const inst = mosInstanceCommon(mm, g, tempC, g.l - 2 * mm.params.ld, g.w, 0, 6, mos6Channel, junction);
  inst.mos6 = mm.mos6!;
  if (m !== 1) {
    // mos6temp.c: vcrit from the unmultiplied saturation currents
    const vt = inst.vt;
    const vcrit = (isat: number) => vt * Math.log(vt / (Math.SQRT2 * isat));
    inst.drainVcrit = vcrit(inst.drainSatCur / m);
    inst.sourceVcrit = vcrit(inst.sourceSatCur / m);
  }
  return inst;
}

/**
 * Level-6 drain current, mos6load.c, with (vgs', vds', vbs') the mode's
 * voltages (as mosChannel):
 *   sarg = sqrt(PHI - vbs') (vbs' <= 0), max(0, sqrt(PHI) - vbs' / (2 sqrt(PHI))) (vbs' > 0),
 *   von = type VBI + GAMMA sarg - GAMMA1 vbs' - SIGMA vds',  vgon = vgs' - von,
 *   cutoff vgon <= 0: 0 (vdsat = 0);
 *   vdsat = KV vgon^NV,  idsat = beta vgon^NC,  lambda = LAMBDA0 - LAMBDA1 vbs',
 *   saturation vds' >= vdsat: cdrain = idsat (1 + lambda vds'),
 *   linear: times (2 - x) x with x = vds' / vdsat.
 * The derivatives are ngspice's, the exact ones except where sarg is
 * clamped at 0 (vbs' >= 2 PHI), where ngspice's d(-von)/dvbs' is 0 rather
 * than GAMMA1 (the solution is the same, only the Newton path could differ).
 */
export function mos6Channel(p: MosInstance, vgs: number, vds: number, vbs: number, out: MosChannelPoint): void {
  const c = p.mos6!;
  const mode: 1 | -1 = vds >= 0 ? 1 : -1;
  const vbx = mode === 1 ? vbs : vbs - vds;
  const vgx = mode === 1 ? vgs : vgs - vds;
  const vdx = vds * mode;
  let sarg: number;
  if (vbx <= 0) sarg = Math.sqrt(p.phi - vbx);
  else {
    sarg = Math.sqrt(p.phi);
    sarg = sarg - vbx / (sarg + sarg);
    sarg = Math.max(0, sarg);
  }
  const von = p.vbi * p.type + p.gamma * sarg - c.gamma1 * vbx - c.sigma * vdx;
  const vgon = vgx - von;
  out.mode = mode;
  out.von = von;
  if (vgon <= 0) {
    out.vdsat = 0;
    out.cdrain = 0;
    out.gm = 0;
    out.gds = 0;
    out.gmbs = 0;
    return;
  }
  // -d von / d vbs'
  let vonbm = 0;
  if (sarg > 0) vonbm = vbx <= 0 ? c.gamma1 + p.gamma / (sarg + sarg) : c.gamma1 + p.gamma / 2 / Math.sqrt(p.phi);
  const lv = Math.log(vgon);
  const vdsat = c.kv * Math.exp(lv * c.nv);
  const idsat = p.beta * Math.exp(lv * c.nc);
  const lambda = c.lambda0 - c.lambda1 * vbx;
  // saturation
  let cdrain = idsat * (1 + lambda * vdx);
  let gm = (cdrain * c.nc) / vgon;
  let gds = gm * c.sigma + idsat * lambda;
  let gmbs = gm * vonbm - idsat * c.lambda1 * vdx;
  if (vdsat > vdx) {
    // linear
    const vdst = vdx / vdsat;
    const vdst2 = (2 - vdst) * vdst;
    const vdstg = (-vdst * c.nv) / vgon;
    const ivdst1 = cdrain * (2 - vdst - vdst);
    cdrain = cdrain * vdst2;
    gm = gm * vdst2 + ivdst1 * vdstg;
    gds = gds * vdst2 + ivdst1 * (1 / vdsat + vdstg * c.sigma);
    gmbs = gmbs * vdst2 + ivdst1 * vdstg * vonbm;
  }
  out.vdsat = vdsat;
  out.cdrain = cdrain;
  out.gm = gm;
  out.gds = gds;
  out.gmbs = gmbs;
}
