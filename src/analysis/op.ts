/**
 * DC operating point: damped Newton (SPICE junction limiting) from a cold or
 * warm start, with gmin stepping and then source stepping as fallbacks.
 * For circuits of reciprocal devices the answer is the minimum of the energy
 * E(V) (see energy.ts).
 */
import type { Circuit } from "../circuit/circuit.js";
import { ConvergenceError } from "../util/errors.js";
import { Engine, NGSPICE_STOP, type NewtonTolerances } from "./engine.js";
import { isEliminatedSource, type Device, type EventNetwork } from "../devices/types.js";

export interface OpOptions {
  /**
   * Newton iteration limit of every attempt, exactly (default: `.options
   * itl1`, 100, raised to 100 as ngspice's NIiter raises it, and 100 for a
   * continuation step).
   */
  maxIter?: number;
  /** Start from the engine's current x instead of zero (warm start). */
  warm?: boolean;
  /** Try gmin stepping and source stepping when plain Newton fails (default true). */
  homotopy?: boolean;
  /**
   * How a Newton solve stops. Default NGSPICE_STOP (engine.ts): ngspice
   * 39's own rule and answer (the device tests, INITFIX's extra pass, the
   * iterate the devices were last linearized at), so that the operating
   * point is ngspice's to rounding, which is within about reltol |V| of
   * the exact one. A count n >= 0: n Newton iterations more after SPICE's
   * test passes (each squares the error: 3 makes it accurate to rounding).
   */
  polish?: number;
  /**
   * Nodes a transient's `.ic` holds during this solve (the caller's
   * engine.nodeStamps clamps): they take no `.nodeset` (ngspice loads the
   * `.ic` after the nodeset, on the same row).
   */
  icNodes?: ReadonlySet<number>;
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
 * Conductance of a `.nodeset` node to its value while held (S). ngspice's
 * cktload.c replaces the node's row by V = value (diagonal 1, or 1e10 when a
 * branch current enters the row); a 1e10 S conductance to the value leaves
 * the node within (current into it) / 1e10 of it, 1e-12 V per 10 mA.
 */
export const NODESET_CLAMP = 1e10;

/** ngspice 39's NIiter runs at least this many iterations, whatever ITL1 or ITL2 say (niiter.c). */
const MIN_ITERATIONS = 100;
/** ITL2 (ngspice's CKTdcTrcvMaxIter, default 50): the limit a continuation step asks for; its step control compares iterations with a quarter and three quarters of it. */
const ITL2 = 50;
/** ngspice's `.options gminfactor` (default 10): dynamic gmin stepping's largest factor between steps. */
const GMIN_FACTOR = 10;

/**
 * ngspice's initialization mode at the start of an NIiter call: "jct"
 * (MODEINITJCT: junctions at their critical voltages for one iteration, then
 * MODEINITFIX), "fix" (MODEINITFIX: OFF devices and nodesets held until the
 * iterate passes the convergence test) or "float" (MODEINITFLOAT: free).
 * NIiter leaves the mode where it stopped; a continuation step that
 * converged goes on in "float" (CKTop's continuemode).
 */
type InitMode = "jct" | "fix" | "float";

/**
 * One operating-point solve as ngspice's CKTop runs it (cktop.c): NIiter,
 * then dynamic gmin stepping, then Gillespie's source stepping, each
 * NIiter in the mode the last one left. OFF devices (Device.holdOff) and
 * `.nodeset` nodes (NODESET_CLAMP to value x source factor) are held while
 * the mode is "jct" or "fix" (cktload.c, bjtload.c, ...), released in
 * "float"; after a held phase that passed with nodesets, one more
 * iteration before the test may pass again (niiter.c's ipass).
 */
class OpRun {
  private readonly tol: NewtonTolerances;
  private readonly offs: readonly Device[];
  /** Devices with junctions (those that read holdOff): a start from x = 0 outside MODEINITJCT linearizes them at 0 V. */
  private readonly junctions: readonly Device[];
  /** The next NIiter starts from ngspice's CKTrhsOld = 0 (every node, fixed ones included) and a zero CKTstate0. */
  private fromZero = false;
  /** Nodeset unknowns and their values (V), parallel arrays. */
  private readonly nsUnknown: number[] = [];
  private readonly nsValue: number[] = [];
  /** The caller's node stamps (the `.ic` clamps of a transient's operating point), restored at the end; their currents scale with the sources. */
  private readonly callerStamps: { g: Float64Array; j: Float64Array } | null;
  private readonly stamps: { g: Float64Array; j: Float64Array } | null;
  mode: InitMode = "jct";
  /** The caller's iteration limit for every NIiter (OpOptions.maxIter), instead of ngspice's. */
  exactLimit: number | undefined;
  /** Source factor (ngspice's CKTsrcFact). */
  scale = 1;
  iterations = 0;

  constructor(
    private readonly engine: Engine,
    private readonly polish: number,
    icNodes: ReadonlySet<number>,
  ) {
    const c = engine.circuit;
    this.tol = tolerancesOf(c);
    this.offs = offDevices(c);
    this.junctions = c.devices.filter((d) => d.off !== undefined);
    this.callerStamps = engine.nodeStamps;
    for (const [node, v] of c.nodesets) {
      const u = c.unknownOfNode[node];
      // a node a source fixes keeps its voltage (ngspice: the branch current's column stays in the row); an `.ic` node keeps its .ic (cktload.c loads .ic after .nodeset, on the same row)
      if (u < 0 || icNodes.has(node)) continue;
      this.nsUnknown.push(u);
      this.nsValue.push(v);
    }
    const nFree = c.nFree;
    this.stamps = this.callerStamps || this.nsUnknown.length ? { g: new Float64Array(nFree), j: new Float64Array(nFree) } : null;
  }

  /** Engine at the DC point of source factor `scale`, gmin shunt `gshunt`, nodesets held or not. */
  private at(held: boolean, gshunt: number): void {
    const e = this.engine;
    const st = this.stamps;
    if (st) {
      const base = this.callerStamps;
      if (base) {
        st.g.set(base.g);
        for (let i = 0; i < st.j.length; i++) st.j[i] = base.j[i] * this.scale;
      } else {
        st.g.fill(0);
        st.j.fill(0);
      }
      if (held) {
        for (let k = 0; k < this.nsUnknown.length; k++) {
          const u = this.nsUnknown[k];
          st.g[u] += NODESET_CLAMP;
          st.j[u] -= NODESET_CLAMP * this.nsValue[k] * this.scale;
        }
      }
      e.nodeStamps = st;
    }
    e.gshunt = gshunt;
    // ngspice adds the stepping's conductance to every pivot (spsmp.c's LoadGmin), and spMNA_Preorder has put a
    // grounded source's two +1 twins on the diagonal: its row reads (1 + g) V = E. So the fixed nodes sit at
    // E / (1 + g) (measured on D1: the same gmin steps as ngspice, to 5 digits); the other sources keep the factor
    e.setPoint("dc", 0, this.scale / (1 + gshunt), null);
    e.ctx.srcScale = this.scale;
  }

  private get holds(): boolean {
    return this.offs.length > 0 || this.nsUnknown.length > 0;
  }

  /**
   * ngspice's NIiter(maxIter) from engine.x in this.mode, with gmin shunt
   * `gshunt` (S): at most max(maxIter, 100) iterations. `polish`: extra
   * iterations after the test passes. Returns the iterations it took.
   */
  niiter(maxIter: number, gshunt: number, polish = NGSPICE_STOP): { converged: boolean; iterations: number } {
    const e = this.engine;
    const limit = this.exactLimit ?? Math.max(maxIter, MIN_ITERATIONS);
    let used = 0;
    const done = (converged: boolean) => {
      this.iterations += used;
      return { converged, iterations: used };
    };
    if (this.fromZero) {
      // ngspice loads from CKTrhsOld = 0 with a zero state: every junction at 0 V for the first iteration (in
      // MODEINITJCT the junctions start at vcrit anyway); here the fixed nodes keep their voltages, the devices see 0
      this.fromZero = false;
      if (this.mode !== "jct") {
        this.at(this.mode === "fix", gshunt);
        for (const d of this.junctions) d.holdOff = true;
        try {
          used += e.newton(this.tol, 1, false, 0).iterations;
        } finally {
          for (const d of this.junctions) d.holdOff = false;
        }
      }
    }
    if (this.mode !== "float") {
      if (this.holds) {
        // INITJCT (one iteration) and INITFIX: held until the test passes
        this.at(true, gshunt);
        for (const d of this.offs) d.holdOff = true;
        let held;
        try {
          held = e.newton(this.tol, limit, this.mode === "jct", 0);
        } finally {
          for (const d of this.offs) d.holdOff = false;
        }
        used += held.iterations;
        if (!held.converged || used >= limit) {
          this.mode = "fix";
          return done(false);
        }
        this.at(false, gshunt);
        if (this.nsUnknown.length) {
          // ipass: the first free iteration does not end the solve
          used += e.newton(this.tol, 1, false, 0).iterations;
        }
      } else {
        this.at(false, gshunt);
        // INITJCT's one iteration; INITFIX is INITFLOAT without OFF devices or nodesets
        const r = e.newton(this.tol, limit, this.mode === "jct", polish);
        used += r.iterations;
        this.mode = "float";
        return done(r.converged);
      }
      this.mode = "float";
    } else {
      this.at(false, gshunt);
    }
    const r = e.newton(this.tol, limit - used, false, polish);
    used += r.iterations;
    return done(r.converged);
  }

  /**
   * Back to the last converged iterate `good` of a continuation, as ngspice
   * restores CKTrhsOld and CKTstate0: x, and the devices' limiter memory
   * (their last junction voltages), which the failed attempt moved: loads
   * at `good` until no device limits its step, so that the memory holds
   * good's own voltages (each load moves it at least pnjlim's logarithmic
   * step toward them; within 2 vt it is exact).
   */
  restore(good: Float64Array | null): void {
    const e = this.engine;
    if (!good) {
      e.x.fill(0);
      this.fromZero = true;
      return;
    }
    e.x.set(good);
    for (let k = 0; k < 100; k++) {
      e.assemble();
      if (!e.ctx.noncon) break;
    }
  }

  /** Engine back at the plain DC point, with the caller's node stamps. */
  finish(): void {
    const e = this.engine;
    e.nodeStamps = this.callerStamps;
    e.gshunt = 0;
    this.scale = 1;
    e.setPoint("dc", 0, 1, null);
  }

  /**
   * ngspice's dynamic_gmin (`diagonal`: a shunt conductance on every node,
   * CKTdiagGmin) or new_gmin, its "true gmin stepping" (the devices'
   * junction gmin itself, CKTgmin: ctx.gmin), cktop.c: from x = 0 in
   * MODEINITJCT, the conductance from 1e-2 / GMIN_FACTOR S down to gmin,
   * the factor between steps growing after easy steps (iterations <=
   * ITL2/4: factor^1.5, at most GMIN_FACTOR) and shrinking after hard ones
   * (> 3 ITL2/4: its square root; new_gmin at least 1.00005); a failed step
   * is retried from the last converged point with the factor's fourth
   * root, until the factor is below 1.00005. Then, whether the stepping
   * reached gmin or not, NIiter without the shunt (at the devices' gmin)
   * from where it stopped (the last failed iterate, as ngspice does): its
   * result is the method's.
   */
  gminStepping(diagonal: boolean, itl1: number, gmin: number): boolean {
    const e = this.engine;
    this.mode = "jct";
    e.x.fill(0);
    this.fromZero = false;
    // the last converged point (ngspice's OldRhsOld, zero until a step converges)
    let good: Float64Array | null = null;
    let factor = GMIN_FACTOR;
    let oldGmin = 1e-2;
    let g = oldGmin / factor;
    const gtarget = gmin;
    const step = (conductance: number) => {
      if (diagonal) return this.niiter(ITL2, conductance);
      e.ctx.gmin = conductance;
      try {
        return this.niiter(ITL2, 0);
      } finally {
        e.ctx.gmin = gmin;
      }
    };
    for (;;) {
      const r = step(g);
      if (r.converged) {
        this.mode = "float";
        if (g <= gtarget) break;
        good = Float64Array.from(e.x);
        if (r.iterations <= Math.floor(ITL2 / 4)) factor = Math.min(factor * Math.sqrt(factor), GMIN_FACTOR);
        if (r.iterations > Math.floor((3 * ITL2) / 4)) factor = diagonal ? Math.sqrt(factor) : Math.max(Math.sqrt(factor), 1.00005);
        oldGmin = g;
        if (g < factor * gtarget) {
          factor = g / gtarget;
          g = gtarget;
        } else g /= factor;
      } else {
        if (factor < 1.00005) break;
        factor = Math.sqrt(Math.sqrt(factor));
        g = oldGmin / factor;
        this.restore(good);
      }
    }
    return this.niiter(itl1, 0, this.polish).converged;
  }

  /**
   * ngspice's gillespie_src (cktop.c): from x = 0 in MODEINITJCT, every
   * independent source (and nodeset, and `.ic`) times a factor from 0: a
   * solve at 0 (with gmin stepping from 1e-2 S down by 10 to gmin if that
   * fails), then steps of `raise` from 0.001: x1.5 after an easy step
   * (<= ITL2/4 iterations), x0.5 after a hard one (> 3 ITL2/4); a failed
   * step goes back to the last converged factor with raise / 10 (at most
   * 0.01), until the step is below 1e-8 or raise below 1e-7. Succeeds when
   * the factor reaches 1.
   */
  gillespieSource(gmin: number): boolean {
    const e = this.engine;
    this.mode = "jct";
    this.scale = 0;
    let raise = 0.001;
    let convFact = 0;
    e.x.fill(0);
    let r = this.niiter(ITL2, 0);
    if (!r.converged) {
      let g = gmin;
      for (let i = 0; i < 10; i++) g *= 10;
      for (let i = 0; i <= 10; i++) {
        r = this.niiter(ITL2, g);
        if (!r.converged) break;
        g /= 10;
        this.mode = "float";
      }
    }
    if (!r.converged) return false;
    const good = Float64Array.from(e.x);
    this.scale = convFact + raise;
    do {
      r = this.niiter(ITL2, 0);
      this.mode = "float";
      if (r.converged) {
        convFact = this.scale;
        good.set(e.x);
        this.scale = convFact + raise;
        if (r.iterations <= Math.floor(ITL2 / 4)) raise *= 1.5;
        if (r.iterations > Math.floor((3 * ITL2) / 4)) raise *= 0.5;
      } else {
        if (this.scale - convFact < 1e-8) break;
        raise = Math.min(raise / 10, 0.01);
        this.scale = convFact;
        this.at(false, 0);
        this.restore(good);
      }
      if (this.scale > 1) this.scale = 1;
    } while (raise >= 1e-7 && convFact < 1);
    this.scale = 1;
    return convFact === 1;
  }
}

/**
 * Solve the DC operating point into engine.x / engine.V as ngspice 39's
 * CKTop does (cktop.c, niiter.c): Newton from a cold start (ITL1
 * iterations, at least 100), then dynamic gmin stepping, then Gillespie's
 * source stepping (ngspice's defaults gminsteps = srcsteps = 1). A warm
 * start (a sweep's next point: ngspice's MODEINITPRED) first tries Newton
 * from engine.x, then the same cold sequence. Throws ConvergenceError
 * (naming the worst nodes) when every strategy fails.
 */
export function solveDc(engine: Engine, opts: OpOptions = {}): { iterations: number; strategy: OpResult["strategy"] } {
  const nets = eventNetworks(engine.circuit);
  if (nets.length === 0) return solveAnalog(engine, opts);
  // the event nodes first, at the start's analog values (a cold start reads 0 V, as ngspice's first EVTiter)
  const V0 = opts.warm ? engine.V : new Float64Array(engine.V.length);
  const x0 = opts.warm ? engine.x : new Float64Array(engine.x.length);
  for (const n of nets) n.iterate(V0, x0, true);
  let r = solveAnalog(engine, opts);
  let iterations = r.iterations;
  settleEvents(engine, nets, () => {
    r = solveAnalog(engine, { ...opts, warm: true });
    iterations += r.iterations;
  });
  return { iterations, strategy: r.strategy };
}

/** The distinct event networks (XSPICE digital parts) of a circuit's devices. */
export function eventNetworks(c: Circuit): EventNetwork[] {
  const nets = new Set<EventNetwork>();
  for (const d of c.devices) {
    const n = d.eventNetwork?.();
    if (n) nets.add(n);
  }
  return [...nets];
}

/**
 * ngspice 39's EVTop after the first analog solution: settle the event nodes
 * at the analog solution and solve the analog side again (`resolve`) while
 * an event output changes, failing where ngspice 39 fails: when the
 * hybrids (adc_bridge) still change outputs at the alternation numbered
 * max_op_alternations (their outputs plus one).
 */
export function settleEvents(engine: Engine, nets: readonly EventNetwork[], resolve: () => void): void {
  const max = nets.reduce((m, n) => m + n.maxAlternations, 0) - nets.length + 1;
  for (let alt = 1; ; alt++) {
    let changed = false;
    for (const n of nets) if (n.iterate(engine.V, engine.x, false)) changed = true;
    if (!changed) return;
    if (alt >= max) throw new ConvergenceError(`Too many analog/event-driven solution alternations (${max}, ngspice's limit: the XSPICE digital part and the analog circuit do not settle together)`);
    resolve();
  }
}

/** Newton and its homotopies for the analog unknowns (the event nodes held). */
function solveAnalog(engine: Engine, opts: OpOptions): { iterations: number; strategy: OpResult["strategy"] } {
  const c = engine.circuit;
  const tol = tolerancesOf(c);
  const maxIter = opts.maxIter ?? c.options.itl1;
  const polish = opts.polish ?? NGSPICE_STOP;
  const run = new OpRun(engine, polish, opts.icNodes ?? new Set());
  run.exactLimit = opts.maxIter;
  try {
    if (opts.warm) {
      run.mode = "float";
    } else {
      engine.x.fill(0);
      run.mode = "jct";
    }
    let r = run.niiter(maxIter, 0, polish);
    if (!r.converged && opts.warm && opts.homotopy !== false) {
      // ngspice's dctrcurv.c: a sweep point NIiter cannot solve from the last one gets the whole CKTop, from a cold start
      engine.x.fill(0);
      run.mode = "jct";
      r = run.niiter(maxIter, 0, polish);
    }
    if (r.converged) return { iterations: run.iterations, strategy: "newton" };
    if (opts.homotopy === false) throw new ConvergenceError(`DC operating point did not converge in ${opts.maxIter ?? Math.max(maxIter, MIN_ITERATIONS)} iterations`, worstNodes(engine));
    if (run.gminStepping(true, maxIter, c.options.gmin)) return { iterations: run.iterations, strategy: "gmin" };
    if (run.gminStepping(false, maxIter, c.options.gmin)) return { iterations: run.iterations, strategy: "gmin" };
    if (run.gillespieSource(c.options.gmin)) {
      run.finish();
      // the last step solved at factor 1: one more NIiter at the full sources, as ngspice's CKTop
      run.mode = "float";
      r = run.niiter(maxIter, 0, polish);
      if (r.converged) return { iterations: run.iterations, strategy: "source" };
    }
    throw new ConvergenceError(`DC operating point did not converge (Newton, gmin stepping and source stepping all failed)`, worstNodes(engine));
  } finally {
    run.finish();
  }
}

/**
 * Currents of the eliminated (grounded) voltage sources from KCL at the nodes
 * they fix, given every other device's current. Returns name -> A (flowing
 * from + through the source to -).
 */
export function fixedSourceCurrents(engine: Engine, time = -1): Map<string, number> {
  const c = engine.circuit;
  const currents = new Float64Array(c.fixed.length);
  engine.fixedCurrents(engine.V, engine.x, new Float64Array(c.nodeNames.length), currents, time);
  return new Map(c.fixed.map((f, k) => [f.source.name, currents[k]]));
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
