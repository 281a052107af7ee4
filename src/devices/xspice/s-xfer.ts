/**
 * The s_xfer code model's transfer function (ngspice 39's
 * icm/analog/s_xfer/cfunc.mod): H(s) = gain N(s) / D(s), coefficients
 * given highest power first, each divided by denormalized_freq^i (the power
 * of s it multiplies) and D made monic (gain / its leading coefficient).
 *
 * It runs as XSPICE's controller canonical form of n - 1 integrators
 * (n = den_coeff's size), states z_i (i = 0..n-2; int_ic gives them,
 * highest order first): x_{n-1} = gain (u + in_offset) - sum_i d_i z_i
 * (the integrators' values at the last accepted time), then
 * x_{i-1} = z_{i-1} + h x_i (backward Euler over the step h, as
 * cm_analog_integrate under ngspice's trapezoidal method), and
 * y = sum_i c_i x_i. At DC the integrators keep their initial values
 * (x_i = z_i, i < n - 1): y follows the input only through x_{n-1}.
 */
export class SXfer {
  /** Denominator coefficients d_0..d_{n-1} (d_{n-1} = 1) and numerator c_0..c_{n-1} (0-padded), of s^i. */
  readonly d: Float64Array;
  readonly c: Float64Array;
  /** gain over the leading denominator coefficient. */
  readonly g: number;
  readonly inOffset: number;
  /** Integrator states at the last accepted time: z_0..z_{n-2}. */
  readonly z: Float64Array;
  private readonly z0: Float64Array;
  private readonly x: Float64Array;
  private readonly dx: Float64Array;

  constructor(num: readonly number[], den: readonly number[], intIc: readonly number[], gain: number, inOffset: number, freq: number) {
    const n = den.length;
    this.d = new Float64Array(n);
    this.c = new Float64Array(n);
    for (let i = 0; i < n; i++) this.d[i] = den[n - 1 - i] / freq ** i;
    for (let i = 0; i < num.length; i++) this.c[i] = num[num.length - 1 - i] / freq ** i;
    const f = this.d[n - 1];
    for (let i = 0; i < n; i++) this.d[i] /= f;
    this.g = gain / f;
    this.inOffset = inOffset;
    this.z0 = new Float64Array(n - 1);
    for (let i = 0; i < n - 1; i++) this.z0[i] = intIc[n - 2 - i];
    this.z = Float64Array.from(this.z0);
    this.x = new Float64Array(n);
    this.dx = new Float64Array(n);
  }

  /** Number of integrator states (n - 1). */
  get states(): number {
    return this.z.length;
  }

  /** Back to the initial states (int_ic), at the start of a transient. */
  reset(_u?: number): void {
    this.z.set(this.z0);
  }

  /** y and dy/du at input u: h null at DC, else a step of h (s) from the accepted states; into r[0], r[1]. */
  evaluate(u: number, h: number | null, r: Float64Array): void {
    const { d, c, z, x, dx } = this;
    const m = z.length;
    let top = this.g * (u + this.inOffset);
    for (let i = 0; i < m; i++) top -= z[i] * d[i];
    x[m] = top;
    dx[m] = this.g;
    for (let i = m; i > 0; i--) {
      if (h === null) {
        x[i - 1] = z[i - 1];
        dx[i - 1] = 0;
      } else {
        x[i - 1] = z[i - 1] + h * x[i];
        dx[i - 1] = h * dx[i];
      }
    }
    let y = 0;
    let dy = 0;
    for (let i = 0; i <= m; i++) {
      y += c[i] * x[i];
      dy += c[i] * dx[i];
    }
    r[0] = y;
    r[1] = dy;
  }

  /** Accept a step of h at input u: the integrators' new values become the states. */
  accept(u: number, h: number): void {
    const r = new Float64Array(2);
    this.evaluate(u, h, r);
    for (let i = 0; i < this.z.length; i++) this.z[i] = this.x[i];
  }
}
