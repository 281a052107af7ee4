/**
 * Seeded, serializable random numbers (mulberry32): the whole state is one
 * 32-bit integer, so checkpoints can store it and `--resume` continues the
 * exact same sequence.
 */
export class Rng {
  state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Standard normal (Box-Muller, no cached spare so the state stays one integer). */
  gauss(): number {
    let u = this.next();
    if (u < 1e-300) u = 1e-300;
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** In-place Fisher-Yates shuffle. */
  shuffle<T>(a: T[] | Int32Array): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}

/** The same generator as a plain function yielding floats uniform in [0, 1) (mulberry32). */
export function mulberry32(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.next();
}
