/**
 * DC operating point: damped Newton (SPICE junction limiting) from a cold or
 * warm start, with gmin stepping and then source stepping as fallbacks.
 * For circuits of reciprocal devices the answer is the minimum of the energy
 * E(V) (see energy.ts).
 */
import type { Circuit } from "../circuit/circuit.js";
import { ConvergenceError } from "../util/errors.js";
import { Engine, type NewtonTolerances } from "./engine.js";
import { isEliminatedSource, type Device } from "../devices/types.js";

export interface OpOptions {
  /** Newton iteration limit per attempt (default: `.options itl1`, 100). */
  maxIter?: number;
  /** Start from the engine's current x instead of zero (warm start). */
  warm?: boolean;
  /** Try gmin stepping and source stepping when plain Newton fails (default true). */
  homotopy?: boolean;
  /**
   * Newton iterations after SPICE's convergence test passes (default 3,
   * Engine.newton's: each squares the error, so the operating point is
   * accurate to rounding where ngspice stops within about reltol |V|; 0
   * stops where ngspice stops).
   */
  polish?: number;
}

export interface OpResult {
  /** Reported node voltages (V), by lower-case name; internal device nodes excluded. */
  nodes: Record<string, number>;
  /** Branch currents of voltage sources, VCVS and CCVS (A), flowing from + through the source to -. */
  branches: Record<string, number>;
  /** Newton iterations used in total. */
  iterations: number;
  /** How it converged: "newton", "gmin" or "source" stepping. */
  strategy: "newton" | "gmin" | "source";
}

export function tolerancesOf(c: Circuit): NewtonTolerances {
  return { reltol: c.options.reltol, vntol: c.options.vntol, abstol: c.options.abstol };
}

function worstNodes(engine: Engine): Array<[string, number]> {
  const c = engine.circuit;
  const list: Array<[string, number]> = [];
  for (let i = 0; i < c.n; i++) {
    const name = i < c.nFree ? c.nodeNames[c.nodeOfUnknown[i]] : `i(${c.branchNames[i - c.nFree]})`;
    list.push([name, engine.lastDelta[i]]);
  }
  list.sort((a, b) => b[1] - a[1]);
  return list.slice(0, 3);
}

/** The devices with ngspice's OFF (Device.off): while `holdOff` is set their junction voltages are 0. */
function offDevices(c: Circuit): Device[] {
  return c.devices.filter((d) => d.off === true);
}

/**
 * Newton from a cold start, with ngspice's OFF devices: niiter.c runs the
 * first iteration in MODEINITJCT and then MODEINITFIX until the iterate
 * passes its convergence test, with every OFF device's junction voltages
 * held at 0 throughout (bjtload.c, mos1load.c, jfetload.c, dioload.c);
 * then MODEINITFLOAT from there, with the OFF devices free. So: a Newton
 * solve with them held (stopping where the test passes), then one from
 * its answer with them free, the two sharing `maxIter`. Without OFF
 * devices, plain Newton.
 */
function coldNewton(engine: Engine, offs: readonly Device[], tol: NewtonTolerances, maxIter: number, initJunctions: boolean, polish: number): { converged: boolean; iterations: number } {
  if (offs.length === 0) return engine.newton(tol, maxIter, initJunctions, polish);
  for (const d of offs) d.holdOff = true;
  let held;
  try {
    held = engine.newton(tol, maxIter, initJunctions, 0);
  } finally {
    for (const d of offs) d.holdOff = false;
  }
  if (!held.converged || held.iterations >= maxIter) return { converged: false, iterations: held.iterations };
  const free = engine.newton(tol, maxIter - held.iterations, false, polish);
  return { converged: free.converged, iterations: held.iterations + free.iterations };
}

/** Newton iterations per gmin step, as ngspice's ITL2 (its stepping's limit; ITL1 bounds the plain attempt). */
const STEP_ITERATIONS = 50;

/**
 * Solve the DC operating point into engine.x / engine.V. Throws
 * ConvergenceError (naming the worst nodes) when every strategy fails.
 */
export function solveDc(engine: Engine, opts: OpOptions = {}): { iterations: number; strategy: OpResult["strategy"] } {
  const c = engine.circuit;
  const tol = tolerancesOf(c);
  const maxIter = opts.maxIter ?? c.options.itl1;
  const polish = opts.polish ?? 3;
  let total = 0;
  const start = Float64Array.from(engine.x);
  if (!opts.warm) {
    engine.x.fill(0);
    start.fill(0);
  }
  engine.gshunt = 0;
  engine.setPoint("dc", 0, 1, null);
  // OFF devices start a cold solve (a warm one, as a sweep's next point, starts from the last answer: ngspice's MODEINITPRED)
  const offs = opts.warm ? [] : offDevices(c);
  let r = coldNewton(engine, offs, tol, maxIter, !opts.warm, polish);
  total += r.iterations;
  if (r.converged) return { iterations: total, strategy: "newton" };
  if (opts.homotopy === false) throw new ConvergenceError(`DC operating point did not converge in ${maxIter} iterations`, worstNodes(engine));

  // gmin stepping, ngspice's dynamic form: a shunt conductance on every node
  // from 1e-2 S, divided by a factor that grows after easy steps (at most
  // 10) and shrinks to its fourth root after a failed one, which is retried
  // from the last converged point; down to 1e-13 S, then without it.
  engine.x.set(start);
  let ok = false;
  {
    let g = 1e-2;
    let factor = 10;
    let lastGood = Infinity;
    const good = Float64Array.from(engine.x);
    for (let attempt = 0; attempt < 1000; attempt++) {
      engine.gshunt = g;
      // the first step starts as a cold solve (ngspice's dynamic_gmin: MODEINITJCT), OFF devices held
      r = attempt === 0 ? coldNewton(engine, offs, tol, STEP_ITERATIONS, total === 0, polish) : engine.newton(tol, STEP_ITERATIONS, total === 0, polish);
      total += r.iterations;
      if (r.converged) {
        good.set(engine.x);
        lastGood = g;
        if (g <= 1e-13) {
          ok = true;
          break;
        }
        if (r.iterations <= STEP_ITERATIONS / 4) factor = Math.min(factor * Math.sqrt(factor), 10);
        if (r.iterations > (3 * STEP_ITERATIONS) / 4) factor = Math.sqrt(factor);
        g = Math.max(g / factor, 1e-13);
      } else {
        if (lastGood === Infinity) break; // not even the largest shunt converges
        factor = Math.sqrt(Math.sqrt(factor));
        if (factor < 1.00005) break;
        engine.x.set(good);
        g = lastGood / factor;
      }
    }
  }
  engine.gshunt = 0;
  if (ok) {
    r = engine.newton(tol, maxIter, false, polish);
    total += r.iterations;
    if (r.converged) return { iterations: total, strategy: "gmin" };
  }

  // Source stepping: ramp every independent source from 0 to its value.
  engine.x.fill(0);
  let s = 0;
  let step = 0.1;
  let good = Float64Array.from(engine.x);
  let first = true;
  while (s < 1) {
    const next = Math.min(1, s + step);
    engine.setPoint("dc", 0, next, null);
    r = first ? coldNewton(engine, offs, tol, maxIter, true, polish) : engine.newton(tol, maxIter, false, polish);
    total += r.iterations;
    if (r.converged) {
      first = false;
      s = next;
      good = Float64Array.from(engine.x);
      step = Math.min(step * 1.5, 0.5);
    } else {
      engine.x.set(good);
      step /= 4;
      if (step < 1e-6) break;
    }
  }
  engine.setPoint("dc", 0, 1, null);
  if (s >= 1) {
    r = engine.newton(tol, maxIter, false, polish);
    total += r.iterations;
    if (r.converged) return { iterations: total, strategy: "source" };
  }
  throw new ConvergenceError(`DC operating point did not converge (Newton, gmin stepping and source stepping all failed)`, worstNodes(engine));
}

/**
 * Currents of the eliminated (grounded) voltage sources from KCL at the nodes
 * they fix, given every other device's current. Returns name -> A (flowing
 * from + through the source to -).
 */
export function fixedSourceCurrents(engine: Engine, time = -1): Map<string, number> {
  const c = engine.circuit;
  const out = new Float64Array(c.nodeNames.length);
  engine.currents(out, time);
  const result = new Map<string, number>();
  // Leaves first: a fixed node's dependents come after it in c.fixed.
  for (let k = c.fixed.length - 1; k >= 0; k--) {
    const f = c.fixed[k];
    const s = f.source;
    // KCL at f.node: out[node] + (source's current leaving node) = 0.
    const i = f.node === s.a ? -out[f.node] : out[f.node];
    result.set(s.name, i);
    out[s.a] += i;
    out[s.b] -= i;
  }
  return result;
}

/** Read the solved engine into a report: node voltages and branch currents. */
export function opReport(engine: Engine, iterations: number, strategy: OpResult["strategy"], time = -1): OpResult {
  const c = engine.circuit;
  const nodes: Record<string, number> = {};
  for (let k = 1; k < c.nodeNames.length; k++) if (!c.internal[k]) nodes[c.nodeNames[k]] = engine.V[k];
  const branches: Record<string, number> = {};
  const fixedI = fixedSourceCurrents(engine, time);
  for (const d of c.devices) {
    if (isEliminatedSource(d)) branches[d.name] = fixedI.get(d.name) ?? 0;
  }
  c.branchNames.forEach((name, j) => (branches[name] = engine.x[c.nFree + j]));
  const amps = c.amplifiers;
  if (amps) {
    // Reduced amplifiers: their sources' currents from KCL at the outputs.
    const i = new Float64Array(amps.branchNames.length);
    engine.currents(new Float64Array(c.nodeNames.length), time, i);
    amps.branchNames.forEach((name, j) => (branches[name] = i[j]));
  }
  return { nodes, branches, iterations, strategy };
}

/** Solve the operating point of a circuit and report it. */
export function operatingPoint(circuit: Circuit, opts: OpOptions = {}): OpResult {
  const engine = new Engine(circuit);
  const r = solveDc(engine, opts);
  return opReport(engine, r.iterations, r.strategy);
}
