/**
 * The Newton engine: owns the MNA system of a circuit and solves it at one
 * analysis point (DC, or one implicit time step). Knows no device types.
 *
 * Each iteration: linear devices' stamps are loaded once per solve (their
 * matrix does not depend on the iterate) and copied; nonlinear devices
 * re-stamp their linearization at the current iterate; the system is
 * factored (sparse LDL^T for reciprocal circuits, dense LU otherwise) and
 * the new iterate replaces the old, as in SPICE.
 */
import { applyFixed, type Circuit } from "../circuit/circuit.js";
import type { Device, IntegrationState, LoadContext, SetupContext } from "../devices/types.js";
import { MatrixPattern } from "../solver/pattern.js";
import { LinearSystem } from "../solver/linear-system.js";

export interface NewtonTolerances {
  /** Relative tolerance on each unknown. */
  reltol: number;
  /** Absolute tolerance on node voltages (V). */
  vntol: number;
  /** Absolute tolerance on branch currents (A). */
  abstol: number;
}

export interface NewtonResult {
  converged: boolean;
  iterations: number;
}

export class Engine {
  readonly sys: LinearSystem;
  /** Every node's voltage (V); [0] = ground. */
  readonly V: Float64Array;
  /** Known (fixed) node voltages, 0 elsewhere (V). */
  readonly Vk: Float64Array;
  /** Current iterate of the unknowns. */
  readonly x: Float64Array;
  /** Last Newton update magnitude per unknown (for convergence reports). */
  readonly lastDelta: Float64Array;
  readonly ctx: LoadContext;
  private readonly xNew: Float64Array;
  private readonly baseA: Float64Array;
  private readonly baseB: Float64Array;
  private readonly linearDevs: Device[];
  private readonly nonlinearDevs: Device[];
  private readonly diagHandles: Int32Array;
  /** Extra conductance from every free node to ground (S): gmin stepping. */
  gshunt = 0;
  /** True while baseA/baseB hold the linear devices' stamps for the current point. */
  private baseValid = false;
  /**
   * Optional stamps on the free nodes, added to the linear base of every
   * solve: a conductance g[i] (S) from free unknown i to ground and a current
   * j[i] (A) leaving node i through it (so the node sees g[i] V_i + j[i]).
   * Used for node capacitances' companion models and `.ic` clamps. Length
   * nFree. Call invalidate() after changing them.
   */
  nodeStamps: { g: Float64Array; j: Float64Array } | null = null;
  /** splitLinear state: devices reloaded at every point, devices whose sum is reused. */
  private dynamicDevs: Device[] | null = null;
  private staticDevs: Device[] = [];
  private staticA: Float64Array | null = null;
  private staticB: Float64Array | null = null;
  private staticValid = false;

  constructor(readonly circuit: Circuit) {
    const n = circuit.n;
    const pattern = new MatrixPattern(n);
    const trashRow = n;
    // Diagonals of free nodes first: gmin stepping and LDL^T need them.
    for (let i = 0; i < n; i++) pattern.entry(i, i);
    const setup: SetupContext = {
      row: (node) => {
        const u = circuit.unknownOfNode[node];
        return u >= 0 ? u : trashRow;
      },
      entry: (r, c) => pattern.entry(r, c),
      isUnknown: (node) => circuit.unknownOfNode[node] >= 0,
      branch: (name) => {
        const k = circuit.branchNames.indexOf(name);
        if (k < 0) throw new Error(`internal: no branch for ${name}`);
        return circuit.nFree + k;
      },
    };
    for (const d of circuit.devices) d.setup(setup);
    this.sys = new LinearSystem(pattern, circuit.symmetric);
    this.V = new Float64Array(circuit.nodeNames.length);
    this.Vk = new Float64Array(circuit.nodeNames.length);
    this.x = new Float64Array(n);
    this.xNew = new Float64Array(n);
    this.lastDelta = new Float64Array(n);
    this.baseA = new Float64Array(this.sys.A.length);
    this.baseB = new Float64Array(this.sys.b.length);
    this.linearDevs = circuit.devices.filter((d) => d.linear);
    this.nonlinearDevs = circuit.devices.filter((d) => !d.linear);
    this.diagHandles = new Int32Array(circuit.nFree);
    for (let i = 0; i < circuit.nFree; i++) this.diagHandles[i] = this.sys.diag(i);
    this.ctx = {
      mode: "dc",
      A: this.sys.A,
      b: this.sys.b,
      V: this.V,
      Vk: this.Vk,
      x: this.x,
      time: -1,
      srcScale: 1,
      gmin: circuit.options.gmin,
      initJunctions: false,
      noncon: false,
      integ: null,
    };
  }

  /** Write the free-node part of x into V (fixed nodes must already be set). */
  syncVoltages(): void {
    const { V, x } = this;
    const nodeOf = this.circuit.nodeOfUnknown;
    for (let i = 0; i < nodeOf.length; i++) V[nodeOf[i]] = x[i];
  }

  /** Set fixed-node voltages for this analysis point. */
  setPoint(mode: "dc" | "tran", time: number, srcScale: number, integ: IntegrationState | null): void {
    const c = this.ctx;
    c.mode = mode;
    c.time = mode === "dc" ? -1 : time;
    c.srcScale = srcScale;
    c.integ = integ;
    applyFixed(this.circuit, this.V, this.Vk, mode, time, srcScale);
    this.baseValid = false;
  }

  /**
   * Forget the cached stamps of the linear devices. Call after changing a
   * linear device (a conductance, a source value) without a new setPoint.
   */
  invalidate(): void {
    this.baseValid = false;
    this.staticValid = false;
  }

  /**
   * Reuse the stamps of the linear devices not in `dynamic` across analysis
   * points: they are loaded once (until invalidate() or the next call) and
   * only the `dynamic` ones (capacitors' companion models, time-varying
   * sources) are reloaded at each point. Valid only while the reused
   * devices' stamps stay the same between points: same mode and source
   * scale for them, and fixed nodes that do not move (a transient or
   * relaxation with constant fixed-node sources). Pass null to end.
   */
  splitLinear(dynamic: Device[] | null): void {
    if (dynamic) {
      const set = new Set(dynamic);
      this.dynamicDevs = this.linearDevs.filter((d) => set.has(d));
      this.staticDevs = this.linearDevs.filter((d) => !set.has(d));
      this.staticA ??= new Float64Array(this.sys.A.length);
      this.staticB ??= new Float64Array(this.sys.b.length);
    } else {
      this.dynamicDevs = null;
      this.staticDevs = [];
    }
    this.invalidate();
  }

  /** Load linear devices once for this analysis point (reused until invalidated). */
  private loadLinear(): void {
    if (this.baseValid) return;
    this.baseValid = true;
    const { A, b } = this.sys;
    if (this.dynamicDevs) {
      if (!this.staticValid) {
        A.fill(0);
        b.fill(0);
        for (const d of this.staticDevs) d.load(this.ctx);
        this.staticA!.set(A);
        this.staticB!.set(b);
        this.staticValid = true;
      } else {
        A.set(this.staticA!);
        b.set(this.staticB!);
      }
      for (const d of this.dynamicDevs) d.load(this.ctx);
    } else {
      A.fill(0);
      b.fill(0);
      for (const d of this.linearDevs) d.load(this.ctx);
    }
    const ns = this.nodeStamps;
    if (ns) {
      for (let i = 0; i < this.diagHandles.length; i++) {
        A[this.diagHandles[i]] += ns.g[i];
        b[i] -= ns.j[i];
      }
    }
    this.baseA.set(A);
    this.baseB.set(b);
  }

  /**
   * Newton iterations from the current x at the point set by `setPoint`.
   * @param initJunctions start junctions at their critical voltages (cold DC start)
   */
  newton(tol: NewtonTolerances, maxIter: number, initJunctions: boolean): NewtonResult {
    const { sys, x, xNew, ctx, lastDelta } = this;
    const n = this.circuit.n;
    const nFree = this.circuit.nFree;
    this.syncVoltages();
    this.loadLinear();
    let polish = 0;
    let lastMax = Infinity;
    for (let iter = 1; iter <= maxIter; iter++) {
      sys.A.set(this.baseA);
      sys.b.set(this.baseB);
      ctx.noncon = false;
      ctx.initJunctions = initJunctions && iter === 1;
      for (const d of this.nonlinearDevs) d.load(ctx);
      if (this.gshunt > 0) for (let i = 0; i < nFree; i++) sys.A[this.diagHandles[i]] += this.gshunt;
      if (!sys.solve(xNew)) return { converged: false, iterations: iter };
      // SPICE convergence test on the change of each unknown.
      let ok = !ctx.noncon && !ctx.initJunctions;
      let maxRel = 0;
      for (let i = 0; i < n; i++) {
        const d = Math.abs(xNew[i] - x[i]);
        lastDelta[i] = d;
        const scale = Math.max(Math.abs(xNew[i]), Math.abs(x[i]));
        const atol = i < nFree ? tol.vntol : tol.abstol;
        if (d > tol.reltol * scale + atol) ok = false;
        const rel = d / (scale + atol);
        if (rel > maxRel) maxRel = rel;
      }
      x.set(xNew);
      this.syncVoltages();
      if (ok) {
        // Converged to the requested tolerance; Newton converges quadratically
        // here, so a few more iterations make the answer exact to rounding.
        if (maxRel < 1e-13 || polish >= 3 || (polish > 0 && maxRel >= lastMax)) return { converged: true, iterations: iter };
        polish++;
      } else polish = 0;
      lastMax = maxRel;
    }
    return { converged: false, iterations: maxIter };
  }

  /**
   * Assemble A and b at the current iterate (linear base plus nonlinear
   * stamps) without solving: for block methods and for factoring the
   * Jacobian at an equilibrium.
   */
  assemble(): void {
    const { sys, ctx } = this;
    this.syncVoltages();
    this.loadLinear();
    sys.A.set(this.baseA);
    sys.b.set(this.baseB);
    ctx.noncon = false;
    ctx.initJunctions = false;
    for (const d of this.nonlinearDevs) d.load(ctx);
    if (this.gshunt > 0) for (let i = 0; i < this.circuit.nFree; i++) sys.A[this.diagHandles[i]] += this.gshunt;
  }

  /**
   * Factor the Jacobian at the current iterate (the Hessian of E for a
   * reciprocal circuit at an equilibrium), for adjoint solves through
   * `sys.solveAgain`. Returns false when singular.
   */
  linearize(): boolean {
    this.assemble();
    return this.sys.solve(this.xNew);
  }

  /**
   * KCL residual: the current leaving every node through every device
   * except the eliminated voltage sources (A), at (V, x). For reciprocal
   * devices this is dE/dV.
   */
  currents(out: Float64Array, time = -1): void {
    out.fill(0);
    for (const d of this.circuit.devices) d.addCurrents(this.V, this.x, time, out);
  }
}
