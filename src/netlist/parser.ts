/**
 * Parser: logical lines -> ParsedNetlist. Reads files, follows `.include`
 * (relative to the including file), collects `.subckt` bodies, cards and
 * `*@` annotations. Values stay as tokens; `elaborate` evaluates them.
 */
import { dirname, resolve } from "node:path";
import { InputError, NetlistError, clip, type SourceLoc } from "./errors.js";
import { MAX_TOKENS, lex, type LogicalLine, type Token, type TokenBudget } from "./lexer.js";
import { FastResistors } from "./fast-resistors.js";
import { DIODE_PARAM_ALIASES } from "../devices/diode-model.js";
import { emptyScope, type ParsedNetlist, type Scope, type SubcktDef, type ParamAssign } from "./ast.js";
import { readInputFile } from "../util/read.js";

const ELEMENT_LETTERS = new Set(["r", "c", "d", "v", "i", "e", "f", "g", "h", "x"]);
const UNSUPPORTED_ELEMENTS: Record<string, string> = {
  l: "inductor",
  k: "coupled inductor",
  q: "bipolar transistor",
  m: "MOSFET",
  j: "JFET",
  b: "behavioral source",
  s: "voltage-controlled switch",
  w: "current-controlled switch",
  t: "transmission line",
  a: "XSPICE code model",
};
/** Output and control cards ngspice accepts that do not change the circuit: skipped with a warning. */
const IGNORED_CARDS = new Set([".print", ".plot", ".save", ".probe", ".width", ".nodeset", ".title"]);
/** Analyses (and measurements) eqspice does not run: each one read is reported as not run. */
const NOT_RUN_CARDS: Record<string, string> = {
  ".ac": "AC analyses",
  ".dc": "DC sweeps",
  ".noise": "noise analyses",
  ".tf": "transfer function analyses",
  ".sens": "sensitivity analyses",
  ".disto": "distortion analyses",
  ".pz": "pole-zero analyses",
  ".four": "Fourier analyses",
  ".fourier": "Fourier analyses",
  ".meas": "measurements",
  ".measure": "measurements",
};
const ANNOTATIONS = new Set(["input", "output", "train", "crossbar", "defaults"]);

interface Frame {
  scope: Scope;
  subckt: SubcktDef | null;
}

class Parser {
  readonly out: ParsedNetlist;
  private stack: Frame[];
  private includeChain: string[] = [];
  /** Tokens the netlist and its includes may still make (see MAX_TOKENS). */
  private budget: TokenBudget = { left: MAX_TOKENS };
  private ended = false;

  constructor(file: string) {
    this.out = {
      title: "",
      file,
      top: emptyScope(),
      fastR: new FastResistors(),
      options: new Map(),
      op: false,
      ics: [],
      annotations: [],
      hasExpressions: false,
      globals: new Map(),
      notRun: [],
      warnings: [],
    };
    this.stack = [{ scope: this.out.top, subckt: null }];
  }

  parseSource(source: string, file: string, isTop: boolean): void {
    // Classic Mac line endings (CR alone) are line ends too, as in ngspice; CRLF stays as it is.
    const cr = source.indexOf("\r");
    if (cr >= 0 && /\r(?!\n)/.test(source.slice(cr))) source = source.replace(/\r(?!\n)/g, "\n");
    const { title, lines } = lex(source, file, isTop, this.out.fastR, this.budget);
    if (isTop) this.out.title = title;
    this.includeChain.push(resolve(file));
    let inControl = false;
    for (const line of lines) {
      if (this.ended) break;
      const head = line.tokens[0];
      if (inControl) {
        if (!line.annotation && head.lower === ".endc") inControl = false;
        continue;
      }
      if (line.annotation) {
        this.annotation(line);
        continue;
      }
      if (head.lower === ".control") {
        inControl = true;
        continue;
      }
      for (const t of line.tokens) if (t.kind === "expr") this.out.hasExpressions = true;
      if (head.lower.startsWith(".")) this.card(line, file);
      else this.element(line);
    }
    if (inControl) throw new NetlistError("`.control` block without `.endc`", lines[lines.length - 1].loc);
    this.includeChain.pop();
  }

  finish(): ParsedNetlist {
    if (this.stack.length > 1) {
      const open = this.stack[this.stack.length - 1].subckt!;
      throw new NetlistError(`.subckt ${open.name} has no matching .ends`, open.loc);
    }
    return this.out;
  }

  private get scope(): Scope {
    return this.stack[this.stack.length - 1].scope;
  }

  private annotation(line: LogicalLine): void {
    const [head, ...rest] = line.tokens;
    if (!ANNOTATIONS.has(head.lower)) {
      throw new NetlistError(`unknown annotation '*@${head.text}' (expected one of: ${[...ANNOTATIONS].map((a) => "*@" + a).join(", ")})`, head.loc);
    }
    if (this.stack.length > 1) throw new NetlistError(`annotations are only allowed at the top level, not inside .subckt`, head.loc);
    this.out.annotations.push({ kind: head.lower, tokens: rest, loc: head.loc });
  }

  private element(line: LogicalLine): void {
    const head = line.tokens[0];
    if (head.kind !== "word") throw new NetlistError(`expected an element name or a card, found '${head.text}'`, head.loc);
    const letter = head.lower[0];
    if (!ELEMENT_LETTERS.has(letter)) {
      const what = UNSUPPORTED_ELEMENTS[letter];
      throw new NetlistError(
        what ? `element '${head.text}': ${what.endsWith("ch") ? what + "es" : what + "s"} ('${letter.toUpperCase()}') are not supported by eqspice` : `unknown element '${head.text}'`,
        head.loc,
      );
    }
    this.scope.elements.push({ letter, name: head.lower, args: line.tokens.slice(1), loc: head.loc });
  }

  private card(line: LogicalLine, file: string): void {
    const [head, ...args] = line.tokens;
    const name = head.lower;
    switch (name) {
      case ".end":
        if (this.includeChain.length === 1) this.ended = true;
        return;
      case ".op":
        if (args[0]) throw new NetlistError(`.op: unexpected '${clip(args[0].text)}' (.op takes no arguments)`, args[0].loc);
        this.out.op = true;
        return;
      case ".include":
      case ".inc":
        return this.include(args, head.loc, file);
      case ".lib":
        throw new NetlistError("`.lib` is not supported; use `.include`", head.loc);
      case ".param":
        for (const p of parseAssignments(args, head.loc, ".param")) this.scope.params.push(p);
        return;
      case ".model":
        return this.model(args, head.loc);
      case ".subckt":
        return this.subckt(args, head.loc);
      case ".ends": {
        if (this.stack.length === 1) throw new NetlistError("`.ends` without a matching `.subckt`", head.loc);
        const frame = this.stack.pop()!;
        if (args[0] && args[0].lower !== frame.subckt!.name) {
          throw new NetlistError(`.ends ${args[0].text} closes .subckt ${frame.subckt!.name}`, args[0].loc);
        }
        return;
      }
      case ".options":
      case ".option":
      case ".opt":
        return this.options(args);
      case ".temp":
        if (!args[0]) throw new NetlistError("`.temp` needs a temperature in Celsius", head.loc);
        if (args[1]) throw new NetlistError(`.temp: one temperature only (a sweep over several is not supported), found '${clip(args[1].text)}'`, args[1].loc);
        this.out.options.set("temp", { value: args[0], loc: args[0].loc });
        return;
      case ".tran":
        return this.tran(args, head.loc);
      case ".ic":
        return this.ic(args, head.loc);
      case ".global":
        return this.global(args, head.loc);
      default:
        if (IGNORED_CARDS.has(name)) {
          this.out.warnings.push(`${head.loc.file}:${head.loc.line}: ${name} ignored`);
          return;
        }
        if (name in NOT_RUN_CARDS) {
          this.out.notRun.push({ card: name, loc: head.loc });
          this.out.warnings.push(
            `${head.loc.file}:${head.loc.line}: ${name} NOT RUN: eqspice has no ${NOT_RUN_CARDS[name]}; it runs only the operating point (eqspice op) and transient analysis (eqspice tran)`,
          );
          return;
        }
        throw new NetlistError(`unknown card '${clip(head.text)}'`, head.loc);
    }
  }

  private global(args: Token[], loc: SourceLoc): void {
    if (args.length === 0) throw new NetlistError("`.global` needs node names", loc);
    for (const t of args) {
      if (t.kind === ",") continue;
      if (t.kind !== "word") throw new NetlistError(`.global: bad node name '${clip(t.text)}'`, t.loc);
      if (t.lower === "0" || t.lower === "gnd") continue; // ground is global anyway
      if (!this.out.globals.has(t.lower)) this.out.globals.set(t.lower, t.loc);
    }
  }

  private include(args: Token[], loc: SourceLoc, file: string): void {
    if (this.stack.length > 1) throw new NetlistError("`.include` inside `.subckt` is not supported", loc);
    const target = args.map((t) => t.text).join("").replace(/^["']|["']$/g, "");
    if (!target) throw new NetlistError("`.include` needs a file name", loc);
    const path = resolve(dirname(file), target);
    if (this.includeChain.includes(path)) {
      throw new NetlistError(`recursive .include of '${target}' (${[...this.includeChain, path].join(" -> ")})`, loc);
    }
    let text: string;
    try {
      text = readInputFile(path, "included file", { regular: true });
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      const why = e.message.slice(`cannot read included file '${path}': `.length);
      throw new NetlistError(`cannot read included file '${clip(target)}' (${clip(path, 200)}): ${why}`, args[0]?.loc ?? loc);
    }
    this.parseSource(text, path, false);
  }

  private model(args: Token[], loc: SourceLoc): void {
    if (args.length < 2 || args[0].kind !== "word" || args[1].kind !== "word") {
      throw new NetlistError("`.model` needs a name and a type, e.g. `.model DMOD D(IS=1e-14)`", loc);
    }
    const [nameTok, typeTok, ...rest] = args;
    const type = typeTok.lower;
    if (type !== "d") throw new NetlistError(`model type '${typeTok.text}' is not supported (eqspice has diode models: D)`, typeTok.loc);
    let body = rest;
    if (body[0]?.kind === "(") {
      if (body[body.length - 1]?.kind !== ")") throw new NetlistError("`.model`: missing ')'", body[0].loc);
      body = body.slice(1, -1);
    }
    const params = new Map<string, Token>();
    for (const p of parseAssignments(body, loc, ".model")) {
      if (!(p.name in DIODE_PARAM_ALIASES)) throw new NetlistError(`unknown diode model parameter '${p.name}' in .model ${nameTok.text}`, p.loc);
      params.set(p.name, p.value);
      if (p.value.kind === "expr") this.out.hasExpressions = true;
    }
    if (this.scope.models.has(nameTok.lower)) throw new NetlistError(`duplicate model '${nameTok.text}'`, nameTok.loc);
    this.scope.models.set(nameTok.lower, { name: nameTok.lower, type, params, loc: nameTok.loc });
  }

  private subckt(args: Token[], loc: SourceLoc): void {
    const nameTok = args[0];
    if (!nameTok || nameTok.kind !== "word") throw new NetlistError("`.subckt` needs a name and its ports", loc);
    const ports: string[] = [];
    let i = 1;
    for (; i < args.length; i++) {
      const t = args[i];
      if (t.lower === "params:" || args[i + 1]?.kind === "=") break;
      if (t.kind !== "word") throw new NetlistError(`bad .subckt port '${t.text}'`, t.loc);
      if (ports.includes(t.lower)) throw new NetlistError(`duplicate port '${t.text}' in .subckt ${nameTok.text}`, t.loc);
      ports.push(t.lower);
    }
    if (args[i]?.lower === "params:") i++;
    const params = parseAssignments(args.slice(i), loc, ".subckt");
    const def: SubcktDef = { name: nameTok.lower, ports, params, body: emptyScope(), loc: nameTok.loc };
    if (this.scope.subckts.has(def.name)) throw new NetlistError(`duplicate subcircuit '${nameTok.text}'`, nameTok.loc);
    this.scope.subckts.set(def.name, def);
    this.stack.push({ scope: def.body, subckt: def });
  }

  private options(args: Token[]): void {
    for (let i = 0; i < args.length; i++) {
      const t = args[i];
      if (t.kind === ",") continue;
      if (t.kind !== "word") throw new NetlistError(`bad option '${t.text}'`, t.loc);
      if (args[i + 1]?.kind === "=") {
        const v = args[i + 2];
        if (!v || (v.kind !== "word" && v.kind !== "expr")) throw new NetlistError(`option '${t.text}' needs a value`, t.loc);
        this.out.options.set(t.lower, { value: v, loc: t.loc });
        i += 2;
      } else {
        this.out.options.set(t.lower, { value: null, loc: t.loc });
      }
    }
  }

  private tran(args: Token[], loc: SourceLoc): void {
    const bad = args.find((t) => t.kind !== "word" && t.kind !== "expr" && t.kind !== ",");
    if (bad) throw new NetlistError(`.tran: unexpected '${bad.text}' (usage: .tran TSTEP TSTOP [TSTART [TMAX]] [UIC])`, bad.loc);
    const words = args.filter((t) => t.kind === "word" || t.kind === "expr");
    const uic = words.some((t) => t.lower === "uic");
    const nums = words.filter((t) => t.lower !== "uic");
    if (nums.length < 2) throw new NetlistError("`.tran` needs TSTEP and TSTOP", loc);
    if (nums.length > 4) throw new NetlistError(`.tran: unexpected '${clip(nums[4].text)}' (usage: .tran TSTEP TSTOP [TSTART [TMAX]] [UIC])`, nums[4].loc);
    this.out.tran = { tstep: nums[0], tstop: nums[1], tstart: nums[2], tmax: nums[3], uic, loc };
  }

  private ic(args: Token[], loc: SourceLoc): void {
    // .ic v(node)=value v(node2)=value
    for (let i = 0; i < args.length; ) {
      const v = args[i];
      if (v.lower !== "v" || args[i + 1]?.kind !== "(" || args[i + 2]?.kind !== "word" || args[i + 3]?.kind !== ")" || args[i + 4]?.kind !== "=" || !args[i + 5]) {
        throw new NetlistError("`.ic` expects entries like v(node)=value", v.loc ?? loc);
      }
      this.out.ics.push({ node: args[i + 2].lower, value: args[i + 5], loc: args[i + 2].loc });
      i += 6;
    }
  }
}

/** Parse `a=1 b={2*a}` assignments. */
export function parseAssignments(tokens: Token[], loc: SourceLoc, card: string): ParamAssign[] {
  const out: ParamAssign[] = [];
  for (let i = 0; i < tokens.length; ) {
    const t = tokens[i];
    if (t.kind === ",") {
      i++;
      continue;
    }
    if (t.kind !== "word" || tokens[i + 1]?.kind !== "=") {
      throw new NetlistError(`${card}: expected name=value, found '${t.text}'`, t.loc);
    }
    // A value may be a word, an expression, or (in .param) a bare expression of several tokens.
    let j = i + 2;
    const parts: Token[] = [];
    while (j < tokens.length && !(tokens[j].kind === "word" && tokens[j + 1]?.kind === "=") && tokens[j].kind !== ",") {
      parts.push(tokens[j]);
      j++;
    }
    if (parts.length === 0) throw new NetlistError(`${card}: '${t.text}=' has no value`, t.loc);
    let value: Token = parts[0];
    if (parts.length > 1) {
      const text = parts.map((p) => (p.kind === "expr" ? `(${p.text})` : p.text)).join(" ");
      value = { kind: "expr", text, lower: text.toLowerCase(), loc: parts[0].loc };
    }
    out.push({ name: t.lower, value, loc: t.loc });
    i = j;
  }
  return out;
}

/** Parse a netlist from a string. `file` names it in error messages and anchors `.include`. */
export function parseNetlist(source: string, file = "<netlist>"): ParsedNetlist {
  const p = new Parser(file);
  p.parseSource(source, file, true);
  return p.finish();
}

/** Read and parse a netlist file. */
export function parseNetlistFile(path: string): ParsedNetlist {
  const text = readInputFile(path, "netlist");
  return parseNetlist(text, path);
}

/**
 * Names of the top-level elements in source order, the plain resistor lines
 * (kept apart as arrays) merged back in by file and line.
 */
export function topElementNames(net: ParsedNetlist): string[] {
  const f = net.fastR;
  const out: string[] = [];
  let q = 0;
  for (const e of net.top.elements) {
    while (q < f.count && f.file(q) === e.loc.file && f.lineNo[q] < e.loc.line) out.push(f.name(q++));
    out.push(e.name);
  }
  while (q < f.count) out.push(f.name(q++));
  return out;
}
