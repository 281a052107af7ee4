/**
 * The hyst code model (ngspice 39's icm/analog/hyst/cfunc.mod): two
 * transfer curves from out_lower_limit to out_upper_limit of slope
 * (out_upper_limit - out_lower_limit) / (in_high - in_low), the rising
 * one between in_low + hyst and in_high + hyst, the falling one between
 * in_low - hyst and in_high - hyst, each corner smoothed over
 * +-input_domain (times in_high - in_low with fraction=true) by
 * cm_smooth_corner. The state (rising or falling) is cfunc.mod's:
 *
 * - each evaluation starts from the old state and moves to falling past
 *   in_high + hyst + input_domain on the rising curve, to rising below
 *   in_low - hyst - input_domain on the falling curve;
 * - the old state is, at first, the one cfunc.mod's INIT sets from an
 *   input of 0 (ngspice's first iteration reads every input as 0): rising
 *   when 0 < in_high + hyst + input_domain;
 * - an operating point keeps it (ngspice does not rotate its states
 *   there); a .dc sweep takes the last point's state at each point
 *   (dctrcurv.c rotates them); a transient starts from the operating
 *   point's state and takes the accepted state at each time point.
 *
 * Output partial: cfunc.mod's (exact); AC: the partial at the operating point.
 */
import { smoothCorner, type XParams } from "./models.js";

const RISING = 1;
const FALLING = 0;

export class Hyst {
  private readonly slope: number;
  private readonly xrl: number;
  private readonly xrz: number;
  private readonly xfl: number;
  private readonly xfz: number;
  private readonly dom: number;
  private readonly lo: number;
  private readonly hi: number;
  private readonly t = new Float64Array(2);
  /** The old state (ngspice's state1) and the one of the last evaluation (state0). */
  private old: number;
  private state: number;

  constructor(p: XParams) {
    const num = (k: string): number => p.get(k) as number;
    const inLow = num("in_low");
    const inHigh = num("in_high");
    const hyst = num("hyst");
    this.lo = num("out_lower_limit");
    this.hi = num("out_upper_limit");
    this.slope = (this.hi - this.lo) / (inHigh - inLow);
    this.xrl = inLow + hyst;
    this.xrz = inHigh + hyst;
    this.xfl = inHigh - hyst;
    this.xfz = inLow - hyst;
    this.dom = num("fraction") ? num("input_domain") * (inHigh - inLow) : num("input_domain");
    this.old = 0 < this.xrz + this.dom ? RISING : FALLING;
    this.state = this.old;
  }

  /** No states for AC (its gain is the DC partial). */
  get states(): number {
    return 0;
  }

  /** y and dy/du at input u from the old state (h unused: the model has no time in it); into r[0], r[1]. */
  evaluate(u: number, _h: number | null, r: Float64Array): void {
    const { slope, dom, lo, hi, t } = this;
    let state = this.old;
    if (state === RISING) {
      if (u <= this.xrl - dom) [r[0], r[1]] = [lo, 0];
      else if (u <= this.xrl + dom) {
        smoothCorner(u, this.xrl, lo, dom, 0, slope, t);
        [r[0], r[1]] = [t[0], t[1]];
      } else if (u <= this.xrz - dom) [r[0], r[1]] = [(u - this.xrl) * slope + lo, slope];
      else if (u <= this.xrz + dom) {
        smoothCorner(u, this.xrz, hi, dom, slope, 0, t);
        [r[0], r[1]] = [t[0], t[1]];
      } else {
        [r[0], r[1]] = [hi, 0];
        state = FALLING;
      }
    } else if (u >= this.xfl + dom) [r[0], r[1]] = [hi, 0];
    else if (u >= this.xfl - dom) {
      smoothCorner(u, this.xfl, hi, dom, slope, 0, t);
      [r[0], r[1]] = [t[0], t[1]];
    } else if (u >= this.xfz + dom) [r[0], r[1]] = [(u - this.xfz) * slope + lo, slope];
    else if (u >= this.xfz - dom) {
      smoothCorner(u, this.xfz, lo, dom, 0, slope, t);
      [r[0], r[1]] = [t[0], t[1]];
    } else {
      [r[0], r[1]] = [lo, 0];
      state = RISING;
    }
    this.state = state;
  }

  /** Start of a transient: the operating point's state becomes the old one. */
  reset(u = 0): void {
    this.evaluate(u, null, new Float64Array(2));
    this.old = this.state;
  }

  /** An accepted time point at input u: its state becomes the old one. */
  accept(u: number): void {
    this.reset(u);
  }

  /** A new point of a .dc sweep: the last point's state becomes the old one. */
  beginDcPoint(): void {
    this.old = this.state;
  }
}
