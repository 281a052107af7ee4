/**
 * Parser: logical lines -> ParsedNetlist. Reads files, follows `.include`
 * (relative to the including file, also inside `.subckt`) and `.lib FILE
 * SECTION` (the lines between `.lib SECTION` and `.endl` in FILE), collects
 * `.subckt` bodies, `.func`s, cards and `*@` annotations, and records which
 * `.if` branches each conditional card lies in. Values stay as tokens;
 * `elaborate` evaluates them (and the `.if` conditions).
 *
 * `.if` follows ngspice 39: elements, `.model`, `.options`/`.temp`,
 * `.tran`, `.dc`, `.ic` and `.nodeset` are conditional; `.param`, `.func`, `.csparam`,
 * `.global` and `.subckt` definitions are read whatever the condition; a
 * line eqspice cannot read inside a branch is an error only if the branch
 * is taken.
 */
import { dirname, resolve } from "node:path";
import { InputError, NetlistError, clip, formatLoc, type SourceLoc } from "../util/errors.js";
import { rewriteBehaviouralCL, rewritePortSource, rewriteTable } from "./b-rewrites.js";
import { MAX_TOKENS, lex, type LogicalLine, type Token, type TokenBudget } from "./lexer.js";
import { FastResistors } from "./fast-resistors.js";
import { fixSubcktMultipliers } from "./subckt-multiplier.js";
import { readModelCard } from "./model-card.js";
import { isAkoCard, resolveAkoCards, type AkoCard } from "./ako.js";
import { checkFuncBody } from "./expressions.js";
import { emptyScope, type CondPath, type DcSweepCard, type IfBlock, type ParsedNetlist, type Scope, type SubcktDef, type ParamAssign } from "./ast.js";
import { readInputFile } from "../util/read.js";

const ELEMENT_LETTERS = new Set(["r", "c", "d", "m", "q", "j", "v", "i", "e", "f", "g", "h", "b", "x", "l", "k", "s", "w", "a", "z", "t", "o", "u", "y", "p"]);
const UNSUPPORTED_ELEMENTS: Record<string, string> = {
  n: "OSDI (Verilog-A) device",
};
/** Output and control cards ngspice accepts that do not change the circuit: skipped with a warning. */
const IGNORED_CARDS = new Set([".print", ".plot", ".save", ".probe", ".width", ".title"]);
/** Analyses (and measurements) eqspice does not run: each one read is reported as not run. */
const NOT_RUN_CARDS: Record<string, string> = {
  ".noise": "noise analyses",
  ".tf": "transfer function analyses",
  ".sens": "sensitivity analyses",
  ".disto": "distortion analyses",
  ".pz": "pole-zero analyses",
  ".four": "Fourier analyses",
  ".fourier": "Fourier analyses",
  ".meas": "measurements",
  ".measure": "measurements",
  ".pss": "periodic steady-state analyses",
  ".sp": "S-parameter analyses",
};
const ANNOTATIONS = new Set(["input", "output", "train", "crossbar", "defaults"]);

/** An `.if` block being read. */
interface OpenIf {
  block: IfBlock;
  /** Branch being read (0: the `.if`, then each `.elseif` / `.else`). */
  branch: number;
  hasElse: boolean;
  /** Length of the include chain where it was opened: it must end in the same file. */
  fileDepth: number;
}

interface Frame {
  scope: Scope;
  subckt: SubcktDef | null;
  ifs: OpenIf[];
  /** The branches the lines read now lie in (undefined outside `.if` blocks). */
  cond: CondPath | undefined;
}

/** Cards whose lines are not conditional in ngspice, or that shape the reading itself: never deferred. */
const STRUCTURAL = new Set([".if", ".elseif", ".else", ".endif", ".subckt", ".ends", ".include", ".inc", ".lib", ".endl", ".param", ".func", ".csparam", ".global", ".end", ".control", ".endc"]);

class Parser {
  readonly out: ParsedNetlist;
  private stack: Frame[];
  private includeChain: string[] = [];
  /** `.lib` sections being read ("path\0section"): a section may not include itself. */
  private libChain: string[] = [];
  /** Library files lexed so far, by absolute path (a file is read once however many sections are used). */
  private libFiles = new Map<string, LogicalLine[]>();
  /** Subcircuits defined inside `.if` blocks (a second definition of the name is ignored, as ngspice does). */
  private subcktsInIf = new WeakSet<SubcktDef>();
  /** Tokens the netlist and its includes may still make (see MAX_TOKENS). */
  private budget: TokenBudget = { left: MAX_TOKENS };
  private ended = false;
  /** PSpice AKO model cards, read once the netlist is (they may name a model read later). */
  private akos: AkoCard[] = [];

  constructor(file: string) {
    this.out = {
      title: "",
      file,
      top: emptyScope(),
      fastR: new FastResistors(),
      options: [],
      op: false,
      trans: [],
      dcs: [],
      acs: [],
      annotations: [],
      hasExpressions: false,
      autoBridgeVars: [],
      globals: new Map(),
      notRun: [],
      warnings: [],
      resistorModels: false,
    };
    this.stack = [{ scope: this.out.top, subckt: null, ifs: [], cond: undefined }];
  }

  /**
   * Read one file's text: the top-level netlist (`isTop`, its first line is
   * the title) or an included file. `fastOK`: its plain resistor lines may
   * take the fast lane (not inside a `.subckt` or an `.if` block).
   */
  parseSource(source: string, file: string, isTop: boolean, fastOK = true): void {
    // Classic Mac line endings (CR alone) are line ends too, as in ngspice; CRLF stays as it is.
    const cr = source.indexOf("\r");
    if (cr >= 0 && /\r(?!\n)/.test(source.slice(cr))) source = source.replace(/\r(?!\n)/g, "\n");
    // A DOS end-of-file mark (Ctrl-Z, U+001A) as the file's last character, as old model files carry: the end.
    if (source.endsWith("\x1a") || source.endsWith("\x1a\n") || source.endsWith("\x1a\r\n")) source = source.slice(0, source.lastIndexOf("\x1a"));
    const { title, lines, autoBridgeVars, unclosedControl, unusualLeading } = lex(source, file, isTop, fastOK ? this.out.fastR : undefined, this.budget);
    this.out.autoBridgeVars.push(...autoBridgeVars);
    if (unusualLeading) {
      this.out.warnings.push(`${formatLoc(unusualLeading)}: a line starting with one of = [ ] ? ( ) & % $ " ! : , ; is a comment, as ngspice 39 reads it (this one and any others in the file)`);
    }
    if (unclosedControl) this.out.warnings.push(`${formatLoc(unclosedControl)}: .control without .endc: the rest of the file is read as control commands, as ngspice does`);
    if (isTop) this.out.title = title;
    this.includeChain.push(resolve(file));
    this.readLines(lines, file);
    this.includeChain.pop();
  }

  /** Read logical lines of `file` (a whole file, or a `.lib` section of it). */
  private readLines(lines: LogicalLine[], file: string): void {
    let inControl = false;
    let controlAt: SourceLoc | undefined;
    for (let li = 0; li < lines.length; li++) {
      const line = lines[li];
      if (this.ended) break;
      const head = line.tokens[0];
      if (inControl) {
        if (!line.annotation && head.lower.startsWith(".endc")) inControl = false;
        continue;
      }
      if (line.annotation) {
        this.annotation(line);
        continue;
      }
      if (head.lower === ".control") {
        inControl = true;
        controlAt = head.loc;
        continue;
      }
      // E/G TABLE, C/L of v(), i() or time, RF port sources: the lines ngspice 39 makes of them take their place (b-rewrites.ts)
      const table = rewriteTable(line) ?? rewriteBehaviouralCL(line) ?? rewritePortSource(line);
      if (table) {
        lines = [...lines.slice(0, li), ...table, ...lines.slice(li + 1)];
        li--;
        continue;
      }
      for (const t of line.tokens) if (t.kind === "expr") this.out.hasExpressions = true;
      const card = head.lower.startsWith(".");
      if (this.frame.cond && !(card && STRUCTURAL.has(head.lower))) this.deferred(() => (card ? this.card(line, file) : this.element(line)));
      else if (card) this.card(line, file);
      else this.element(line);
    }
    if (inControl && controlAt) this.out.warnings.push(`${formatLoc(controlAt)}: .control without .endc: the rest of the file is read as control commands, as ngspice does`);
    // An `.if` must end in the file it starts in.
    const depth = this.includeChain.length;
    for (const f of this.stack) {
      const open = f.ifs.find((o) => o.fileDepth === depth);
      if (open && !this.ended) throw new NetlistError("`.if` without `.endif`", open.block.loc);
    }
  }

  /**
   * Read a card inside an `.if` branch: a line eqspice cannot read becomes
   * an error card, raised by elaboration only if its branch is taken (ngspice
   * does not read lines of branches not taken).
   */
  private deferred(read: () => void): void {
    try {
      read();
    } catch (e) {
      if (!(e instanceof NetlistError) || !e.loc) throw e;
      this.scope.elements.push({ letter: "!", name: "", args: [], loc: e.loc, cond: this.frame.cond, error: e });
    }
  }

  finish(): ParsedNetlist {
    if (this.stack.length > 1) {
      const open = this.stack[this.stack.length - 1].subckt!;
      throw new NetlistError(`.subckt ${open.name} has no matching .ends`, open.loc);
    }
    const open = this.frame.ifs[0];
    if (open) throw new NetlistError("`.if` without `.endif`", open.block.loc);
    resolveAkoCards(this.akos, this.out.top, this.out.warnings, (card, scope, written) => {
      if (card.type === "r") this.out.resistorModels = true;
      const first = scope.models.get(card.name);
      if (first) this.out.warnings.push(`${formatLoc(card.loc)}: second .model ${written} ignored (the first, at ${formatLoc(first.loc)}, is used, as ngspice 39 uses it)`);
      else scope.models.set(card.name, card);
    }, () => (this.out.hasExpressions = true));
    fixSubcktMultipliers(this.out.top);
    return this.out;
  }

  private get frame(): Frame {
    return this.stack[this.stack.length - 1];
  }

  private get scope(): Scope {
    return this.frame.scope;
  }

  private annotation(line: LogicalLine): void {
    const [head, ...rest] = line.tokens;
    if (!ANNOTATIONS.has(head.lower)) {
      throw new NetlistError(`unknown annotation '*@${head.text}' (expected one of: ${[...ANNOTATIONS].map((a) => "*@" + a).join(", ")})`, head.loc);
    }
    if (this.stack.length > 1) throw new NetlistError(`annotations are only allowed at the top level, not inside .subckt`, head.loc);
    if (this.frame.cond) throw new NetlistError("annotations are not allowed inside `.if` blocks", head.loc);
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
    const cond = this.frame.cond;
    const args = unwrapNodes(letter, line.tokens.slice(1));
    this.scope.elements.push(cond ? { letter, name: head.lower, args, loc: head.loc, cond } : { letter, name: head.lower, args, loc: head.loc });
  }

  private card(line: LogicalLine, file: string): void {
    const [head, ...args] = line.tokens;
    const name = head.lower;
    switch (name) {
      case ".end":
        if (this.includeChain.length === 1) this.ended = true;
        return;
      case ".op":
        // ngspice 39 reads no argument of .op and ignores any (gnucap's `.op trace iterations`): so does eqspice, saying so
        if (args[0]) this.out.warnings.push(`${formatLoc(args[0].loc)}: .op takes no arguments: '${clip(joinTokens(args))}' ignored, as ngspice ignores it`);
        this.out.op = true;
        return;
      case ".include":
      case ".inc":
        return this.include(args, head.loc, file);
      case ".lib":
        return this.lib(args, head.loc, file);
      case ".endl":
        throw new NetlistError("`.endl` without a library section (a section `.lib NAME` ... `.endl` is read only through `.lib FILE NAME`)", head.loc);
      case ".param":
        if (this.frame.cond) this.warnUnconditional(".param", head.loc);
        for (const p of parseAssignments(args, head.loc, ".param")) {
          if (p.name === "temper") {
            this.out.warnings.push(`${formatLoc(p.loc)}: .param temper ignored: TEMPER is the circuit temperature (as in ngspice)`);
            continue;
          }
          this.scope.params.push(p);
        }
        return;
      case ".csparam":
        // ngspice makes these variables of its control language (`.control`), which eqspice does not run:
        // they do not change the circuit, but their values must evaluate (ngspice stops otherwise).
        for (const p of parseAssignments(args, head.loc, ".csparam")) this.scope.csparams.push(p);
        return;
      case ".func":
        if (this.frame.cond) this.warnUnconditional(".func", head.loc);
        return this.func(args, head.loc);
      case ".if":
        return this.ifOpen(args, head);
      case ".elseif":
      case ".else":
        return this.ifBranch(args, head);
      case ".endif": {
        this.openIf(head);
        this.frame.ifs.pop();
        return this.setCond();
      }
      case ".model":
        return this.model(args, head.loc);
      case ".subckt":
        return this.subckt(args, head.loc);
      case ".ends": {
        if (this.stack.length === 1) throw new NetlistError("`.ends` without a matching `.subckt`", head.loc);
        const open = this.frame.ifs[0];
        if (open) throw new NetlistError(`\`.if\` without \`.endif\` before the \`.ends\` of .subckt ${this.frame.subckt!.name}`, open.block.loc);
        const frame = this.stack.pop()!;
        if (args[0] && args[0].lower !== frame.subckt!.name) {
          // ngspice 39 closes the innermost open .subckt whatever name .ends gives.
          this.out.warnings.push(`${formatLoc(args[0].loc)}: .ends ${args[0].text} closes .subckt ${frame.subckt!.name} (the name differs; ngspice ignores it too)`);
        }
        return;
      }
      case ".options":
      case ".option":
      case ".opt":
        this.topOnlyInIf(head);
        return this.options(args);
      case ".temp":
        this.topOnlyInIf(head);
        if (!args[0]) throw new NetlistError("`.temp` needs a temperature in Celsius", head.loc);
        if (args[1]) {
          // ngspice 39 cannot set its temperature to a list ("Warning: Could not set temperature to 0 50") and runs at
          // 27 C, whatever `.options temp=` says before or after the card
          this.out.warnings.push(`${formatLoc(args[1].loc)}: .temp with several temperatures runs at 27 C, as in ngspice 39 (for a sweep use .dc temp)`);
          this.out.options.push(this.withCond({ key: "temp", value: { ...args[0], kind: "word", text: "27", lower: "27" }, loc: args[0].loc, final: true }));
          return;
        }
        this.out.options.push(this.withCond({ key: "temp", value: args[0], loc: args[0].loc }));
        return;
      case ".tran":
        this.topOnlyInIf(head);
        return this.tran(args, head.loc);
      case ".dc":
        this.topOnlyInIf(head);
        return this.dc(args, head.loc);
      case ".ac":
        this.topOnlyInIf(head);
        return this.ac(args, head.loc);
      case ".ic":
        this.topOnlyInIf(head);
        return this.ic(args);
      case ".nodeset":
        return this.nodeset(args, head);
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
            `${head.loc.file}:${head.loc.line}: ${name} NOT RUN: eqspice has no ${NOT_RUN_CARDS[name]}; it runs the operating point (eqspice op), DC sweeps (eqspice dc), AC analysis (eqspice ac) and transient analysis (eqspice tran)`,
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

  /** `obj` with the current `.if` branches as its `cond` (when inside a block). */
  private withCond<T extends object>(obj: T): T & { cond?: CondPath } {
    const cond = this.frame.cond;
    return cond ? { ...obj, cond } : obj;
  }

  private warnUnconditional(card: string, loc: SourceLoc): void {
    this.out.warnings.push(`${formatLoc(loc)}: ${card} inside .if is read whatever the condition (as ngspice does)`);
  }

  /** Whole-circuit cards inside an `.if` block of a subcircuit: whose instance's condition would they follow? */
  private topOnlyInIf(head: Token): void {
    if (this.frame.cond && this.stack.length > 1) {
      throw new NetlistError(`${head.lower} inside an .if block of a .subckt is not supported (put the .if at the top level)`, head.loc);
    }
  }

  /** The condition of `.if (...)` / `.elseif (...)`: the lexer's "(", expr, ")". */
  private condition(args: Token[], head: Token): Token {
    const [open, cond, close] = args;
    if (open?.kind !== "(" || cond?.kind !== "expr" || close?.kind !== ")") {
      throw new NetlistError(`\`${head.lower}\` needs a condition in parentheses, e.g. \`${head.lower} (mode == 1)\``, head.loc);
    }
    if (!cond.text) throw new NetlistError(`\`${head.lower}\`: empty condition '()'`, open.loc);
    return cond;
  }

  private setCond(): void {
    const f = this.frame;
    f.cond = f.ifs.length ? f.ifs.map((o) => ({ block: o.block, branch: o.branch })) : undefined;
  }

  private ifOpen(args: Token[], head: Token): void {
    const cond = this.condition(args, head);
    this.frame.ifs.push({ block: { conds: [cond], loc: head.loc }, branch: 0, hasElse: false, fileDepth: this.includeChain.length });
    this.setCond();
  }

  /** The innermost open `.if` of this file and subcircuit, for its `.elseif` / `.else` / `.endif`. */
  private openIf(head: Token): OpenIf {
    const f = this.frame;
    const top = f.ifs[f.ifs.length - 1];
    if (!top || top.fileDepth !== this.includeChain.length) {
      const where = this.stack.length > 1 && !top ? ` in .subckt ${f.subckt!.name}` : top ? " in this file" : "";
      throw new NetlistError(`\`${head.lower}\` without a matching \`.if\`${where}`, head.loc);
    }
    return top;
  }

  private ifBranch(args: Token[], head: Token): void {
    const top = this.openIf(head);
    if (top.hasElse) throw new NetlistError(`\`${head.lower}\` after the \`.else\` of the .if at ${formatLoc(top.block.loc)}`, head.loc);
    if (head.lower === ".else") {
      top.hasElse = true;
      top.block.conds.push(null);
    } else top.block.conds.push(this.condition(args, head));
    top.branch++;
    this.setCond();
  }

  /** `.func name(a, b) = {expr}`, `.func name(a) {expr}`, `.func name(a) expr`. */
  private func(args: Token[], loc: SourceLoc): void {
    const usage = "usage: .func name(x, y) = {expr}";
    const [nameTok, open] = args;
    if (!nameTok || nameTok.kind !== "word" || open?.kind !== "(") throw new NetlistError(`\`.func\` needs a name, its parameters in parentheses and a body (${usage})`, nameTok?.loc ?? loc);
    if (!IDENT.test(nameTok.text)) throw new NetlistError(`.func: bad function name '${clip(nameTok.text)}'`, nameTok.loc);
    if (!args.some((t) => t.kind === ")")) throw new NetlistError(`.func ${nameTok.text}: missing ')' after its parameters (${usage})`, open.loc);
    const params: string[] = [];
    let i = 2;
    for (; i < args.length && args[i].kind !== ")"; i++) {
      const t = args[i];
      if (t.kind === ",") continue;
      if (t.kind !== "word" || !IDENT.test(t.text)) throw new NetlistError(`.func ${nameTok.text}: bad parameter name '${clip(t.text)}' (${usage})`, t.loc);
      if (params.includes(t.lower)) throw new NetlistError(`.func ${nameTok.text}: parameter '${t.text}' given twice`, t.loc);
      params.push(t.lower);
    }
    if (i >= args.length) throw new NetlistError(`.func ${nameTok.text}: missing ')' after its parameters (${usage})`, open.loc);
    let body = args.slice(i + 1);
    if (body[0]?.kind === "=") body = body.slice(1);
    if (body.length === 0) throw new NetlistError(`.func ${nameTok.text} has no body (${usage})`, nameTok.loc);
    const text = body.length === 1 && (body[0].kind === "expr" || body[0].kind === "word") ? body[0].text : joinTokens(body);
    const def = { name: nameTok.lower, params, body: text, loc: nameTok.loc };
    checkFuncBody(def);
    this.out.hasExpressions = true;
    this.scope.funcs.set(def.name, def);
  }

  private include(args: Token[], loc: SourceLoc, file: string): void {
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
    this.parseSource(text, path, false, this.stack.length === 1 && !this.frame.cond);
  }

  /** `.lib FILE SECTION`: read the lines between `.lib SECTION` and `.endl` in FILE (relative to this file). */
  private lib(args: Token[], loc: SourceLoc, file: string): void {
    const usage = "usage: .lib FILE SECTION";
    if (args.length === 0) throw new NetlistError(`\`.lib\` needs a file and a section name (${usage})`, loc);
    const secTok = args[args.length - 1];
    if (args.length === 1) {
      throw new NetlistError(
        `\`.lib ${clip(secTok.text)}\` starts a library section, which is read only from a file named by \`.lib FILE ${clip(secTok.text)}\` (ngspice 39 refuses it here too); to include a whole file use .include`,
        loc,
      );
    }
    if (secTok.kind !== "word") throw new NetlistError(`.lib: bad section name '${clip(secTok.text)}' (${usage})`, secTok.loc);
    const fileToks = args.slice(0, -1);
    const target = fileToks.map((t) => t.text).join("").replace(/^["']|["']$/g, "");
    if (!target) throw new NetlistError(`\`.lib\` needs a file name (${usage})`, loc);
    const path = resolve(dirname(file), target);
    const section = secTok.lower;
    const key = `${path}\u0000${section}`;
    if (this.libChain.includes(key)) {
      const chain = [...this.libChain, key].map((k) => k.split("\u0000").reverse().join(" in "));
      throw new NetlistError(`recursive .lib: section '${secTok.text}' of '${clip(target)}' includes itself (${clip(chain.join(" -> "), 400)})`, secTok.loc);
    }
    let lines = this.libFiles.get(path);
    if (!lines) {
      let text: string;
      try {
        text = readInputFile(path, "library file", { regular: true });
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        const why = e.message.slice(`cannot read library file '${path}': `.length);
        throw new NetlistError(`cannot read library file '${clip(target)}' (${clip(path, 200)}): ${why}`, fileToks[0].loc);
      }
      const cr = text.indexOf("\r");
      if (cr >= 0 && /\r(?!\n)/.test(text.slice(cr))) text = text.replace(/\r(?!\n)/g, "\n");
      lines = lex(text, path, false, undefined, this.budget).lines;
      this.libFiles.set(path, lines);
    }
    const sections: string[] = [];
    let start = -1;
    for (let k = 0; k < lines.length; k++) {
      const l = lines[k];
      if (l.annotation || l.tokens[0].lower !== ".lib" || l.tokens.length !== 2) continue;
      sections.push(l.tokens[1].text);
      if (start < 0 && l.tokens[1].lower === section) start = k;
    }
    if (start < 0) {
      const has = sections.length ? `its sections: ${clip(sections.join(", "), 300)}` : "it has no sections (`.lib NAME` ... `.endl`)";
      throw new NetlistError(`library file '${clip(target)}' has no section '${clip(secTok.text)}' (${has})`, secTok.loc);
    }
    let end = start + 1;
    while (end < lines.length && (lines[end].annotation || lines[end].tokens[0].lower !== ".endl")) end++;
    if (end >= lines.length) throw new NetlistError(`library section '${secTok.text}' has no \`.endl\``, lines[start].loc);
    this.includeChain.push(path);
    this.libChain.push(key);
    this.readLines(lines.slice(start + 1, end), path);
    this.libChain.pop();
    this.includeChain.pop();
  }

  private model(args: Token[], loc: SourceLoc): void {
    if (isAkoCard(args)) {
      // PSpice's `.model NAME AKO:BASE TYPE (...)`: read once the netlist is (netlist/ako.ts)
      if (this.frame.cond) throw new NetlistError(`.model ${args[0].text}: an AKO model inside an .if block is not supported`, args[1].loc);
      this.akos.push({ args, loc, scope: this.scope });
      return;
    }
    const { card, hasExpressions, written } = readModelCard(args, loc, this.out.warnings);
    if (hasExpressions) this.out.hasExpressions = true;
    if (card.type === "r") this.out.resistorModels = true;
    if (this.frame.cond) {
      this.scope.condModels.push(this.withCond(card));
      return;
    }
    if (this.keepsFirstModel(card.name, written, card.loc)) return;
    this.scope.models.set(card.name, card);
  }

  /**
   * A second `.model` of a name in one scope: ngspice 39 uses the first
   * (silently; checked: a diode card given twice takes the first IS), so
   * eqspice keeps the first and says so. True when `nameTok` is such a one.
   */
  private keepsFirstModel(name: string, written: string, loc: SourceLoc): boolean {
    const first = this.scope.models.get(name);
    if (!first) return false;
    this.out.warnings.push(`${formatLoc(loc)}: second .model ${written} ignored (the first, at ${formatLoc(first.loc)}, is used, as ngspice 39 uses it)`);
    return true;
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
    const def: SubcktDef = { name: nameTok.lower, ports, params, body: emptyScope(this.scope), loc: nameTok.loc };
    const first = this.scope.subckts.get(def.name);
    if (first) {
      // ngspice 39 keeps the first definition ("redefinition of .subckt s, ignored"; a library included twice),
      // and reads subcircuit definitions before `.if`, whatever it says
      const why = this.frame.cond || this.subcktsInIf.has(first) ? "as ngspice, .subckt definitions are read whatever an .if says" : "as ngspice 39 ignores a redefinition";
      this.out.warnings.push(`${formatLoc(nameTok.loc)}: second definition of .subckt ${def.name} ignored (the first, at ${formatLoc(first.loc)}, is used: ${why})`);
    } else {
      this.scope.subckts.set(def.name, def);
      if (this.frame.cond) this.subcktsInIf.add(def);
    }
    this.stack.push({ scope: def.body, subckt: def, ifs: [], cond: undefined });
  }

  private options(args: Token[]): void {
    for (let i = 0; i < args.length; i++) {
      const t = args[i];
      if (t.kind === ",") continue;
      if (t.kind !== "word") throw new NetlistError(`bad option '${t.text}'`, t.loc);
      if (args[i + 1]?.kind === "=") {
        const v = args[i + 2];
        if (!v || (v.kind !== "word" && v.kind !== "expr")) throw new NetlistError(`option '${t.text}' needs a value`, t.loc);
        this.out.options.push(this.withCond({ key: t.lower, value: v, loc: t.loc }));
        i += 2;
      } else {
        this.out.options.push(this.withCond({ key: t.lower, value: null, loc: t.loc }));
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
    this.out.trans.push(this.withCond({ tstep: nums[0], tstop: nums[1], tstart: nums[2], tmax: nums[3], uic, loc }));
  }

  /**
   * `.dc SRC START STOP INCR [SRC2 START2 STOP2 INCR2]` (ngspice 39): SRC an
   * independent V or I source, a resistor or TEMP, as the element is named
   * after flattening (`v.x1.v1` inside subcircuit instance x1). Whether the
   * element exists and what it is are checked against the circuit (dc.ts);
   * the values, which may be `{expressions}`, are evaluated by elaborate.
   */
  private dc(args: Token[], loc: SourceLoc): void {
    const usage = "usage: .dc SRC START STOP INCR [SRC2 START2 STOP2 INCR2], SRC a V or I source, a resistor or TEMP";
    const bad = args.find((t) => t.kind !== "word" && t.kind !== "expr");
    if (bad) throw new NetlistError(`.dc: unexpected '${clip(bad.text)}' (${usage})`, bad.loc);
    if (args.length === 0) throw new NetlistError(`\`.dc\` needs a source and its START STOP INCR (${usage})`, loc);
    if (args.length > 8) throw new NetlistError(`.dc: unexpected '${clip(args[8].text)}' (at most two sweeps; ${usage})`, args[8].loc);
    const sweeps: DcSweepCard[] = [];
    for (let k = 0; k < args.length; k += 4) {
      const name = args[k];
      const which = k === 0 ? "" : "second ";
      if (name.kind !== "word") throw new NetlistError(`.dc: the ${which}swept name must be a source, resistor or TEMP, found '${clip(name.text)}' (${usage})`, name.loc);
      const letter = name.lower[0];
      if (name.lower !== "temp" && letter !== "v" && letter !== "i" && letter !== "r") {
        const dot = name.lower.lastIndexOf(".");
        const hint = dot > 0 && "vir".includes(name.lower[dot + 1]) ? `; inside a subcircuit instance ngspice names it with its letter first: ${name.lower[dot + 1]}.${name.lower}` : "";
        throw new NetlistError(`.dc: '${clip(name.text)}' is not an independent voltage or current source, a resistor or TEMP (ngspice sweeps only those${hint}; ${usage})`, name.loc);
      }
      const missing = ["START", "STOP", "INCR"].slice(Math.max(0, args.length - k - 1));
      if (missing.length) throw new NetlistError(`.dc ${clip(name.text)}: missing ${missing.join(" ")} (${usage})`, args[args.length - 1].loc);
      const other = sweeps.find((s) => s.name.lower === name.lower);
      if (other) throw new NetlistError(`.dc: '${clip(name.text)}' is swept twice (the second sweep must be another source, resistor or TEMP)`, name.loc);
      sweeps.push({ name, start: args[k + 1], stop: args[k + 2], step: args[k + 3] });
    }
    this.out.dcs.push(this.withCond({ sweeps, loc }));
  }

  /**
   * `.ac DEC|OCT|LIN N FSTART FSTOP` (ngspice 39): N points per decade or
   * octave, or in total for LIN; the values may be `{expressions}`,
   * evaluated by elaborate and checked by analysis/ac.ts.
   */
  private ac(args: Token[], loc: SourceLoc): void {
    const usage = "usage: .ac DEC|OCT|LIN N FSTART FSTOP";
    const bad = args.find((t) => t.kind !== "word" && t.kind !== "expr");
    if (bad) throw new NetlistError(`.ac: unexpected '${clip(bad.text)}' (${usage})`, bad.loc);
    if (args.length === 0) throw new NetlistError(`\`.ac\` needs a sweep type, N, FSTART and FSTOP (${usage})`, loc);
    const kind = args[0];
    if (kind.kind !== "word" || !["dec", "oct", "lin"].includes(kind.lower)) throw new NetlistError(`.ac: the sweep type must be DEC, OCT or LIN, found '${clip(kind.text)}' (${usage})`, kind.loc);
    const missing = ["N", "FSTART", "FSTOP"].slice(args.length - 1);
    if (missing.length) throw new NetlistError(`.ac ${kind.text}: missing ${missing.join(" ")} (${usage})`, args[args.length - 1].loc);
    if (args.length > 4) throw new NetlistError(`.ac: unexpected '${clip(args[4].text)}' (${usage})`, args[4].loc);
    this.out.acs.push(this.withCond({ kind, points: args[1], fstart: args[2], fstop: args[3], loc }));
  }

  /**
   * `.ic v(node)=value ...`: entries separated by spaces or commas
   * (`.ic v(1)=0, v(2)=5` and `.ic v(1)=0,v(2)=5`, as ngspice 39 reads them).
   */
  private ic(args: Token[]): void {
    const usage = "`.ic` expects entries like v(node)=value";
    for (let i = 0; i < args.length; ) {
      const v = args[i];
      if (v.kind === ",") {
        i++;
        continue;
      }
      if (v.lower !== "v" || args[i + 1]?.kind !== "(" || args[i + 2]?.kind !== "word" || args[i + 3]?.kind !== ")" || args[i + 4]?.kind !== "=") {
        throw new NetlistError(`${usage}, found '${clip(v.text)}'`, v.loc);
      }
      const value = args[i + 5];
      if (!value || (value.kind !== "word" && value.kind !== "expr")) {
        throw new NetlistError(`.ic v(${clip(args[i + 2].text)})= has no value`, value?.loc ?? args[i + 4].loc);
      }
      this.scope.ics.push(this.withCond({ node: args[i + 2].lower, value, loc: args[i + 2].loc }));
      i += 6;
    }
  }

  /**
   * `.nodeset v(node)=value ...`, as ngspice 39 reads it: entries separated
   * by spaces or commas, the value a number or an expression. Inside a
   * `.subckt` the node names are the subcircuit's (ngspice writes the card
   * into every instance, `v(x1.node)`); in an `.if` block it follows the
   * condition (per instance in a `.subckt`). ngspice's `all=value` is refused.
   */
  private nodeset(args: Token[], head: Token): void {
    const usage = "`.nodeset` expects entries like v(node)=value";
    if (args.length === 0) throw new NetlistError(`${usage}, found nothing`, head.loc);
    for (let i = 0; i < args.length; ) {
      const v = args[i];
      if (v.kind === ",") {
        i++;
        continue;
      }
      if (v.lower === "all" && args[i + 1]?.kind === "=") throw new NetlistError(".nodeset all=value (every node) is not supported: name the nodes, v(node)=value", v.loc);
      if (v.lower !== "v" || args[i + 1]?.kind !== "(" || args[i + 2]?.kind !== "word" || args[i + 3]?.kind !== ")" || args[i + 4]?.kind !== "=") {
        const what = v.lower === "v" && args[i + 1]?.kind === "(" && args[i + 3]?.kind === "," ? ` (one node per entry: ngspice 39 refuses v(a,b))` : "";
        throw new NetlistError(`${usage}, found '${clip(v.text)}'${what}`, what ? args[i + 3].loc : v.loc);
      }
      const value = args[i + 5];
      if (!value || (value.kind !== "word" && value.kind !== "expr")) {
        throw new NetlistError(`.nodeset v(${clip(args[i + 2].text)})= has no value`, value?.loc ?? args[i + 4].loc);
      }
      this.scope.nodesets.push(this.withCond({ node: args[i + 2].lower, value, loc: args[i + 2].loc }));
      i += 6;
    }
  }
}

const IDENT = /^[a-z_][a-z0-9_]*$/i;

/**
 * The text of several tokens as one expression: tokens that touch in the
 * source stay together (`a==b`, not `a = = b`), `{...}` and `'...'` become
 * parenthesized.
 */
export function joinTokens(parts: readonly Token[]): string {
  let out = "";
  let prevEnd = -1;
  let prevLine = -1;
  let prevFile = "";
  for (const p of parts) {
    const loc = p.loc;
    const glued = p.kind !== "expr" && prevEnd >= 0 && loc.file === prevFile && loc.line === prevLine && loc.col === prevEnd;
    if (out && !glued) out += " ";
    out += p.kind === "expr" ? `(${p.text})` : p.text;
    prevEnd = p.kind === "expr" ? -1 : loc.col + p.text.length;
    prevLine = loc.line;
    prevFile = loc.file;
  }
  return out;
}

/** Elements whose nodes may be written in parentheses (`v1 (1 0) 1`, gnucap's form). */
const PAREN_NODES = new Map(Object.entries({ r: 2, c: 2, l: 2, v: 2, i: 2, d: 2, q: 4, m: 4, j: 3, e: 4, f: 2, g: 4, h: 2, b: 2, s: 4, w: 2 }));

/**
 * An element's node list written in parentheses, `v1 (1 0) 1` or
 * `r1 (1, 2) 1k`, as its nodes: ngspice 39's node reader (INPgetNetTok)
 * skips '(', ')' and ',' around node names. Any other line is as it was.
 */
function unwrapNodes(letter: string, args: Token[]): Token[] {
  if (args[0]?.kind !== "(" || !PAREN_NODES.has(letter)) return args;
  // one group, or one per node pair (`E1 (out 0) (in 0) -10`, PySpice's examples), up to the element's nodes
  // (a value in parentheses after them, `v1 (1 0) (DC 2)`, stays a value)
  const most = PAREN_NODES.get(letter)!;
  const nodes: Token[] = [];
  let at = 0;
  while (args[at]?.kind === "(" && nodes.length < most) {
    const close = args.findIndex((t, k) => k > at && t.kind === ")");
    if (close < at + 2 || args.slice(at + 1, close).some((t) => t.kind !== "word" && t.kind !== ",")) break;
    nodes.push(...args.slice(at + 1, close).filter((t) => t.kind === "word"));
    at = close + 1;
  }
  return at === 0 ? args : [...nodes, ...args.slice(at)];
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
    if (e.letter === "!") continue; // an unreadable line in an .if branch
    while (q < f.count && f.file(q) === e.loc.file && f.lineNo[q] < e.loc.line) out.push(f.name(q++));
    out.push(e.name);
  }
  while (q < f.count) out.push(f.name(q++));
  return out;
}
