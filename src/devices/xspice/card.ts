/**
 * `.model NAME TYPE(...)` cards of XSPICE code models: the parameters as
 * ngspice's MIF reader takes them, `name=value` or `name value`, a vector as
 * `name=[v1 v2 ...]` (spaces or commas between the values), and their
 * evaluation when an `A` element uses the card: each model's defaults,
 * bounds and vector sizes (its ifspec.ifs, models.ts).
 */
import { NetlistError, clip, type SourceLoc } from "../../util/errors.js";
import type { Token } from "../../netlist/lexer.js";
import type { XModelDef, XParams } from "./models.js";

/** A vector parameter's value: one token holding the values' tokens (kind "word", text `[...]`). */
export interface VectorToken extends Token {
  readonly items: readonly Token[];
}

export function isVectorToken(t: Token): t is VectorToken {
  return Array.isArray((t as Partial<VectorToken>).items);
}

/** True when a value of the card (or an element of a vector) is an {expression}. */
export function xspiceHasExpressions(params: ReadonlyMap<string, Token>): boolean {
  for (const v of params.values()) if (v.kind === "expr" || (isVectorToken(v) && v.items.some((e) => e.kind === "expr"))) return true;
  return false;
}

/** Split `[`/`]` off the ends of word tokens (the lexer keeps `[1` and `2]` as words). */
export function splitBrackets(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  for (const t of tokens) {
    if (t.kind !== "word" || (!t.text.includes("[") && !t.text.includes("]"))) {
      out.push(t);
      continue;
    }
    let s = t.text;
    let col = t.loc.col;
    const at = (c: number): SourceLoc => ({ file: t.loc.file, line: t.loc.line, col: c });
    const word = (text: string, c: number): Token => ({ kind: "word", text, lower: text.toLowerCase(), loc: at(c) });
    while (s.startsWith("[")) {
      out.push(word("[", col));
      s = s.slice(1);
      col++;
    }
    let tail = 0;
    while (s.endsWith("]")) {
      s = s.slice(0, -1);
      tail++;
    }
    if (s.includes("[") || s.includes("]")) throw new NetlistError(`unexpected '[' or ']' inside '${clip(t.text)}'`, t.loc);
    if (s) out.push(word(s, col));
    for (let k = 0; k < tail; k++) out.push(word("]", col + s.length + k));
  }
  return out;
}

/** The parameters of an XSPICE `.model` card body (inside its parentheses), by lower-case name. */
export function readXspiceModelParams(body: readonly Token[], model: string): Map<string, Token> {
  const toks = splitBrackets(body);
  const params = new Map<string, Token>();
  for (let i = 0; i < toks.length; ) {
    const t = toks[i];
    // a stray ')' (`+ )` closing a card opened without '(', ngspice's examples/xspice/various/x_fer.cir) or '(':
    // separators to ngspice's model reader, as commas are
    if (t.kind === "," || t.kind === ")" || t.kind === "(") {
      i++;
      continue;
    }
    if (t.kind !== "word" || !/^[a-z_]/i.test(t.text)) throw new NetlistError(`.model ${model}: expected a parameter name (NAME=VALUE or NAME=[V1 V2 ...]), found '${clip(t.text)}'`, t.loc);
    let j = i + 1;
    if (toks[j]?.kind === "=") j++;
    const v = toks[j];
    if (!v || (v.kind !== "word" && v.kind !== "expr") || v.text === "]") throw new NetlistError(`.model ${model}: parameter '${clip(t.text)}' has no value`, t.loc);
    if (params.has(t.lower)) throw new NetlistError(`.model ${model}: parameter '${clip(t.text)}' given twice`, t.loc);
    if (v.text === "[") {
      const items: Token[] = [];
      let k = j + 1;
      for (; k < toks.length && toks[k].text !== "]"; k++) {
        const e = toks[k];
        if (e.kind === ",") continue;
        if ((e.kind !== "word" && e.kind !== "expr") || e.text === "[") throw new NetlistError(`.model ${model}: unexpected '${clip(e.text)}' in the vector of '${t.text}'`, e.loc);
        items.push(e);
      }
      if (k >= toks.length) throw new NetlistError(`.model ${model}: the vector of '${clip(t.text)}' has no closing ']'`, v.loc);
      const vt: VectorToken = { kind: "word", text: `[${items.map((e) => e.text).join(" ")}]`, lower: `[${items.map((e) => e.lower).join(" ")}]`, loc: v.loc, items };
      params.set(t.lower, vt);
      i = k + 1;
      continue;
    }
    params.set(t.lower, v);
    i = j + 1;
  }
  return params;
}

/**
 * The evaluated parameters of card `name` of type `type` for an instance
 * whose vector ports have `portSizes`: each given value evaluated with
 * `value` (a number, a parameter, an {expression}), the ifspec's defaults
 * for the others, bounds and vector sizes checked. Errors at the parameter.
 */
export function resolveXspiceParams(
  def: XModelDef,
  type: string,
  name: string,
  given: ReadonlyMap<string, Token>,
  portSizes: ReadonlyMap<string, number>,
  value: (t: Token, what: string) => number,
  useLoc: SourceLoc,
): XParams {
  const out = new Map<string, number | readonly number[] | string>();
  const known = new Set(def.params.map((p) => p.name));
  for (const [k, t] of given) {
    if (!known.has(k)) throw new NetlistError(`.model ${name}: unknown ${type} parameter '${k}' (${type} takes: ${def.params.map((p) => p.name).join(" ")})`, t.loc);
  }
  const scalar = (t: Token, what: string, kind: "real" | "int" | "bool" | "string", choices?: readonly string[]): number => {
    if (kind === "string") {
      // a quoted string, as ngspice 39 takes it (a bare word is read there as a .param name, and fails)
      const q = /^"(.*)"$/.exec(t.lower.trim());
      if (!q) throw new NetlistError(`.model ${name}: ${what} is a string: write it in double quotes (${what.replace("parameter ", "")}="${clip(t.text)}"); ngspice 39 reads a bare word as a .param name`, t.loc);
      const k = choices!.indexOf(q[1]);
      if (k < 0) throw new NetlistError(`.model ${name}: ${what} is one of ${choices!.join(" ")}, not '${clip(t.text)}'`, t.loc);
      return k;
    }
    if (kind === "bool") {
      const w = t.lower;
      if (w === "true" || w === "t") return 1;
      if (w === "false" || w === "f") return 0;
      const v = value(t, what);
      if (v !== 0 && v !== 1) throw new NetlistError(`.model ${name}: ${what} is a boolean (true or false), not '${clip(t.text)}'`, t.loc);
      return v;
    }
    const v = value(t, what);
    if (kind === "int" && !Number.isInteger(v)) throw new NetlistError(`.model ${name}: ${what} is an integer, not '${clip(t.text)}'`, t.loc);
    return v;
  };
  for (const p of def.params) {
    const t = given.get(p.name);
    const what = `parameter ${p.name}`;
    const inLimits = (v: number, at: SourceLoc): number => {
      if (!Number.isFinite(v)) throw new NetlistError(`.model ${name}: ${what} is ${v}`, at);
      if (p.limits && (v < p.limits[0] || v > p.limits[1])) throw new NetlistError(`.model ${name}: ${what} = ${v} is out of its limits [${p.limits[0]} ${p.limits[1] === Infinity ? "-" : p.limits[1]}]`, at);
      return v;
    };
    if (p.kind === "string" && !p.choices) {
      // a free string (a file name), quoted as ngspice 39 takes it, lower-cased as ngspice 39 lower-cases the whole card
      // (file="UP.table" opens up.table there)
      if (t && isVectorToken(t)) throw new NetlistError(`.model ${name}: ${what} is a string, not a vector`, t.loc);
      if (!t) {
        out.set(p.name, p.defText ?? "");
        continue;
      }
      const q = /^"(.*)"$/s.exec(t.lower.trim());
      if (!q) throw new NetlistError(`.model ${name}: ${what} is a string: write it in double quotes (${p.name}="${clip(t.text)}"); ngspice 39 reads a bare word as a .param name`, t.loc);
      out.set(p.name, q[1]);
      continue;
    }
    if (!p.vector) {
      if (t && isVectorToken(t)) throw new NetlistError(`.model ${name}: ${what} is a scalar, not a vector`, t.loc);
      if (!t && p.def === undefined) throw new NetlistError(`.model ${name}: ${type} ${what} has no default and is not given (ngspice: "Parameter on model has no default")`, useLoc);
      out.set(p.name, t ? inLimits(scalar(t, what, p.kind, p.choices), t.loc) : p.def!);
      continue;
    }
    const want = p.vector.sizeOf !== undefined ? portSizes.get(p.vector.sizeOf) : undefined;
    if (!t) {
      if (p.def === undefined || want === undefined) throw new NetlistError(`.model ${name}: ${type} vector ${what} has no default and is not given`, useLoc);
      out.set(p.name, new Array<number>(want).fill(p.def));
      continue;
    }
    const items = isVectorToken(t) ? t.items : [t];
    const vals = items.map((e) => inLimits(scalar(e, `${what}[]`, p.kind), e.loc));
    if (want !== undefined && vals.length !== want) {
      throw new NetlistError(`.model ${name}: vector ${what} has ${vals.length} value${vals.length === 1 ? "" : "s"}, but port '${p.vector.sizeOf}' of the element at ${useLoc.file}:${useLoc.line}:${useLoc.col} has ${want}`, t.loc);
    }
    if (p.vector.min !== undefined && vals.length < p.vector.min) throw new NetlistError(`.model ${name}: vector ${what} needs at least ${p.vector.min} values, has ${vals.length}`, t.loc);
    out.set(p.name, vals);
  }
  return out;
}
