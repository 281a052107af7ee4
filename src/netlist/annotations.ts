/**
 * `*@` training annotations (see docs/annotations.md): data inputs, outputs,
 * trainable conductances and compact crossbar declarations.
 */
import { dirname, resolve } from "node:path";
import type { Annotation, ParsedNetlist } from "./ast.js";
import { InputError, NetlistError, clip, type SourceLoc } from "../util/errors.js";
import { readInputFile } from "../util/read.js";
import { parseSpiceNumber } from "./numbers.js";
import type { Token } from "./lexer.js";
import type { ElementSpec } from "./elaborate.js";
import { mulberry32 } from "../util/rng.js";

/** A data input: feature k drives `pos` to +x and, when doubled, `neg` to -x (voltage-source names). */
export interface InputSpec {
  pos: string;
  neg?: string;
  loc: SourceLoc;
}

/** An output read at node `pos`, or differentially as V(pos) - V(neg). */
export interface OutputSpec {
  pos: string;
  neg?: string;
  loc: SourceLoc;
}

/** Trainable resistors selected by glob patterns, with conductance bounds (S). */
export interface TrainSpec {
  patterns: string[];
  gmin: number;
  gmax: number;
  /** Learning-rate multiplier of these devices (a per-crossbar programming pulse amplitude). Default 1. */
  lr: number;
  loc: SourceLoc;
}

export interface CrossbarSpec {
  name: string;
  rows: string[];
  cols: string[];
  /** Conductances (S), row-major M x N. */
  g: Float64Array;
  train: boolean;
  gmin: number;
  gmax: number;
  /** Learning-rate multiplier when trainable. Default 1. */
  lr: number;
  loc: SourceLoc;
}

/** One `key=value` of a `*@defaults` line: a training option the netlist recommends (CLI spelling, e.g. `lr-decay`). */
export interface DefaultOption {
  key: string;
  value: string;
  loc: SourceLoc;
}

export interface Annotations {
  inputs: InputSpec[];
  outputs: OutputSpec[];
  train: TrainSpec[];
  crossbars: CrossbarSpec[];
  /** `*@defaults` options, in order (validated by the trainer, which knows the keys). */
  defaults: DefaultOption[];
}

/** Default conductance bounds of trainable devices (S) when not given. */
export const DEFAULT_GMIN = 1e-8;
export const DEFAULT_GMAX = 1e-3;

/** Expand `a,b,h{0:3}` into names (lower-case). */
export function expandNodeList(text: string, loc: SourceLoc): string[] {
  const out: string[] = [];
  for (const part of text.toLowerCase().split(",")) {
    if (!part) continue;
    const m = /^([^{}]*)\{(\d+):(\d+)\}([^{}]*)$/.exec(part);
    if (m) {
      const lo = Number(m[2]);
      const hi = Number(m[3]);
      if (hi < lo || hi - lo > 1_000_000) throw new NetlistError(`bad range {${m[2]}:${m[3]}}`, loc);
      for (let k = lo; k <= hi; k++) out.push(`${m[1]}${k}${m[4]}`);
    } else if (/[{}]/.test(part)) {
      throw new NetlistError(`bad node list entry '${part}' (use name{lo:hi})`, loc);
    } else {
      out.push(part);
    }
  }
  if (!out.length) throw new NetlistError("empty node list", loc);
  return out;
}

/** Re-join tokens of one annotation argument (the lexer splits `=`, `,`, `(`, braces). */
function words(tokens: Token[]): Array<{ text: string; loc: SourceLoc }> {
  const out: Array<{ text: string; loc: SourceLoc }> = [];
  let cur: { text: string; loc: SourceLoc } | null = null;
  let prevEnd = -1;
  let prevLine = -1;
  for (const t of tokens) {
    const raw = t.kind === "expr" ? `{${t.text}}` : t.text;
    const adjacent = cur && t.loc.line === prevLine && t.loc.col === prevEnd;
    if (adjacent && cur) cur.text += raw;
    else {
      cur = { text: raw, loc: t.loc };
      out.push(cur);
    }
    prevLine = t.loc.line;
    prevEnd = t.loc.col + raw.length;
  }
  return out;
}

function num(text: string, loc: SourceLoc, what: string): number {
  const v = parseSpiceNumber(text);
  if (Number.isNaN(v)) throw new NetlistError(`bad number '${text}' for ${what}`, loc);
  return v;
}

function keyValues(ws: Array<{ text: string; loc: SourceLoc }>, allowed: string[], flags: string[], what: string) {
  const kv = new Map<string, { value: string; loc: SourceLoc }>();
  const rest: Array<{ text: string; loc: SourceLoc }> = [];
  const flagSet = new Set<string>();
  for (const w of ws) {
    const eq = w.text.indexOf("=");
    if (eq > 0) {
      const key = w.text.slice(0, eq).toLowerCase();
      if (!allowed.includes(key)) throw new NetlistError(`${what}: unknown option '${key}' (allowed: ${allowed.join(", ")})`, w.loc);
      kv.set(key, { value: w.text.slice(eq + 1), loc: w.loc });
    } else if (flags.includes(w.text.toLowerCase())) flagSet.add(w.text.toLowerCase());
    else rest.push(w);
  }
  return { kv, rest, flags: flagSet };
}

/** Largest crossbar (M * N conductances) eqspice builds. */
export const MAX_CROSSBAR = 10_000_000;

/** The training options shared by *@train and *@crossbar: bounds (S) and learning-rate multiplier. */
function trainingOptions(kv: Map<string, { value: string; loc: SourceLoc }>, what: string, loc: SourceLoc): { gmin: number; gmax: number; lr: number } {
  const get = (key: string, dflt: number) => {
    const e = kv.get(key);
    return e ? num(e.value, e.loc, key) : dflt;
  };
  const gmin = get("gmin", DEFAULT_GMIN);
  const gmax = get("gmax", DEFAULT_GMAX);
  const lr = get("lr", 1);
  if (!(gmin > 0 && gmax > gmin)) throw new NetlistError(`${what}: need 0 < gmin < gmax (got ${gmin}, ${gmax})`, loc);
  if (!(lr > 0)) throw new NetlistError(`${what}: lr must be > 0 (got ${lr})`, loc);
  return { gmin, gmax, lr };
}

function crossbar(a: Annotation, baseFile: string): CrossbarSpec {
  const ws = words(a.tokens);
  const { kv, rest, flags } = keyValues(ws, ["g", "init", "seed", "gmin", "gmax", "lr"], ["train"], "*@crossbar");
  if (rest.length !== 3) throw new NetlistError("*@crossbar needs NAME ROWS COLS (node lists like x{0:3} or a,b,c)", a.loc);
  const [nameW, rowsW, colsW] = rest;
  const rows = expandNodeList(rowsW.text, rowsW.loc);
  const cols = expandNodeList(colsW.text, colsW.loc);
  const M = rows.length;
  const N = cols.length;
  if (M * N > MAX_CROSSBAR) throw new NetlistError(`*@crossbar ${nameW.text}: ${M} x ${N} is too large (at most ${MAX_CROSSBAR} conductances)`, a.loc);
  const g = new Float64Array(M * N);
  const { gmin, gmax, lr } = trainingOptions(kv, `*@crossbar ${nameW.text}`, a.loc);
  const init = kv.get("init");
  const gv = kv.get("g");
  if (init && gv) throw new NetlistError("*@crossbar: give either g= or init=, not both", gv.loc);
  if (gv) {
    g.fill(num(gv.value, gv.loc, "g"));
  } else if (init && /^uniform\(/i.test(init.value)) {
    const m = /^uniform\(([^,]+),([^)]+)\)$/i.exec(init.value);
    if (!m) throw new NetlistError(`bad init '${init.value}' (expected uniform(LO,HI))`, init.loc);
    const lo = num(m[1], init.loc, "uniform LO");
    const hi = num(m[2], init.loc, "uniform HI");
    // LO <= 0 is Scellier 2024's init: uniform(-a, a) with the negative draws clamped to the
    // lower bound gmin (a device cannot have a negative conductance; gmin stands for "off").
    if (!(hi > 0 && hi >= lo)) throw new NetlistError(`uniform(${lo},${hi}): need LO <= HI and HI > 0`, init.loc);
    const seedKv = kv.get("seed");
    g.set(uniformConductances(g.length, lo, hi, gmin, seedKv ? num(seedKv.value, seedKv.loc, "seed") : 1));
  } else if (init) {
    const path = resolve(dirname(baseFile), init.value);
    let text: string;
    try {
      text = readInputFile(path, "crossbar init file", { regular: true });
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      throw new NetlistError(`cannot read crossbar init file '${clip(init.value)}': ${e.message.slice(`cannot read crossbar init file '${path}': `.length)}`, init.loc);
    }
    const lines = text.split(/\r?\n/).filter((l) => l.trim() && !l.trim().startsWith("#"));
    if (lines.length !== M) throw new NetlistError(`${init.value}: expected ${M} rows of conductances, found ${lines.length}`, init.loc);
    lines.forEach((line, i) => {
      const cells = line.split(/[,\s]+/).filter(Boolean);
      if (cells.length !== N) throw new NetlistError(`${init.value} row ${i + 1}: expected ${N} values, found ${cells.length}`, init.loc);
      cells.forEach((c, j) => {
        const v = Number(c);
        if (!Number.isFinite(v) || v <= 0) throw new NetlistError(`${init.value} row ${i + 1} column ${j + 1}: bad conductance '${c}'`, init.loc);
        g[i * N + j] = v;
      });
    });
  } else {
    throw new NetlistError(`*@crossbar ${nameW.text}: give its conductances with g=, init=FILE.csv or init=uniform(LO,HI)`, a.loc);
  }
  return { name: nameW.text.toLowerCase(), rows, cols, g, train: flags.has("train"), gmin, gmax, lr, loc: a.loc };
}

/**
 * The conductances of `init=uniform(LO,HI) seed=S` (S), row-major: seeded
 * mulberry32 draws in [LO, HI), those below gmin set to gmin.
 */
export function uniformConductances(count: number, lo: number, hi: number, gmin: number, seed: number): Float64Array {
  const rand = mulberry32(seed);
  const g = new Float64Array(count);
  for (let k = 0; k < count; k++) g[k] = Math.max(gmin, lo + (hi - lo) * rand());
  return g;
}

function pairs(ws: Array<{ text: string; loc: SourceLoc }>, what: string): Array<{ pos: string; neg?: string; loc: SourceLoc }> {
  if (!ws.length) throw new NetlistError(`*@${what} needs at least one name`, { file: "", line: 0, col: 0 });
  const out: Array<{ pos: string; neg?: string; loc: SourceLoc }> = [];
  for (const w of ws) {
    for (const item of w.text.toLowerCase().split(",").filter(Boolean)) {
      const [pos, neg, extra] = item.split(":");
      if (extra !== undefined || !pos || neg === "") throw new NetlistError(`*@${what}: bad entry '${item}' (expected NAME or P:N)`, w.loc);
      out.push({ pos, neg, loc: w.loc });
    }
  }
  return out;
}

/** Read the annotations of a parsed netlist. */
export function readAnnotations(net: ParsedNetlist): Annotations {
  const out: Annotations = { inputs: [], outputs: [], train: [], crossbars: [], defaults: [] };
  for (const a of net.annotations) {
    switch (a.kind) {
      case "input":
      case "output": {
        const ws = words(a.tokens);
        if (!ws.length) throw new NetlistError(`*@${a.kind} needs at least one name`, a.loc);
        (a.kind === "input" ? out.inputs : out.outputs).push(...pairs(ws, a.kind));
        break;
      }
      case "train": {
        const { kv, rest } = keyValues(words(a.tokens), ["gmin", "gmax", "lr"], [], "*@train");
        if (!rest.length) throw new NetlistError("*@train needs element names or patterns (e.g. RW*)", a.loc);
        const { gmin, gmax, lr } = trainingOptions(kv, "*@train", a.loc);
        out.train.push({ patterns: rest.map((w) => w.text.toLowerCase()), gmin, gmax, lr, loc: a.loc });
        break;
      }
      case "crossbar":
        out.crossbars.push(crossbar(a, net.file));
        break;
      case "defaults": {
        const ws = words(a.tokens);
        if (!ws.length) throw new NetlistError("*@defaults needs key=value training options (e.g. lr=0.006 batch=4)", a.loc);
        for (const w of ws) {
          const eq = w.text.indexOf("=");
          if (eq <= 0 || eq === w.text.length - 1) throw new NetlistError(`*@defaults: expected key=value, found '${w.text}'`, w.loc);
          out.defaults.push({ key: w.text.slice(0, eq).toLowerCase(), value: w.text.slice(eq + 1), loc: w.loc });
        }
        break;
      }
    }
  }
  return out;
}

/** The resistor elements a crossbar stands for: `r<name>_<i>_<j>` from row i to column j. */
export function crossbarElements(c: CrossbarSpec): ElementSpec[] {
  const out: ElementSpec[] = [];
  const N = c.cols.length;
  for (let i = 0; i < c.rows.length; i++) {
    for (let j = 0; j < N; j++) {
      out.push({ type: "r", name: `r${c.name}_${i}_${j}`, nodes: [c.rows[i], c.cols[j]], ohms: 1 / c.g[i * N + j], loc: c.loc });
    }
  }
  return out;
}

const globCache = new Map<string, (name: string) => boolean>();

/** Compile a glob: plain names and `prefix*` (the usual `RW*`) avoid regular expressions. */
function compileGlob(pattern: string): (name: string) => boolean {
  const p = pattern.toLowerCase();
  const star = p.indexOf("*");
  if (!p.includes("?") && (star < 0 || star === p.length - 1)) {
    if (star < 0) return (name) => name === p || name.toLowerCase() === p;
    const prefix = p.slice(0, -1);
    // Element names are lower-case already: compare without making a string.
    return (name) => name.startsWith(prefix) || name.toLowerCase().startsWith(prefix);
  }
  const re = new RegExp("^" + p.replace(/[.+^$()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".") + "$", "i");
  return (name) => re.test(name);
}

/** The literal start of a glob (lower-case): every name it matches starts with this. */
export function globLiteralPrefix(pattern: string): string {
  const p = pattern.toLowerCase();
  const w = p.search(/[*?]/);
  return w < 0 ? p : p.slice(0, w);
}

/** Glob match (`*`, `?`), case-insensitive. */
export function globMatch(pattern: string, name: string): boolean {
  let f = globCache.get(pattern);
  if (!f) {
    f = compileGlob(pattern);
    globCache.set(pattern, f);
  }
  return f(name);
}
