/**
 * Explicit integration with odex (Hairer & Wanner's Gragg-Bulirsch-Stoer
 * extrapolation) of the circuit as an ODE over the free node voltages:
 *   C dV/dt = -i(V, t) - C_k dV_k/dt
 * where i is the current leaving each free node through every device except
 * the capacitors (A), C the capacitance matrix over the free nodes (F, node
 * capacitance included) and C_k dV_k/dt the displacement current of
 * capacitors tied to fixed nodes whose voltage changes in time (its dV_k/dt
 * by a central difference inside the stretch being integrated: callers
 * integrate from breakpoint to breakpoint). Applies only when C is nonsingular and the
 * circuit has no branch unknowns (see capacitance.ts).
 *
 * odex works in a scaled time (unit `unit` seconds), because its first step
 * is never below 1e-4 time units; it accepts a step whose error estimate is
 * NaN, so every accepted state is checked and a non-finite one restarts the
 * integration from the last good state with a smaller largest step.
 */
import { createRequire } from "node:module";
import { applyFixed } from "../../circuit/circuit.js";
import type { LinearCapacitance } from "../../devices/types.js";
import type { Device } from "../../devices/types.js";
import { ConvergenceError } from "../../util/errors.js";
import { MatrixPattern } from "../../solver/pattern.js";
import { SparseLDL } from "../../solver/sparse-ldl.js";
import type { Engine } from "../engine.js";
import type { CapacitanceInfo } from "./capacitance.js";

/** odex is CommonJS and typed by types/odex.d.ts (see there why it is not imported). */
const odex = createRequire(import.meta.url)("odex") as Odex.Module;

export interface ExplicitConfig {
  /** "tran": sources follow their waveforms; "dc": held at their DC values (relaxation). */
  sources: "tran" | "dc";
  srcScale: number;
  /** odex tolerances: relative, and absolute in volts. */
  reltol: number;
  abstol: number;
  /** Time unit of the integration (s): about 100 times the fastest time constant. */
  unit: number;
  /** odex step limit per call. */
  maxSteps: number;
}

/** Interpolates free unknown i at time t (s) inside the step just taken. */
export type DenseFn = (i: number, t: number) => number;

export class ExplicitIntegrator {
  evaluations = 0;
  steps = 0;
  rejected = 0;
  restarts = 0;
  private readonly devs: Device[];
  private readonly nf: number;
  private readonly nodeOf: Int32Array;
  private readonly out: Float64Array;
  private readonly rhs: number[];
  private readonly ldl: SparseLDL | null;
  private readonly invDiag: Float64Array;
  private readonly work: Float64Array;
  /** Capacitors from a free node to a fixed node, when some fixed node varies in time. */
  private readonly coupled: LinearCapacitance[];
  private readonly Vp: Float64Array;
  private readonly Vm: Float64Array;
  private readonly Vkp: Float64Array;
  private readonly varying: boolean;
  /** The stretch of time being integrated (s): no source corner inside. */
  private segLo = 0;
  private segHi = Infinity;

  constructor(
    readonly engine: Engine,
    readonly cap: CapacitanceInfo,
    readonly cfg: ExplicitConfig,
  ) {
    const c = engine.circuit;
    if (c.n !== c.nFree) throw new Error("internal: explicit integration needs a circuit without branch unknowns");
    if (!cap.nonsingular) throw new Error("internal: explicit integration needs a nonsingular capacitance matrix");
    this.nf = c.nFree;
    this.nodeOf = c.nodeOfUnknown;
    this.devs = c.devices.filter((d) => !d.linearCapacitance); // capacitors are the ODE's mass matrix
    this.out = new Float64Array(c.nodeNames.length);
    this.rhs = new Array<number>(this.nf).fill(0);
    this.work = new Float64Array(this.nf);
    this.invDiag = new Float64Array(this.nf);
    for (let i = 0; i < this.nf; i++) this.invDiag[i] = 1 / cap.diag[i];
    this.ldl = cap.floating ? factorCapacitance(engine, cap) : null;
    this.varying = cfg.sources === "tran" && c.fixed.some((f) => f.source.value.wave.kind !== "dc");
    const fixedFree = (cc: LinearCapacitance): boolean =>
      (c.unknownOfNode[cc.a] >= 0 && cc.b !== 0 && c.unknownOfNode[cc.b] < 0) || (c.unknownOfNode[cc.b] >= 0 && cc.a !== 0 && c.unknownOfNode[cc.a] < 0);
    this.coupled = this.varying ? cap.caps.filter(fixedFree) : [];
    const nn = c.nodeNames.length;
    this.Vp = new Float64Array(nn);
    this.Vm = new Float64Array(nn);
    this.Vkp = new Float64Array(nn);
  }

  /** Set the fixed nodes' voltages for time t (s). */
  private fix(t: number): void {
    const e = this.engine;
    applyFixed(e.circuit, e.V, e.Vk, this.cfg.sources, t, this.cfg.srcScale);
  }

  /**
   * dV/dt (V/s) of the free unknowns at time t (s) and free voltages y (V),
   * written into `dst` scaled by `scale` (scale = unit gives d/d(scaled time)).
   * Leaves y in engine.x / engine.V.
   */
  rate(t: number, y: ArrayLike<number>, dst: number[] | Float64Array, scale = 1): void {
    this.evaluations++;
    const { engine, nf, nodeOf, out, work } = this;
    const V = engine.V;
    const x = engine.x;
    if (this.varying) this.fix(t);
    for (let i = 0; i < nf; i++) x[i] = y[i];
    engine.syncVoltages();
    out.fill(0);
    const tt = this.cfg.sources === "dc" ? -1 : t;
    for (const d of this.devs) d.addCurrents(V, x, tt, out);
    // Reduced amplifiers: the currents that hold KCL at their outputs (no capacitance there).
    engine.circuit.amplifiers?.addCurrents(out);
    for (let i = 0; i < nf; i++) work[i] = -out[nodeOf[i]];
    if (this.coupled.length) this.addDisplacement(t);
    if (this.ldl) this.ldl.solve(work);
    else for (let i = 0; i < nf; i++) work[i] *= this.invDiag[i];
    for (let i = 0; i < nf; i++) dst[i] = work[i] * scale;
  }

  /**
   * Fixed nodes' voltages just after and before t into Vp, Vm, both inside
   * the stretch being integrated (sources are smooth there); returns the
   * time between them (s).
   */
  private fixedDifference(t: number): number {
    const c = this.engine.circuit;
    const d = Math.max(Math.abs(t), this.cfg.unit) * 1e-7;
    const hi = Math.min(t + d, this.segHi);
    const lo = Math.max(t - d, this.segLo);
    applyFixed(c, this.Vp, this.Vkp, "tran", hi, this.cfg.srcScale);
    applyFixed(c, this.Vm, this.Vkp, "tran", lo, this.cfg.srcScale);
    return hi - lo;
  }

  /** work += C dV_k/dt for capacitors from free nodes to time-varying fixed nodes (A). */
  private addDisplacement(t: number): void {
    const c = this.engine.circuit;
    const span = this.fixedDifference(t);
    for (const cc of this.coupled) {
      const ua = c.unknownOfNode[cc.a];
      const ub = c.unknownOfNode[cc.b];
      if (ua >= 0) this.work[ua] += (cc.c * (this.Vp[cc.b] - this.Vm[cc.b])) / span;
      else this.work[ub] += (cc.c * (this.Vp[cc.a] - this.Vm[cc.a])) / span;
    }
  }

  /**
   * Set every capacitor's current i = C d(Va - Vb)/dt (A, a to b) at time t
   * (s) from the free nodes' rates dv (V/s) and the fixed nodes' slopes.
   */
  setCapacitorCurrents(t: number, dv: Float64Array): void {
    const c = this.engine.circuit;
    const u = c.unknownOfNode;
    const span = this.varying ? this.fixedDifference(t) : 0;
    const rateOf = (node: number): number => {
      const k = u[node];
      if (k >= 0) return dv[k];
      return span > 0 ? (this.Vp[node] - this.Vm[node]) / span : 0;
    };
    for (const cc of this.cap.caps) cc.setCurrent(cc.c * (rateOf(cc.a) - rateOf(cc.b)));
  }

  /**
   * Integrate the free voltages y (V, updated in place) from t0 to t1 (s).
   * After every accepted step, onStep(tOld, t, yNow, dense) sees the state
   * at t and may read the solution inside [tOld, t] through `dense`; it
   * returns false to stop early (y then holds the state at that t).
   * Returns the time reached (s).
   */
  integrate(t0: number, t1: number, y: Float64Array, onStep?: (tOld: number, t: number, yNow: ArrayLike<number>, dense: DenseFn) => boolean | void): number {
    const { cfg, nf } = this;
    const unit = cfg.unit;
    this.segLo = t0;
    this.segHi = t1;
    if (!this.varying) this.fix(t0);
    const f = (xs: number, yy: number[]): number[] => {
      this.rate(t0 + xs * unit, yy, this.rhs, unit);
      return this.rhs;
    };
    let xs = 0;
    const xEnd = (t1 - t0) / unit;
    let yArr = Array.from(y);
    let hCap = 0;
    for (;;) {
      const solver = new odex.Solver(nf);
      solver.relativeTolerance = cfg.reltol;
      solver.absoluteTolerance = cfg.abstol;
      solver.maxSteps = cfg.maxSteps;
      solver.maxStepSize = hCap;
      solver.denseOutput = onStep !== undefined;
      let goodX = xs;
      let goodY = yArr;
      let lastStep = 0;
      let failed = false;
      let stopped = false;
      const res = solver.solve(f, xs, yArr, xEnd, (nr, xOld, xNow, yy, dense) => {
        if (nr === 1) return;
        for (let i = 0; i < nf; i++) {
          if (!Number.isFinite(yy[i])) {
            failed = true;
            return false;
          }
        }
        goodX = xNow;
        goodY = yy;
        lastStep = xNow - xOld;
        this.steps++;
        if (onStep && dense) {
          const d: DenseFn = (i, t) => dense(i, (t - t0) / unit);
          if (onStep(t0 + xOld * unit, t0 + xNow * unit, yy, d) === false) {
            stopped = true;
            return false;
          }
        }
      });
      this.rejected += res.nReject;
      if (failed) {
        this.restarts++;
        if (this.restarts > 60) throw new ConvergenceError(`odex: non-finite state near t = ${(t0 + goodX * unit).toExponential(6)} s`);
        hCap = Math.max(lastStep > 0 ? lastStep / 4 : (xEnd - goodX) / 1000, 1e-12);
        xs = goodX;
        yArr = goodY;
        continue;
      }
      if (res.outcome === odex.Outcome.MaxStepsExceeded) {
        throw new ConvergenceError(`odex: more than ${cfg.maxSteps} steps before t = ${t1.toExponential(6)} s (the circuit is too stiff for an explicit integrator; use trap or bdf2)`);
      }
      const tEnd = stopped ? t0 + goodX * unit : t1;
      const yEnd = stopped ? goodY : res.y;
      for (let i = 0; i < nf; i++) y[i] = yEnd[i];
      // leave the state in the engine
      if (this.varying) this.fix(tEnd);
      const e = this.engine;
      for (let i = 0; i < nf; i++) e.x[i] = y[i];
      e.syncVoltages();
      return tEnd;
    }
  }
}

/** Factor C over the free unknowns (sparse LDL^T, symmetric positive definite when nonsingular). */
function factorCapacitance(engine: Engine, cap: CapacitanceInfo): SparseLDL {
  const c = engine.circuit;
  const nf = c.nFree;
  const p = new MatrixPattern(nf);
  for (let i = 0; i < nf; i++) p.entry(i, i);
  const vals: number[] = [0];
  for (let i = 0; i < nf; i++) vals[p.entry(i, i)] = cap.diag[i];
  for (const cc of cap.caps) {
    const ua = c.unknownOfNode[cc.a];
    const ub = c.unknownOfNode[cc.b];
    if (ua < 0 || ub < 0) continue;
    for (const [r, s] of [
      [ua, ub],
      [ub, ua],
    ]) {
      const h = p.entry(r, s);
      vals[h] = (vals[h] ?? 0) - cc.c;
    }
  }
  const ldl = new SparseLDL(nf, p.rows, p.cols);
  const A = new Float64Array(p.size);
  for (let h = 1; h < p.size; h++) A[h] = vals[h] ?? 0;
  ldl.setValues(A);
  if (!ldl.factor()) throw new Error("internal: capacitance matrix is not positive definite");
  return ldl;
}
