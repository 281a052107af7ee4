/**
 * Circuit builder: elaborated element specs -> Circuit. Numbers nodes,
 * makes each element's device through the registry (devices/registry.ts),
 * lets the devices resolve their references to one another, checks the
 * topology (DC path to ground, voltage-branch loops) by asking the devices,
 * eliminates nodes fixed by grounded voltage sources, and resolves the
 * training annotations. It tests no device types: a new device needs no
 * edit here.
 */
import { ownBankMemory, type BankStorage } from "../devices/resistor/bank-memory.js";
import { NetlistError, InputError, type SourceLoc } from "../util/errors.js";
import type { Elaborated, ElementSpec } from "../netlist/elaborate.js";
import { crossbarElements, globMatch, type Annotations } from "../netlist/annotations.js";
import { definesVoltage, type Device, type ResolveContext } from "../devices/types.js";
import { Resistor, ResistorBank } from "../devices/resistor/resistor.js";
import { CurrentSource, type VoltageSource } from "../devices/sources/sources.js";
import type { MakeDevice } from "../devices/kind.js";
import { DEVICE_KINDS } from "../devices/registry.js";
import type { Circuit, FixedNode, TrainingPorts } from "./circuit.js";
import { DeviceTable } from "./device-table.js";
import { findAmplifiers } from "./amplifiers.js";
import { UnionFind } from "./union-find.js";

export interface BuildOptions {
  /** Skip the DC-path check (transient with `uic` may start from capacitor-only nodes). */
  allowFloating?: boolean;
  /**
   * Reduce bidirectional amplifiers onto the symmetric solver (default true;
   * false keeps their E/V/F elements as MNA branches, solved by LU).
   */
  reduceAmplifiers?: boolean;
  /**
   * Storage of the resistor bank's conductances (8 bytes per resistor): the
   * circuit's `resistors.g` is a view of it, and building writes the
   * netlist's values into it: a SharedArrayBuffer of exactly that size, or
   * a place in a bank memory (devices/resistor/bank-memory.ts), where the SIMD
   * kernels work on the conductances in place. Data-parallel training
   * (train/parallel.ts) gives every worker thread's circuit the same one;
   * "bank-memory" makes a bank memory of the right size for this thread
   * (single-threaded training: train/run.ts).
   */
  resistorStorage?: SharedArrayBuffer | BankStorage | "bank-memory";
}

/** The bank's conductance array: a view of the given storage (checked to fit), or a fresh one. */
function resistorArray(given: SharedArrayBuffer | BankStorage | "bank-memory" | undefined, rCount: number): Float64Array {
  if (!given) return new Float64Array(rCount);
  const storage = given === "bank-memory" ? ownBankMemory(rCount) : given;
  if (storage instanceof SharedArrayBuffer) {
    if (storage.byteLength !== 8 * rCount) throw new InputError(`resistorStorage holds ${storage.byteLength / 8} conductances but the netlist has ${rCount} resistors`);
    return new Float64Array(storage);
  }
  const room = (storage.memory.buffer.byteLength - storage.byteOffset) / 8;
  if (room < rCount) throw new InputError(`resistorStorage has room for ${room} conductances but the netlist has ${rCount} resistors`);
  return new Float64Array(storage.memory.buffer, storage.byteOffset, rCount);
}

export function buildCircuit(el: Elaborated, ann?: Annotations, opts: BuildOptions = {}): Circuit {
  const specs: ElementSpec[] = [...el.elements];
  if (ann) {
    for (const cb of ann.crossbars) {
      for (const e of crossbarElements(cb)) specs.push(e);
    }
  }

  // ---- nodes
  const nodeNames: string[] = ["0"];
  const nodeIndex = new Map<string, number>([["0", 0]]);
  const internalFlags: number[] = [0];
  // The first element (and its terminal) naming each node, for error locations:
  // a spec, or a row of the parser's plain-resistor arrays.
  const nodeSpec: Array<ElementSpec | number | null> = [null];
  const nodeTerm: number[] = [-1];
  const node = (name: string, spec: ElementSpec | number, term: number): number => {
    let k = nodeIndex.get(name);
    if (k === undefined) {
      k = nodeNames.length;
      nodeNames.push(name);
      nodeIndex.set(name, k);
      internalFlags.push(0);
      nodeSpec.push(spec);
      nodeTerm.push(term);
    }
    return k;
  };
  const internalNode = (name: string, spec: ElementSpec): number => {
    const k = node(name, spec, -1);
    internalFlags[k] = 1;
    return k;
  };

  // ---- devices (resistors go to one bank, stamped by one loop; the views keep their names)
  const fast = el.fastR;
  const rCount = fast.count + specs.reduce((k, s) => k + (s.type === "r" ? 1 : 0), 0);
  const rA = new Int32Array(rCount);
  const rB = new Int32Array(rCount);
  const rG = resistorArray(opts.resistorStorage, rCount);
  const devices: Device[] = [];
  const deviceByName = new DeviceTable(rA, rB, rG, fast);
  const deviceLoc = new Map<string, SourceLoc>();
  /** Voltage branches whose current another element reads (F, H, B's i()): they keep their branch unknown. */
  const controlling = new Map<string, number>();
  /** Where an element was defined: resistors carry it themselves (no second map of 10^5 entries). */
  const locOf = (name: string): SourceLoc | undefined => deviceLoc.get(name) ?? (deviceByName.get(name) as Resistor | undefined)?.loc;
  /** Two definitions of `name`: the error points at the later line and names the earlier. */
  const duplicateAt = (name: string, a: SourceLoc, b: SourceLoc): never => {
    const [first, second] = a.file === b.file && a.line > b.line ? [b, a] : [a, b];
    throw new NetlistError(`duplicate element name '${name}' (first defined at ${first.file}:${first.line}:${first.col})`, second);
  };
  // Plain resistor lines are registered before other elements, so the earlier name may be either.
  const duplicate = (s: ElementSpec): never => duplicateAt(s.name, locOf(s.name)!, s.loc);
  // Plain top-level resistor lines first (file order): no spec objects, names
  // already unique among them, node names already interned by the parser.
  // Node numbers in order of first appearance, as if numbered row by row.
  const { nodeNames: fastNodes, nodeFirstRow, nodeFirstTerm } = fast;
  const fastNodeNumber = new Int32Array(fastNodes.length);
  for (let id = 0; id < fastNodes.length; id++) fastNodeNumber[id] = node(fastNodes[id], nodeFirstRow[id], nodeFirstTerm[id]);
  const nFast = fast.count;
  fast.fillBank(fastNodeNumber, rA, rB, rG);
  let rk = nFast; // next bank slot
  for (const s of specs) {
    if (s.type === "r") {
      rA[rk] = node(s.nodes[0], s, 0);
      rB[rk] = node(s.nodes[1], s, 1);
      rG[rk] = 1 / s.ohms;
      if (!deviceByName.addResistor(s.name, rk, s.loc)) duplicate(s);
      rk++;
      continue;
    }
    if (deviceByName.has(s.name)) duplicate(s);
    const nodes = s.nodes.map((nm: string, t: number) => node(nm, s, t));
    const make = DEVICE_KINDS[s.type] as MakeDevice<typeof s.type>;
    const dev = make(s, { nodes, internalNode: (suffix) => internalNode(`${s.name}#${suffix}`, s), options: el.options });
    devices.push(dev);
    deviceByName.add(s.name, dev);
    deviceLoc.set(s.name, s.loc);
  }
  // ---- references by name (F/H controls, K's inductors, a B source's v() and i()), once every element exists
  const claimed = new Set<string>();
  const resolveCtx: ResolveContext = {
    node: (name) => nodeIndex.get(name),
    device: (name) => deviceByName.get(name),
    readCurrent: (name) => void controlling.set(name, (controlling.get(name) ?? 0) + 1),
    devices,
    claim: (key) => claimed.size !== claimed.add(key).size,
  };
  for (const d of devices) d.resolve?.(resolveCtx);
  const fastDup = deviceByName.fastDuplicate();
  if (fastDup !== undefined) duplicateAt(fastDup, fast.loc(fast.find(fastDup)), locOf(fastDup)!);
  const nNodes = nodeNames.length;
  if (devices.length === 0 && rCount === 0) throw new InputError(`${el.file}: the netlist has no elements`);
  // The bank shares the views' storage: writing a view's g changes what the bank stamps.
  const bank = new ResistorBank(rA, rB, rG);
  if (rCount > 0) devices.unshift(bank);

  // ---- topology: voltage-source loops and DC paths to ground
  const vloop = new UnionFind(nNodes);
  const anyInductor = devices.some((d) => d.definesVoltage && d.power === "stores");
  for (const d of devices) {
    if (definesVoltage(d) && !vloop.union(d.nodes[0], d.nodes[1])) {
      // an inductor is a short in DC: a loop of them and voltage sources is singular (ngspice too)
      throw new NetlistError(`${d.name} closes a loop of voltage sources${anyInductor ? " and inductors" : ""} (between nodes ${nodeNames[d.nodes[0]]} and ${nodeNames[d.nodes[1]]})`, locOf(d.name)!);
    }
  }
  if (!opts.allowFloating) {
    const dc = new UnionFind(nNodes);
    // Plain resistor lines: the parser's lane has joined their nodes already; join each to its representative.
    const roots = fast.nodeRoots();
    for (let id = 0; id < roots.length; id++) dc.union(fastNodeNumber[id], fastNodeNumber[roots[id]]);
    for (let e = nFast; e < rCount; e++) dc.union(rA[e], rB[e]);
    for (const d of devices) {
      if (definesVoltage(d)) dc.union(d.nodes[0], d.nodes[1]);
      for (const group of d.dcGroups?.() ?? []) for (let j = 1; j < group.length; j++) dc.union(group[0], group[j]);
    }
    const g = dc.find(0);
    for (let k = 1; k < nNodes; k++) {
      if (dc.find(k) !== g) {
        const s = nodeSpec[k]!;
        const loc = typeof s === "number" ? fast.loc(s, nodeTerm[k]) : (s.nodeToks?.[nodeTerm[k]]?.loc ?? s.loc);
        throw new NetlistError(`node '${nodeNames[k]}' has no DC path to ground`, loc);
      }
    }
  }

  // ---- fixed nodes: BFS from ground over voltage sources not used as controls
  const fixedFlag = new Uint8Array(nNodes);
  fixedFlag[0] = 1;
  const fixed: FixedNode[] = [];
  const vs = devices.filter((d): d is VoltageSource => d.fixesNodes === true && !controlling.has(d.name));
  let progress = true;
  const eliminated = new Set<VoltageSource>();
  while (progress) {
    progress = false;
    for (const s of vs) {
      if (eliminated.has(s)) continue;
      if (fixedFlag[s.b] && !fixedFlag[s.a]) {
        fixed.push({ node: s.a, ref: s.b, source: s, sign: +1 });
        fixedFlag[s.a] = 1;
      } else if (fixedFlag[s.a] && !fixedFlag[s.b]) {
        fixed.push({ node: s.b, ref: s.a, source: s, sign: -1 });
        fixedFlag[s.b] = 1;
      } else continue;
      eliminated.add(s);
      progress = true;
    }
  }

  // ---- bidirectional amplifiers: outputs become dependents of their inputs (see amplifiers.ts)
  // a nonlinear non-reciprocal device (a B source) may join nodes of different amplifier scales: no reduction then
  const amps = opts.reduceAmplifiers === false || devices.some((d) => !d.linear && !d.symmetric) ? null : findAmplifiers({
    devices,
    resistorA: rA,
    resistorB: rB,
    nNodes,
    fixed: fixedFlag,
    eliminated,
    byName: (name) => deviceByName.get(name),
    readers: (name) => controlling.get(name) ?? 0,
    outputs: outputPairs(ann, nodeIndex),
    icNodes: [...el.ics.keys(), ...el.nodesets.map((ns) => ns.node)].map((name) => nodeIndex.get(name) ?? 0),
  });
  if (amps) {
    for (let i = devices.length - 1; i >= 0; i--) if (amps.absorbed.has(devices[i])) devices.splice(i, 1);
  }

  // ---- unknowns
  const unknownOfNode = new Int32Array(nNodes).fill(-1);
  const nodeOfUnknownList: number[] = [];
  for (let k = 1; k < nNodes; k++) {
    if (!fixedFlag[k] && !amps?.dependent[k]) {
      unknownOfNode[k] = nodeOfUnknownList.length;
      nodeOfUnknownList.push(k);
    }
  }
  const nFree = nodeOfUnknownList.length;
  const nodeOfUnknown = Int32Array.from(nodeOfUnknownList);
  const branchNames: string[] = [];
  for (const d of devices) {
    if (definesVoltage(d) && !eliminated.has(d as VoltageSource)) {
      d.k = nFree + branchNames.length;
      branchNames.push(d.name);
    }
  }
  amps?.layout(unknownOfNode, nodeOfUnknown, nFree + branchNames.length);

  const ics = new Map<number, number>();
  for (const [name, v] of el.ics) {
    const k = nodeIndex.get(name);
    if (k === undefined) throw new InputError(`${el.file}: .ic names unknown node '${name}'`);
    ics.set(k, v);
  }
  // `.nodeset`: the last entry of a node wins, as in ngspice
  const nodesets = new Map<number, number>();
  for (const ns of el.nodesets) {
    const k = nodeIndex.get(ns.node);
    if (k === undefined || k === 0) throw new NetlistError(k === 0 ? `.nodeset v(${ns.node}): the ground node has no nodeset` : `.nodeset names unknown node '${ns.node}'`, ns.loc);
    nodesets.set(k, ns.value);
  }

  const circuit: Circuit = {
    title: el.title,
    file: el.file,
    options: el.options,
    tran: el.tran,
    tranError: el.tranError,
    ics,
    nodesets,
    nodeNames,
    nodeIndex,
    internal: Uint8Array.from(internalFlags),
    devices,
    deviceByName,
    locOf,
    fixed,
    unknownOfNode,
    nodeOfUnknown,
    branchNames,
    n: nFree + branchNames.length,
    nFree,
    symmetric: devices.every((d) => d.symmetric),
    amplifiers: amps,
    nodeScale: amps ? amps.nodeScale : null,
    resistors: bank,
    ports: { inputs: [], outputs: [], trainable: [], biases: [], defaults: [] },
    warnings: el.warnings,
  };
  if (ann) circuit.ports = resolvePorts(circuit, ann, deviceByName);
  return circuit;
}

/** Node pairs of the `*@output` annotation (neg 0 when single-ended); names not found are left to resolvePorts. */
function outputPairs(ann: Annotations | undefined, nodeIndex: Map<string, number>): Array<[number, number]> {
  if (!ann) return [];
  return ann.outputs.map((o) => [nodeIndex.get(o.pos) ?? 0, o.neg ? (nodeIndex.get(o.neg) ?? 0) : 0]);
}

function resolvePorts(c: Circuit, ann: Annotations, table: DeviceTable): TrainingPorts {
  const source = (name: string, loc: SourceLoc): VoltageSource => {
    const d = c.deviceByName.get(name);
    if (!d) throw new NetlistError(`*@input: no element named '${name}'`, loc);
    if (d.fixesNodes !== true) throw new NetlistError(`*@input: '${name}' is not a voltage source`, loc);
    return d as VoltageSource;
  };
  const nodeOf = (name: string, loc: SourceLoc): number => {
    const k = c.nodeIndex.get(name);
    if (k === undefined || k === 0) throw new NetlistError(`*@output: no node named '${name}'`, loc);
    return k;
  };
  const inputs = ann.inputs.map((i) => ({ pos: source(i.pos, i.loc), neg: i.neg ? source(i.neg, i.loc) : undefined }));
  const outputs = ann.outputs.map((o) => ({
    pos: nodeOf(o.pos, o.loc),
    neg: o.neg ? nodeOf(o.neg, o.loc) : undefined,
    name: o.neg ? `${o.pos}-${o.neg}` : o.pos,
  }));
  // Every pattern must match a resistor: checked now (the first match ends the search),
  // so a typo fails at load; the list itself is built when training asks for it.
  // Trainable current sources (signed biases): every current source a *@train pattern names.
  const currentSources = c.devices.filter((d): d is CurrentSource => d instanceof CurrentSource);
  const biases: TrainingPorts["biases"] = [];
  const biasSeen = new Set<CurrentSource>();
  for (const t of ann.train) {
    for (const p of t.patterns) {
      let matched = false;
      // Names start with their element letter: only a pattern that can start with `i` names a current source.
      const maybeSource = /^[i*?]/i.test(p);
      for (const d of maybeSource ? currentSources : []) {
        if (!globMatch(p, d.name)) continue;
        matched = true;
        if (!biasSeen.has(d)) {
          biasSeen.add(d);
          biases.push({ device: d, lr: t.lr });
        }
      }
      if (!matched && table.resistorsMatching(p).next().done) throw new NetlistError(`*@train: pattern '${p}' matches no resistor or current source`, t.loc);
    }
  }
  let trainable: TrainingPorts["trainable"] | null = null;
  const listTrainable = (): TrainingPorts["trainable"] => {
    const list: TrainingPorts["trainable"] = [];
    /** Marks resistors already trainable, by bank index (the first annotation that matches wins). */
    const seen = new Uint8Array(table.resistorCount);
    for (const t of ann.train) {
      for (const p of t.patterns) {
        for (const k of table.resistorsMatching(p)) {
          if (!seen[k]) {
            seen[k] = 1;
            list.push({ device: table.resistor(k), gmin: t.gmin, gmax: t.gmax, lr: t.lr });
          }
        }
      }
    }
    for (const cb of ann.crossbars) {
      if (!cb.train) continue;
      const N = cb.cols.length;
      for (let i = 0; i < cb.rows.length; i++)
        for (let j = 0; j < N; j++) {
          const d = c.deviceByName.get(`r${cb.name}_${i}_${j}`) as Resistor;
          if (!seen[d.index]) {
            seen[d.index] = 1;
            list.push({ device: d, gmin: cb.gmin, gmax: cb.gmax, lr: cb.lr });
          }
        }
    }
    return list;
  };
  return {
    inputs,
    outputs,
    biases,
    defaults: ann.defaults,
    /** Built on first use: `op` on a 10^5-device crossbar never needs it. */
    get trainable() {
      return (trainable ??= listTrainable());
    },
  };
}
