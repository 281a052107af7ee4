/**
 * ngspice 39's VBIC bipolar model (`.model X NPN|PNP LEVEL=4` or 9, the
 * `vbic` device): the model card as vbicsetup.c fills it (VBIC_PARAMS,
 * generated from vbic.c / vbicmpar.c / vbicsetup.c) and the values at the
 * device temperature, vbictemp.c's vbic_4T_et_cf_t, in the p[] layout of
 * vbicload.c that vbicEval (vbic-eval.ts, generated from vbicload.c's
 * vbic_4T_et_cf_fj) reads.
 *
 * Units: volts, amperes, ohms, farads, seconds; TNOM and the device
 * temperature in Celsius at the interface, kelvin inside.
 */
import { CHARGE, CONSTboltz, CONSTCtoK } from "../diode/diode-model.js";
import { VBIC_PNOM_DEFAULTS } from "./vbic-params.js";

/** A VBIC `.model` card: +1 NPN / -1 PNP and vbictemp.c's pnom[0..107], defaults filled in. */
export interface VbicModelParams {
  type: 1 | -1;
  pnom: number[];
  /** RTH given (> 0 makes the device self-heating: VBIC_selfheat). */
  rthGiven: boolean;
}

export function vbicDefaults(type: 1 | -1): VbicModelParams {
  return { type, pnom: [...VBIC_PNOM_DEFAULTS], rthGiven: false };
}

/** The p[] indices that vbicload.c takes from the instance's temperature-mapped values (here->VBICt...); the rest come from the model. */
const TEMP_MAPPED = [1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 16, 17, 21, 23, 24, 27, 28, 31, 34, 36, 38, 41, 42, 45, 46, 47, 49, 53, 94, 98, 99];

/** One transistor at its temperature: what vbicload.c reads. */
export interface VbicInstance {
  type: 1 | -1;
  /** vbicload.c's p[0..107]. */
  p: Float64Array;
  /** AREA * M (vbicload.c's SCALE). */
  scale: number;
  /** kT/q at the device temperature (V), for pnjlim. */
  vt: number;
  /** pnjlim's critical voltage vt ln(vt / (sqrt2 IS area m)) (VBICtVcrit: IS of the card, not at T). */
  vcrit: number;
  /** RTH given and > 0: the thermal node carries the temperature rise. */
  selfheat: boolean;
}

/** vbic_4T_et_cf_t (vbictemp.c): the temperature-mapped p from pnom at ambient TAMB (C). */
export function vbicTempMap(pnom: readonly number[], TAMB: number): number[] {
  const p = [...pnom];
  const pow = Math.pow;
  const exp = Math.exp;
  const log = Math.log;
  const Tini = 2.7315e2 + pnom[0];
  const Tdev = 2.7315e2 + TAMB + pnom[105];
  const Vtv = (1.380662e-23 * Tdev) / 1.602189e-19;
  const rT = Tdev / Tini;
  const dT = Tdev - Tini;
  p[53] = pnom[53] * pow(rT, pnom[90]);
  p[1] = pnom[1] * pow(rT, pnom[91]);
  p[2] = pnom[2] * pow(rT, pnom[68]);
  p[6] = pnom[6] * pow(rT, pnom[92]);
  p[7] = pnom[7] * pow(rT, pnom[67]);
  p[8] = pnom[8] * pow(rT, pnom[66]);
  p[9] = pnom[9] * pow(rT, pnom[69]);
  p[10] = pnom[10] * pow(rT, pnom[93]);
  const sat = (xExp: number, ea: number, n: number): number => {
    const xvar2 = pow(rT, pnom[xExp]);
    const xvar3 = (-pnom[ea] * (1.0 - rT)) / Vtv;
    const xvar4 = exp(xvar3);
    const xvar1 = xvar2 * xvar4;
    const xvar5 = 1.0 / pnom[n];
    return pow(xvar1, xvar5);
  };
  p[11] = pnom[11] * sat(78, 71, 12);
  p[94] = pnom[94] * sat(95, 96, 13);
  p[42] = pnom[42] * sat(78, 97, 44);
  p[31] = pnom[31] * sat(79, 72, 33);
  p[34] = pnom[34] * sat(80, 75, 35);
  p[36] = pnom[36] * sat(79, 73, 37);
  p[38] = pnom[38] * sat(80, 76, 39);
  p[45] = pnom[45] * sat(79, 73, 37);
  p[46] = pnom[46] * sat(80, 76, 39);
  p[47] = pnom[47] * sat(79, 74, 48);
  p[49] = pnom[49] * sat(80, 77, 50);
  p[12] = pnom[12] * (1.0 + dT * pnom[81]);
  p[13] = pnom[13] * (1.0 + dT * pnom[81]);
  p[41] = pnom[41] * (1.0 + dT * pnom[82]);
  p[98] = pnom[98] * (1.0 + dT * (pnom[101] + dT * pnom[102]));
  p[99] = pnom[99] * (1.0 + dT * pnom[103]);
  const potential = (pk: number, ea: number): number => {
    const xvar3 = exp((0.5 * pnom[pk] * rT) / Vtv);
    const xvar5 = exp((-0.5 * pnom[pk] * rT) / Vtv);
    const xvar6 = log(xvar3 - xvar5);
    const psiio = 2.0 * (Vtv / rT) * xvar6;
    const psiin = psiio * rT - 3.0 * Vtv * log(rT) - pnom[ea] * (rT - 1.0);
    const xvar3b = exp(-psiin / Vtv);
    const xvar1 = 0.5 * (1.0 + Math.sqrt(1.0 + 4.0 * xvar3b));
    return psiin + 2.0 * Vtv * log(xvar1);
  };
  p[17] = potential(17, 72);
  p[24] = potential(24, 73);
  p[28] = potential(28, 74);
  p[16] = pnom[16] * pow(pnom[17] / p[17], pnom[18]);
  p[21] = pnom[21] * pow(pnom[24] / p[24], pnom[25]);
  p[23] = pnom[23] * pow(pnom[24] / p[24], pnom[25]);
  p[27] = pnom[27] * pow(pnom[28] / p[28], pnom[29]);
  p[4] = pnom[4] * pow(rT, pnom[78]) * exp((-pnom[71] * (1.0 - rT)) / Vtv);
  p[3] = pnom[3] * pow(rT, pnom[70]);
  p[104] = exp(-p[98] / (p[99] * Vtv));
  p[0] = TAMB + p[105];
  return p;
}

/** KoverQ as ngspice's CONSTKoverQ. */
const KoverQ = CONSTboltz / CHARGE;

/**
 * The transistor at device temperature tempC (C), as VBICtemp and the
 * head of VBICload: p[] with the temperature-mapped entries, p[0] the
 * card's TNOM (vbicload.c passes model->VBICtnom, so vbic_4T_et_cf_fj's
 * own temperature is TNOM plus the thermal node's rise).
 */
export function vbicInstanceAt(model: VbicModelParams, area: number, m: number, tempC: number): VbicInstance {
  const t = vbicTempMap(model.pnom, tempC);
  const p = Float64Array.from(model.pnom);
  for (const k of TEMP_MAPPED) p[k] = t[k];
  const vt = (tempC + CONSTCtoK) * KoverQ;
  const vcrit = vt * Math.log(vt / (Math.SQRT2 * model.pnom[11] * area * m));
  return { type: model.type, p, scale: area * m, vt, vcrit, selfheat: model.rthGiven && model.pnom[83] > 0 };
}
