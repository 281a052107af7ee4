/**
 * The `A` element line of an XSPICE code model (ngspice manual ch. 12):
 *
 *   Aname conn1 conn2 ... model
 *
 * A connection is a port: `node` (the port's default type), `%v(node)`,
 * `%vd(n+ n-)`, `%i(node)`, `%id(n+ n-)`, `%vnam(vsource)` (the current of
 * a voltage source), `%g`/`%gd` (conductance ports: the voltage in, a
 * current out), `%h`/`%hd` (an output as a voltage, or lcouple's winding:
 * read as a %id port at DC), or a vector port `[port port ...]` (a `%type`
 * before the `[` applies to every port inside). `~` (digital inversion) is
 * refused; NULL only on the ports whose ifspec allows it.
 */
import { InputError, NetlistError, clip, formatLoc, type SourceLoc } from "../../util/errors.js";
import type { Token } from "../../netlist/lexer.js";
import type { ModelCard } from "../../netlist/ast.js";
import type { SourceValue } from "../sources/waveform.js";
import { XSPICE_ANALOG_OTHERS, XSPICE_DIGITAL, XSPICE_MODELS, type PortType, type XFileAccess, type XParams } from "./models.js";
import { readCodeModelFile } from "./file-path.js";
import { resolveXspiceParams, splitBrackets } from "./card.js";
import { DIGITAL_MODELS } from "./digital/registry.js";
import { readDigitalLine, type DigitalPart } from "./digital/line.js";
import { FILESOURCE, readFileSourceLine, type FileSourcePortSpec } from "./filesource.js";
import { PWLTS, readPwltsLine } from "./pwlts.js";

/** One input of the device: a node-pair voltage (indices into spec.nodes) or the current of a voltage branch (its element name). */
export type XInput = { kind: "v"; p: number; n: number } | { kind: "i"; source: string; loc: SourceLoc };

/** The elaborated `A` line. */
export interface XspiceSpec {
  type: "a";
  name: string;
  /** Output port's + and - nodes first, then the input ports' nodes. */
  nodes: string[];
  /** Code model type (gain, summer, ...) and the card's name. */
  model: string;
  modelName: string;
  params: XParams;
  /** What the model read from a file (its def's load), for its make. */
  data?: unknown;
  /** The output: a voltage (an ideal source between nodes[0] and nodes[1]) or a current from nodes[0] through the model to nodes[1]. */
  out: "v" | "i";
  inputs: XInput[];
  /** Several outputs (ilimit's conductance ports): each a current from nodes[a] through the model to nodes[b], in port order. */
  outs?: Array<{ a: number; b: number }>;
  /** The ports written NULL (ilimit's supplies). */
  nulls?: ReadonlySet<string>;
  loc: SourceLoc;
  nodeToks?: readonly Token[];
  /** An XSPICE digital model's instance (digital/line.ts): its event side; `nodes` then holds its analog nodes only. */
  digital?: DigitalPart;
}

/** The 0 V source measuring a current input port (ngspice's `a1#ibranch_k_l`). */
export interface ZeroSourceSpec {
  type: "v";
  name: string;
  nodes: [string, string];
  source: SourceValue;
  loc: SourceLoc;
  nodeToks?: readonly Token[];
  /** Not a V source to XSPICE's cmeter / lmeter (in ngspice the port is a branch of the code model). */
  xspicePort: true;
}

export interface Port {
  type: PortType;
  nodes: Token[];
  loc: SourceLoc;
  /** `~node`: an inverted digital port (nodes[0] is the node without the `~`). */
  invert?: boolean;
}

export interface Conn {
  vector: boolean;
  ports: Port[];
  loc: SourceLoc;
}

/** The models eqspice runs, for the messages that refuse the others: "a, b, ... and z". */
const RUN_LIST = ((names: string[]) => `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`)(Object.keys(XSPICE_MODELS));

const TWO_NODE = new Set(["vd", "id", "gd", "hd"]);
const TYPES = new Set(["v", "vd", "i", "id", "vnam", "g", "gd", "h", "hd", "d", "ud"]);

/** Read the connections and the model name of an `A` line. */
export function readConnections(cardName: string, args: readonly Token[], cardLoc: SourceLoc, defTypes: ReadonlyArray<PortType | undefined> = [], digital = false): { conns: Conn[]; modelTok: Token } {
  const toks = splitBrackets(args);
  const modelTok = toks[toks.length - 1];
  if (!modelTok || modelTok.kind !== "word" || modelTok.text === "]" || modelTok.text === "[" || modelTok.text.startsWith("%")) {
    throw new NetlistError(`${cardName}: missing code model name (usage: Aname port ... model)`, modelTok?.loc ?? cardLoc);
  }
  const body = toks.slice(0, -1);
  const conns: Conn[] = [];
  let i = 0;
  /** One port at body[i], of type `type` (undefined: the model's default, decided later as "v"). */
  const port = (inherited: PortType | undefined): Port => {
    let t = body[i];
    let type = inherited;
    const loc = t.loc;
    if (t.kind === "word" && t.text.startsWith("%")) {
      const w = t.lower.slice(1);
      if (!TYPES.has(w)) throw new NetlistError(`${cardName}: unknown port type '${clip(t.text)}' (XSPICE types: %v %vd %i %id %vnam %g %gd %h %hd %d)`, t.loc);
      if (w === "ud" || (w === "d" && !digital)) throw new NetlistError(`${cardName}: ${w === "d" ? "digital" : "user-defined"} port type '${t.text}' is not allowed here (${w === "d" ? "this code model is analog" : "eqspice has no user-defined node types"})`, t.loc);
      type = w as PortType;
      i++;
      t = body[i];
      if (!t) throw new NetlistError(`${cardName}: port type '${body[i - 1].text}' names no node`, body[i - 1].loc);
    }
    const need = type && TWO_NODE.has(type) ? 2 : 1;
    const nodes: Token[] = [];
    if (t.kind === "(") {
      i++;
      while (i < body.length && body[i].kind !== ")") {
        const n = body[i++];
        if (n.kind === ",") continue;
        if (n.kind !== "word" || n.text === "[" || n.text === "]") throw new NetlistError(`${cardName}: unexpected '${clip(n.text)}' in a port`, n.loc);
        nodes.push(n);
      }
      if (i >= body.length) throw new NetlistError(`${cardName}: a port's '(' has no ')'`, t.loc);
      i++;
    } else {
      for (let k = 0; k < need; k++) {
        const n = body[i];
        if (!n || n.kind !== "word" || n.text === "[" || n.text === "]" || n.text.startsWith("%")) throw new NetlistError(`${cardName}: port ${type ? `%${type} ` : ""}needs ${need} node${need > 1 ? "s" : ""}`, n?.loc ?? loc);
        nodes.push(n);
        i++;
      }
    }
    if (nodes.length !== need) throw new NetlistError(`${cardName}: ${type ? `port %${type}` : "a port of the default type (%v)"} takes ${need} node${need > 1 ? "s" : ""}, this one has ${nodes.length}`, loc);
    if (nodes[0].text.startsWith("~")) {
      if (!digital || (type && type !== "d")) throw new NetlistError(`${cardName}: '~' (an inverted port) is allowed on digital ports only`, nodes[0].loc);
      const n = nodes[0];
      const text = n.text.slice(1);
      if (!text) throw new NetlistError(`${cardName}: '~' names no node`, n.loc);
      nodes[0] = { ...n, text, lower: text.toLowerCase(), loc: { ...n.loc, col: n.loc.col + 1 } };
      return { type: type ?? ("" as PortType), nodes, loc, invert: true };
    }
    return { type: type ?? ("" as PortType), nodes, loc };
  };
  while (i < body.length) {
    const t = body[i];
    // a port without %type: the model's default type (a %gd port reads two nodes)
    let type: PortType | undefined = defTypes[conns.length];
    let j = i;
    // `%vd([n1 n2 n3 n4])`: a vector in parentheses after its type, as ngspice reads it too
    const paren = t.kind === "word" && t.text.startsWith("%") && body[i + 1]?.kind === "(" && body[i + 2]?.text === "[";
    if (paren) body.splice(i + 1, 1);
    if (t.kind === "word" && t.text.startsWith("%") && body[i + 1]?.text === "[") {
      const w = t.lower.slice(1);
      if (!TYPES.has(w)) throw new NetlistError(`${cardName}: unknown port type '${clip(t.text)}'`, t.loc);
      if (w === "ud" || (w === "d" && !digital)) throw new NetlistError(`${cardName}: ${w === "d" ? "digital" : "user-defined"} port type '${t.text}' is not allowed here (${w === "d" ? "this code model is analog" : "eqspice has no user-defined node types"})`, t.loc);
      type = w as PortType;
      j = i + 1;
    }
    if (body[j].text === "[") {
      i = j + 1;
      const ports: Port[] = [];
      // inside a vector, a port's %type carries on to the ports after it (as ngspice reads them)
      while (i < body.length && body[i].text !== "]") {
        const pt = port(type);
        ports.push(pt);
        if (pt.type) type = pt.type;
      }
      if (i >= body.length) throw new NetlistError(`${cardName}: vector port '[' has no ']'`, body[j].loc);
      i++;
      if (paren) {
        if (body[i]?.kind !== ")") throw new NetlistError(`${cardName}: '${t.text}([...' has no ')' after its ']'`, body[i - 1].loc);
        i++;
      }
      conns.push({ vector: true, ports, loc: body[j].loc });
      continue;
    }
    if (t.text === "]") throw new NetlistError(`${cardName}: ']' without '['`, t.loc);
    const p = port(type);
    conns.push({ vector: false, ports: [p], loc: p.loc });
  }
  return { conns, modelTok };
}

/** What reading an `A` line needs of the elaboration (the instance's scope). */
export interface XLineScope {
  /** The model cards visible from the line, innermost scope first. */
  models: ReadonlyArray<ReadonlyMap<string, ModelCard>>;
  /** Node name as the circuit knows it (subcircuit prefix, globals). */
  mapNode(n: string): string;
  /** A voltage source's element name as the circuit knows it (subcircuit prefix). */
  mapSource(s: string): string;
  /** Evaluate a parameter value token. */
  value(t: Token, what: string): number;
  /** The netlist file the simulator was given (relative file names of code models start from its directory), or undefined for a netlist given as text. */
  netlistFile?: string;
}

/** The files card's string parameters name, and errors at those parameters (at the card where one is not given). */
export function fileAccess(card: ModelCard, params: XParams, netlistFile: string | undefined): XFileAccess {
  const at = (param: string): SourceLoc => card.params.get(param)?.loc ?? card.loc;
  const fail = (param: string, msg: string): never => {
    throw new NetlistError(`.model ${card.name}: ${msg}`, at(param));
  };
  return {
    fail,
    read(param) {
      const name = params.get(param) as string;
      try {
        return readCodeModelFile(name, netlistFile, `${card.type} ${param}`);
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        const given = card.params.get(param);
        const asWritten = given ? /^"(.*)"$/s.exec(given.text.trim())?.[1] : undefined;
        const hint = asWritten !== undefined && asWritten !== name ? ` (ngspice 39 lower-cases the card: '${clip(asWritten)}' is read as '${clip(name)}')` : "";
        return fail(param, e.message + hint);
      }
    },
  };
}

/** The specs of an `A` line: the code model's device and a 0 V source per current input port. */
export function readXspiceLine(cardName: string, name: string, args: readonly Token[], loc: SourceLoc, sc: XLineScope): Array<XspiceSpec | ZeroSourceSpec | FileSourcePortSpec> {
  // the model first: a model eqspice does not run is named before its ports are read (their default types differ)
  const last = args[args.length - 1];
  const modelTok = last && last.kind === "word" && !last.text.endsWith("]") ? last : readConnections(cardName, args, loc).modelTok;
  let card: ModelCard | undefined;
  for (const m of sc.models) {
    card = m.get(modelTok.lower);
    if (card) break;
  }
  if (!card) throw new NetlistError(`${cardName}: unknown code model '${clip(modelTok.text)}' (no .model ${clip(modelTok.text)} card)`, modelTok.loc);
  const type = card.type;
  const ddef = DIGITAL_MODELS[type];
  if (ddef) return readDigitalLine(cardName, name, args, loc, sc, card, modelTok, ddef);
  if (type === "pwlts") return [readPwltsLine(cardName, name, readConnections(cardName, args, loc, PWLTS.ports.map((p) => p.defType)).conns, sc, card, modelTok)];
  if (type === "filesource") return readFileSourceLine(cardName, name, readConnections(cardName, args, loc, FILESOURCE.ports.map((p) => p.defType)).conns, sc, card, modelTok);
  const def = XSPICE_MODELS[type];
  if (!def) {
    if (XSPICE_DIGITAL.has(type)) throw new NetlistError(`${cardName}: XSPICE digital code model ${type} is not supported (eqspice runs the digital models ${Object.keys(DIGITAL_MODELS).join(", ")} at DC, and the analog models ${RUN_LIST})`, modelTok.loc);
    if (XSPICE_ANALOG_OTHERS.has(type)) throw new NetlistError(`${cardName}: XSPICE code model ${type} is not supported (eqspice runs the analog models ${RUN_LIST})`, modelTok.loc);
    throw new NetlistError(`${cardName}: model '${clip(modelTok.text)}' is a ${type.toUpperCase()} model (.model ${card.name} at ${formatLoc(card.loc)}), not an XSPICE code model`, modelTok.loc);
  }
  const { conns } = readConnections(cardName, args, loc, def.ports.map((p) => p.defType));
  if (conns.length !== def.ports.length) {
    throw new NetlistError(`${cardName}: code model ${type} has ${def.ports.length} ports (${def.ports.map((p) => p.name).join(", ")}), the line connects ${conns.length}`, conns[def.ports.length]?.loc ?? modelTok.loc);
  }
  const sizes = new Map<string, number>();
  const specs: Array<XspiceSpec | ZeroSourceSpec> = [];
  const nodes: string[] = ["0", "0"];
  const nodeToks: Token[] = [modelTok, modelTok];
  const inputs: XInput[] = [];
  const outs: Array<{ a: number; b: number }> = [];
  const nulls = new Set<string>();
  let out: "v" | "i" = "v";
  const addNode = (t: Token | undefined): number => {
    if (!t) return 1; // the output's ground slot stays "0"; inputs get their own
    nodes.push(t.lower === "null" ? "0" : sc.mapNode(t.lower));
    nodeToks.push(t);
    return nodes.length - 1;
  };
  conns.forEach((c, ci) => {
    const pd = def.ports[ci];
    if (pd.vectorMin !== undefined && !c.vector) throw new NetlistError(`${cardName}: port '${pd.name}' of ${type} is a vector: connect it as [port port ...]`, c.loc);
    if (pd.vectorMin === undefined && c.vector) throw new NetlistError(`${cardName}: port '${pd.name}' of ${type} is not a vector`, c.loc);
    if (pd.vectorMin !== undefined && c.ports.length < pd.vectorMin) throw new NetlistError(`${cardName}: vector port '${pd.name}' of ${type} needs at least ${pd.vectorMin} ports, has ${c.ports.length}`, c.loc);
    sizes.set(pd.name, c.ports.length);
    c.ports.forEach((p, pi) => {
      const ptype: PortType = p.type || "v";
      if (!pd.allowed.includes(ptype)) throw new NetlistError(`${cardName}: port type %${ptype} is not allowed on port '${pd.name}' of ${type} (allowed: ${pd.allowed.map((a) => "%" + a).join(" ")})`, p.loc);
      if (pd.nullable && !c.vector && p.nodes.length === 1 && p.nodes[0].lower === "null") {
        nulls.add(pd.name);
        return;
      }
      if (p.nodes.some((n) => n.lower === "null")) throw new NetlistError(`${cardName}: port '${pd.name}' of ${type} may not be NULL`, p.loc);
      if (pd.dir === "inout" && outs.length > 0) {
        // a further conductance port (ilimit): its own pair of nodes
        const a = addNode(p.nodes[0]);
        let b: number;
        if (p.nodes[1]) b = addNode(p.nodes[1]);
        else {
          nodes.push("0");
          nodeToks.push(p.nodes[0]);
          b = nodes.length - 1;
        }
        outs.push({ a, b });
        inputs.push({ kind: "v", p: a, n: b });
        return;
      }
      if (pd.dir === "inout") {
        // a conductance port: the current out of its voltage, which is also an input (nodes[0] - nodes[1])
        out = "i";
        outs.push({ a: 0, b: 1 });
        nodes[0] = sc.mapNode(p.nodes[0].lower);
        nodeToks[0] = p.nodes[0];
        if (p.nodes[1]) {
          nodes[1] = sc.mapNode(p.nodes[1].lower);
          nodeToks[1] = p.nodes[1];
        }
        inputs.push({ kind: "v", p: 0, n: 1 });
        return;
      }
      if (pd.dir === "out") {
        // %h / %hd (lcouple's mmf_out): a voltage output, as %v / %vd
        out = ptype === "i" || ptype === "id" ? "i" : "v";
        nodes[0] = sc.mapNode(p.nodes[0].lower);
        nodeToks[0] = p.nodes[0];
        if (p.nodes[1]) {
          nodes[1] = sc.mapNode(p.nodes[1].lower);
          nodeToks[1] = p.nodes[1];
        }
        return;
      }
      if (ptype === "vnam") {
        inputs.push({ kind: "i", source: sc.mapSource(p.nodes[0].lower), loc: p.nodes[0].loc });
        return;
      }
      if (ptype === "v" || ptype === "vd") {
        const a = addNode(p.nodes[0]);
        const b = p.nodes[1] ? addNode(p.nodes[1]) : 1;
        inputs.push({ kind: "v", p: a, n: b === 1 && !p.nodes[1] ? -1 : b });
        return;
      }
      // %i / %id: a 0 V source from n+ to n-, whose branch current is the input
      const vname = `${name}#ibranch_${ci}_${pi}`;
      const a = sc.mapNode(p.nodes[0].lower);
      const b = p.nodes[1] ? sc.mapNode(p.nodes[1].lower) : "0";
      specs.push({ type: "v", name: vname, nodes: [a, b], source: { dc: 0, wave: { kind: "dc", value: 0 } }, xspicePort: true, loc: p.loc, nodeToks: p.nodes[1] ? [p.nodes[0], p.nodes[1]] : [p.nodes[0], p.nodes[0]] });
      inputs.push({ kind: "i", source: vname, loc: p.loc });
    });
  });
  const params = resolveXspiceParams(def, type, card.name, card.params, sizes, sc.value, modelTok.loc);
  const bad = def.check?.(params);
  if (bad) throw new NetlistError(`.model ${card.name}: ${bad.message}`, card.params.get(bad.param)?.loc ?? card.loc);
  if (type === "pwl") {
    const x = params.get("x_array") as readonly number[];
    const y = params.get("y_array") as readonly number[];
    const at = card.params.get("y_array")!.loc;
    if (x.length !== y.length) throw new NetlistError(`.model ${card.name}: x_array has ${x.length} values, y_array ${y.length}: they must be as many`, at);
    for (let k = 1; k < x.length; k++) if (!(x[k] > x[k - 1])) throw new NetlistError(`.model ${card.name}: x_array must increase (x[${k}] = ${x[k]} after ${x[k - 1]})`, card.params.get("x_array")!.loc);
  }
  if ((type === "sine" || type === "square" || type === "triangle") && (params.get("cntl_array") as readonly number[]).length !== (params.get("freq_array") as readonly number[]).length) {
    // ngspice 39: "Size of control array different than frequency array", and the model outputs nothing
    throw new NetlistError(`.model ${card.name}: cntl_array has ${(params.get("cntl_array") as readonly number[]).length} values, freq_array ${(params.get("freq_array") as readonly number[]).length}: they must be as many`, card.params.get("freq_array")!.loc);
  }
  if (type === "multi_input_pwl" && (params.get("x") as readonly number[]).length !== (params.get("y") as readonly number[]).length) {
    // ngspice 39: "'x' and 'y' input vectors are not the same size!", and it exits
    throw new NetlistError(`.model ${card.name}: x has ${(params.get("x") as readonly number[]).length} values, y ${(params.get("y") as readonly number[]).length}: they must be as many`, card.params.get("y")!.loc);
  }
  if (type === "aswitch" && Math.abs((params.get("cntl_on") as number) - (params.get("cntl_off") as number)) < 1e-12) {
    // ngspice 39: "ASWITCH: CONTROL voltage delta less than 1.0e-12", and the model outputs nothing
    throw new NetlistError(`.model ${card.name}: aswitch's cntl_on and cntl_off must differ by at least 1e-12 (ngspice: "CONTROL voltage delta less than 1.0e-12")`, card.params.get("cntl_on")?.loc ?? card.params.get("cntl_off")?.loc ?? card.loc);
  }
  if (type === "s_xfer") {
    const num = params.get("num_coeff") as readonly number[];
    const den = params.get("den_coeff") as readonly number[];
    const ic = params.get("int_ic") as readonly number[];
    if (num.length > den.length) throw new NetlistError(`.model ${card.name}: num_coeff has more values (${num.length}) than den_coeff (${den.length})`, card.params.get("num_coeff")!.loc);
    if (den[0] === 0) throw new NetlistError(`.model ${card.name}: den_coeff's first (highest order) value must not be 0`, card.params.get("den_coeff")!.loc);
    if (ic.length !== den.length - 1) throw new NetlistError(`.model ${card.name}: int_ic needs ${den.length - 1} values (one per integrator: den_coeff's size minus 1), has ${ic.length}`, card.params.get("int_ic")!.loc);
    if (!((params.get("denormalized_freq") as number) > 0)) throw new NetlistError(`.model ${card.name}: denormalized_freq must be positive`, card.params.get("denormalized_freq")?.loc ?? card.loc);
  }
  // single-ended voltage inputs read against ground ("0" is appended once)
  let ground = -1;
  for (const u of inputs) {
    if (u.kind === "v" && u.n === -1) {
      if (ground < 0) {
        nodes.push("0");
        nodeToks.push(modelTok);
        ground = nodes.length - 1;
      }
      u.n = ground;
    }
  }
  const multi = def.makeMulti ? { outs, nulls } : {};
  const data = def.load ? def.load(params, fileAccess(card, params, sc.netlistFile)) : undefined;
  specs.push({ type: "a", name, nodes, model: type, modelName: card.name, params, data, out, inputs, ...multi, loc, nodeToks });
  return specs;
}
