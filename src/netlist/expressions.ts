/**
 * SPICE expressions (`{2*rval}`, `'a+b'`, `.param b = a*2`), read and
 * evaluated as ngspice's numparam does, by a small compiler of our own:
 *
 * - operators, loosest first: `c ? a : b` (right-associative), `||`, `&&`,
 *   `== !=`, `< <= > >=`, `+ -`, `* / %`, unary `- + !`, then `^` / `**`
 *   (left-associative, as numparam: 2^3^2 = 64; -2^2 = -4; 2^-1 = 0.5);
 *   comparisons and logic give 1 or 0, `%` is C's fmod;
 * - numbers are SPICE numbers (`2.2k`, `1meg`, `3mil`, `10kohm`);
 * - functions: numparam's deterministic ones (FUNCTIONS below) and the
 *   netlist's own `.func`s (macros, expanded before compiling: see
 *   expandCalls). Nothing else is reachable from a netlist: no constants
 *   such as `pi` (numparam has none), no random functions (agauss, ...),
 *   no host functions;
 * - `temper` is the circuit temperature in Celsius (the root scope of
 *   every parameter scope gives it, see RootScope).
 *
 * An expression compiles to postfix code run on a value stack, so a long
 * sum is a loop, not a recursion; nesting (parentheses, unary operators,
 * chained `?:`) is limited to MAX_DEPTH levels. Compiled code is cached by
 * text.
 *
 * Parameters (`.param`, subcircuit parameters) live in ParamEnv: the last
 * definition of a name wins, a definition may use names defined after it,
 * and a cycle is an error that names it (all as ngspice).
 */
import { NetlistError, clip, type SourceLoc } from "../util/errors.js";
import { parseSpiceNumber } from "./numbers.js";
import type { Token } from "./lexer.js";

/** Parameter values by lower-case name. */
export type ParamScope = Map<string, number>;

/**
 * A user function, `.func name(a, b) = {expr}`. As in ngspice it is a
 * macro: a call is replaced by the body with the arguments put in for the
 * parameter names, and every other name in the body is read in the scope
 * of the call (a subcircuit's own `p`, not the top-level one).
 */
export interface FuncDef {
  name: string;
  params: string[];
  body: string;
  loc: SourceLoc;
}

/** The user functions visible in one scope; `id` tells tables apart in the compile cache. */
export interface FuncTable {
  readonly id: number;
  readonly defs: ReadonlyMap<string, FuncDef>;
}

let nextFuncTableId = 1;

/** A table of `defs` (undefined when there are none: expressions then compile as before). */
export function makeFuncTable(defs: ReadonlyMap<string, FuncDef>): FuncTable | undefined {
  return defs.size ? { id: nextFuncTableId++, defs } : undefined;
}

/** Deepest nesting of parentheses, unary operators and `?:` an expression may have. */
export const MAX_DEPTH = 256;

type Fn = (...a: number[]) => number;

/** Round half to even, as C's rint (numparam's nint). */
function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** numparam's functions, with their argument counts. */
const FUNCTIONS: Record<string, [number, Fn]> = {
  sqrt: [1, Math.sqrt],
  sqr: [1, (x) => x * x],
  sin: [1, Math.sin],
  cos: [1, Math.cos],
  tan: [1, Math.tan],
  sinh: [1, Math.sinh],
  cosh: [1, Math.cosh],
  tanh: [1, Math.tanh],
  asin: [1, Math.asin],
  acos: [1, Math.acos],
  atan: [1, Math.atan],
  arctan: [1, Math.atan],
  asinh: [1, Math.asinh],
  acosh: [1, Math.acosh],
  atanh: [1, Math.atanh],
  exp: [1, Math.exp],
  ln: [1, Math.log],
  log: [1, Math.log],
  log10: [1, Math.log10],
  abs: [1, Math.abs],
  nint: [1, rint],
  int: [1, Math.trunc],
  floor: [1, Math.floor],
  ceil: [1, Math.ceil],
  sgn: [1, Math.sign],
  pow: [2, Math.pow],
  // numparam's pwr is |x|^y (ngspice 39: pwr(-2,3) = 8)
  pwr: [2, (x, y) => Math.pow(Math.abs(x), y)],
  min: [2, Math.min],
  max: [2, Math.max],
  ternary_fcn: [3, (c, a, b) => (c !== 0 ? a : b)],
};
const RANDOM = new Set(["gauss", "agauss", "unif", "aunif", "limit"]);
const FN_LIST = Object.keys(FUNCTIONS).join(" ");

// Opcodes of the postfix code.
const NUM = 0, VAR = 1, NEG = 2, NOT = 3, BIN = 4, CALL = 5, JZ = 6, JMP = 7;
const BINOPS = ["+", "-", "*", "/", "%", "^", "<", "<=", ">", ">=", "==", "!=", "&&", "||"] as const;
type BinOp = (typeof BINOPS)[number];

/** An expression compiled to postfix code: [op, arg] pairs. */
export interface Compiled {
  code: Int32Array;
  consts: number[];
  /** Names read (lower-case), indexed by VAR's argument. */
  names: string[];
}

class ExprSyntaxError extends Error {}

interface Lexeme {
  /** "num", "id", or the operator / punctuation itself. */
  k: string;
  v: number;
  s: string;
  at: number;
}

const OPS2 = ["**", "<=", ">=", "==", "!=", "&&", "||"];
const OPS1 = "+-*/%^<>!?:(),";

function lexExpr(src: string): Lexeme[] {
  const out: Lexeme[] = [];
  const n = src.length;
  let i = 0;
  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13 || c === 10) {
      i++;
      continue;
    }
    const isDigit = c >= 48 && c <= 57;
    if (isDigit || (c === 46 && src.charCodeAt(i + 1) >= 48 && src.charCodeAt(i + 1) <= 57)) {
      // digits [. digits] [e [+-] digits] [letters, digits, _ (scale factor and units)]
      let j = i;
      while (j < n && isDigitAt(src, j)) j++;
      if (src[j] === ".") {
        j++;
        while (j < n && isDigitAt(src, j)) j++;
      }
      if ((src[j] === "e" || src[j] === "E") && (isDigitAt(src, j + 1) || ((src[j + 1] === "+" || src[j + 1] === "-") && isDigitAt(src, j + 2)))) {
        j += 2;
        while (j < n && isDigitAt(src, j)) j++;
      }
      if (isLetterAt(src, j)) while (j < n && (isLetterAt(src, j) || isDigitAt(src, j) || src[j] === "_")) j++;
      const text = src.slice(i, j);
      const v = parseSpiceNumber(text);
      if (Number.isNaN(v)) throw new ExprSyntaxError(`bad number '${clip(text)}'`);
      out.push({ k: "num", v, s: text, at: i });
      i = j;
      continue;
    }
    if (isLetterAt(src, i) || c === 95) {
      let j = i + 1;
      while (j < n && (isLetterAt(src, j) || isDigitAt(src, j) || src[j] === "_")) j++;
      out.push({ k: "id", v: 0, s: src.slice(i, j).toLowerCase(), at: i });
      i = j;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (OPS2.includes(two)) {
      out.push({ k: two === "**" ? "^" : two, v: 0, s: two, at: i });
      i += 2;
      continue;
    }
    if (OPS1.includes(src[i])) {
      out.push({ k: src[i], v: 0, s: src[i], at: i });
      i++;
      continue;
    }
    throw new ExprSyntaxError(`unexpected character ${describeChar(src[i])}`);
  }
  return out;
}

function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}
function isLetterAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i) | 32;
  return c >= 97 && c <= 122;
}
function describeChar(ch: string): string {
  const code = ch.charCodeAt(0);
  return code < 32 || code === 127 || code > 126 ? `U+${code.toString(16).toUpperCase().padStart(4, "0")}` : `'${ch}'`;
}

/** Binary operator precedence levels, loosest first (the ternary sits below them). */
const LEVELS: string[][] = [["||"], ["&&"], ["==", "!="], ["<", "<=", ">", ">="], ["+", "-"], ["*", "/", "%"]];

class Compiler {
  private pos = 0;
  private depth = 0;
  readonly code: number[] = [];
  readonly consts: number[] = [];
  readonly names: string[] = [];
  /** `lenient`: any function name and argument count passes (checking a `.func` body, whose calls may be other `.func`s). */
  constructor(
    private readonly toks: Lexeme[],
    private readonly lenient = false,
  ) {}

  compile(): void {
    if (this.toks.length === 0) throw new ExprSyntaxError("empty expression");
    this.ternary();
    const t = this.toks[this.pos];
    if (t) throw new ExprSyntaxError(`unexpected '${t.s}'`);
  }

  private peek(): string | undefined {
    return this.toks[this.pos]?.k;
  }
  private emit(op: number, arg = 0): number {
    this.code.push(op, arg);
    return this.code.length - 1;
  }
  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw new ExprSyntaxError(`nested more than ${MAX_DEPTH} levels deep`);
  }

  private ternary(): void {
    this.binary(0);
    if (this.peek() === "?") {
      this.pos++;
      this.enter();
      const jz = this.emit(JZ);
      this.ternary();
      if (this.peek() !== ":") throw new ExprSyntaxError("'?' without its ':'");
      this.pos++;
      const jmp = this.emit(JMP);
      this.code[jz] = this.code.length;
      this.ternary();
      this.code[jmp] = this.code.length;
      this.depth--;
    }
  }

  private binary(level: number): void {
    if (level === LEVELS.length) return this.unary();
    this.binary(level + 1);
    for (;;) {
      const k = this.peek();
      if (k === undefined || !LEVELS[level].includes(k)) return;
      this.pos++;
      this.binary(level + 1);
      this.emit(BIN, BINOPS.indexOf(k as BinOp));
    }
  }

  /** Signs and `!` before a power: -2^2 = -(2^2). */
  private unary(): void {
    const k = this.peek();
    // numparam takes a unary '+' only first in the expression, after '(' or ',' ("2 + +1", "-+2" are errors)
    if (k === "+" && this.pos > 0 && !["(", ","].includes(this.toks[this.pos - 1].k)) throw new ExprSyntaxError("unexpected '+' (a unary '+' only starts an expression)");
    if (k === "-" || k === "+" || k === "!") {
      this.pos++;
      this.enter();
      this.unary();
      this.depth--;
      if (k === "-") this.emit(NEG);
      else if (k === "!") this.emit(NOT);
      return;
    }
    this.power();
  }

  private power(): void {
    this.primary();
    while (this.peek() === "^") {
      this.pos++;
      this.signedPrimary();
      this.emit(BIN, BINOPS.indexOf("^"));
    }
  }

  /** An exponent: signs, then a primary (2^-1 = 0.5). */
  private signedPrimary(): void {
    const k = this.peek();
    if (k === "+") throw new ExprSyntaxError("unexpected '+' (a unary '+' only starts an expression)");
    if (k === "-") {
      this.pos++;
      this.enter();
      this.signedPrimary();
      this.depth--;
      if (k === "-") this.emit(NEG);
      return;
    }
    this.primary();
  }

  private primary(): void {
    const t = this.toks[this.pos];
    if (!t) throw new ExprSyntaxError("ends where a value was expected");
    this.pos++;
    if (t.k === "num") {
      this.consts.push(t.v);
      this.emit(NUM, this.consts.length - 1);
      return;
    }
    if (t.k === "(") {
      this.enter();
      this.ternary();
      this.depth--;
      if (this.peek() !== ")") throw new ExprSyntaxError("missing ')'");
      this.pos++;
      return;
    }
    if (t.k === "id") {
      if (this.peek() !== "(") {
        let i = this.names.indexOf(t.s);
        if (i < 0) i = this.names.push(t.s) - 1;
        this.emit(VAR, i);
        return;
      }
      const fn = FUNCTIONS[t.s];
      if (!fn && !this.lenient) {
        if (RANDOM.has(t.s)) throw new ExprSyntaxError(`random-variation function '${t.s}()' is not supported`);
        throw new ExprSyntaxError(`unknown function '${clip(t.s)}()' (SPICE functions: ${FN_LIST})`);
      }
      this.pos++;
      this.enter();
      let argc = 0;
      if (this.peek() !== ")") {
        for (;;) {
          this.ternary();
          argc++;
          if (this.peek() === ",") {
            this.pos++;
            continue;
          }
          break;
        }
      }
      this.depth--;
      if (this.peek() !== ")") throw new ExprSyntaxError(`missing ')' after the arguments of ${t.s}()`);
      this.pos++;
      if (this.lenient || !fn) return;
      // numparam's max(x) and min(x) of one argument are x (ngspice 39: `.param c='max(f(1,2))'`, func_cap.sp)
      if (argc === 1 && (t.s === "max" || t.s === "min")) return;
      if (argc !== fn[0]) throw new ExprSyntaxError(`${t.s}() takes ${fn[0]} argument${fn[0] === 1 ? "" : "s"}, got ${argc}`);
      this.emit(CALL, Object.keys(FUNCTIONS).indexOf(t.s));
      return;
    }
    throw new ExprSyntaxError(`unexpected '${t.s}'`);
  }
}

const FN_IMPLS = Object.values(FUNCTIONS).map((f) => f[1]);

const cache = new Map<string, Compiled>();

/** Longest expression (in lexemes) that expanding `.func` calls may make, and deepest nesting of calls. */
export const MAX_EXPANSION = 100_000;
export const MAX_CALL_DEPTH = 100;

const bodies = new WeakMap<FuncDef, Lexeme[]>();

function bodyOf(def: FuncDef): Lexeme[] {
  let b = bodies.get(def);
  if (!b) bodies.set(def, (b = lexExpr(def.body)));
  return b;
}

const OPEN: Lexeme = { k: "(", v: 0, s: "(", at: 0 };
const CLOSE: Lexeme = { k: ")", v: 0, s: ")", at: 0 };

function where(loc: SourceLoc): string {
  return `${loc.file}:${loc.line}:${loc.col}`;
}

/**
 * The arguments of a call whose '(' is just before `from`: token lists split
 * at the top-level commas, and the index of the closing ')' (toks.length when
 * it is missing). No arguments gives []. Shared by the .func expansions of
 * `{expressions}` and of B-source expressions (netlist/bexpr.ts).
 */
export function callArgs<T extends { k: string }>(toks: readonly T[], from: number): { args: T[][]; end: number } {
  const args: T[][] = [];
  let cur: T[] = [];
  let level = 0;
  let j = from;
  for (; j < toks.length; j++) {
    const u = toks[j];
    if (u.k === "(") level++;
    else if (u.k === ")" && level-- === 0) break;
    else if (u.k === "," && level === 0) {
      args.push(cur);
      cur = [];
      continue;
    }
    cur.push(u);
  }
  if (j < toks.length && (cur.length || args.length)) args.push(cur);
  return { args, end: j };
}

/**
 * Replace every call of a `.func` by its body in parentheses, each
 * parameter name by its argument in parentheses, as ngspice's macro
 * expansion does (so the body's other names are read where it is called).
 * Returns `toks` itself when it calls no `.func`.
 */
function expandCalls(toks: Lexeme[], funcs: FuncTable, depth: number): Lexeme[] {
  let calls = false;
  for (let i = 0; i + 1 < toks.length && !calls; i++) calls = toks[i].k === "id" && toks[i + 1].k === "(" && funcs.defs.has(toks[i].s);
  if (!calls) return toks;
  if (depth >= MAX_CALL_DEPTH) throw new ExprSyntaxError(`.func calls nested more than ${MAX_CALL_DEPTH} deep (a .func that calls itself?)`);
  const out: Lexeme[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    const def = t.k === "id" && toks[i + 1]?.k === "(" ? funcs.defs.get(t.s) : undefined;
    if (!def) {
      out.push(t);
      continue;
    }
    const { args, end: j } = callArgs(toks, i + 2);
    if (j >= toks.length) throw new ExprSyntaxError(`missing ')' after the arguments of ${t.s}()`);
    if (args.some((a) => a.length === 0)) throw new ExprSyntaxError(`an empty argument in ${t.s}()`);
    const n = def.params.length;
    if (args.length !== n) {
      throw new ExprSyntaxError(`${t.s}() takes ${n} argument${n === 1 ? "" : "s"}, got ${args.length} (.func ${def.name} at ${where(def.loc)})`);
    }
    const body = bodyOf(def);
    const sub: Lexeme[] = [OPEN];
    for (let k = 0; k < body.length; k++) {
      const b = body[k];
      const p = b.k === "id" && body[k + 1]?.k !== "(" ? def.params.indexOf(b.s) : -1;
      if (p < 0) sub.push(b);
      else {
        sub.push(OPEN);
        for (const a of args[p]) sub.push(a);
        sub.push(CLOSE);
      }
    }
    sub.push(CLOSE);
    for (const e of expandCalls(sub, funcs, depth + 1)) out.push(e);
    if (out.length > MAX_EXPANSION) throw new ExprSyntaxError(`expanding its .func calls makes more than ${MAX_EXPANSION} terms`);
    i = j;
  }
  return out;
}

/**
 * Check a `.func` body's syntax where it is defined (its calls may name
 * other `.func`s, so any function name and argument count passes here;
 * a call is checked where it is expanded).
 */
export function checkFuncBody(def: FuncDef): void {
  try {
    new Compiler(bodyOf(def), true).compile();
  } catch (e) {
    if (e instanceof ExprSyntaxError) throw new NetlistError(`bad body '${clip(def.body)}' of .func ${def.name}: ${e.message}`, def.loc);
    throw e;
  }
}

/**
 * Compile an expression (lower-case or not), expanding the calls of the
 * `.func`s in `funcs`. Throws a NetlistError at `loc` for a syntax error,
 * quoting (at most the start of) the expression.
 */
export function compileExpression(text: string, loc: SourceLoc, what: string, funcs?: FuncTable): Compiled {
  const key = funcs ? `${funcs.id}\u0000${text}` : text;
  let c = cache.get(key);
  if (c) return c;
  try {
    let toks = lexExpr(text);
    if (funcs) toks = expandCalls(toks, funcs, 0);
    const comp = new Compiler(toks);
    comp.compile();
    c = { code: Int32Array.from(comp.code), consts: comp.consts, names: comp.names };
  } catch (e) {
    if (e instanceof ExprSyntaxError) throw new NetlistError(`bad expression '${clip(text)}' for ${what}: ${e.message}`, loc);
    throw e;
  }
  if (cache.size > 10000) cache.clear();
  cache.set(key, c);
  return c;
}

/** Run compiled code; `lookup` gives a name's value, or undefined for an unknown name. */
export function runCompiled(c: Compiled, lookup: (name: string) => number | undefined, loc: SourceLoc, what: string, text: string): number {
  const { code, consts, names } = c;
  const vars = new Float64Array(names.length);
  for (let i = 0; i < names.length; i++) {
    const v = lookup(names[i]);
    if (v === undefined) {
      const hint = FUNCTIONS[names[i]] ? ` ('${names[i]}' is a function: ${names[i]}(...))` : "";
      throw new NetlistError(`unknown parameter '${clip(names[i])}' in expression '${clip(text)}' for ${what}${hint}`, loc);
    }
    vars[i] = v;
  }
  const st: number[] = [];
  let sp = 0;
  for (let pc = 0; pc < code.length; pc += 2) {
    const arg = code[pc + 1];
    switch (code[pc]) {
      case NUM:
        st[sp++] = consts[arg];
        break;
      case VAR:
        st[sp++] = vars[arg];
        break;
      case NEG:
        st[sp - 1] = -st[sp - 1];
        break;
      case NOT:
        st[sp - 1] = st[sp - 1] === 0 ? 1 : 0;
        break;
      case BIN: {
        const b = st[--sp];
        const a = st[sp - 1];
        st[sp - 1] = binop(BINOPS[arg], a, b);
        break;
      }
      case CALL: {
        const f = FN_IMPLS[arg];
        const n = f.length;
        sp -= n;
        st[sp] = n === 1 ? f(st[sp]) : n === 2 ? f(st[sp], st[sp + 1]) : f(st[sp], st[sp + 1], st[sp + 2]);
        sp++;
        break;
      }
      case JZ:
        if (st[--sp] === 0) pc = arg - 2;
        break;
      case JMP:
        pc = arg - 2;
        break;
    }
  }
  return st[0];
}

function binop(op: BinOp, a: number, b: number): number {
  switch (op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      return a / b;
    case "%":
      return a % b;
    case "^":
      return Math.pow(a, b);
    case "<":
      return a < b ? 1 : 0;
    case "<=":
      return a <= b ? 1 : 0;
    case ">":
      return a > b ? 1 : 0;
    case ">=":
      return a >= b ? 1 : 0;
    case "==":
      return a === b ? 1 : 0;
    case "!=":
      return a !== b ? 1 : 0;
    case "&&":
      return a !== 0 && b !== 0 ? 1 : 0;
    case "||":
      return a !== 0 || b !== 0 ? 1 : 0;
  }
}

/** Anything that gives parameter values by lower-case name (and the `.func`s its expressions may call). */
export interface Lookup {
  get(name: string): number | undefined;
  readonly funcs?: FuncTable;
}

/**
 * The scope above the top-level parameters: `temper`, the circuit
 * temperature (C), and the top-level `.func`s. As in ngspice, `temper` is
 * reserved (a `.param temper` is ignored; the parser warns).
 */
export class RootScope implements Lookup {
  constructor(
    readonly temper: number,
    readonly funcs?: FuncTable,
  ) {}
  get(name: string): number | undefined {
    return name === "temper" ? this.temper : undefined;
  }
}

/**
 * Evaluate a value token's text: a SPICE number (`1k`), a parameter name,
 * or (isExpr, from `{...}` / `'...'`, or `bare`: a `.param` value written
 * without braces) an expression. Element values without braces are a
 * number or a name only, as in ngspice (`R1 a 0 2*3` is an error).
 * Throws a NetlistError naming the problem at `loc`.
 */
export function evaluateValue(text: string, isExpr: boolean, scope: Lookup, loc: SourceLoc, what: string, bare = false): number {
  if (!isExpr) {
    const n = parseSpiceNumber(text);
    if (Number.isFinite(n)) return n;
    if (!Number.isNaN(n)) throw new NetlistError(`bad number '${clip(text)}' for ${what} (out of range)`, loc);
    const p = scope.get(text.toLowerCase());
    if (p !== undefined) return p;
    if (!bare || !/[-+*/^()!<>=&|?:%]/.test(text)) {
      const hint = /^[-+]?[a-z_]/i.test(text) && /^[-+]?[a-z_][a-z0-9_]*$/i.test(text) ? ` (no parameter '${clip(text.toLowerCase())}')` : "";
      const expr = /[-+*/^()]/.test(text.slice(1)) ? " (write an expression in braces: {...})" : "";
      throw new NetlistError(`bad number '${clip(text)}' for ${what}${hint}${expr}`, loc);
    }
  }
  const c = compileExpression(text, loc, what, scope.funcs);
  const result = runCompiled(c, (name) => scope.get(name), loc, what, text);
  if (!Number.isFinite(result)) {
    throw new NetlistError(`expression '${clip(text)}' for ${what} is not a finite number (got ${result})`, loc);
  }
  return result;
}

/** The names a value token reads (parameters it depends on). */
function namesRead(t: Token, what: string, bare: boolean, funcs: FuncTable | undefined): string[] {
  if (t.kind !== "expr" && t.kind !== "word") return [];
  if (t.kind === "word") {
    if (!Number.isNaN(parseSpiceNumber(t.text))) return [];
    if (!bare || !/[-+*/^()!<>=&|?:%]/.test(t.text)) return [t.lower];
  }
  return compileExpression(t.text, t.loc, what, funcs).names;
}

export interface ParamDef {
  name: string;
  value: Token;
  loc: SourceLoc;
}

/**
 * One scope of parameters: definitions (the last of each name wins),
 * resolved in dependency order, over a parent scope of known values.
 */
export class ParamEnv implements Lookup {
  readonly values: ParamScope = new Map();
  private readonly defs = new Map<string, ParamDef>();
  /** The `.func`s this scope's expressions may call (default: the parent's). */
  readonly funcs: FuncTable | undefined;

  /** `fixed`: values given before the definitions (instance overrides), which they do not replace. */
  constructor(
    private readonly parent: Lookup | null,
    defs: readonly ParamDef[],
    fixed?: ParamScope,
    funcs?: FuncTable,
  ) {
    this.funcs = funcs ?? parent?.funcs;
    for (const d of defs) this.defs.set(d.name, d);
    if (fixed) {
      for (const [k, v] of fixed) {
        this.values.set(k, v);
        this.defs.delete(k);
      }
    }
    this.resolveAll();
  }

  get(name: string): number | undefined {
    const v = this.values.get(name);
    if (v !== undefined) return v;
    return this.parent?.get(name);
  }

  /** Evaluate every definition, each after the ones it reads (an explicit stack: chains of 10^5 are fine). */
  private resolveAll(): void {
    const state = new Map<string, 1 | 2>(); // 1: on the stack, 2: done
    const what = (d: ParamDef) => `parameter '${d.name}'`;
    for (const start of this.defs.keys()) {
      if (state.get(start) === 2) continue;
      const stack: Array<{ name: string; deps: string[]; next: number }> = [];
      const push = (name: string): void => {
        const d = this.defs.get(name)!;
        state.set(name, 1);
        stack.push({ name, deps: namesRead(d.value, what(d), true, this.funcs), next: 0 });
      };
      push(start);
      while (stack.length) {
        const top = stack[stack.length - 1];
        let pushed = false;
        while (top.next < top.deps.length) {
          const dep = top.deps[top.next++];
          if (!this.defs.has(dep)) continue;
          const s = state.get(dep);
          if (s === 2) continue;
          if (s === 1) {
            const from = stack.findIndex((f) => f.name === dep);
            const cycle = [...stack.slice(from).map((f) => f.name), dep];
            const d = this.defs.get(dep)!;
            throw new NetlistError(`parameter cycle: ${clip(cycle.join(" -> "), 300)}`, d.loc);
          }
          push(dep);
          pushed = true;
          break;
        }
        if (pushed) continue;
        const d = this.defs.get(top.name)!;
        if (d.value.kind !== "word" && d.value.kind !== "expr") throw new NetlistError(`expected a value for ${what(d)}, found '${d.value.text}'`, d.value.loc);
        this.values.set(top.name, evaluateValue(d.value.text, d.value.kind === "expr", this, d.value.loc, what(d), true));
        state.set(top.name, 2);
        stack.pop();
      }
    }
  }
}
