/**
 * Independent sources.
 *
 * VoltageSource V(a) - V(b) = v(t). Its branch current x_k flows from a
 * through the source to b (SPICE convention: a source delivering power has a
 * negative current). A source from ground (or from a fixed node) to a node
 * fixes that node: the circuit eliminates it from the unknowns and computes
 * the branch current afterwards from KCL ("grounded"). Otherwise it owns a
 * branch unknown.
 *
 * CurrentSource: current i(t) flows from a through the source to b, i.e. it
 * leaves node a and enters node b. Co-content: E = i (Va - Vb).
 */
import { reserveBranch, stampCurrentSource, stampVoltageBranch, type BranchHandles } from "../stamp.js";
import type { AcLoadContext, Device, LoadContext, MeterElement, SetupContext } from "../types.js";
import { acPhasor, breakpoints, sourceAt, type SourceValue } from "./waveform.js";

export class VoltageSource implements Device {
  readonly linear = true;
  readonly definesVoltage = true;
  readonly fixesNodes = true;
  readonly nodes: readonly number[];
  /** Branch unknown index, or -1 when the source is eliminated (fixes a node). */
  k = -1;
  private h: BranchHandles | null = null;

  constructor(
    readonly name: string,
    readonly a: number,
    readonly b: number,
    public value: SourceValue,
    /** An XSPICE %i port's 0 V source (ngspice: a branch of the code model, not a V source). */
    private readonly xspicePort = false,
  ) {
    this.nodes = [a, b];
  }

  /** To XSPICE's cmeter / lmeter: a plain DC source of 0 V (ngspice's VSRCfunctionType 0, VSRCdcValue 0) is a short they look through. */
  meterElement(): MeterElement | null {
    return !this.xspicePort && this.value.wave.kind === "dc" && !this.value.unmodelled && this.value.dc === 0 ? { kind: "short", a: this.a, b: this.b } : null;
  }

  /** Set a constant (DC) value in volts, e.g. a data input; replaces any waveform. */
  setDc(v: number): void {
    this.value.dc = v;
    if (this.value.wave.kind === "dc") this.value.wave.value = v;
    else this.value = this.value.ac ? { dc: v, wave: { kind: "dc", value: v }, ac: this.value.ac } : { dc: v, wave: { kind: "dc", value: v } };
  }

  /** A transient needs the time function eqspice does not model. */
  transientRefusal(): string | null {
    return this.value.unmodelled ? `${this.name}: ${this.value.unmodelled} are not modelled by eqspice (its DC value serves .op, .dc and .ac only)` : null;
  }

  /** Eliminated sources do not stamp, so they keep the matrix symmetric. */
  get symmetric(): boolean {
    return this.k < 0;
  }

  /** Source value (V) at this analysis point, source stepping included. */
  valueAt(mode: "dc" | "tran", t: number, srcScale: number): number {
    return srcScale * sourceAt(this.value, mode, t);
  }

  /** Its waveform's corners in (0, tstop) (s). */
  breakpoints(tstop: number): number[] {
    return breakpoints(this.value.wave, tstop);
  }

  /** A waveform (not DC) changes its stamp in a transient. */
  changesInTime(sources: "tran" | "dc"): boolean {
    return sources === "tran" && this.value.wave.kind !== "dc";
  }

  setup(ctx: SetupContext): void {
    if (this.k >= 0) this.h = reserveBranch(ctx, this.a, this.b, this.k);
  }

  /** An eliminated source (no branch: it fixes its node) stamps nothing. */
  loadsNothing(): boolean {
    return this.h === null;
  }

  load(ctx: LoadContext): void {
    if (this.h) stampVoltageBranch(ctx, this.h, this.valueAt(ctx.srcMode, ctx.srcTime, ctx.srcScale));
  }

  /**
   * AC: V(a) - V(b) = its AC phasor (0 without `AC`: a DC source is a
   * short). An eliminated source (no branch) is stamped by the analysis,
   * which gives it a branch of the AC system (analysis/ac.ts).
   */
  acLoad(ctx: AcLoadContext): void {
    if (!this.h) return;
    const [re, im] = acPhasor(this.value);
    stampVoltageBranch(ctx.g, this.h, re);
    ctx.c.b[this.h.k] += im;
  }

  addCurrents(_V: Float64Array, x: Float64Array, _t: number, out: Float64Array): void {
    if (this.k < 0) return; // eliminated: its current is computed from KCL
    out[this.a] += x[this.k];
    out[this.b] -= x[this.k];
  }
}

export class CurrentSource implements Device {
  readonly linear = true;
  readonly symmetric = true;
  readonly nodes: readonly number[];
  private h!: { ra: number; rb: number };

  constructor(
    readonly name: string,
    readonly a: number,
    readonly b: number,
    public value: SourceValue,
  ) {
    this.nodes = [a, b];
  }

  /** Set a constant (DC) value in amperes, e.g. a trained bias; replaces any waveform. In place when it is DC already (no allocation per training batch). */
  setDc(i: number): void {
    const v = this.value;
    if (v.wave.kind === "dc") {
      v.dc = i;
      v.wave.value = i;
    } else this.value = v.ac ? { dc: i, wave: { kind: "dc", value: i }, ac: v.ac } : { dc: i, wave: { kind: "dc", value: i } };
  }

  /** A transient needs the time function eqspice does not model. */
  transientRefusal(): string | null {
    return this.value.unmodelled ? `${this.name}: ${this.value.unmodelled} are not modelled by eqspice (its DC value serves .op, .dc and .ac only)` : null;
  }

  /** The DC value (A). */
  get dc(): number {
    return sourceAt(this.value, "dc", 0);
  }

  /** Its waveform's corners in (0, tstop) (s). */
  breakpoints(tstop: number): number[] {
    return breakpoints(this.value.wave, tstop);
  }

  /** A waveform (not DC) changes its stamp in a transient. */
  changesInTime(sources: "tran" | "dc"): boolean {
    return sources === "tran" && this.value.wave.kind !== "dc";
  }

  setup(ctx: SetupContext): void {
    this.h = { ra: ctx.row(this.a), rb: ctx.row(this.b) };
  }

  load(ctx: LoadContext): void {
    stampCurrentSource(ctx, this.h, ctx.srcScale * sourceAt(this.value, ctx.srcMode, ctx.srcTime));
  }

  /** AC: its AC phasor flows from a through the source to b (0 without `AC`: open). */
  acLoad(ctx: AcLoadContext): void {
    const [re, im] = acPhasor(this.value);
    stampCurrentSource(ctx.g, this.h, re);
    stampCurrentSource(ctx.c, this.h, im);
  }

  addCurrents(_V: Float64Array, _x: Float64Array, t: number, out: Float64Array): void {
    const i = sourceAt(this.value, t < 0 ? "dc" : "tran", t);
    out[this.a] += i;
    out[this.b] -= i;
  }

  cocontent(V: Float64Array, t: number): number {
    return sourceAt(this.value, t < 0 ? "dc" : "tran", t) * (V[this.a] - V[this.b]);
  }
}
