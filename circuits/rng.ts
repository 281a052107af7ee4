/**
 * Small deterministic PRNG for circuit generation (mulberry32).
 *
 * Same seed -> same sequence on every platform (pure 32-bit integer
 * arithmetic), so generated netlists are reproducible byte for byte.
 */
export type Rng = () => number;

/** mulberry32: returns a function yielding floats uniform in [0, 1). */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform float in [lo, hi). */
export function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}
