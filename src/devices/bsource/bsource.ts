/**
 * Behavioural sources (ngspice's B element): `Bname n+ n- V=f(x)` and
 * `Bname n+ n- I=f(x)`, with x the controlling variables of the expression
 * (node voltages V(c_k) and branch currents I(vname) of voltage sources;
 * see netlist/bexpr.ts for the expression language).
 *
 * Companion model at the iterate x0 (the expression's value f0 and its
 * partials g_k = df/dx_k at x0, both from the compiled function):
 *
 *   f(x) ~ f0 + sum_k g_k (x_k - x0_k) = sum_k g_k x_k + (f0 - sum_k g_k x0_k)
 *
 * - I= : the current f(x) flows from n+ through the source to n- (leaves
 *   n+, enters n-), as an independent I source. KCL rows n+ / n- get +g_k /
 *   -g_k in column x_k and the constant ieq = f0 - sum_k g_k x0_k on the
 *   right-hand side (minus at n+, plus at n-).
 * - V= : a branch unknown j (current from n+ through the source to n-, as a
 *   V source) and the row  V(n+) - V(n-) - sum_k g_k x_k = f0 - sum_k g_k x0_k.
 *
 * A controlling node that is not an unknown (ground, or fixed by a grounded
 * V source) has a trash column: its term g_k Vk moves to the right-hand
 * side. The stamp is not symmetric in general (symmetric = false, as the
 * linear controlled sources of controlled.ts), except for an I= source
 * whose expression reads only its own branch voltage v = V(n+) - V(n-) and
 * not time: that is a reciprocal two-terminal element i = f(v), with the
 * co-content J(v) = integral_0^v f(u) du (computed by adaptive Gauss-Kronrod
 * quadrature to 1e-12 relative), so it can sit in an energy-minimizing
 * (EqProp) circuit like a diode.
 *
 * An expression whose value is not finite at an iterate (sqrt or log of a
 * negative number, a division by zero, an overflowing exp) is an error
 * naming the source and the values of its controls (ngspice 39 stops with
 * "out of range" there). A non-finite partial (sqrt at 0) is stamped as 0.
 */
import type { BExpr } from "../../netlist/bexpr.js";
import { NetlistError, type SourceLoc } from "../../util/errors.js";
import { controllingBranch } from "../control.js";
import { reserveBranch, stampVoltageBranch, type BranchHandles } from "../stamp.js";
import type { AcLoadContext, BranchLaw, BranchPoint, Device, LoadContext, ResolveContext, SetupContext, VoltageBranch } from "../types.js";

/**
 * The expression times a constant `factor` (a B source's temperature
 * factor 1 + tc1 dT + tc2 dT^2, ngspice's asrcload.c): value and every
 * partial scaled, f -> factor f, df/dx_k -> factor df/dx_k.
 */
export function scaleBExpr(e: BExpr, factor: number): BExpr {
  if (factor === 1) return e;
  return {
    ...e,
    text: `${factor} * (${e.text})`,
    evalAll: (x, t, out) => {
      e.evalAll(x, t, out);
      for (let k = 0; k <= e.probes.length; k++) out[k] *= factor;
    },
    value: (x, t) => factor * e.value(x, t),
  };
}

export class BSource implements Device {
  readonly linear: boolean;
  /** A V= source defines its voltage (VoltageBranch); an I= source does not. */
  readonly definesVoltage: boolean;
  /** True when the expression reads a branch current (i()). */
  readonly readsBranch: boolean;
  /** True for a reciprocal I= source (see the file comment); known once `bind` has the nodes. */
  symmetric = false;
  nodes: readonly number[];
  /** Branch unknown of a V= source (set by the circuit builder); -1 for I=. */
  k = -1;
  /** Per variable: node index (kind "v") or the controlling source's branch unknown (kind "i", from `setup`). */
  readonly ctrl: Int32Array;
  private readonly isNode: Uint8Array;
  private readonly xs: Float64Array;
  private readonly out: Float64Array;
  // handles
  private hA!: Int32Array; // row n+ (I) or row k (V), per variable
  private hB!: Int32Array; // row n- (I), per variable
  private ra = 0;
  private rb = 0;
  /** The output branch's handles (a voltage output), from reserveBranch. */
  private hk: BranchHandles | null = null;
  /** Variable slot of n+ and n- in the expression (-1 when not read), for the co-content. */
  private slotA = -1;
  private slotB = -1;
  /** Co-content J(v) = integral_0^v f(u) du, v = V(n+) - V(n-) (W): reciprocal I= sources only (set by `bind`). */
  cocontent?: (V: Float64Array, time: number) => number;

  constructor(
    readonly name: string,
    readonly kind: "v" | "i",
    readonly a: number,
    readonly b: number,
    readonly expr: BExpr,
    readonly loc: SourceLoc,
  ) {
    const n = expr.probes.length;
    this.ctrl = new Int32Array(n).fill(-1);
    this.isNode = Uint8Array.from(expr.probes.map((p) => (p.kind === "v" ? 1 : 0)));
    this.xs = new Float64Array(n);
    this.out = new Float64Array(n + 1);
    this.nodes = [a, b];
    this.linear = expr.affine;
    this.definesVoltage = kind === "v";
    this.readsBranch = expr.probes.some((p) => p.kind === "i");
    this.branches = expr.probes.map(() => null);
  }

  /** The voltage branch of every i() variable (null for v() variables), from `resolve`. */
  private readonly branches: Array<VoltageBranch | null>;

  /**
   * Find its variables once every element exists: v() must name a node of
   * the circuit, i() a voltage branch (V, E, H, L or a V= B source).
   */
  resolve(ctx: ResolveContext): void {
    const nodeOf = this.expr.probes.map((p, k) => {
      if (p.kind === "i") {
        this.branches[k] = controllingBranch(
          ctx,
          p.name,
          p.loc,
          `${this.name}: i(${p.name}): no voltage source named '${p.name}'`,
          `${this.name}: i(${p.name}): '${p.name}' is not a voltage source (V, E, H, L or a V= B source): its current is not a branch unknown`,
        );
        return -1;
      }
      const node = ctx.node(p.name);
      if (node === undefined) throw new NetlistError(`${this.name}: v(${p.name}): no node '${p.name}' in the circuit`, p.loc);
      return node;
    });
    this.bind(nodeOf);
  }

  /**
   * The node index of every v() variable (entries of i() variables are
   * ignored: `ctrl` takes their branch unknowns later, when they are known).
   */
  private bind(nodeOf: readonly number[]): void {
    const { a, b } = this;
    const n = this.ctrl.length;
    const nodeSet = new Set<number>([a, b]);
    for (let k = 0; k < n; k++) {
      if (!this.isNode[k]) continue;
      this.ctrl[k] = nodeOf[k];
      nodeSet.add(nodeOf[k]);
    }
    this.nodes = [a, b, ...[...nodeSet].filter((x) => x !== a && x !== b)];
    this.symmetric = this.kind === "i" && this.expr.ownVoltageOnly;
    this.slotA = this.expr.probes.findIndex((p, k) => p.kind === "v" && this.ctrl[k] === a);
    this.slotB = this.expr.probes.findIndex((p, k) => p.kind === "v" && this.ctrl[k] === b);
    this.cocontent = this.symmetric ? (V: Float64Array) => integrate((u) => this.currentAt(u), 0, V[this.a] - V[this.b]) : undefined;
  }

  /**
   * An I= source that reads the voltages of both its own terminals (a
   * behavioural resistor `R = {... v(x) ...}`, rewritten as ngspice 39 does
   * to `I = v(a,b)/(...)`) stamps a conductance between them in the
   * matrix, so it joins them at DC, as ngspice's matrix does; any other B
   * source joins nothing (a V= source is a voltage branch already).
   */
  dcGroups(): ReadonlyArray<readonly number[]> {
    if (this.kind !== "i") return [];
    const readsA = this.a === 0 || this.slotA >= 0;
    const readsB = this.b === 0 || this.slotB >= 0;
    return readsA && readsB && this.a !== this.b ? [[this.a, this.b]] : [];
  }

  setup(ctx: SetupContext): void {
    const n = this.ctrl.length;
    this.branches.forEach((br, k) => {
      if (br) this.ctrl[k] = br.k;
    });
    this.hA = new Int32Array(n);
    this.hB = new Int32Array(n);
    this.ra = ctx.row(this.a);
    this.rb = ctx.row(this.b);
    const col = (k: number) => (this.isNode[k] ? ctx.row(this.ctrl[k]) : this.ctrl[k]);
    if (this.kind === "i") {
      for (let k = 0; k < n; k++) {
        this.hA[k] = ctx.entry(this.ra, col(k));
        this.hB[k] = ctx.entry(this.rb, col(k));
      }
    } else {
      this.hk = reserveBranch(ctx, this.a, this.b, this.k);
      for (let k = 0; k < n; k++) this.hA[k] = ctx.entry(this.k, col(k));
    }
  }

  /** The controlling variables at (V, x). */
  private gather(V: Float64Array, x: Float64Array): Float64Array {
    const xs = this.xs;
    for (let k = 0; k < xs.length; k++) xs[k] = this.isNode[k] ? V[this.ctrl[k]] : x[this.ctrl[k]];
    return xs;
  }

  private fail(value: number, t: number): never {
    const vals = this.expr.probes.map((p, k) => `${p.kind}(${p.name}) = ${this.xs[k]}`).join(", ");
    throw new NetlistError(
      `${this.name}: ${this.kind.toUpperCase()}=${this.expr.text} is ${value} (out of range) at ${vals || "no controls"}${this.expr.usesTime ? `, time = ${t}` : ""}`,
      this.loc,
    );
  }

  load(ctx: LoadContext): void {
    this.stamp(ctx, true);
  }

  /**
   * ddt() is 0 outside a transient (ngspice's PTddt at the operating point
   * and in .dc; its AC derivative is 0 too); in a transient ngspice takes a
   * lagged difference quotient of the last accepted time points, which is
   * not modelled.
   */
  transientRefusal(): string | null {
    return this.expr.usesDdt ? `${this.name}: ddt() in a B source is modelled at the operating point, in .dc and in .ac (where it is 0, as in ngspice), not in a transient` : null;
  }

  /**
   * AC: its Jacobian g_k = df/dx_k at the operating point (ctx.g.V, ctx.g.x,
   * time 0), without the companion constant: the I= rows get g_k, the V=
   * row -g_k, as in `load` (ngspice's ASRCacLoad).
   */
  acLoad(ctx: AcLoadContext): void {
    this.stamp(ctx.g, false);
  }

  /** The companion model at (ctx.V, ctx.x); `affine` false: the linear part only (fixed controls' terms kept). */
  private stamp(ctx: LoadContext, affine: boolean): void {
    const t = ctx.mode === "dc" || ctx.time < 0 ? 0 : ctx.time;
    const xs = this.gather(ctx.V, ctx.x);
    const out = this.out;
    this.expr.evalAll(xs, t, out);
    const f0 = out[0];
    if (!Number.isFinite(f0)) this.fail(f0, t);
    const A = ctx.A;
    const Vk = ctx.Vk;
    // constant of the companion model, with fixed controlling nodes moved to it
    let c = affine ? f0 : 0;
    for (let k = 0; k < xs.length; k++) {
      let g = out[k + 1];
      if (!Number.isFinite(g)) g = out[k + 1] = 0;
      if (affine) c -= g * xs[k];
      if (this.isNode[k]) c += g * Vk[this.ctrl[k]];
    }
    if (this.kind === "i") {
      for (let k = 0; k < xs.length; k++) {
        const g = out[k + 1];
        A[this.hA[k]] += g;
        A[this.hB[k]] -= g;
      }
      ctx.b[this.ra] -= c;
      ctx.b[this.rb] += c;
    } else {
      stampVoltageBranch(ctx, this.hk!, c);
      for (let k = 0; k < xs.length; k++) A[this.hA[k]] -= out[k + 1];
    }
  }

  /** The expression's value at (V, x, time); time < 0 is the DC point (time 0). */
  valueAt(V: Float64Array, x: Float64Array, time: number): number {
    return this.expr.value(this.gather(V, x), time < 0 ? 0 : time);
  }

  addCurrents(V: Float64Array, x: Float64Array, time: number, out: Float64Array): void {
    const i = this.kind === "i" ? this.valueAt(V, x, time) : x[this.k];
    out[this.a] += i;
    out[this.b] -= i;
  }

  /** f as a function of the own branch voltage v (reciprocal I= sources only). */
  currentAt(v: number): number {
    const xs = this.xs;
    xs.fill(0);
    // f reads only V(n+) - V(n-): put v on n+ and 0 on n- (one of them may be ground and not a variable)
    if (this.slotA >= 0) xs[this.slotA] = v;
    else if (this.slotB >= 0) xs[this.slotB] = -v;
    return this.expr.value(xs, 0);
  }

  branchLaw(): BranchLaw | null {
    if (!this.symmetric) return null;
    const self = this;
    return {
      a: this.a,
      b: this.b,
      linearize(_init: boolean, out: BranchPoint): boolean {
        const v = out.v;
        const xs = self.xs;
        xs.fill(0);
        if (self.slotA >= 0) xs[self.slotA] = v;
        else if (self.slotB >= 0) xs[self.slotB] = -v;
        self.expr.evalAll(xs, 0, self.out);
        const i = self.out[0];
        if (!Number.isFinite(i)) self.fail(i, 0);
        // df/dv: through n+ (+1) or through n- (-1)
        let g = 0;
        if (self.slotA >= 0) g += self.out[self.slotA + 1];
        if (self.slotB >= 0) g -= self.out[self.slotB + 1];
        out.i = i;
        out.g = Number.isFinite(g) ? g : 0;
        return false;
      },
    };
  }
}

// Gauss-Kronrod 7-15 nodes and weights.
const XGK = [0.991455371120812639206854697526329, 0.949107912342758524526189684047851, 0.864864423359769072789712788640926, 0.741531185599394439863864773280788, 0.586087235467691130294144845693013, 0.405845151377397166906606412076961, 0.207784955007898467600689403773245, 0];
const WGK = [0.022935322010529224963732008058970, 0.063092092629978553290700663189204, 0.104790010322250183839876322541518, 0.140653259715525918745189590510238, 0.169004726639267902826583426598550, 0.190350578064785409913256402421014, 0.204432940075298892414161999234649, 0.209482141084727828012999174891714];
const WG = [0.129484966168869693270611432679082, 0.279705391489276667901467771423780, 0.381830050505118944950369775488975, 0.417959183673469387755102040816327];

function gk15(f: (u: number) => number, a: number, b: number): [number, number] {
  const c = 0.5 * (a + b);
  const h = 0.5 * (b - a);
  const fc = f(c);
  let k = fc * WGK[7];
  let g = fc * WG[3];
  for (let j = 0; j < 7; j++) {
    const d = h * XGK[j];
    const s = f(c - d) + f(c + d);
    k += WGK[j] * s;
    if (j % 2 === 1) g += WG[(j - 1) / 2] * s;
  }
  return [k * h, Math.abs((k - g) * h)];
}

/** integral_a^b f by adaptive Gauss-Kronrod 7-15, to 1e-12 relative (plus a tiny absolute floor). */
export function integrate(f: (u: number) => number, a: number, b: number, rel = 1e-12): number {
  if (a === b) return 0;
  const [whole, err0] = gk15(f, a, b);
  if (err0 <= rel * Math.abs(whole) || err0 < 1e-300) return whole;
  // a work list of intervals, split where the error is largest, up to a budget
  const tol = (absTotal: number) => Math.max(rel * absTotal, 1e-300);
  type Seg = { a: number; b: number; v: number; e: number };
  const segs: Seg[] = [{ a, b, v: whole, e: err0 }];
  let total = whole;
  let err = err0;
  for (let iter = 0; iter < 2000 && err > tol(Math.abs(total)); iter++) {
    let w = 0;
    for (let j = 1; j < segs.length; j++) if (segs[j].e > segs[w].e) w = j;
    const s = segs[w];
    const m = 0.5 * (s.a + s.b);
    if (m === s.a || m === s.b) break;
    const [v1, e1] = gk15(f, s.a, m);
    const [v2, e2] = gk15(f, m, s.b);
    total += v1 + v2 - s.v;
    err += e1 + e2 - s.e;
    segs[w] = { a: s.a, b: m, v: v1, e: e1 };
    segs.push({ a: m, b: s.b, v: v2, e: e2 });
  }
  // re-sum to drop the rounding of the running total
  let sum = 0;
  for (const s of segs) sum += s.v;
  return sum;
}
