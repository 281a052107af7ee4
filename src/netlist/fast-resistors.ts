/**
 * Plain top-level resistor lines (`Rname a b value`, value a plain SPICE
 * number), read straight from the source text into parallel arrays.
 *
 * A crossbar netlist has 10^5 such lines. Turning each into tokens, or even
 * into three strings, made string allocation, hashing and garbage collection
 * the largest cost of an operating point. Here a line costs no string at all:
 * names stay offsets into the retained source (a lower-case string is made
 * on demand), node fields are looked up in a case-folding hash table over
 * character ranges (one string per distinct node), and duplicate names are
 * caught by a second such table.
 *
 * A line that is not plain (other field count, special characters, a value
 * that is zero or not a number, a name already taken) is refused, and the
 * lexer tokenizes it as usual: the ordinary path reports its errors.
 */
import type { SourceLoc } from "./errors.js";
import { parseSpiceNumberAt } from "./numbers.js";

/** FNV-1a over lower-cased character codes of s[start, end). */
function hashRange(s: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    let c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return h | 0;
}

/** True when s[start, end) equals the lower-case string `lower`, ignoring ASCII case. */
function rangeEqualsLower(s: string, start: number, end: number, lower: string): boolean {
  if (end - start !== lower.length) return false;
  for (let i = start, j = 0; i < end; i++, j++) {
    let c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lower.charCodeAt(j)) return false;
  }
  return true;
}

/** True when two source ranges are equal ignoring ASCII case. */
function rangesEqual(s: string, start: number, end: number, t: string, tStart: number, tEnd: number): boolean {
  if (end - start !== tEnd - tStart) return false;
  for (let i = start, j = tStart; i < end; i++, j++) {
    let c = s.charCodeAt(i);
    let d = t.charCodeAt(j);
    if (c === d) continue;
    if (c >= 65 && c <= 90) c += 32;
    if (d >= 65 && d <= 90) d += 32;
    if (c !== d) return false;
  }
  return true;
}

/** Characters that need the full tokenizer: ( ) { } ' = , ; $ " */
const SPECIAL_CODES = new Uint8Array(128);
for (const ch of "(){}'=,;$\"") SPECIAL_CODES[ch.charCodeAt(0)] = 1;

/** Hash (FNV-1a, case-folded) of the field `scanField` last read. */
let fieldHash = 0;

/**
 * Read the field starting at offset i (not blank) of a line ending at `end`:
 * its end offset, with its hash in `fieldHash`; -1 when it holds a character
 * that needs the full tokenizer. One pass over the characters.
 */
function scanField(s: string, i: number, end: number): number {
  let h = 0x811c9dc5;
  for (; i < end; i++) {
    let c = s.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13) break;
    if (c < 128) {
      if (SPECIAL_CODES[c]) return -1;
      if (c >= 65 && c <= 90) c += 32;
    }
    h = Math.imul(h ^ c, 0x01000193);
  }
  fieldHash = h | 0;
  return i;
}

/** First offset at or after i, before `end`, that is not a space, tab or CR. */
function skipSpace(s: string, i: number, end: number): number {
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) break;
    i++;
  }
  return i;
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

/** Open-addressing table of row (or node) indices + 1, keyed by hashes kept beside it. */
class IndexTable {
  slots: Int32Array;
  mask: number;
  count = 0;

  constructor(capacity = 1024) {
    let n = 1024;
    while (n < 2 * capacity) n *= 2;
    this.slots = new Int32Array(n);
    this.mask = n - 1;
  }

  /** Insert index `id` with hash `h` (the caller has checked it is absent). */
  insert(id: number, h: number, hashes: ArrayLike<number>): void {
    if (2 * (this.count + 1) > this.slots.length) this.grow(hashes);
    let i = h & this.mask;
    while (this.slots[i] !== 0) i = (i + 1) & this.mask;
    this.slots[i] = id + 1;
    this.count++;
  }

  private grow(hashes: ArrayLike<number>): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    this.mask = this.slots.length - 1;
    for (const e of old) {
      if (e === 0) continue;
      let i = hashes[e - 1] & this.mask;
      while (this.slots[i] !== 0) i = (i + 1) & this.mask;
      this.slots[i] = e;
    }
  }
}

/** A copy of `a` with room for n elements. */
function grown<T extends Int32Array | Float64Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}

export class FastResistors {
  /** Source text and path of every file the lexer read. */
  readonly sources: string[] = [];
  readonly files: string[] = [];
  /** First row of each source (rows of one source are contiguous: a file is lexed whole). */
  private readonly srcFirstRow: number[] = [];
  private n = 0;

  // ---- per row, in source order; typed arrays with spare room: entries [0, count) are rows.
  // Only what the operating point needs is stored; names and columns are re-read from the line.
  /** 1-based line number. */
  lineNo = new Int32Array(1024);
  /** Offset of the line's first character in its source. */
  lineStart = new Int32Array(1024);
  /** Terminals, as indices into `nodeNames`. */
  a = new Int32Array(1024);
  b = new Int32Array(1024);
  /** Resistance (ohm). */
  ohms = new Float64Array(1024);
  private nameHash = new Int32Array(1024);
  private names = new IndexTable();

  // ---- per distinct node name (in order of first appearance)
  /** Lower-case node names; `gnd` is stored as `0`. */
  readonly nodeNames: string[] = [];
  /** The first row naming each node, and which terminal (0: a, 1: b). */
  readonly nodeFirstRow: number[] = [];
  readonly nodeFirstTerm: number[] = [];
  private readonly nodeHash: number[] = [];
  private readonly nodes = new IndexTable();

  /** Number of rows. */
  get count(): number {
    return this.n;
  }

  /** Register a source text; returns its index for `tryAdd`. */
  addSource(source: string, file: string): number {
    this.sources.push(source);
    this.files.push(file);
    this.srcFirstRow.push(this.n);
    // Room for the rows a crossbar file of this size holds (lines of ~30 characters), so growing is rare.
    this.reserve(this.n + (source.length >> 5));
    return this.sources.length - 1;
  }

  private reserve(rows: number): void {
    if (rows <= this.ohms.length) return;
    const cap = Math.max(rows, 2 * this.ohms.length);
    this.lineNo = grown(this.lineNo, cap);
    this.lineStart = grown(this.lineStart, cap);
    this.a = grown(this.a, cap);
    this.b = grown(this.b, cap);
    this.ohms = grown(this.ohms, cap);
    this.nameHash = grown(this.nameHash, cap);
    if (2 * cap > this.names.slots.length) {
      const t = new IndexTable(cap);
      for (let r = 0; r < this.n; r++) t.insert(r, this.nameHash[r], this.nameHash);
      this.names = t;
    }
  }

  /**
   * Record the line s[start, end) of source `src` when it is a plain resistor
   * line with a name not seen before; false otherwise (nothing recorded).
   */
  tryAdd(src: number, lineNo: number, start: number, end: number): boolean {
    const s = this.sources[src];
    // Four fields: name, node a, node b, value; names and nodes hashed as they are read.
    const n0 = skipSpace(s, start, end);
    const n1 = scanField(s, n0, end);
    if (n1 < 0) return false;
    const hName = fieldHash;
    const a0 = skipSpace(s, n1, end);
    const a1 = a0 < end ? scanField(s, a0, end) : -1;
    if (a1 < 0) return false;
    const hA = fieldHash;
    const b0 = skipSpace(s, a1, end);
    const b1 = b0 < end ? scanField(s, b0, end) : -1;
    if (b1 < 0) return false;
    const hB = fieldHash;
    const v0 = skipSpace(s, b1, end);
    if (v0 >= end) return false;
    const v1 = scanField(s, v0, end);
    if (v1 < 0 || skipSpace(s, v1, end) < end) return false; // specials, or a fifth field
    const ohms = parseSpiceNumberAt(s, v0, v1);
    // Zero, non-finite or non-numeric values take the ordinary path, which reports them.
    if (!(ohms !== 0 && Number.isFinite(ohms))) return false;
    if (this.findRange(s, n0, n1, hName) >= 0) return false; // duplicate: the ordinary path reports it
    const row = this.n;
    if (row === this.ohms.length) this.reserve(row + 1);
    this.lineNo[row] = lineNo;
    this.lineStart[row] = start;
    this.a[row] = this.node(s, a0, a1, hA, row, 0);
    this.b[row] = this.node(s, b0, b1, hB, row, 1);
    this.ohms[row] = ohms;
    this.nameHash[row] = hName;
    this.n = row + 1;
    this.names.insert(row, hName, this.nameHash);
    return true;
  }

  /** Index of the node named s[start, end), added when new. */
  private node(s: string, start: number, end: number, h: number, row: number, term: number): number {
    const t = this.nodes;
    for (let i = h & t.mask; ; i = (i + 1) & t.mask) {
      const e = t.slots[i];
      if (e === 0) break;
      if (this.nodeHash[e - 1] === h && rangeEqualsLower(s, start, end, this.nodeNames[e - 1])) return e - 1;
    }
    // Distinct node names are few (10^3 in a 10^5-line crossbar): one string each.
    const lower = s.slice(start, end).toLowerCase();
    const id = this.nodeNames.length;
    this.nodeNames.push(lower === "gnd" ? "0" : lower);
    this.nodeFirstRow.push(row);
    this.nodeFirstTerm.push(term);
    this.nodeHash.push(h);
    t.insert(id, h, this.nodeHash);
    return id;
  }

  private findRange(s: string, start: number, end: number, h: number): number {
    const t = this.names;
    for (let i = h & t.mask; ; i = (i + 1) & t.mask) {
      const e = t.slots[i];
      if (e === 0) return -1;
      const r = e - 1;
      if (this.nameHash[r] !== h) continue;
      const rs = this.sourceOf(r);
      const r0 = skipBlank(rs, this.lineStart[r]);
      if (rangesEqual(s, start, end, rs, r0, fieldEnd(rs, r0))) return r;
    }
  }

  /** Index of row q's source. */
  private srcOf(q: number): number {
    let i = this.srcFirstRow.length - 1;
    while (this.srcFirstRow[i] > q) i--;
    return i;
  }

  private sourceOf(q: number): string {
    return this.sources[this.srcOf(q)];
  }

  /** Row of the resistor named `name` (lower-case), or -1. */
  find(name: string): number {
    return this.findRange(name, 0, name.length, hashRange(name, 0, name.length));
  }

  /** Lower-case name of row q. */
  name(q: number): string {
    const s = this.sourceOf(q);
    const i = skipBlank(s, this.lineStart[q]);
    return s.slice(i, fieldEnd(s, i)).toLowerCase();
  }

  /**
   * The first row q >= from whose name starts with `prefix` (lower-case,
   * no blanks), ignoring ASCII case, or -1. Reads the source in place: one
   * tight loop, no strings (a `*@train RB*` check may pass 10^5 rows first).
   */
  nextWithPrefix(prefix: string, from: number): number {
    const len = prefix.length;
    const { lineStart } = this;
    for (let si = from < this.n ? this.srcOf(from) : this.sources.length; si < this.sources.length; si++) {
      const s = this.sources[si];
      const last = si + 1 < this.sources.length ? this.srcFirstRow[si + 1] : this.n;
      for (let q = Math.max(from, this.srcFirstRow[si]); q < last; q++) {
        let i = lineStart[q];
        let c = s.charCodeAt(i);
        while (c === 32 || c === 9) c = s.charCodeAt(++i);
        let j = 0;
        for (; j < len; j++, c = s.charCodeAt(++i)) {
          if (c >= 65 && c <= 90) c += 32;
          if (c !== prefix.charCodeAt(j)) break;
        }
        if (j === len) return q;
      }
    }
    return -1;
  }

  /** Source file of row q. */
  file(q: number): string {
    return this.files[this.srcOf(q)];
  }

  /** Location of row q's name (term -1) or of its terminal `term` (0: a, 1: b). */
  loc(q: number, term = -1): SourceLoc {
    const s = this.sourceOf(q);
    let at = skipBlank(s, this.lineStart[q]);
    for (let t = -1; t < term; t++) at = skipBlank(s, fieldEnd(s, at));
    return { file: this.file(q), line: this.lineNo[q], col: at - this.lineStart[q] + 1 };
  }
}
