/**
 * XSPICE event-driven digital nodes at the DC operating point, as ngspice
 * 39's evt/ (evtiter.c, evtop.c) and its digital node type (idn/idndig.c).
 *
 * A digital value is a state (ZERO 0, ONE 1, UNKNOWN 2) and a strength
 * (STRONG 0, RESISTIVE 1, HI_IMPEDANCE 2, UNDETERMINED 3), packed as
 * state + 3 strength (idndig.c's index into its resolution map). Digital
 * nodes are their own namespace beside the analog nodes: a node that an
 * analog device also uses is refused (ngspice 39 would bridge it itself).
 *
 * A node with one driver takes the driver's value; several drivers resolve
 * pairwise through idndig.c's map, in the order the instances were read. A
 * node nobody drives keeps the node type's initial value, ZERO
 * UNDETERMINED. An input reads the node's state only (`~`: inverted, U stays
 * U); an inverted output drives the inverted state.
 *
 * The iteration (evtiter.c): the instances to call are called, each with the
 * node values of the pass before; the nodes whose outputs changed are
 * resolved, and the instances reading a node whose value changed are called
 * in the next pass, until none is (at most num_outputs + 1 passes). Delays
 * play no part at DC.
 *
 * A node of the user-defined type "real" (ngspice's xtraevt/real/udnfunc.c)
 * holds a number: it starts at 0, several drivers resolve to their sum, and
 * an inverted port would read its negation (the `~` on a real port is
 * refused where the line is read). Instances read and write real ports
 * through `rins` / `routs`, in port order beside the digital ones.
 */
import { ConvergenceError, NetlistError } from "../../../util/errors.js";
import { formatLoc, type SourceLoc } from "../../../util/errors.js";
import type { EventNetwork, ResolveContext } from "../../types.js";

export const ZERO = 0;
export const ONE = 1;
export const UNKNOWN = 2;
export const STRONG = 0;
export const RESISTIVE = 1;
export const HI_IMPEDANCE = 2;
export const UNDETERMINED = 3;

/** A digital value: state + 3 strength. */
export const dval = (state: number, strength: number): number => state + 3 * strength;
export const stateOf = (v: number): number => v % 3;

const L = ZERO;
const H = ONE;
const U = UNKNOWN;
const s = STRONG;
const r = RESISTIVE;
const z = HI_IMPEDANCE;
const u = UNDETERMINED;
const e = dval;
/** idndig.c's resolution map: map[a][b] is the value of a node driven with a and b. */
const RESOLVE: readonly (readonly number[])[] = [
  [e(L, s), e(U, s), e(U, s), e(L, s), e(L, s), e(L, s), e(L, s), e(L, s), e(L, s), e(L, s), e(U, s), e(U, s)],
  [e(U, s), e(H, s), e(U, s), e(H, s), e(H, s), e(H, s), e(H, s), e(H, s), e(H, s), e(U, s), e(H, s), e(U, s)],
  [e(U, s), e(U, s), e(U, s), e(U, s), e(U, s), e(U, s), e(U, s), e(U, s), e(U, s), e(U, s), e(U, s), e(U, s)],
  [e(L, s), e(H, s), e(U, s), e(L, r), e(U, r), e(U, r), e(L, r), e(L, r), e(L, r), e(L, u), e(U, u), e(U, u)],
  [e(L, s), e(H, s), e(U, s), e(U, r), e(H, r), e(U, r), e(H, r), e(H, r), e(H, r), e(U, u), e(H, u), e(U, u)],
  [e(L, s), e(H, s), e(U, s), e(U, r), e(U, r), e(U, r), e(U, r), e(U, r), e(U, r), e(U, u), e(U, u), e(U, u)],
  [e(L, s), e(H, s), e(U, s), e(L, r), e(H, r), e(U, r), e(L, z), e(U, z), e(U, z), e(L, u), e(U, u), e(U, u)],
  [e(L, s), e(H, s), e(U, s), e(L, r), e(H, r), e(U, r), e(U, z), e(H, z), e(U, z), e(U, u), e(H, u), e(U, u)],
  [e(L, s), e(H, s), e(U, s), e(L, r), e(H, r), e(U, r), e(U, z), e(U, z), e(U, z), e(U, u), e(U, u), e(U, u)],
  [e(L, s), e(U, s), e(U, s), e(L, u), e(U, u), e(U, u), e(L, u), e(U, u), e(U, u), e(L, u), e(U, u), e(U, u)],
  [e(U, s), e(H, s), e(U, s), e(U, u), e(H, u), e(U, u), e(U, u), e(H, u), e(U, u), e(U, u), e(H, u), e(U, u)],
  [e(U, s), e(U, s), e(U, s), e(U, u), e(U, u), e(U, u), e(U, u), e(U, u), e(U, u), e(U, u), e(U, u), e(U, u)],
];

/** The value of a node driven by `drivers` (idn_digital_resolve). */
export function resolveDigital(drivers: readonly number[]): number {
  let v = drivers[0];
  for (let i = 1; i < drivers.length; i++) v = RESOLVE[v][drivers[i]];
  return v;
}

/** The node type's initial value (idn_digital_initialize). */
export const DIGITAL_INIT = dval(ZERO, UNDETERMINED);

/** A connection of an instance to a digital node: the node's name (as the circuit knows it), `~` and where it was written. */
export interface DigitalPin {
  node: string;
  invert: boolean;
  loc: SourceLoc;
  /** The node is also an analog node, joined to this event node by an automatic bridge (auto-bridge.ts). */
  bridged?: boolean;
  /** A port of the user-defined node type "real" (a real-valued event node), not a digital one. */
  real?: boolean;
}

/**
 * An event instance (a gate, a bridge's bit): what the network needs of it.
 * `evaluate` reads its inputs' states (0/1/2, inversion applied; NULL ports
 * read -1) and writes its outputs' values (state + 3 strength, before the
 * output's inversion) into `outs`; a hybrid reads the analog solution too.
 */
export interface EventInstance {
  readonly name: string;
  /** Digital inputs, in the model's port order (null: a NULL port). */
  readonly dIn: ReadonlyArray<DigitalPin | null>;
  /** Digital outputs (null: a NULL port, which drives nothing). */
  readonly dOut: ReadonlyArray<DigitalPin | null>;
  /** True when it reads analog voltages (adc_bridge): called at every alternation. */
  readonly hybridIn: boolean;
  /**
   * `first`: the operating point's first call (XSPICE's INIT), where flip-flops take their ic.
   * `rins` / `routs`: the values of its real ports (ins / outs hold 0 there), in the same port order.
   */
  evaluate(ins: Int8Array, outs: Uint8Array, V: Float64Array, x: Float64Array, first: boolean, rins: Float64Array, routs: Float64Array): void;
  /** The network's node values of its inputs changed: a hybrid output (dac_bridge, real_to_v) reads them here. */
  settle?(ins: Int8Array, rins: Float64Array): void;
}

const networks = new WeakMap<ResolveContext, DigitalNetwork>();

/** The digital network of the circuit being built (one per ResolveContext, shared by its event instances). */
export function networkOf(ctx: ResolveContext): DigitalNetwork {
  let n = networks.get(ctx);
  if (!n) {
    n = new DigitalNetwork();
    networks.set(ctx, n);
  }
  return n;
}

interface InstanceRec {
  inst: EventInstance;
  ins: Int8Array;
  outs: Uint8Array;
  rins: Float64Array;
  routs: Float64Array;
  inNodes: Int32Array;
  outNodes: Int32Array;
  /** Per output: its index among its node's drivers. */
  outSub: Int32Array;
  /** Per output: the network's output number (for the changed list). */
  outId: Int32Array;
}

/**
 * The digital nodes and event instances of one circuit, and their iteration
 * at DC exactly as evtiter.c / evtload.c run it: an instance's output is
 * compared with the node's stored value when the instance is called, and a
 * node with one driver takes the new value at once (the instances called
 * later in the same pass read it); a node with several drivers stores the
 * driver's value and is resolved at the start of the next pass, which is
 * also when an inverted input's copy of the node is made (it starts at the
 * initial ZERO, not inverted, as ngspice's).
 */
export class DigitalNetwork implements EventNetwork {
  private readonly index = new Map<string, number>();
  private readonly recs: InstanceRec[] = [];
  /** Per node: its value (rhsold's node_value), its inverted copy, its drivers' values, its readers. */
  private values: number[] = [];
  private inverted: number[] = [];
  private driverVals: number[][] = [];
  /** Per node: true for a node of the type "real". */
  private isReal: boolean[] = [];
  /** Per node: the instance and pin that first connected it, for a type clash's message. */
  private firstPin: Array<[string, DigitalPin]> = [];
  private readers: number[][] = [];
  /** The changed outputs (instance, output), in order, and their flags by output number. */
  private changed: Array<[number, number]> = [];
  private changedFlag: boolean[] = [];
  private toCall: number[] = [];
  private toCallFlag: boolean[] = [];

  /**
   * Add an instance: its digital nodes must not be analog nodes (`ctx.node`
   * knows those), which is where ngspice 39 would insert a bridge itself.
   */
  add(inst: EventInstance, ctx: ResolveContext): void {
    const node = (p: DigitalPin): number => {
      if (!p.bridged && ctx.node(p.node) !== undefined) {
        throw new NetlistError(`${inst.name}: '${p.node}' is a digital (event) node of this XSPICE digital model and an analog node of another element: connect them through an adc_bridge or dac_bridge (eqspice does not insert ngspice's automatic bridges)`, p.loc);
      }
      let k = this.index.get(p.node);
      const real = p.real === true;
      if (k === undefined) {
        k = this.values.length;
        this.index.set(p.node, k);
        this.values.push(real ? 0 : DIGITAL_INIT);
        this.inverted.push(real ? 0 : DIGITAL_INIT);
        this.driverVals.push([]);
        this.readers.push([]);
        this.isReal.push(real);
        this.firstPin.push([inst.name, p]);
      } else if (this.isReal[k] !== real) {
        const [other, op] = this.firstPin[k];
        const kind = (r: boolean): string => (r ? "a real (user-defined type 'real')" : "a digital");
        throw new NetlistError(`${inst.name}: event node '${p.node}' is ${kind(real)} port here and ${kind(!real)} port of ${other} at ${formatLoc(op.loc)}: an event node has one type (ngspice 39 refuses the mix too)`, p.loc);
      }
      return k;
    };
    const id = this.recs.length;
    const inNodes = Int32Array.from(inst.dIn.map((p) => (p ? node(p) : -1)));
    const outNodes = Int32Array.from(inst.dOut.map((p) => (p ? node(p) : -1)));
    inNodes.forEach((k) => {
      if (k >= 0 && !this.readers[k].includes(id)) this.readers[k].push(id);
    });
    const outSub = new Int32Array(outNodes.length).fill(-1);
    const outId = new Int32Array(outNodes.length).fill(-1);
    outNodes.forEach((k, o) => {
      if (k < 0) return;
      outSub[o] = this.driverVals[k].length;
      this.driverVals[k].push(this.isReal[k] ? 0 : DIGITAL_INIT);
      outId[o] = this.changedFlag.length;
      this.changedFlag.push(false);
    });
    this.toCallFlag.push(false);
    const nIn = inst.dIn.length;
    const nOut = inst.dOut.length;
    this.recs.push({ inst, ins: new Int8Array(nIn), outs: new Uint8Array(nOut).fill(DIGITAL_INIT), rins: new Float64Array(nIn), routs: new Float64Array(nOut), inNodes, outNodes, outSub, outId });
  }

  /** The input states of instance record `r` from the node values (an inverted input reads the node's inverted copy; NULL: -1), a real input's value into rins. */
  private gather(r: InstanceRec): void {
    for (let j = 0; j < r.inNodes.length; j++) {
      const k = r.inNodes[j];
      if (k < 0) {
        r.ins[j] = -1;
        continue;
      }
      const v = r.inst.dIn[j]!.invert ? this.inverted[k] : this.values[k];
      if (this.isReal[k]) r.rins[j] = v;
      else r.ins[j] = stateOf(v);
    }
  }

  /** Call instance i (EVTload at DC): its outputs go to the nodes' stored values, the changed ones to the changed list. */
  private call(i: number, V: Float64Array, x: Float64Array, first: boolean): void {
    const r = this.recs[i];
    this.gather(r);
    r.inst.evaluate(r.ins, r.outs, V, x, first, r.rins, r.routs);
    for (let o = 0; o < r.outNodes.length; o++) {
      const k = r.outNodes[o];
      if (k < 0) continue;
      const inv = r.inst.dOut[o]!.invert;
      const v = this.isReal[k] ? (inv ? -r.routs[o] : r.routs[o]) : inv ? invertValue(r.outs[o]) : r.outs[o];
      const dv = this.driverVals[k];
      let same: boolean;
      if (dv.length > 1) {
        same = dv[r.outSub[o]] === v;
        dv[r.outSub[o]] = v;
      } else {
        same = this.values[k] === v;
        this.values[k] = v;
      }
      if (!same && !this.changedFlag[r.outId[o]]) {
        this.changedFlag[r.outId[o]] = true;
        this.changed.push([i, o]);
      }
    }
  }

  /** evtiter.c: passes of (changed outputs -> nodes -> readers -> calls) until a pass changes no output. */
  private iter(V: Float64Array, x: Float64Array, first: boolean): void {
    const maxPasses = this.changedFlag.length + 1;
    for (let pass = 0; pass < maxPasses; pass++) {
      const nodes: number[] = [];
      const seen = new Set<number>();
      for (const [i, o] of this.changed) {
        const r = this.recs[i];
        this.changedFlag[r.outId[o]] = false;
        const k = r.outNodes[o];
        if (!seen.has(k)) {
          seen.add(k);
          nodes.push(k);
        }
      }
      this.changed = [];
      for (const k of nodes) {
        let equal = false;
        if (this.driverVals[k].length > 1) {
          const nv = this.isReal[k] ? resolveReal(this.driverVals[k]) : resolveDigital(this.driverVals[k]);
          equal = nv === this.values[k];
          this.values[k] = nv;
        }
        if (!equal) {
          this.inverted[k] = this.isReal[k] ? -this.values[k] : invertValue(this.values[k]);
          for (const id of this.readers[k]) {
            if (!this.toCallFlag[id]) {
              this.toCallFlag[id] = true;
              this.toCall.push(id);
            }
          }
        }
      }
      const calls = this.toCall;
      this.toCall = [];
      for (const i of calls) {
        this.toCallFlag[i] = false;
        this.call(i, V, x, first);
      }
      if (this.changed.length === 0) return;
    }
    const names = [...new Set(this.changed.map(([i]) => this.recs[i].inst.name))].join(", ");
    throw new ConvergenceError(`XSPICE digital nodes did not settle at the operating point in ${maxPasses} event passes (instances still changing: ${names}); ngspice 39 stops there too ("Too many iteration passes in event-driven circuits")`);
  }

  /**
   * At the operating point's start (`first`): call every instance and
   * iterate (ngspice's first EVTiter). Later (EVTcall_hybrids): call the
   * instances that read analog values at the solution (V, x) and, when one
   * changed an output, iterate. Returns true when an output changed, so that
   * the analog side must be solved again. Throws when the nodes do not
   * settle (a ring oscillator at DC).
   */
  iterate(V: Float64Array, x: Float64Array, first: boolean): boolean {
    let changed: boolean;
    if (first) {
      for (let i = 0; i < this.recs.length; i++) {
        if (!this.toCallFlag[i]) {
          this.toCallFlag[i] = true;
          this.toCall.push(i);
        }
      }
      this.iter(V, x, true);
      changed = true;
    } else {
      this.recs.forEach((r, i) => {
        if (r.inst.hybridIn) this.call(i, V, x, false);
      });
      changed = this.changed.length > 0;
      if (changed) this.iter(V, x, false);
    }
    for (const r of this.recs) {
      if (r.inst.settle) {
        this.gather(r);
        r.inst.settle(r.ins, r.rins);
      }
    }
    return changed;
  }

  /** ngspice's max_op_alternations: the outputs of the instances that read analog values, plus one. */
  get maxAlternations(): number {
    let n = 1;
    for (const r of this.recs) if (r.inst.hybridIn) n += r.inst.dOut.length;
    return n;
  }

  /** A digital node's value (state + 3 strength; a real node's number), by its name as the circuit knows it; undefined for no such node. */
  value(node: string): number | undefined {
    const k = this.index.get(node);
    return k === undefined ? undefined : this.values[k];
  }
}

/** The value of a real node driven by `drivers`: their sum (udn_real_resolve). */
export function resolveReal(drivers: readonly number[]): number {
  let v = 0;
  for (const d of drivers) v += d;
  return v;
}

/** idn_digital_invert: ZERO <-> ONE, UNKNOWN stays; the strength kept. */
function invertValue(v: number): number {
  const st = stateOf(v);
  return st === UNKNOWN ? v : v - st + (1 - st);
}
