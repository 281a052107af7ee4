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
 * Integration. Stiff circuits (auto's choice for the DRN networks) take
 * variable-step BDF2, which is L-stable, so the steps grow as the trajectory
 * settles whatever the stiffness. Its local truncation error is filtered
 * through the step's iteration matrix (Hairer & Wanner's estimate for stiff
 * systems): an ideal diode switching on makes its node stiff, and the raw
 * divided-difference estimate would see a large error where the implicit
 * step is in fact exact to first order (the node is on its slow manifold).
 * The LTE tolerance is reltol/10 relative plus 100 vntol absolute (1e-4 and
 * 1e-4 V with SPICE's defaults), which keeps the written trajectory within
 * about 1e-3 V of a tight-tolerance one (test/relax-physical.test.ts).
 * Non-stiff circuits take odex (auto), as before.
 *
 * Settling criterion: the state is settled when the distance to the
 * equilibrium, estimated to first order by one Newton step of the DC
 * equations, is below `tol` volts on every free node:
 *   max_i |(G(V)^-1 i(V))_i| = max_i |(G^-1 C dV/dt)_i| < tol,   G = di/dV,
 * i.e. the rate of change times the circuit's time-constant matrix G^-1 C.
 * On the BDF2 path (relaxFast) its diagonal version, every node's
 * |C_i dV_i/dt| / G_ii = |dV_i/dt| tau_i (tau_i = C_i / G_ii its own time
 * constant), is read from each step for free, and the full check (one
 * factorization) runs when it falls below the LTE tolerance's absolute part
 * (1e-4 V by default). Below that distance the rest of the relaxation is the
 * linear decay delta(t) = exp(-C^-1 G t) delta of the displacement
 * delta = -G^-1 i(V), which is not integrated step by step: its time to fall
 * from |delta| to tol is tau ln(|delta| / tol) with tau the Rayleigh quotient
 * delta' C delta / delta' G delta (exact for the slowest mode that dominates a
 * tail), its end point the equilibrium itself (a Newton polish, the tail's
 * limit), and its energy P* dt plus the first-order excess of the decaying
 * displacement. The other paths (odex, trapezoidal, circuits with
 * capacitors or branch unknowns) integrate until the full check passes.
 *
 * Settling time and energy. `time` is when the criterion was met. `energy`
 * integrates the power of every device over [0, time] (energy.ts,
 * PowerMeter): on the BDF2 path each step's trajectory is the cubic Hermite
 * interpolant of its end points and slopes (the slopes are the circuit's
 * own dV/dt = -i(V)/C at the accepted points), integrated by 2-point
 * Gauss-Legendre, so the quadrature error is of the integrator's order; the
 * other paths integrate the power linearly between points.
 */
import { ConvergenceError } from "../util/errors.js";
import type { Engine } from "./engine.js";
import { PowerMeter, type PhaseEnergy } from "./energy.js";
import { analyzeCapacitance, type CapacitanceInfo } from "./integrators/capacitance.js";
import { ODEX_MAX_STIFFNESS, chooseIntegrator, explicitApplies, type IntegratorChoice } from "./integrators/choose.js";
import { ExplicitIntegrator } from "./integrators/explicit.js";
import { ImplicitIntegrator } from "./integrators/implicit.js";
import { dynamicLinearDevices } from "./integrators/split.js";
import { tolerancesOf } from "./op.js";
import { CHECK_EVERY, EnergyAccumulator, SettleCheck } from "./relax-accounting.js";

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
  /** Settling time (s): when the criterion was met, interpolated (tmax when not settled). */
  time: number;
  /** Time of the last integrated point, the state left in the engine (s). */
  end: number;
  /** Accepted steps. */
  steps: number;
  /** Passes over the devices: Newton iterations (implicit) or right-hand-side evaluations (odex), settling checks included. */
  evaluations: number;
  /** False when tmax was reached first. */
  settled: boolean;
  integrator: "odex" | "trap" | "bdf2";
  /** Energy over [0, time] (J): dissipated in resistive devices, drawn from the sources, change of the stored energy. */
  energy: PhaseEnergy;
}

/** Steps allowed when tmax is not given. */
const MAX_STEPS = 200_000;

/** Per-engine analysis kept across calls (phases and samples): capacitances and the power meter, by cnode. */
const cache = new WeakMap<Engine, { cnode: number; cap: CapacitanceInfo; meter: PowerMeter; acc: EnergyAccumulator }>();

export function relax(engine: Engine, opts: RelaxOptions = {}): RelaxResult {
  const c = engine.circuit;
  const cnode = opts.cnode ?? (c.options.cnode > 0 ? c.options.cnode : 1e-12);
  if (!(cnode > 0)) throw new Error(`relax: cnode must be positive (got ${cnode})`);
  const tol = opts.tol ?? 1e-9;
  const tmax = opts.tmax ?? Infinity;
  const srcScale = engine.ctx.srcScale;
  let cached = cache.get(engine);
  if (!cached || cached.cnode !== cnode) {
    const cap = analyzeCapacitance(c, cnode);
    const meter = new PowerMeter(c, cap.nodeC, cap.caps);
    cached = { cnode, cap, meter, acc: new EnergyAccumulator(engine, cap, meter) };
    cache.set(engine, cached);
  }
  const { cap, acc } = cached;
  const checker = new SettleCheck(engine, srcScale, tol);
  const x0 = Float64Array.from(engine.x);
  engine.nodeStamps = null;
  // At the DC point already (the trainer's phases): keep the engine's cached linear stamps.
  if (engine.ctx.mode !== "dc" || engine.ctx.integ !== null) engine.setPoint("dc", 0, srcScale, null);
  const tc = diagonalTimeConstants(engine, cap);
  // The DC Jacobian and right-hand side are now assembled at x0: the start's slopes.
  acc.begin(x0);
  const want = opts.integrator ?? "auto";
  if (want === "odex" && !explicitApplies(engine, cap)) throw new Error("relax: odex needs a circuit without branch unknowns (floating voltage sources, E, H)");
  // (odex evaluates device currents, which do not apply a source scale other than 1)
  const method =
    want === "auto" ? (srcScale === 1 ? chooseIntegrator(engine, cap, tc.tauMax / tc.tauMin, ODEX_MAX_STIFFNESS.relax, "bdf2") : "bdf2") : want;
  opts.record?.(0, engine.V);
  if (c.nFree === 0) return { time: 0, end: 0, steps: 0, evaluations: 0, settled: true, integrator: method, energy: acc.result() };
  const tau0 = Number.isFinite(tc.tauMin) ? tc.tauMin : cnode / Math.max(c.options.gmin, 1e-30);
  let r: Partial;
  if (method === "odex") r = relaxExplicit(engine, cap, checker, acc, tau0, tmax, opts.record);
  else if (method === "bdf2" && fastApplies(engine, cap)) r = relaxFast(engine, cap, checker, acc, tau0, tmax, opts.record);
  else {
    r = relaxImplicit(engine, cap, checker, acc, method, tau0, tmax, opts.record);
    engine.nodeStamps = null;
    engine.setPoint("dc", 0, srcScale, null);
  }
  engine.syncVoltages();
  return { ...r, evaluations: r.evaluations + checker.evaluations, integrator: method, energy: acc.result() };
}

/** Node time constants C_ii / G_ii at the engine's x (assembles the DC system there; see choose.ts). */
function diagonalTimeConstants(engine: Engine, cap: CapacitanceInfo): { tauMin: number; tauMax: number } {
  engine.assemble();
  let tauMin = Infinity;
  let tauMax = 0;
  const A = engine.sys.A;
  for (let i = 0; i < engine.circuit.nFree; i++) {
    const cc = cap.diag[i];
    if (!(cc > 0)) continue;
    const g = A[engine.sys.diag(i)];
    const tau = g > 0 ? cc / g : Infinity;
    if (tau < tauMin) tauMin = tau;
    if (tau > tauMax) tauMax = tau;
  }
  return { tauMin, tauMax };
}

type Partial = Pick<RelaxResult, "time" | "end" | "steps" | "evaluations" | "settled">;

/**
 * The direct path (relaxFast) applies to circuits whose unknowns are all
 * free node voltages, whose only capacitance is the node capacitance, and
 * without reduced amplifiers: then one step's equations are
 *   C (a0 x + q) + i(x) = 0,  i(x) = A x - b  (A, b: the DC system assembled at x),
 * and the engine's DC system is all it needs.
 */
function fastApplies(engine: Engine, cap: CapacitanceInfo): boolean {
  const c = engine.circuit;
  return c.n === c.nFree && !c.amplifiers && cap.caps.length === 0;
}

/**
 * Variable-step BDF2 (backward Euler for the first step) on the DC system
 * of the engine, with no per-step analysis point: the linear devices'
 * stamps stay cached for the whole phase, the node capacitance's companion
 * C a0 is added to the matrix only when it is factored, and the steps reuse
 * one factorization (a chord iteration) until its convergence slows or the
 * step size moved it too far (a0 off by 3x). The LTE of a BDF2 step is
 * estimated from the cubic Hermite interpolant of its end points and slopes
 * (x''' = 6 (2 (x0 - x1) + h (d0 + d1)) / h^3), filtered through the
 * iteration matrix (see the file comment), and the step grows by up to 2x.
 */
function relaxFast(engine: Engine, cap: CapacitanceInfo, checker: SettleCheck, acc: EnergyAccumulator, tau0: number, tmax: number, record: RelaxOptions["record"]): Partial {
  const c = engine.circuit;
  const n = c.n;
  const sys = engine.sys;
  const { rows, cols } = sys.pattern;
  const nh = rows.length;
  const C = cap.nodeC;
  const tol = tolerancesOf(c);
  const rel = tol.reltol / 10;
  const abs = 100 * tol.vntol;
  const diagH = new Int32Array(n);
  for (let i = 0; i < n; i++) diagH[i] = sys.diag(i);
  const x = engine.x;
  const A = sys.A;
  const b = sys.b;
  // History: x_n (xn), x_{n-1} (xp), slope at x_n (dn).
  const xn = Float64Array.from(x);
  const xp = new Float64Array(n);
  const dn = new Float64Array(n);
  const q = new Float64Array(n);
  const dx = new Float64Array(n);
  const err = new Float64Array(n);
  const d1 = new Float64Array(n);
  const res = new Float64Array(n);
  // Below this distance (the LTE tolerance's absolute part) the rest of the relaxation is linear.
  const tailTol = Math.max(abs, 10 * checker.tol);
  // Slope at the start: -i(x0) / C, from the DC system assembled at x0.
  residual(A, b, x, rows, cols, nh, n, dn);
  for (let i = 0; i < n; i++) dn[i] = -dn[i] / C[i];
  let t = 0;
  let h = 0.01 * tau0;
  let hPrev = 0;
  let count = 1;
  let steps = 0;
  let evaluations = 0;
  let factored = false;
  let a0ref = 0;
  let corr = 1;
  let since = 0;
  let settled = false;
  let time = tmax;
  let failures = 0;
  const hmin = 1e-12 * tau0;
  // Rare (a diode's step limiting keeps the chord from converging, the step collapses): finish the
  // phase on the engine's own implicit integrator from the last accepted point.
  const fallback = (): Partial => {
    x.set(xn);
    engine.syncVoltages();
    const rest = relaxImplicit(engine, cap, checker, acc, "bdf2", tau0, tmax, record, t, 1e-3 * tau0);
    engine.nodeStamps = null;
    engine.setPoint("dc", 0, checker.srcScale, null);
    return { ...rest, steps: steps + rest.steps, evaluations: evaluations + rest.evaluations };
  };
  while (t < tmax) {
    if (steps >= MAX_STEPS && tmax === Infinity) throw new ConvergenceError(`relax: not settled to ${checker.tol} V after ${MAX_STEPS} steps (t = ${t.toExponential(3)} s)`);
    if (!(h >= hmin)) throw new ConvergenceError(`relax: time step too small (${h.toExponential(3)} s) at t = ${t.toExponential(6)} s`, []);
    let hs = h;
    if (tmax - t <= 1.1 * hs) hs = tmax - t;
    const be = count < 2;
    const w = be ? 1 : hs / hPrev;
    // dV/dt ~ a0 x + q: backward Euler (x - xn) / h, or BDF2 a0 (x - a1 xn + a2 xp).
    let a0: number;
    if (be) {
      a0 = 1 / hs;
      for (let i = 0; i < n; i++) q[i] = -a0 * xn[i];
    } else {
      a0 = (1 + 2 * w) / ((1 + w) * hs);
      const a1 = ((1 + w) * (1 + w)) / (1 + 2 * w);
      const a2 = (w * w) / (1 + 2 * w);
      for (let i = 0; i < n; i++) q[i] = a0 * (a2 * xp[i] - a1 * xn[i]);
    }
    // Predictor: the quadratic through xp, xn with slope dn at xn (backward Euler: the tangent).
    if (be) for (let i = 0; i < n; i++) x[i] = xn[i] + hs * dn[i];
    else {
      for (let i = 0; i < n; i++) {
        const cq = (xp[i] - xn[i] + dn[i] * hPrev) / (hPrev * hPrev);
        x[i] = xn[i] + hs * dn[i] + cq * hs * hs;
      }
    }
    // Chord / Newton iterations on C (a0 x + q) + A x - b = 0.
    let converged = false;
    let lastNorm = Infinity;
    let refactor = !factored || a0 > 3 * a0ref || a0 < a0ref / 3;
    let withC = false;
    for (let it = 0; it < 10; it++) {
      withC = refactor;
      engine.assemble();
      evaluations++;
      residual(A, b, x, rows, cols, nh, n, dx);
      for (let i = 0; i < n; i++) dx[i] += C[i] * (a0 * x[i] + q[i]);
      if (refactor) {
        for (let i = 0; i < n; i++) A[diagH[i]] += C[i] * a0;
        b.set(dx);
        if (!sys.solve(dx)) break;
        factored = true;
        a0ref = a0;
        refactor = false;
      } else sys.solveAgain(dx);
      let norm = 0;
      for (let i = 0; i < n; i++) {
        x[i] -= dx[i];
        const r = Math.abs(dx[i]) / (rel * Math.abs(x[i]) + abs);
        if (!(r <= norm)) norm = r;
      }
      if (!Number.isFinite(norm)) break;
      if (norm <= 0.1 && !engine.ctx.noncon) {
        converged = true;
        break;
      }
      if (norm > 0.3 * lastNorm) refactor = true;
      lastNorm = norm;
    }
    if (!converged) {
      h = hs / 4;
      factored = false;
      x.set(xn);
      if (++failures >= 6 || h < 1e-6 * tau0) return fallback();
      continue;
    }
    failures = 0;
    // Slope at the new point (the step's own dV/dt) and the LTE estimate.
    for (let i = 0; i < n; i++) d1[i] = a0 * x[i] + q[i];
    if (be) for (let i = 0; i < n; i++) err[i] = 0.5 * hs * (d1[i] - dn[i]);
    else {
      const k = ((1 + w) * (1 + w)) / (w * (1 + 2 * w));
      for (let i = 0; i < n; i++) err[i] = k * (2 * (xn[i] - x[i]) + hs * (dn[i] + d1[i]));
    }
    // Filter through the factored iteration matrix: err <- M^-1 a0 C err.
    for (let i = 0; i < n; i++) err[i] *= a0ref * C[i];
    sys.solveAgain(err);
    let ratio = 0;
    for (let i = 0; i < n; i++) {
      const r = Math.abs(err[i]) / (rel * Math.max(Math.abs(x[i]), Math.abs(xn[i])) + abs);
      if (!(r <= ratio)) ratio = r;
    }
    const p = be ? 2 : 3;
    if (!(ratio <= 1)) {
      h = hs * (ratio < Infinity ? Math.max(0.2, 0.9 * Math.pow(ratio, -1 / p)) : 0.2);
      x.set(xn);
      if (h < 1e-6 * tau0) return fallback();
      continue;
    }
    // Accept.
    t += hs;
    steps++;
    xp.set(xn);
    xn.set(x);
    dn.set(d1);
    hPrev = hs;
    count++;
    h = ratio > 0 ? hs * Math.min(2, 0.9 * Math.pow(ratio, -1 / p)) : 2 * hs;
    engine.syncVoltages();
    record?.(t, engine.V);
    acc.step(t, x, (i) => C[i] * d1[i]);
    // Settling: every node's |dV/dt| tau_i, tau_i = C_i / G_ii (A holds the DC Jacobian of the last iterate).
    let est = 0;
    for (let i = 0; i < n; i++) {
      const g = A[diagH[i]] - (withC ? C[i] * a0 : 0);
      const e = g > 0 ? Math.abs(C[i] * d1[i]) / g : Infinity;
      if (!(e <= est)) est = e;
    }
    est *= corr;
    since++;
    if (est < tailTol || since >= CHECK_EVERY) {
      since = 0;
      const d = directDistance(engine, rows, cols, nh, res, err);
      evaluations++;
      factored = false;
      if (d < tailTol) {
        // The linear tail: delta = -J^-1 i(x) decays as exp(-t / tau) with tau its Rayleigh
        // quotient (delta' C delta) / (delta' J delta); delta' J delta = err . i(x).
        let num = 0;
        let den = 0;
        for (let i = 0; i < n; i++) {
          num += C[i] * err[i] * err[i];
          den += err[i] * res[i];
        }
        const tau = den > 0 ? num / den : 0;
        const r = engine.newton(tol, c.options.itl1, false, 1);
        evaluations += r.iterations;
        if (r.converged) {
          const tEnd = d > checker.tol && tau > 0 ? t + tau * Math.log(d / checker.tol) : t;
          acc.tail(tEnd, tau);
          t = tEnd;
          time = tEnd;
          settled = true;
          record?.(t, engine.V);
          break;
        }
        x.set(xn);
        engine.syncVoltages();
      }
      if (est < tailTol) corr = Math.max(2 * corr, (1.5 * d * corr) / Math.max(est, 1e-300));
    }
  }
  if (!settled) time = t;
  return { time, end: t, steps, evaluations, settled };
}

/** The DC KCL residual i(x) = A x - b into r (plain circuits: unknowns are free nodes). */
function residual(A: Float64Array, b: Float64Array, x: Float64Array, rows: ArrayLike<number>, cols: ArrayLike<number>, nh: number, n: number, r: Float64Array): void {
  for (let i = 0; i < n; i++) r[i] = -b[i];
  for (let h = 1; h < nh; h++) {
    const row = rows[h];
    const col = cols[h];
    if (row >= 0 && row < n && col >= 0 && col < n) r[row] += A[h] * x[col];
  }
}

/**
 * First-order distance to the DC equilibrium (V) from the engine's x: one
 * Newton step of the DC equations, J^-1 i(x), not applied. Assembles and
 * factors J (the chord factors are lost). `scratch` has length n.
 */
function directDistance(engine: Engine, rows: ArrayLike<number>, cols: ArrayLike<number>, nh: number, res: Float64Array, scratch: Float64Array): number {
  const sys = engine.sys;
  const n = engine.circuit.n;
  engine.assemble();
  if (engine.ctx.noncon) return Infinity;
  residual(sys.A, sys.b, engine.x, rows, cols, nh, n, res);
  sys.b.set(res);
  if (!sys.solve(scratch)) return Infinity;
  let d = 0;
  for (let i = 0; i < n; i++) if (!(Math.abs(scratch[i]) <= d)) d = Math.abs(scratch[i]);
  return d;
}

function relaxImplicit(
  engine: Engine,
  cap: CapacitanceInfo,
  checker: SettleCheck,
  acc: EnergyAccumulator,
  method: "trap" | "bdf2",
  tau0: number,
  tmax: number,
  record: RelaxOptions["record"],
  t0 = 0,
  h0 = 0.01 * tau0,
): Partial {
  const c = engine.circuit;
  const nf = c.nFree;
  const tol = tolerancesOf(c);
  const integ = new ImplicitIntegrator(engine, cap, {
    method,
    sources: "dc",
    srcScale: checker.srcScale,
    tol,
    tmax: Infinity,
    hmin: 1e-12 * tau0,
    maxNewton: 20,
    lte: { reltol: tol.reltol / 10, abstol: 100 * tol.vntol },
    polish: 0,
    filter: (rhs: Float64Array) => stepSolve(engine, rhs),
  });
  const prev = new Float64Array(nf);
  engine.splitLinear(dynamicLinearDevices(c, "dc"));
  integ.start(t0, h0);
  let settled = false;
  let time = tmax;
  try {
    while (integ.t < tmax) {
      if (integ.steps >= MAX_STEPS && tmax === Infinity) {
        throw new ConvergenceError(`relax: not settled to ${checker.tol} V after ${MAX_STEPS} steps (t = ${integ.t.toExponential(3)} s)`);
      }
      for (let i = 0; i < nf; i++) prev[i] = engine.x[i];
      integ.advance(tmax);
      record?.(integ.t, engine.V);
      acc.step(integ.t, engine.x, (i) => integ.nodeCurrent(i));
      let moved = 0;
      for (let i = 0; i < nf; i++) moved = Math.max(moved, Math.abs(engine.x[i] - prev[i]));
      const s = checker.step(moved);
      if (s === "settled") {
        settled = true;
        time = integ.t;
        break;
      }
      // Near equilibrium but not settled: the trapezoidal rule's stiff modes ring at long steps;
      // restart its order (backward Euler steps damp them). BDF2 is L-stable and needs no help.
      if (s === "far" && method === "trap") integ.restart(integ.h);
    }
  } finally {
    integ.detach();
    engine.splitLinear(null);
  }
  return { time: settled ? time : integ.t, end: integ.t, steps: integ.steps, evaluations: integ.newtonIterations, settled };
}

function relaxExplicit(
  engine: Engine,
  cap: CapacitanceInfo,
  checker: SettleCheck,
  acc: EnergyAccumulator,
  tau0: number,
  tmax: number,
  record: RelaxOptions["record"],
): Partial {
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
      acc.step(tNow, engine.x, null);
      if (checker.step(moved) === "settled") {
        settled = true;
        t = tNow;
        return false;
      }
    });
    chunk *= 4;
  }
  return { time: t, end: t, steps: ex.steps, evaluations: ex.evaluations, settled };
}

/** Solve with the factors of the engine's last Newton iteration (physical units; amplifier circuits through their scales). */
function stepSolve(engine: Engine, rhs: Float64Array): void {
  const amp = engine.circuit.amplifiers;
  if (amp) for (let u = 0; u < rhs.length; u++) rhs[u] *= amp.unknownInvScale[u];
  engine.sys.solveAgain(rhs);
  if (amp) for (let u = 0; u < rhs.length; u++) rhs[u] *= amp.unknownScale[u];
}
