/**
 * The netlist a sweep point runs: the config's netlist as is, a copy with
 * `.param` values overridden (param.NAME keys), or one built by a circuit
 * builder (builder + circuit.* keys). Generated netlists are written into
 * the point's own directory; netlist parsing itself is untouched (the lexer
 * and `.param` assignment parser are only read from).
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { buildLayered, type LayeredOptions } from "../../circuits/layered.js";
import { lex, type LogicalLine } from "../netlist/lexer.js";
import { parseAssignments } from "../netlist/parser.js";
import { InputError } from "../util/errors.js";
import { writeFileAtomic } from "../util/atomic.js";
import type { Flat } from "./config.js";
import type { Value } from "./keys.js";

/** A top-level `.param` card: its physical lines [first, last] (1-based, continuations included) and names. */
interface ParamCard {
  first: number;
  last: number;
  names: string[];
  line: LogicalLine;
}

/** The top-level `.param` cards of a netlist text (not those inside .subckt). */
function paramCards(text: string, file: string): ParamCard[] {
  const phys = text.split("\n");
  const out: ParamCard[] = [];
  let depth = 0;
  for (const l of lex(text, file, true).lines) {
    const head = l.annotation ? "" : (l.tokens[0]?.lower ?? "");
    if (head === ".subckt") depth++;
    else if (head === ".ends") depth = Math.max(0, depth - 1);
    else if (head === ".param" && depth === 0) {
      let last = l.loc.line;
      while (last < phys.length && /^\s*\+/.test(phys[last]!)) last++;
      const names = parseAssignments(l.tokens.slice(1), l.loc, ".param").map((a) => a.name);
      out.push({ first: l.loc.line, last, names, line: l });
    }
  }
  return out;
}

/** Names of the top-level `.param`s of a netlist file (lower case). */
export function topLevelParams(path: string): Set<string> {
  return new Set(paramCards(readFileSync(path, "utf8"), path).flatMap((c) => c.names));
}

/** A value as SPICE text: numbers in JS notation (1e-7 parses in SPICE), strings as written. */
const spiceValue = (v: Value): string => String(v);

/**
 * `text` (read from `file`) with the top-level `.param`s named in
 * `overrides` (lower-case names) set to the given values, and relative
 * `.include` and `*@crossbar init=` paths made absolute, so the copy runs
 * from any directory.
 */
export function overrideParams(text: string, file: string, overrides: Record<string, Value>): string {
  const phys = text.split("\n");
  const found = new Set<string>();
  // Rewrite cards bottom-up so earlier line numbers stay valid.
  for (const c of paramCards(text, file).reverse()) {
    if (!c.names.some((n) => n in overrides)) continue;
    const assigns = parseAssignments(c.line.tokens.slice(1), c.line.loc, ".param");
    const parts = assigns.map((a) => {
      if (a.name in overrides) {
        found.add(a.name);
        return `${a.name}=${spiceValue(overrides[a.name]!)}`;
      }
      return `${a.name}=${a.value.kind === "expr" ? `{${a.value.text}}` : a.value.text}`;
    });
    phys.splice(c.first - 1, c.last - c.first + 1, `.param ${parts.join(" ")}`);
  }
  const missing = Object.keys(overrides).filter((n) => !found.has(n));
  if (missing.length) throw new InputError(`${file}: no top-level .param ${missing.join(", ")} to override (param.${missing[0]})`);
  return absolutizePaths(phys.join("\n"), dirname(resolve(file)));
}

/** Make relative `.include FILE` and `*@crossbar ... init=FILE` paths absolute (relative to `dir`). */
export function absolutizePaths(text: string, dir: string): string {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(dir, p));
  return text
    .split("\n")
    .map((line) => {
      const inc = /^(\s*\.inc(?:lude)?\s+)(["']?)([^"'\s]+)\2/i.exec(line);
      if (inc) return `${inc[1]}${inc[2]}${abs(inc[3]!)}${inc[2]}${line.slice(inc[0].length)}`;
      if (/^\s*\*@crossbar\b/i.test(line)) return line.replace(/\binit=(?!uniform\()(\S+)/i, (_, p: string) => `init=${abs(p)}`);
      return line;
    })
    .join("\n");
}

/** LayeredOptions from circuit.* keys. */
export function layeredOptions(v: Flat): LayeredOptions {
  const layers = [...((v["circuit.layers"] as number[] | undefined) ?? [])];
  if (layers.length < 2) throw new InputError("builder layered needs circuit.layers, e.g. [4, 8, 3]");
  const hidden = v["circuit.hidden"] as number | undefined;
  if (hidden !== undefined) {
    if (layers.length < 3) throw new InputError("circuit.hidden needs circuit.layers with at least one hidden layer, e.g. [4, 8, 3]");
    for (let i = 1; i < layers.length - 1; i++) layers[i] = hidden;
  }
  const d = v["circuit.diode"] as Value | undefined;
  const o: LayeredOptions = {
    layers,
    seed: v["circuit.seed"] as number | undefined,
    gInit: v["circuit.ginit"] as [number, number] | undefined,
    gmin: v["circuit.gmin"] as number | undefined,
    gmax: v["circuit.gmax"] as number | undefined,
    diode: d === "ideal" ? "ideal" : d && typeof d === "object" ? (d as unknown as { is: number; n: number; rs?: number }) : undefined,
    biasUp: v["circuit.biasUp"] as number | undefined,
    biasDown: v["circuit.biasDown"] as number | undefined,
    gain: v["circuit.gain"] as number | undefined,
    biasInput: v["circuit.bias"] as number | undefined,
    loadR: v["circuit.load"] as number | undefined,
    cnode: v["circuit.cnode"] as number | undefined,
    compact: v["circuit.compact"] as boolean | undefined,
  };
  return Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined)) as unknown as LayeredOptions;
}

/** Write the netlist text of builder `builder` with options `v` to `path`. */
export function writeBuiltNetlist(builder: string, v: Flat, path: string): void {
  if (builder !== "layered") throw new InputError(`unknown circuit builder '${builder}' (available: layered)`);
  let text: string;
  try {
    text = buildLayered(layeredOptions(v)).text;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`builder layered: ${(e as Error).message}`);
  }
  writeFileAtomic(path, text);
}

/**
 * The netlist file a point runs, creating it in `dir` when it is generated:
 * `netlist` (absolute) unless there are param overrides or a builder.
 */
export function pointNetlist(netlist: string | undefined, builder: string | undefined, v: Flat, dir: string): string {
  if (builder) {
    const path = join(dir, "circuit.cir");
    writeBuiltNetlist(builder, v, path);
    return path;
  }
  if (!netlist) throw new InputError("a point needs a netlist or a builder");
  const overrides: Record<string, Value> = {};
  for (const [k, x] of Object.entries(v)) if (k.startsWith("param.")) overrides[k.slice(6)] = x;
  if (!Object.keys(overrides).length) return netlist;
  const path = join(dir, "netlist.cir");
  writeFileAtomic(path, overrideParams(readFileSync(netlist, "utf8"), netlist, overrides));
  return path;
}
