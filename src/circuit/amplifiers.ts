/**
 * Bidirectional amplifiers on the symmetric solver (docs/theory.md,
 * "Bidirectional amplifiers on the symmetric solver").
 *
 * Kendall et al.'s amplifier after a hidden node h is three SPICE elements
 * (circuits/layered.ts writes them so):
 *
 *     EA a_i 0 h 0 A      V(a_i) = A V(h)
 *     VA a_i a DC 0       0 V ammeter: I(VA) = the current the next crossbar draws from a
 *     FA h 0 VA 1/A       I(VA) / A drawn from h to ground
 *
 * As MNA elements they make the matrix unsymmetric (dense LU). But with a
 * scale s_n per node (1 upstream of the first amplifiers, A after one, A^2
 * after two, ...) and V_n = s_n V'_n, the amplifier output a is V'_a = V'_h,
 * i.e. a merges into h, and KCL at node n divided by s_n is the gradient of
 * E'(V') = sum_k E_k(S V') / s_k^2: the Jacobian becomes C^-1 J C
 * (C = diag(s)), symmetric, and SPD for monotone devices.
 *
 * This module finds such triples when a circuit is built and lays out the
 * reduced unknowns: a_i and a become *dependents* of h (no unknowns of their
 * own; V = A V(h)), and EA, VA and FA leave the device list. Devices keep
 * stamping as they always do, in physical voltages: every device's terminals
 * share one scale s (checked here), so its matrix entries are unchanged by
 * the similarity and only its right-hand side is divided by s. The engine
 * does that by giving each dependent node a row of its own in the
 * right-hand side ("virtual row") and folding rows into unknowns with 1/s
 * (Engine: fold). The absorbed sources' currents come from KCL afterwards,
 * like those of the sources that fix nodes (`addCurrents`).
 *
 * A triple is recognized only when exactly that structure holds: E from a_i
 * to ground controlled by (h, ground), gain A > 0; a 0 V DC source from a_i
 * to a that controls only F; F from h to ground with gain 1/A (to 4 ulp);
 * nothing else on a_i; h a free node that is not itself an amplifier output;
 * no capacitor, `.ic` or `*@output` on a. The reduction is used only when
 * the scales are consistent: every device (and every output pair) joins
 * nodes of one scale, no node is reached with two different scales, and
 * devices with branch unknowns (floating or controlling V sources, E, F, H
 * other than the amplifiers') touch only nodes of scale 1. Otherwise the
 * circuit is built exactly as before (no reduction).
 */
import { definesVoltage, type Device } from "../devices/types.js";
import { Cccs, Vcvs } from "../devices/controlled/controlled.js";
import { VoltageSource } from "../devices/sources/sources.js";
import { UnionFind } from "./union-find.js";

/** One recognized amplifier: nodes and the three elements it replaces. */
export interface Amplifier {
  /** Input node (the hidden unit). */
  h: number;
  /** VCVS output node a_i and amplifier output node a: both V = gain V(h). */
  ai: number;
  a: number;
  /** Forward voltage gain A (EA's gain). */
  gain: number;
  /** Backward current gain (FA's gain, 1/A). */
  back: number;
  e: Vcvs;
  v: VoltageSource;
  f: Cccs;
}

/** What the search needs from the circuit builder. */
export interface AmplifierSearch {
  /** Every device the circuit would load (the resistor bank included). */
  devices: readonly Device[];
  /** Terminals of every resistor of the bank. */
  resistorA: Int32Array;
  resistorB: Int32Array;
  nNodes: number;
  /** 1 for ground and nodes fixed by voltage sources. */
  fixed: Uint8Array;
  /** Voltage sources eliminated because they fix a node (they stamp nothing). */
  eliminated: ReadonlySet<Device>;
  /** Element by name (controlling sources of F and H). */
  byName(name: string): Device | undefined;
  /** How many elements read the current of the voltage branch of that name (F, H, B's i()). */
  readers(name: string): number;
  /** `*@output` node pairs (neg = 0 for a single-ended output). */
  outputs: ReadonlyArray<readonly [number, number]>;
  /** Nodes named by `.ic`. */
  icNodes: Iterable<number>;
}

/** Relative tolerance when two paths assign a node group a scale. */
const SCALE_TOL = 1e-12;

/**
 * The circuit's amplifiers, reduced: per-node scales, dependent nodes, and
 * (after `layout`) the engine's row layout. Built by `findAmplifiers`.
 */
export class AmplifierReduction {
  /** Physical V = s V' per node; 0 for ground and fixed nodes (their voltage is known, they have no V'). */
  readonly nodeScale: Float64Array;
  /** Elements replaced by the reduction (they are not in circuit.devices). */
  readonly absorbed: ReadonlySet<Device>;
  /** 1 for the amplifier outputs (a_i and a), by node. */
  readonly dependent: Uint8Array;
  /** Dependent nodes (a_i and a of each amplifier), with V(node) = ratio V(rep). */
  readonly depNode: Int32Array;
  readonly depRep: Int32Array;
  readonly depRatio: Float64Array;
  /** Backward gain of each dependent: its effective adjoint is back * lambda(rep). */
  readonly depBack: Float64Array;
  /** Names of the absorbed sources' branch currents: every VA, then every EA (A, + through the source to -). */
  readonly branchNames: string[];

  // ---- row layout, set by layout() once the builder has numbered the unknowns
  /** Row of each node: its unknown, n + d for dependent d, -1 for ground and fixed nodes. */
  rowOfNode!: Int32Array;
  /** Unknown of each dependent's representative. */
  depUnknown!: Int32Array;
  /** 1 / scale of each dependent node. */
  depInvScale!: Float64Array;
  /** Scale of each unknown (node unknowns: their node's scale; branch unknowns: 1). */
  unknownScale!: Float64Array;
  unknownInvScale!: Float64Array;
  private unknownOfNode!: Int32Array;
  private lam: Float64Array | null = null;

  constructor(
    readonly amps: readonly Amplifier[],
    nodeScale: Float64Array,
  ) {
    this.nodeScale = nodeScale;
    this.dependent = new Uint8Array(nodeScale.length);
    const absorbed = new Set<Device>();
    const dn: number[] = [];
    const dr: number[] = [];
    const ratio: number[] = [];
    const back: number[] = [];
    for (const amp of amps) {
      absorbed.add(amp.e).add(amp.v).add(amp.f);
      for (const node of [amp.ai, amp.a]) {
        dn.push(node);
        this.dependent[node] = 1;
        dr.push(amp.h);
        ratio.push(amp.gain);
        back.push(amp.back);
      }
    }
    this.absorbed = absorbed;
    this.depNode = Int32Array.from(dn);
    this.depRep = Int32Array.from(dr);
    this.depRatio = Float64Array.from(ratio);
    this.depBack = Float64Array.from(back);
    this.branchNames = [...amps.map((a) => a.v.name), ...amps.map((a) => a.e.name)];
  }

  /** Set the row layout from the builder's numbering (n unknowns, dependents excluded). */
  layout(unknownOfNode: Int32Array, nodeOfUnknown: Int32Array, n: number): void {
    this.unknownOfNode = unknownOfNode;
    const rows = Int32Array.from(unknownOfNode);
    const nd = this.depNode.length;
    this.depUnknown = new Int32Array(nd);
    this.depInvScale = new Float64Array(nd);
    for (let d = 0; d < nd; d++) {
      rows[this.depNode[d]] = n + d;
      this.depUnknown[d] = unknownOfNode[this.depRep[d]];
      this.depInvScale[d] = 1 / this.nodeScale[this.depNode[d]];
    }
    this.rowOfNode = rows;
    this.unknownScale = new Float64Array(n).fill(1);
    for (let u = 0; u < nodeOfUnknown.length; u++) this.unknownScale[u] = this.nodeScale[nodeOfUnknown[u]];
    this.unknownInvScale = this.unknownScale.map((s) => 1 / s);
  }

  /**
   * Complete a KCL sum with the absorbed elements: `out` holds the current
   * leaving every node through every other device (A); the amplifiers'
   * currents are the ones that make KCL hold at a_i and a (as for the
   * sources that fix nodes). Adds them to `out`, and writes the branch
   * currents (in `branchNames` order) into `branch` when given.
   */
  addCurrents(out: Float64Array, branch?: Float64Array): void {
    const amps = this.amps;
    const m = amps.length;
    for (let k = 0; k < m; k++) {
      const { h, ai, a, back } = amps[k];
      const iv = out[a]; // through VA, from a_i into a: what the devices on a draw
      const ie = -out[ai] - iv; // through EA, from a_i to ground
      out[a] -= iv;
      out[ai] += iv + ie;
      out[0] -= ie;
      const iF = back * iv; // through FA, from h to ground
      out[h] += iF;
      out[0] -= iF;
      if (branch) {
        branch[k] = iv;
        branch[m + k] = ie;
      }
    }
  }

  /**
   * Effective adjoint of every node from the physical adjoint of the
   * unknowns (lambda, length n): lambda(u) at a node's own unknown, back *
   * lambda(rep) at a dependent, 0 at ground and fixed nodes. Then
   * dL/dg = -(lam_a - lam_b)(V_a - V_b) for a conductance anywhere.
   * Without `into`, the result is a buffer of this object, valid until the next call.
   */
  nodeAdjoint(lambda: Float64Array, into: Float64Array = (this.lam ??= new Float64Array(this.nodeScale.length))): Float64Array {
    const u = this.unknownOfNode;
    for (let node = 0; node < u.length; node++) into[node] = u[node] >= 0 ? lambda[u[node]] : 0;
    for (let d = 0; d < this.depNode.length; d++) into[this.depNode[d]] = this.depBack[d] * lambda[this.depUnknown[d]];
    return into;
  }

  /** Scale of a device or conductance with these terminals (the free ones share one; 1 when none is free). */
  scaleOf(nodes: ArrayLike<number>): number {
    let s = 0;
    for (let i = 0; i < nodes.length; i++) s = Math.max(s, this.nodeScale[nodes[i]]);
    return s > 0 ? s : 1;
  }

  /**
   * The energy of the reduced circuit, E'(V') = sum_k E_k(V) / s_k^2 (W, at
   * physical voltages V): its gradient over the transformed free voltages is
   * KCL divided by each node's scale, so the operating point minimizes it.
   * `bank` is the circuit's resistor bank (one scale per resistor).
   */
  energy(devices: readonly Device[], bank: { na: Int32Array; nb: Int32Array; g: Float64Array }, V: Float64Array, time: number): number {
    const s = this.nodeScale;
    let e = 0;
    for (const d of devices) {
      if (!d.cocontent) continue;
      if (d === (bank as unknown)) {
        const { na, nb, g } = bank;
        for (let k = 0; k < g.length; k++) {
          const v = V[na[k]] - V[nb[k]];
          const sk = Math.max(s[na[k]], s[nb[k]]) || 1;
          e += (0.5 * g[k] * v * v) / (sk * sk);
        }
        continue;
      }
      const sd = this.scaleOf(d.nodes);
      e += d.cocontent(V, time) / (sd * sd);
    }
    return e;
  }
}

/** A device with a branch unknown, or one reading a branch current: its nodes keep scale 1. */
function isBranchDevice(d: Device, eliminated: ReadonlySet<Device>): boolean {
  return (definesVoltage(d) && !eliminated.has(d)) || d.readsBranch === true;
}

/**
 * Recognize the circuit's amplifier triples and their scales (see the file
 * comment). Null when there are none, or when the scales are inconsistent
 * (the circuit is then built without reduction).
 */
export function findAmplifiers(s: AmplifierSearch): AmplifierReduction | null {
  const { devices, fixed, eliminated, nNodes } = s;
  // The one place that matches element kinds: it recognizes a macro written
  // with them (an F, its 0 V ammeter V and an E, as the file comment draws).
  const fs = devices.filter((d): d is Cccs => d instanceof Cccs);
  if (fs.length === 0) return null;

  // How many element terminals touch each node, and how often each source is a control.
  const touches = new Int32Array(nNodes);
  for (let e = 0; e < s.resistorA.length; e++) {
    touches[s.resistorA[e]]++;
    touches[s.resistorB[e]]++;
  }
  for (const d of devices) for (const node of d.nodes) touches[node]++;
  const blocked = new Uint8Array(nNodes); // a nodes that must stay ordinary
  for (const [p, q] of s.outputs) blocked[p] = blocked[q] = 1;
  for (const node of s.icNodes) blocked[node] = 1;
  // nodes of devices that store energy (capacitors, inductors, device charges) stay ordinary
  for (const d of devices) if (d.power === "stores" || d.chargeNodes) for (const node of d.nodes) blocked[node] = 1;

  const vcvsAt = new Map<number, Vcvs>();
  for (const d of devices) if (d instanceof Vcvs) vcvsAt.set(d.a, d);
  const candidates: Amplifier[] = [];
  for (const f of fs) {
    const v = s.byName(f.ctrl);
    if (!(v instanceof VoltageSource) || s.readers(f.ctrl) !== 1) continue;
    if (v.value.dc !== 0 || v.value.wave.kind !== "dc" || v.value.wave.value !== 0) continue;
    const h = f.a;
    const ai = v.a;
    const a = v.b;
    if (f.b !== 0 || h === 0 || fixed[h] || ai === 0 || a === 0 || fixed[ai] || fixed[a]) continue;
    if (ai === a || ai === h || a === h || touches[ai] !== 2 || blocked[a] || blocked[ai]) continue;
    const e = vcvsAt.get(ai);
    if (!e || e.b !== 0 || e.c !== h || e.d !== 0 || s.readers(e.name) > 0) continue;
    const A = e.gain;
    if (!(A > 0 && Number.isFinite(A)) || !(Math.abs(f.gain * A - 1) <= 4 * Number.EPSILON)) continue;
    candidates.push({ h, ai, a, gain: A, back: f.gain, e, v, f });
  }
  // An amplifier whose input is another's output (a chain) stays ordinary.
  const isOut = new Uint8Array(nNodes);
  for (const c of candidates) isOut[c.ai] = isOut[c.a] = 1;
  const amps = candidates.filter((c) => !isOut[c.h]);
  if (amps.length === 0) return null;
  const absorbed = new Set<Device>();
  for (const c of amps) absorbed.add(c.e).add(c.v).add(c.f);

  // Groups of free nodes joined by devices (one scale each).
  const uf = new UnionFind(nNodes);
  const join = (p: number, q: number): void => {
    if (!fixed[p] && !fixed[q]) uf.union(p, q);
  };
  for (let e = 0; e < s.resistorA.length; e++) join(s.resistorA[e], s.resistorB[e]);
  const unit = new Uint8Array(nNodes); // nodes that must keep scale 1 (branch devices)
  for (const d of devices) {
    if (absorbed.has(d)) continue;
    const ns = d.nodes;
    for (let i = 1; i < ns.length; i++) join(ns[0], ns[i]);
    if (isBranchDevice(d, eliminated)) for (const node of ns) if (!fixed[node]) unit[node] = 1;
  }
  for (const [p, q] of s.outputs) join(p, q);
  for (const c of amps) uf.union(c.ai, c.a);

  // Scales: BFS over the amplifiers between groups, s(group of a) = A s(group of h).
  const scale = new Float64Array(nNodes); // by group root; 0 = not reached
  const byGroup = new Map<number, number[]>();
  const gh = amps.map((c) => uf.find(c.h));
  const ga = amps.map((c) => uf.find(c.a));
  amps.forEach((_, k) => {
    for (const g of [gh[k], ga[k]]) {
      let list = byGroup.get(g);
      if (!list) byGroup.set(g, (list = []));
      list.push(k);
    }
  });
  const hasInput = new Uint8Array(nNodes);
  for (const g of ga) hasInput[g] = 1;
  const unitGroup = new Uint8Array(nNodes);
  for (let node = 1; node < nNodes; node++) if (unit[node]) unitGroup[uf.find(node)] = 1;
  for (let k0 = 0; k0 < amps.length; k0++) {
    if (scale[gh[k0]] !== 0) continue;
    const comp = [gh[k0]];
    scale[gh[k0]] = 1;
    for (let q = 0; q < comp.length; q++) {
      const g = comp[q];
      for (const k of byGroup.get(g)!) {
        const up = gh[k] === g;
        const other = up ? ga[k] : gh[k];
        const want = up ? scale[g] * amps[k].gain : scale[g] / amps[k].gain;
        if (scale[other] === 0) {
          scale[other] = want;
          comp.push(other);
        } else if (Math.abs(scale[other] - want) > SCALE_TOL * want) return null;
      }
    }
    // Normalize: scale 1 on the group of a branch device if any, else on a group no amplifier drives.
    const ref = comp.find((g) => unitGroup[g]) ?? comp.find((g) => !hasInput[g]) ?? comp[0];
    const f = 1 / scale[ref];
    for (const g of comp) {
      scale[g] *= f;
      if (unitGroup[g] && Math.abs(scale[g] - 1) > SCALE_TOL) return null;
    }
  }
  const nodeScale = new Float64Array(nNodes);
  for (let node = 1; node < nNodes; node++) {
    if (fixed[node]) continue;
    const g = scale[uf.find(node)];
    nodeScale[node] = g > 0 ? g : 1;
  }
  return new AmplifierReduction(amps, nodeScale);
}
