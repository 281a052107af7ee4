/**
 * An XSPICE code model instance with several current outputs (ilimit's
 * pos_pwr, neg_pwr and out conductance ports), static: output o is the
 * current y_o(u) from a_o through the model to b_o (ngspice's
 * rhs[pos] -= y), linearized at the iterate with its exact partials as
 * XspiceDevice does for one output:
 *   rows a_o / b_o get +-dy_o/du_j in the columns of u_j, and
 *   ieq_o = y_o - sum_j dy_o/du_j u0_j leaves a_o.
 * Inputs: node-pair voltages (a conductance port's own voltage among them)
 * or voltage-branch currents. In AC the model's AC gains at the operating point.
 */
import type { AcLoadContext, Device, LoadContext, ResolveContext, SetupContext, VoltageBranch } from "../types.js";
import type { XMultiBehaviour } from "./models.js";
import type { XDeviceInput } from "./xspice.js";
import { branchUnknowns, gatherInputs, limitInputs, reserveInputColumns, resolveInputBranches } from "./inputs.js";

export class XspiceMultiDevice implements Device {
  readonly symmetric = false;
  readonly linear = false;
  readonly definesVoltage = false;
  readonly readsBranch: boolean;
  private readonly n: number;
  private readonly m: number;
  private readonly kctrl: Int32Array;
  private readonly branches: Array<VoltageBranch | null>;
  private readonly u: Float64Array;
  /** The inputs used at the last load (ngspice's input convergence limiting: limitInputs). */
  private readonly uLast: Float64Array;
  private readonly r: Float64Array;
  /** Per output o and input j: the entries of rows a_o (slot 2o) and b_o (slot 2o + 1) in u_j's + and - columns. */
  private hP!: Int32Array;
  private hN!: Int32Array;
  private rows!: Int32Array;

  constructor(
    readonly name: string,
    readonly outs: ReadonlyArray<{ a: number; b: number }>,
    readonly inputs: readonly XDeviceInput[],
    private readonly beh: XMultiBehaviour,
    readonly nodes: readonly number[],
  ) {
    this.n = inputs.length;
    this.m = outs.length;
    this.readsBranch = inputs.some((u) => u.kind === "i");
    this.kctrl = new Int32Array(this.n).fill(-1);
    this.branches = new Array<VoltageBranch | null>(this.n).fill(null);
    this.u = new Float64Array(this.n);
    this.uLast = new Float64Array(this.n);
    this.r = new Float64Array(this.m * (this.n + 1));
  }

  /** Why an AC analysis refuses the model (models.ts' acRefusal), or null. */
  acWhy: string | null = null;

  acRefusal(): string | null {
    return this.acWhy ? `${this.name}: ${this.acWhy}` : null;
  }

  /**
   * An output that reads its own voltage (a conductance port: pswitch's, ilimit's out) stamps a conductance
   * between its nodes in ngspice's matrix (the partial of the output by that input), so it joins them at DC.
   */
  dcGroups(): ReadonlyArray<readonly number[]> {
    return this.outs.filter((o) => this.inputs.some((u) => u.kind === "v" && ((u.p === o.a && u.n === o.b) || (u.p === o.b && u.n === o.a)))).map((o) => [o.a, o.b]);
  }

  resolve(ctx: ResolveContext): void {
    resolveInputBranches(this.name, this.inputs, ctx, this.branches);
  }

  setup(ctx: SetupContext): void {
    const { n, m } = this;
    branchUnknowns(this.branches, this.kctrl);
    this.rows = new Int32Array(2 * m);
    this.hP = new Int32Array(2 * m * n);
    this.hN = new Int32Array(2 * m * n);
    for (let o = 0; o < m; o++) {
      this.rows[2 * o] = ctx.row(this.outs[o].a);
      this.rows[2 * o + 1] = ctx.row(this.outs[o].b);
    }
    for (let s = 0; s < 2 * m; s++) {
      const R = this.rows[s];
      reserveInputColumns(ctx, R, s, this.inputs, this.kctrl, this.hP, this.hN);
    }
  }

  /** The inputs u at (V, x): node-pair voltages (V) or branch currents (A). */
  private gather(V: Float64Array, x: Float64Array): Float64Array {
    return gatherInputs(this.inputs, this.kctrl, V, x, this.u);
  }

  load(ctx: LoadContext): void {
    const u = this.gather(ctx.V, ctx.x);
    limitInputs(u, this.uLast, ctx);
    this.beh.evaluate(u, this.r);
    this.stamp(ctx, true);
  }

  /** The companion model at this.u / this.r; `affine` false: the Jacobian only (AC). */
  private stamp(ctx: LoadContext, affine: boolean): void {
    const { A, b, Vk } = ctx;
    const { n, m, r, u } = this;
    for (let o = 0; o < m; o++) {
      const base = o * (n + 1);
      // the constant of the linearization, fixed controlling nodes' terms moved into it
      let c = affine ? r[base] : 0;
      for (let j = 0; j < n; j++) {
        const g = r[base + 1 + j];
        if (affine) c -= g * u[j];
        const p = this.inputs[j];
        if (p.kind === "v") c += g * (Vk[p.p] - Vk[p.n]);
        for (let s = 0; s < 2; s++) {
          const slot = 2 * o + s;
          const gs = s === 0 ? g : -g;
          A[this.hP[slot * n + j]] += gs;
          if (p.kind === "v") A[this.hN[slot * n + j]] -= gs;
        }
      }
      b[this.rows[2 * o]] -= c;
      b[this.rows[2 * o + 1]] += c;
    }
  }

  acLoad(ctx: AcLoadContext): void {
    const g = ctx.g;
    this.beh.evaluate(this.gather(g.V, g.x), this.r, true);
    this.stamp(g, false);
  }

  addCurrents(V: Float64Array, x: Float64Array, _time: number, out: Float64Array): void {
    const { n, m, r } = this;
    this.beh.evaluate(this.gather(V, x), r);
    for (let o = 0; o < m; o++) {
      const y = r[o * (n + 1)];
      out[this.outs[o].a] += y;
      out[this.outs[o].b] -= y;
    }
  }
}
