/**
 * Implicit integration of the circuit equations, as SPICE does it: every
 * step from t_n to t_{n+1} = t_n + h replaces each capacitance by its
 * companion model (backward Euler, trapezoidal or variable-step BDF2) and
 * solves the resulting nonlinear DC-like system with the engine's Newton.
 *
 * Step control by local truncation error (LTE), estimated per differential
 * unknown (a free node with capacitance, V) from divided differences of the
 * accepted points:
 *   backward Euler  LTE = h^2 x''/2                         ~ h^2 DD2
 *   trapezoidal     LTE = h^3 x'''/12                       ~ h^3 DD3 / 2
 *   BDF2            LTE = h^3 x''' (1+w)^2 / (6w(1+2w))     ~ h^3 DD3 (1+w)^2 / (w(1+2w))
 * (w = h_n / h_{n-1}). A step is accepted when max_i LTE_i / (reltol |x_i| + vntol) <= 1;
 * the next step is h (0.9 / ratio)^(1/(p+1)), at most twice the last one.
 * After a start or a breakpoint (a corner of a source waveform) the history
 * is not smooth, so the order restarts: backward Euler twice (DD2, the first
 * one through the point before the breakpoint; no estimate at the very
 * start), then one BDF2 step (which needs no capacitor current, so the
 * trapezoidal rule that follows gets a second-order one), then the method.
 * A Newton failure divides the step by 8.
 *
 * Devices that integrate charges of their own (the MOSFET's gate charges)
 * bound the step by the truncation error of those charges, as ngspice does
 * (CKTterr from DEVtrunc; ChargeTruncation in capacitance.ts): a node held
 * only by such charges gets no voltage estimate. Where its capacitance
 * vanishes (Cgd of a saturated transistor) the node is algebraic and the
 * trapezoidal current i = 2/h (q - q_prev) - i_prev rings by an amount no
 * step reduces; its voltage's third difference then rejected every step
 * down to "time step too small", while the charge, constant, bounds nothing.
 * Such circuits also take ngspice's step sequence (ngspiceSteps): one
 * backward Euler step after a start, breakpoint or Newton failure, then the
 * method; steps cut to land on a breakpoint; 0.1 min(saved step, next gap)
 * after it; so that the ringing, which ngspice shows too, is the same.
 */
import type { Engine, NewtonResult, NewtonTolerances } from "../engine.js";
import type { AcceptPoint, Device, IntegrationState } from "../../devices/types.js";
import { companionHistory, type ChargeTruncationSpec } from "../../devices/capacitor/capacitor.js";
import { ConvergenceError } from "../../util/errors.js";
import { truncatesCharges, type CapacitanceInfo, type ChargeTruncation } from "./capacitance.js";

export type ImplicitMethod = "trap" | "bdf2";

/** ngspice's TRTOL and CHGTOL defaults (the options are not read), for the charges' truncation error. */
const TRTOL = 7;
const CHGTOL = 1e-14;

export interface ImplicitConfig {
  method: ImplicitMethod;
  /** "tran": sources follow their waveforms in time; "dc": held at their DC values (relaxation). */
  sources: "tran" | "dc";
  /** Scale of the independent sources (1 normally). */
  srcScale: number;
  /** Newton tolerances; reltol and vntol also set the LTE tolerance. */
  tol: NewtonTolerances;
  /** Largest step (s). */
  tmax: number;
  /** Smallest step (s) before giving up with a ConvergenceError. */
  hmin: number;
  /** Newton iteration limit per step (before the step is cut). */
  maxNewton: number;
  /** Tolerance of the LTE test (default: tol's reltol and vntol). */
  lte?: { reltol: number; abstol: number };
  /**
   * ngspice's step sequence (dctran.c) instead of eqspice's: one backward
   * Euler step after a start, a breakpoint or a Newton failure, then the
   * method; a step that would reach tLimit is cut to land on it (no halving
   * of the gap); after a breakpoint the caller restarts with
   * breakpointStep(). Default false.
   */
  ngspiceSteps?: boolean;
  /** Newton iterations after the convergence test passes, per step (default 3, Engine.newton's). */
  polish?: number;
  /** The nonlinear solve of one step (default engine.newton): same contract as Engine.newton. */
  solve?: (tol: NewtonTolerances, maxIter: number, initJunctions: boolean, polishMax: number) => NewtonResult;
  /**
   * Filter the LTE estimate through the step's iteration matrix M = a0 C + J
   * (Hairer & Wanner's estimate for stiff problems: err = M^-1 a0 C err_raw,
   * which damps the spurious errors of stiff components): solve M y = rhs in
   * place (rhs by unknown) with the factors of the step's last Newton
   * iteration. Used only when C is diagonal (no floating capacitors).
   */
  filter?: (rhs: Float64Array) => void;
  /**
   * Where a device's request for a breakpoint at an accepted point goes
   * at the accepted time `now` (AcceptPoint.setBreak: the caller's breakpoint list), and the closest two
   * may be (s, ngspice's CKTminBreak); without it requests are dropped.
   */
  setBreak?: (t: number, now: number) => void;
  minBreak?: number;
}

export class ImplicitIntegrator {
  /** Time of the last accepted point (s). */
  t = 0;
  /** Proposed size of the next step (s). */
  h = 0;
  /** Size of the last accepted step (s). */
  lastH = 0;
  steps = 0;
  rejected = 0;
  newtonIterations = 0;
  /** Largest LTE ratio of the last accepted step (0 when not estimated). */
  lastRatio = 0;
  /** Accepted history since the last restart, newest first: states and times. */
  private hx: Float64Array[];
  private readonly ht = new Float64Array(3);
  private count = 0;
  /** After a restart at a breakpoint: the point before it (hx[1]) is kept for the first step's estimate. */
  private preValid = false;
  private lastMethod: IntegrationState["method"] = "be";
  /** ngspiceSteps: the step before it was cut to land on tLimit (ngspice's CKTsaveDelta), and a pending backward Euler step. */
  private saveDelta = 0;
  private order1 = true;
  private readonly integ: IntegrationState = { a0: 0, method: "be", ratio: 1 };
  /** What accept tells the devices (AcceptPoint), reused. */
  private readonly at: AcceptPoint;
  private readonly accepting: Device[];
  /** Node capacitances: companion stamps and history v_n, v_{n-1} (V), i_n (A) per free unknown. */
  private readonly stamps: { g: Float64Array; j: Float64Array } | null;
  private readonly nv1: Float64Array;
  private readonly nv2: Float64Array;
  private readonly ni1: Float64Array;
  private readonly dynIdx: Int32Array;
  /** LTE estimate per unknown (scratch). */
  private readonly err: Float64Array;
  /** True when the LTE estimate is filtered (cfg.filter given and C diagonal). */
  private readonly filtering: boolean;
  /** Devices that bound the step by the truncation error of their own charges, and what they are handed. */
  private readonly truncating: Array<Device & ChargeTruncation>;
  private readonly qSpec: ChargeTruncationSpec;

  constructor(
    readonly engine: Engine,
    readonly cap: CapacitanceInfo,
    readonly cfg: ImplicitConfig,
  ) {
    const c = engine.circuit;
    const n = c.n;
    this.hx = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
    this.accepting = c.devices.filter((d) => d.accept !== undefined);
    const nf = c.nFree;
    const hasNodeC = cap.nodeC.some((v) => v > 0);
    this.stamps = hasNodeC ? { g: new Float64Array(nf), j: new Float64Array(nf) } : null;
    this.nv1 = new Float64Array(nf);
    this.nv2 = new Float64Array(nf);
    this.ni1 = new Float64Array(nf);
    const dyn: number[] = [];
    for (let i = 0; i < n; i++) if (cap.capDynamic[i]) dyn.push(i);
    this.dynIdx = Int32Array.from(dyn);
    this.err = new Float64Array(n);
    this.filtering = cfg.filter !== undefined && !cap.floating;
    this.truncating = cap.chargeDevices.filter(truncatesCharges);
    const reltol = cfg.lte ? cfg.lte.reltol : cfg.tol.reltol;
    const set = cfg.setBreak;
    const at: AcceptPoint = { time: 0, minBreak: cfg.minBreak ?? 5e-5 * cfg.tmax, setBreak: (t) => set?.(t, at.time) };
    this.at = at;
    this.qSpec = { order: 1, factor: 0.5, dt: new Float64Array(3), reltol, abstol: cfg.tol.abstol, chgtol: CHGTOL, trtol: TRTOL };
  }

  /**
   * Start from the engine's current state (x, V) at time t (s) with a first
   * step h0 (s). Capacitors, node capacitances and the charges of devices
   * that integrate their own (Device.startCharges) take their present
   * voltage as initial state (DC: no current) unless `keepCaps`; with
   * `Vq`, the voltage at the node voltages Vq instead (a uic start).
   */
  start(t: number, h0: number, keepCaps = false, Vq: Float64Array = this.engine.V): void {
    const { engine } = this;
    this.t = t;
    this.h = h0;
    this.lastH = 0;
    if (!keepCaps) {
      for (const c of this.cap.caps) c.initState(Vq[c.a] - Vq[c.b]);
      for (const d of this.cap.chargeDevices) d.startCharges?.(Vq, engine.x);
      const x = engine.x;
      for (let i = 0; i < this.nv1.length; i++) {
        this.nv1[i] = x[i];
        this.nv2[i] = x[i];
        this.ni1[i] = 0;
      }
    }
    this.restart(h0);
    this.preValid = false;
  }

  /**
   * The first step after landing on a breakpoint whose next one is nextGap
   * (s) away: eqspice's 0.25 min(last step, tmax, nextGap), or with
   * ngspiceSteps dctran.c's min(proposed step, 0.1 min(CKTsaveDelta, nextGap)).
   */
  breakpointStep(nextGap: number): number {
    if (this.cfg.ngspiceSteps) return Math.min(this.h, 0.1 * Math.min(this.saveDelta, nextGap));
    return 0.25 * Math.min(this.lastH, this.cfg.tmax, nextGap);
  }

  /** Restart the order at the current point (a breakpoint): the history before it is not smooth. */
  restart(h0: number): void {
    this.preValid = this.count >= 2 && this.ht[0] === this.t;
    this.hx[0].set(this.engine.x);
    this.ht[0] = this.t;
    this.count = 1;
    this.lastMethod = "be";
    this.order1 = true;
    this.h = h0;
  }

  /** Release the engine's node stamps (after the integration). */
  detach(): void {
    if (this.engine.nodeStamps === this.stamps) this.engine.nodeStamps = null;
    this.engine.invalidate();
  }

  /**
   * Take one accepted step, not beyond tLimit (s): it lands exactly on
   * tLimit when that is within 1.1 h, and halves the remaining gap when it is
   * within 2 h (no slivers). Rejected attempts are retried with smaller steps.
   */
  advance(tLimit: number): void {
    const { engine, cfg, hx, ht } = this;
    const x = engine.x;
    const n = x.length;
    for (;;) {
      let h = Math.min(this.h, cfg.tmax);
      const gap = tLimit - this.t;
      let tNew: number;
      if (cfg.ngspiceSteps) {
        // a step ending within ngspice's CKTdelmin (1e-11 TMAX) of tLimit, or leaving a gap not much above the smallest
        // step, lands on it: dctran.c takes such a point as the breakpoint (a step bounded to reach a transmission
        // line's breakpoint falls short of it by the rounding of the times summed since)
        if (this.t + h >= tLimit - Math.max(1e-11 * cfg.tmax, 2 * cfg.hmin)) {
          this.saveDelta = h;
          h = gap;
          tNew = tLimit;
        } else tNew = this.t + h;
      } else if (gap <= 1.1 * h) {
        h = gap;
        tNew = tLimit;
      } else {
        if (gap < 2 * h) h = gap / 2;
        tNew = this.t + h;
      }
      if (!(h >= cfg.hmin)) {
        throw new ConvergenceError(`transient: time step too small (${h.toExponential(3)} s) at t = ${this.t.toExponential(6)} s`, []);
      }
      // Order and method of this step.
      const hPrev = this.count >= 2 ? ht[0] - ht[1] : h;
      const method: IntegrationState["method"] = cfg.ngspiceSteps
        ? this.count <= 1 || this.order1
          ? "be"
          : cfg.method
        : this.count <= 2
          ? "be"
          : cfg.method === "bdf2" || this.lastMethod === "be"
            ? "bdf2"
            : "trap";
      const w = h / hPrev;
      const integ = this.integ;
      integ.method = method;
      integ.ratio = w;
      integ.a0 = method === "be" ? 1 / h : method === "trap" ? 2 / h : (1 + 2 * w) / ((1 + w) * h);
      this.loadNodeCaps();
      // Predictor: linear extrapolation of the last two points.
      const x0 = hx[0];
      if (this.count >= 2) {
        const x1 = hx[1];
        const s = h / hPrev;
        for (let i = 0; i < n; i++) x[i] = x0[i] + (x0[i] - x1[i]) * s;
      } else x.set(x0);
      engine.setPoint(cfg.sources, tNew, cfg.srcScale, integ);
      const r = cfg.solve ? cfg.solve(cfg.tol, cfg.maxNewton, false, cfg.polish ?? 3) : engine.newton(cfg.tol, cfg.maxNewton, false, cfg.polish ?? 3);
      this.newtonIterations += r.iterations;
      if (!r.converged) {
        this.rejected++;
        this.h = h / 8;
        this.order1 = true;
        continue;
      }
      const ratio = this.lteRatio(h, tNew, method, w);
      const q = method === "be" ? 2 : 3;
      if (ratio > 1) {
        this.rejected++;
        this.h = h * Math.max(0.1, 0.9 * Math.pow(ratio, -1 / q));
        continue;
      }
      this.accept(h, tNew, method);
      this.lastRatio = ratio;
      this.h = ratio > 0 ? h * Math.min(2, 0.9 * Math.pow(ratio, -1 / q)) : 2 * h;
      return;
    }
  }

  private loadNodeCaps(): void {
    const st = this.stamps;
    if (!st) return;
    const { nodeC } = this.cap;
    const integ = this.integ;
    for (let i = 0; i < nodeC.length; i++) {
      const c = nodeC[i];
      if (c === 0) continue;
      st.g[i] = c * integ.a0;
      st.j[i] = c * companionHistory(integ, c, this.nv1[i], this.nv2[i], this.ni1[i]);
    }
    this.engine.nodeStamps = st;
  }

  /**
   * Largest LTE / tolerance over the differential unknowns and the device
   * charges; 0 when there is no estimate. A device's charges give the step
   * del they allow (ngspice's CKTterr); as a ratio, (0.9 h / del)^q, so
   * that the step is accepted when del >= 0.9 h and the next one is del
   * (at most 2 h), ngspice's rule.
   */
  private lteRatio(h: number, tNew: number, method: IntegrationState["method"], w: number): number {
    if (this.count < 2 && !this.preValid) return 0;
    let worst = this.voltageRatio(h, tNew, method, w);
    if (this.truncating.length > 0) {
      const del = this.chargeStep(tNew, method);
      if (del < Infinity) {
        const r = Math.pow((0.9 * h) / del, method === "be" ? 2 : 3);
        if (r > worst) worst = r;
      }
    }
    return worst;
  }

  /** The smallest step the devices' charges allow for the step just solved (s). */
  private chargeStep(tNew: number, method: IntegrationState["method"]): number {
    const spec = this.qSpec;
    const ht = this.ht;
    spec.order = method === "be" ? 1 : 2;
    spec.factor = method === "be" ? 0.5 : method === "trap" ? 1 / 12 : 2 / 9;
    spec.dt[0] = tNew - ht[0];
    spec.dt[1] = ht[0] - ht[1];
    // two points back, unless the history starts at the initial point (its copies, as ngspice's firsttime states)
    spec.dt[2] = spec.order === 2 ? (this.count >= 3 || this.preValid ? ht[1] - ht[2] : spec.dt[1]) : 0;
    const V = this.engine.V;
    let del = Infinity;
    for (const d of this.truncating) {
      const b = d.chargeTruncation(V, spec, this.engine.x);
      if (b < del) del = b;
    }
    return del;
  }

  /** Largest LTE / tolerance over the node voltages with capacitance (capDynamic). */
  private voltageRatio(h: number, tNew: number, method: IntegrationState["method"], w: number): number {
    if (this.dynIdx.length === 0) return 0;
    const { hx, ht, dynIdx } = this;
    const x = this.engine.x;
    const lte = this.cfg.lte;
    const reltol = lte ? lte.reltol : this.cfg.tol.reltol;
    const vntol = lte ? lte.abstol : this.cfg.tol.vntol;
    const x0 = hx[0];
    const x1 = hx[1];
    const t0 = ht[0];
    const t1 = ht[1];
    const err = this.err;
    if (this.count <= 2) {
      // Backward Euler after a restart: h^2 x''/2 with x'' from DD2 over
      // (tNew, t0, t1). For the first step after a breakpoint, t1 is the
      // point before it: the slope there is continuous for capacitive nodes
      // (unless a capacitor ties one to a source, which only makes the step
      // smaller) but the curvature starts at the breakpoint, so
      // x'' ~ (slope over the step - slope before) / (h/2): LTE ~ h |d1a - d1b|.
      const across = this.count === 1;
      for (let k = 0; k < dynIdx.length; k++) {
        const i = dynIdx[k];
        const d1a = (x[i] - x0[i]) / (tNew - t0);
        const d1b = (x0[i] - x1[i]) / (t0 - t1);
        err[i] = across ? h * (d1a - d1b) : (h * h * (d1a - d1b)) / (tNew - t1);
      }
    } else {
      const x2 = hx[2];
      const t2 = ht[2];
      const c3 = method === "trap" ? 0.5 : method === "bdf2" ? ((1 + w) * (1 + w)) / (w * (1 + 2 * w)) : 0;
      for (let k = 0; k < dynIdx.length; k++) {
        const i = dynIdx[k];
        const d1a = (x[i] - x0[i]) / (tNew - t0);
        const d1b = (x0[i] - x1[i]) / (t0 - t1);
        const d1c = (x1[i] - x2[i]) / (t1 - t2);
        const d2a = (d1a - d1b) / (tNew - t1);
        const d2b = (d1b - d1c) / (t0 - t2);
        const d3 = (d2a - d2b) / (tNew - t2);
        err[i] = method === "be" ? h * h * d2a : c3 * h * h * h * d3;
      }
    }
    if (this.filtering) {
      // err <- (a0 C + J)^-1 a0 C err (C diagonal here).
      const a0 = this.integ.a0;
      const diag = this.cap.diag;
      const nf = diag.length;
      for (let i = 0; i < err.length; i++) err[i] = i < nf && this.cap.dynamic[i] ? a0 * diag[i] * err[i] : 0;
      this.cfg.filter!(err);
    }
    let worst = 0;
    for (let k = 0; k < dynIdx.length; k++) {
      const i = dynIdx[k];
      const r = Math.abs(err[i]) / (reltol * Math.max(Math.abs(x[i]), Math.abs(x0[i])) + vntol);
      if (r > worst) worst = r;
    }
    return worst;
  }

  private accept(h: number, tNew: number, method: IntegrationState["method"]): void {
    const { engine, hx, ht } = this;
    const x = engine.x;
    this.at.time = tNew;
    for (const d of this.accepting) d.accept!(engine.V, x, h, this.at);
    const st = this.stamps;
    if (st) {
      const { nodeC } = this.cap;
      for (let i = 0; i < nodeC.length; i++) {
        if (nodeC[i] === 0) continue;
        this.ni1[i] = st.g[i] * x[i] + st.j[i];
        this.nv2[i] = this.nv1[i];
        this.nv1[i] = x[i];
      }
    }
    // Rotate the history: the oldest array receives the new point.
    const old = hx[2];
    hx[2] = hx[1];
    hx[1] = hx[0];
    hx[0] = old;
    old.set(x);
    ht[2] = ht[1];
    ht[1] = ht[0];
    ht[0] = tNew;
    this.count = Math.min(this.count + 1, 4);
    this.lastMethod = method;
    if (method === "be") this.order1 = false;
    this.t = tNew;
    this.lastH = h;
    this.steps++;
  }

  /** Node-capacitance current of free unknown i at the last accepted point (A, leaving the node). */
  nodeCurrent(i: number): number {
    return this.ni1[i];
  }
}
