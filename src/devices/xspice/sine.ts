/**
 * The sine code model's transient (ngspice 39's icm/analog/sine/cfunc.mod):
 * a frequency f(u) of the control input (the line through the first or
 * last two (cntl_array, freq_array) points outside the table, below the
 * first clamped to 1e-16 Hz when not positive; linear between the points
 * inside), a phase that adds f(u) h over each step of h from its value at
 * the last accepted time (0 at the operating point), and the output
 * (out_high - out_low)/2 sin(2 pi phase) + (out_high + out_low)/2. At DC
 * the output is the centre, with phase 0. Partial: cfunc.mod sets 0;
 * eqspice's is the exact one, (out_high - out_low)/2 cos(2 pi phase) 2 pi
 * h df/du (0 at DC; the same solutions).
 */
import type { XParams } from "./models.js";

export class SineOsc {
  private readonly x: readonly number[];
  private readonly y: readonly number[];
  private readonly peak: number;
  private readonly center: number;
  /** The phase (cycles) at the accepted time. */
  private phase1 = 0;
  private readonly t = new Float64Array(2);

  constructor(p: XParams) {
    this.x = p.get("cntl_array") as readonly number[];
    this.y = p.get("freq_array") as readonly number[];
    const lo = p.get("out_low") as number;
    const hi = p.get("out_high") as number;
    this.peak = (hi - lo) / 2;
    this.center = (hi + lo) / 2;
  }

  get states(): number {
    return 0;
  }

  /** f(u) and df/du into t, as cfunc.mod's tests. */
  private freq(u: number): void {
    const { x, y, t } = this;
    const n = x.length;
    if (u <= x[0]) {
      const s = (y[1] - y[0]) / (x[1] - x[0]);
      const f = y[0] + (u - x[0]) * s;
      [t[0], t[1]] = f <= 0 ? [1e-16, 0] : [f, s];
    } else if (u >= x[n - 1]) {
      const s = (y[n - 1] - y[n - 2]) / (x[n - 1] - x[n - 2]);
      [t[0], t[1]] = [y[n - 1] + (u - x[n - 1]) * s, s];
    } else {
      // the last segment [x_i, x_i+1) that holds u (cfunc.mod's loop does not stop at the first); 0 Hz if none
      [t[0], t[1]] = [0, 0];
      for (let i = 0; i < n - 1; i++) {
        if (u < x[i + 1] && u >= x[i]) {
          const s = (y[i + 1] - y[i]) / (x[i + 1] - x[i]);
          [t[0], t[1]] = [(u - x[i]) * s + y[i], s];
        }
      }
    }
  }

  evaluate(u: number, h: number | null, r: Float64Array): void {
    if (h === null || !(h > 0)) {
      r[0] = this.center;
      r[1] = 0;
      return;
    }
    this.freq(u);
    const rad = (this.phase1 + this.t[0] * h) * 2 * Math.PI;
    r[0] = this.peak * Math.sin(rad) + this.center;
    r[1] = this.peak * Math.cos(rad) * 2 * Math.PI * h * this.t[1];
  }

  /** Start of a transient: the operating point's phase, 0. */
  reset(): void {
    this.phase1 = 0;
  }

  /** An accepted step of h at input u: its phase becomes the history. */
  accept(u: number, h: number): void {
    if (!(h > 0)) return;
    this.freq(u);
    this.phase1 += this.t[0] * h;
  }
}
