/**
 * What the physical relaxation (`--relax ode`) spends, as the trainer and
 * `eval` report it: per sample, the settling time of its phases (s of
 * circuit time, summed over the free and nudged phases) and the energy they
 * dissipate in the resistive devices and draw from the sources (J), each
 * summarized by mean and percentiles over an epoch or a test set.
 */
import type { EqModel } from "./model.js";

export interface Summary {
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface PhysicalStats {
  /** Samples and phases measured. */
  samples: number;
  phases: number;
  /** Per sample, all its phases together: settling time (s), energy dissipated and drawn (J). */
  time: Summary;
  dissipated: Summary;
  drawn: Summary;
  /** Per phase: settling time (s). */
  phaseTime: Summary;
}

interface RelaxReport {
  time: number;
  energy: { dissipated: number; drawn: number };
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };
  const s = Float64Array.from(values).sort();
  // Nearest-rank percentiles.
  const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
  let sum = 0;
  for (const v of s) sum += v;
  return { mean: sum / s.length, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: s[s.length - 1] };
}

/** Collects the model's relaxations per sample: call `endSample()` after each sample's phases. */
export class PhysicalMeter {
  private time = 0;
  private diss = 0;
  private drawn = 0;
  private inSample = 0;
  private readonly times: number[] = [];
  private readonly disss: number[] = [];
  private readonly drawns: number[] = [];
  private readonly phaseTimes: number[] = [];

  constructor(readonly model: EqModel) {
    model.onRelax = (r) => {
      const rr = r as RelaxReport;
      this.time += rr.time;
      this.diss += rr.energy.dissipated;
      this.drawn += rr.energy.drawn;
      this.phaseTimes.push(rr.time);
      this.inSample++;
    };
  }

  endSample(): void {
    if (this.inSample === 0) return;
    this.times.push(this.time);
    this.disss.push(this.diss);
    this.drawns.push(this.drawn);
    this.time = this.diss = this.drawn = 0;
    this.inSample = 0;
  }

  /** The summary since the last reset, then reset. */
  take(): PhysicalStats {
    this.endSample();
    const out: PhysicalStats = {
      samples: this.times.length,
      phases: this.phaseTimes.length,
      time: summarize(this.times),
      dissipated: summarize(this.disss),
      drawn: summarize(this.drawns),
      phaseTime: summarize(this.phaseTimes),
    };
    this.times.length = this.disss.length = this.drawns.length = this.phaseTimes.length = 0;
    return out;
  }

  detach(): void {
    this.model.onRelax = null;
  }
}
