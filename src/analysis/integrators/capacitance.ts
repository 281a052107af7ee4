/**
 * The capacitance structure of a circuit as the integrators see it: the
 * circuit's capacitors, plus an optional node capacitance (F) from every
 * free node to ground (`.options cnode`, or relax's `cnode`), which is not a
 * device but stamped by the integrator through `engine.nodeStamps`.
 *
 * The capacitance matrix C over the free nodes (C_ii = sum of capacitances
 * at node i, C_ij = -C of a capacitor between free nodes i and j) is
 * nonsingular exactly when every group of free nodes joined by capacitors
 * has a capacitor (or node capacitance) to a node that is not free (ground,
 * or a node fixed by a voltage source). Then, with no branch unknowns, the
 * circuit is the explicit ODE  C dV/dt = -i(V, t)  over the free nodes.
 */
import type { Circuit } from "../../circuit/circuit.js";
import type { ChargeTruncationSpec } from "../../devices/capacitor/capacitor.js";
import type { Device, LinearCapacitance } from "../../devices/types.js";

export interface CapacitanceInfo {
  /** The circuit's capacitors. */
  caps: LinearCapacitance[];
  /** Node capacitance on every free unknown (F); length nFree. */
  nodeC: Float64Array;
  /** Diagonal of C over the free unknowns (F), node capacitance included; length nFree. */
  diag: Float64Array;
  /** 1 for unknowns with capacitance (differential states), 0 for algebraic ones; length n. */
  dynamic: Uint8Array;
  /**
   * 1 for unknowns with a capacitor or node capacitance, whose voltage's
   * local truncation error the implicit integrator estimates; a node held
   * only by device charges is dynamic but not here: those devices estimate
   * the error on their charges (ChargeTruncation), as ngspice does; length n.
   */
  capDynamic: Uint8Array;
  /** True when some capacitor joins two free nodes (C is not diagonal). */
  floating: boolean;
  /** True when some capacitor joins a free node to a fixed node (whose voltage may vary in time). */
  toFixed: boolean;
  /** True when C over the free nodes is nonsingular. */
  nonsingular: boolean;
  /**
   * Devices that integrate charges of their own (Device.chargeNodes): their
   * free nodes are marked dynamic, but their capacitances are not in diag
   * (they depend on the voltages), and the circuit is not an explicit ODE
   * for the integrators that use a constant C.
   */
  chargeDevices: Device[];
}

export function analyzeCapacitance(circuit: Circuit, cnode: number): CapacitanceInfo {
  const { nFree, n, unknownOfNode } = circuit;
  const caps: LinearCapacitance[] = [];
  for (const d of circuit.devices) {
    const lc = d.linearCapacitance?.();
    if (lc) caps.push(lc);
  }
  const nodeC = new Float64Array(nFree).fill(cnode > 0 ? cnode : 0);
  const diag = Float64Array.from(nodeC);
  const dynamic = new Uint8Array(n);
  // Union-find over free unknowns; slot nFree stands for "not free" (ground and fixed nodes).
  const parent = new Int32Array(nFree + 1);
  for (let i = 0; i <= nFree; i++) parent[i] = i;
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[ra] = rb;
  };
  if (cnode > 0) for (let i = 0; i < nFree; i++) union(i, nFree);
  let floating = false;
  let toFixed = false;
  for (const c of caps) {
    const ua = unknownOfNode[c.a];
    const ub = unknownOfNode[c.b];
    if (ua >= 0) {
      diag[ua] += c.c;
      dynamic[ua] = 1;
    }
    if (ub >= 0) {
      diag[ub] += c.c;
      dynamic[ub] = 1;
    }
    if (ua >= 0 && ub >= 0) floating = true;
    else if ((ua >= 0 && c.b !== 0) || (ub >= 0 && c.a !== 0)) toFixed = true;
    union(ua >= 0 ? ua : nFree, ub >= 0 ? ub : nFree);
  }
  if (cnode > 0) for (let i = 0; i < nFree; i++) dynamic[i] = 1;
  const capDynamic = Uint8Array.from(dynamic);
  const chargeDevices: Device[] = [];
  for (const d of circuit.devices) {
    const nodes = d.chargeNodes?.() ?? [];
    // a device that bounds the step without charges of its own (a switch) is one too: the implicit integrators ask it
    if (nodes.length === 0 && d.boundsStep !== true) continue;
    chargeDevices.push(d);
    for (const node of nodes) {
      const u = unknownOfNode[node];
      if (u >= 0) dynamic[u] = 1;
    }
  }
  let nonsingular = true;
  const root = find(nFree);
  for (let i = 0; i < nFree; i++) if (find(i) !== root) nonsingular = false;
  return { caps, nodeC, diag, dynamic, capDynamic, floating, toFixed, nonsingular, chargeDevices };
}

/**
 * A device that integrates charges of its own (Device.chargeNodes) and
 * bounds the step by their truncation error, as ngspice's DEVtrunc.
 */
export interface ChargeTruncation {
  /**
   * The largest step (s) its charges allow at the converged point V of the
   * step just solved (not yet accepted): for each charge q with current i,
   *   tol = max(abstol + reltol max(|i_{n+1}|, |i_n|), reltol max(|q_{n+1}|, |q_n|, chgtol) / h)
   *   del = trtol tol / max(abstol, factor |DD_{order+1}(q)|), then del^(1/order),
   * and the smallest del over its charges (Infinity when none bounds it).
   * x: the unknowns at that point (branch currents: an inductor's flux).
   */
  chargeTruncation(V: Float64Array, spec: ChargeTruncationSpec, x?: Float64Array): number;
}

/** True when device d estimates the truncation error of its own charges. */
export function truncatesCharges(d: Device): d is Device & ChargeTruncation {
  return typeof (d as Partial<ChargeTruncation>).chargeTruncation === "function";
}
