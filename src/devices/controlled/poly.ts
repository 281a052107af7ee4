/**
 * SPICE2 polynomial controlled sources: `E/G ... POLY(n) nc1+ nc1- ... ncn+ ncn- p0 p1 ...`
 * (controls x_i = V(nci+) - V(nci-)) and `F/H ... POLY(n) V1 ... Vn p0 p1 ...`
 * (controls x_i = I(Vi), the branch currents of voltage branches, as for the
 * linear F and H). The source's value is
 *
 *   f(x) = p0 + sum_{j>=1} p_j * prod_i x_i^e_ji
 *
 * with the exponent vectors e_j in SPICE2's order (ngspice 39 runs its
 * XSPICE spice2poly model, a translation of SPICE 2G6's NXTPWR): by total
 * degree d = 1, 2, ..., and within one degree in decreasing lexicographic
 * order of (e_1, ..., e_n); for n = 2: x1, x2, x1^2, x1 x2, x2^2, x1^3,
 * x1^2 x2, x1 x2^2, x2^3, ...; for n = 3: x1, x2, x3, x1^2, x1 x2, x1 x3,
 * x2^2, x2 x3, x3^2, x1^3, ... Coefficients after the last one given are 0;
 * a lone p0 is a constant source.
 *
 *   E, H: a voltage branch, V(a) - V(b) = f(x); branch current x_k from a through the source to b.
 *   G, F: the current f(x) flows from a through the source to b (leaves a, enters b).
 *
 * Companion model at the iterate x0 (partials g_i = df/dx_i at x0):
 *
 *   f(x) ~ sum_i g_i x_i + (f0 - sum_i g_i x0_i)
 *
 * - current output: KCL rows a / b get +g_i / -g_i in the columns of x_i (a
 *   node pair: +g_i at nci+, -g_i at nci-; a branch current: its unknown),
 *   and ieq = f0 - sum_i g_i x0_i on the right-hand side (minus at a, plus at b);
 * - voltage output: row k reads V(a) - V(b) - sum_i g_i x_i = f0 - sum_i g_i x0_i.
 *
 * A controlling node that is not an unknown (ground, fixed) has a trash
 * column: its term g_i Vk moves to the right-hand side. AC: the Jacobian
 * g_i at the operating point without the constant (ngspice's AC gains are
 * the partials of its last DC solution). Not reciprocal (symmetric false).
 */
import type { SourceLoc } from "../../util/errors.js";
import { controllingBranch } from "../control.js";
import { reserveBranch, stampVoltageBranch, type BranchHandles } from "../stamp.js";
import type { AcLoadContext, Device, LoadContext, ResolveContext, SetupContext, VoltageBranch } from "../types.js";
import { limitInputs } from "../xspice/inputs.js";

/**
 * The exponent vectors of SPICE2's terms p_1, p_2, ... for n controls,
 * `count` of them, row-major (term j - 1 at [(j - 1) n, j n)): by total
 * degree, and within a degree in decreasing lexicographic order.
 */
export function polyExponents(n: number, count: number): Int32Array {
  const out = new Int32Array(n * count);
  let j = 0;
  const e = new Int32Array(n);
  /** Fill e[i..] with every split of `left` in decreasing lexicographic order. */
  const split = (i: number, left: number): void => {
    if (j >= count) return;
    if (i === n - 1) {
      e[i] = left;
      out.set(e, j * n);
      j++;
      return;
    }
    for (let p = left; p >= 0 && j < count; p--) {
      e[i] = p;
      split(i + 1, left - p);
    }
  };
  for (let d = 1; j < count; d++) split(0, d);
  return out;
}

/**
 * f(x) and its partials: out[0] = f, out[1 + i] = df/dx_i, for the
 * coefficients p (p[0] the constant) and exponents `exps` (polyExponents).
 */
export function evalPoly(p: Float64Array, exps: Int32Array, x: Float64Array, out: Float64Array): void {
  const n = x.length;
  out.fill(0);
  out[0] = p[0];
  for (let j = 1; j < p.length; j++) {
    const c = p[j];
    if (c === 0) continue;
    const o = (j - 1) * n;
    let prod = 1;
    for (let i = 0; i < n; i++) prod *= x[i] ** exps[o + i];
    out[0] += c * prod;
    // d/dx_i: e_i x_i^(e_i - 1) times the other factors (no division: x_i may be 0)
    for (let i = 0; i < n; i++) {
      const ei = exps[o + i];
      if (ei === 0) continue;
      let d = ei * x[i] ** (ei - 1);
      for (let m = 0; m < n; m++) if (m !== i) d *= x[m] ** exps[o + m];
      out[1 + i] += c * d;
    }
  }
}

export class PolySource implements Device {
  readonly symmetric = false;
  /**
   * Loaded at every Newton iteration even when affine: ngspice's POLY is an
   * XSPICE instance whose input limiting (limitInputs) can hold an
   * iterate back whatever the polynomial.
   */
  readonly linear = false;
  /** Every term of degree <= 1: the stamp is exact, independent of the controls. */
  private readonly firstOrder: boolean;
  /** E and H define their voltage (VoltageBranch); G and F do not. */
  readonly definesVoltage: boolean;
  /** F and H read branch currents. */
  readonly readsBranch: boolean;
  readonly nodes: readonly number[];
  /** Branch unknown of E / H (set by the circuit builder); -1 for G / F. */
  k = -1;
  /** The number of controls n. */
  readonly dim: number;
  private readonly p: Float64Array;
  private readonly exps: Int32Array;
  /** Per control: the unknown of the controlling branch (F / H, from `setup`). */
  private readonly kctrl: Int32Array;
  private readonly branches: Array<VoltageBranch | null>;
  private readonly xs: Float64Array;
  /** The controls used at the last load (the input convergence limiting of ngspice's spice2poly: limitInputs). */
  private readonly xsLast: Float64Array;
  private readonly out: Float64Array;
  // handles: per control, its column(s) on row a (current) or row k (voltage), and row b (current)
  private hAc!: Int32Array;
  private hAd!: Int32Array;
  private hBc!: Int32Array;
  private hBd!: Int32Array;
  private ra = 0;
  private rb = 0;
  /** The output branch's handles (a voltage output), from reserveBranch. */
  private hk: BranchHandles | null = null;

  /**
   * `kind`: "v" (E, H) or "i" (G, F). Controls: `pairs` (E, G: node indices
   * nc1+, nc1-, nc2+, ...) or `ctrls` (F, H: voltage branch names, with
   * `ctrlLocs` for the errors of `resolve`). `coefs`: p0, p1, ... (at least one).
   */
  constructor(
    readonly name: string,
    readonly kind: "v" | "i",
    readonly a: number,
    readonly b: number,
    readonly pairs: readonly number[] | null,
    readonly ctrls: readonly string[] | null,
    coefs: readonly number[],
    readonly ctrlLocs: readonly SourceLoc[] = [],
  ) {
    this.dim = pairs ? pairs.length / 2 : ctrls!.length;
    const n = this.dim;
    this.p = Float64Array.from(coefs);
    this.exps = polyExponents(n, Math.max(0, coefs.length - 1));
    let affine = true;
    for (let j = 0; j < coefs.length - 1; j++) {
      let deg = 0;
      for (let i = 0; i < n; i++) deg += this.exps[j * n + i];
      if (deg > 1 && coefs[j + 1] !== 0) affine = false;
    }
    this.firstOrder = affine;
    this.definesVoltage = kind === "v";
    this.readsBranch = ctrls !== null;
    this.nodes = pairs ? [a, b, ...pairs] : [a, b];
    this.kctrl = new Int32Array(n).fill(-1);
    this.branches = new Array<VoltageBranch | null>(n).fill(null);
    this.xs = new Float64Array(n);
    this.xsLast = new Float64Array(n);
    this.out = new Float64Array(n + 1);
  }

  /** The coefficients p0, p1, ... as given. */
  get coefficients(): readonly number[] {
    return Array.from(this.p);
  }

  resolve(ctx: ResolveContext): void {
    if (!this.ctrls) return;
    this.ctrls.forEach((c, i) => {
      this.branches[i] = controllingBranch(
        ctx,
        c,
        this.ctrlLocs[i],
        `${this.name}: unknown controlling source '${c}'`,
        `${this.name}: controlling element '${c}' must be a voltage source (V, E, H, L or a V= B source): its current is not a branch unknown`,
      );
    });
  }

  setup(ctx: SetupContext): void {
    const n = this.dim;
    this.ra = ctx.row(this.a);
    this.rb = ctx.row(this.b);
    this.hAc = new Int32Array(n);
    this.hAd = new Int32Array(n);
    this.hBc = new Int32Array(n);
    this.hBd = new Int32Array(n);
    // the row the controls' columns go to: a and b (current), k (voltage)
    const rowA = this.kind === "v" ? this.k : this.ra;
    for (let i = 0; i < n; i++) {
      if (this.pairs) {
        const rc = ctx.row(this.pairs[2 * i]);
        const rd = ctx.row(this.pairs[2 * i + 1]);
        this.hAc[i] = ctx.entry(rowA, rc);
        this.hAd[i] = ctx.entry(rowA, rd);
        if (this.kind === "i") {
          this.hBc[i] = ctx.entry(this.rb, rc);
          this.hBd[i] = ctx.entry(this.rb, rd);
        }
      } else {
        const br = this.branches[i];
        if (br) this.kctrl[i] = br.k;
        this.hAc[i] = ctx.entry(rowA, this.kctrl[i]);
        if (this.kind === "i") this.hBc[i] = ctx.entry(this.rb, this.kctrl[i]);
      }
    }
    if (this.kind === "v") {
      this.hk = reserveBranch(ctx, this.a, this.b, this.k);
    }
  }

  /** The controls x_i at (V, x): node-pair voltages (V) or branch currents (A). */
  private gather(V: Float64Array, x: Float64Array): Float64Array {
    const xs = this.xs;
    const pr = this.pairs;
    for (let i = 0; i < xs.length; i++) xs[i] = pr ? V[pr[2 * i]] - V[pr[2 * i + 1]] : x[this.kctrl[i]];
    return xs;
  }

  /** The source's value f(x) at (V, x): volts (E, H) or amperes (G, F). */
  valueAt(V: Float64Array, x: Float64Array): number {
    evalPoly(this.p, this.exps, this.gather(V, x), this.out);
    return this.out[0];
  }

  load(ctx: LoadContext): void {
    this.stamp(ctx, true);
  }

  /** AC: the partials g_i at the operating point (ctx.g.V, ctx.g.x), no constant. */
  acLoad(ctx: AcLoadContext): void {
    this.stamp(ctx.g, false);
  }

  /** The companion model at (ctx.V, ctx.x); `affine` false: the Jacobian only. */
  private stamp(ctx: LoadContext, affine: boolean): void {
    // ngspice runs a POLY source as the XSPICE code model spice2poly, whose inputs mifload.c limits
    // (limitInputs): the same Newton path and stopping point; a linear source's stamp does not depend on them
    let xs = this.gather(ctx.V, ctx.x);
    if (affine) limitInputs(xs, this.xsLast, ctx);
    // first order: the value at x = 0 and the constant partials, so the constant is p0 exactly (no roundoff of f0 - sum g x0)
    if (this.firstOrder) xs = this.xs.fill(0);
    const out = this.out;
    evalPoly(this.p, this.exps, xs, out);
    const { A, Vk } = ctx;
    const pr = this.pairs;
    const n = this.dim;
    // the constant of the companion model, fixed controlling nodes' terms moved into it
    let c = affine ? out[0] : 0;
    for (let i = 0; i < n; i++) {
      const g = out[1 + i];
      if (affine) c -= g * xs[i];
      if (pr) c += g * (Vk[pr[2 * i]] - Vk[pr[2 * i + 1]]);
    }
    if (this.kind === "i") {
      for (let i = 0; i < n; i++) {
        const g = out[1 + i];
        A[this.hAc[i]] += g;
        A[this.hBc[i]] -= g;
        if (pr) {
          A[this.hAd[i]] -= g;
          A[this.hBd[i]] += g;
        }
      }
      ctx.b[this.ra] -= c;
      ctx.b[this.rb] += c;
    } else {
      stampVoltageBranch(ctx, this.hk!, c);
      for (let i = 0; i < n; i++) {
        const g = out[1 + i];
        A[this.hAc[i]] -= g;
        if (pr) A[this.hAd[i]] += g;
      }
    }
  }

  addCurrents(V: Float64Array, x: Float64Array, _t: number, out: Float64Array): void {
    const i = this.kind === "i" ? this.valueAt(V, x) : x[this.k];
    out[this.a] += i;
    out[this.b] -= i;
  }
}
