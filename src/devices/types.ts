/**
 * The device interface. The solver loop knows no device types: it asks each
 * device to `setup` (reserve matrix entries) once and to `load` (stamp its
 * linearization) at every Newton iteration, as SPICE does.
 *
 * Conventions, for every device:
 * - node voltages in volts, node 0 is ground; `V[n]` holds every node's voltage;
 * - a current is positive when it LEAVES the node it is reported for (amperes);
 * - the MNA system is A x = b, with x = [free node voltages, branch currents];
 *   rows and entries of nodes that are not unknowns (ground, or nodes fixed by
 *   grounded voltage sources) point to a trash slot, so stamps need no branches;
 * - the known voltage of such a node is `Vk[n]` (0 for ground and free nodes):
 *   a conductance to a fixed node moves `g * Vk[n]` to the right-hand side.
 */

export type AnalysisMode = "dc" | "tran";

export interface SetupContext {
  /** Unknown (row) index of a node, or the trash row when it is not an unknown. */
  row(node: number): number;
  /** Handle of matrix entry (row r, column c) for unknown indices; trash when either is trash. */
  entry(r: number, c: number): number;
  /** Unknown index of a branch current this device owns (allocated by the circuit builder). */
  branch(name: string): number;
  /** True when the node's voltage is an unknown (not ground or fixed). Optional: derived from `entry` when absent. */
  isUnknown?(node: number): boolean;
}

/** Integration coefficients for reactive devices: i = C * (a0 * v + hist). */
export interface IntegrationState {
  /** dV/dt ~ a0 * V_new + (history term computed by the device from its state). */
  a0: number;
  /** "be" (backward Euler), "trap" (trapezoidal), "bdf2". */
  method: "be" | "trap" | "bdf2";
  /** Step ratio for bdf2 (h_n / h_{n-1}). */
  ratio: number;
}

export interface LoadContext {
  mode: AnalysisMode;
  /** Matrix values indexed by handles. */
  A: Float64Array;
  /** Right-hand side indexed by rows. */
  b: Float64Array;
  /** Every node's voltage at the linearization point (V). */
  V: Float64Array;
  /** Known voltages (fixed nodes), 0 elsewhere (V). */
  Vk: Float64Array;
  /**
   * The engine's Engine.pointVersion: a new value whenever Vk may have
   * moved (setPoint, moveFixed); absent outside an engine. What a device
   * caches from Vk holds while this stays the same.
   */
  pointVersion?: number;
  /** The current iterate of the unknowns. */
  x: Float64Array;
  /** Simulation time (s). */
  time: number;
  /** Scale of independent sources (source stepping); 1 normally. */
  srcScale: number;
  /**
   * How independent sources are evaluated: "dc" their DC value, "tran" their waveform at srcTime (s).
   * A transient's operating point is mode "dc" with sources "tran" at 0 (ngspice's MODETRANOP: a
   * source with a time function takes its value at t = 0, whatever its DC value).
   */
  srcMode: "dc" | "tran";
  srcTime: number;
  /** Conductance across every junction (S), ngspice's GMIN. */
  gmin: number;
  /** First iteration of a DC solve: junctions start at their critical voltage (SPICE INITJCT). */
  initJunctions: boolean;
  /** Set by a device that limited its step in this iteration (the iterate is not converged). */
  noncon: boolean;
  /** Integration state in transient mode. */
  integ: IntegrationState | null;
}

/**
 * The companion model of a two-terminal branch at one iterate (see
 * Device.branchLaw), in and out of BranchLaw.linearize. In: the branch
 * voltage v = V(a) - V(b) to linearize at (V) and the GMIN in parallel
 * (S). Out: the voltage used (after step limiting) v (V), the current i(v)
 * from a to b (A) and its conductance g = di/dv (S), GMIN included.
 * Linearization: i(v') ~ g v' + (i - g v). (The inputs travel in the
 * object, not as arguments: a double passed to a call the optimizer does
 * not inline is boxed, a heap allocation per call in the solvers' inner
 * loop.)
 */
export interface BranchPoint {
  v: number;
  gmin: number;
  i: number;
  g: number;
}

/**
 * A BranchPoint to fill. A class, not an object literal: literals whose
 * first key is `v` share one hidden-class path with every other such
 * literal in the program, and one that holds an object there makes `v` a
 * tagged field for all of them, so each double stored in it is a new heap
 * allocation (measured: 20 kB per training sample, a scavenge every 0.2 s).
 */
export class BranchPointBuffer implements BranchPoint {
  v = 0;
  gmin = 0;
  i = 0;
  g = 0;
}

/**
 * A two-terminal reciprocal device whose current from `a` to `b` depends
 * only on its voltage v = V(a) - V(b): a diode without series resistance, a
 * nudge. Structured minimizers (analysis/layered.ts) ask devices for it
 * instead of stamping a matrix.
 */
export interface BranchLaw {
  readonly a: number;
  readonly b: number;
  /**
   * Linearize at the branch voltage pt.v with GMIN pt.gmin exactly as
   * `load` would at this iterate (same step limiting, same limiter memory):
   * fills pt's v, i and g, returns true when the step was limited (the
   * iterate is not converged).
   */
  linearize(initJunctions: boolean, pt: BranchPoint): boolean;
}

/**
 * A device that defines the voltage between its first two nodes (nodes[0]
 * minus nodes[1]): a V source, E, H, a V= B source, an inductor (a short at
 * DC). It owns a branch-current unknown (A, flowing from nodes[0] through the
 * device to nodes[1]), may control F, H and B sources (i()), and a loop of
 * such branches is singular.
 */
export interface VoltageBranch extends Device {
  readonly definesVoltage: true;
  /** Its branch-current unknown, set by the circuit builder; -1 while it has none (an eliminated source). */
  k: number;
}

/** Whether device d defines a voltage (VoltageBranch). */
export function definesVoltage(d: Device): d is VoltageBranch {
  return d.definesVoltage === true;
}

/** An independent voltage source the circuit eliminated (it fixes a node and owns no branch unknown). */
export function isEliminatedSource(d: Device): boolean {
  return d.fixesNodes === true && definesVoltage(d) && d.k < 0;
}

/**
 * What a device resolving references to other elements by name (Device.resolve)
 * may ask, once every element of the circuit exists.
 */
/** An element as XSPICE's cmeter / lmeter see it (Device.meterElement). */
export type MeterElement = { kind: "c" | "l"; a: number; b: number; value: number } | { kind: "short"; a: number; b: number };

export interface ResolveContext {
  /** Node index of a node name (lower case), or undefined when the circuit has none. */
  node(name: string): number | undefined;
  /** The element of that name (lower case), or undefined. */
  device(name: string): Device | undefined;
  /** The branch whose current the device reads (its k stays a branch unknown: the source is not eliminated). */
  readCurrent(name: string): void;
  /** Every element of the circuit, in netlist order (XSPICE's cmeter and lmeter scan them, as ngspice's cm_netlist_get_c / _l). */
  readonly devices: readonly Device[];
  /** Claim a key across the circuit (a coupled pair of inductors); false when another device claimed it first. */
  claim(key: string): boolean;
}

/**
 * A constant two-terminal capacitance c (F) between nodes a and b, which the
 * integrators put in their capacitance matrix and whose companion history
 * they set (a capacitor).
 */
export interface LinearCapacitance {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  /** Initial voltage (V) from `IC=`, if given. */
  readonly ic: number | undefined;
  /** Reset its history to voltage v (V) across it and current i (A, default 0: DC). */
  initState(v: number, i?: number): void;
  /** Overwrite the current at the last accepted point (A), e.g. i = C dv/dt from an explicit integrator. */
  setCurrent(i: number): void;
}

/**
 * What `Device.acLoad` stamps: the small-signal (AC) system
 *   (G + j w C) x = b_re + j b_im
 * linearized at the operating point (ngspice's DEVacLoad), split into two
 * real views with the handles and rows of `setup`, so the DC stamp helpers
 * (stamp.ts) serve both. In the AC system every node but ground is an
 * unknown (no node is fixed: Vk is 0 everywhere) and every voltage source
 * owns a branch; x holds phasors (V, A), the same unknowns as in DC.
 */
export interface AcLoadContext {
  /**
   * The conductance part: `g.A` gets dI/dV (S; dV/dI-type entries of branch
   * rows as in DC) at the operating point, `g.b` the real part of the
   * sources' AC values (rows, as a DC load puts its value). `g.V`, `g.x` are
   * the operating point, `g.gmin` the junctions' GMIN; `g.Vk` is all 0.
   */
  g: LoadContext;
  /**
   * The reactive part, multiplied by j w: `c.A` gets dQ/dV (F) at the
   * operating point, and on a branch row minus dPhi/dI (-L, -M in H: the
   * row reads V(a) - V(b) - j w L i = 0); `c.b` the imaginary part of the
   * sources' AC values. Same V, x, Vk as `g`.
   */
  c: LoadContext;
}

/**
 * The event-driven (XSPICE digital) part of a circuit, which the DC
 * operating point alternates with the analog solve (ngspice 39's EVTop).
 */
export interface EventNetwork {
  /**
   * Settle the event nodes at the analog solution (V in V, x the unknowns);
   * `first`: the operating point's first call (every instance is called).
   * Returns true when an event node changed, so that the analog side must be
   * solved again.
   */
  iterate(V: Float64Array, x: Float64Array, first: boolean): boolean;
  /** How many analog solves after the first may follow an event change before the operating point fails (ngspice's max_op_alternations). */
  readonly maxAlternations: number;
}

/**
 * What Device.accept is told of the accepted point by the implicit
 * integrators: its time (s), ngspice's CKTminBreak (s, the closest two
 * breakpoints may be: 5e-5 TMAX), and setBreak, ngspice's CKTsetBreak: a
 * time (s) after the point that the transient must land on (a transmission
 * line's delayed corner); one within minBreak of another is merged with it.
 */
export interface AcceptPoint {
  time: number;
  minBreak: number;
  setBreak(t: number): void;
}

export interface Device {
  /** Lower-case element name as SPICE names it (`r1`, `d.x1.d2`). */
  readonly name: string;
  /** True when `load` stamps the same matrix whatever the iterate (loaded once per solve). */
  readonly linear: boolean;
  /** True when its matrix stamp is symmetric (a reciprocal device). */
  readonly symmetric: boolean;
  /** Node indices of its terminals (for topology checks), in SPICE order. */
  readonly nodes: readonly number[];
  /** See VoltageBranch: true when the device defines the voltage across nodes[0], nodes[1]. */
  readonly definesVoltage?: boolean;
  /**
   * An independent voltage source: when one of its terminals is ground or
   * fixed, the circuit eliminates the other from the unknowns (it is fixed)
   * and the source owns no branch; the reports list its current either way.
   */
  readonly fixesNodes?: boolean;
  /** True when its current or voltage is controlled by another device's branch current (F, H, a B source with i()). */
  readonly readsBranch?: boolean;
  /**
   * Groups of its nodes (internal ones included) that it connects at DC,
   * for the check that every node has a DC path to ground; a voltage branch
   * connects its two nodes without saying so. Undefined: none (a capacitor,
   * a current source: ngspice's own rule).
   */
  dcGroups?(): ReadonlyArray<readonly number[]>;
  /**
   * Resolve references to other elements by name (F/H controls, K's
   * inductors, a B source's v() and i()), once every element exists; throws
   * a NetlistError at the reference when one is wrong.
   */
  resolve?(ctx: ResolveContext): void;
  /**
   * What XSPICE's cmeter and lmeter see of the element (ngspice's
   * cm_netlist_get_c / _l): a capacitor's CAPcapac (F) or an inductor's
   * INDinduct (H), before m, between nodes a and b; or a V source that is
   * a plain DC 0 V (no waveform: they look through it to its other node).
   * Undefined or null: none of these.
   */
  meterElement?(): MeterElement | null;
  /** Where its power goes, for the energy accounting: dissipated (resistive), stored (reactive) or delivered (sources, the default). */
  readonly power?: "dissipates" | "stores" | "delivers";
  /** Its constant capacitance, for the integrators' capacitance matrix; undefined or null when it has none. */
  linearCapacitance?(): LinearCapacitance | null;
  setup(ctx: SetupContext): void;
  /**
   * ngspice's OFF (`off` on a diode, BJT, JFET or MOSFET line): a cold
   * operating point starts with this device's junction voltages at 0 and
   * holds them there (holdOff) until the rest has converged. Absent: false.
   */
  readonly off?: boolean;
  /** Set by the operating point (analysis/op.ts) while OFF holds the junction voltages at 0. */
  holdOff?: boolean;
  /**
   * After setup: true when `load` stamps nothing (an independent voltage
   * source whose node the circuit fixes: its value reaches the system through
   * the fixed node, not through a stamp). The engine then never calls it,
   * which saves 1,568 empty calls per training sample on the MNIST network.
   */
  loadsNothing?(): boolean;
  load(ctx: LoadContext): void;
  /**
   * Stamp its small-signal model at the operating point in ctx.g.V / ctx.g.x
   * (AcLoadContext: conductances in ctx.g, capacitances in ctx.c), its AC
   * source value (magnitude and phase) on the right-hand sides; a device
   * without independent AC value stamps none. Undefined: the device has no
   * AC model and an AC analysis refuses the circuit.
   */
  acLoad?(ctx: AcLoadContext): void;
  /**
   * `time` below is the simulation time in seconds; a negative time means the
   * DC operating point (sources at their DC values).
   *
   * Add the current leaving each of its terminals at the point (V, x) into
   * `out[node]` (amperes). Summed over devices this is the KCL residual, and
   * for reciprocal devices it equals dE/dV.
   */
  addCurrents(V: Float64Array, x: Float64Array, time: number, out: Float64Array): void;
  /** Co-content (J = W, watts): this device's term of the energy E(V). Undefined when non-reciprocal. */
  cocontent?(V: Float64Array, time: number): number;
  /**
   * Accept a converged time point (reactive devices update their history);
   * h: the step that reached it (s). `at`, from the implicit integrators:
   * its time and a way to ask for a breakpoint (AcceptPoint).
   */
  accept?(V: Float64Array, x: Float64Array, h: number, at?: AcceptPoint): void;
  /**
   * Nodes touched by the device's own charges (nonlinear capacitances that
   * `load` integrates itself from `LoadContext.integ`, such as a MOSFET's
   * gate and junction charges), or undefined/empty when it has none. The
   * integrators treat these nodes as differential unknowns (LTE step
   * control) and do not hand such a circuit to the explicit integrator,
   * whose capacitance matrix is that of the capacitors.
   */
  chargeNodes?(): readonly number[];
  /**
   * True for a device without charges that still bounds the transient step
   * through its `chargeTruncation` (a switch approaching its threshold): the
   * implicit integrators ask it with the charge devices.
   */
  readonly boundsStep?: boolean;
  /**
   * Start of an implicit integration: take the voltages V (the initial state)
   * as the accepted history of the device's charges, with no current (DC).
   * x: the unknowns of that state, for devices whose state includes branch
   * currents (an inductor's flux).
   */
  startCharges?(V: Float64Array, x?: Float64Array): void;
  /**
   * A transient with `uic` starts without an operating point: set the
   * device's own unknowns in x to their initial conditions (an inductor's
   * branch current to its `ic=`). Undefined: nothing to set.
   */
  uicState?(x: Float64Array): void;
  /**
   * Its law as a two-terminal branch (BranchLaw), for minimizers that solve
   * node by node; undefined or null when the device is not one.
   */
  branchLaw?(): BranchLaw | null;
  /**
   * ngspice's DEVconvTest, for its stopping rule (analysis/engine.ts,
   * NGSPICE_STOP): true when the currents its last linearization predicts
   * at the node voltages V (V) of a Newton step's result are within
   * reltol x max(|predicted|, |last|) + abstol (A) of its last currents.
   * Undefined: the device has no test (ngspice's diode, BJT and BSIM3 tests
   * read the previous iterate, which makes them pass whenever no limiter acted).
   */
  convTest?(V: Float64Array, reltol: number, abstol: number): boolean;
  /**
   * Its parameters (a conductance, a source value) changed: drop anything
   * cached from them. The engine calls it from `invalidate()`.
   */
  invalidate?(): void;
  /**
   * Times in (0, tstop) (s) where its behaviour has a corner (a source
   * waveform's), which a transient must land on; undefined when none.
   */
  breakpoints?(tstop: number): number[];
  /**
   * Whether its stamp changes from one time point to the next in an analysis
   * whose sources follow their waveforms ("tran") or sit at DC ("dc"), for a
   * linear device (a capacitor's companion model, a source's waveform): the
   * integrators reload those and keep the others' stamps. Undefined: never.
   */
  changesInTime?(sources: "tran" | "dc"): boolean;
  /**
   * Why a transient analysis cannot run this device (a message naming it),
   * or null/undefined when it can: a device whose dynamic behaviour is not
   * modelled refuses rather than give a wrong waveform.
   */
  transientRefusal?(): string | null;
  /**
   * Why an AC analysis cannot run this device (a message naming it), or
   * null/undefined when it can: where ngspice's small-signal model is not
   * one eqspice can match, it refuses rather than give another answer.
   */
  acRefusal?(): string | null;
  /** Called by a .dc sweep before each of its points (a device whose DC state carries from point to point). */
  beginDcPoint?(): void;
  /**
   * Why a `.dc TEMP` sweep cannot run this device (a message naming it), or null/undefined: the sweep rebuilds the
   * circuit at each temperature, so a state carried from point to point (XSPICE hyst) would restart, where ngspice
   * keeps it.
   */
  tempSweepRefusal?(): string | null;
  /**
   * The event-driven network the device belongs to (an XSPICE digital
   * instance), shared by the devices of one circuit; undefined or null when
   * it is analog only. The DC analyses alternate it with the analog solve.
   */
  eventNetwork?(): EventNetwork | null;
}
