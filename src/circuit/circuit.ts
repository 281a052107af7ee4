/**
 * A circuit ready to solve: numbered nodes, devices, and the unknown layout.
 *
 * Unknowns x = [free node voltages..., branch currents...]. Nodes tied to
 * ground through chains of voltage sources are "fixed": their voltages are
 * known (source values), so they are not unknowns and those sources' currents
 * come from KCL after the solve. This keeps the system small and, for
 * circuits of reciprocal devices, symmetric positive definite (the Hessian of
 * the energy E over the free nodes).
 */
import type { Device } from "../devices/types.js";
import type { DeviceTable } from "./device-table.js";
import type { AmplifierReduction } from "./amplifiers.js";
import type { CurrentSource, VoltageSource } from "../devices/sources/sources.js";
import type { DefaultOption } from "../netlist/annotations.js";
import type { Resistor, ResistorBank } from "../devices/resistor/resistor.js";
import type { SimOptions, TranSpec } from "../netlist/elaborate.js";
import type { NetlistError } from "../util/errors.js";
import type { SourceLoc } from "../util/errors.js";

/** A node fixed by a voltage source: V[node] = V[ref] + sign * value(source). */
export interface FixedNode {
  node: number;
  ref: number;
  source: VoltageSource;
  /** +1 when node is the source's + terminal, -1 when it is the - terminal. */
  sign: number;
}

/** A trainable conductance with its bounds (S). */
export interface TrainableConductance {
  device: Resistor;
  gmin: number;
  gmax: number;
  /** Learning-rate multiplier (from `lr=` on its annotation). */
  lr: number;
}

/**
 * A trainable current source (a signed bias): its DC current i (A) flows from
 * its + terminal through the source to its - terminal, i.e. it is injected
 * into the - node. Co-content i (V+ - V-), so dE/di = V+ - V- (V).
 */
export interface TrainableBias {
  device: CurrentSource;
  /** Learning-rate multiplier (from `lr=` on its annotation). */
  lr: number;
}

/** Data inputs and outputs from the `*@` annotations, resolved to devices and node indices. */
export interface TrainingPorts {
  inputs: Array<{ pos: VoltageSource; neg?: VoltageSource }>;
  outputs: Array<{ pos: number; neg?: number; name: string }>;
  trainable: TrainableConductance[];
  /** Trainable current sources, in netlist order. */
  biases: TrainableBias[];
  /** `*@defaults` training options of the netlist (raw values, CLI spelling of the keys). */
  defaults: DefaultOption[];
}

export interface Circuit {
  title: string;
  file: string;
  options: SimOptions;
  tran?: TranSpec;
  /** The `.tran` card's error when it is invalid (tran is then undefined): what a transient without overrides throws. */
  tranError?: NetlistError;
  /** `.ic` initial node voltages (node index -> V). */
  ics: Map<number, number>;
  /**
   * `.nodeset` node voltages (node index -> V): held during the first phase
   * of a cold operating point (see op.ts), then released.
   */
  nodesets: Map<number, number>;
  /** Node names by index; [0] is ground ("0"). */
  nodeNames: string[];
  nodeIndex: Map<string, number>;
  /** Nodes created by devices (diode internal nodes): solved but not reported. */
  internal: Uint8Array;
  /** Devices the solver loads (all resistors are in one ResistorBank among them). */
  devices: Device[];
  /** Every element by name; resistors are views of `resistors`, made on first use. */
  deviceByName: DeviceTable;
  /** All resistors of the circuit (structure of arrays). */
  resistors: ResistorBank;
  /** Element locations in the netlist (for error messages). */
  locOf(name: string): SourceLoc | undefined;
  /** Fixed nodes in dependency order (a node's ref comes before it). */
  fixed: FixedNode[];
  /** Unknown index of each node, -1 when ground, fixed, or an amplifier output (see `amplifiers`). */
  unknownOfNode: Int32Array;
  /** Node of each free-node unknown. */
  nodeOfUnknown: Int32Array;
  /** Names of branch unknowns (after the free nodes). */
  branchNames: string[];
  /** Total unknowns. */
  n: number;
  /** Number of free-node unknowns (the first nFree of x). */
  nFree: number;
  /** True when every device stamps symmetrically (reciprocal circuit). */
  symmetric: boolean;
  /**
   * The bidirectional amplifiers (E/V/F triples) reduced onto the symmetric
   * solver, or null (see amplifiers.ts). When set, their output nodes a_i, a
   * are not unknowns (unknownOfNode -1; V = A V(h)), the E/V/F elements are
   * not in `devices` (still in `deviceByName`), and their branch currents
   * come from KCL (`amplifiers.branchNames`).
   */
  amplifiers: AmplifierReduction | null;
  /**
   * Per node, the scale s of the change of variables V = s V' that makes an
   * amplifier circuit symmetric: 1 upstream of the first amplifiers, A
   * after one layer of gain A, A^2 after two... 0 for ground and nodes fixed
   * by sources (known voltages: no V'). Null when there are no amplifiers.
   * A conductance's scale is its free terminals' (they share one): EqProp's
   * update of a conductance of scale s_k is exact times (s_out / s_k)^2.
   */
  nodeScale: Float64Array | null;
  ports: TrainingPorts;
  warnings: string[];
}

/** Fill the fixed nodes' voltages into V and Vk from their sources (in dependency order). */
export function applyFixed(c: Circuit, V: Float64Array, Vk: Float64Array, mode: "dc" | "tran", time: number, srcScale: number): void {
  for (const f of c.fixed) applyFixedNode(f, V, Vk, mode, time, srcScale);
}

/** One fixed node's voltage into V and Vk: its reference's plus (or minus) its source's value (V). */
export function applyFixedNode(f: FixedNode, V: Float64Array, Vk: Float64Array, mode: "dc" | "tran", time: number, srcScale: number): void {
  const v = V[f.ref] + f.sign * f.source.valueAt(mode, time, srcScale);
  V[f.node] = v;
  Vk[f.node] = v;
}
