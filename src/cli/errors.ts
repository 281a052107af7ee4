/**
 * The one place where errors become messages and exit codes.
 *   0 success, 1 bad input (file:line:col on stderr), 2 no convergence, 3 internal error.
 */
import { ConvergenceError, InputError } from "../util/errors.js";

export const EXIT_OK = 0;
export const EXIT_INPUT = 1;
export const EXIT_CONVERGENCE = 2;
export const EXIT_INTERNAL = 3;

export function exitCodeFor(e: unknown): number {
  if (e instanceof InputError) return EXIT_INPUT;
  if (e instanceof ConvergenceError) return EXIT_CONVERGENCE;
  return EXIT_INTERNAL;
}

export function messageFor(e: unknown): string {
  if (e instanceof InputError) return `eqspice: error: ${e.message}`;
  if (e instanceof ConvergenceError) return `eqspice: no convergence: ${e.message}`;
  const err = e as Error;
  return `eqspice: internal error: ${err?.stack ?? String(e)}\nPlease report this with the netlist that caused it.`;
}
