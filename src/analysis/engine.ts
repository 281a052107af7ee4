/**
 * The Newton engine: owns the MNA system of a circuit and solves it at one
 * analysis point (DC, or one implicit time step). Knows no device types.
 *
 * Each iteration: linear devices' stamps are loaded once per solve (their
 * matrix does not depend on the iterate) and copied; nonlinear devices
 * re-stamp their linearization at the current iterate; the system is
 * factored (sparse LDL^T for reciprocal circuits, dense LU otherwise) and
 * the new iterate replaces the old, as in SPICE.
 *
 * Circuits with bidirectional amplifiers (circuit.amplifiers, see
 * circuit/amplifiers.ts) are solved in the variables V' = V / s that make
 * them symmetric: the amplifier outputs are dependents of their inputs
 * (rows of their own in the right-hand side `ctx.b`, no unknowns), devices
 * stamp in physical units as always, and `fold` turns the device rows into
 * the transformed system's right-hand side (each row divided by its node's
 * scale, dependents added into their input's row). The matrix entries need
 * no change (every device joins nodes of one scale). x and V stay physical:
 * the solution is multiplied back by s.
 */
import { applyFixed, applyFixedNode, type Circuit } from "../circuit/circuit.js";
import type { AmplifierReduction } from "../circuit/amplifiers.js";
import type { Device, IntegrationState, LoadContext, SetupContext } from "../devices/types.js";
import { InputError } from "../util/errors.js";
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

/**
 * `polishMax` for ngspice 39's own stopping rule (NIiter): no polishing; a
 * step passes when no device limited it, every unknown moved less than
 * reltol |x| + vntol (abstol for branch currents) and every device's
 * convTest passes at the new iterate (CKTconvTest), never on a solve's
 * first iteration (NIiter's iterno != 1); a cold solve (INITJCT,
 * then INITFIX) needs one pass to go over to INITFLOAT and a second one to
 * stop, a warm one (INITFLOAT) one; and the answer is the iterate the
 * devices were last linearized at (CKTrhsOld), not the step's result, which
 * only confirmed it. Same iterates, same stopping point, same answer as
 * ngspice (to rounding) where the devices are ngspice's.
 */
export const NGSPICE_STOP = -1;

/**
 * SPICE's convergence test on a Newton step, with the polishing that follows
 * it, for one solve (Engine.newton and the layered solver share it).
 */
export class NewtonTest {
  private polish = 0;
  private lastMax = Infinity;

  constructor(
    private readonly tol: NewtonTolerances,
    /** Unknowns below this index are node voltages (vntol), the rest branch currents (abstol). */
    private readonly nFree: number,
    /** Extra iterations after the test passes: each squares the error (Newton converges quadratically there). */
    private readonly polishMax: number,
  ) {}

  /**
   * The step from x to xNew (first n unknowns; |dx| written to lastDelta):
   * every unknown must move less than reltol |x| + vntol (abstol for branch
   * currents), and `passable` (no device limited its step). Once it passes,
   * up to polishMax more iterations, stopping early at rounding (1e-13) or
   * when a polish no longer helps. True when the solve is done.
   */
  done(x: Float64Array, xNew: Float64Array, n: number, lastDelta: Float64Array, passable: boolean): boolean {
    const { tol, nFree } = this;
    let ok = passable;
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
    let finished = false;
    if (ok) {
      if (maxRel < 1e-13 || this.polish >= this.polishMax || (this.polish > 0 && maxRel >= this.lastMax)) finished = true;
      else this.polish++;
    } else this.polish = 0;
    this.lastMax = maxRel;
    return finished;
  }
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
  /** The nonlinear devices with a convergence test of their own (Device.convTest). */
  private readonly convDevs: Device[];
  /** Node voltages of a Newton step's result, for the devices' convergence tests (V). */
  private Vstep: Float64Array | null = null;
  private readonly diagHandles: Int32Array;
  /** The circuit's reduced amplifiers (null: devices stamp straight into sys.b). */
  private readonly amp: AmplifierReduction | null;
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
  /**
   * Rows replaced after every load, as ngspice's cktload.c does for an
   * `.ic` node in the transient's operating point when the node's row has
   * branch-current columns (ZeroNoncurRow): the row's node-voltage entries
   * (`zero`, pattern handles) become 0, its diagonal (`diag`) 1e10 and its
   * right-hand side 1e10 ic (times the source factor). The branch-current
   * columns stay, so the KCL of that node is replaced by
   * 1e10 V + sum(branch currents) = 1e10 ic (an inductor on the node starts
   * at 0 A, as in ngspice). Null: none.
   */
  icRows: Array<{ u: number; v: number; diag: number; zero: Int32Array }> | null = null;
  /** splitLinear state: devices reloaded at every point, devices whose sum is reused. */
  private dynamicDevs: Device[] | null = null;
  private staticDevs: Device[] = [];
  private staticA: Float64Array | null = null;
  private staticB: Float64Array | null = null;
  private staticValid = false;

  constructor(readonly circuit: Circuit) {
    const n = circuit.n;
    const pattern = new MatrixPattern(n);
    // Diagonals of free nodes first: gmin stepping and LDL^T need them.
    for (let i = 0; i < n; i++) pattern.entry(i, i);
    const branch = (name: string): number => {
      const k = circuit.branchNames.indexOf(name);
      if (k < 0) throw new Error(`internal: no branch for ${name}`);
      return circuit.nFree + k;
    };
    const amp = (this.amp = circuit.amplifiers);
    let rows = n + 1;
    let current: Device | null = null;
    let setup: SetupContext;
    if (!amp) {
      const trashRow = n;
      setup = {
        row: (node) => {
          const u = circuit.unknownOfNode[node];
          return u >= 0 ? u : trashRow;
        },
        entry: (r, c) => pattern.entry(r, c),
        isUnknown: (node) => circuit.unknownOfNode[node] >= 0,
        branch,
      };
    } else {
      // Rows: the n unknowns, then one per dependent node; entries land on the dependent's input.
      const nd = amp.depNode.length;
      const trashRow = n + nd;
      rows = trashRow + 1;
      const rowOf = amp.rowOfNode;
      const unknownOfRow = new Int32Array(trashRow);
      const scaleOfRow = new Float64Array(trashRow);
      for (let r = 0; r < n; r++) {
        unknownOfRow[r] = r;
        scaleOfRow[r] = amp.unknownScale[r];
      }
      for (let d = 0; d < nd; d++) {
        unknownOfRow[n + d] = amp.depUnknown[d];
        scaleOfRow[n + d] = 1 / amp.depInvScale[d];
      }
      setup = {
        row: (node) => (rowOf[node] >= 0 ? rowOf[node] : trashRow),
        entry: (r, c) => {
          if (r < 0 || c < 0 || r >= trashRow || c >= trashRow) return pattern.entry(-1, -1);
          const sr = scaleOfRow[r];
          const sc = scaleOfRow[c];
          if (Math.abs(sr - sc) > 1e-12 * Math.max(sr, sc)) {
            throw new InputError(`${current?.name ?? "a device"} joins nodes on both sides of an amplifier (scales ${sr} and ${sc}): the symmetric amplifier reduction cannot stamp it`);
          }
          return pattern.entry(unknownOfRow[r], unknownOfRow[c]);
        },
        isUnknown: (node) => rowOf[node] >= 0,
        branch,
      };
    }
    for (const d of circuit.devices) {
      current = d;
      d.setup(setup);
    }
    // After setup (which decides what each device stamps): the devices the loads visit.
    this.linearDevs = circuit.devices.filter((d) => d.linear && !d.loadsNothing?.());
    this.nonlinearDevs = circuit.devices.filter((d) => !d.linear && !d.loadsNothing?.());
    this.convDevs = this.nonlinearDevs.filter((d) => d.convTest);
    this.sys = new LinearSystem(pattern, circuit.symmetric);
    this.V = new Float64Array(circuit.nodeNames.length);
    this.Vk = new Float64Array(circuit.nodeNames.length);
    this.x = new Float64Array(n);
    this.xNew = new Float64Array(n);
    this.lastDelta = new Float64Array(n);
    this.baseA = new Float64Array(this.sys.A.length);
    this.baseB = new Float64Array(rows);
    this.diagHandles = new Int32Array(circuit.nFree);
    for (let i = 0; i < circuit.nFree; i++) this.diagHandles[i] = this.sys.diag(i);
    this.ctx = {
      mode: "dc",
      A: this.sys.A,
      b: amp ? new Float64Array(rows) : this.sys.b,
      V: this.V,
      Vk: this.Vk,
      x: this.x,
      time: -1,
      srcScale: 1,
      srcMode: "dc",
      srcTime: -1,
      gmin: circuit.options.gmin,
      initJunctions: false,
      noncon: false,
      integ: null,
      pointVersion: 0,
    };
  }

  /** Write the free-node part of x into V (fixed nodes must already be set), amplifier outputs included. */
  syncVoltages(V = this.V, x = this.x): void {
    const nodeOf = this.circuit.nodeOfUnknown;
    for (let i = 0; i < nodeOf.length; i++) V[nodeOf[i]] = x[i];
    const amp = this.amp;
    if (amp) {
      const { depNode, depUnknown, depRatio } = amp;
      for (let d = 0; d < depNode.length; d++) V[depNode[d]] = depRatio[d] * x[depUnknown[d]];
    }
  }

  /**
   * Amplifier circuits: the transformed system's right-hand side from the
   * device rows, sys.b[u] = ctx.b[u] / s_u + sum of its dependents' rows
   * ctx.b[n + d] / s_d (KCL at each node divided by the node's scale).
   */
  private fold(amp: AmplifierReduction): void {
    const rb = this.ctx.b;
    const b = this.sys.b;
    const n = this.circuit.n;
    const inv = amp.unknownInvScale;
    for (let u = 0; u < n; u++) b[u] = rb[u] * inv[u];
    const { depUnknown, depInvScale } = amp;
    for (let d = 0; d < depUnknown.length; d++) b[depUnknown[d]] += rb[n + d] * depInvScale[d];
  }

  /** Amplifier circuits: transformed solution V' -> physical x (times each unknown's scale). */
  private unscale(amp: AmplifierReduction, y: Float64Array): void {
    const s = amp.unknownScale;
    for (let u = 0; u < s.length; u++) y[u] *= s[u];
  }

  /** Set fixed-node voltages for this analysis point. */
  /**
   * A transient's operating point (ngspice's MODETRANOP): DC points evaluate the independent
   * sources' waveforms at t = 0 instead of their DC values. Set by the transient's start only.
   */
  tranOp = false;

  setPoint(mode: "dc" | "tran", time: number, srcScale: number, integ: IntegrationState | null): void {
    const c = this.ctx;
    c.mode = mode;
    c.time = mode === "dc" ? -1 : time;
    c.srcScale = srcScale;
    c.integ = integ;
    c.srcMode = mode === "dc" && !this.tranOp ? "dc" : "tran";
    c.srcTime = mode === "dc" ? (this.tranOp ? 0 : -1) : time;
    applyFixed(this.circuit, this.V, this.Vk, c.srcMode, c.srcTime, srcScale);
    this.baseValid = false;
    this.ctx.pointVersion = this.pointVersion + 1;
  }

  /** The engine is at the plain DC point setPoint("dc", 0, 1, null) sets (what moveFixed needs). */
  get atUnitDcPoint(): boolean {
    const c = this.ctx;
    return c.mode === "dc" && c.srcScale === 1 && c.integ === null;
  }

  /**
   * At the plain DC point (atUnitDcPoint), after the values of the sources of
   * some fixed-node entries changed: recompute just those nodes' voltages
   * (entries: indices into circuit.fixed, each referenced to ground and not
   * the reference of another entry), with setPoint's effect on the linear
   * base. The same state as setPoint("dc", 0, 1, null) when only those
   * sources changed, without visiting every fixed node (a training sample
   * changes the few hundred lit pixels of 1,568 inputs).
   */
  moveFixed(entries: Int32Array, count: number): void {
    const fixed = this.circuit.fixed;
    for (let t = 0; t < count; t++) applyFixedNode(fixed[entries[t]], this.V, this.Vk, "dc", 0, 1);
    this.baseValid = false;
    this.ctx.pointVersion = this.pointVersion + 1;
  }

  /**
   * Forget the cached stamps of the linear devices. Call after changing a
   * linear device (a conductance, a source value) without a new setPoint.
   */
  invalidate(): void {
    this.paramVersion++;
    this.baseValid = false;
    this.staticValid = false;
    for (const d of this.linearDevs) d.invalidate?.();
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
      this.staticB ??= new Float64Array(this.ctx.b.length);
    } else {
      this.dynamicDevs = null;
      this.staticDevs = [];
    }
    this.invalidate();
  }

  /**
   * The linear devices' stamps at this analysis point (matrix values by
   * handle, right-hand side by row), loaded when stale: the base every
   * Newton iteration starts from. Read-only views, valid until the next
   * setPoint or invalidate. Counters `pointVersion`/`paramVersion` tell a
   * caller caching anything derived from them when they changed.
   */
  linearBase(): { A: Float64Array; b: Float64Array } {
    this.loadLinear();
    return { A: this.baseA, b: this.baseB };
  }

  /** Devices re-stamped at every iteration (the engine's split, read-only). */
  get nonlinearDevices(): readonly Device[] {
    return this.nonlinearDevs;
  }

  /** Incremented by every setPoint and moveFixed (fixed-node voltages may have moved); kept in the load context, which devices read. */
  get pointVersion(): number {
    return this.ctx.pointVersion!;
  }
  /** Incremented by every invalidate (a linear device's parameters changed). */
  paramVersion = 0;

  /** Load linear devices once for this analysis point (reused until invalidated). */
  private loadLinear(): void {
    if (this.baseValid) return;
    this.baseValid = true;
    const A = this.sys.A;
    const b = this.ctx.b;
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
   * @param polishMax extra iterations after the SPICE test passes (each squares the error; default 3)
   */
  newton(tol: NewtonTolerances, maxIter: number, initJunctions: boolean, polishMax = 3): NewtonResult {
    const { sys, x, xNew, ctx, lastDelta } = this;
    const n = this.circuit.n;
    const nFree = this.circuit.nFree;
    this.syncVoltages();
    this.loadLinear();
    const ngspiceStop = polishMax === NGSPICE_STOP;
    const test = new NewtonTest(tol, nFree, ngspiceStop ? 0 : polishMax);
    const amp = this.amp;
    // ngspice's rule: passes still needed (INITFIX's pass, then INITFLOAT's)
    let passesLeft = initJunctions ? 2 : 1;
    // the eliminated sources' currents at the step's result, computed by the last iteration's test: those at x now
    let fixedAtX = false;
    for (let iter = 1; iter <= maxIter; iter++) {
      sys.A.set(this.baseA);
      ctx.b.set(this.baseB);
      ctx.noncon = false;
      ctx.initJunctions = initJunctions && iter === 1;
      for (const d of this.nonlinearDevs) d.load(ctx);
      if (this.icRows) this.replaceIcRows();
      if (this.gshunt > 0) for (let i = 0; i < nFree; i++) sys.A[this.diagHandles[i]] += this.gshunt;
      if (amp) this.fold(amp);
      if (!sys.solve(xNew)) return { converged: false, iterations: iter };
      if (amp) this.unscale(amp, xNew);
      const passable = !ctx.noncon && !ctx.initJunctions;
      let done = test.done(x, xNew, n, lastDelta, passable);
      if (ngspiceStop) {
        // NIconvTest (never on an NIiter's first iteration): the nodes (done), then the devices at the step's result; the answer stays x
        const tested = done && iter > 1;
        if (tested && this.restOfNgspiceTestPasses(xNew, tol, fixedAtX) && --passesLeft === 0) return { converged: true, iterations: iter };
        fixedAtX = tested && this.circuit.fixed.length > 0;
        done = false;
      }
      x.set(xNew);
      this.syncVoltages();
      if (done) return { converged: true, iterations: iter };
    }
    return { converged: false, iterations: maxIter };
  }

  /**
   * The rest of ngspice's NIconvTest once the unknowns passed: the branch
   * currents of the voltage sources eqspice eliminated (ngspice has them as
   * unknowns and tests them as it tests every branch current:
   * |i' - i| <= reltol max(|i'|, |i|) + abstol), here from KCL at the nodes
   * they fix, at x and at the step's result xNew; then CKTconvTest: every
   * device with a convTest accepts the step to xNew from its last
   * linearization. (ngspice's branch current is that of the linearized
   * system; KCL with the devices' own currents differs from it to second
   * order in the step.) `fixedAtX`: the last call's currents at its step's
   * result are those at x (the previous iteration tested and took its step),
   * so they are not evaluated again.
   */
  private restOfNgspiceTestPasses(xNew: Float64Array, tol: NewtonTolerances, fixedAtX: boolean): boolean {
    const c = this.circuit;
    if (this.convDevs.length === 0 && c.fixed.length === 0) return true;
    const Vs = (this.Vstep ??= new Float64Array(this.V.length));
    Vs.set(this.V);
    this.syncVoltages(Vs, xNew);
    if (c.fixed.length > 0) {
      const k = c.fixed.length;
      const scratch = (this.fixedScratch ??= { kcl: new Float64Array(this.V.length), before: new Float64Array(k), after: new Float64Array(k) });
      if (fixedAtX) [scratch.before, scratch.after] = [scratch.after, scratch.before];
      else this.fixedCurrents(this.V, this.x, scratch.kcl, scratch.before);
      this.fixedCurrents(Vs, xNew, scratch.kcl, scratch.after);
      for (let f = 0; f < k; f++) {
        const i0 = scratch.before[f];
        const i1 = scratch.after[f];
        if (Math.abs(i1 - i0) > tol.reltol * Math.max(Math.abs(i0), Math.abs(i1)) + tol.abstol) return false;
      }
    }
    for (const d of this.convDevs) if (!d.convTest!(Vs, tol.reltol, tol.abstol)) return false;
    return true;
  }

  private fixedScratch: { kcl: Float64Array; before: Float64Array; after: Float64Array } | null = null;

  /**
   * Currents of the eliminated (grounded) voltage sources, in circuit.fixed
   * order (A, from + through the source to -), from KCL at the nodes they
   * fix given every other device's current at (V, x) (DC: time -1); `kcl`
   * is scratch over nodes.
   */
  fixedCurrents(V: Float64Array, x: Float64Array, kcl: Float64Array, out: Float64Array, time = -1): void {
    const c = this.circuit;
    this.currents(kcl, time, undefined, V, x);
    // Leaves first: a fixed node's dependents come after it in c.fixed.
    for (let k = c.fixed.length - 1; k >= 0; k--) {
      const f = c.fixed[k];
      const s = f.source;
      // KCL at f.node: kcl[node] + (the source's current leaving the node) = 0.
      const i = f.node === s.a ? -kcl[f.node] : kcl[f.node];
      out[k] = i;
      kcl[s.a] += i;
      kcl[s.b] -= i;
    }
  }

  /**
   * Assemble A and b at the current iterate (linear base plus nonlinear
   * stamps) without solving: for block methods and for factoring the
   * Jacobian at an equilibrium. For an amplifier circuit, sys.A and sys.b
   * are the transformed system (unknowns x / unknownScale).
   */
  assemble(): void {
    const { sys, ctx } = this;
    this.syncVoltages();
    this.loadLinear();
    sys.A.set(this.baseA);
    ctx.b.set(this.baseB);
    ctx.noncon = false;
    ctx.initJunctions = false;
    for (const d of this.nonlinearDevs) d.load(ctx);
    if (this.icRows) this.replaceIcRows();
    if (this.gshunt > 0) for (let i = 0; i < this.circuit.nFree; i++) sys.A[this.diagHandles[i]] += this.gshunt;
    if (this.amp) this.fold(this.amp);
  }

  /** Apply `icRows` to the loaded system (ngspice's ZeroNoncurRow and its 1e10 row). */
  private replaceIcRows(): void {
    const A = this.sys.A;
    const b = this.ctx.b;
    for (const r of this.icRows!) {
      for (let k = 0; k < r.zero.length; k++) A[r.zero[k]] = 0;
      A[r.diag] = 1e10;
      b[r.u] = 1e10 * r.v * this.ctx.srcScale;
    }
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
   * Adjoint solve with the factors of the last `linearize`: J^T lambda = rhs
   * in place, J the Jacobian of KCL at the unknowns x (rhs: dC/dx). For an
   * amplifier circuit J is that of the physical reduced system, in which
   * KCL at an amplifier's input h includes 1/A of the current drawn from
   * its output a; a device on a sees the effective adjoint lambda_h / A
   * (AmplifierReduction.nodeAdjoint).
   */
  solveAdjoint(rhs: Float64Array): void {
    const amp = this.amp;
    if (!amp) {
      this.sys.solveAgain(rhs, true);
      return;
    }
    // J = S J' S^-1 with J' the (symmetric) transformed Jacobian: J'^T (S lambda) = S rhs.
    const s = amp.unknownScale;
    const inv = amp.unknownInvScale;
    for (let u = 0; u < s.length; u++) rhs[u] *= s[u];
    this.sys.solveAgain(rhs, true);
    for (let u = 0; u < s.length; u++) rhs[u] *= inv[u];
  }

  /**
   * KCL residual: the current leaving every node through every device
   * except the eliminated voltage sources (A), at (V, x). For reciprocal
   * devices this is dE/dV. The reduced amplifiers' currents are those that
   * satisfy KCL at their outputs; their branch currents (in
   * `circuit.amplifiers.branchNames` order) go into `branch` when given.
   * (V, x): another point than the engine's (fixedCurrents).
   */
  currents(out: Float64Array, time = -1, branch?: Float64Array, V = this.V, x = this.x): void {
    out.fill(0);
    for (const d of this.circuit.devices) d.addCurrents(V, x, time, out);
    this.amp?.addCurrents(out, branch);
  }
}
