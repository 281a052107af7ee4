/**
 * An XSPICE analog code model instance (`A` element), as ngspice 39's
 * MIFload stamps one: the model's output y(u) of its inputs u_j is
 *
 * - a voltage output (%v, %vd): an ideal voltage source, V(a) - V(b) = y,
 *   with its branch current x_k (A) from a through the source to b;
 * - a current output (%i, %id): the current y (A) flows from a through the
 *   model to b (it leaves node a: ngspice's rhs[pos] -= y).
 *
 * Inputs take no current: a voltage input u = V(p) - V(n) (V); a current
 * input u is the branch current (A) of a voltage source (%vnam, or the 0 V
 * source the element line adds for %i / %id, from n+ through it to n-).
 *
 * Linearization at the iterate u0 (y0 = y(u0), p_j = dy/du_j, exact):
 *   y(u) ~ sum_j p_j u_j + (y0 - sum_j p_j u0_j)
 * voltage output: row k reads V(a) - V(b) - sum_j p_j u_j = y0 - sum_j p_j u0_j;
 * current output: rows a / b get +-p_j in the columns of u_j, and
 * ieq = y0 - sum_j p_j u0_j leaves a (b[a] -= ieq, b[b] += ieq).
 * A fixed controlling node's column is the trash: its term p_j Vk moves to
 * the right-hand side.
 *
 * The integrator (int) and differentiator (d_dt) keep their output on an
 * internal node w (V, or A for a current output) whose row reads
 * w - y(u) = 0 at DC and in a transient, and, in AC, j omega w = gain u
 * (int: out = gain u / s) or w = j omega gain u (d_dt): the AC system's
 * reactive part carries the s.
 *
 * s_xfer (s-xfer.ts) drives its output from its integrator states like a
 * static model at DC and in a transient (its internal nodes then read 0);
 * in AC its n - 1 internal nodes w_i are the controller canonical form's
 * states, s w_i = w_{i+1} (i < n - 2), s w_{n-2} = gain u - sum_i d_i w_i,
 * and y = sum_i (c_i - c_{n-1} d_i) w_i + c_{n-1} gain u, so that
 * y / u = gain N(s) / D(s). Not reciprocal (symmetric false).
 */
import type { SourceLoc } from "../../util/errors.js";
import { reserveBranch, stampVoltageBranch, type BranchHandles } from "../stamp.js";
import type { AcLoadContext, Device, IntegrationState, LoadContext, ResolveContext, SetupContext, VoltageBranch } from "../types.js";
import { clipDynamic, type XBehaviour, type XParams } from "./models.js";
import type { SXfer } from "./s-xfer.js";
import type { Slew } from "./slew.js";
import type { Hyst } from "./hyst.js";
import type { SineOsc } from "./sine.js";
import { meterValue } from "./meter.js";
import { branchUnknowns, gatherInputs, limitInputs, reserveInputColumns, resolveInputBranches } from "./inputs.js";

/** An input: node indices of a voltage pair, or the name of a voltage branch whose current it reads. */
export type XDeviceInput = { kind: "v"; p: number; n: number } | { kind: "i"; source: string; loc: SourceLoc };

/** int / d_dt: the parameters their cfunc.mod reads. */
export interface XDynamic {
  kind: "int" | "d_dt";
  params: XParams;
  /** The internal node holding the output (w). */
  w: number;
}

export class XspiceDevice implements Device {
  readonly symmetric = false;
  readonly linear: boolean;
  readonly definesVoltage: boolean;
  readonly readsBranch: boolean;
  readonly nodes: readonly number[];
  /** Branch unknown of a voltage output (set by the circuit builder); -1 for a current output. */
  k = -1;
  private readonly n: number;
  private readonly kctrl: Int32Array;
  private readonly branches: Array<VoltageBranch | null>;
  private readonly u: Float64Array;
  /** The inputs used at the last load (ngspice's input convergence limiting: limitInputs). */
  private readonly uLast: Float64Array;
  private readonly r: Float64Array;
  private readonly tmp = new Float64Array(2);
  /** Handles: per value row (0: a, 1: b, 2: k or w) and input j, the entries of its columns (+ and -). */
  private hP!: Int32Array;
  private hN!: Int32Array;
  private ra = 0;
  private rb = 0;
  private rw = -1;
  /** The output branch's handles (a voltage output), from reserveBranch. */
  private hk: BranchHandles | null = null;
  private haw = 0;
  private hbw = 0;
  private hkw = 0;
  private hww = 0;
  // transient state of int / d_dt (the accepted time point)
  private started = false;
  /** int: the output (integral, after limiting); d_dt: the input; at the accepted time t1 (s). */
  private q1 = 0;
  private t1 = 0;
  private lastTime = 0;
  private lastInteg: IntegrationState | null = null;
  /** y0 and the inputs of the last load (the residual of w in a transient). */
  private y0 = 0;
  private readonly u0: Float64Array;

  constructor(
    readonly name: string,
    readonly out: "v" | "i",
    readonly a: number,
    readonly b: number,
    readonly inputs: readonly XDeviceInput[],
    private readonly beh: XBehaviour | null,
    private readonly dyn: XDynamic | null,
    allNodes: readonly number[],
    private readonly sx: { f: SXfer | Slew | Hyst | SineOsc; ws: readonly number[] } | null = null,
  ) {
    this.n = inputs.length;
    this.linear = dyn || sx ? false : beh!.affine;
    this.definesVoltage = out === "v";
    this.readsBranch = inputs.some((u) => u.kind === "i");
    this.nodes = dyn ? [...allNodes, dyn.w] : sx ? [...allNodes, ...sx.ws] : allNodes;
    this.kctrl = new Int32Array(this.n).fill(-1);
    this.branches = new Array<VoltageBranch | null>(this.n).fill(null);
    this.u = new Float64Array(this.n);
    this.uLast = new Float64Array(this.n);
    this.u0 = new Float64Array(this.n);
    this.r = new Float64Array(this.n + 1);
  }

  /** Why an AC analysis refuses the model (models.ts' acRefusal), or null. */
  acWhy: string | null = null;

  /** A new point of a .dc sweep: a stateful model (hyst) takes the last point's state. */
  beginDcPoint(): void {
    const f = this.sx?.f as Partial<Hyst> | undefined;
    f?.beginDcPoint?.();
  }

  /** A model whose state carries from one .dc point to the next (hyst) cannot follow a TEMP sweep's rebuilds. */
  tempSweepRefusal(): string | null {
    const f = this.sx?.f as Partial<Hyst> | undefined;
    return f?.beginDcPoint ? `${this.name}: a .dc TEMP sweep rebuilds the circuit at each temperature and would restart this model's state (ngspice keeps it): sweep a source instead` : null;
  }

  /** Why a transient refuses the model (models.ts' tranRefusal), or null. */
  tranWhy: string | null = null;

  transientRefusal(): string | null {
    return this.tranWhy ? `${this.name}: ${this.tranWhy}` : null;
  }

  acRefusal(): string | null {
    return this.acWhy ? `${this.name}: ${this.acWhy}` : null;
  }

  resolve(ctx: ResolveContext): void {
    resolveInputBranches(this.name, this.inputs, ctx, this.branches);
    const u = this.inputs[0];
    if (this.beh?.meter && u?.kind === "v") this.beh.setMeter!(meterValue(ctx.devices, u.p, this.beh.meter));
  }

  /** The internal node w of int / d_dt joins ground at DC (its row fixes it; no conductance). */
  dcGroups(): ReadonlyArray<readonly number[]> {
    if (this.sx) return this.sx.ws.map((w) => [w, 0]);
    if (this.dyn) return [[this.dyn.w, 0]];
    // a current output that reads its own voltage (table2d's `%vd(d s) ... %id(d s)`) stamps a conductance between
    // its nodes in ngspice's matrix (the partial of the output by that input), so it joins them at DC
    const self = this.out === "i" && this.inputs.some((u) => u.kind === "v" && ((u.p === this.a && u.n === this.b) || (u.p === this.b && u.n === this.a)));
    return self ? [[this.a, this.b]] : [];
  }

  setup(ctx: SetupContext): void {
    const n = this.n;
    this.ra = ctx.row(this.a);
    this.rb = ctx.row(this.b);
    if (this.dyn) this.rw = ctx.row(this.dyn.w);
    this.hP = new Int32Array(3 * n);
    this.hN = new Int32Array(3 * n);
    branchUnknowns(this.branches, this.kctrl);
    const valueRow = this.dyn ? this.rw : this.out === "v" ? this.k : -1;
    const rows = [this.out === "i" && !this.dyn ? this.ra : -1, this.out === "i" && !this.dyn ? this.rb : -1, valueRow];
    for (let s = 0; s < 3; s++) {
      const R = rows[s];
      if (R < 0) continue;
      reserveInputColumns(ctx, R, s, this.inputs, this.kctrl, this.hP, this.hN);
    }
    if (this.out === "v") {
      this.hk = reserveBranch(ctx, this.a, this.b, this.k);
    }
    if (this.sx) this.setupSx(ctx);
    if (this.dyn) {
      this.hww = ctx.entry(this.rw, this.rw);
      if (this.out === "v") this.hkw = ctx.entry(this.k, this.rw);
      else {
        this.haw = ctx.entry(this.ra, this.rw);
        this.hbw = ctx.entry(this.rb, this.rw);
      }
    }
  }

  // s_xfer handles: w rows' diagonals, w_i -> w_{i+1}, the last row's w_j and input columns, the output rows' w_j columns
  private sxDiag!: Int32Array;
  private sxNext!: Int32Array;
  private sxLast!: Int32Array;
  private sxLastU!: Int32Array;
  private sxOut!: Int32Array;

  private setupSx(ctx: SetupContext): void {
    const ws = this.sx!.ws;
    const m = ws.length;
    const rw = ws.map((w) => ctx.row(w));
    this.sxDiag = Int32Array.from(rw.map((r) => ctx.entry(r, r)));
    this.sxNext = Int32Array.from(rw.map((r, i) => (i + 1 < m ? ctx.entry(r, rw[i + 1]) : 0)));
    const last = rw[m - 1];
    this.sxLast = Int32Array.from(rw.map((r) => ctx.entry(last, r)));
    const u = this.inputs[0];
    this.sxLastU = u.kind === "v" ? Int32Array.of(ctx.entry(last, ctx.row(u.p)), ctx.entry(last, ctx.row(u.n))) : Int32Array.of(ctx.entry(last, this.kctrl[0]), 0);
    // output rows: k (voltage), or a and b (current)
    const outRows = this.out === "v" ? [this.k] : [this.ra, this.rb];
    this.sxOut = Int32Array.from(outRows.flatMap((R) => rw.map((r) => ctx.entry(R, r))));
  }

  /** The inputs u at (V, x): node-pair voltages (V) or branch currents (A). */
  private gather(V: Float64Array, x: Float64Array): Float64Array {
    return gatherInputs(this.inputs, this.kctrl, V, x, this.u);
  }

  /**
   * y(u) and its partials into this.r (r[0] = y, r[1 + j] = dy/du_j): the
   * static model, or int / d_dt at DC (integ null: out_ic, 0) or in a
   * transient step (integ: the companion of the accepted history).
   */
  private evaluate(u: Float64Array, integ: IntegrationState | null, time: number, ac = false): void {
    const r = this.r;
    if (this.beh) {
      this.beh.evaluate(u, r, ac);
      return;
    }
    if (this.sx) {
      this.sx.f.evaluate(u[0], integ && this.started ? time - this.t1 : null, r);
      return;
    }
    const p = this.dyn!.params;
    const num = (k: string): number => p.get(k) as number;
    const lo = num("out_lower_limit");
    const hi = num("out_upper_limit");
    const range = num("limit_range");
    const g = num("gain");
    const t = this.tmp;
    if (this.dyn!.kind === "int") {
      // integrand gain (u + in_offset); DC: the output is out_ic, no partial (int/cfunc.mod at TIME = 0)
      if (!integ || !this.started) {
        clipDynamic(num("out_ic"), 0, lo, hi, range, t);
      } else {
        // backward Euler from the accepted (limited) output q1 over the step h = time - t1, as ngspice's
        // cm_analog_integrate does with its default trapezoidal method (its order-2 branch reduces to
        // geq = ag0 / 2 = 1 / h, ceq = -q1 / h): q = q1 + h gain (u + in_offset), dq/du = h gain
        const h = time - this.t1;
        clipDynamic(this.q1 + h * g * (u[0] + num("in_offset")), h * g, lo, hi, range, t);
      }
    } else if (!integ || !this.started) {
      // d_dt at DC: 0 (its out_offset is not added at TIME = 0)
      clipDynamic(0, 0, lo, hi, range, t);
    } else {
      // backward difference over the step, whatever the integration method (d_dt/cfunc.mod)
      const delta = time - this.t1;
      clipDynamic((g * (u[0] - this.q1)) / delta + num("out_offset"), g / delta, lo, hi, range, t);
    }
    r[0] = t[0];
    r[1] = t[1];
  }

  load(ctx: LoadContext): void {
    const integ = ctx.mode === "tran" ? ctx.integ : null;
    if (integ) {
      this.lastInteg = integ;
      this.lastTime = ctx.time;
    }
    const u = this.gather(ctx.V, ctx.x);
    limitInputs(u, this.uLast, ctx);
    this.evaluate(u, integ, ctx.time);
    this.u0.set(u);
    this.y0 = this.r[0];
    this.stamp(ctx, true);
  }

  /** The companion model at this.u / this.r; `affine` false: the Jacobian only (AC). */
  private stamp(ctx: LoadContext, affine: boolean): void {
    const { A, b, Vk } = ctx;
    const n = this.n;
    const r = this.r;
    const u = this.u;
    const s = this.dyn ? 2 : this.out === "v" ? 2 : 0;
    // the constant of the linearization, fixed controlling nodes' terms moved into it
    let c = affine ? r[0] : 0;
    for (let j = 0; j < n; j++) {
      const g = r[1 + j];
      if (affine) c -= g * u[j];
      const p = this.inputs[j];
      if (p.kind === "v") c += g * (Vk[p.p] - Vk[p.n]);
    }
    const addInputs = (slot: number, sign: number): void => {
      for (let j = 0; j < n; j++) {
        const g = sign * r[1 + j];
        A[this.hP[slot * n + j]] += g;
        if (this.inputs[j].kind === "v") A[this.hN[slot * n + j]] -= g;
      }
    };
    if (this.dyn) {
      // row w: w - sum_j p_j u_j = c
      A[this.hww] += 1;
      addInputs(2, -1);
      b[this.rw] += c - Vk[this.dyn.w];
      this.stampOutputOfW(ctx);
      return;
    }
    if (this.out === "v") {
      this.stampBranch(ctx);
      addInputs(s, -1);
      b[this.k] += c;
    } else {
      addInputs(0, 1);
      addInputs(1, -1);
      b[this.ra] -= c;
      b[this.rb] += c;
    }
    // s_xfer's AC state nodes read 0 at DC and in a transient
    if (this.sx) for (const h of this.sxDiag) A[h] += 1;
  }

  /** The output port of int / d_dt reads w: V(a) - V(b) = w, or the current w from a to b. */
  private stampOutputOfW(ctx: LoadContext): void {
    const A = ctx.A;
    if (this.out === "v") {
      this.stampBranch(ctx);
      A[this.hkw] -= 1;
    } else {
      A[this.haw] += 1;
      A[this.hbw] -= 1;
    }
  }

  /** The branch of a voltage output: x_k leaves a, enters b; row k reads V(a) - V(b) (fixed nodes moved right). */
  private stampBranch(ctx: LoadContext): void {
    stampVoltageBranch(ctx, this.hk!, 0);
  }

  /**
   * AC: static models stamp their partials at the operating point (ngspice's
   * AC gains are the partials of its last DC iterate); int: j omega w -
   * gain u = 0; d_dt: w - j omega gain u = 0.
   */
  acLoad(ctx: AcLoadContext): void {
    const g = ctx.g;
    const u = this.gather(g.V, g.x);
    if (this.sx && this.sx.f.states > 0) {
      this.acSx(ctx);
      return;
    }
    if (!this.dyn) {
      this.evaluate(u, null, -1, true);
      this.stamp(g, false);
      return;
    }
    const gain = this.dyn.params.get("gain") as number;
    const n = this.n;
    const ci = ctx.c;
    if (this.dyn.kind === "int") {
      ci.A[this.hww] += 1;
      g.A[this.hP[2 * n]] -= gain;
      if (this.inputs[0].kind === "v") g.A[this.hN[2 * n]] += gain;
    } else {
      g.A[this.hww] += 1;
      ci.A[this.hP[2 * n]] -= gain;
      if (this.inputs[0].kind === "v") ci.A[this.hN[2 * n]] += gain;
    }
    this.stampOutputOfW(g);
  }

  /** s_xfer in AC: the controller canonical form on the w nodes (see the file's comment). */
  private acSx(ctx: AcLoadContext): void {
    const { ws } = this.sx!;
    const f = this.sx!.f as SXfer;
    const m = ws.length;
    const G = ctx.g.A;
    const C = ctx.c.A;
    for (let i = 0; i < m; i++) {
      C[this.sxDiag[i]] += 1;
      if (i + 1 < m) G[this.sxNext[i]] -= 1;
    }
    for (let j = 0; j < m; j++) G[this.sxLast[j]] += f.d[j];
    const vIn = this.inputs[0].kind === "v";
    G[this.sxLastU[0]] -= f.g;
    if (vIn) G[this.sxLastU[1]] += f.g;
    // y = sum_j e_j w_j + c_m gain u
    const cm = f.c[m];
    const rows = this.out === "v" ? [-1] : [1, -1];
    rows.forEach((sign, ri) => {
      for (let j = 0; j < m; j++) G[this.sxOut[ri * m + j]] += sign * (f.c[j] - cm * f.d[j]);
    });
    const n = this.n;
    const slots = this.out === "v" ? [[2, -1]] : [[0, 1], [1, -1]];
    for (const [slot, sign] of slots) {
      G[this.hP[slot * n]] += sign * cm * f.g;
      if (vIn) G[this.hN[slot * n]] -= sign * cm * f.g;
    }
    if (this.out === "v") this.stampBranch(ctx.g);
  }

  addCurrents(V: Float64Array, x: Float64Array, time: number, out: Float64Array): void {
    let i: number;
    if (this.out === "v") i = x[this.k];
    else if (this.dyn) i = V[this.dyn.w];
    else {
      this.evaluate(this.gather(V, x), this.sx && time >= 0 ? this.lastInteg : null, time);
      i = this.r[0];
    }
    if (this.sx) for (const w of this.sx.ws) out[w] += V[w];
    out[this.a] += i;
    out[this.b] -= i;
    if (this.dyn) {
      // w's row: w - y(u), y linearized about the last load in a transient
      const u = this.gather(V, x);
      let y: number;
      if (time < 0 || !this.started) {
        this.evaluate(u, null, -1);
        y = this.r[0];
      } else {
        y = this.y0;
        for (let j = 0; j < this.n; j++) y += this.r[1 + j] * (u[j] - this.u0[j]);
      }
      out[this.dyn.w] += V[this.dyn.w] - y;
    }
  }

  chargeNodes(): readonly number[] {
    return this.dyn ? [this.dyn.w] : this.sx ? this.sx.ws : [];
  }

  /** The transient starts from the operating point: int from out_ic (limited), with the integrand there; d_dt from its input there. */
  startCharges(V: Float64Array, x?: Float64Array): void {
    if (this.sx) {
      this.sx.f.reset(this.gather(V, x ?? new Float64Array(0))[0]);
      this.t1 = 0;
      this.started = true;
      return;
    }
    if (!this.dyn) return;
    const u = this.gather(V, x ?? new Float64Array(0));
    if (this.dyn.kind === "int") {
      this.evaluate(u, null, -1);
      this.q1 = this.r[0];
    } else this.q1 = u[0];
    this.t1 = 0;
    this.started = true;
  }

  accept(V: Float64Array, x: Float64Array): void {
    if (!this.started || !this.lastInteg) return;
    const u = this.gather(V, x);
    if (this.sx) {
      this.sx.f.accept(u[0], this.lastTime - this.t1);
      this.t1 = this.lastTime;
      return;
    }
    if (!this.dyn) return;
    if (this.dyn.kind === "int") {
      this.evaluate(u, this.lastInteg, this.lastTime);
      this.q1 = this.r[0];
    } else this.q1 = u[0];
    this.t1 = this.lastTime;
  }
}

