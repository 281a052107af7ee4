/**
 * Resistor models (`.model NAME R (...)`) and the resistance of a
 * resistor instance, as ngspice 39 computes them (res/ressetup.c defaults,
 * res/restemp.c RESupdate_conduct):
 *
 *  - the resistance as written on the instance, else (L - 2 SHORT) /
 *    (W - 2 NARROW) * RSH when L W RSH > 0 (L and W from the instance, else
 *    the model's L and DEFW, both 10 um by default), else the model's R,
 *    else 1 mOhm (ngspice warns "resistance to low");
 *  - times the temperature factor at dT = (instance temp, else the circuit
 *    temperature, + dtemp) - TNOM (the model's, else `.options tnom`):
 *    1.01^(TCE dT) when TCE is given on the instance or the model, else
 *    1 + TC1 dT + TC2 dT^2, instance coefficients overriding the model's;
 *  - times scale, divided by m.
 */

export interface ResistorModelParams {
  /** Sheet resistance (ohm per square). Default 0. */
  rsh: number;
  /** Narrowing of the width, per side (m). Default 0. */
  narrow: number;
  /** Shortening of the length, per end (m). Default 0. */
  short: number;
  tc1: number;
  tc2: number;
  /** Exponential temperature coefficient (%/K); undefined when not given. */
  tce?: number;
  /** Default width (m). Default 10 um. */
  defw: number;
  /** Default length (m): the model's `l`. Default 10 um. */
  defl: number;
  /** Parameter measurement temperature (C); undefined: `.options tnom`. */
  tnom?: number;
  /** Default resistance (ohm); undefined when not given. */
  r?: number;
}

export const RES_MODEL_DEFAULTS: ResistorModelParams = { rsh: 0, narrow: 0, short: 0, tc1: 0, tc2: 0, defw: 10e-6, defl: 10e-6 };

/**
 * Names accepted in `.model NAME R(...)` (ngspice 39's, aliases included),
 * and the field each sets; null: accepted and without effect on DC
 * (noise coefficients; bv_max, which ngspice only checks with warnings on).
 */
export const RES_MODEL_PARAMS: Record<string, keyof ResistorModelParams | null> = {
  rsh: "rsh",
  narrow: "narrow",
  dw: "narrow",
  short: "short",
  dlr: "short",
  tc1: "tc1",
  tc1r: "tc1",
  tc2: "tc2",
  tc2r: "tc2",
  tce: "tce",
  defw: "defw",
  w: "defw",
  l: "defl",
  tnom: "tnom",
  r: "r",
  res: "r",
  // an instance parameter as the model's default (ngspice 39 reads `.model myres r(resistance=2k)`)
  resistance: "r",
  kf: null,
  af: null,
  lf: null,
  wf: null,
  ef: null,
  bv_max: null,
};

/** What an instance line gives (undefined: not given). Temperatures in C. */
export interface ResistorInstance {
  /** Resistance as written (ohm). */
  r?: number;
  l?: number;
  w?: number;
  tc1?: number;
  tc2?: number;
  tce?: number;
  /** Instance temperature: its temp=, else the circuit temperature. */
  temp: number;
  /** 0 when temp= is given (ngspice ignores dtemp then). */
  dtemp: number;
  scale: number;
  m: number;
}

export interface ResistorValue {
  /** Resistance (ohm) after temperature, scale and m. */
  ohms: number;
  /** The nominal resistance before temperature, scale and m (ohm). */
  nominal: number;
  /** The temperature factor. */
  factor: number;
  /** True when neither a value, nor L W RSH, nor the model's R gave one: 1 mOhm (as ngspice). */
  fallback: boolean;
}

/** An instance's resistance with model `model` (RES_MODEL_DEFAULTS for none); `tnom`: `.options tnom` (C). */
export function resistorValue(model: ResistorModelParams, inst: ResistorInstance, tnom: number): ResistorValue {
  let nominal = inst.r;
  let fallback = false;
  if (nominal === undefined) {
    const l = inst.l ?? model.defl;
    const w = inst.w ?? model.defw;
    if (l * w * model.rsh > 0) nominal = ((l - 2 * model.short) / (w - 2 * model.narrow)) * model.rsh;
    else if (model.r !== undefined) nominal = model.r;
    else {
      nominal = 1e-3;
      fallback = true;
    }
  }
  const difference = inst.temp + inst.dtemp - (model.tnom ?? tnom);
  const tc1 = inst.tc1 ?? model.tc1;
  const tc2 = inst.tc2 ?? model.tc2;
  const tce = inst.tce ?? model.tce;
  const factor = tce !== undefined ? Math.pow(1.01, tce * difference) : (tc2 * difference + tc1) * difference + 1;
  return { ohms: (nominal * factor * inst.scale) / inst.m, nominal, factor, fallback };
}
