/**
 * Capacitor C (F) between nodes a and b. Open in DC. Given an integration
 * state (a transient step, or a relaxation with sources at DC), it becomes a
 * companion model of the step from t_n to t_{n+1}:
 *   i_{n+1} = C dv/dt ~ C (a0 v_{n+1} + hist)  ->  geq = a0 C (S), ieq = C hist (A)
 * where `hist` depends on the method and the accepted history (see
 * `companionHistory`). The current i flows from a through the capacitor to b.
 * A capacitor stores energy C v^2/2 but has no co-content: it does not enter E(V).
 */
import { reservePair, stampConductance, stampCurrentSource, type PairHandles } from "../stamp.js";
import type { AcLoadContext, Device, IntegrationState, LinearCapacitance, LoadContext, MeterElement, SetupContext } from "../types.js";

/**
 * History term of the companion model dv/dt ~ a0 v_{n+1} + hist (V/s), for
 * a capacitance c (F) with accepted voltages vPrev = v_n, vPrev2 = v_{n-1} (V)
 * and current iPrev = i_n (A):
 *   be:   dv/dt = (v_{n+1} - v_n) / h                      (a0 = 1/h)
 *   trap: i_{n+1} = 2C/h (v_{n+1} - v_n) - i_n              (a0 = 2/h)
 *   bdf2: dv/dt = a0 v_{n+1} + a1 v_n + a2 v_{n-1}, variable step, ratio w = h_n/h_{n-1}:
 *         a0 = (1+2w)/((1+w)h), a1 = -a0 (1+w)^2/(1+2w), a2 = a0 w^2/(1+2w).
 */
export function companionHistory(integ: IntegrationState, c: number, vPrev: number, vPrev2: number, iPrev: number): number {
  const a0 = integ.a0;
  switch (integ.method) {
    case "be":
      return -a0 * vPrev;
    case "trap":
      return c > 0 ? -a0 * vPrev - iPrev / c : -a0 * vPrev;
    case "bdf2": {
      const w = integ.ratio;
      const k = a0 / (1 + 2 * w);
      return -k * (1 + w) * (1 + w) * vPrev + k * w * w * vPrev2;
    }
  }
}

/**
 * What the implicit integrator hands a device that estimates the local
 * truncation error of its own charges (ngspice's CKTterr, called by the
 * device's DEVtrunc): the order of the step just solved (1 backward Euler,
 * 2 trapezoidal or BDF2), the coefficient of the divided difference
 * (CKTterr's trapCoeff/gearCoeff: trap 1/2, 1/12; gear 1/2, 2/9), the
 * step sizes newest first (s) and the tolerances.
 */
export interface ChargeTruncationSpec {
  order: 1 | 2;
  factor: number;
  /** h_{n+1}, h_n, h_{n-1} (s): dt[k] separates the charge histories k and k+1 (0 the new point). */
  dt: Float64Array;
  reltol: number;
  /** ABSTOL (A). */
  abstol: number;
  /** CHGTOL (C), ngspice's default 1e-14. */
  chgtol: number;
  /** TRTOL, ngspice's default 7. */
  trtol: number;
}

/**
 * Keep a load's integration coefficients (a0, method, ratio) for the
 * charge truncation test, which a device runs after the step at the
 * coefficients that step used.
 */
export function keepIntegration(to: IntegrationState, from: IntegrationState): void {
  to.a0 = from.a0;
  to.method = from.method;
  to.ratio = from.ratio;
}

const histQ = new Float64Array(4);

/**
 * The smallest step (s) chargeStepBound allows over the charges `rows` of a
 * device's history (per charge k: q0[k] .. q3[k] (C), newest first, and its
 * currents i0[k], i1[k] (A)), each charge and current times the multiplier
 * `m` (the device's m parallel copies: CKTterr's tolerances are absolute).
 */
export function historyStepBound(q0: ArrayLike<number>, q1: ArrayLike<number>, q2: ArrayLike<number>, q3: ArrayLike<number>, i0: ArrayLike<number>, i1: ArrayLike<number>, rows: readonly number[], spec: ChargeTruncationSpec, m = 1): number {
  let del = Infinity;
  for (const k of rows) {
    histQ[0] = m * q0[k];
    histQ[1] = m * q1[k];
    histQ[2] = m * q2[k];
    histQ[3] = m * q3[k];
    const d = chargeStepBound(histQ, m * i0[k], m * i1[k], spec);
    if (d < del) del = d;
  }
  return del;
}

/**
 * CKTterr for one charge: q = [q_{n+1}, q_n, q_{n-1}, q_{n-2}] (C) (as many
 * as order + 2 used), i = [i_{n+1}, i_n] (A); returns the step (s) it allows.
 */
export function chargeStepBound(q: ArrayLike<number>, i0: number, i1: number, spec: ChargeTruncationSpec): number {
  const { order, dt, reltol, abstol } = spec;
  const currentTol = abstol + reltol * Math.max(Math.abs(i0), Math.abs(i1));
  const chargeTol = (reltol * Math.max(Math.abs(q[0]), Math.abs(q[1]), spec.chgtol)) / dt[0];
  const tol = Math.max(currentTol, chargeTol);
  // divided differences of order + 1 over the order + 2 newest charges
  const d0 = (q[0] - q[1]) / dt[0];
  const d1 = (q[1] - q[2]) / dt[1];
  let dd = (d0 - d1) / (dt[0] + dt[1]);
  if (order === 2) {
    const d2 = (q[2] - q[3]) / dt[2];
    const dd1 = (d1 - d2) / (dt[1] + dt[2]);
    dd = (dd - dd1) / (dt[0] + dt[1] + dt[2]);
  }
  const del = (spec.trtol * tol) / Math.max(abstol, spec.factor * Math.abs(dd));
  return order === 2 ? Math.sqrt(del) : del;
}

export class Capacitor implements Device, LinearCapacitance {
  readonly linear = true;
  readonly symmetric = true;
  readonly power = "stores";
  readonly nodes: readonly number[];
  private h!: PairHandles;
  /** Accepted history: voltages at t_n, t_{n-1} (V) and current a -> b at t_n (A). */
  vPrev = 0;
  vPrev2 = 0;
  iPrev = 0;
  /** Companion model of the last load: conductance (S) and history current (A). */
  private geq = 0;
  private ieq = 0;
  /** Initial condition (V) from `IC=`, if given. */
  readonly ic: number | undefined;

  constructor(
    readonly name: string,
    readonly a: number,
    readonly b: number,
    /** Capacitance in farads. */
    readonly c: number,
    ic?: number,
    /** ngspice's CAPcapac (F): c before the multiplier m. */
    private readonly capac = c,
  ) {
    this.nodes = [a, b];
    this.ic = ic;
  }

  /** To XSPICE's cmeter: CAPcapac between a and b. */
  meterElement(): MeterElement {
    return { kind: "c", a: this.a, b: this.b, value: this.capac };
  }

  /** Its companion model changes with every step. */
  changesInTime(): boolean {
    return true;
  }

  /** Itself, for the integrators' capacitance matrix; null for a 0 F capacitor. */
  linearCapacitance(): LinearCapacitance | null {
    return this.c !== 0 ? this : null;
  }

  setup(ctx: SetupContext): void {
    this.h = reservePair(ctx, this.a, this.b);
  }

  /** Reset history to a state with voltage v (V) across it and current i (A, default 0: DC). */
  initState(v: number, i = 0): void {
    this.vPrev = v;
    this.vPrev2 = v;
    this.iPrev = i;
  }

  /** Overwrite the current at the last accepted point (A), e.g. i = C dv/dt from an explicit integrator. */
  setCurrent(i: number): void {
    this.iPrev = i;
  }

  /** AC: its capacitance c (F) between a and b, admittance j w c. */
  acLoad(ctx: AcLoadContext): void {
    stampConductance(ctx.c, this.h, this.c);
  }

  load(ctx: LoadContext): void {
    const integ = ctx.integ;
    if (!integ) return;
    this.geq = this.c * integ.a0;
    this.ieq = this.c * companionHistory(integ, this.c, this.vPrev, this.vPrev2, this.iPrev);
    stampConductance(ctx, this.h, this.geq);
    // ieq: the part of i independent of v_{n+1}, flowing from a to b.
    stampCurrentSource(ctx, this.h, this.ieq);
  }

  /**
   * In a transient (time >= 0), the current at the last accepted point
   * leaves a and enters b, so that KCL (and the currents of the sources that
   * fix nodes) includes it. In DC (time < 0) a capacitor is open.
   */
  addCurrents(_V: Float64Array, _x: Float64Array, time: number, out: Float64Array): void {
    if (time < 0) return;
    out[this.a] += this.iPrev;
    out[this.b] -= this.iPrev;
  }

  /**
   * Accept the converged point of the step whose companion model was loaded
   * last: i_{n+1} = geq v_{n+1} + ieq, with whatever method that step used.
   */
  accept(V: Float64Array, _x: Float64Array, _h: number): void {
    const v = V[this.a] - V[this.b];
    this.iPrev = this.geq * v + this.ieq;
    this.vPrev2 = this.vPrev;
    this.vPrev = v;
  }
}
