/**
 * Expressions of behavioural sources (`B1 n+ n- V=expr`, `I=expr`), read as
 * ngspice 39's B-source parse tree (inpptree.c, ptfuncs.c) reads them, and
 * compiled once to plain JavaScript that returns the value and every
 * partial derivative (the Jacobian row the device stamps).
 *
 * Pipeline:
 *  1. our lexer over the element's text: SPICE numbers (`1k`, `2.2u`),
 *     `v(a)`, `v(a,b)`, `i(vname)` probes, `time`, `temper`, `pi`, `e`,
 *     `.param` names (replaced by their values), function names checked
 *     against the table below, `.func` calls expanded as macros (as
 *     ngspice does), operators `+ - * / ^ ** == != < <= > >= && || ! ?:`;
 *     anything else is a NetlistError at its file:line:col;
 *  2. the tokens are written as mathjs text and parsed by mathjs; the tree
 *     is normalized to ngspice's grammar where mathjs reads differently:
 *     `^` is left-associative (2^3^2 = 64; -2^2 = -4, as ngspice 39),
 *     comparison chains are binary (`<` binds tighter than `==`), and
 *     `^`/`**` becomes ngspice's power |a|^b (PTpower);
 *  3. partial derivatives by the chain rule over the tree: the partials of
 *     the arithmetic operators and of the smooth functions (exp, sin, log,
 *     sqrt, tanh, ...) are mathjs's symbolic derivatives (math.derivative
 *     of `f(t)`, once per function); the partials of ngspice's own
 *     functions (|a|^b, pwr, u, uramp, min, max, abs, ternary) are written
 *     here as mathjs trees;
 *  4. the value and the partials are emitted as one JS function (shared
 *     subexpressions computed once); mathjs is not called after compiling.
 *
 * mathjs is loaded on the first B source only (it takes ~0.3-3 s to load).
 *
 * ngspice semantics kept: a^b = pow(a,b) = |a|^b; pwr(a,b) = sgn(a)|a|^b;
 * u(0) = 0.5; uramp(x) = max(x,0); min/max as PTmin/PTmax; sin/cos reduce
 * their argument modulo 2 pi and tan modulo pi (as ptfuncs.c); sqrt, ln,
 * log, log10 of a negative number are out of range: the device refuses
 * the point with an error naming the expression (ngspice 39 stops with
 * "out of range" too). a/b divides by b moved 1e-32 away from zero (ngspice's
 * PTdivide at the default GMIN), its partials are ngspice's b/b^2 and -a/b^2.
 */
import { createRequire } from "node:module";
import type * as MathTypes from "mathjs";
import { NetlistError, clip, type SourceLoc } from "../util/errors.js";
import { parseSpiceNumber } from "./numbers.js";
import { callArgs, type Lookup, type FuncDef } from "./expressions.js";
import type { Token } from "./lexer.js";
import { Differentiator, Gen, HELPERS, VAR } from "./bexpr-codegen.js";

type MathNode = MathTypes.MathNode;
type MathJs = typeof MathTypes;

let mathjs: MathJs | null = null;
function M(): MathJs {
  if (!mathjs) mathjs = createRequire(import.meta.url)("mathjs") as MathJs;
  return mathjs;
}

/** A controlling node voltage or branch current of a B source (names after subcircuit mapping). */
export interface BProbe {
  kind: "v" | "i";
  /** Node name (kind "v") or controlling source name (kind "i"). */
  name: string;
  loc: SourceLoc;
}

/** A compiled B expression: variables x[0..n-1] are `probes` in order. */
export interface BExpr {
  text: string;
  probes: BProbe[];
  /** True when the expression reads `time`. */
  usesTime: boolean;
  /** True when it calls ddt(), which is 0 outside a transient (ngspice's value there) and not modelled in one. */
  usesDdt: boolean;
  /** True when every partial is a constant and time is not read (the stamp is the same at every iterate). */
  affine: boolean;
  /**
   * True when every probe is the source's own branch voltage: v(n+,n-),
   * v(n-,n+), or v(n+) / v(n-) when the other terminal is ground.
   */
  ownVoltageOnly: boolean;
  /** out[0] = f(x, t), out[1 + k] = df/dx_k. */
  evalAll: (x: Float64Array, t: number, out: Float64Array) => void;
  /** f(x, t) alone. */
  value: (x: Float64Array, t: number) => number;
  /** The generated JS source of evalAll (for tests and docs). */
  source: string;
}

// ---------------------------------------------------------------- functions

/** Functions a B expression may call, with their argument counts (ngspice 39's B-source table, inpptree.c). */
const B_FUNCTIONS: Record<string, number> = {
  abs: 1, sgn: 1, sqrt: 1, exp: 1, ln: 1, log: 1, log10: 1,
  sin: 1, cos: 1, tan: 1, asin: 1, acos: 1, atan: 1, sinh: 1, cosh: 1, tanh: 1, asinh: 1, acosh: 1, atanh: 1,
  u: 1, u2: 1, uramp: 1, ceil: 1, floor: 1, nint: 1,
  eq0: 1, ne0: 1, gt0: 1, lt0: 1, ge0: 1, le0: 1,
  min: 2, max: 2, pow: 2, pwr: 2, ternary_fcn: 3,
  // ddt(x): 0 with a zero derivative, as ngspice's PTddt outside a transient (the operating point,
  // .dc; its AC derivative is the constant 0: inpptree.c); a transient refuses it (BExpr.usesDdt)
  ddt: 1,
  // pwl(x, x0, y0, x1, y1, ...): variadic (checked below), its points constants
  pwl: -1,
};

/** ngspice B-source features eqspice refuses by name, with why. */
const B_REFUSED: Record<string, string> = {
  table: "table() in a B source is not supported",
  tablefile: "tablefile() in a B source is not supported",
  pwl_derivative: "pwl_derivative() in a B source is not supported",
  sdt: "sdt() (a time integral) in a B source is not supported",
  idt: "idt() (a time integral) in a B source is not supported",
  dec: "dec() in a B source is not supported",
  hertz: "'hertz' (the AC analysis frequency) in a B source is not supported",
  agauss: "random functions (agauss, gauss, unif, aunif, limit) are not supported",
  gauss: "random functions (agauss, gauss, unif, aunif, limit) are not supported",
  unif: "random functions (agauss, gauss, unif, aunif, limit) are not supported",
  aunif: "random functions (agauss, gauss, unif, aunif, limit) are not supported",
  limit: "random functions (agauss, gauss, unif, aunif, limit) are not supported",
};

const FN_LIST = Object.keys(B_FUNCTIONS).join(" ");


// ---------------------------------------------------------------- lexer

interface Lex {
  /** "num", "id", "probe", "call" (id before '('), or the operator / punctuation itself. */
  k: string;
  s: string;
  v: number;
  loc: SourceLoc;
  /** probe: "v" or "i" and its names. */
  probe?: { kind: "v" | "i"; names: string[] };
}

class BSyntax extends Error {
  constructor(
    message: string,
    readonly loc: SourceLoc,
  ) {
    super(message);
  }
}

const OPS2 = ["**", "<=", ">=", "==", "!=", "&&", "||"];
const OPS1 = "+-*/^<>!?:(),";

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}
function isLetter(c: string | undefined): boolean {
  return c !== undefined && ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z"));
}

/** Tokens of `src`; `at(i)` gives the source location of character i. */
function lexB(src: string, at: (i: number) => SourceLoc): Lex[] {
  const out: Lex[] = [];
  const n = src.length;
  let i = 0;
  while (i < n) {
    const c = src[i];
    // braces inside the expression are blanks, as ngspice's inp_modify_exp makes them on a B line (`? {f1(v(a))} : 0`)
    if (c === " " || c === "\t" || c === "\r" || c === "\n" || c === "{" || c === "}") {
      i++;
      continue;
    }
    const loc = at(i);
    if (isDigit(c) || (c === "." && isDigit(src[i + 1]))) {
      let j = i;
      while (isDigit(src[j])) j++;
      if (src[j] === ".") {
        j++;
        while (isDigit(src[j])) j++;
      }
      if ((src[j] === "e" || src[j] === "E") && (isDigit(src[j + 1]) || ((src[j + 1] === "+" || src[j + 1] === "-") && isDigit(src[j + 2])))) {
        j += 2;
        while (isDigit(src[j])) j++;
      }
      if (isLetter(src[j])) while (j < n && (isLetter(src[j]) || isDigit(src[j]) || src[j] === "_")) j++;
      const text = src.slice(i, j);
      const v = parseSpiceNumber(text);
      if (!Number.isFinite(v)) throw new BSyntax(`bad number '${clip(text)}'`, loc);
      out.push({ k: "num", s: text, v, loc });
      i = j;
      continue;
    }
    if (isLetter(c) || c === "_") {
      let j = i + 1;
      while (j < n && (isLetter(src[j]) || isDigit(src[j]) || src[j] === "_")) j++;
      const name = src.slice(i, j).toLowerCase();
      let p = j;
      while (src[p] === " " || src[p] === "\t") p++;
      if ((name === "v" || name === "i") && src[p] === "(") {
        const close = src.indexOf(")", p);
        if (close < 0) throw new BSyntax(`${name}( without its ')'`, loc);
        const inner = src.slice(p + 1, close);
        const names = inner.split(",").map((s) => s.trim().toLowerCase());
        if (names.some((s) => s === "" || /[\s()]/.test(s))) throw new BSyntax(`bad ${name}(${clip(inner)}): expected ${name === "v" ? "v(node) or v(node1,node2)" : "i(vsource)"}`, loc);
        if (name === "v" && names.length > 2) throw new BSyntax(`v(${clip(inner)}) takes one or two nodes`, loc);
        if (name === "i" && names.length !== 1) throw new BSyntax(`i(${clip(inner)}) takes one voltage source`, loc);
        out.push({ k: "probe", s: src.slice(i, close + 1), v: 0, loc, probe: { kind: name, names } });
        i = close + 1;
        continue;
      }
      out.push({ k: src[p] === "(" ? "call" : "id", s: name, v: 0, loc });
      i = j;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (OPS2.includes(two)) {
      out.push({ k: two === "**" ? "^" : two, s: two, v: 0, loc });
      i += 2;
      continue;
    }
    if (OPS1.includes(c)) {
      out.push({ k: c, s: c, v: 0, loc });
      i++;
      continue;
    }
    if (c === "=") throw new BSyntax(`unexpected '=' (comparison is '==')`, loc);
    throw new BSyntax(`unexpected character '${c}' in the expression`, loc);
  }
  return out;
}

const MAX_CALL_DEPTH = 100;
const MAX_TOKENS = 200_000;

/** Replace calls of `.func`s by their bodies (macro expansion, as ngspice). */
function expandFuncs(toks: Lex[], funcs: ReadonlyMap<string, FuncDef> | undefined, depth: number): Lex[] {
  if (!funcs || !toks.some((t) => t.k === "call" && funcs.has(t.s))) return toks;
  if (depth >= MAX_CALL_DEPTH) throw new BSyntax(`.func calls nested more than ${MAX_CALL_DEPTH} deep (a .func that calls itself?)`, toks[0].loc);
  const out: Lex[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    const def = t.k === "call" ? funcs.get(t.s) : undefined;
    if (!def) {
      out.push(t);
      continue;
    }
    // arguments: token lists between the parentheses, split at top-level commas
    const { args, end: j } = callArgs(toks, i + 2);
    if (j >= toks.length) throw new BSyntax(`missing ')' after the arguments of ${t.s}()`, t.loc);
    if (args.length !== def.params.length) throw new BSyntax(`${t.s}() takes ${def.params.length} argument${def.params.length === 1 ? "" : "s"}, got ${args.length} (.func ${def.name} at ${def.loc.file}:${def.loc.line}:${def.loc.col})`, t.loc);
    if (args.some((a) => a.length === 0)) throw new BSyntax(`an empty argument in ${t.s}()`, t.loc);
    let body: Lex[];
    try {
      body = lexB(def.body, () => def.loc);
    } catch (e) {
      if (e instanceof BSyntax) throw new BSyntax(`in the body of .func ${def.name}: ${e.message}`, t.loc);
      throw e;
    }
    const sub: Lex[] = [{ k: "(", s: "(", v: 0, loc: t.loc }];
    for (const b of body) {
      const p = b.k === "id" ? def.params.indexOf(b.s) : -1;
      if (p < 0) sub.push({ ...b, loc: b.k === "call" || b.k === "id" ? t.loc : b.loc });
      else sub.push({ k: "(", s: "(", v: 0, loc: t.loc }, ...args[p], { k: ")", s: ")", v: 0, loc: t.loc });
    }
    sub.push({ k: ")", s: ")", v: 0, loc: t.loc });
    for (const e of expandFuncs(sub, funcs, depth + 1)) out.push(e);
    if (out.length > MAX_TOKENS) throw new BSyntax(`expanding its .func calls makes more than ${MAX_TOKENS} terms`, t.loc);
    i = j;
  }
  return out;
}

// ---------------------------------------------------------------- compile

export interface BCompileContext {
  /** Parameters, `temper` and the `.func`s visible where the B source is. */
  scope: Lookup;
  /** Map a node name as written (lower-case) to its flattened name ("0" for ground). */
  mapNode(name: string): string;
  /** Map a source name as written (lower-case) to its flattened name. */
  mapSource(name: string): string;
  /** The source's own terminals (flattened names), for the reciprocity test. */
  terminals: [string, string];
  /** Element name and "V" / "I", for messages. */
  what: string;
}


/**
 * Compile a B expression. `at(i)` maps a character of `text` to its place
 * in the netlist. Throws a NetlistError there for any error.
 */
export function compileB(text: string, at: (i: number) => SourceLoc, cx: BCompileContext): BExpr {
  const startLoc = at(0);
  try {
    return compileInner(text, at, cx);
  } catch (e) {
    if (e instanceof BSyntax) throw new NetlistError(`${cx.what}: ${e.message} (in '${clip(text)}')`, e.loc);
    if (e instanceof NetlistError) throw e;
    if (e instanceof Error && e.name === "SyntaxError") throw new NetlistError(`${cx.what}: syntax error in '${clip(text)}': ${e.message}`, startLoc);
    throw e;
  }
}

function compileInner(text: string, at: (i: number) => SourceLoc, cx: BCompileContext): BExpr {
  let toks = lexB(text, at);
  if (toks.length === 0) throw new BSyntax("empty expression", at(0));
  toks = expandFuncs(toks, cx.scope.funcs?.defs, 0);

  // probes -> variables, names -> values, mathjs text
  const probes: BProbe[] = [];
  const varOf = new Map<string, number>();
  const variable = (kind: "v" | "i", name: string, loc: SourceLoc): string => {
    const key = `${kind}:${name}`;
    let k = varOf.get(key);
    if (k === undefined) {
      k = probes.length;
      probes.push({ kind, name, loc });
      varOf.set(key, k);
    }
    return `__x${k}`;
  };
  const [tp, tn] = cx.terminals;
  let ownOnly = true;
  let usesTime = false;
  let usesDdt = false;
  const parts: string[] = [];
  const operand = (k: string) => k === "num" || k === "id" || k === "probe" || k === ")";
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    const prev = toks[i - 1];
    if (prev && operand(prev.k) && (t.k === "num" || t.k === "id" || t.k === "probe" || t.k === "call" || t.k === "(")) {
      throw new BSyntax(`missing operator before '${clip(t.s)}'`, t.loc);
    }
    switch (t.k) {
      case "num":
        parts.push(String(t.v));
        break;
      case "probe": {
        const { kind, names } = t.probe!;
        if (kind === "i") {
          ownOnly = false;
          parts.push(variable("i", cx.mapSource(names[0]), t.loc));
          break;
        }
        const a = cx.mapNode(names[0]);
        const b = names.length > 1 ? cx.mapNode(names[1]) : "0";
        const own = (a === tp && b === tn) || (a === tn && b === tp);
        if (!own || a === b) ownOnly = false;
        const va = a === "0" ? "0" : variable("v", a, t.loc);
        const vb = b === "0" ? null : variable("v", b, t.loc);
        parts.push(vb ? `(${va} - ${vb})` : `(${va})`);
        break;
      }
      case "id": {
        if (t.s in B_REFUSED) throw new BSyntax(B_REFUSED[t.s], t.loc);
        if (t.s === "time") {
          usesTime = true;
          parts.push("__t");
          break;
        }
        const p = cx.scope.get(t.s);
        if (p !== undefined) {
          parts.push(`(${String(p)})`);
          break;
        }
        if (t.s === "pi") parts.push(String(Math.PI));
        else if (t.s === "e") parts.push(String(Math.E));
        else if (t.s in B_FUNCTIONS) throw new BSyntax(`'${t.s}' is a function: ${t.s}(...)`, t.loc);
        else throw new BSyntax(`unknown parameter '${clip(t.s)}'`, t.loc);
        break;
      }
      case "call": {
        if (t.s in B_REFUSED) throw new BSyntax(B_REFUSED[t.s], t.loc);
        if (!(t.s in B_FUNCTIONS)) throw new BSyntax(`unknown function '${clip(t.s)}()' (B-source functions: ${FN_LIST})`, t.loc);
        if (t.s === "ddt") usesDdt = true;
        parts.push(`${t.s}`);
        break;
      }
      case "&&":
        parts.push(" and ");
        break;
      case "||":
        parts.push(" or ");
        break;
      case "!":
        parts.push(" not ");
        break;
      default:
        parts.push(` ${t.k} `);
    }
  }
  // A node that is both terminals' (v(a,a)) or any other voltage makes it non-reciprocal.
  if (probes.some((p) => p.kind === "v" && p.name !== tp && p.name !== tn)) ownOnly = false;

  const math = M();
  const tree = normalize(math.parse(parts.join("")), toks[0].loc, math);

  // arity of the calls (mathjs checks none)
  tree.traverse((n) => {
    if (n.type === "FunctionNode") {
      const f = n as MathTypes.FunctionNode;
      const name = f.fn.name;
      const want = name in B_FUNCTIONS ? B_FUNCTIONS[name] : -1;
      const at = () => toks.find((t) => t.k === "call" && t.s === name)?.loc ?? toks[0].loc;
      if (want >= 0 && f.args.length !== want) throw new BSyntax(`${name}() takes ${want} argument${want === 1 ? "" : "s"}, got ${f.args.length}`, at());
      if (name === "pwl") {
        // ngspice's PTpwl: at least two (x, y) points, constant (inpptree.c builds the table once), x increasing
        if (f.args.length < 5 || (f.args.length - 1) % 2 !== 0) throw new BSyntax(`pwl() takes its input and at least two (x, y) pairs, got ${f.args.length} argument${f.args.length === 1 ? "" : "s"}`, at());
        const pts = f.args.slice(1).map((a) => constantValue(a));
        if (pts.some((v) => v === null)) throw new BSyntax("pwl()'s points must be constants (numbers or .param values)", at());
        for (let k = 2; k < pts.length; k += 2) if (!(pts[k]! > pts[k - 2]!)) throw new BSyntax(`pwl()'s x values must increase (${pts[k]} after ${pts[k - 2]})`, at());
      }
    }
  });

  const nv = probes.length;
  const derivs: MathNode[] = [];
  const d = new Differentiator(math);
  for (let k = 0; k < nv; k++) derivs.push(d.diff(tree, `__x${k}`));
  // affine: arithmetic only (no conditional, no step function: those have zero partials but a varying value) with constant partials
  const affine = !usesTime && arithmeticOnly(tree) && derivs.every((n) => !dependsOnAny(n));
  const gen = new Gen();
  const outs = [tree, ...derivs].map((n) => gen.expr(n));
  const body = [...gen.lines, ...outs.map((s, k) => `out[${k}] = ${s};`)].join("\n");
  const source = `return function evalAll(x, t, out) {\n${body}\n};`;
  const evalAll = new Function("F", source)(HELPERS) as BExpr["evalAll"];
  const gv = new Gen();
  const vs = gv.expr(tree);
  const value = new Function("F", `return function value(x, t) {\n${gv.lines.join("\n")}\nreturn ${vs};\n};`)(HELPERS) as BExpr["value"];
  return { text, probes, usesTime, usesDdt, affine, ownVoltageOnly: ownOnly && !usesTime && nv > 0, evalAll, value, source };
}

// ---------------------------------------------------------------- tree normalization

const ALLOWED_OPS = new Set(["add", "subtract", "multiply", "divide", "pow", "unaryMinus", "unaryPlus", "and", "or", "not", "equal", "unequal", "smaller", "smallerEq", "larger", "largerEq"]);
const OP_OF: Record<string, string> = { equal: "==", unequal: "!=", smaller: "<", smallerEq: "<=", larger: ">", largerEq: ">=" };

function normalize(n: MathNode, loc: SourceLoc, math: MathJs): MathNode {
  const rec = (x: MathNode) => normalize(x, loc, math);
  switch (n.type) {
    case "ParenthesisNode":
      return rec((n as MathTypes.ParenthesisNode).content);
    case "ConstantNode": {
      const v = (n as MathTypes.ConstantNode).value;
      if (typeof v !== "number") throw new BSyntax(`unexpected constant '${String(v)}'`, loc);
      return n;
    }
    case "SymbolNode": {
      const name = (n as MathTypes.SymbolNode).name;
      if (!VAR.test(name) && name !== "__t") throw new BSyntax(`unexpected name '${name}'`, loc);
      return n;
    }
    case "ConditionalNode": {
      const c = n as MathTypes.ConditionalNode;
      return new math.ConditionalNode(rec(c.condition), rec(c.trueExpr), rec(c.falseExpr));
    }
    case "FunctionNode": {
      const f = n as MathTypes.FunctionNode;
      const args = f.args.map(rec);
      if (f.fn.name === "ternary_fcn" && args.length === 3) return new math.ConditionalNode(args[0], args[1], args[2]);
      return new math.FunctionNode(new math.SymbolNode(f.fn.name), args);
    }
    case "RelationalNode": {
      // ngspice: `<` `<=` `>` `>=` bind tighter than `==` `!=`, each left-associative
      const r = n as MathTypes.RelationalNode;
      const params = r.params.map(rec);
      const conds = r.conditionals as string[];
      const segs: MathNode[] = [];
      const eqOps: string[] = [];
      let cur = params[0];
      for (let k = 0; k < conds.length; k++) {
        if (conds[k] === "equal" || conds[k] === "unequal") {
          segs.push(cur);
          eqOps.push(conds[k]);
          cur = params[k + 1];
        } else cur = new math.OperatorNode(OP_OF[conds[k]] as "<", conds[k] as "smaller", [cur, params[k + 1]]);
      }
      segs.push(cur);
      let out = segs[0];
      for (let k = 0; k < eqOps.length; k++) out = new math.OperatorNode(OP_OF[eqOps[k]] as "==", eqOps[k] as "equal", [out, segs[k + 1]]);
      return out;
    }
    case "OperatorNode": {
      const o = n as MathTypes.OperatorNode;
      if (o.implicit) throw new BSyntax("missing operator (implicit multiplication)", loc);
      if (!ALLOWED_OPS.has(o.fn)) throw new BSyntax(`operator '${o.op}' is not supported`, loc);
      if (o.fn === "pow") {
        // mathjs reads a^b^c as a^(b^c); ngspice as (a^b)^c
        const chain: MathNode[] = [o.args[0]];
        let r: MathNode = o.args[1];
        while (r.type === "OperatorNode" && (r as MathTypes.OperatorNode).fn === "pow") {
          chain.push((r as MathTypes.OperatorNode).args[0]);
          r = (r as MathTypes.OperatorNode).args[1];
        }
        chain.push(r);
        let acc = rec(chain[0]);
        for (let k = 1; k < chain.length; k++) acc = new math.FunctionNode(new math.SymbolNode("pow"), [acc, rec(chain[k])]);
        return acc;
      }
      return new math.OperatorNode(o.op as "+", o.fn as "add", o.args.map(rec));
    }
    default:
      throw new BSyntax(`unexpected ${n.type.replace(/Node$/, "").toLowerCase()} in the expression`, loc);
  }
}

const ARITH = new Set(["add", "subtract", "multiply", "divide", "unaryMinus", "unaryPlus"]);
function arithmeticOnly(n: MathNode): boolean {
  let ok = true;
  n.traverse((x) => {
    if (x.type === "OperatorNode" ? !ARITH.has((x as MathTypes.OperatorNode).fn) : x.type !== "ConstantNode" && x.type !== "SymbolNode") ok = false;
  });
  return ok;
}

function dependsOnAny(n: MathNode): boolean {
  let dep = false;
  n.traverse((x) => {
    if (x.type === "SymbolNode") {
      const name = (x as MathTypes.SymbolNode).name;
      if (VAR.test(name) || name === "__t") dep = true;
    }
  });
  return dep;
}

// ---------------------------------------------------------------- the element line

/** B-source parameters eqspice refuses by name. */
const B_PARAM_REFUSED: Record<string, string> = {
  temp: "a B source's own temperature (temp=, dtemp=) is not supported",
  dtemp: "a B source's own temperature (temp=, dtemp=) is not supported",
  reciproctc: "reciproctc= on a B source is not supported",
  reciprocm: "reciprocm= on a B source is not supported",
  m: "a multiplier m= on a B source is not supported",
};

/** The expression of a `B` line: its kind and its text with a map back to the netlist. */
export interface BLine {
  kind: "v" | "i";
  key: Token;
  text: string;
  at: (i: number) => SourceLoc;
  /** `tc1=`, `tc2=` as written (the value's temperature factor, elaborate.ts), when given. */
  tc: { tc1?: Token; tc2?: Token };
}

function adjacent(a: Token, b: Token): boolean {
  const la = a.loc;
  const lb = b.loc;
  return a.kind !== "expr" && la.file === lb.file && la.line === lb.line && la.col + a.text.length === lb.col;
}

/**
 * Read the tokens after a B source's two nodes: exactly one `V=expr` or
 * `I=expr`; other ngspice parameters are refused by name.
 */
export function readBLine(name: string, toks: readonly Token[], lineLoc: SourceLoc): BLine {
  // keys: a bare word at parenthesis depth 0, not glued to what precedes it, followed by '=' that is not '=='
  const keys: number[] = [];
  let depth = 0;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t.kind === "(") depth++;
    else if (t.kind === ")") depth--;
    else if (depth === 0 && t.kind === "word" && /^[a-z_][a-z0-9_]*$/.test(t.lower) && toks[i + 1]?.kind === "=" && !(toks[i + 2]?.kind === "=" && adjacent(toks[i + 1], toks[i + 2])) && !(i > 0 && adjacent(toks[i - 1], t))) {
      keys.push(i);
    }
  }
  const usage = "Bname n+ n- V=expression or Bname n+ n- I=expression";
  if (keys.length === 0 || keys[0] !== 0) {
    const at = toks[0]?.loc ?? lineLoc;
    throw new NetlistError(`${name}: a B source needs V=expression or I=expression (usage: ${usage})`, at);
  }
  let line: BLine | null = null;
  const tc: BLine["tc"] = {};
  for (let k = 0; k < keys.length; k++) {
    const key = toks[keys[k]];
    const body = toks.slice(keys[k] + 2, k + 1 < keys.length ? keys[k + 1] : toks.length);
    const kl = key.lower;
    if (kl in B_PARAM_REFUSED) throw new NetlistError(`${name}: ${B_PARAM_REFUSED[kl]}`, key.loc);
    if (kl === "tc1" || kl === "tc2") {
      if (tc[kl]) throw new NetlistError(`${name}: '${clip(key.text)}' given twice`, key.loc);
      if (body.length !== 1 || (body[0].kind !== "word" && body[0].kind !== "expr")) throw new NetlistError(`${name}: ${key.text}= needs one value`, body[0]?.loc ?? key.loc);
      tc[kl] = body[0];
      continue;
    }
    if (kl !== "v" && kl !== "i") throw new NetlistError(`${name}: unknown B-source parameter '${clip(key.text)}' (usage: ${usage})`, key.loc);
    if (line) throw new NetlistError(`${name}: a B source takes one of V= and I=, not both (${line.key.text.toUpperCase()}= given before)`, key.loc);
    if (body.length === 0) throw new NetlistError(`${name}: ${key.text}= has no expression`, key.loc);
    // The text as written: tokens glued where they were glued, one space elsewhere. Braces and quotes are blanks, not
    // parentheses: ngspice's inp_bsource_compat/inp_modify_exp blank every '{' '}' after the '=' of a B line, so
    // `V={1+k}*v(a)` is 1 + k*v(a) there (and `'1+k'*v(a)` too), and eqspice reads it so.
    let text = "";
    const pieces: Array<{ start: number; loc: SourceLoc }> = [];
    for (let j = 0; j < body.length; j++) {
      const t = body[j];
      if (j > 0 && !adjacent(body[j - 1], t)) text += " ";
      if (t.kind === "expr") text += " ";
      pieces.push({ start: text.length, loc: t.loc });
      text += t.kind === "expr" ? `${t.text} ` : t.text;
    }
    const at = (i: number): SourceLoc => {
      let p = pieces[0];
      for (const q of pieces) if (q.start <= i) p = q;
      const off = Math.max(0, i - p.start);
      return { file: p.loc.file, line: p.loc.line, col: p.loc.col + off };
    };
    line = { kind: kl, key, text, at, tc };
  }
  if (!line) throw new NetlistError(`${name}: a B source needs V=expression or I=expression (usage: ${usage})`, toks[0].loc);
  return line;
}

/** The value of a subtree that reads no control and not time (numbers, .param values, arithmetic on them), or null. */
function constantValue(n: MathNode): number | null {
  let reads = false;
  n.traverse((x) => {
    if (x.type === "SymbolNode" && (x as MathTypes.SymbolNode).name.startsWith("__")) reads = true;
  });
  if (reads) return null;
  const g = new Gen();
  const e = g.expr(n);
  const v = new Function("F", `${g.lines.join("\n")}\nreturn ${e};`)(HELPERS) as number;
  return Number.isFinite(v) ? v : null;
}
