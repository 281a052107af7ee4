/**
 * The slew code model (ngspice 39's icm/analog/slew/cfunc.mod): at DC the
 * output is the input (partial 1), in AC a gain of 1; in a transient the
 * output follows the input but moves at most rise_slope (V/s, or A/s)
 * up and fall_slope down per second from its value at the last accepted
 * time, with cfunc.mod's rules for an input that turns while the output is
 * still slewing. Partial: 1 where the output is the input, 0 where it slews.
 */
export class Slew {
  private inOld = 0;
  private outOld = 0;
  private out = 0;

  constructor(
    readonly rise: number,
    readonly fall: number,
  ) {}

  /** No states for AC (its gain is the DC partial). */
  get states(): number {
    return 0;
  }

  /** Start of a transient at input u: the output is the input. */
  reset(u = 0): void {
    this.inOld = u;
    this.outOld = u;
  }

  /** y and dy/du at input u: h null at DC (y = u), else a step of h (s) from the accepted point; into r[0], r[1]. */
  evaluate(u: number, h: number | null, r: Float64Array): void {
    if (h === null || !(h > 0)) {
      r[0] = u;
      r[1] = 1;
      this.out = u;
      return;
    }
    const slope = (u - this.inOld) / h;
    const { rise, fall, outOld } = this;
    let y: number;
    let dy: number;
    if (slope >= 0) {
      const slewed = outOld + rise * h;
      if (u < outOld - fall * h) [y, dy] = [outOld - fall * h, 0];
      else if (slope > rise || (slope < rise && slewed <= u)) [y, dy] = [slewed, 0];
      else [y, dy] = [u, 1];
    } else {
      const slewed = outOld - fall * h;
      if (u > outOld + rise * h) [y, dy] = [outOld + rise * h, 0];
      else if (-slope > fall || (-slope < fall && slewed > u)) [y, dy] = [slewed, 0];
      else [y, dy] = [u, 1];
    }
    r[0] = y;
    r[1] = dy;
    this.out = y;
  }

  /** Accept a step of h at input u: its input and output become the history. */
  accept(u: number, h: number): void {
    const r = new Float64Array(2);
    this.evaluate(u, h, r);
    this.inOld = u;
    this.outOld = this.out;
  }
}
