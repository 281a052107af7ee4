/**
 * Hardware constraints on conductance updates, as analog crossbar simulators
 * model them (IBM aihwkit, CrossSim, NeuroSim). Ideal by default.
 */
import type { Rng } from "../util/rng.js";
import { checkOptions } from "./option-specs.js";

export interface HardwareOptions {
  /** Override the lower conductance bound of every trainable device (S). */
  gmin?: number;
  /** Override the upper conductance bound (S). */
  gmax?: number;
  /** Number of programmable conductance levels between gmin and gmax (0 = continuous); updates round stochastically onto them. */
  levels?: number;
  /** Programming (write) noise: std of the error of each update, as a fraction of (gmax - gmin). */
  writeNoise?: number;
  /** Device-to-device variation: relative std of each device's own gmin and gmax. */
  d2d?: number;
  /** Up/down asymmetry a: increases are scaled by (1 + a), decreases by (1 - a). In (-1, 1). */
  asymmetry?: number;
  /** Read noise: std (V) added to every measured voltage. */
  readNoise?: number;
}

/** Check hardware options against their declarations (option-specs.ts); a bad value is an InputError naming its flag. */
export function validateHardware(h: HardwareOptions): void {
  checkOptions(h);
}

/** Per-device ranges and the update rule under the constraints. */
export class Hardware {
  readonly lo: Float64Array;
  readonly hi: Float64Array;
  /** True when updates are ideal: plain clipping to one [lo, hi] shared by every device. */
  readonly idealUniform: boolean;

  constructor(
    private readonly opts: HardwareOptions,
    annotatedLo: Float64Array,
    annotatedHi: Float64Array,
    rng: Rng,
  ) {
    validateHardware(opts);
    const m = annotatedLo.length;
    this.lo = new Float64Array(m);
    this.hi = new Float64Array(m);
    const d2d = opts.d2d ?? 0;
    for (let k = 0; k < m; k++) {
      let lo = opts.gmin ?? annotatedLo[k];
      let hi = opts.gmax ?? annotatedHi[k];
      if (d2d > 0) {
        lo *= Math.max(0.05, 1 + d2d * rng.gauss());
        hi *= Math.max(0.05, 1 + d2d * rng.gauss());
        if (hi <= lo) hi = lo * 1.01;
      }
      this.lo[k] = lo;
      this.hi[k] = hi;
    }
    // A loop, not Float64Array.every: its callback boxes each double (50 MB for DRN-1H's 1.6 million devices).
    let uniform = true;
    for (let k = 1; k < m && uniform; k++) uniform = this.lo[k] === this.lo[0] && this.hi[k] === this.hi[0];
    this.idealUniform = uniform && !opts.asymmetry && !opts.writeNoise && !opts.levels;
  }

  /** Bring g (S) into each device's range and onto its levels. */
  constrain(g: Float64Array): void {
    const levels = this.opts.levels ?? 0;
    for (let k = 0; k < g.length; k++) g[k] = this.snap(k, g[k], levels);
  }

  private snap(k: number, v: number, levels: number): number {
    const lo = this.lo[k];
    const hi = this.hi[k];
    if (v < lo) v = lo;
    else if (v > hi) v = hi;
    if (levels >= 2) {
      const q = (hi - lo) / (levels - 1);
      v = lo + Math.round((v - lo) / q) * q;
    }
    return v;
  }

  /**
   * Apply dg = scale * grad[k] (S) to the conductances stored at
   * bank[index[k]] in place, with the same rules as `update`. The ideal case
   * (no asymmetry, noise or levels) is a single clipped pass.
   */
  applyToBank(bank: Float64Array, index: Int32Array, grad: Float64Array, scale: number, rng: Rng): void {
    const o = this.opts;
    const { lo, hi } = this;
    if (!o.asymmetry && !o.writeNoise && !o.levels) {
      for (let k = 0; k < grad.length; k++) {
        const i = index[k];
        let v = bank[i] + scale * grad[k];
        if (v < lo[k]) v = lo[k];
        else if (v > hi[k]) v = hi[k];
        bank[i] = v;
      }
      return;
    }
    const a = o.asymmetry ?? 0;
    const wn = o.writeNoise ?? 0;
    const levels = o.levels ?? 0;
    for (let k = 0; k < grad.length; k++) {
      let step = scale * grad[k];
      if (step === 0) continue;
      step *= step > 0 ? 1 + a : 1 - a;
      let v = bank[index[k]] + step;
      if (wn > 0) v += wn * (hi[k] - lo[k]) * rng.gauss();
      bank[index[k]] = levels >= 2 ? this.snapStochastic(k, v, levels, rng) : this.snap(k, v, 0);
    }
  }

  /**
   * Onto the levels by stochastic rounding: up with probability equal to the
   * fraction of a level, so the expected conductance is the unrounded one.
   * Rounding to the nearest level would drop every update smaller than half
   * a level (with 2 levels, all of them: training froze).
   */
  private snapStochastic(k: number, v: number, levels: number, rng: Rng): number {
    const lo = this.lo[k];
    const hi = this.hi[k];
    if (v <= lo) return lo;
    if (v >= hi) return hi;
    const q = (hi - lo) / (levels - 1);
    const t = (v - lo) / q;
    const f = Math.floor(t);
    const n = f + (rng.next() < t - f ? 1 : 0);
    return Math.min(hi, lo + n * q);
  }
}
