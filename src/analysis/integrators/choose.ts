/**
 * Time constants of a circuit at its present state, and the automatic
 * choice between the explicit integrator (odex) and the implicit ones.
 *
 * Node i's own time constant is tau_i = C_ii / G_ii (s), with G_ii the
 * diagonal of the conductance Jacobian di/dV at the present state and C_ii
 * its capacitance. The largest rate lambda_max = 1 / min tau bounds the
 * step of an explicit method (stability); odex's cost grows with
 * lambda_max times the time it must cover, about 50 evaluations per unit of
 * stiffness, while an implicit step costs a factorization whatever the
 * stiffness. odex needs an explicit ODE: no branch unknowns and a
 * nonsingular capacitance matrix (see capacitance.ts).
 */
import type { Engine } from "../engine.js";
import type { CapacitanceInfo } from "./capacitance.js";

export type IntegratorChoice = "auto" | "odex" | "trap" | "bdf2";

export interface TimeConstants {
  /** Smallest and largest node time constant C_ii / G_ii (s); Infinity when G_ii = 0. */
  tauMin: number;
  tauMax: number;
}

/**
 * Node time constants at the engine's current x with sources as in `mode`
 * (the engine is left at that point with no integration state).
 */
export function timeConstants(engine: Engine, cap: CapacitanceInfo, mode: "dc" | "tran", time: number, srcScale: number): TimeConstants {
  const nf = engine.circuit.nFree;
  const saved = engine.nodeStamps;
  engine.nodeStamps = null;
  engine.setPoint(mode, time, srcScale, null);
  engine.assemble();
  let tauMin = Infinity;
  let tauMax = 0;
  for (let i = 0; i < nf; i++) {
    const c = cap.diag[i];
    if (!(c > 0)) continue;
    const g = engine.sys.A[engine.sys.diag(i)];
    const tau = g > 0 ? c / g : Infinity;
    if (tau < tauMin) tauMin = tau;
    if (tau > tauMax) tauMax = tau;
  }
  engine.nodeStamps = saved;
  engine.invalidate();
  return { tauMin, tauMax };
}

/**
 * True when odex can integrate this circuit (explicit ODE over the free
 * nodes, with the capacitors' constant C: no device integrating charges of
 * its own).
 */
export function explicitApplies(engine: Engine, cap: CapacitanceInfo): boolean {
  const c = engine.circuit;
  return c.n === c.nFree && c.nFree > 0 && cap.nonsingular && cap.chargeDevices.length === 0;
}

/** Largest circuit (free nodes) auto hands to odex: its dense output costs O(n^2) per output time. */
const ODEX_MAX_NODES = 400;

/**
 * Up to which stiffness auto prefers odex, measured on RC ladders and the
 * layered crossbars (odex's evaluations are cheaper than Newton iterations
 * but it needs 3-5 times as many even on a non-stiff circuit):
 *  - transient: span / tau_min <= 10 (the explicit steps it must take);
 *  - relaxation: tau_max / tau_min <= 4 (it runs for a few tau_max).
 */
export const ODEX_MAX_STIFFNESS = { tran: 10, relax: 4 } as const;

/**
 * The integrator auto picks: odex when it applies and `stiffness` is at
 * most `limit` (see ODEX_MAX_STIFFNESS), otherwise `implicit`.
 */
export function chooseIntegrator(
  engine: Engine,
  cap: CapacitanceInfo,
  stiffness: number,
  limit: number,
  implicit: "trap" | "bdf2",
): "odex" | "trap" | "bdf2" {
  if (!explicitApplies(engine, cap) || engine.circuit.nFree > ODEX_MAX_NODES) return implicit;
  return stiffness <= limit ? "odex" : implicit;
}
