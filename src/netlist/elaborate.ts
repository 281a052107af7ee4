/**
 * Elaboration: ParsedNetlist -> flat list of element specs with numeric
 * values. Flattens `.subckt` instances (ngspice naming: node `x1.mid`,
 * element `r.x1.r1`), evaluates `.param`s and `{expressions}` in scope
 * (with the `.func`s and `temper`), takes the `.if` branches (per
 * instance), resolves resistor models and source functions; device models
 * (diode, MOSFET, BJT) come from elaborate-models.ts.
 */
import { refuseUnreadDefaults } from "./card-defaults.js";
import type { CondPath, ElementCard, IfBlock, ModelCard, OptionEntry, ParamAssign, ParsedNetlist, Scope, SubcktDef } from "./ast.js";
import { NetlistError, clip, formatLoc, type SourceLoc } from "../util/errors.js";
import { ParamEnv, RootScope, evaluateValue, makeFuncTable, type FuncDef, type FuncTable, type ParamScope } from "./expressions.js";
import { parseSpiceNumber } from "./numbers.js";
import type { Token } from "./lexer.js";
import type { FastResistors } from "./fast-resistors.js";
import { CONSTCtoK, type DiodeModelParams } from "../devices/diode/diode-model.js";
import type { SourceValue, TimeDefaults } from "../devices/sources/waveform.js";
import { RES_MODEL_DEFAULTS, RES_MODEL_PARAMS, resistorValue, type ResistorModelParams } from "../devices/resistor/resistor-model.js";
import type { BjtModelParams } from "../devices/bjt/bjt-model.js";
import type { VbicModelParams } from "../devices/vbic/vbic-model.js";
import { compileB, readBLine, type BExpr } from "./bexpr.js";
import { scaleBExpr } from "../devices/bsource/bsource.js";
import { bsim3v1Defaults, bsim3v1Perimeters, evalTok, hasMosModel, mosSizeProblem, resolveBjtModel, resolveModel, resolveMosModel } from "./elaborate-models.js";
import { resolveSwitchModel } from "./switch-model.js";
import { resolveJfetModel } from "./jfet-model-card.js";
import { resolveZModel, type ZModel } from "./mesfet-model-card.js";
import { hasVdmosModel, resolveVdmosModel } from "./vdmos-model-card.js";
import type { VdmosModelParams } from "../devices/vdmos/vdmos-model.js";
import type { JfetModelParams } from "../devices/jfet/jfet-model.js";
import type { SwitchModel } from "../devices/switch/switch.js";
import { behaviouralResistor } from "./b-rewrites.js";
import { checkArgs, isAssignAt, checkOhms, zeroOhmsAsNgspice, instanceTemp, needNodes, parseSource, splitArgs, tempFactor } from "./element-args.js";
import { MOS_GEOMETRY_DEFAULTS, type MosGeometry, type MosModel } from "../devices/mosfet/mosfet-model.js";
import { readXspiceLine, type XspiceSpec } from "../devices/xspice/line.js";
import { pspiceSwitchSpec } from "./pspice-switch.js";
import { insertAutoBridges } from "../devices/xspice/digital/auto-bridge.js";
import { readOLine, readPLine, readTLine, readULine, readYLine, type LineContext } from "./tline-cards.js";

export type ElementSpec = (
  /** perOhm: ohms per ohm of resistance written (tc1/tc2 factor x scale / m), when not 1 (a `.dc` sweep scales its values by it, as ngspice). */
  | { type: "r"; name: string; nodes: [string, string]; ohms: number; perOhm?: number; loc: SourceLoc }
  | { type: "c"; name: string; nodes: [string, string]; farads: number; ic?: number; loc: SourceLoc; /** ngspice's CAPcapac (F): the capacitance before m, as XSPICE's cmeter reads it. */ capac?: number }
  | { type: "l"; name: string; nodes: [string, string]; henries: number; ic?: number; loc: SourceLoc; /** ngspice's INDinduct (H): the inductance before m, as XSPICE's lmeter reads it. */ induct?: number }
  /** Mutual coupling of inductors l1 and l2 (their element names, scoped) with coefficient k. */
  | { type: "k"; name: string; nodes: []; l1: string; l2: string; k: number; ctrlToks: [Token, Token]; loc: SourceLoc }
  | {
      type: "d";
      name: string;
      nodes: [string, string];
      model: DiodeModelParams;
      modelName: string;
      /** Area times the multiplier m. */
      area: number;
      /** The multiplier m alone (it also scales IBV); default 1. */
      m?: number;
      /** `off`: the operating point starts with vd = 0 (ngspice's OFF). */
      off?: boolean;
      loc: SourceLoc;
    }
  | {
      type: "m";
      name: string;
      /** Drain, gate, source, bulk. */
      nodes: [string, string, string, string];
      /** The model after ngspice's preprocessing (KP, VTO, GAMMA, PHI derived where not given). */
      model: MosModel;
      modelName: string;
      geometry: MosGeometry;
      /** `off`: the operating point starts with vgs = vds = vbs = 0 (ngspice's OFF). */
      off?: boolean;
      loc: SourceLoc;
    }
  | {
      /** An M line whose model is a VDMOS card (ngspice's vdmos device). */
      type: "vdmos";
      name: string;
      /** Drain, gate, source; with `thermal` also tj and tcase (the self-heating network's nodes). */
      nodes: string[];
      model: VdmosModelParams;
      modelName: string;
      /** The multiplier m (default 1). */
      m: number;
      /** Device temperature (C): temp=, else the circuit's plus dtemp=. */
      temp: number;
      /** icvds=, icvgs= (or ic=vds,vgs) (V): INITJCT's start when either is nonzero; 0 when not given. */
      icVds: number;
      icVgs: number;
      /** `off`: the operating point starts with vgs = vds = 0 (ngspice's OFF). */
      off?: boolean;
      /** `thermal` (with RTHJC on the card): the self-heating model on nodes tj, tcase. */
      thermal?: boolean;
      loc: SourceLoc;
    }
  | {
      type: "q";
      name: string;
      /** Collector, base, emitter, substrate ("0" when not given, as ngspice). */
      nodes: [string, string, string, string];
      model: BjtModelParams;
      modelName: string;
      /** Area factor (AREA; default 1) and parallel multiplier M (default 1). */
      area: number;
      m: number;
      /** `off`: the operating point starts with vbe = vbc = 0 (ngspice's OFF). */
      off?: boolean;
      loc: SourceLoc;
    }
  | {
      /** A Q line whose model is a VBIC card (BJT level 4 or 9: ngspice's vbic device). */
      type: "vbic";
      name: string;
      /** Collector, base, emitter, substrate, thermal ("0" when not given, as ngspice's inp2q.c). */
      nodes: [string, string, string, string, string];
      model: VbicModelParams;
      modelName: string;
      area: number;
      m: number;
      /** Device temperature (C): the circuit's. */
      temp: number;
      off?: boolean;
      loc: SourceLoc;
    }
  | {
      type: "j";
      name: string;
      /** Drain, gate, source. */
      nodes: [string, string, string];
      model: JfetModelParams;
      modelName: string;
      /** Area factor (AREA; default 1) and parallel multiplier M (default 1). */
      area: number;
      m: number;
      /** Device temperature (C): its temp=, else the circuit's plus its dtemp= (ngspice's jfettemp.c). */
      temp: number;
      /** `off`: the operating point starts with vgs = vgd = 0 (ngspice's OFF). */
      off?: boolean;
      loc: SourceLoc;
    }
  | {
      type: "z";
      name: string;
      /** Drain, gate, source. */
      nodes: [string, string, string];
      model: ZModel;
      modelName: string;
      /** MES: the area (AREA=, or M=, which ngspice 39's MES reads as the area). */
      area: number;
      /** MESA, HFETA: channel length and width L, W (m), parallel multiplier M. */
      l: number;
      w: number;
      m: number;
      /** Device temperature (C): temp=, else the circuit's plus dtemp= (HFETA); MESA's ts=, td= source and drain sides. */
      temp: number;
      ts: number;
      td: number;
      off?: boolean;
      loc: SourceLoc;
    }
  | { type: "v" | "i"; name: string; nodes: [string, string]; source: SourceValue; loc: SourceLoc; /** An XSPICE %i port's 0 V source (a branch of the code model in ngspice, not a V source). */ xspicePort?: true }
  /** E, G: n+, n-, nc+, nc-, or with `poly` n+, n-, then its n controlling pairs nc1+ nc1- ... (gain unused). */
  | { type: "e" | "g"; name: string; nodes: string[]; gain: number; poly?: PolySpec; loc: SourceLoc }
  /** F, H: n+, n-, controlled by voltage branch `ctrl`, or with `poly` by its `ctrls` (ctrl and gain unused). */
  | { type: "f" | "h"; name: string; nodes: [string, string]; ctrl: string; gain: number; poly?: PolySpec; loc: SourceLoc }
  | { type: "b"; name: string; nodes: [string, string]; kind: "v" | "i"; expr: BExpr; loc: SourceLoc }
  /** Voltage-controlled switch: n+, n-, nc+, nc-; `on`: its initial state at an operating point. */
  | { type: "s"; name: string; nodes: [string, string, string, string]; model: SwitchModel; modelName: string; on: boolean; loc: SourceLoc }
  /** Current-controlled switch: n+, n-, controlled by the current of voltage branch `ctrl` (scoped name). */
  | { type: "w"; name: string; nodes: [string, string]; ctrl: string; ctrlLoc: SourceLoc; model: SwitchModel; modelName: string; on: boolean; loc: SourceLoc }
  /** XSPICE code model (`A` line, devices/xspice/line.ts). */
  | XspiceSpec
  /** Lossless transmission line T: pos1, neg1, pos2, neg2; its DC stamp needs Z0 only (TD, F, NL read and checked). */
  | {
      type: "t";
      name: string;
      nodes: [string, string, string, string];
      /** Characteristic impedance (Ohm), delay (s), ngspice's REL and ABS (breakpoint tolerances: 1, V/s). */
      z0: number;
      td: number;
      rel: number;
      abs: number;
      /** Initial port voltages (V) and currents (A, into the positive terminal) for uic. */
      ic: { v1: number; i1: number; v2: number; i2: number };
      loc: SourceLoc;
    }
  /** Lossy transmission line O (LTRA): pos1, neg1, pos2, neg2; its DC two-port by ngspice's special case. */
  | { type: "o"; name: string; nodes: [string, string, string, string]; modelName: string; line: { kind: "rg"; cosh: number; rs: number; gs: number } | { kind: "r"; rlen: number }; loc: SourceLoc }
  /** Lossy lines Y (TXL, one line) and P (CPL, coupled): the in nodes, then the out nodes; rlen[m] = R_mm len. */
  | { type: "p"; name: string; nodes: string[]; modelName: string; rlen: number[]; txl: boolean; loc: SourceLoc }
) & {
  /** The node tokens as written, in the order of `nodes` (error locations). */
  nodeToks?: readonly Token[];
};

/** A POLY(n) controlled source (devices/controlled/poly.ts): its coefficients and, for F and H, its controls. */
export interface PolySpec {
  /** p0, p1, ... in SPICE2's order (at least one). */
  coefs: number[];
  /** F, H: the n controlling voltage branches (scoped names) and where each is written. */
  ctrls?: string[];
  ctrlLocs?: SourceLoc[];
}

/** Simulator options (`.options`), normalized with ngspice's defaults. */
export interface SimOptions {
  /** Conductance across every junction (S). Default 1e-12. */
  gmin: number;
  /** Relative tolerance. Default 1e-3. */
  reltol: number;
  /** Absolute current tolerance (A). Default 1e-12. */
  abstol: number;
  /** Absolute voltage tolerance (V). Default 1e-6. */
  vntol: number;
  /** Circuit temperature (C). Default 27. */
  temp: number;
  /** Newton iteration limit for the DC operating point. Default 100. */
  itl1: number;
  /** Parasitic capacitance from every node to ground (F), for transient relaxation. Default 0. */
  cnode: number;
  /** Nominal temperature (C) of resistor and capacitor tc1/tc2 and of diode models without TNOM. Default 27. */
  tnom: number;
  /**
   * Unit of the lengths written on element lines (m per unit), ngspice's `scale`: a MOSFET's L, W, PD, PS
   * (times scale) and AD, AS (times scale squared), and a resistor's L, W, as written, before the size bin is
   * picked; defaults and model parameters are not scaled (VDMOS, diodes and capacitors neither, as ngspice 39).
   * Default 1.
   */
  scale: number;
  /**
   * ngspice's transient integration method: "trap" (trapezoidal, ngspice's default) or "gear" (`method=gear`:
   * variable-step BDF, which eqspice takes to order 2, ngspice's default MAXORD). The implicit integrator a
   * transient with `--integrator auto` falls back to. Default "trap".
   */
  method: "trap" | "gear";
}

export const DEFAULT_OPTIONS: SimOptions = { gmin: 1e-12, reltol: 1e-3, abstol: 1e-12, vntol: 1e-6, temp: 27, itl1: 100, cnode: 0, tnom: 27, scale: 1, method: "trap" };

/** SPICE2 options ngspice 39 reads and ignores with "option ... is obsolete" (or "currently unsupported"). */
const OBSOLETE_OPTIONS = new Set(["limpts", "lvlcod", "lvltim", "itl3", "cptime", "limtim", "pivrel", "pivtol"]);
const IGNORED_OPTIONS = new Set(["noacct", "nopage", "nomod", "acct", "list", "node", "opts", "numdgt", "trtol", "chgtol", "itl2", "itl4", "itl5", "gshunt", "interp", "keepopinfo", "savecurrents", "klu", "sparse", "norefvalue", "post", "ingold", "rshunt", "maxord", "xmu", "noinit"]);

export interface TranSpec {
  tstep: number;
  tstop: number;
  tstart: number;
  tmax: number;
  uic: boolean;
}

/** One swept quantity of `.dc`: lower-case element name (or "temp"), values in V, A, ohms or C as written (checked by analysis/dc.ts). */
export interface DcSweepSpec {
  name: string;
  start: number;
  stop: number;
  step: number;
  /** Where the name and the increment are written (error locations). */
  loc: SourceLoc;
  stepLoc: SourceLoc;
}

/** The `.dc` card: the first (inner) sweep, then the optional second (outer) one. */
export interface DcSpec {
  sweeps: DcSweepSpec[];
  loc: SourceLoc;
}

/** The `.ac` card: sweep type, N (points per decade or octave, or in total), frequencies (Hz), as written (checked by analysis/ac.ts). */
export interface AcSpec {
  sweep: "dec" | "oct" | "lin";
  points: number;
  fstart: number;
  fstop: number;
  loc: SourceLoc;
  /** Where N, FSTART and FSTOP are written (error locations). */
  pointsLoc: SourceLoc;
  fstartLoc: SourceLoc;
  fstopLoc: SourceLoc;
}

export interface Elaborated {
  title: string;
  file: string;
  elements: ElementSpec[];
  /** Plain top-level resistors (`Rname a b value`), passed through as arrays. */
  fastR: FastResistors;
  options: SimOptions;
  /** Which option names the netlist set explicitly. */
  optionsGiven: Set<string>;
  op: boolean;
  tran?: TranSpec;
  /** The `.tran` card's error when it is invalid (then `tran` is undefined): thrown by a transient that needs the card. */
  tranError?: NetlistError;
  dc?: DcSpec;
  ac?: AcSpec;
  /** `.ic` node voltages (V). */
  ics: Map<string, number>;
  /** `.nodeset` node voltages (V), in the order read (a subcircuit's for each instance, `x1.node`; the last of a node wins). */
  nodesets: NodesetSpec[];
  /** Top-level parameter values (for sweeps and reports). */
  params: Map<string, number>;
  warnings: string[];
}

interface Ctx {
  net: ParsedNetlist;
  time: TimeDefaults;
  options: SimOptions;
  out: ElementSpec[];
  warnings: string[];
  /** Models already warned about. */
  warned: Set<string>;
  /** `.global` node names: the same node in every subcircuit instance. */
  globals: Set<string>;
  /** The top-level parameters (subcircuit defaults are evaluated over them). */
  globalEnv: ParamEnv;
  /** Some `.model` is a resistor model (else `R1 a b NAME` never names one: no lookups). */
  rModels: boolean;
  /** The `.func`s visible in each scope (its own over its parents'). */
  funcs: WeakMap<Scope, FuncTable | undefined>;
  /** `.nodeset` entries of the instances elaborated so far. */
  nodesets: NodesetSpec[];
  /** `.ic` node voltages (V) of the instances elaborated so far, by flat node name. */
  ics: Map<string, number>;
}

/** One `.nodeset` entry, elaborated: a node of the flat circuit and its voltage (V). */
export interface NodesetSpec {
  node: string;
  value: number;
  /** Where the node is named (in the `.subckt` for a subcircuit's entry). */
  loc: SourceLoc;
}


/** A `name=value` argument of an element (`tc=a, b` gives two values). */
const R_USAGE = "resistor Rname n+ n- [value] [model] [l=L] [w=W] [m=M] [scale=S] [tc1=T1] [tc2=T2] [tce=TCE] [temp=T] [dtemp=D]";
const R_PARAMS: Record<string, number> = { r: 1, resistance: 1, m: 1, scale: 1, tc1: 1, tc2: 1, tc: 2, tce: 1, temp: 1, dtemp: 1, ac: 1, noisy: 1, noise: 1, l: 1, w: 1, bv_max: 1 };
const R_UNSUPPORTED: Record<string, string> = {};
const C_USAGE = "capacitor Cname n+ n- value [ic=V] [m=M] [scale=S] [tc1=T1] [tc2=T2] [temp=T] [dtemp=D]";
const C_PARAMS: Record<string, number> = { c: 1, capacitance: 1, ic: 1, m: 1, scale: 1, tc1: 1, tc2: 1, temp: 1, dtemp: 1 };
const C_UNSUPPORTED: Record<string, string> = {
  l: "semiconductor capacitors (l=, w=, a model) are not supported",
  w: "semiconductor capacitors (l=, w=, a model) are not supported",
  bv_max: "bv_max= is not supported",
};
const L_USAGE = "inductor Lname n+ n- value [ic=I] [m=M] [scale=S] [tc1=T1] [tc2=T2] [temp=T] [dtemp=D]";
const L_PARAMS: Record<string, number> = { l: 1, inductance: 1, ic: 1, m: 1, scale: 1, tc1: 1, tc2: 1, temp: 1, dtemp: 1 };
const L_UNSUPPORTED: Record<string, string> = {
  nt: "inductors by number of turns (nt=, with an inductor model) are not supported: give the inductance",
  dc: "dc= is not an inductor parameter",
};
const D_USAGE = "diode Dname anode cathode model [area] [off] [area=A] [m=M]";
const D_UNSUPPORTED: Record<string, string> = {
  temp: "a diode's own temperature (temp=, dtemp=) is not supported: use .temp",
  dtemp: "a diode's own temperature (temp=, dtemp=) is not supported: use .temp",
  ic: "diode initial conditions (ic=) are not supported",
  pj: "diode sidewall parameters (pj=, w=, l=) are not supported",
  w: "diode sidewall parameters (pj=, w=, l=) are not supported",
  l: "diode sidewall parameters (pj=, w=, l=) are not supported",
};

const Z_USAGE = "Zname drain gate source model [off] [area=A] (MES) | [l=L] [w=W] [m=M] [temp=T] [dtemp=D] (HFETA) | [ts=T] [td=T] (MESA)";
const J_USAGE = "JFET Jname drain gate source model [area] [off] [area=AREA] [m=M] [temp=T] [dtemp=D]";
const J_UNSUPPORTED: Record<string, string> = {
  ic: "JFET initial conditions (ic=) are not supported",
};

const VDMOS_USAGE = "VDMOS Mname drain gate source [tj tcase] model [off] [thermal] [m=M] [temp=T] [dtemp=D] [icvds=V] [icvgs=V] [ic=VDS,VGS]";
const VDMOS_PARAMS: Record<string, number> = { m: 1, temp: 1, dtemp: 1, icvds: 1, icvgs: 1, ic: 2 };
const M_USAGE = "MOSFET Mname drain gate source bulk model [off] [l=L] [w=W] [ad=AD] [as=AS] [pd=PD] [ps=PS] [nrd=NRD] [nrs=NRS] [m=M]";
const M_PARAMS: Record<string, number> = { l: 1, w: 1, ad: 1, as: 1, pd: 1, ps: 1, nrd: 1, nrs: 1, m: 1 };
const M_UNSUPPORTED: Record<string, string> = {
  temp: "a MOSFET's own temperature (temp=, dtemp=) is not supported: use .temp",
  dtemp: "a MOSFET's own temperature (temp=, dtemp=) is not supported: use .temp",
  ic: "MOSFET initial conditions (ic=) are not supported",
  icvds: "MOSFET initial conditions (icvds=) are not supported",
  icvgs: "MOSFET initial conditions (icvgs=) are not supported",
  icvbs: "MOSFET initial conditions (icvbs=) are not supported",
};

const Q_USAGE = "BJT Qname collector base emitter [substrate] model [area] [off] [area=AREA] [m=M]";
const Q_UNSUPPORTED: Record<string, string> = {
  temp: "a BJT's own temperature (temp=, dtemp=) is not supported: use .temp",
  dtemp: "a BJT's own temperature (temp=, dtemp=) is not supported: use .temp",
  ic: "BJT initial conditions (ic=) are not supported",
  icvbe: "BJT initial conditions (icvbe=) are not supported",
  icvce: "BJT initial conditions (icvce=) are not supported",
  areab: "separate base and collector areas (areab=, areac=) are not supported: use area",
  areac: "separate base and collector areas (areab=, areac=) are not supported: use area",
};

/** One subcircuit instance (or the top level) being elaborated: the explicit stack that replaces recursion. */
interface Frame {
  scope: Scope;
  env: ParamEnv;
  /** Branch taken by each `.if` block of this instance evaluated so far (-1: none). */
  taken: Map<IfBlock, number> | null;
  /** Resistor models evaluated in this instance. */
  rmodels: Map<ModelCard, ResistorModelParams> | null;
  /** Instance names from the top, and the same joined with '.' plus a final '.' ("" at the top). */
  path: string[];
  prefix: string;
  nodeMap: Map<string, string>;
  models: Array<Map<string, ModelCard>>;
  subckts: Array<Map<string, SubcktDef>>;
  /** The subcircuit this frame instantiates (null at the top). */
  def: SubcktDef | null;
  /** Next element of `scope` to elaborate. */
  next: number;
}

function mapNode(ctx: Ctx, f: Frame, n: string): string {
  if (n === "0" || n === "gnd") return "0";
  if (ctx.globals.has(n)) return n;
  const m = f.nodeMap.get(n);
  if (m !== undefined) return m;
  return f.prefix + n;
}

/**
 * Flatten the netlist, depth first in source order, with an explicit stack
 * of instances (subcircuits nested thousands deep do not overflow the call
 * stack).
 */
function elaborateAll(ctx: Ctx, top: Frame): void {
  const stack: Frame[] = [top];
  const active = new Set<string>();
  while (stack.length) {
    const f = stack[stack.length - 1];
    const elements = f.scope.elements;
    if (f.next >= elements.length) {
      stack.pop();
      if (f.def) active.delete(f.def.name);
      for (const ns of f.scope.nodesets) {
        if (!ns.cond || inBranch(f, ns.cond)) ctx.nodesets.push({ node: mapNode(ctx, f, ns.node), value: evalTok(ns.value, f.env, `.nodeset v(${ns.node})`), loc: ns.loc });
      }
      // `.ic` as `.nodeset`: per instance, the value in the instance's parameters; the last entry for a node wins.
      for (const ic of f.scope.ics) {
        if (!ic.cond || inBranch(f, ic.cond)) ctx.ics.set(mapNode(ctx, f, ic.node), evalTok(ic.value, f.env, `.ic v(${ic.node})`));
      }
      continue;
    }
    const card = elements[f.next++];
    if (card.cond && !inBranch(f, card.cond)) continue;
    if (card.error) throw card.error;
    if (card.letter === "x") {
      const child = instantiate(ctx, card, f, stack, active);
      active.add(child.def!.name);
      stack.push(child);
    } else {
      element(ctx, card, f);
    }
  }
}

/** Branch taken by `.if` block `b` in instance `f` (-1: none): the first whose condition is nonzero, else the `.else`. */
function branchTaken(f: Frame, b: IfBlock): number {
  const taken = (f.taken ??= new Map());
  let k = taken.get(b);
  if (k === undefined) {
    k = -1;
    for (let i = 0; i < b.conds.length; i++) {
      const c = b.conds[i];
      // A lone '=' compares, as in ngspice's numparam (tests/regression/misc/if-elseif.cir: `.elseif (select2 = 2)`).
      if (c === null || evaluateValue(c.text.replace(/(?<![=!<>])=(?!=)/g, "=="), true, f.env, c.loc, "the .if condition") !== 0) {
        k = i;
        break;
      }
    }
    taken.set(b, k);
  }
  return k;
}

/** True when every block of `cond` takes its branch in instance `f` (outer blocks first: an inner condition is evaluated only inside a taken branch). */
function inBranch(f: Frame, cond: CondPath): boolean {
  for (const { block, branch } of cond) if (branchTaken(f, block) !== branch) return false;
  return true;
}

/** The models of `scope` in instance `f`: those outside `.if` blocks and those whose branches are taken. */
function scopeModels(f: Frame, scope: Scope): Map<string, ModelCard> {
  if (scope.condModels.length === 0) return scope.models;
  const out = new Map(scope.models);
  for (const m of scope.condModels) {
    if (!inBranch(f, m.cond!)) continue;
    const other = out.get(m.name);
    if (other) throw new NetlistError(`duplicate model '${m.name}' (also defined at ${formatLoc(other.loc)})`, m.loc);
    out.set(m.name, m);
  }
  return out;
}

/** The `.func`s visible in `scope`: its own over its enclosing scopes' (ngspice: a subcircuit's `.func`s are its own). */
function funcsOf(ctx: Ctx, scope: Scope): FuncTable | undefined {
  if (ctx.funcs.has(scope)) return ctx.funcs.get(scope);
  const chain: Scope[] = [];
  for (let s: Scope | null = scope; s; s = s.parent) chain.push(s);
  const defs = new Map<string, FuncDef>();
  for (let k = chain.length - 1; k >= 0; k--) for (const [name, d] of chain[k].funcs) defs.set(name, d);
  const t = makeFuncTable(defs);
  ctx.funcs.set(scope, t);
  return t;
}

/** Evaluate `.csparam` values: ngspice's control language gets them; eqspice only checks that they evaluate, as ngspice requires. */
function checkCsparams(scope: Scope, env: ParamEnv): void {
  for (const p of scope.csparams) evaluateValue(p.value.text, p.value.kind === "expr", env, p.value.loc, `.csparam ${p.name}`, true);
}

/** The resistor model a resistor line names (`R1 a b NAME`), or undefined. */
function findResistorModel(f: Frame, name: string): ModelCard | undefined {
  for (const m of f.models) {
    const card = m.get(name);
    if (card) return card.type === "r" ? card : undefined;
  }
  return undefined;
}

/** A resistor model's parameters, evaluated in instance `f` (once per instance). */
function resistorModel(f: Frame, card: ModelCard): ResistorModelParams {
  let got = f.rmodels?.get(card);
  if (got) return got;
  const p: ResistorModelParams = { ...RES_MODEL_DEFAULTS };
  for (const [key, tok] of card.params) {
    const field = RES_MODEL_PARAMS[key];
    const v = evalTok(tok, f.env, `model parameter ${key.toUpperCase()}`);
    if (field) p[field] = v;
  }
  if (p.tnom !== undefined && !(p.tnom > -CONSTCtoK)) throw new NetlistError(`.model ${card.name}: TNOM must be above -273.15 C`, card.params.get("tnom")!.loc);
  got = p;
  (f.rmodels ??= new Map()).set(card, got);
  return got;
}

function element(ctx: Ctx, card: ElementCard, f: Frame): void {
  const name = f.prefix ? `${card.letter}.${f.prefix}${card.name}` : card.name;
  const local = f.env;
  const args = card.args;
  const rb = card.letter === "r" ? behaviouralResistor(card) : null;
  if (card.letter === "r" && !rb && args.length === 3 && args[0].kind === "word" && args[1].kind === "word" && !(ctx.rModels && args[2].kind === "word" && findResistorModel(f, args[2].lower))) {
    // The plain `Rname a b value` line (10^5 of them in a crossbar netlist): no intermediate arrays.
    const ohms = checkOhms(card, zeroOhmsAsNgspice(card, evalTok(args[2], local, "resistance"), args[2], ctx.warnings), args[2]);
    ctx.out.push({ type: "r", name, nodes: [mapNode(ctx, f, args[0].lower), mapNode(ctx, f, args[1].lower)], ohms, loc: card.loc, nodeToks: args });
    return;
  }
  if (card.letter === "b" || rb) {
    // Bname n+ n- V=expr | I=expr (netlist/bexpr.ts reads the expression); or a resistor whose value reads
    // v(), i() or time, which ngspice 39 (inpcom.c) makes `bRname n+ n- i = v(n+, n-)/(expr) tc1= tc2= reciproctc=1`
    const bArgs = rb ?? args.slice(2);
    const nodeToks = args.slice(0, 2);
    if (nodeToks.length < 2 || nodeToks.some((t) => t.kind !== "word")) {
      const bad = nodeToks.find((t) => t.kind !== "word");
      throw new NetlistError(`${card.name}: missing node ${bad ? nodeToks.indexOf(bad) + 1 : nodeToks.length + 1} of 2 (usage: Bname n+ n- V=expression or I=expression)`, bad?.loc ?? args[args.length - 1]?.loc ?? card.loc);
    }
    const nodes = nodeToks.map((t) => mapNode(ctx, f, t.lower)) as [string, string];
    const line = readBLine(card.name, bArgs, card.loc);
    const expr = compileB(line.text, line.at, {
      scope: local,
      mapNode: (n) => mapNode(ctx, f, n),
      mapSource: (s) => (f.prefix ? `${s[0]}.${f.prefix}${s}` : s),
      terminals: nodes,
      what: `${card.name} ${line.key.text.toUpperCase()}=`,
    });
    // tc1=, tc2=: the value times 1 + tc1 dT + tc2 dT^2, dT = T - 300.15 K (ngspice 39's asrcload.c: 27 C, not TNOM)
    const tc1 = line.tc.tc1 ? evalTok(line.tc.tc1, local, `${card.name} tc1`) : 0;
    const tc2 = line.tc.tc2 ? evalTok(line.tc.tc2, local, `${card.name} tc2`) : 0;
    const dT = ctx.options.temp + CONSTCtoK - 300.15;
    const poly = 1 + tc1 * dT + tc2 * dT * dT;
    // a resistance's factor divides the current (ngspice's reciproctc=1)
    const factor = rb ? 1 / poly : poly;
    if (!Number.isFinite(factor)) throw new NetlistError(`${card.name}: temperature factor 1 + tc1 dT + tc2 dT^2 is ${poly}`, (line.tc.tc1 ?? line.tc.tc2)!.loc);
    ctx.out.push({ type: "b", name: rb ? (f.prefix ? `b.${f.prefix}b${card.name}` : `b${card.name}`) : name, nodes, kind: line.kind, expr: scaleBExpr(expr, factor), loc: card.loc, nodeToks });
    return;
  }
  if (card.letter === "a") {
    // Aname port ... model: an XSPICE code model (devices/xspice/line.ts), plus a 0 V source per current input
    const specs = readXspiceLine(card.name, name, args, card.loc, {
      models: f.models,
      mapNode: (n) => mapNode(ctx, f, n),
      mapSource: (s) => (f.prefix ? `${s[0]}.${f.prefix}${s}` : s),
      value: (t, what) => evalTok(t, local, what),
      netlistFile: ctx.net.file === "<netlist>" ? undefined : ctx.net.file,
    });
    for (const s of specs) ctx.out.push(s);
    return;
  }
  const a = splitArgs(card, args);
  const { pos, named } = a;
  /** The element's value: given by name (one of `keys`) or as positional `idx` of `p`, not both. */
  const value = (keys: string[], idx: number, what: string, p = pos): { v: number; tok: Token } => {
    for (const k of keys) {
      const n = named.get(k);
      if (n) {
        if (p[idx]) throw new NetlistError(`${card.name}: ${what} given twice ('${clip(p[idx].text)}' and ${k}=)`, n.key.loc);
        return { v: evalTok(n.values[0], local, what), tok: n.values[0] };
      }
    }
    const t = p[idx];
    if (!t) throw new NetlistError(`${card.name}: missing ${what}`, card.args[card.args.length - 1]?.loc ?? card.loc);
    return { v: evalTok(t, local, what), tok: t };
  };
  const num = (key: string, what: string): number | undefined => {
    const n = named.get(key);
    return n ? evalTok(n.values[0], local, `${card.name} ${what}`) : undefined;
  };
  const nodesOf = (nodes: string[]) => nodes.map((n) => mapNode(ctx, f, n));
  const lineCtx = (): LineContext => ({
    card,
    name,
    a,
    models: f.models,
    value: (t, what) => evalTok(t, local, what),
    node: (n) => mapNode(ctx, f, n),
    tnom: ctx.options.tnom,
    warn: (msg) => {
      if (!ctx.warned.has(msg)) {
        ctx.warned.add(msg);
        ctx.warnings.push(msg);
      }
    },
  });
  switch (card.letter) {
    case "t":
      ctx.out.push(readTLine(lineCtx()));
      break;
    case "o":
      ctx.out.push(readOLine(lineCtx()));
      break;
    case "y":
      ctx.out.push(readYLine(lineCtx()));
      break;
    case "p":
      ctx.out.push(readPLine(lineCtx()));
      break;
    case "u":
      for (const s of readULine(lineCtx())) ctx.out.push(s);
      break;
    case "r": {
      const nodes = needNodes(card, pos, 2, "Rname n+ n- value");
      // A resistor model, named before or after the value (ngspice reads both orders), or alone.
      let modelCard: ModelCard | undefined;
      let vpos = pos;
      for (let k = 2; ctx.rModels && k <= 3 && !modelCard; k++) {
        const t = pos[k];
        if (t?.kind !== "word" || !Number.isNaN(parseSpiceNumber(t.text))) continue;
        modelCard = findResistorModel(f, t.lower);
        if (modelCard) vpos = pos.filter((_, j) => j !== k);
      }
      const valueNamed = named.has("r") || named.has("resistance");
      let given: { v: number; tok: Token } | undefined;
      if (valueNamed || vpos[2] || !modelCard) {
        given = value(["r", "resistance"], 2, "resistance", vpos);
        given.v = zeroOhmsAsNgspice(card, given.v, given.tok, ctx.warnings);
        checkOhms(card, given.v, given.tok);
      }
      checkArgs(card, { pos: vpos, named }, valueNamed ? 2 : 3, R_USAGE, R_PARAMS, R_UNSUPPORTED);
      const m = num("m", "multiplier m") ?? 1;
      const scale = num("scale", "scale") ?? 1;
      if (!(m > 0)) throw new NetlistError(`${card.name}: multiplier m must be positive`, named.get("m")!.values[0].loc);
      num("ac", "AC resistance"); // used by AC analysis only: checked, not used
      num("noisy", "noisy flag");
      num("noise", "noise flag");
      num("bv_max", "bv_max"); // ngspice only warns with it (safe operating area checks)
      const it = instanceTemp(card, a, local, ctx.options, ctx.warnings);
      const model = modelCard ? resistorModel(f, modelCard) : RES_MODEL_DEFAULTS;
      const lw = (k: string): number | undefined => {
        const x = num(k, k === "l" ? "length l" : "width w");
        if (x !== undefined && !(x > 0)) throw new NetlistError(`${card.name}: ${k} must be positive`, named.get(k)!.values[0].loc);
        return x === undefined ? x : x * ctx.options.scale; // resparam.c: RESlength, RESwidth times `scale`
      };
      const rv = resistorValue(model, { r: given?.v, l: lw("l"), w: lw("w"), tc1: it.tc1, tc2: it.tc2, tce: it.tce, temp: it.temp, dtemp: it.dtemp, scale, m }, ctx.options.tnom);
      const at = given?.tok ?? card.loc;
      const atLoc = "loc" in at ? at.loc : at;
      if (rv.fallback) ctx.warnings.push(`${formatLoc(card.loc)}: ${card.name}: no resistance (model ${modelCard!.name} gives neither R nor RSH with L and W): 1 mOhm, as ngspice`);
      if (!Number.isFinite(rv.nominal) || !(rv.nominal !== 0)) {
        throw new NetlistError(`${card.name}: resistance ${rv.nominal} ohm from model ${modelCard?.name} ((L - 2 SHORT) / (W - 2 NARROW) * RSH) is not a finite nonzero number`, atLoc);
      }
      if (rv.factor !== 1 && !(rv.factor > 0)) {
        const law = it.tce !== undefined || model.tce !== undefined ? "1.01^(tce dT)" : "1 + tc1 dT + tc2 dT^2";
        throw new NetlistError(`${card.name}: at ${it.temp + it.dtemp} C its temperature factor ${law} is ${rv.factor}, not positive`, atLoc);
      }
      checkOhms(card, rv.ohms, given?.tok);
      const perOhm = (rv.factor * scale) / m;
      ctx.out.push({ type: "r", name, nodes: nodesOf(nodes) as [string, string], ohms: rv.ohms, ...(perOhm !== 1 && { perOhm }), loc: card.loc, nodeToks: pos });
      break;
    }
    case "c": {
      const nodes = needNodes(card, pos, 2, "Cname n+ n- value");
      const { v, tok } = value(["c", "capacitance"], 2, "capacitance");
      checkArgs(card, a, named.has("c") || named.has("capacitance") ? 2 : 3, C_USAGE, C_PARAMS, C_UNSUPPORTED);
      const ic = num("ic", "initial condition");
      const m = num("m", "multiplier m") ?? 1;
      const scale = num("scale", "scale") ?? 1;
      if (!(m > 0)) throw new NetlistError(`${card.name}: multiplier m must be positive`, named.get("m")!.values[0].loc);
      const capac = v * tempFactor(card, a, local, ctx.options, ctx.warnings) * scale;
      const farads = capac * m;
      if (!Number.isFinite(farads)) throw new NetlistError(`${card.name}: capacitance ${farads} is not finite`, tok.loc);
      if (farads < 0) {
        // ngspice runs it (the transient then grows without bound); it is almost always a sign slip.
        ctx.warnings.push(`${formatLoc(tok.loc)}: ${card.name}: negative capacitance ${farads} F (ngspice accepts it too): a transient through it is unstable and grows without bound`);
      }
      ctx.out.push({ type: "c", name, nodes: nodesOf(nodes) as [string, string], farads, ic, loc: card.loc, nodeToks: pos, capac });
      break;
    }
    case "l": {
      const nodes = needNodes(card, pos, 2, "Lname n+ n- value");
      const vt = pos[2];
      if (!named.has("l") && !named.has("inductance") && vt?.kind === "word" && Number.isNaN(parseSpiceNumber(vt.text)) && f.models.some((mm) => mm.has(vt.lower))) {
        throw new NetlistError(`${card.name}: inductor models ('${clip(vt.text)}') are not supported: give the inductance in henries (usage: ${L_USAGE})`, vt.loc);
      }
      const { v, tok } = value(["l", "inductance"], 2, "inductance");
      checkArgs(card, a, named.has("l") || named.has("inductance") ? 2 : 3, L_USAGE, L_PARAMS, L_UNSUPPORTED);
      const ic = num("ic", "initial condition");
      const m = num("m", "multiplier m") ?? 1;
      const scale = num("scale", "scale") ?? 1;
      if (!(m > 0)) throw new NetlistError(`${card.name}: multiplier m must be positive`, named.get("m")!.values[0].loc);
      // m parallel inductors: L / m (ngspice's indtemp.c), scaled by the temperature factor and scale.
      const induct = v * tempFactor(card, a, local, ctx.options, ctx.warnings) * scale;
      const henries = induct / m;
      if (!Number.isFinite(henries)) throw new NetlistError(`${card.name}: inductance ${henries} is not finite`, tok.loc);
      // ngspice accepts L <= 0 (a 0 V short, or a transient that grows without bound); it is a netlist slip.
      if (!(henries !== 0 && Number.isFinite(henries))) throw new NetlistError(`${card.name}: inductance must be finite and nonzero (got ${henries} H; ngspice reads a negative one, and so does eqspice)`, tok.loc);
      if (ic !== undefined && !Number.isFinite(ic)) throw new NetlistError(`${card.name}: ic= is not finite`, named.get("ic")!.values[0].loc);
      ctx.out.push({ type: "l", name, nodes: nodesOf(nodes) as [string, string], henries, ic, loc: card.loc, nodeToks: pos, induct });
      break;
    }
    case "k": {
      const usage = "Kname L1 L2 k";
      const t1 = pos[0];
      const t2 = pos[1];
      for (const t of [t1, t2]) {
        if (!t || t.kind !== "word") throw new NetlistError(`${card.name}: missing inductor name (usage: ${usage})`, t?.loc ?? card.args[card.args.length - 1]?.loc ?? card.loc);
        if (t.lower[0] !== "l") throw new NetlistError(`${card.name}: '${clip(t.text)}' is not an inductor (an L element)`, t.loc);
      }
      const { v: kv, tok } = value(["k", "coupling"], 2, "coupling coefficient");
      checkArgs(card, a, named.has("k") || named.has("coupling") ? 2 : 3, usage, { k: 1, coupling: 1 });
      if (!Number.isFinite(kv)) throw new NetlistError(`${card.name}: coupling coefficient must be a finite number (got ${kv})`, tok.loc);
      // ngspice 39 (muttemp.c) runs |k| > 1 with a warning that the inductance matrix is not positive definite.
      if (Math.abs(kv) > 1) ctx.warnings.push(`${formatLoc(tok.loc)}: ${card.name}: |k| = ${Math.abs(kv)} > 1: the inductance matrix is not positive definite (run as ngspice runs it)`);
      const scoped = (t: Token) => (f.prefix ? `${t.lower[0]}.${f.prefix}${t.lower}` : t.lower);
      ctx.out.push({ type: "k", name, nodes: [], l1: scoped(t1), l2: scoped(t2), k: kv, ctrlToks: [t1, t2], loc: card.loc });
      break;
    }
    case "d": {
      const nodes = needNodes(card, pos, 2, "Dname anode cathode model [area]");
      const thermal = pos.find((t, k) => k >= 3 && t.lower === "thermal");
      if (thermal) throw new NetlistError(`${card.name}: self-heating diodes (a thermal node and 'thermal', with the model's RTH0) are not supported`, thermal.loc);
      const modelTok = pos[2];
      if (!modelTok || modelTok.kind !== "word") throw new NetlistError(`${card.name}: missing diode model name`, card.loc);
      // After the model: an optional area and an optional `off`, in either order.
      const extra = pos.slice(3);
      const offAt = extra.findIndex((t) => t.lower === "off");
      const areaToks = extra.filter((_, k) => k !== offAt);
      checkArgs(card, { pos: pos.slice(0, 3).concat(areaToks), named }, named.has("area") ? 3 : 4, D_USAGE, { area: 1, m: 1 }, D_UNSUPPORTED);
      const { params: model, name: modelName, notes } = resolveModel(modelTok, f.models, local, ctx.options.tnom);
      refuseUnreadDefaults(cardNamed(f.models, modelTok.lower), "d", card.name);
      if (notes.length > 0 && !ctx.warned.has(modelName)) {
        ctx.warned.add(modelName);
        ctx.warnings.push(...notes);
      }
      let area = 1;
      const areaTok = named.get("area")?.values[0] ?? areaToks[0];
      if (areaTok) area = evalTok(areaTok, local, "area");
      if (!(area > 0)) throw new NetlistError(`${card.name}: area must be positive`, areaTok?.loc ?? card.loc);
      // m parallel diodes: ngspice multiplies every current and conductance by m, as area does in DC.
      const m = num("m", "multiplier m") ?? 1;
      if (!(m > 0)) throw new NetlistError(`${card.name}: multiplier m must be positive`, named.get("m")!.values[0].loc);
      ctx.out.push({ type: "d", name, nodes: nodesOf(nodes) as [string, string], model, modelName, area: area * m, m, ...(offAt >= 0 && { off: true }), loc: card.loc, nodeToks: pos });
      break;
    }
    case "m": {
      if (pos.slice(3, 6).some((t) => t?.kind === "word" && hasVdmosModel(t.lower, f.models))) {
        readVdmosLine(ctx, card, f, local, name, a, nodesOf);
        break;
      }
      const usage = "Mname drain gate source bulk model";
      // The model is the 5th word; a MOSFET model named earlier or later means a wrong node count.
      const isMosModel = (t: Token | undefined): boolean => t?.kind === "word" && hasMosModel(t.lower, f.models);
      if (!isMosModel(pos[4])) {
        const k = pos.findIndex((t, j) => j >= 2 && j !== 4 && isMosModel(t));
        if (k >= 0) throw new NetlistError(`${card.name}: a MOSFET has 4 nodes (drain gate source bulk), got ${k} before model '${clip(pos[k].text)}'`, pos[k].loc);
      }
      const nodes = needNodes(card, pos, 4, usage);
      const modelTok = pos[4];
      if (!modelTok || modelTok.kind !== "word") throw new NetlistError(`${card.name}: missing MOSFET model name (usage: ${M_USAGE})`, card.args[card.args.length - 1]?.loc ?? card.loc);
      // `off` after the model (ngspice reads it among the instance parameters)
      const offTok = pos[5]?.lower === "off" ? pos[5] : undefined;
      // L, W (and NF, WNFLAG) as written select a size bin of `.model NAME.N` cards (selectMosCard)
      const sc = ctx.options.scale;
      const scaled = (x: number | undefined): number | undefined => (x === undefined ? x : x * sc);
      const size = { l: scaled(num("l", "L")), w: scaled(num("w", "W")), nf: num("nf", "NF"), wnflag: num("wnflag", "WNFLAG") };
      const resolved = resolveMosModel(modelTok, f.models, local, ctx.options.tnom, card.name, size, (key, msg) => {
        if (ctx.warned.has(`m:${key}`)) return;
        ctx.warned.add(`m:${key}`);
        ctx.warnings.push(msg);
      });
      if (!resolved) throw new NetlistError(`${card.name}: unknown MOSFET model '${clip(modelTok.text)}' (no .model ${clip(modelTok.text)} NMOS/PMOS card)`, card.loc);
      if (offTok && resolved.model.bsim3) throw new NetlistError(`${card.name}: 'off' is not supported for BSIM3 (level 8/49) MOSFETs`, offTok.loc);
      if (offTok && resolved.model.bsim4) throw new NetlistError(`${card.name}: 'off' is not supported for BSIM4 (level 14/54) MOSFETs`, offTok.loc);
      // BSIM4's instance RGEOMOD (0 or 1) picks b4geo.c's source/drain resistance, which exists only with RSH > 0 and
      // NRS (NRD) not given: accepted where it has no effect, refused where it would
      const rgeoArg = resolved.model.bsim4 ? named.get("rgeomod") : undefined;
      if (rgeoArg) {
        const at = rgeoArg.values[0]?.loc ?? rgeoArg.key.loc;
        const v = num("rgeomod", "RGEOMOD");
        if (v !== 0 && v !== 1) throw new NetlistError(`${card.name}: RGEOMOD=${v} is not supported: ngspice knows RGEOMOD 0 and 1`, at);
        if (v === 1 && resolved.model.bsim4!.p.rsh > 0 && !(named.has("nrs") && named.has("nrd"))) {
          throw new NetlistError(`${card.name}: RGEOMOD=1 with RSH > 0 is not supported: eqspice models BSIM4 without geometry-dependent source/drain resistance (give NRS and NRD)`, at);
        }
        named.delete("rgeomod");
      }
      // BSIM4 instance parameters at the values that change nothing (one finger, no layout stress, no threshold shift), as
      // netlists written for PDKs (sky130's) pass them; other values are refused at their place
      if (resolved.model.bsim4) {
        const noop: Array<[string, number, string]> = [
          ["nf", 1, "eqspice models BSIM4 with one finger (NF=1)"],
          ["sa", 0, "eqspice models BSIM4 without the layout stress effect (SA=0, SB=0)"],
          ["sb", 0, "eqspice models BSIM4 without the layout stress effect (SA=0, SB=0)"],
          ["sd", 0, "eqspice models BSIM4 with one finger (SD=0)"],
          ["delvto", 0, "eqspice models BSIM4 without an instance threshold shift (DELVTO=0)"],
          ["mulu0", 1, "eqspice models BSIM4 without an instance mobility factor (MULU0=1)"],
        ];
        for (const [k, ok, why] of noop) {
          const arg = named.get(k);
          if (!arg) continue;
          const v = num(k, k.toUpperCase());
          if (v !== ok) throw new NetlistError(`${card.name}: ${k.toUpperCase()}=${v} is not supported: ${why}`, arg.values[0]?.loc ?? arg.key.loc);
          named.delete(k);
        }
      }
      // BSIM3 instances take NQSMOD too (b3par.c), overriding the card's: it changes charges only (a transient or AC refuses NQSMOD=1).
      checkArgs(card, a, offTok ? 6 : 5, M_USAGE, resolved.model.bsim3 ? { ...M_PARAMS, nqsmod: 1 } : M_PARAMS, M_UNSUPPORTED);
      const nqsmod = resolved.model.bsim3 ? num("nqsmod", "NQSMOD") : undefined;
      if (nqsmod !== undefined && resolved.model.bsim3 && nqsmod !== resolved.model.bsim3.p.nqsmod) {
        resolved.model = { ...resolved.model, bsim3: { ...resolved.model.bsim3, p: { ...resolved.model.bsim3.p, nqsmod } } };
      }
      const geometry: MosGeometry = { ...MOS_GEOMETRY_DEFAULTS, ...(resolved.model.bsim3 ? { l: 5e-6, w: 5e-6 } : {}) }; // BSIM3's own default L, W (b3set.c)
      // BSIM4's own default L, W (b4set.c); its AS, AD, PS, PD, NRS, NRD matter when given only (NaN: not given)
      if (resolved.model.bsim4) Object.assign(geometry, { l: 5e-6, w: 5e-6, ad: NaN, as: NaN, pd: NaN, ps: NaN, nrd: NaN, nrs: NaN });
      // The card's instance defaults (L=, W=, ... on the .model card) where the line gives none, as ngspice 39
      // (they do not pick the size bin: ngspice bins on the instance line's L and W, as selectMosCard does)
      refuseUnreadDefaults(resolved.card, "m", card.name);
      const defaults = resolved.card.instanceDefaults;
      const given = (k: string): Token | undefined => named.get(k)?.values[0] ?? defaults?.get(k);
      for (const k of Object.keys(M_PARAMS) as Array<keyof MosGeometry>) {
        const tok = given(k);
        if (!tok) continue;
        const v = evalTok(tok, local, `${named.has(k) ? card.name : `.model ${resolved.name}`} ${k.toUpperCase()}`);
        const at = tok.loc;
        if (k === "l" || k === "w" || k === "m" ? !(v > 0) : !(v >= 0)) throw new NetlistError(`${card.name}: ${k.toUpperCase()} must be ${k === "l" || k === "w" || k === "m" ? "positive" : "non-negative"}`, at);
        // mos1par.c .. b4par.c: L, W, PD, PS as written times `scale`, AD, AS times its square
        geometry[k] = k === "l" || k === "w" || k === "pd" || k === "ps" ? v * sc : k === "ad" || k === "as" ? v * sc * sc : v;
      }
      bsim3v1Defaults(resolved.model, geometry, (k) => given(k) !== undefined); // VERSION 3.1: HDIF's junction areas
      const bad = mosSizeProblem(resolved.model, geometry, resolved.name);
      if (bad) throw new NetlistError(`${card.name}: ${bad.msg}`, given(bad.width ? "w" : "l")?.loc ?? card.loc);
      ctx.out.push({ type: "m", name, nodes: nodesOf(nodes) as [string, string, string, string], model: resolved.model, modelName: resolved.name, geometry, ...(offTok && { off: true }), loc: card.loc, nodeToks: pos });
      break;
    }
    case "q": {
      // 3 nodes, or 4 when the 4th word is not a BJT model name (ngspice's rule for the substrate node).
      const isBjtModel = (t: Token | undefined): boolean =>
        t?.kind === "word" && f.models.some((m) => {
          const c = m.get(t.lower);
          return c !== undefined && (c.type === "npn" || c.type === "pnp");
        });
      let mi = isBjtModel(pos[3]) ? 3 : isBjtModel(pos[4]) ? 4 : isBjtModel(pos[5]) ? 5 : -1;
      if (mi < 0) {
        const k = pos.findIndex((t, j) => j >= 1 && isBjtModel(t));
        if (k >= 0) throw new NetlistError(`${card.name}: a bipolar transistor has 3 or 4 nodes (collector base emitter [substrate]), got ${k} before model '${clip(pos[k].text)}'`, pos[k].loc);
        // no BJT model among the words: the model is the 4th word, or the 5th when there is one that is not a number
        mi = pos[4]?.kind === "word" && Number.isNaN(parseSpiceNumber(pos[4].text)) ? 4 : 3;
      }
      const nodes = needNodes(card, pos, 3, "Qname collector base emitter [substrate] model");
      const modelTok = pos[mi];
      if (!modelTok || modelTok.kind !== "word") throw new NetlistError(`${card.name}: missing bipolar transistor model name (usage: ${Q_USAGE})`, card.args[card.args.length - 1]?.loc ?? card.loc);
      if (mi >= 4) nodes.push(needNodes(card, pos, 4, "Qname collector base emitter [substrate] model")[3]);
      else nodes.push("0");
      // after the model: an optional area, then an optional `off` (ngspice reads nothing positional after it)
      const offAt = pos.findIndex((t, j) => j > mi && t.lower === "off");
      if (offAt >= 0 && pos[offAt + 1]) throw new NetlistError(`${card.name}: unexpected '${clip(pos[offAt + 1].text)}' after 'off' (ngspice 39 refuses it too: the area comes before off; usage: ${Q_USAGE})`, pos[offAt + 1].loc);
      const qpos = offAt >= 0 ? pos.slice(0, offAt) : pos;
      const resolved = resolveBjtModel(modelTok, f.models, local, ctx.options.tnom, card.name, (mn, msg) => {
        if (ctx.warned.has(`q:${mn}:${msg}`)) return;
        ctx.warned.add(`q:${mn}:${msg}`);
        ctx.warnings.push(msg);
      });
      if (!resolved) throw new NetlistError(`${card.name}: unknown bipolar transistor model '${clip(modelTok.text)}' (no .model ${clip(modelTok.text)} NPN/PNP card)`, card.loc);
      // ngspice's inp2q.c: a 5th node (the thermal node) only for VBIC (and HICUM) models
      if (mi === 5 && !resolved.vbic) throw new NetlistError(`${card.name}: a bipolar transistor has 3 or 4 nodes (collector base emitter [substrate]), got 5 before model '${clip(modelTok.text)}' (a 5th, thermal node is for VBIC models, level 4/9)`, modelTok.loc);
      checkArgs(card, { pos: qpos, named }, named.has("area") ? mi + 1 : mi + 2, Q_USAGE, { area: 1, m: 1 }, Q_UNSUPPORTED);
      // the line's area, else the card's (AREA= on an NPN/PNP card is the instances' default in ngspice 39)
      refuseUnreadDefaults(cardNamed(f.models, modelTok.lower), "q", card.name);
      const areaTok = named.get("area")?.values[0] ?? qpos[mi + 1] ?? cardNamed(f.models, modelTok.lower)?.instanceDefaults?.get("area");
      const area = areaTok ? evalTok(areaTok, local, `${card.name} area`) : 1;
      if (!(area > 0) || !Number.isFinite(area)) throw new NetlistError(`${card.name}: area must be positive`, areaTok?.loc ?? card.loc);
      const m = num("m", "multiplier m") ?? 1;
      if (!(m > 0) || !Number.isFinite(m)) throw new NetlistError(`${card.name}: multiplier m must be positive`, named.get("m")!.values[0].loc);
      if (resolved.vbic) {
        const tnode = mi === 5 ? needNodes(card, pos, 5, "Qname collector base emitter substrate thermal model")[4] : "0";
        ctx.out.push({ type: "vbic", name, nodes: nodesOf([...nodes, tnode]) as [string, string, string, string, string], model: resolved.vbic, modelName: resolved.name, area, m, temp: ctx.options.temp, ...(offAt >= 0 && { off: true }), loc: card.loc, nodeToks: pos.slice(0, mi) });
        break;
      }
      ctx.out.push({ type: "q", name, nodes: nodesOf(nodes) as [string, string, string, string], model: resolved.model, modelName: resolved.name, area, m, ...(offAt >= 0 && { off: true }), loc: card.loc, nodeToks: pos.slice(0, mi) });
      break;
    }
    case "j": {
      const nodes = needNodes(card, pos, 3, "Jname drain gate source model");
      const modelTok = pos[3];
      if (!modelTok || modelTok.kind !== "word") throw new NetlistError(`${card.name}: missing JFET model name (usage: ${J_USAGE})`, card.args[card.args.length - 1]?.loc ?? card.loc);
      const offAt = pos.findIndex((t, j) => j > 3 && t.lower === "off");
      if (offAt >= 0 && pos[offAt + 1]) throw new NetlistError(`${card.name}: unexpected '${clip(pos[offAt + 1].text)}' after 'off' (ngspice 39 refuses it too: the area comes before off; usage: ${J_USAGE})`, pos[offAt + 1].loc);
      const jpos = offAt >= 0 ? pos.slice(0, offAt) : pos;
      const resolved = resolveJfetModel(modelTok, f.models, local, ctx.options.tnom, card.name, (mn, msg) => {
        if (ctx.warned.has(`j:${mn}:${msg}`)) return;
        ctx.warned.add(`j:${mn}:${msg}`);
        ctx.warnings.push(msg);
      });
      if (!resolved) throw new NetlistError(`${card.name}: unknown JFET model '${clip(modelTok.text)}' (no .model ${clip(modelTok.text)} NJF/PJF card)`, modelTok.loc);
      checkArgs(card, { pos: jpos, named }, named.has("area") ? 4 : 5, J_USAGE, { area: 1, m: 1, temp: 1, dtemp: 1 }, J_UNSUPPORTED);
      const it = instanceTemp(card, a, local, ctx.options, ctx.warnings);
      refuseUnreadDefaults(cardNamed(f.models, modelTok.lower), "j", card.name);
      const areaTok = named.get("area")?.values[0] ?? jpos[4] ?? cardNamed(f.models, modelTok.lower)?.instanceDefaults?.get("area");
      const area = areaTok ? evalTok(areaTok, local, `${card.name} area`) : 1;
      if (!(area > 0) || !Number.isFinite(area)) throw new NetlistError(`${card.name}: area must be positive`, areaTok?.loc ?? card.loc);
      const m = num("m", "multiplier m") ?? 1;
      if (!(m > 0) || !Number.isFinite(m)) throw new NetlistError(`${card.name}: multiplier m must be positive`, named.get("m")!.values[0].loc);
      ctx.out.push({ type: "j", name, nodes: nodesOf(nodes) as [string, string, string], model: resolved.model, modelName: resolved.name, area, m, temp: it.temp + it.dtemp, ...(offAt >= 0 && { off: true }), loc: card.loc, nodeToks: pos.slice(0, 3) });
      break;
    }
    case "z": {
      const nodes = needNodes(card, pos, 3, Z_USAGE);
      const modelTok = pos[3];
      if (!modelTok || modelTok.kind !== "word") throw new NetlistError(`${card.name}: missing MESFET/HFET model name (usage: ${Z_USAGE})`, card.args[card.args.length - 1]?.loc ?? card.loc);
      const offAt = pos.findIndex((t, j) => j > 3 && t.lower === "off");
      if (offAt >= 0 && pos[offAt + 1]) throw new NetlistError(`${card.name}: unexpected '${clip(pos[offAt + 1].text)}' after 'off' (usage: ${Z_USAGE})`, pos[offAt + 1].loc);
      const zpos = offAt >= 0 ? pos.slice(0, offAt) : pos;
      const resolved = resolveZModel(modelTok, f.models, local, ctx.options.temp + CONSTCtoK, card.name, (mn, msg) => {
        if (ctx.warned.has(`z:${mn}:${msg}`)) return;
        ctx.warned.add(`z:${mn}:${msg}`);
        ctx.warnings.push(msg);
      });
      if (!resolved) throw new NetlistError(`${card.name}: unknown MESFET/HFET model '${clip(modelTok.text)}' (no .model ${clip(modelTok.text)} NMF/PMF/NHFET/PHFET card)`, modelTok.loc);
      const zm = resolved.model;
      refuseUnreadDefaults(resolved.card, "z", card.name);
      let area = 1;
      let l = 1e-6;
      let w = 20e-6;
      let m = 1;
      let ts = ctx.options.temp;
      let td = ctx.options.temp;
      let temp = ctx.options.temp;
      const positive = (key: string, what: string): number | undefined => {
        const x = num(key, what);
        if (x !== undefined && !(x > 0 && Number.isFinite(x))) throw new NetlistError(`${card.name}: ${what} must be positive`, named.get(key)!.values[0].loc);
        return x;
      };
      if (zm.kind === "mes") {
        // ngspice 39's inp2z.c drops a MES line's unlabelled value (it sets AREA only for the other devices)
        if (zpos[4]) ctx.warnings.push(`${formatLoc(zpos[4].loc)}: ${card.name}: the value '${clip(zpos[4].text)}' after the model is ignored, as ngspice 39 ignores it on a MES (level 1) line: write area=`);
        checkArgs(card, { pos: zpos, named }, 5, Z_USAGE, { area: 1, m: 1, icvds: 1, icvgs: 1, ic: 2 });
        if (named.has("area") && named.has("m")) throw new NetlistError(`${card.name}: area= and m= are the same parameter of ngspice 39's MES (its m= sets the area): give one`, named.get("m")!.key.loc);
        // mes.c: IOPUR("m", MES_AREA): m= is the area
        area = positive("area", "area") ?? positive("m", "m (the area, in ngspice 39's MES)") ?? 1;
      } else {
        checkArgs(card, { pos: zpos, named }, 4, Z_USAGE, zm.kind === "hfeta" ? { l: 1, w: 1, m: 1, icvds: 1, icvgs: 1, temp: 1, dtemp: 1 } : { l: 1, w: 1, m: 1, icvds: 1, icvgs: 1, ts: 1, td: 1, dtemp: 1 });
        l = positive("l", "length l") ?? l;
        w = positive("w", "width w") ?? w;
        m = positive("m", "multiplier m") ?? 1;
        const dtemp = num("dtemp", "dtemp") ?? 0;
        if (zm.kind === "hfeta") {
          const t0 = num("temp", "temp");
          temp = t0 ?? ctx.options.temp + dtemp;
        } else {
          // mesatemp.c: ts, td default to the circuit's temperature plus dtemp
          ts = num("ts", "ts") ?? ctx.options.temp + dtemp;
          td = num("td", "td") ?? ctx.options.temp + dtemp;
        }
        for (const t of [temp, ts, td]) if (!(t > -CONSTCtoK)) throw new NetlistError(`${card.name}: temperature ${t} C is below absolute zero`, card.loc);
      }
      ctx.out.push({ type: "z", name, nodes: nodesOf(nodes) as [string, string, string], model: zm, modelName: resolved.name, area, l, w, m, temp, ts, td, ...(offAt >= 0 && { off: true }), loc: card.loc, nodeToks: pos.slice(0, 3) });
      break;
    }
    case "v":
    case "i": {
      const nodes = needNodes(card, pos, 2, `${card.letter.toUpperCase()}name n+ n- [DC] value [PULSE(...)|SIN(...)|PWL(...)]`);
      let rest = card.args.slice(card.args.indexOf(pos[1]) + 1);
      // an I source's parallel multiplier m= (ngspice's ISRC m; a subcircuit's m= reaches it, subckt-multiplier.ts)
      const mAt = card.letter === "i" ? rest.findIndex((_, k) => isAssignAt(rest, k, "m")) : -1;
      let m: number | undefined;
      if (mAt >= 0) {
        const v = rest[mAt + 2];
        if (!v || (v.kind !== "word" && v.kind !== "expr")) throw new NetlistError(`${card.name}: m= needs a value`, rest[mAt].loc);
        m = evalTok(v, local, `${card.name} multiplier m`);
        rest = [...rest.slice(0, mAt), ...rest.slice(mAt + 3)];
      }
      const source = parseSource(card, rest, local, ctx.time);
      if (m !== undefined) source.m = m;
      ctx.out.push({ type: card.letter, name, nodes: nodesOf(nodes) as [string, string], source, loc: card.loc, nodeToks: pos });
      break;
    }
    case "e":
    case "g": {
      // VALUE={expr}, VALUE {expr} (PSpice), and E's VOL={expr} / G's CUR={expr}: ngspice 39's
      // inp_compat makes each a B source, V= for E and I= for G (through an internal node of its own)
      const kw = args[2]?.lower;
      const exprKw = kw === "value" || kw === (card.letter === "e" ? "vol" : "cur");
      if (exprKw && (args[3]?.kind === "=" || (kw === "value" && args[3]?.kind === "expr"))) {
        const nodes = needNodes(card, pos, 2, `${card.letter.toUpperCase()}name n+ n- ${kw.toUpperCase()}={expression}`) as [string, string];
        ctx.out.push(valueLine(ctx, card, f, name, nodesOf(nodes) as [string, string], pos));
        break;
      }
      if (pos[2]?.lower === "poly" && (pos[3]?.kind === "(" || pos.length > 5)) {
        const out = needNodes(card, pos, 2, `${card.letter.toUpperCase()}name n+ n- POLY(n) nc1+ nc1- ... p0 p1 ...`);
        const p = polyLine(card, a, local);
        ctx.out.push({ type: card.letter, name, nodes: nodesOf([...out, ...p.ctrl.map((t) => t.lower)]), gain: 0, poly: { coefs: p.coefs }, loc: card.loc, nodeToks: [pos[0], pos[1], ...p.ctrl] });
        break;
      }
      const usage = `${card.letter.toUpperCase()}name n+ n- nc+ nc- gain`;
      // `Ename n+ n- VCVS nc+ nc- gain` (G: VCCS): ngspice 39's inp_compat drops the keyword when the line has exactly these fields
      const kwTok = card.letter === "e" ? "vcvs" : "vccs";
      const lin = pos.length === 6 && named.size === 0 && pos[2].lower === kwTok ? { pos: [...pos.slice(0, 2), ...pos.slice(3)], named } : a;
      const nodes = needNodes(card, lin.pos, 4, usage);
      // G's parallel multiplier m= (ngspice's VCCS m), which E has not
      const mult = card.letter === "g" ? (num("m", "multiplier m") ?? 1) : 1;
      const gain = mult * value([], 4, card.letter === "e" ? "voltage gain" : "transconductance", lin.pos).v;
      checkArgs(card, lin, 5, usage, card.letter === "g" ? { m: 1 } : {});
      ctx.out.push({ type: card.letter, name, nodes: nodesOf(nodes) as [string, string, string, string], gain, loc: card.loc, nodeToks: lin.pos });
      break;
    }
    case "s":
    case "w": {
      const isS = card.letter === "s";
      const usage = isS ? "switch Sname n+ n- nc+ nc- model [on|off]" : "switch Wname n+ n- Vcontrol model [on|off]";
      const nn = isS ? 4 : 2;
      const nodes = needNodes(card, pos, nn, usage);
      const ctrlTok = isS ? undefined : pos[2];
      if (!isS && (!ctrlTok || ctrlTok.kind !== "word")) throw new NetlistError(`${card.name}: missing controlling voltage source (usage: ${usage})`, card.loc);
      const mi = isS ? 4 : 3;
      const modelTok = pos[mi];
      if (!modelTok || modelTok.kind !== "word") throw new NetlistError(`${card.name}: missing switch model name (usage: ${usage})`, card.loc);
      const state = pos[mi + 1];
      if (state && state.lower !== "on" && state.lower !== "off") throw new NetlistError(`${card.name}: unexpected '${clip(state.text)}' (usage: ${usage})`, state.loc);
      checkArgs(card, a, state ? mi + 2 : mi + 1, usage, {});
      const type = isS ? "sw" : "csw";
      // PSpice's smooth VSWITCH / ISWITCH (VON / VOFF): the XSPICE pswitch / aswitch ngspice makes of it (pspice-switch.ts)
      const smooth = pspiceSwitchSpec(card.name, name, modelTok, isS, nodesOf(nodes), pos.slice(0, nn), f.models, (t, what) => evalTok(t, local, what), () => (f.prefix ? `${ctrlTok!.lower[0]}.${f.prefix}${ctrlTok!.lower}` : ctrlTok!.lower), ctrlTok?.loc, card.loc);
      if (smooth) {
        ctx.out.push(smooth);
        break;
      }
      const resolved = resolveSwitchModel(modelTok, type, f.models, local, ctx.options.gmin, card.name);
      if (!resolved) throw new NetlistError(`${card.name}: unknown switch model '${clip(modelTok.text)}' (no .model ${clip(modelTok.text)} ${type.toUpperCase()} card)`, modelTok.loc);
      const on = state?.lower === "on";
      const common = { name, model: resolved.model, modelName: resolved.name, on, loc: card.loc, nodeToks: pos.slice(0, nn) };
      if (isS) ctx.out.push({ type: "s", nodes: nodesOf(nodes) as [string, string, string, string], ...common });
      else {
        const ctrl = f.prefix ? `${ctrlTok!.lower[0]}.${f.prefix}${ctrlTok!.lower}` : ctrlTok!.lower;
        ctx.out.push({ type: "w", nodes: nodesOf(nodes) as [string, string], ctrl, ctrlLoc: ctrlTok!.loc, ...common });
      }
      break;
    }
    case "f":
    case "h": {
      const usage = `${card.letter.toUpperCase()}name n+ n- Vcontrol gain`;
      const nodes = needNodes(card, pos, 2, usage);
      if (pos[2]?.lower === "poly") {
        const p = polyLine(card, a, local);
        const ctrls = p.ctrl.map((t) => (f.prefix ? `${t.lower[0]}.${f.prefix}${t.lower}` : t.lower));
        ctx.out.push({ type: card.letter, name, nodes: nodesOf(nodes) as [string, string], ctrl: ctrls[0], gain: 0, poly: { coefs: p.coefs, ctrls, ctrlLocs: p.ctrl.map((t) => t.loc) }, loc: card.loc, nodeToks: pos });
        break;
      }
      const ctrlTok = pos[2];
      if (!ctrlTok || ctrlTok.kind !== "word") throw new NetlistError(`${card.name}: missing controlling voltage source`, card.loc);
      // F's parallel multiplier m= (ngspice's CCCS m), which H has not
      const mult = card.letter === "f" ? (num("m", "multiplier m") ?? 1) : 1;
      const gain = mult * value([], 3, card.letter === "f" ? "current gain" : "transresistance").v;
      checkArgs(card, a, 4, usage, card.letter === "f" ? { m: 1 } : {});
      const ctrl = f.prefix ? `${ctrlTok.lower[0]}.${f.prefix}${ctrlTok.lower}` : ctrlTok.lower;
      ctx.out.push({ type: card.letter, name, nodes: nodesOf(nodes) as [string, string], ctrl, gain, loc: card.loc, nodeToks: pos });
      break;
    }
  }
}

/** The frame of subcircuit instance `card` (`Xname n1 n2 ... subname [params:] k=v ...`) in frame `f`. */
function instantiate(ctx: Ctx, card: ElementCard, f: Frame, stack: Frame[], active: Set<string>): Frame {
  const words: Token[] = [];
  let i = 0;
  for (; i < card.args.length; i++) {
    const t = card.args[i];
    if (t.lower === "params:" || card.args[i + 1]?.kind === "=") break;
    if (t.kind !== "word") throw new NetlistError(`${card.name}: unexpected '${clip(t.text)}'`, t.loc);
    words.push(t);
  }
  if (card.args[i]?.lower === "params:") i++;
  const subTok = words.pop();
  if (!subTok) throw new NetlistError(`${card.name}: missing subcircuit name`, card.loc);
  const subckts = [f.scope.subckts, ...f.subckts];
  let def: SubcktDef | undefined;
  for (const m of subckts) if ((def = m.get(subTok.lower))) break;
  if (!def) throw new NetlistError(`unknown subcircuit '${clip(subTok.text)}'`, subTok.loc);
  if (active.has(def.name)) {
    const chain = stack.filter((s) => s.def).map((s) => s.def!.name);
    throw new NetlistError(`recursive subcircuit: ${clip([...chain, def.name].join(" -> "), 300)}`, subTok.loc);
  }
  if (words.length !== def.ports.length) {
    throw new NetlistError(
      `${card.name}: subcircuit ${def.name} has ${def.ports.length} ports (${clip(def.ports.join(" "))}), got ${words.length} nodes`,
      subTok.loc,
    );
  }
  // Parameters: the instance's overrides (in the caller's scope), then the definition's
  // defaults over the global scope, which see the overrides (ngspice: `a=5` on the
  // instance makes a default `b={a*2}` 10).
  // A name the header does not declare but a `.param` of the body does is overridden too, as ngspice 39
  // does (examples/various/alterparam.sp: `Xr 2 0 subr rint = 7` over the body's `.param rint = 5`).
  const overrides: ParamScope = new Map();
  const bodyOverrides: ParamScope = new Map();
  for (const p of parseOverrides(card.args.slice(i))) {
    const inHeader = def.params.some((q) => q.name === p.name);
    if (!inHeader && !def.body.params.some((q) => q.name === p.name)) {
      throw new NetlistError(`${card.name}: subcircuit ${def.name} has no parameter '${clip(p.name)}'`, p.loc);
    }
    if (overrides.has(p.name) || bodyOverrides.has(p.name)) throw new NetlistError(`${card.name}: parameter '${p.name}' given twice`, p.loc);
    (inHeader ? overrides : bodyOverrides).set(p.name, evaluateValue(p.value.text, p.value.kind === "expr", f.env, p.value.loc, `parameter '${p.name}'`, true));
  }
  const funcs = funcsOf(ctx, def.body);
  const inst = new ParamEnv(ctx.globalEnv, def.params, overrides, funcs);
  const env = def.body.params.length ? new ParamEnv(inst, def.body.params, bodyOverrides.size ? bodyOverrides : undefined, funcs) : inst;
  const nodeMap = new Map<string, string>();
  def.ports.forEach((p, k) => nodeMap.set(p, mapNode(ctx, f, words[k].lower)));
  const child: Frame = {
    scope: def.body,
    env,
    taken: null,
    rmodels: null,
    path: [...f.path, card.name],
    prefix: `${f.prefix}${card.name}.`,
    nodeMap,
    models: f.models,
    subckts,
    def,
    next: 0,
  };
  child.models = [scopeModels(child, def.body), ...f.models];
  checkCsparams(def.body, env);
  return child;
}

function parseOverrides(tokens: Token[]): ParamAssign[] {
  const out: ParamAssign[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === ",") continue;
    const v = tokens[i + 2];
    if (t.kind !== "word" || tokens[i + 1]?.kind !== "=" || !v || (v.kind !== "word" && v.kind !== "expr")) {
      throw new NetlistError(`expected name=value, found '${clip(t.text)}'`, t.loc);
    }
    out.push({ name: t.lower, value: v, loc: t.loc });
    i += 2;
  }
  return out;
}

function optionValue(net: ParsedNetlist, top: Frame, warnings: string[]): { options: SimOptions; given: Set<string> } {
  const options = { ...DEFAULT_OPTIONS };
  const given = new Set<string>();
  // the last entry read of each name, among those whose `.if` branches are taken
  const last = new Map<string, OptionEntry>();
  for (const e of net.options) if ((!e.cond || inBranch(top, e.cond)) && !last.get(e.key)?.final) last.set(e.key, e);
  for (const [key, { value, loc }] of last) {
    if (key === "method") {
      options.method = integrationMethod(value, loc, warnings);
      given.add(key);
    } else if (key in options) {
      if (!value) throw new NetlistError(`option '${key}' needs a value`, loc);
      const v = evalTok(value, top.env, `option ${key}`);
      const temperature = key === "temp" || key === "tnom";
      if (!Number.isFinite(v) || (!temperature && v < 0) || (temperature && v <= -CONSTCtoK) || (key === "scale" && !(v > 0))) throw new NetlistError(`option '${key}' has a bad value ${v}`, value.loc);
      (options as unknown as Record<string, number>)[key] = v;
      given.add(key);
    } else if (key === "smoothbsrc") {
      throw new NetlistError("option 'smoothbsrc' (smoothed B-source derivatives) is not supported: eqspice stamps the exact derivatives of B-source expressions", loc);
    } else if (IGNORED_OPTIONS.has(key)) {
      warnings.push(`${loc.file}:${loc.line}: option '${key}' ignored`);
    } else {
      // ngspice 39 reads any option name: SPICE2's obsolete ones with a warning, others silently (a typo included)
      const why = OBSOLETE_OPTIONS.has(key) ? "is a SPICE2 option ngspice 39 calls obsolete" : "is not an option ngspice 39 or eqspice uses";
      warnings.push(`${loc.file}:${loc.line}:${loc.col}: option '${clip(key)}' ${why}: ignored, as ngspice does (eqspice's options: ${Object.keys(DEFAULT_OPTIONS).join(", ")})`);
    }
  }
  return { options, given };
}

/**
 * `.options method=trap|trapezoidal|gear` (ngspice's spellings, any case);
 * another value is ngspice 39's "unsupported integration method": a
 * warning, and the trapezoidal rule.
 */
function integrationMethod(value: OptionEntry["value"], loc: SourceLoc, warnings: string[]): SimOptions["method"] {
  const word = value?.kind === "word" ? value.text.toLowerCase() : undefined;
  if (word === "trap" || word === "trapezoidal") return "trap";
  if (word === "gear") return "gear";
  const at = value?.loc ?? loc;
  warnings.push(`${at.file}:${at.line}:${at.col}: option 'method'${word ? ` '${clip(word)}'` : ""} is not an integration method ngspice 39 or eqspice has (trap, trapezoidal, gear): the trapezoidal rule, as ngspice ("unsupported integration method")`);
  return "trap";
}

/** The top-level frame at circuit temperature `temp` (C): `temper` in expressions. */
function topFrame(net: ParsedNetlist, temp: number, funcs: FuncTable | undefined): Frame {
  const env = new ParamEnv(new RootScope(temp, funcs), net.top.params);
  return { scope: net.top, env, taken: null, rmodels: null, path: [], prefix: "", nodeMap: new Map(), models: [], subckts: [], def: null, next: 0 };
}

/**
 * The circuit temperature when the netlist states it as a plain number
 * outside `.if` blocks (or not at all: 27 C); undefined when it takes
 * evaluating parameters.
 */
function plainTemperature(net: ParsedNetlist): number | undefined {
  let temp = DEFAULT_OPTIONS.temp;
  for (const e of net.options) {
    if (e.key !== "temp") continue;
    if (e.cond || !e.value || e.value.kind !== "word") return undefined;
    const v = parseSpiceNumber(e.value.text);
    if (!Number.isFinite(v)) return undefined;
    temp = v;
    if (e.final) break;
  }
  return temp;
}

/** Elaborate a parsed netlist into flat element specs. */
export function elaborate(net: ParsedNetlist): Elaborated {
  const warnings = [...net.warnings];
  const funcs: WeakMap<Scope, FuncTable | undefined> = new WeakMap();
  const topFuncs = makeFuncTable(net.top.funcs);
  funcs.set(net.top, topFuncs);
  // `temper` in the parameters needs the temperature, which `.temp {expr}` or an `.if` may take parameters to know:
  // then evaluate at 27 C first, and again at the temperature found, which must come out the same.
  const plain = plainTemperature(net);
  let top = topFrame(net, plain ?? DEFAULT_OPTIONS.temp, topFuncs);
  let { options, given } = optionValue(net, top, warnings);
  if (plain === undefined && options.temp !== DEFAULT_OPTIONS.temp) {
    top = topFrame(net, options.temp, topFuncs);
    const again = optionValue(net, top, []);
    if (again.options.temp !== options.temp) {
      const e = net.options.filter((o) => o.key === "temp").pop()!;
      throw new NetlistError(`the circuit temperature depends on TEMPER (${options.temp} C read at 27 C, ${again.options.temp} C at ${options.temp} C)`, e.loc);
    }
    ({ options, given } = again);
  }
  const topEnv = top.env;
  let tran: TranSpec | undefined;
  let tranError: NetlistError | undefined;
  const t = net.trans.filter((c) => !c.cond || inBranch(top, c.cond)).pop();
  if (t) {
    try {
      const tstep = evalTok(t.tstep, topEnv, ".tran TSTEP");
      const tstop = evalTok(t.tstop, topEnv, ".tran TSTOP");
      if (!(tstep > 0)) throw new NetlistError(".tran TSTEP must be positive", t.tstep.loc);
      if (!(tstop > 0)) throw new NetlistError(".tran TSTOP must be positive", t.tstop.loc);
      const tstart = t.tstart ? evalTok(t.tstart, topEnv, ".tran TSTART") : 0;
      const tmax = t.tmax ? evalTok(t.tmax, topEnv, ".tran TMAX") : Math.min(tstep, (tstop - tstart) / 50);
      tran = { tstep, tstop, tstart, tmax, uic: t.uic };
    } catch (e) {
      // a card ngspice 39 reports and drops, running the other analyses (gnucap's `.tran 0 1 trace all`):
      // a warning here, and the error for a transient that would read it
      if (!(e instanceof NetlistError)) throw e;
      tranError = e;
      warnings.push(`${e.message} (the .tran card is ignored, as ngspice 39 drops it; a transient needs it fixed)`);
    }
  }
  const d = net.dcs.filter((c) => !c.cond || inBranch(top, c.cond)).pop();
  const dc: DcSpec | undefined = d && {
    sweeps: d.sweeps.map((w) => ({ name: w.name.lower, start: evalTok(w.start, topEnv, ".dc START"), stop: evalTok(w.stop, topEnv, ".dc STOP"), step: evalTok(w.step, topEnv, ".dc INCR"), loc: w.name.loc, stepLoc: w.step.loc })),
    loc: d.loc,
  };
  const a = net.acs.filter((c) => !c.cond || inBranch(top, c.cond)).pop();
  const ac: AcSpec | undefined = a && {
    sweep: a.kind.lower as AcSpec["sweep"],
    points: evalTok(a.points, topEnv, ".ac N"),
    fstart: evalTok(a.fstart, topEnv, ".ac FSTART"),
    fstop: evalTok(a.fstop, topEnv, ".ac FSTOP"),
    loc: a.loc,
    pointsLoc: a.points.loc,
    fstartLoc: a.fstart.loc,
    fstopLoc: a.fstop.loc,
  };
  const time: TimeDefaults = { tstep: tran?.tstep ?? 0, tstop: tran?.tstop ?? 0 };
  const ctx: Ctx = { net, time, options, out: [], warnings, warned: new Set(), globals: new Set(net.globals.keys()), globalEnv: topEnv, rModels: net.resistorModels, funcs, nodesets: [], ics: new Map() };
  top.models = [scopeModels(top, net.top)];
  checkCsparams(net.top, topEnv);
  elaborateAll(ctx, top);
  insertAutoBridges(ctx.out, net.fastR.nodeNames, net.autoBridgeVars); // XSPICE digital nodes that are also analog nodes
  bsim3v1Perimeters(ctx.out); // VERSION 3.1: b3v1check.c's PD/PS clamp, once per model and size
  return { title: net.title, file: net.file, elements: ctx.out, fastR: net.fastR, options, optionsGiven: given, op: net.op, tran, tranError, dc, ac, ics: ctx.ics, nodesets: ctx.nodesets, params: topEnv.values, warnings };
}

/**
 * Every element as a spec, the plain resistor lines included (converted
 * from their arrays). For inspection and tests; the circuit builder reads
 * the arrays directly.
 */
export function allElementSpecs(el: Elaborated): ElementSpec[] {
  const f = el.fastR;
  const out: ElementSpec[] = [];
  for (let q = 0; q < f.count; q++) {
    out.push({ type: "r", name: f.name(q), nodes: [f.nodeNames[f.a[q]], f.nodeNames[f.b[q]]], ohms: f.ohms[q], loc: f.loc(q) });
  }
  return out.concat(el.elements);
}

/**
 * The POLY(n) form of E, G, F, H (SPICE2; ngspice 39 translates it into its
 * XSPICE spice2poly model): after the two output nodes `POLY(n)` (also
 * `POLY (n)`, `POLY n`), then the controls, 2n node names (E, G) or n
 * voltage-source names (F, H), then the coefficients p0 p1 ..., at least
 * one. Parentheses and commas among the controls, `(1,0) (2,0)`, only
 * separate, as in ngspice. Coefficients are values or expressions of the
 * element's scope.
 */
function polyLine(card: ElementCard, a: ReturnType<typeof splitArgs>, scope: ParamEnv): { ctrl: Token[]; coefs: number[] } {
  const { pos, named } = a;
  const L = card.letter.toUpperCase();
  const pairs = card.letter === "e" || card.letter === "g";
  const usage = pairs ? `${L}name n+ n- POLY(n) nc1+ nc1- ... ncn+ ncn- p0 p1 ...` : `${L}name n+ n- POLY(n) V1 ... Vn p0 p1 ...`;
  const polyTok = pos[2];
  let i = 3;
  const paren = pos[i]?.kind === "(";
  if (paren) i++;
  const dimTok = pos[i];
  if (!dimTok || dimTok.kind !== "word") throw new NetlistError(`${card.name}: POLY needs its dimension, POLY(n) (usage: ${usage})`, dimTok?.loc ?? polyTok.loc);
  // ngspice reads it with atoi (POLY(1.5) is 1): refused here unless it is a plain positive integer
  if (!/^[0-9]+$/.test(dimTok.text) || Number(dimTok.text) < 1) {
    throw new NetlistError(`${card.name}: the POLY dimension must be a positive integer, got '${clip(dimTok.text)}' (ngspice: "Argument to poly() is not an integer")`, dimTok.loc);
  }
  const n = Number(dimTok.text);
  i++;
  if (paren) {
    if (pos[i]?.kind !== ")") throw new NetlistError(`${card.name}: expected ')' after POLY(${n}`, pos[i]?.loc ?? dimTok.loc);
    i++;
  }
  const first = named.values().next();
  if (!first.done) throw new NetlistError(`${card.name}: a POLY source takes no name=value parameters, got '${clip(first.value.key.text)}=' (ngspice 39 fails on it)`, first.value.key.loc);
  const rest = pos.slice(i).filter((t) => t.kind !== "(" && t.kind !== ")");
  const need = pairs ? 2 * n : n;
  if (rest.length < need + 1) {
    const what = pairs ? `${need} controlling nodes (${n} pair${n > 1 ? "s" : ""})` : `${n} controlling voltage source${n > 1 ? "s" : ""}`;
    throw new NetlistError(
      `${card.name}: POLY(${n}) needs ${what} and at least one coefficient, got ${rest.length} value${rest.length === 1 ? "" : "s"} after POLY(${n}) (ngspice: "Number of connections differs from poly dimension"; usage: ${usage})`,
      rest[rest.length - 1]?.loc ?? dimTok.loc,
    );
  }
  const ctrl = rest.slice(0, need);
  const bad = ctrl.find((t) => t.kind !== "word");
  if (bad) throw new NetlistError(`${card.name}: expected a ${pairs ? "node name" : "voltage source name"} for POLY(${n}), found '${clip(bad.text)}'`, bad.loc);
  const coefs = rest.slice(need).map((t, j) => evalTok(t, scope, `${card.name} POLY coefficient p${j}`));
  return { ctrl, coefs };
}

/**
 * `Ename n+ n- VALUE={expr}` as a V= B source and `Gname n+ n- VALUE={expr}`
 * as an I= one, under the element's own name (ngspice 39 does the same
 * through a B source; E's branch current stays readable as i(Ename)).
 */
/** The .model card named `model`, as the scopes resolve it (innermost first). */
function cardNamed(models: Array<Map<string, ModelCard>>, model: string): ModelCard | undefined {
  for (const m of models) {
    const c = m.get(model);
    if (c) return c;
  }
  return undefined;
}

function valueLine(ctx: Ctx, card: ElementCard, f: Frame, name: string, nodes: [string, string], nodeToks: Token[]): ElementSpec {
  const key = card.args[2];
  const kind = card.letter === "e" ? "v" : "i";
  const asKey: Token = { kind: "word", text: kind.toUpperCase(), lower: kind, loc: key.loc };
  // VALUE {expr} without its '=' (PSpice; ngspice writes one in)
  const body = card.args[3].kind === "=" ? card.args.slice(3) : [{ kind: "=", text: "=", lower: "=", loc: card.args[3].loc } as Token, ...card.args.slice(3)];
  // only the expression: a `name=` after it (tc1=, m=) is refused here, not read as a B source's
  const extra = body.findIndex((t, i) => t.kind === "word" && body[i + 1]?.kind === "=" && body[i + 2]?.kind !== "=");
  if (extra >= 0) throw new NetlistError(`${card.name}: ${key.text.toUpperCase()}= takes only its expression, got '${clip(body[extra].text)}='`, body[extra].loc);
  const line = readBLine(card.name, [asKey, ...body], card.loc);
  const expr = compileB(line.text, line.at, {
    scope: f.env,
    mapNode: (n) => mapNode(ctx, f, n),
    mapSource: (s) => (f.prefix ? `${s[0]}.${f.prefix}${s}` : s),
    terminals: nodes,
    what: `${card.name} ${key.text.toUpperCase()}=`,
  });
  return { type: "b", name, nodes, kind, expr, loc: card.loc, nodeToks: nodeToks.slice(0, 2) };
}

/**
 * An M line naming a VDMOS model (ngspice's inp2m.c with vdmos):
 * `Mname drain gate source model [off] [m=M] [temp=T] [dtemp=D]
 * [icvds=V] [icvgs=V] [ic=VDS,VGS]`, or with `thermal` (self-heating,
 * RTHJC on the card) two more nodes, the junction and case temperatures.
 */
function readVdmosLine(ctx: Ctx, card: ElementCard, f: Frame, local: ParamEnv, name: string, a: ReturnType<typeof splitArgs>, nodesOf: (nodes: string[]) => string[]): void {
  const { pos, named } = a;
  // ngspice's inpcom.c: with `thermal` the line has exactly 5 nodes, d g s tj tcase
  const thermalTok = pos.find((t, j) => j >= 3 && t.lower === "thermal");
  const mi = pos.findIndex((t, j) => j >= 3 && j <= 5 && t.kind === "word" && hasVdmosModel(t.lower, f.models));
  if (thermalTok ? mi !== 5 : mi !== 3) {
    const want = thermalTok ? "5 nodes with 'thermal' (drain gate source tj tcase)" : "3 nodes (drain gate source), 5 with 'thermal' (the self-heating model's tj and tcase)";
    throw new NetlistError(`${card.name}: a VDMOS transistor has ${want}, got ${mi} before model '${clip(pos[mi].text)}'`, pos[Math.min(mi, 3)].loc);
  }
  const nodes = needNodes(card, pos, mi, VDMOS_USAGE);
  const modelTok = pos[mi];
  const flags = pos.slice(mi + 1);
  const offTok = flags.find((t) => t.lower === "off");
  const badFlag = flags.find((t) => t.lower !== "off" && t.lower !== "thermal");
  if (badFlag || flags.length > (offTok ? 1 : 0) + (thermalTok ? 1 : 0)) {
    const t = badFlag ?? flags[flags.length - 1];
    throw new NetlistError(`${card.name}: unexpected '${clip(t.text)}' (usage: ${VDMOS_USAGE})`, t.loc);
  }
  checkArgs(card, a, pos.length, VDMOS_USAGE, VDMOS_PARAMS);
  const resolved = resolveVdmosModel(modelTok, f.models, local, ctx.options.tnom, (mn, msg) => {
    if (ctx.warned.has(`vdmos:${mn}:${msg}`)) return;
    ctx.warned.add(`vdmos:${mn}:${msg}`);
    ctx.warnings.push(msg);
  });
  if (!resolved) throw new NetlistError(`${card.name}: unknown VDMOS model '${clip(modelTok.text)}'`, modelTok.loc);
  // vdmosset.c: self-heating needs RTHJC on the card; without it ngspice leaves tj and tcase unconnected
  if (thermalTok && !resolved.model.rthjcGiven) throw new NetlistError(`${card.name}: 'thermal' needs RTHJC on .model ${resolved.name} (ngspice then leaves the tj and tcase nodes unconnected)`, thermalTok.loc);
  const num = (key: string): number | undefined => {
    const n = named.get(key);
    return n ? evalTok(n.values[0], local, `${card.name} ${key}`) : undefined;
  };
  const m = num("m") ?? 1;
  if (!(m > 0) || !Number.isFinite(m)) throw new NetlistError(`${card.name}: multiplier m must be positive`, named.get("m")!.values[0].loc);
  const it = instanceTemp(card, a, local, ctx.options, ctx.warnings);
  let icVds = num("icvds") ?? 0;
  let icVgs = num("icvgs") ?? 0;
  const ic = named.get("ic");
  if (ic) {
    // vdmospar.c: ic=vds[,vgs]
    icVds = evalTok(ic.values[0], local, `${card.name} ic`);
    if (ic.values[1]) icVgs = evalTok(ic.values[1], local, `${card.name} ic`);
  }
  ctx.out.push({
    type: "vdmos",
    name,
    nodes: nodesOf(nodes),
    model: resolved.model,
    modelName: resolved.name,
    m,
    temp: it.temp + it.dtemp,
    icVds,
    icVgs,
    ...(offTok && { off: true }),
    ...(thermalTok && { thermal: true }),
    loc: card.loc,
  });
}
