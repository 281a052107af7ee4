/**
 * Linear controlled sources (SPICE E, F, G, H). None is reciprocal, so none
 * has a co-content and each makes the MNA matrix unsymmetric.
 *
 *   E (VCVS): V(a) - V(b) = gain * (V(c) - V(d)); branch current x_k from a through E to b.
 *   F (CCCS): current gain * I(ctrl) flows from a through F to b.
 *   G (VCCS): current gm * (V(c) - V(d)) flows from a through G to b.
 *   H (CCVS): V(a) - V(b) = r * I(ctrl); branch current x_k from a through H to b.
 * I(ctrl) is the branch current of a voltage branch (V, E, H, L or a V= B
 * source, see VoltageBranch), found by name in `resolve`; its unknown is
 * read in `setup`, once the builder has numbered the branches.
 */
import type { SourceLoc } from "../../util/errors.js";
import { controllingBranch } from "../control.js";
import { reserveBranch, reserveVccs, stampTransconductance, stampVoltageBranch, type BranchHandles, type VccsHandles } from "../stamp.js";
import type { AcLoadContext, Device, LoadContext, ResolveContext, SetupContext, VoltageBranch } from "../types.js";

/** The controlling branch of F or H named `ctrl`, for the error messages of both. */
function control(ctx: ResolveContext, owner: string, ctrl: string, loc: SourceLoc): VoltageBranch {
  return controllingBranch(
    ctx,
    ctrl,
    loc,
    `${owner}: unknown controlling source '${ctrl}'`,
    `${owner}: controlling element '${ctrl}' must be a voltage source (V, E, H, L or a V= B source): its current is not a branch unknown`,
  );
}

export class Vcvs implements Device {
  readonly linear = true;
  readonly symmetric = false;
  readonly definesVoltage = true;
  readonly nodes: readonly number[];
  k = -1;
  private h!: BranchHandles;
  private kc = 0;
  private kd = 0;

  constructor(
    readonly name: string,
    readonly a: number,
    readonly b: number,
    readonly c: number,
    readonly d: number,
    public gain: number,
  ) {
    this.nodes = [a, b, c, d];
  }

  setup(ctx: SetupContext): void {
    this.h = reserveBranch(ctx, this.a, this.b, this.k);
    this.kc = ctx.entry(this.k, ctx.row(this.c));
    this.kd = ctx.entry(this.k, ctx.row(this.d));
  }

  /** AC: its DC stamp, which is its small-signal model (a linear source without independent value; Vk is 0 in AC). */
  acLoad(ctx: AcLoadContext): void {
    this.load(ctx.g);
  }

  load(ctx: LoadContext): void {
    stampVoltageBranch(ctx, this.h, 0);
    // Row k: V(a) - V(b) - gain (V(c) - V(d)) = 0
    ctx.A[this.kc] -= this.gain;
    ctx.A[this.kd] += this.gain;
    ctx.b[this.k] += this.gain * (ctx.Vk[this.c] - ctx.Vk[this.d]);
  }

  addCurrents(_V: Float64Array, x: Float64Array, _t: number, out: Float64Array): void {
    out[this.a] += x[this.k];
    out[this.b] -= x[this.k];
  }
}

export class Cccs implements Device {
  readonly linear = true;
  readonly symmetric = false;
  readonly readsBranch = true;
  readonly nodes: readonly number[];
  /** Unknown index of the controlling branch current (from `setup`). */
  kctrl = -1;
  private src: VoltageBranch | null = null;
  private ha = 0;
  private hb = 0;

  constructor(
    readonly name: string,
    readonly a: number,
    readonly b: number,
    readonly ctrl: string,
    public gain: number,
    /** Where the control is named (for the errors of `resolve`). */
    readonly loc: SourceLoc,
  ) {
    this.nodes = [a, b];
  }

  resolve(ctx: ResolveContext): void {
    this.src = control(ctx, this.name, this.ctrl, this.loc);
  }

  setup(ctx: SetupContext): void {
    if (this.src) this.kctrl = this.src.k;
    this.ha = ctx.entry(ctx.row(this.a), this.kctrl);
    this.hb = ctx.entry(ctx.row(this.b), this.kctrl);
  }

  /** AC: its DC stamp, which is its small-signal model (a linear source without independent value; Vk is 0 in AC). */
  acLoad(ctx: AcLoadContext): void {
    this.load(ctx.g);
  }

  load(ctx: LoadContext): void {
    // gain * I(ctrl) leaves a and enters b.
    ctx.A[this.ha] += this.gain;
    ctx.A[this.hb] -= this.gain;
  }

  addCurrents(_V: Float64Array, x: Float64Array, _t: number, out: Float64Array): void {
    const i = this.gain * x[this.kctrl];
    out[this.a] += i;
    out[this.b] -= i;
  }
}

export class Vccs implements Device {
  readonly linear = true;
  readonly symmetric = false;
  readonly nodes: readonly number[];
  private h!: VccsHandles;

  constructor(
    readonly name: string,
    readonly a: number,
    readonly b: number,
    readonly c: number,
    readonly d: number,
    public gm: number,
  ) {
    this.nodes = [a, b, c, d];
  }

  setup(ctx: SetupContext): void {
    this.h = reserveVccs(ctx, this.a, this.b, this.c, this.d);
  }

  /** AC: its DC stamp, which is its small-signal model (a linear source without independent value; Vk is 0 in AC). */
  acLoad(ctx: AcLoadContext): void {
    this.load(ctx.g);
  }

  load(ctx: LoadContext): void {
    stampTransconductance(ctx, this.h, this.gm);
  }

  addCurrents(V: Float64Array, _x: Float64Array, _t: number, out: Float64Array): void {
    const i = this.gm * (V[this.c] - V[this.d]);
    out[this.a] += i;
    out[this.b] -= i;
  }
}

export class Ccvs implements Device {
  readonly linear = true;
  readonly symmetric = false;
  readonly definesVoltage = true;
  readonly readsBranch = true;
  readonly nodes: readonly number[];
  k = -1;
  /** Unknown index of the controlling branch current (from `setup`). */
  kctrl = -1;
  private src: VoltageBranch | null = null;
  private h!: BranchHandles;
  private hc = 0;

  constructor(
    readonly name: string,
    readonly a: number,
    readonly b: number,
    readonly ctrl: string,
    /** Transresistance (ohm). */
    public r: number,
    /** Where the control is named (for the errors of `resolve`). */
    readonly loc: SourceLoc,
  ) {
    this.nodes = [a, b];
  }

  resolve(ctx: ResolveContext): void {
    this.src = control(ctx, this.name, this.ctrl, this.loc);
  }

  setup(ctx: SetupContext): void {
    if (this.src) this.kctrl = this.src.k;
    this.h = reserveBranch(ctx, this.a, this.b, this.k);
    this.hc = ctx.entry(this.k, this.kctrl);
  }

  /** AC: its DC stamp, which is its small-signal model (a linear source without independent value; Vk is 0 in AC). */
  acLoad(ctx: AcLoadContext): void {
    this.load(ctx.g);
  }

  load(ctx: LoadContext): void {
    stampVoltageBranch(ctx, this.h, 0);
    // Row k: V(a) - V(b) - r I(ctrl) = 0
    ctx.A[this.hc] -= this.r;
  }

  addCurrents(_V: Float64Array, x: Float64Array, _t: number, out: Float64Array): void {
    out[this.a] += x[this.k];
    out[this.b] -= x[this.k];
  }
}
