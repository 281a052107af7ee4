/**
 * Switches S (voltage-controlled, ngspice's sw) and W (current-controlled,
 * ngspice's csw): a conductance between a and b that is RON's or ROFF's
 * according to a control with a threshold and a hysteresis (swload.c,
 * cswload.c):
 *   control > VT + VH  -> on;   control < VT - VH  -> off;   else: as before.
 * The control is V(c) - V(d) (V) for S, the branch current of a voltage
 * branch (A, from its n+ through it to n-) for W. Current leaving a:
 * i = g (Va - Vb), g = 1/RON or 1/ROFF (S).
 *
 * The state follows ngspice 39 exactly, with its four values: off and on
 * (0, 1) when the control is past a threshold, off and on inside the
 * hysteresis band (2, 3); only the on states (1, 3) conduct. At the first
 * iteration of an operating point a switch starts in the band's off state,
 * or on with `on` (MODEINITJCT); at the first iteration of a time point the
 * rule starts from the state accepted at the last one (MODEINITPRED); at
 * the other iterations from the last iteration's (S) or from the accepted
 * state (W, as cswload.c), and a state that changes makes the iterate
 * unconverged, so Newton ends on a consistent state. A negative hysteresis
 * follows ngspice's own rule for it. In a transient the step of S is
 * bounded as ngspice's SWtrunc: a control moving towards its threshold may
 * cover 3/4 of its distance to it (plus 0.05 V) in one step; W has no such
 * bound (ngspice 39 does not store its control).
 *
 * The control does not act on the current as a derivative (the state is
 * piecewise constant), so the stamp is a plain conductance; but the switch
 * is not reciprocal (its conductance depends on other nodes): no energy.
 */
import type { ChargeTruncationSpec } from "../capacitor/capacitor.js";
import { reservePair, stampConductance, type PairHandles } from "../stamp.js";
import type { AcLoadContext, Device, LoadContext, ResolveContext, SetupContext, VoltageBranch } from "../types.js";
import { controllingBranch } from "../control.js";
import type { SourceLoc } from "../../util/errors.js";

/** ngspice 39's switch states: past a threshold (OFF, ON), inside the hysteresis band (HYST_OFF, HYST_ON). */
const OFF = 0;
const ON = 1;
const HYST_OFF = 2;
const HYST_ON = 3;

/** Whether state s conducts (RON). */
function conducts(s: number): boolean {
  return s === ON || s === HYST_ON;
}

/** A switch model (sw: volts; csw: amperes). */
export interface SwitchModel {
  /** Threshold VT (V) or IT (A). */
  threshold: number;
  /** Hysteresis VH (V) or IH (A); ngspice's rules for a negative one are followed. */
  hysteresis: number;
  /** On and off resistances (ohm). */
  ron: number;
  roff: number;
}

/** What the switch is controlled by: two nodes (S) or a branch named by the element (W). */
export type SwitchControl = { kind: "v"; c: number; d: number } | { kind: "i"; source: string; loc: SourceLoc };

export class Switch implements Device {
  readonly linear = false;
  readonly symmetric = false;
  readonly power = "dissipates";
  readonly boundsStep = true;
  readonly readsBranch: boolean;
  readonly nodes: readonly number[];
  private h!: PairHandles;
  private branch: VoltageBranch | null = null;
  private kctrl = -1;
  private readonly gon: number;
  private readonly goff: number;
  /** State (1 on, 0 off) and control at the last load, and at the last accepted time point. */
  private state0: number;
  private ctrl0 = 0;
  private state1: number;
  private ctrl1 = 0;
  /** The last load was a DC one (an operating point): the next transient time point starts from its state. */
  private afterDc = false;
  /** Time of the last transient load (a new time point starts from the accepted state). */
  private tLoad = NaN;

  constructor(
    readonly name: string,
    readonly a: number,
    readonly b: number,
    readonly control: SwitchControl,
    readonly model: SwitchModel,
    /** `on` on the element line: the initial state of an operating point. */
    readonly initiallyOn: boolean,
  ) {
    this.nodes = control.kind === "v" ? [a, b, control.c, control.d] : [a, b];
    this.readsBranch = control.kind === "i";
    this.gon = 1 / model.ron;
    this.goff = 1 / model.roff;
    // ngspice's state vectors start at 0 (off); an operating point sets state0 from `on` and the control
    this.state0 = this.state1 = OFF;
  }

  /** W: find the branch whose current controls it. */
  resolve(ctx: ResolveContext): void {
    const c = this.control;
    if (c.kind !== "i") return;
    this.branch = controllingBranch(
      ctx,
      c.source,
      c.loc,
      `${this.name}: unknown controlling source '${c.source}'`,
      `${this.name}: controlling element '${c.source}' must be a voltage source (V, E, H, L or a V= B source): its current is not a branch unknown`,
    );
  }

  /** The switch terminals are joined at DC (ROFF is finite). */
  dcGroups(): ReadonlyArray<readonly number[]> {
    return [[this.a, this.b]];
  }

  setup(ctx: SetupContext): void {
    this.h = reservePair(ctx, this.a, this.b);
    if (this.branch) this.kctrl = this.branch.k;
  }

  /** The control at (V, x): V(c) - V(d) (V) or the branch current (A). */
  private controlAt(V: Float64Array, x: Float64Array): number {
    const c = this.control;
    return c.kind === "v" ? V[c.c] - V[c.d] : x[this.kctrl];
  }

  /** First iteration of an operating point (MODEINITJCT / MODEINITFIX), at control v. */
  private initial(v: number): number {
    const { threshold: vt, hysteresis: vh } = this.model;
    const hi = vh >= 0 ? vt + vh : vt - vh;
    const lo = vh >= 0 ? vt - vh : vt + vh;
    if (this.initiallyOn) return v > hi ? ON : HYST_ON;
    if (v < lo) return OFF;
    if (v > hi && this.control.kind === "v") return ON; // cswload.c has no such case
    return HYST_OFF;
  }

  /**
   * The state at control v from `prev` (the state the rule starts from) and
   * `accepted` (the last time point's): `predict` at the first iteration of
   * a time point (MODEINITPRED), else an iteration (MODEINITFLOAT).
   */
  private next(prev: number, accepted: number, v: number, predict: boolean): number {
    const { threshold: vt, hysteresis: vh } = this.model;
    if (vh > 0) {
      if (v > vt + vh) return ON;
      if (v < vt - vh) return OFF;
      return prev;
    }
    // zero or negative hysteresis (ngspice's "negative hysteresis case")
    if (v > vt - vh) return ON;
    if (v < vt + vh) return OFF;
    if (accepted === HYST_OFF || accepted === HYST_ON) return accepted;
    // swload.c's prediction flips a state past a threshold; otherwise it moves into the band
    if (predict && this.control.kind === "v") return accepted === ON ? OFF : ON;
    return accepted === ON ? HYST_OFF : HYST_ON;
  }

  /** AC: its conductance in the operating point's state (gon or goff, S), as ngspice's SWacLoad. */
  acLoad(ctx: AcLoadContext): void {
    stampConductance(ctx.g, this.h, conducts(this.state0) ? this.gon : this.goff);
  }

  load(ctx: LoadContext): void {
    const v = this.controlAt(ctx.V, ctx.x);
    let state: number;
    if (ctx.mode === "dc" && ctx.initJunctions) {
      state = this.initial(v);
      this.tLoad = NaN;
    } else if (ctx.mode === "tran" && ctx.time !== this.tLoad) {
      // first iteration of a time point: from the state and control accepted at the last one
      // (ngspice reads the control from the last solution, not from a predicted point);
      // after an operating point, the operating point's state is the accepted one
      if (this.afterDc) {
        this.state1 = this.state0;
        this.ctrl1 = this.ctrl0;
      }
      this.tLoad = ctx.time;
      state = this.next(this.state1, this.state1, this.ctrl1, true);
    } else {
      state = this.next(this.control.kind === "v" ? this.state0 : this.state1, this.state1, v, false);
      if (state !== this.state0) ctx.noncon = true; // one more iteration on the new state
    }
    this.state0 = state;
    this.ctrl0 = v;
    this.afterDc = ctx.mode === "dc";
    stampConductance(ctx, this.h, conducts(state) ? this.gon : this.goff);
  }

  addCurrents(V: Float64Array, _x: Float64Array, _t: number, out: Float64Array): void {
    const i = (conducts(this.state0) ? this.gon : this.goff) * (V[this.a] - V[this.b]);
    out[this.a] += i;
    out[this.b] -= i;
  }

  /** Start of a transient: the operating point's state is the accepted one. */
  startCharges(V: Float64Array, x?: Float64Array): void {
    this.state1 = this.state0;
    this.ctrl1 = this.ctrl0 = x ? this.controlAt(V, x) : this.control.kind === "v" ? V[this.control.c] - V[this.control.d] : 0;
    this.tLoad = NaN;
  }

  accept(): void {
    this.state1 = this.state0;
    this.ctrl1 = this.ctrl0;
  }

  /**
   * ngspice's SWtrunc: the largest step (s) before the control, moving as in
   * the last step, reaches its threshold (its test is for state 0 only: the
   * band's off state is bounded as if on). W: none.
   */
  chargeTruncation(_V: Float64Array, spec: ChargeTruncationSpec): number {
    if (this.control.kind !== "v") return Infinity;
    const { threshold: vt, hysteresis: vh } = this.model;
    const last = this.ctrl0 - this.ctrl1;
    const h = spec.dt[0];
    if (this.state0 === 0) {
      const ref = vt + vh;
      if (this.ctrl0 < ref && last > 0) return (((ref - this.ctrl0) * 0.75 + 0.05) / last) * h;
    } else {
      const ref = vt - vh;
      if (this.ctrl0 > ref && last < 0) return (((ref - this.ctrl0) * 0.75 - 0.05) / last) * h;
    }
    return Infinity;
  }

  /** On or off now (for reports and tests). */
  get on(): boolean {
    return conducts(this.state0);
  }
}
