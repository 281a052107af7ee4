/**
 * Elaboration: ParsedNetlist -> flat list of element specs with numeric
 * values. Flattens `.subckt` instances (ngspice naming: node `x1.mid`,
 * element `r.x1.r1`), evaluates `.param`s and `{expressions}` in scope,
 * resolves diode models and source functions.
 */
import type { ElementCard, ParamAssign, ParsedNetlist, Scope, SubcktDef } from "./ast.js";
import { NetlistError, type SourceLoc } from "./errors.js";
import { evaluateValue, type ParamScope } from "./expressions.js";
import type { Token } from "./lexer.js";
import type { FastResistors } from "./fast-resistors.js";
import { CONSTCtoK, DIODE_DEFAULTS, DIODE_PARAM_ALIASES, type DiodeModelParams } from "../devices/diode-model.js";
import { makeWaveform, waveformAt, type SourceValue, type TimeDefaults } from "../devices/waveform.js";

export type ElementSpec = (
  | { type: "r"; name: string; nodes: [string, string]; ohms: number; loc: SourceLoc }
  | { type: "c"; name: string; nodes: [string, string]; farads: number; ic?: number; loc: SourceLoc }
  | { type: "d"; name: string; nodes: [string, string]; model: DiodeModelParams; modelName: string; area: number; loc: SourceLoc }
  | { type: "v" | "i"; name: string; nodes: [string, string]; source: SourceValue; loc: SourceLoc }
  | { type: "e" | "g"; name: string; nodes: [string, string, string, string]; gain: number; loc: SourceLoc }
  | { type: "f" | "h"; name: string; nodes: [string, string]; ctrl: string; gain: number; loc: SourceLoc }
) & {
  /** The node tokens as written, in the order of `nodes` (error locations). */
  nodeToks?: readonly Token[];
};

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
}

export const DEFAULT_OPTIONS: SimOptions = { gmin: 1e-12, reltol: 1e-3, abstol: 1e-12, vntol: 1e-6, temp: 27, itl1: 100, cnode: 0 };

const IGNORED_OPTIONS = new Set(["noacct", "nopage", "nomod", "acct", "list", "node", "opts", "numdgt", "method", "trtol", "chgtol", "itl2", "itl4", "itl5", "tnom", "gshunt", "interp", "keepopinfo", "savecurrents", "klu", "sparse", "norefvalue", "post", "ingold", "rshunt", "maxord", "xmu", "noinit"]);

export interface TranSpec {
  tstep: number;
  tstop: number;
  tstart: number;
  tmax: number;
  uic: boolean;
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
  /** `.ic` node voltages (V). */
  ics: Map<string, number>;
  /** Top-level parameter values (for sweeps and reports). */
  params: Map<string, number>;
  warnings: string[];
}

interface Ctx {
  net: ParsedNetlist;
  time: TimeDefaults;
  out: ElementSpec[];
  warnings: string[];
  /** Models already warned about. */
  warned: Set<string>;
}

function evalTok(t: Token, scope: ParamScope, what: string): number {
  if (t.kind !== "word" && t.kind !== "expr") throw new NetlistError(`expected a value for ${what}, found '${t.text}'`, t.loc);
  return evaluateValue(t.text, t.kind === "expr", scope, t.loc, what);
}

function evalParams(assigns: ParamAssign[], scope: ParamScope, into: ParamScope): void {
  for (const p of assigns) into.set(p.name, evalTok(p.value, scope, `parameter '${p.name}'`));
}

/** Split element args into positional tokens and name=value pairs. */
const NO_NAMED: Map<string, Token> = new Map();

function splitArgs(args: Token[]): { pos: Token[]; named: Map<string, Token> } {
  let simple = true;
  for (let i = 0; i < args.length; i++) if (args[i].kind !== "word" && args[i].kind !== "expr") simple = false;
  if (simple) return { pos: args, named: NO_NAMED };
  const pos: Token[] = [];
  const named = new Map<string, Token>();
  for (let i = 0; i < args.length; i++) {
    const t = args[i];
    if (t.kind === "word" && args[i + 1]?.kind === "=") {
      const v = args[i + 2];
      if (!v || (v.kind !== "word" && v.kind !== "expr")) throw new NetlistError(`'${t.text}=' has no value`, t.loc);
      named.set(t.lower, v);
      i += 2;
    } else if (t.kind !== ",") {
      pos.push(t);
    }
  }
  return { pos, named };
}

function needNodes(card: ElementCard, pos: Token[], count: number, usage: string): string[] {
  const nodes: string[] = [];
  for (let i = 0; i < count; i++) {
    const t = pos[i];
    if (!t || t.kind !== "word") {
      const at = t?.loc ?? card.args[card.args.length - 1]?.loc ?? card.loc;
      throw new NetlistError(`${card.name}: missing node ${i + 1} of ${count} (usage: ${usage})`, at);
    }
    nodes.push(t.lower);
  }
  return nodes;
}

function resolveModel(name: Token, models: Array<Map<string, import("./ast.js").ModelCard>>, scope: ParamScope): { params: DiodeModelParams; name: string; capacitive: boolean } {
  for (const m of models) {
    const card = m.get(name.lower);
    if (!card) continue;
    const params: DiodeModelParams = { ...DIODE_DEFAULTS };
    let capacitive = false;
    for (const [key, tok] of card.params) {
      if (!(key in DIODE_PARAM_ALIASES)) throw new NetlistError(`unknown diode model parameter '${key}' in .model ${card.name}`, tok.loc);
      const field = DIODE_PARAM_ALIASES[key];
      const v = evalTok(tok, scope, `model parameter ${key.toUpperCase()}`);
      if ((key === "tt" || DIODE_PARAM_ALIASES[key] === "cjo") && v !== 0) capacitive = true;
      if (field === null) continue;
      if (field === "bv") throw new NetlistError(`.model ${card.name}: reverse breakdown (BV) is not modelled by eqspice`, tok.loc);
      params[field] = v;
    }
    if (!(params.is > 0)) throw new NetlistError(`.model ${card.name}: IS must be positive`, card.loc);
    if (!(params.n > 0)) throw new NetlistError(`.model ${card.name}: N must be positive`, card.loc);
    if (params.rs < 0) throw new NetlistError(`.model ${card.name}: RS must not be negative`, card.loc);
    return { params, name: card.name, capacitive };
  }
  throw new NetlistError(`unknown model '${name.text}'`, name.loc);
}

function parseSource(card: ElementCard, rest: Token[], scope: ParamScope, time: TimeDefaults): SourceValue {
  let dc: number | undefined;
  let wave: SourceValue["wave"] | undefined;
  for (let i = 0; i < rest.length; i++) {
    const t = rest[i];
    if (t.kind === "(" || t.kind === ")" || t.kind === ",") continue;
    const w = t.lower;
    if (w === "dc") {
      const v = rest[i + 1];
      if (!v) throw new NetlistError(`${card.name}: DC needs a value`, t.loc);
      dc = evalTok(v, scope, `${card.name} DC value`);
      i++;
    } else if (w === "ac") {
      // AC magnitude and phase: not used by eqspice's analyses.
      while (rest[i + 1] && rest[i + 1].kind !== "(" && !isFunc(rest[i + 1].lower) && !Number.isNaN(parseFloat(rest[i + 1].text))) i++;
    } else if (isFunc(w)) {
      const args: number[] = [];
      let j = i + 1;
      const paren = rest[j]?.kind === "(";
      if (paren) j++;
      for (; j < rest.length; j++) {
        const a = rest[j];
        if (a.kind === ")") break;
        if (a.kind === ",") continue;
        if (!paren && a.kind === "word" && isFunc(a.lower)) break;
        if (w === "pwl" && a.kind === "word" && (a.lower === "r" || a.lower === "td")) {
          throw new NetlistError(`${card.name}: PWL options (r=, td=) are not supported`, a.loc);
        }
        args.push(evalTok(a, scope, `${card.name} ${w.toUpperCase()} argument`));
      }
      if (paren && rest[j]?.kind !== ")") throw new NetlistError(`${card.name}: missing ')' after ${w.toUpperCase()}(`, t.loc);
      try {
        wave = makeWaveform(w, args, time);
      } catch (e) {
        throw new NetlistError(`${card.name}: ${(e as Error).message}`, t.loc);
      }
      i = j;
    } else if (dc === undefined && (t.kind === "expr" || t.kind === "word")) {
      dc = evalTok(t, scope, `${card.name} value`);
    } else {
      throw new NetlistError(`${card.name}: unexpected '${t.text}'`, t.loc);
    }
  }
  if (!wave) wave = { kind: "dc", value: dc ?? 0 };
  return { dc: dc ?? waveformAt(wave, 0), wave };
}

function isFunc(w: string): boolean {
  return w === "pulse" || w === "sin" || w === "pwl" || w === "exp";
}

function flatElementName(letter: string, path: string[], name: string): string {
  return path.length ? `${letter}.${path.join(".")}.${name}` : name;
}

function elaborateScope(
  ctx: Ctx,
  scope: Scope,
  params: ParamScope,
  path: string[],
  nodeMap: Map<string, string>,
  models: Array<Map<string, import("./ast.js").ModelCard>>,
  subckts: Array<Map<string, SubcktDef>>,
  active: string[],
): void {
  const local = new Map(params);
  evalParams(scope.params, local, local);
  const modelStack = [scope.models, ...models];
  const subcktStack = [scope.subckts, ...subckts];
  const mapNode = (n: string): string => {
    if (n === "0" || n === "gnd") return "0";
    const m = nodeMap.get(n);
    if (m !== undefined) return m;
    return path.length ? `${path.join(".")}.${n}` : n;
  };

  for (const card of scope.elements) {
    const name = flatElementName(card.letter, path, card.name);
    const args = card.args;
    if (card.letter === "r" && args.length === 3 && args[0].kind === "word" && args[1].kind === "word") {
      // The plain `Rname a b value` line (10^5 of them in a crossbar netlist): no intermediate arrays.
      const ohms = evalTok(args[2], local, "resistance");
      if (ohms === 0) throw new NetlistError(`${card.name}: zero resistance (use a voltage source for a short)`, args[2].loc);
      ctx.out.push({ type: "r", name, nodes: [mapNode(args[0].lower), mapNode(args[1].lower)], ohms, loc: card.loc, nodeToks: args });
      continue;
    }
    const { pos, named } = splitArgs(args);
    const value = (key: string[], idx: number, what: string): number => {
      for (const k of key) {
        const t = named.get(k);
        if (t) return evalTok(t, local, what);
      }
      const t = pos[idx];
      if (!t) throw new NetlistError(`${card.name}: missing ${what}`, card.args[card.args.length - 1]?.loc ?? card.loc);
      return evalTok(t, local, what);
    };
    switch (card.letter) {
      case "r": {
        const nodes = needNodes(card, pos, 2, "Rname n+ n- value");
        let ohms = value(["r", "resistance"], 2, "resistance");
        const m = named.get("m");
        if (m) ohms /= evalTok(m, local, "multiplier m");
        if (ohms === 0) throw new NetlistError(`${card.name}: zero resistance (use a voltage source for a short)`, pos[2]?.loc ?? card.loc);
        ctx.out.push({ type: "r", name, nodes: nodes.map(mapNode) as [string, string], ohms, loc: card.loc, nodeToks: pos });
        break;
      }
      case "c": {
        const nodes = needNodes(card, pos, 2, "Cname n+ n- value");
        const farads = value(["c", "capacitance"], 2, "capacitance");
        const icTok = named.get("ic");
        const ic = icTok ? evalTok(icTok, local, "initial condition") : undefined;
        ctx.out.push({ type: "c", name, nodes: nodes.map(mapNode) as [string, string], farads, ic, loc: card.loc, nodeToks: pos });
        break;
      }
      case "d": {
        const nodes = needNodes(card, pos, 2, "Dname anode cathode model [area]");
        const modelTok = pos[2];
        if (!modelTok || modelTok.kind !== "word") throw new NetlistError(`${card.name}: missing diode model name`, card.loc);
        const { params: model, name: modelName, capacitive } = resolveModel(modelTok, modelStack, local);
        if (capacitive && !ctx.warned.has(modelName)) {
          ctx.warned.add(modelName);
          ctx.warnings.push(`.model ${modelName}: junction capacitance (CJO) and transit time (TT) are not modelled: DC results are exact, transient waveforms will differ from ngspice`);
        }
        let area = 1;
        if (named.has("area")) area = evalTok(named.get("area")!, local, "area");
        else if (pos[3] && pos[3].lower !== "off") area = evalTok(pos[3], local, "area");
        if (!(area > 0)) throw new NetlistError(`${card.name}: area must be positive`, pos[3]?.loc ?? card.loc);
        ctx.out.push({ type: "d", name, nodes: nodes.map(mapNode) as [string, string], model, modelName, area, loc: card.loc, nodeToks: pos });
        break;
      }
      case "v":
      case "i": {
        const nodes = needNodes(card, pos, 2, `${card.letter.toUpperCase()}name n+ n- [DC] value [PULSE(...)|SIN(...)|PWL(...)]`);
        const rest = card.args.slice(card.args.indexOf(pos[1]) + 1);
        const source = parseSource(card, rest, local, ctx.time);
        ctx.out.push({ type: card.letter, name, nodes: nodes.map(mapNode) as [string, string], source, loc: card.loc, nodeToks: pos });
        break;
      }
      case "e":
      case "g": {
        if (pos.some((t) => t.lower === "poly") || named.has("value")) {
          throw new NetlistError(`${card.name}: POLY and VALUE= controlled sources are not supported`, card.loc);
        }
        const nodes = needNodes(card, pos, 4, `${card.letter.toUpperCase()}name n+ n- nc+ nc- gain`);
        const gain = value([], 4, card.letter === "e" ? "voltage gain" : "transconductance");
        ctx.out.push({ type: card.letter, name, nodes: nodes.map(mapNode) as [string, string, string, string], gain, loc: card.loc, nodeToks: pos });
        break;
      }
      case "f":
      case "h": {
        const nodes = needNodes(card, pos, 2, `${card.letter.toUpperCase()}name n+ n- Vcontrol gain`);
        const ctrlTok = pos[2];
        if (!ctrlTok || ctrlTok.kind !== "word") throw new NetlistError(`${card.name}: missing controlling voltage source`, card.loc);
        const gain = value([], 3, card.letter === "f" ? "current gain" : "transresistance");
        const ctrl = flatElementName(ctrlTok.lower[0], path, ctrlTok.lower);
        ctx.out.push({ type: card.letter, name, nodes: nodes.map(mapNode) as [string, string], ctrl, gain, loc: card.loc, nodeToks: pos });
        break;
      }
      case "x": {
        instantiate(ctx, card, local, path, mapNode, modelStack, subcktStack, active);
        break;
      }
    }
  }
}

function instantiate(
  ctx: Ctx,
  card: ElementCard,
  scope: ParamScope,
  path: string[],
  mapNode: (n: string) => string,
  models: Array<Map<string, import("./ast.js").ModelCard>>,
  subckts: Array<Map<string, SubcktDef>>,
  active: string[],
): void {
  // Xname n1 n2 ... subname [params:] k=v ...
  const words: Token[] = [];
  let i = 0;
  for (; i < card.args.length; i++) {
    const t = card.args[i];
    if (t.lower === "params:" || card.args[i + 1]?.kind === "=") break;
    if (t.kind !== "word") throw new NetlistError(`${card.name}: unexpected '${t.text}'`, t.loc);
    words.push(t);
  }
  if (card.args[i]?.lower === "params:") i++;
  const subTok = words.pop();
  if (!subTok) throw new NetlistError(`${card.name}: missing subcircuit name`, card.loc);
  let def: SubcktDef | undefined;
  for (const m of subckts) if ((def = m.get(subTok.lower))) break;
  if (!def) throw new NetlistError(`unknown subcircuit '${subTok.text}'`, subTok.loc);
  if (active.includes(def.name)) {
    throw new NetlistError(`recursive subcircuit: ${[...active, def.name].join(" -> ")}`, subTok.loc);
  }
  if (words.length !== def.ports.length) {
    throw new NetlistError(
      `${card.name}: subcircuit ${def.name} has ${def.ports.length} ports (${def.ports.join(" ")}), got ${words.length} nodes`,
      subTok.loc,
    );
  }
  // Parameters: the definition's defaults (evaluated in the global scope), then the instance's overrides (in the caller's scope).
  const inner: ParamScope = new Map(ctx.net.top.params.length ? globalParams(ctx) : []);
  evalParams(def.params, inner, inner);
  const overrides = card.args.slice(i);
  for (const a of parseOverrides(overrides)) {
    if (!def.params.some((p) => p.name === a.name)) {
      throw new NetlistError(`${card.name}: subcircuit ${def.name} has no parameter '${a.name}'`, a.loc);
    }
    inner.set(a.name, evalTok(a.value, scope, `parameter '${a.name}'`));
  }
  const nodeMap = new Map<string, string>();
  def.ports.forEach((p, k) => nodeMap.set(p, mapNode(words[k].lower)));
  elaborateScope(ctx, def.body, inner, [...path, card.name], nodeMap, models, subckts, [...active, def.name]);
}

let globalCache: { net: ParsedNetlist; params: ParamScope } | null = null;
function globalParams(ctx: Ctx): ParamScope {
  if (globalCache?.net !== ctx.net) {
    const p: ParamScope = new Map();
    evalParams(ctx.net.top.params, p, p);
    globalCache = { net: ctx.net, params: p };
  }
  return globalCache.params;
}

function parseOverrides(tokens: Token[]): ParamAssign[] {
  const out: ParamAssign[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === ",") continue;
    if (t.kind !== "word" || tokens[i + 1]?.kind !== "=" || !tokens[i + 2]) throw new NetlistError(`expected name=value, found '${t.text}'`, t.loc);
    out.push({ name: t.lower, value: tokens[i + 2], loc: t.loc });
    i += 2;
  }
  return out;
}

function optionValue(net: ParsedNetlist, scope: ParamScope, warnings: string[]): { options: SimOptions; given: Set<string> } {
  const options = { ...DEFAULT_OPTIONS };
  const given = new Set<string>();
  for (const [key, { value, loc }] of net.options) {
    if (key in options) {
      if (!value) throw new NetlistError(`option '${key}' needs a value`, loc);
      const v = evalTok(value, scope, `option ${key}`);
      if (!Number.isFinite(v) || (key !== "temp" && v < 0) || (key === "temp" && v <= -CONSTCtoK)) throw new NetlistError(`option '${key}' has a bad value ${v}`, value.loc);
      (options as Record<string, number>)[key] = v;
      given.add(key);
    } else if (IGNORED_OPTIONS.has(key)) {
      warnings.push(`${loc.file}:${loc.line}: option '${key}' ignored`);
    } else {
      throw new NetlistError(`unknown option '${key}' (eqspice knows: ${Object.keys(DEFAULT_OPTIONS).join(", ")})`, loc);
    }
  }
  return { options, given };
}

/** Elaborate a parsed netlist into flat element specs. */
export function elaborate(net: ParsedNetlist): Elaborated {
  const warnings = [...net.warnings];
  const top: ParamScope = new Map();
  evalParams(net.top.params, top, top);
  let tran: TranSpec | undefined;
  if (net.tran) {
    const t = net.tran;
    const tstep = evalTok(t.tstep, top, ".tran TSTEP");
    const tstop = evalTok(t.tstop, top, ".tran TSTOP");
    if (!(tstep > 0)) throw new NetlistError(".tran TSTEP must be positive", t.tstep.loc);
    if (!(tstop > 0)) throw new NetlistError(".tran TSTOP must be positive", t.tstop.loc);
    const tstart = t.tstart ? evalTok(t.tstart, top, ".tran TSTART") : 0;
    const tmax = t.tmax ? evalTok(t.tmax, top, ".tran TMAX") : Math.min(tstep, (tstop - tstart) / 50);
    tran = { tstep, tstop, tstart, tmax, uic: t.uic };
  }
  const time: TimeDefaults = { tstep: tran?.tstep ?? 0, tstop: tran?.tstop ?? 0 };
  const ctx: Ctx = { net, time, out: [], warnings, warned: new Set() };
  elaborateScope(ctx, net.top, top, [], new Map(), [], [], []);
  globalCache = null;
  const { options, given } = optionValue(net, top, warnings);
  const ics = new Map<string, number>();
  for (const ic of net.ics) ics.set(ic.node, evalTok(ic.value, top, `.ic v(${ic.node})`));
  return { title: net.title, file: net.file, elements: ctx.out, fastR: net.fastR, options, optionsGiven: given, op: net.op, tran, ics, params: top, warnings };
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
