/**
 * Plain top-level resistor lines (`Rname a b value`, value a plain SPICE
 * number), read straight from the source text into parallel arrays.
 *
 * A crossbar netlist has 10^5 such lines. Turning each into tokens, or even
 * into three strings, made string allocation, hashing and garbage collection
 * the largest cost of an operating point; reading them in JavaScript without
 * strings still left a one-shot run mostly in the interpreter while the
 * optimizing compiler warmed up. So the lane is a small WebAssembly module
 * (wasm/fast-lane.ts, AssemblyScript): it scans runs of resistor lines in
 * place, keeps names as offsets into the text (a lower-case string is made
 * on demand), looks node names up in a case-folding hash table over byte
 * ranges (one string per distinct node, made here), and catches duplicate
 * names with a second such table.
 *
 * Values are read as parseSpiceNumber reads them, bit for bit, whatever
 * their length: the lane converts decimal mantissas correctly rounded
 * itself (Clinger's fast path, else Eisel-Lemire over a 128-bit power table
 * that `powers` computes), and hands the rare value it cannot settle
 * (subnormal, overflowing, more than 19 digits straddling a rounding
 * boundary) to parseSpiceNumber through `slowNumber`, one small string each.
 *
 * A line the lane does not take (other field counts, special characters, a
 * value that is not a plain SPICE number, a zero, subnormal or infinite value, a
 * name already taken, a `+` continuation after it) goes to the ordinary
 * tokenizer, whose path reports any error. Sources with non-ASCII characters
 * take the ordinary path throughout (the lane's offsets are bytes).
 */
import type { SourceLoc } from "../util/errors.js";
import { FAST_LANE_WASM } from "./fast-lane.wasm.js";
import { parseSpiceNumber } from "./numbers.js";

interface FastLane {
  memory: WebAssembly.Memory;
  setScale(i: number, v: number): void;
  setPowers(at: number): void;
  slowNumbers(): number;
  alloc(bytes: number): number;
  reserveRows(cap: number): void;
  reserveNodes(cap: number): void;
  find(p: number, len: number): number;
  scan(p: number, e: number, lineNo: number): number;
  linesTaken(): number;
  wasFull(): number;
  rows(): number;
  nodes(): number;
  rowArrays(which: number): number;
  nodeArrays(which: number): number;
  nodeRoots(): number;
  mapRows(num: number, outA: number, outB: number, outG: number): void;
  nextWithPrefix(p: number, len: number, from: number): number;
}

let compiled: WebAssembly.Module | null = null;

/** First and last decimal exponent of the lane's power table (its Eisel-Lemire range). */
const POW_MIN = -342;
const POW_MAX = 308;
let powerTable: BigUint64Array | null = null;

/**
 * 10^q for q in [POW_MIN, POW_MAX] to 128 bits with the top bit set, as
 * (high, low) u64 pairs: the table the lane's Eisel-Lemire conversion
 * multiplies by, as fast_float's (exact for 0 <= q <= 38, truncated above,
 * rounded up for q < 0: the roundings its correctness proof assumes).
 * Exact BigInt arithmetic, once per process.
 */
function powers(): BigUint64Array {
  if (powerTable) return powerTable;
  const t = new BigUint64Array(2 * (POW_MAX - POW_MIN + 1));
  const low = (1n << 64n) - 1n;
  const bits = (x: bigint): number => x.toString(2).length;
  let pos = 1n; // 10^q, q >= 0
  for (let q = 0; q <= POW_MAX; q++, pos *= 10n) {
    const b = bits(pos);
    const v = b > 128 ? pos >> BigInt(b - 128) : pos << BigInt(128 - b);
    t[2 * (q - POW_MIN)] = v >> 64n;
    t[2 * (q - POW_MIN) + 1] = v & low;
  }
  let neg = 10n; // 10^-q, q < 0: 2^(127 + bits) / 10^-q lies in (2^127, 2^128), rounded up
  for (let q = -1; q >= POW_MIN; q--, neg *= 10n) {
    const v = (1n << BigInt(127 + bits(neg))) / neg + 1n;
    t[2 * (q - POW_MIN)] = v >> 64n;
    t[2 * (q - POW_MIN) + 1] = v & low;
  }
  return (powerTable = t);
}

/**
 * A fresh instance of the lane (the compiled module is shared).
 * `slowNumber(p, e)` reads the value field at lane addresses [p, e) with
 * parseSpiceNumber, for the few fields the lane cannot settle itself.
 */
function instantiate(slowNumber: (p: number, e: number) => number): FastLane {
  compiled ??= new WebAssembly.Module(Buffer.from(FAST_LANE_WASM, "base64"));
  const abort = (): never => {
    throw new Error("internal: the resistor fast lane aborted");
  };
  const lane = new WebAssembly.Instance(compiled, { env: { abort, slowNumber } }).exports as unknown as FastLane;
  // The scale factors are parseSpiceNumber's own doubles: t g k m u n p f a meg mil ('a' is a unit letter, no atto, as ngspice 39).
  [1e12, 1e9, 1e3, 1e-3, 1e-6, 1e-9, 1e-12, 1e-15, 1, 1e6, 25.4e-6].forEach((v, i) => lane.setScale(i, v));
  const table = powers();
  const at = lane.alloc(table.byteLength);
  new BigUint64Array(lane.memory.buffer, at, table.length).set(table);
  lane.setPowers(at);
  return lane;
}

/** First offset at or after i that is not a space or tab. */
function skipBlank(s: string, i: number): number {
  let c = s.charCodeAt(i);
  while (c === 32 || c === 9) c = s.charCodeAt(++i);
  return i;
}

/** End offset of the field starting at i (the next space, tab, CR, LF or the end). */
function fieldEnd(s: string, i: number): number {
  const n = s.length;
  let c = s.charCodeAt(i);
  while (i < n && c !== 32 && c !== 9 && c !== 13 && c !== 10) c = s.charCodeAt(++i);
  return i;
}

const isAsciiString = (s: string): boolean => Buffer.byteLength(s, "utf8") === s.length;

export class FastResistors {
  /** Source text and path of every file the lexer read. */
  readonly sources: string[] = [];
  readonly files: string[] = [];
  /** Address of each source's bytes in the lane's memory (-1: not ASCII, no fast lane). */
  private readonly base: number[] = [];
  /** First row of each source (rows of one source are contiguous: a file is lexed whole). */
  private readonly srcFirstRow: number[] = [];
  private lane: FastLane | null = null;
  private rowCap = 0;
  private nodeCap = 0;
  /** Lines taken by the last `scan`. */
  lastTaken = 0;
  /** Source of the running `scan` (for `slowNumber`). */
  private scanning = 0;
  private views: {
    buffer: ArrayBuffer;
    lineStart: Int32Array;
    lineNo: Int32Array;
    a: Int32Array;
    b: Int32Array;
    ohms: Float64Array;
    nodeFirstRow: Int32Array;
    nodeFirstTerm: Int32Array;
  } | null = null;
  /** Node names made so far: node ids only grow, so each name is made once. */
  private names: string[] = [];
  private scratch = { at: 0, size: 0 };

  /** Number of rows. */
  get count(): number {
    return this.lane ? this.lane.rows() : 0;
  }

  /** Register a source text; returns its index for `scan`. */
  addSource(source: string, file: string): number {
    this.sources.push(source);
    this.files.push(file);
    this.srcFirstRow.push(this.count);
    let at = -1;
    if (source.length > 0 && isAsciiString(source)) {
      const lane = (this.lane ??= instantiate((p, e) => this.slowNumber(p, e)));
      at = lane.alloc(source.length);
      Buffer.from(lane.memory.buffer, at, source.length).write(source, "latin1");
      // Room for the rows a crossbar file of this size holds (lines of ~30 characters), so growing is rare.
      this.reserve(this.count + (source.length >> 5) + 16, Math.max(this.nodeCap, 1024));
    }
    this.base.push(at);
    return this.sources.length - 1;
  }

  private reserve(rows: number, nodes: number): void {
    const lane = this.lane!;
    if (rows > this.rowCap) lane.reserveRows((this.rowCap = rows));
    if (nodes > this.nodeCap) lane.reserveNodes((this.nodeCap = nodes));
  }

  /**
   * Take the consecutive plain resistor lines that start at offset `pos` of
   * source `src` (the start of line `lineNo`). Returns the offset where it
   * stopped: the start of the first line not taken, or the end of the text;
   * `lastTaken` says how many lines were taken (0: handle this line as usual).
   */
  scan(src: number, pos: number, lineNo: number): number {
    const at = this.base[src];
    this.lastTaken = 0;
    if (at < 0) return pos;
    const lane = this.lane!;
    this.scanning = src;
    const end = at + this.sources[src].length;
    let p = at + pos;
    for (;;) {
      p = lane.scan(p, end, lineNo + this.lastTaken);
      this.lastTaken += lane.linesTaken();
      if (!lane.wasFull()) break;
      this.reserve(lane.rows() >= this.rowCap ? 2 * this.rowCap : this.rowCap, lane.nodes() + 2 > this.nodeCap ? 2 * this.nodeCap : this.nodeCap);
    }
    return p - at;
  }

  /** parseSpiceNumber of the lane's bytes [p, e), which lie in the source being scanned. */
  private slowNumber(p: number, e: number): number {
    const src = this.scanning;
    const off = p - this.base[src];
    return parseSpiceNumber(this.sources[src].slice(off, off + (e - p)));
  }

  /** Value fields the lane handed to parseSpiceNumber (it converts all others itself). */
  get slowNumbers(): number {
    return this.lane ? this.lane.slowNumbers() : 0;
  }

  /** Typed-array views of the lane's arrays (made again when its memory moved or grew, or rows were added). */
  private get v(): NonNullable<FastResistors["views"]> {
    const lane = this.lane;
    const rows = this.count;
    if (this.views && lane && this.views.buffer === lane.memory.buffer && this.views.a.length === rows) return this.views;
    if (!lane) {
      const none = new Int32Array(0);
      return { buffer: new ArrayBuffer(0), lineStart: none, lineNo: none, a: none, b: none, ohms: new Float64Array(0), nodeFirstRow: none, nodeFirstTerm: none };
    }
    const buffer = lane.memory.buffer as ArrayBuffer;
    const i32 = (addr: number, n: number) => new Int32Array(buffer, addr, n);
    const nodes = lane.nodes();
    this.views = {
      buffer,
      lineStart: i32(lane.rowArrays(0), rows),
      lineNo: i32(lane.rowArrays(1), rows),
      a: i32(lane.rowArrays(2), rows),
      b: i32(lane.rowArrays(3), rows),
      ohms: new Float64Array(buffer, lane.rowArrays(4), rows),
      nodeFirstRow: i32(lane.nodeArrays(2), nodes),
      nodeFirstTerm: i32(lane.nodeArrays(3), nodes),
    };
    return this.views;
  }

  /** Terminals of each row, as indices into `nodeNames`. */
  get a(): Int32Array {
    return this.v.a;
  }
  get b(): Int32Array {
    return this.v.b;
  }
  /** Resistance of each row (ohm). */
  get ohms(): Float64Array {
    return this.v.ohms;
  }
  /** 1-based line number of each row. */
  get lineNo(): Int32Array {
    return this.v.lineNo;
  }
  /** Lower-case node names in order of first appearance; `gnd` is stored as `0`. */
  get nodeNames(): readonly string[] {
    const lane = this.lane;
    const nodes = lane ? lane.nodes() : 0;
    if (this.names.length < nodes) {
      const buffer = lane!.memory.buffer;
      const nStart = new Int32Array(buffer, lane!.nodeArrays(0), nodes);
      const nLen = new Int32Array(buffer, lane!.nodeArrays(1), nodes);
      for (let k = this.names.length; k < nodes; k++) {
        const si = this.sourceAt(nStart[k]);
        const off = nStart[k] - this.base[si];
        // Distinct node names are few (10^3 in a 10^5-line crossbar): one string each.
        const name = this.sources[si].slice(off, off + nLen[k]).toLowerCase();
        this.names.push(name === "gnd" ? "0" : name);
      }
    }
    return this.names;
  }
  /** The first row naming each node, and which terminal (0: a, 1: b). */
  get nodeFirstRow(): Int32Array {
    return this.v.nodeFirstRow;
  }
  get nodeFirstTerm(): Int32Array {
    return this.v.nodeFirstTerm;
  }

  /** Index of the source holding lane address `addr`. */
  private sourceAt(addr: number): number {
    for (let i = 0; i < this.base.length; i++) {
      if (this.base[i] >= 0 && addr >= this.base[i] && addr < this.base[i] + this.sources[i].length) return i;
    }
    throw new Error(`internal: no source holds fast-lane address ${addr}`);
  }

  /** Index of row q's source. */
  private srcOf(q: number): number {
    let i = this.srcFirstRow.length - 1;
    while (this.srcFirstRow[i] > q) i--;
    return i;
  }

  /** Offset of row q's line in its source. */
  private lineStartOf(q: number, src: number): number {
    return this.v.lineStart[q] - this.base[src];
  }

  /** Row of the resistor named `name` (lower-case), or -1. */
  find(name: string): number {
    const lane = this.lane;
    if (!lane || this.count === 0 || !isAsciiString(name)) return -1;
    return lane.find(this.toScratch(name), name.length);
  }

  /** Lower-case name of row q. */
  name(q: number): string {
    const si = this.srcOf(q);
    const s = this.sources[si];
    const i = skipBlank(s, this.lineStartOf(q, si));
    return s.slice(i, fieldEnd(s, i)).toLowerCase();
  }

  /**
   * The first row q >= from whose name starts with `prefix` (lower-case,
   * no blanks), ignoring ASCII case, or -1. Reads the text in place, in the
   * lane (a `*@train RB*` check may pass 10^5 rows first).
   */
  nextWithPrefix(prefix: string, from: number): number {
    const lane = this.lane;
    if (!lane || from >= this.count) return -1;
    if (prefix.length === 0) return from;
    if (!isAsciiString(prefix)) return -1; // fast-lane names are ASCII
    return lane.nextWithPrefix(this.toScratch(prefix), prefix.length, from);
  }

  /** Copy an ASCII string into the lane's scratch bytes; returns their address. */
  private toScratch(text: string): number {
    const lane = this.lane!;
    if (text.length > this.scratch.size) {
      const size = Math.max(64, 2 * text.length);
      this.scratch = { at: lane.alloc(size), size };
    }
    Buffer.from(lane.memory.buffer, this.scratch.at, text.length).write(text, "latin1");
    return this.scratch.at;
  }

  /**
   * Per node id, a representative id of the nodes that rows connect it to
   * (ids with equal entries are joined through resistors): the circuit
   * builder's DC-path check joins these instead of every row.
   */
  nodeRoots(): Int32Array {
    const lane = this.lane;
    if (!lane) return new Int32Array(0);
    const at = lane.nodeRoots();
    return new Int32Array(lane.memory.buffer, at, lane.nodes()).slice();
  }

  /**
   * Fill slots [0, count) of a resistor bank: terminals as circuit node
   * numbers (`numberOf[id]` for node id) and conductances 1/ohms (S). One
   * pass in the lane, then block copies.
   */
  fillBank(numberOf: Int32Array, na: Int32Array, nb: Int32Array, g: Float64Array): void {
    const lane = this.lane;
    const n = this.count;
    if (!lane || n === 0) return;
    const num = lane.alloc(4 * numberOf.length);
    const oa = lane.alloc(4 * n);
    const ob = lane.alloc(4 * n);
    const og = lane.alloc(8 * n);
    const buffer = lane.memory.buffer;
    new Int32Array(buffer, num, numberOf.length).set(numberOf);
    lane.mapRows(num, oa, ob, og);
    na.set(new Int32Array(buffer, oa, n));
    nb.set(new Int32Array(buffer, ob, n));
    g.set(new Float64Array(buffer, og, n));
  }

  /** Source file of row q. */
  file(q: number): string {
    return this.files[this.srcOf(q)];
  }

  /** Location of row q's name (term -1) or of its terminal `term` (0: a, 1: b). */
  loc(q: number, term = -1): SourceLoc {
    const si = this.srcOf(q);
    const s = this.sources[si];
    const start = this.lineStartOf(q, si);
    let at = skipBlank(s, start);
    for (let t = -1; t < term; t++) at = skipBlank(s, fieldEnd(s, at));
    return { file: this.files[si], line: this.lineNo[q], col: at - start + 1 };
  }
}
