/**
 * Small deterministic PRNG for circuit generation (mulberry32).
 *
 * Same seed -> same sequence on every platform (pure 32-bit integer
 * arithmetic), so generated netlists are reproducible byte for byte.
 */
import { mulberry32 } from "../src/util/rng.js";

export { mulberry32 };
export type Rng = () => number;

/** Uniform float in [lo, hi). */
export function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}
