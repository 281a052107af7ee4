/**
 * XSPICE's filesource code model (ngspice 39's icm/analog/file_source):
 *
 *   Aname %vd([n1+ n1- n2+ n2- ...]) model
 *   .model model filesource (file="data.txt" amplscale=[...] amploffset=[...]
 *   +   timeoffset=0 timescale=1 timerelative=false amplstep=false)
 *
 * A source per port of its vector output, driven by the columns of a text
 * file: each line `t y1 y2 ...` (whitespace or commas between the values;
 * lines starting with `*`, `#` or `;`, and lines without a number first,
 * are skipped). Column i is scaled by amplscale[i] and then offset by
 * amploffset[i]; both must be given, as ngspice 39 requires, and a vector
 * shorter than the ports leaves the other columns as written. The time is
 * t timescale, plus timeoffset unless timerelative. ngspice 39's cfunc.mod resets the
 * "previous time" that timerelative should add on every line, so
 * timerelative only drops timeoffset. eqspice reproduces that.
 *
 * Between two rows the output is linear in time, or with amplstep=true it
 * holds the earlier row's value (a staircase). After the last row's time
 * the output is 0, as ngspice 39's (its search runs off the data and the
 * model returns without an output; from the first step it tries past the
 * last row on, also at the earlier times it may then retry). A file whose
 * first row comes after t = 0 is refused: ngspice 39 reads before its data
 * there, and its output is undefined. At the operating point (TIME = 0) it
 * is the value at t = 0. In AC it is 0, as cfunc.mod returns before setting
 * any output.
 *
 * A voltage port (%v, %vd) is an ideal source V(n+) - V(n-) = y (V). A
 * current port (%i, %id) drives y (A) from n+ through the model to n-, as
 * an I source does. eqspice builds each port as that independent source
 * with a PWL waveform. Its corners are breakpoints of the transient, where
 * ngspice 39 just steps across them.
 */
import { NetlistError, clip, type SourceLoc } from "../../util/errors.js";
import type { Token } from "../../netlist/lexer.js";
import type { ModelCard } from "../../netlist/ast.js";
import type { SourceValue } from "../sources/waveform.js";
import { resolveXspiceParams } from "./card.js";
import { readCodeModelFile } from "./file-path.js";
import type { XModelDef } from "./models.js";
import type { XLineScope } from "./line.js";

/** The port and parameters of filesource (its ifspec.ifs). */
export const FILESOURCE: XModelDef = {
  ports: [{ name: "out", dir: "out", allowed: ["v", "vd", "i", "id"], defType: "v", vectorMin: 1 }],
  params: [
    { name: "timeoffset", kind: "real", def: 0 },
    { name: "timescale", kind: "real", def: 1 },
    { name: "timerelative", kind: "bool", def: 0 },
    { name: "amplstep", kind: "bool", def: 0 },
    // no default: ngspice 39 refuses a card without them ("Parameter on model has no default"); any length from 1
    { name: "amploffset", kind: "real", vector: { min: 1 } },
    { name: "amplscale", kind: "real", vector: { min: 1 } },
    { name: "file", kind: "string", defText: "filesource.txt" },
  ],
};

/** One port's source, as the elaboration's V / I element specs. */
export interface FileSourcePortSpec {
  type: "v" | "i";
  name: string;
  nodes: [string, string];
  source: SourceValue;
  loc: SourceLoc;
  nodeToks: readonly Token[];
}

/** The rows of a filesource file: times (s) and, per channel, the values after amplscale and amploffset. */
export interface FileSourceData {
  t: number[];
  y: number[][];
}

/** A number at the start of s, as C's strtod reads one (no SPICE scale factors); null when there is none. */
function strtod(s: string): { value: number; rest: string } | null {
  const m = /^[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|inf(?:inity)?|nan)/i.exec(s);
  if (!m) return null;
  const w = m[0].toLowerCase().replace(/^[-+]/, "");
  const sign = m[0][0] === "-" ? -1 : 1;
  const value = w.startsWith("inf") ? sign * Infinity : w === "nan" ? NaN : Number(m[0]);
  return { value, rest: s.slice(m[0].length) };
}

/**
 * Read the file's rows for `size` channels, as cfunc.mod does. A row with
 * fewer values than channels, a value that is not finite, or a time before
 * the previous row's is refused. ngspice 39 would then misread every later
 * row. `fail(line, msg)` throws.
 */
export function parseFileSource(
  text: string,
  size: number,
  p: { timescale: number; timeoffset: number; timerelative: boolean; amplscale: readonly number[]; amploffset: readonly number[] },
  fail: (line: number, msg: string) => never,
): FileSourceData {
  const t: number[] = [];
  const y: number[][] = Array.from({ length: size }, () => []);
  const lines = text.split(/\r?\n/);
  let firstRow = 1;
  for (let ln = 0; ln < lines.length; ln++) {
    const s = lines[ln].replace(/^\s+/, "");
    if (s.startsWith("*") || s.startsWith("#") || s.startsWith(";")) continue;
    const first = strtod(s);
    if (!first) continue;
    let time = first.value * p.timescale;
    if (!p.timerelative) time += p.timeoffset;
    if (!Number.isFinite(time)) fail(ln + 1, `time '${clip(s.slice(0, s.length - first.rest.length))}' is not a finite number`);
    if (t.length && time < t[t.length - 1]) fail(ln + 1, `times must not decrease (${time} after ${t[t.length - 1]})`);
    let rest = first.rest;
    for (let i = 0; i < size; i++) {
      rest = rest.replace(/^[\s,]+/, "");
      const v = strtod(rest);
      if (!v) fail(ln + 1, `the row has ${i} value${i === 1 ? "" : "s"} after its time, the element's output has ${size} port${size === 1 ? "" : "s"}`);
      let val = v.value;
      if (i < p.amplscale.length) val *= p.amplscale[i];
      if (i < p.amploffset.length) val += p.amploffset[i];
      if (!Number.isFinite(val)) fail(ln + 1, `value ${i + 1} is not a finite number`);
      y[i].push(val);
      rest = v.rest;
    }
    if (t.length === 0) firstRow = ln + 1;
    t.push(time);
  }
  if (t.length === 0) fail(1, "no data rows (each row: time value ...)");
  if (t[0] > 0) fail(firstRow, `the first row is at t = ${t[0].toExponential()} s, after 0: ngspice 39 reads before its data up to there (its output is undefined); start the data at t <= 0 (timeoffset shifts it)`);
  return { t, y };
}

/**
 * The PWL points of one channel: linear between the rows, or with `step`
 * the earlier row's value up to the next row's time (a vertical segment
 * there); 0 after the last row.
 */
export function channelWaveform(t: readonly number[], y: readonly number[], step: boolean): { t: number[]; v: number[] } {
  const ts: number[] = [];
  const vs: number[] = [];
  for (let k = 0; k < t.length; k++) {
    if (step && k > 0 && t[k] > t[k - 1]) {
      ts.push(t[k]);
      vs.push(y[k - 1]);
    }
    ts.push(t[k]);
    vs.push(y[k]);
  }
  // 0 after the last row (a vertical segment at its time)
  ts.push(t[t.length - 1]);
  vs.push(0);
  return { t: ts, v: vs };
}

/** The value of a PWL channel at t = 0 (s): the operating point's (its first point is at t <= 0). */
function valueAtZero(w: { t: number[]; v: number[] }): number {
  const { t, v } = w;
  if (0 === t[0]) return v[0];
  for (let k = 1; k < t.length; k++) {
    if (t[k] >= 0) return t[k] === t[k - 1] ? v[k] : v[k - 1] + ((v[k] - v[k - 1]) * (0 - t[k - 1])) / (t[k] - t[k - 1]);
  }
  return v[v.length - 1];
}

/** The sources of a filesource `A` line, one per port of its output vector (named as ngspice's branches, `a1#branch_0_k`). */
export function readFileSourceLine(
  cardName: string,
  name: string,
  conns: ReadonlyArray<{ vector: boolean; ports: ReadonlyArray<{ type: string; nodes: Token[]; loc: SourceLoc }>; loc: SourceLoc }>,
  sc: XLineScope,
  card: ModelCard,
  modelTok: Token,
): FileSourcePortSpec[] {
  if (conns.length !== 1) throw new NetlistError(`${cardName}: code model filesource has 1 port (out), the line connects ${conns.length}`, conns[1]?.loc ?? modelTok.loc);
  const c = conns[0];
  if (!c.vector) throw new NetlistError(`${cardName}: port 'out' of filesource is a vector: connect it as [port port ...]`, c.loc);
  if (c.ports.length < 1) throw new NetlistError(`${cardName}: vector port 'out' of filesource needs at least 1 port, has 0`, c.loc);
  const size = c.ports.length;
  const params = resolveXspiceParams(FILESOURCE, "filesource", card.name, card.params, new Map([["out", size]]), sc.value, modelTok.loc);
  const fileParam = card.params.get("file");
  const at = fileParam?.loc ?? card.loc;
  const fileName = params.get("file") as string;
  let file: { text: string; path: string };
  try {
    file = readCodeModelFile(fileName, sc.netlistFile, "filesource file");
  } catch (e) {
    if (e instanceof Error && !(e instanceof NetlistError)) throw new NetlistError(`.model ${card.name}: ${e.message}`, at);
    throw e;
  }
  const data = parseFileSource(
    file.text,
    size,
    {
      timescale: params.get("timescale") as number,
      timeoffset: params.get("timeoffset") as number,
      timerelative: (params.get("timerelative") as number) === 1,
      amplscale: params.get("amplscale") as readonly number[],
      amploffset: params.get("amploffset") as readonly number[],
    },
    (line, msg) => {
      throw new NetlistError(`.model ${card.name}: filesource file '${clip(fileName)}' line ${line} (${file.path}:${line}): ${msg}`, at);
    },
  );
  const step = (params.get("amplstep") as number) === 1;
  return c.ports.map((p, k): FileSourcePortSpec => {
    const type = (p.type || "v") as string;
    if (!FILESOURCE.ports[0].allowed.includes(type as "v")) throw new NetlistError(`${cardName}: port type %${type} is not allowed on port 'out' of filesource (allowed: %v %vd %i %id)`, p.loc);
    if (p.nodes.some((n) => n.lower === "null")) throw new NetlistError(`${cardName}: port 'out' of filesource may not be NULL`, p.loc);
    const w = channelWaveform(data.t, data.y[k], step);
    const a = sc.mapNode(p.nodes[0].lower);
    const b = p.nodes[1] ? sc.mapNode(p.nodes[1].lower) : "0";
    return {
      type: type === "i" || type === "id" ? "i" : "v",
      name: `${name}#branch_0_${k}`,
      nodes: [a, b],
      source: { dc: valueAtZero(w), wave: { kind: "pwl", t: w.t, v: w.v } },
      loc: p.loc,
      nodeToks: [p.nodes[0], p.nodes[1] ?? p.nodes[0]],
    };
  });
}
