/**
 * The unit of beta. The training options speak a dimensionless nudge
 * strength beta, in units of Gnudge, the outputs' own conductance into the
 * circuit (EqModel.Gnudge, S): beta = 1 nudges with a conductance equal to
 * it. The circuit's nudge devices take siemens. This is the one place that
 * converts; every caller (the estimators, the waveform writer, the theory
 * reproductions) goes through it.
 */

/** The nudge conductance (S) of a dimensionless beta, for outputs of conductance `gnudge` (S). */
export function betaSiemens(beta: number, gnudge: number): number {
  return beta * gnudge;
}

/** The clamp strength of contrastive Hebbian learning (the beta -> infinity end), as a dimensionless beta. */
export const CHL_CLAMP = 1e4;
