/**
 * Physical relaxation to equilibrium: from the engine's current state (x,
 * and the fixed nodes of the point set by `engine.setPoint("dc", ...)`),
 * integrate
 *   C dV/dt = -i(V)        (for a reciprocal circuit: -dE/dV, a gradient flow of E)
 * with a capacitance `cnode` (F) from every free node to ground plus the
 * circuit's own capacitors, sources held at their DC values (times the
 * engine's source scale), until the state settles. The settled state is
 * left in engine.x / engine.V, with the engine at its DC point again.
 *
 * Settling criterion: the state is settled when the distance to the
 * equilibrium, estimated to first order by one Newton step of the DC
 * equations, is below `tol` volts on every free node:
 *   max_i |(G(V)^-1 i(V))_i| = max_i |(G^-1 C dV/dt)_i| < tol,   G = di/dV,
 * i.e. the rate of change times the circuit's time-constant matrix G^-1 C
 * ("max |dV/dt| * time constant"). Newton converges quadratically there, so
 * the true distance |V - V*| is tol plus O(tol^2). The check costs one
 * factorization, so it runs when the last step moved no node by more than
 * 10 tol (after each such failed check waiting twice as many steps) and
 * every 32 steps anyway. The check does not move the state: what is left in
 * the engine is a point of the trajectory. With the trapezoidal rule, whose
 * stiff modes ring instead of decaying at long steps, a failed check
 * restarts the order (backward Euler steps damp them); bdf2 (the default
 * implicit choice) is L-stable and needs no help.
 */
import { ConvergenceError } from "../netlist/errors.js";
import type { Engine } from "./engine.js";
import { analyzeCapacitance, type CapacitanceInfo } from "./integrators/capacitance.js";
import { ODEX_MAX_STIFFNESS, chooseIntegrator, explicitApplies, timeConstants, type IntegratorChoice } from "./integrators/choose.js";
import { ExplicitIntegrator } from "./integrators/explicit.js";
import { ImplicitIntegrator } from "./integrators/implicit.js";
import { dynamicLinearDevices } from "./integrators/split.js";
import { tolerancesOf } from "./op.js";

export interface RelaxOptions {
  /** Capacitance on every free node (F); default `.options cnode` when set, else 1e-12. */
  cnode?: number;
  /** "auto" (default): odex when it applies and the circuit is not stiff, else bdf2. */
  integrator?: IntegratorChoice;
  /** Settling tolerance (V), default 1e-9. */
  tol?: number;
  /** Longest simulated time (s); default unlimited (the step count is limited). */
  tmax?: number;
  /** Called at the start and after every accepted step: time (s) and every node's voltage (V; the engine's array, copy it to keep). */
  record?: (t: number, V: Float64Array) => void;
}

export interface RelaxResult {
  /** Simulated time to settle (s). */
  time: number;
  /** Accepted steps. */
  steps: number;
  /** Passes over the devices: Newton iterations (implicit) or right-hand-side evaluations (odex), settling checks included. */
  evaluations: number;
  /** False when tmax was reached first. */
  settled: boolean;
  integrator: "odex" | "trap" | "bdf2";
}

/** Steps allowed when tmax is not given. */
const MAX_STEPS = 200_000;
/** Steps between settling checks at most. */
const CHECK_EVERY = 32;

export function relax(engine: Engine, opts: RelaxOptions = {}): RelaxResult {
  const c = engine.circuit;
  const cnode = opts.cnode ?? (c.options.cnode > 0 ? c.options.cnode : 1e-12);
  if (!(cnode > 0)) throw new Error(`relax: cnode must be positive (got ${cnode})`);
  const tol = opts.tol ?? 1e-9;
  const tmax = opts.tmax ?? Infinity;
  const srcScale = engine.ctx.srcScale;
  const cap = analyzeCapacitance(c, cnode);
  const checker = new SettleCheck(engine, srcScale, tol);
  const x0 = Float64Array.from(engine.x);
  const tc = timeConstants(engine, cap, "dc", 0, srcScale);
  engine.x.set(x0);
  engine.setPoint("dc", 0, srcScale, null);
  engine.syncVoltages();
  const want = opts.integrator ?? "auto";
  if (want === "odex" && !explicitApplies(engine, cap)) throw new Error("relax: odex needs a circuit without branch unknowns (floating voltage sources, E, H)");
  // (odex evaluates device currents, which do not apply a source scale other than 1)
  const method =
    want === "auto" ? (srcScale === 1 ? chooseIntegrator(engine, cap, tc.tauMax / tc.tauMin, ODEX_MAX_STIFFNESS.relax, "bdf2") : "bdf2") : want;
  opts.record?.(0, engine.V);
  if (c.nFree === 0) return { time: 0, steps: 0, evaluations: 0, settled: true, integrator: method };
  const tau0 = Number.isFinite(tc.tauMin) ? tc.tauMin : cnode / Math.max(c.options.gmin, 1e-30);
  const r = method === "odex" ? relaxExplicit(engine, cap, checker, tau0, tmax, opts.record) : relaxImplicit(engine, cap, checker, method, tau0, tmax, opts.record);
  engine.nodeStamps = null;
  engine.setPoint("dc", 0, srcScale, null);
  engine.syncVoltages();
  return { ...r, evaluations: r.evaluations + checker.evaluations, integrator: method };
}

/** The settling test (see the file comment), with its backoff. */
class SettleCheck {
  evaluations = 0;
  private wait = 0;
  private gap = 1;
  private since = 0;
  private readonly saved: Float64Array;

  constructor(
    readonly engine: Engine,
    readonly srcScale: number,
    readonly tol: number,
  ) {
    this.saved = new Float64Array(engine.x.length);
  }

  /**
   * Called after each step with the largest node move of that step (V).
   * Checks when the move was below 10 tol (with backoff) or every
   * CHECK_EVERY steps anyway; returns "settled", "far" (checked, not
   * settled) or "skip".
   */
  step(moved: number): "settled" | "far" | "skip" {
    if (this.wait > 0) this.wait--;
    this.since++;
    const small = moved <= 10 * this.tol && this.wait === 0;
    if (!small && this.since < CHECK_EVERY) return "skip";
    this.since = 0;
    if (this.distance() < this.tol) return "settled";
    if (small) {
      this.gap *= 2;
      this.wait = this.gap;
    }
    return "far";
  }

  /** First-order distance to the DC equilibrium (V): one Newton step, undone. */
  distance(): number {
    const e = this.engine;
    const nf = e.circuit.nFree;
    this.saved.set(e.x);
    const stamps = e.nodeStamps;
    const ctx = e.ctx;
    const mode = ctx.mode;
    const time = ctx.time;
    const integ = ctx.integ;
    e.nodeStamps = null;
    e.setPoint("dc", 0, this.srcScale, null);
    e.lastDelta.fill(Infinity);
    const r = e.newton(tolerancesOf(e.circuit), 1, false);
    this.evaluations += r.iterations;
    let d = e.ctx.noncon ? Infinity : 0;
    for (let i = 0; i < nf; i++) if (!(e.lastDelta[i] <= d)) d = e.lastDelta[i];
    e.x.set(this.saved);
    e.nodeStamps = stamps;
    e.setPoint(mode, time, this.srcScale, integ);
    e.syncVoltages();
    return d;
  }
}

type Partial = Pick<RelaxResult, "time" | "steps" | "evaluations" | "settled">;

function relaxImplicit(
  engine: Engine,
  cap: CapacitanceInfo,
  checker: SettleCheck,
  method: "trap" | "bdf2",
  tau0: number,
  tmax: number,
  record: RelaxOptions["record"],
): Partial {
  const c = engine.circuit;
  const nf = c.nFree;
  const integ = new ImplicitIntegrator(engine, cap, {
    method,
    sources: "dc",
    srcScale: checker.srcScale,
    tol: tolerancesOf(c),
    tmax: Infinity,
    hmin: 1e-12 * tau0,
    maxNewton: 20,
  });
  const prev = new Float64Array(nf);
  engine.splitLinear(dynamicLinearDevices(c, "dc"));
  integ.start(0, 0.01 * tau0);
  let settled = false;
  try {
    while (integ.t < tmax) {
      if (integ.steps >= MAX_STEPS && tmax === Infinity) {
        throw new ConvergenceError(`relax: not settled to ${checker.tol} V after ${MAX_STEPS} steps (t = ${integ.t.toExponential(3)} s)`);
      }
      for (let i = 0; i < nf; i++) prev[i] = engine.x[i];
      integ.advance(tmax);
      record?.(integ.t, engine.V);
      let moved = 0;
      for (let i = 0; i < nf; i++) moved = Math.max(moved, Math.abs(engine.x[i] - prev[i]));
      const s = checker.step(moved);
      if (s === "settled") {
        settled = true;
        break;
      }
      // Near equilibrium but not settled: restart the order, whose backward
      // Euler steps damp stiff modes the trapezoidal rule leaves ringing.
      if (s === "far") integ.restart(integ.h);
    }
  } finally {
    integ.detach();
    engine.splitLinear(null);
  }
  return { time: integ.t, steps: integ.steps, evaluations: integ.newtonIterations, settled };
}

function relaxExplicit(engine: Engine, cap: CapacitanceInfo, checker: SettleCheck, tau0: number, tmax: number, record: RelaxOptions["record"]): Partial {
  const c = engine.circuit;
  const nf = c.nFree;
  const tol = tolerancesOf(c);
  const ex = new ExplicitIntegrator(engine, cap, { sources: "dc", srcScale: checker.srcScale, reltol: tol.reltol / 10, abstol: tol.vntol / 10, unit: 100 * tau0, maxSteps: 100_000 });
  const y = Float64Array.from(engine.x.subarray(0, nf));
  const prev = Float64Array.from(y);
  let t = 0;
  let chunk = 1000 * tau0;
  let settled = false;
  while (t < tmax && !settled) {
    if (ex.steps >= MAX_STEPS && tmax === Infinity) {
      throw new ConvergenceError(`relax: not settled to ${checker.tol} V after ${MAX_STEPS} odex steps (t = ${t.toExponential(3)} s)`);
    }
    const t1 = Math.min(tmax, t + chunk);
    t = ex.integrate(t, t1, y, (_tOld, tNow, yNow) => {
      let moved = 0;
      for (let i = 0; i < nf; i++) {
        engine.x[i] = yNow[i];
        moved = Math.max(moved, Math.abs(yNow[i] - prev[i]));
        prev[i] = yNow[i];
      }
      engine.syncVoltages();
      record?.(tNow, engine.V);
      if (checker.step(moved) === "settled") {
        settled = true;
        return false;
      }
    });
    chunk *= 4;
  }
  return { time: t, steps: ex.steps, evaluations: ex.evaluations, settled };
}
