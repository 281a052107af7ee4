/**
 * Circuit builder: elaborated element specs -> Circuit. Numbers nodes,
 * creates devices, checks topology (DC path to ground, voltage-source loops),
 * eliminates nodes fixed by grounded voltage sources, and resolves the
 * training annotations.
 */
import { ownBankMemory, type BankStorage } from "../devices/bank-memory.js";
import { NetlistError, InputError, type SourceLoc } from "../util/errors.js";
import type { Elaborated, ElementSpec } from "../netlist/elaborate.js";
import { crossbarElements, globMatch, type Annotations } from "../netlist/annotations.js";
import type { Device } from "../devices/types.js";
import { Resistor, ResistorBank } from "../devices/resistor.js";
import { Capacitor } from "../devices/capacitor.js";
import { Diode } from "../devices/diode.js";
import { junctionAt } from "../devices/diode-model.js";
import { Mosfet } from "../devices/mosfet.js";
import { mosInstanceAt } from "../devices/mosfet-model.js";
import { Bjt } from "../devices/bjt.js";
import { bjtInstanceAt } from "../devices/bjt-model.js";
import { CurrentSource, VoltageSource } from "../devices/sources.js";
import { Cccs, Ccvs, Vccs, Vcvs } from "../devices/controlled.js";
import { BSource } from "../devices/bsource.js";
import { Inductor, Mutual } from "../devices/inductor.js";
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
   * a place in a bank memory (devices/bank-memory.ts), where the SIMD
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
  /** Sources whose branch current controls another element (F, H, B's i()): they keep their branch unknown. */
  const controlling = new Set<string>();
  const ctrlRefs: Array<{ dev: Cccs | Ccvs; loc: SourceLoc }> = [];
  const bSpecs: Array<{ dev: BSource; spec: Extract<ElementSpec, { type: "b" }> }> = [];
  const kSpecs: Array<Extract<ElementSpec, { type: "k" }>> = [];
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
    const n = s.nodes.map((nm, t) => node(nm, s, t));
    let dev: Device;
    switch (s.type) {
      case "c":
        dev = new Capacitor(s.name, n[0], n[1], s.farads, s.ic);
        break;
      case "l":
        dev = new Inductor(s.name, n[0], n[1], s.henries, s.ic);
        break;
      case "k":
        // the inductors it couples are resolved after every element is built (a K may precede its L lines)
        kSpecs.push(s);
        deviceLoc.set(s.name, s.loc);
        continue;
      case "d": {
        const jp = junctionAt(s.model, s.area, el.options.temp, s.m ?? 1, el.options.reltol);
        const rs = s.model.rs / s.area;
        const ai = rs > 0 ? internalNode(`${s.name}#internal`, s) : n[0];
        const d = new Diode(s.name, n[0], n[1], ai, jp, rs > 0 ? 1 / rs : 0);
        d.gmin = el.options.gmin;
        dev = d;
        break;
      }
      case "m": {
        const p = mosInstanceAt(s.model, s.geometry, el.options.temp);
        // RD / RS (or RSH * NRD / NRS) put internal nodes between the terminals and the channel, as ngspice's mos1set.c.
        const di = p.gd > 0 ? internalNode(`${s.name}#drain`, s) : n[0];
        const si = p.gs > 0 ? internalNode(`${s.name}#source`, s) : n[2];
        const m = new Mosfet(s.name, n[0], n[1], n[2], n[3], di, si, p);
        m.gmin = el.options.gmin;
        dev = m;
        break;
      }
      case "q": {
        const p = bjtInstanceAt(s.model, s.area, s.m, el.options.temp);
        // RC, RB, RE put internal nodes between the terminals and the transistor, as ngspice's bjtsetup.c (RB by the model's value).
        const ci = s.model.rc !== 0 ? internalNode(`${s.name}#collector`, s) : n[0];
        const bi = s.model.rb !== 0 ? internalNode(`${s.name}#base`, s) : n[1];
        const ei = s.model.re !== 0 ? internalNode(`${s.name}#emitter`, s) : n[2];
        const q = new Bjt(s.name, n[0], n[1], n[2], n[3], ci, bi, ei, p);
        q.gmin = el.options.gmin;
        dev = q;
        break;
      }
      case "v":
        dev = new VoltageSource(s.name, n[0], n[1], s.source);
        break;
      case "i":
        dev = new CurrentSource(s.name, n[0], n[1], s.source);
        break;
      case "e":
        dev = new Vcvs(s.name, n[0], n[1], n[2], n[3], s.gain);
        break;
      case "g":
        dev = new Vccs(s.name, n[0], n[1], n[2], n[3], s.gain);
        break;
      case "b": {
        // controlling nodes are resolved after every element has named its nodes (a v() may name a later one)
        const d = new BSource(s.name, s.kind, n[0], n[1], s.expr, s.loc);
        bSpecs.push({ dev: d, spec: s });
        dev = d;
        break;
      }
      case "f":
      case "h": {
        const d = s.type === "f" ? new Cccs(s.name, n[0], n[1], s.ctrl, s.gain) : new Ccvs(s.name, n[0], n[1], s.ctrl, s.gain);
        ctrlRefs.push({ dev: d, loc: s.loc });
        dev = d;
        break;
      }
    }
    devices.push(dev);
    deviceByName.add(s.name, dev);
    deviceLoc.set(s.name, s.loc);
  }
  // ---- B sources: v() must name a node of the circuit, i() a voltage source (V, E, H or a V= B source)
  for (let j = 0; j < bSpecs.length; j++) {
    const { spec } = bSpecs[j];
    const probes = spec.expr.probes;
    const ctrl = probes.map((p) => {
      if (p.kind === "i") return -1;
      const k = nodeIndex.get(p.name);
      if (k === undefined) throw new NetlistError(`${spec.name}: v(${p.name}): no node '${p.name}' in the circuit`, p.loc);
      return k;
    });
    for (let k = 0; k < probes.length; k++) {
      const p = probes[k];
      if (p.kind !== "i") continue;
      const c = deviceByName.get(p.name);
      if (!c) throw new NetlistError(`${spec.name}: i(${p.name}): no voltage source named '${p.name}'`, p.loc);
      if (!(c instanceof VoltageSource || c instanceof Vcvs || c instanceof Ccvs || (c instanceof BSource && c.kind === "v"))) {
        throw new NetlistError(`${spec.name}: i(${p.name}): '${p.name}' is not a voltage source (V, E, H or a V= B source): its current is not a branch unknown`, p.loc);
      }
      controlling.add(p.name);
    }
    bSpecs[j].dev.bind(ctrl);
  }
  // ---- K: mutual couplings name two distinct inductors, each pair once
  const coupled = new Set<string>();
  for (const s of kSpecs) {
    const ls = [s.l1, s.l2].map((nm, j) => {
      const d = deviceByName.get(nm);
      if (!(d instanceof Inductor)) throw new NetlistError(`${s.name}: no inductor named '${nm}'`, s.ctrlToks[j].loc);
      return d;
    });
    if (ls[0] === ls[1]) throw new NetlistError(`${s.name}: couples inductor '${s.l1}' with itself`, s.ctrlToks[1].loc);
    const pair = [s.l1, s.l2].sort().join(" ");
    if (coupled.has(pair)) throw new NetlistError(`${s.name}: inductors '${s.l1}' and '${s.l2}' are already coupled`, s.loc);
    coupled.add(pair);
    if (deviceByName.has(s.name)) duplicate(s);
    const dev = new Mutual(s.name, ls[0], ls[1], s.k);
    devices.push(dev);
    deviceByName.add(s.name, dev);
  }
  const fastDup = deviceByName.fastDuplicate();
  if (fastDup !== undefined) duplicateAt(fastDup, fast.loc(fast.find(fastDup)), locOf(fastDup)!);
  const nNodes = nodeNames.length;
  if (devices.length === 0 && rCount === 0) throw new InputError(`${el.file}: the netlist has no elements`);
  // The bank shares the views' storage: writing a view's g changes what the bank stamps.
  const bank = new ResistorBank(rA, rB, rG);
  if (rCount > 0) devices.unshift(bank);

  // ---- controlling sources of F/H must be branch currents

  for (const { dev, loc } of ctrlRefs) {
    const c = deviceByName.get(dev.ctrl);
    if (!c) throw new NetlistError(`${dev.name}: unknown controlling source '${dev.ctrl}'`, loc);
    if (!(c instanceof VoltageSource || c instanceof Vcvs || c instanceof Ccvs)) {
      throw new NetlistError(`${dev.name}: controlling element '${dev.ctrl}' must be a voltage source (V, E or H)`, loc);
    }
    controlling.add(dev.ctrl);
  }

  // ---- topology: voltage-source loops and DC paths to ground
  const vloop = new UnionFind(nNodes);
  const anyInductor = devices.some((d) => d instanceof Inductor);
  for (const d of devices) {
    if (d instanceof VoltageSource || d instanceof Vcvs || d instanceof Ccvs || (d instanceof BSource && d.kind === "v") || d instanceof Inductor) {
      if (!vloop.union(d.nodes[0], d.nodes[1])) {
        // an inductor is a short in DC: a loop of them and voltage sources is singular (ngspice too)
        throw new NetlistError(`${d.name} closes a loop of voltage sources${anyInductor ? " and inductors" : ""} (between nodes ${nodeNames[d.nodes[0]]} and ${nodeNames[d.nodes[1]]})`, locOf(d.name)!);
      }
    }
  }
  if (!opts.allowFloating) {
    const dc = new UnionFind(nNodes);
    // Plain resistor lines: the parser's lane has joined their nodes already; join each to its representative.
    const roots = fast.nodeRoots();
    for (let id = 0; id < roots.length; id++) dc.union(fastNodeNumber[id], fastNodeNumber[roots[id]]);
    for (let e = nFast; e < rCount; e++) dc.union(rA[e], rB[e]);
    for (const d of devices) {
      if (d instanceof VoltageSource || d instanceof Vcvs || d instanceof Ccvs || (d instanceof BSource && d.kind === "v") || d instanceof Inductor) dc.union(d.nodes[0], d.nodes[1]);
      else if (d instanceof Diode) {
        dc.union(d.a, d.k);
        dc.union(d.a, d.ai);
      } else if (d instanceof Mosfet) {
        // drain, source and bulk are joined by the junctions' GMIN and the series resistances; the gate is not
        dc.union(d.d, d.di);
        dc.union(d.s, d.si);
        dc.union(d.di, d.b);
        dc.union(d.si, d.b);
      } else if (d instanceof Bjt) {
        // every terminal is joined through the junctions' GMIN (the substrate's too) and the series resistances
        for (const k of [d.c, d.b, d.e, d.s, d.bi, d.ei]) dc.union(d.ci, k);
      }
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
  const vs = devices.filter((d): d is VoltageSource => d instanceof VoltageSource && !controlling.has(d.name));
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
  // a non-reciprocal B source may join nodes of different amplifier scales: no reduction then
  const amps = opts.reduceAmplifiers === false || bSpecs.some((b) => !b.dev.symmetric) ? null : findAmplifiers({
    devices,
    resistorA: rA,
    resistorB: rB,
    nNodes,
    fixed: fixedFlag,
    eliminated,
    byName: (name) => deviceByName.get(name),
    outputs: outputPairs(ann, nodeIndex),
    icNodes: [...el.ics.keys()].map((name) => nodeIndex.get(name) ?? 0),
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
    if ((d instanceof VoltageSource && !eliminated.has(d)) || d instanceof Vcvs || d instanceof Ccvs || (d instanceof BSource && d.kind === "v") || d instanceof Inductor) {
      d.k = nFree + branchNames.length;
      branchNames.push(d.name);
    }
  }
  for (const { dev } of ctrlRefs) {
    const c = deviceByName.get(dev.ctrl) as VoltageSource | Vcvs | Ccvs;
    dev.kctrl = c.k;
  }
  for (const { dev } of bSpecs) {
    dev.expr.probes.forEach((p, k) => {
      if (p.kind === "i") dev.ctrl[k] = (deviceByName.get(p.name) as VoltageSource | Vcvs | Ccvs | BSource).k;
    });
  }
  amps?.layout(unknownOfNode, nodeOfUnknown, nFree + branchNames.length);

  const ics = new Map<number, number>();
  for (const [name, v] of el.ics) {
    const k = nodeIndex.get(name);
    if (k === undefined) throw new InputError(`${el.file}: .ic names unknown node '${name}'`);
    ics.set(k, v);
  }

  const circuit: Circuit = {
    title: el.title,
    file: el.file,
    options: el.options,
    tran: el.tran,
    ics,
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
    if (!(d instanceof VoltageSource)) throw new NetlistError(`*@input: '${name}' is not a voltage source`, loc);
    return d;
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
