/**
 * The parser's fast lane for plain resistor lines, in AssemblyScript
 * (compiled to WebAssembly by wasm/build.mjs; loaded by
 * src/netlist/fast-resistors.ts, which documents the contract).
 *
 * Why WebAssembly: a crossbar netlist has 10^5 lines of `Rname a b value`.
 * In JavaScript, a one-shot CLI run spends most of this loop in the
 * interpreter while the optimizing compiler is still at work; WebAssembly is
 * compiled before it runs, so every line costs the same few nanoseconds.
 *
 * Memory (bump-allocated, never freed: one instance per parse):
 * - text: the ASCII bytes of every source, copied in by JavaScript;
 * - rows (structure of arrays, capacity rowCap): line start (absolute byte
 *   address), line number, node ids a and b, name hash, resistance (ohm);
 * - nodes (capacity nodeCap): first occurrence (address, length), hash,
 *   first row and terminal;
 * - two open-addressing tables of (hash, index + 1) pairs: names -> row,
 *   node names -> node id. Names compare ignoring ASCII case.
 *
 * `scan` reads consecutive plain resistor lines and stops at the first line
 * it does not take (any other line, specials, a fifth field, a value that is
 * not a plain number or is zero, subnormal or infinite, a duplicate name, a `+` continuation
 * after it, or full arrays): JavaScript handles that line its usual way.
 */

// ---- numbers: 10^k (exact for k <= 22) and the SPICE scale factors, set by JavaScript
const POW10 = new StaticArray<f64>(23);
const SCALE = new StaticArray<f64>(11); // t g k m u n p f a meg mil

export function setScale(i: i32, v: f64): void {
  SCALE[i] = v;
}

function initPow10(): void {
  let p: f64 = 1;
  for (let k = 0; k < 23; k++) {
    POW10[k] = p;
    p *= 10;
  }
}
initPow10();

// ---- rows
let rowCap: i32 = 0;
let nRows: i32 = 0;
let rLineStart: usize = 0;
let rLineNo: usize = 0;
let rA: usize = 0;
let rB: usize = 0;
let rHash: usize = 0;
let rOhms: usize = 0;
let nameSlots: usize = 0;
let nameMask: i32 = 0;

// ---- nodes
let nodeCap: i32 = 0;
let nNodes: i32 = 0;
let nStart: usize = 0;
let nLen: usize = 0;
let nHash: usize = 0;
let nFirstRow: usize = 0;
let nFirstTerm: usize = 0;
/** Union-find over node ids, joined by every row: which nodes the rows connect. */
let nParent: usize = 0;
let nodeSlots: usize = 0;
let nodeMask: i32 = 0;

/** Lines taken by the last `scan`. */
let taken: i32 = 0;
/** 1 when the last `scan` stopped because the arrays were full. */
let full: i32 = 0;

export function alloc(bytes: i32): usize {
  return heap.alloc(<usize>bytes);
}

function grown(old: usize, count: i32, width: i32, cap: i32): usize {
  const p = heap.alloc(<usize>(cap * width));
  if (count > 0) memory.copy(p, old, <usize>(count * width));
  return p;
}

/** Table size (pairs) for `cap` entries: a power of two, at most ~2/3 full (a smaller table misses the cache less). */
function tableFor(cap: i32): i32 {
  let n = 1024;
  while (2 * n < 3 * cap) n <<= 1;
  return n;
}

/** Insert (h, id + 1) into a table of `mask + 1` pairs. */
function tableInsert(slots: usize, mask: i32, h: i32, id: i32): void {
  let i = h & mask;
  while (load<i32>(slots + (<usize>i << 3) + 4) != 0) i = (i + 1) & mask;
  store<i32>(slots + (<usize>i << 3), h);
  store<i32>(slots + (<usize>i << 3) + 4, id + 1);
}

/** A new table sized for `cap` entries, holding entries 0..count-1 with their hashes (i32 array). */
function tableOf(cap: i32, hashes: usize, count: i32): usize {
  const n = tableFor(cap);
  const slots = heap.alloc(<usize>(n * 8));
  memory.fill(slots, 0, <usize>(n * 8));
  for (let k = 0; k < count; k++) tableInsert(slots, n - 1, load<i32>(hashes + (<usize>k << 2)), k);
  return slots;
}

/** Make room for `cap` rows in total. */
export function reserveRows(cap: i32): void {
  if (cap <= rowCap) return;
  rLineStart = grown(rLineStart, nRows, 4, cap);
  rLineNo = grown(rLineNo, nRows, 4, cap);
  rA = grown(rA, nRows, 4, cap);
  rB = grown(rB, nRows, 4, cap);
  rHash = grown(rHash, nRows, 4, cap);
  rOhms = grown(rOhms, nRows, 8, cap);
  rowCap = cap;
  nameSlots = tableOf(cap, rHash, nRows);
  nameMask = tableFor(cap) - 1;
}

/** Make room for `cap` distinct nodes in total. */
export function reserveNodes(cap: i32): void {
  if (cap <= nodeCap) return;
  nStart = grown(nStart, nNodes, 4, cap);
  nLen = grown(nLen, nNodes, 4, cap);
  nHash = grown(nHash, nNodes, 4, cap);
  nFirstRow = grown(nFirstRow, nNodes, 4, cap);
  nFirstTerm = grown(nFirstTerm, nNodes, 4, cap);
  nParent = grown(nParent, nNodes, 4, cap);
  nodeCap = cap;
  nodeSlots = tableOf(cap, nHash, nNodes);
  nodeMask = tableFor(cap) - 1;
}

// ---- characters: one class byte per code (the text is ASCII; 128..255 never occur)
const SPACE: u8 = 1; // space, tab, CR: field separators
const SPECIAL: u8 = 2; // ( ) { } ' = , ; $ " and control characters: need the full tokenizer
const END: u8 = 4; // LF
const CLASS = new StaticArray<u8>(256);
function initClasses(): void {
  CLASS[32] = SPACE;
  CLASS[9] = SPACE;
  CLASS[13] = SPACE;
  CLASS[10] = END;
  const specials = "(){}'=,;$\"";
  for (let i = 0; i < specials.length; i++) CLASS[specials.charCodeAt(i)] = SPECIAL;
  // Control characters (a NUL, an escape): the tokenizer reports them.
  for (let c = 0; c < 32; c++) if (c != 9 && c != 10 && c != 13) CLASS[c] = SPECIAL;
  CLASS[127] = SPECIAL;
}
initClasses();
@inline function cls(c: u32): u32 {
  return <u32>load<u8>(changetype<usize>(CLASS) + <usize>c);
}
@inline function isBlank(c: u32): bool {
  return c == 32 || c == 9;
}
@inline function fold(c: u32): u32 {
  return c - 65 < 26 ? c + 32 : c;
}

/** Case-folding FNV-1a of [p, e): the hash `readField` computes while it reads a field. */
function hashRange(p: usize, e: usize): i32 {
  let h: i32 = <i32>0x811c9dc5;
  for (; p < e; p++) h = (h ^ <i32>fold(load<u8>(p))) * 0x01000193;
  return h;
}

function equalFold(a: usize, ae: usize, b: usize, be: usize): bool {
  if (ae - a != be - b) return false;
  for (; a < ae; a++, b++) if (fold(load<u8>(a)) != fold(load<u8>(b))) return false;
  return true;
}

/** End of the field starting at p (first space, tab, CR or line end). */
function fieldEnd(p: usize, e: usize): usize {
  while (p < e && (cls(load<u8>(p)) & (SPACE | END)) == 0) p++;
  return p;
}

function skipBlank(p: usize, e: usize): usize {
  while (p < e && isBlank(load<u8>(p))) p++;
  return p;
}

/** Start and end of row r's name. */
function nameStartOf(r: i32): usize {
  return skipBlank(<usize>load<i32>(rLineStart + (<usize>r << 2)), <usize>0xffffffff);
}

function findName(p: usize, e: usize, h: i32): i32 {
  let i = h & nameMask;
  while (true) {
    const at = nameSlots + (<usize>i << 3);
    const id = load<i32>(at + 4);
    if (id == 0) return -1;
    if (load<i32>(at) == h) {
      const s = nameStartOf(id - 1);
      if (equalFold(p, e, s, fieldEnd(s, <usize>0xffffffff))) return id - 1;
    }
    i = (i + 1) & nameMask;
  }
}

/** Row of the name stored at [p, p + len), or -1. */
export function find(p: usize, len: i32): i32 {
  if (nRows == 0) return -1;
  return findName(p, p + <usize>len, hashRange(p, p + <usize>len));
}

function node(p: usize, e: usize, h: i32, row: i32, term: i32): i32 {
  let i = h & nodeMask;
  while (true) {
    const at = nodeSlots + (<usize>i << 3);
    const id = load<i32>(at + 4);
    if (id == 0) break;
    const k = id - 1;
    if (load<i32>(at) == h) {
      const s = <usize>load<i32>(nStart + (<usize>k << 2));
      if (equalFold(p, e, s, s + <usize>load<i32>(nLen + (<usize>k << 2)))) return k;
    }
    i = (i + 1) & nodeMask;
  }
  const k = nNodes++;
  store<i32>(nStart + (<usize>k << 2), <i32>p);
  store<i32>(nLen + (<usize>k << 2), <i32>(e - p));
  store<i32>(nHash + (<usize>k << 2), h);
  store<i32>(nFirstRow + (<usize>k << 2), row);
  store<i32>(nFirstTerm + (<usize>k << 2), term);
  store<i32>(nParent + (<usize>k << 2), k);
  tableInsert(nodeSlots, nodeMask, h, k);
  return k;
}

/** Representative of node k's set (with path compression). */
function root(k: i32): i32 {
  let r = k;
  while (load<i32>(nParent + (<usize>r << 2)) != r) r = load<i32>(nParent + (<usize>r << 2));
  while (k != r) {
    const next = load<i32>(nParent + (<usize>k << 2));
    store<i32>(nParent + (<usize>k << 2), r);
    k = next;
  }
  return r;
}

function join(a: i32, b: i32): void {
  const ra = root(a);
  const rb = root(b);
  if (ra != rb) store<i32>(nParent + (<usize>ra << 2), rb);
}

/** Address of an array giving, per node id, a representative of the nodes its rows connect it to. */
export function nodeRoots(): usize {
  for (let k = 0; k < nNodes; k++) root(k);
  return nParent;
}

/**
 * Write the rows' terminals as circuit node numbers (num: i32 per node id)
 * into outA/outB (i32 per row) and their conductances 1/ohms (S) into outG.
 */
export function mapRows(num: usize, outA: usize, outB: usize, outG: usize): void {
  for (let r = 0; r < nRows; r++) {
    const o = <usize>r << 2;
    store<i32>(outA + o, load<i32>(num + (<usize>load<i32>(rA + o) << 2)));
    store<i32>(outB + o, load<i32>(num + (<usize>load<i32>(rB + o) << 2)));
    store<f64>(outG + (<usize>r << 3), 1.0 / load<f64>(rOhms + (<usize>r << 3)));
  }
}

/**
 * The first row r >= from whose name starts with the lower-case bytes
 * [p, p + len) (no blanks), ignoring ASCII case, or -1.
 */
export function nextWithPrefix(p: usize, len: i32, from: i32): i32 {
  for (let r = from; r < nRows; r++) {
    const s = nameStartOf(r);
    let j = 0;
    while (j < len && fold(load<u8>(s + <usize>j)) == <u32>load<u8>(p + <usize>j)) j++;
    if (j == len) return r;
  }
  return -1;
}

@inline function isDigit(c: u32): bool {
  return c - 48 < 10;
}

// ---- long mantissas: Eisel-Lemire, with JavaScript as the last word
/**
 * 10^q, q in [-342, 308], to 128 bits as (high, low) u64 pairs, normalized
 * (top bit set), truncated for q >= 0 and rounded up for q < 0 as in
 * fast_float's table: computed exactly with BigInt and copied in by
 * JavaScript (`setPowers`) before the first scan.
 * Below 10^-342 every value of 19 digits rounds to 0, above 10^308 to
 * infinity: `slowNumber` confirms those.
 */
const POW_MIN: i32 = -342;
const POW_MAX: i32 = 308;
let powers: usize = 0;
export function setPowers(at: usize): void {
  powers = at;
}

/**
 * parseSpiceNumber itself, run by JavaScript on the field's bytes [p, e) (a
 * source address range): the value of the rare field this reader cannot
 * settle (more than 19 significant digits whose value straddles a rounding
 * boundary, a subnormal or out-of-range result).
 */
@external("env", "slowNumber")
declare function slowNumber(p: usize, e: usize): f64;
/** Fields handed to `slowNumber` so far (JavaScript reads it to tell the tests). */
let slowCount: i32 = 0;
export function slowNumbers(): i32 {
  return slowCount;
}

/** High half of the last `mul128`. */
let mulHi: u64 = 0;
/** The 128-bit product a * b: returns the low half, the high half goes to `mulHi`. */
@inline function mul128(a: u64, b: u64): u64 {
  const aL = a & 0xffffffff;
  const aH = a >> 32;
  const bL = b & 0xffffffff;
  const bH = b >> 32;
  const ll = aL * bL;
  const lh = aL * bH;
  const hl = aH * bL;
  const mid = (ll >> 32) + (lh & 0xffffffff) + (hl & 0xffffffff);
  mulHi = aH * bH + (lh >> 32) + (hl >> 32) + (mid >> 32);
  return (mid << 32) | (ll & 0xffffffff);
}

/**
 * w * 10^q (w != 0) correctly rounded to the nearest double, ties to even,
 * by Eisel and Lemire's algorithm as fast_float runs it (Lemire, "Number
 * parsing at a gigabyte per second", 2021): w, normalized, times the
 * table's 128-bit approximation of 10^q; the low product is needed only when
 * the high one's bits below the 55 it keeps are all ones, and Mushtak and
 * Lemire ("Fast number parsing without fallback", 2023) proved the result
 * then always right. A tie is possible only for q in [-4, 23], where the
 * product is exact: it rounds to even. Subnormal and infinite results give
 * NaN: the caller asks JavaScript (they are rare and zero or infinity
 * sends the line to the tokenizer anyway).
 */
function eiselLemire(w: u64, q: i32): f64 {
  if (q < POW_MIN || q > POW_MAX || powers == 0) return NaN;
  const lz = <i32>clz<u64>(w);
  w <<= <u64>lz;
  const at = powers + (<usize>(q - POW_MIN) << 4);
  let lo = mul128(w, load<u64>(at)); // times the high half
  let hi = mulHi;
  if ((hi & 0x1ff) == 0x1ff) {
    mul128(w, load<u64>(at + 8)); // only its high half counts
    const add = mulHi;
    lo += add;
    if (add > lo) hi++;
  }
  const upper = <i32>(hi >> 63);
  const shift = <u64>(upper + 9);
  let m = hi >> shift; // 54 or 55 bits: the 53 kept, a rounding bit (and one more when upper = 0)
  let e2: i32 = ((217706 * q) >> 16) + 63 + upper - lz + 1023;
  if (e2 <= 0) return NaN; // subnormal or zero
  // Exactly halfway (only zeros were shifted out): round down to even instead of up.
  if (lo <= 1 && q >= -4 && q <= 23 && (m & 3) == 1 && m << shift == hi) m &= ~(<u64>1);
  m += m & 1;
  m >>= 1;
  if (m >= <u64>1 << 53) {
    m = <u64>1 << 52;
    e2++;
  }
  if (e2 >= 0x7ff) return NaN; // infinite
  return reinterpret<f64>((<u64>e2 << 52) | (m & 0xfffffffffffff));
}

/**
 * The value of [p, e) exactly as parseSpiceNumber reads it, or NaN when this
 * reader does not take it. Taken: [+-] digits [. digits] [e [+-] digits]
 * [letters]. The first 19 significant digits make an integer w and the
 * value is w * 10^k: when w <= 2^53 and |k| <= 22 both are exact doubles and
 * one multiplication or division rounds correctly (Clinger's fast path);
 * otherwise Eisel-Lemire rounds it correctly (with more digits: when w and
 * w + 1 round alike, the value between them does too); what neither
 * settles goes to `slowNumber`, parseSpiceNumber itself. Number() is correctly rounded, so
 * all three give its double. A scale letter then multiplies it, as
 * parseSpiceNumber does.
 */
function parseNumber(p0: usize, e: usize): f64 {
  let p = p0;
  let c: u32 = load<u8>(p);
  const neg = c == 45;
  if (neg || c == 43) p++;
  let w: u64 = 0;
  let digits = 0; // all mantissa digits
  let sig = 0; // significant digits (from the first nonzero one)
  let frac = 0;
  let drop = 0; // integer digits past the 19th: each one a factor 10
  let inexact = false; // a nonzero digit past the 19th
  while (p < e && isDigit((c = load<u8>(p)))) {
    if (sig > 0 || c != 48) {
      if (sig < 19) w = w * 10 + <u64>(c - 48);
      else {
        drop++;
        if (c != 48) inexact = true;
      }
      sig++;
    }
    digits++;
    p++;
  }
  if (p < e && load<u8>(p) == 46) {
    p++;
    while (p < e && isDigit((c = load<u8>(p)))) {
      if (sig > 0 || c != 48) {
        if (sig < 19) {
          w = w * 10 + <u64>(c - 48);
          frac++;
        } else if (c != 48) inexact = true;
        sig++;
      } else frac++;
      digits++;
      p++;
    }
  }
  if (digits == 0) return NaN;
  let exp = 0;
  if (p < e && fold(load<u8>(p)) == 101) {
    // An exponent needs digits after the e (and its sign); otherwise the e is a unit letter.
    let q = p + 1;
    let eneg = false;
    if (q < e && (load<u8>(q) == 43 || load<u8>(q) == 45)) {
      eneg = load<u8>(q) == 45;
      q++;
    }
    if (q < e && isDigit(load<u8>(q))) {
      while (q < e && isDigit((c = load<u8>(q)))) {
        if (exp < 100000) exp = exp * 10 + <i32>(c - 48); // beyond any double either way
        q++;
      }
      if (eneg) exp = -exp;
      p = q;
    }
  }
  if (p < e) {
    // Letters only (anything else goes to the full reader).
    for (let q = p; q < e; q++) if (fold(load<u8>(q)) - 97 >= 26) return NaN;
  }
  const k = exp - frac + drop;
  let v: f64;
  if (w == 0) return 0; // zero: not taken anyway
  if (w <= 9007199254740992 && k >= -22 && k <= 22) v = k >= 0 ? <f64>w * POW10[k] : <f64>w / POW10[-k];
  else {
    v = eiselLemire(w, k);
    // Digits past the 19th put the value strictly between w * 10^k and (w + 1) * 10^k: decided when both round alike.
    if (inexact && v != eiselLemire(w + 1, k)) v = NaN;
  }
  if (isNaN(v)) {
    slowCount++;
    return slowNumber(p0, e);
  }
  if (p < e) {
    // A scale factor, then ignored units.
    const c0 = fold(load<u8>(p));
    const two = e - p >= 3;
    if (c0 == 109 && two && fold(load<u8>(p + 1)) == 101 && fold(load<u8>(p + 2)) == 103) v *= SCALE[9]; // meg
    else if (c0 == 109 && two && fold(load<u8>(p + 1)) == 105 && fold(load<u8>(p + 2)) == 108) v *= SCALE[10]; // mil
    else if (c0 == 116) v *= SCALE[0];
    else if (c0 == 103) v *= SCALE[1];
    else if (c0 == 107) v *= SCALE[2];
    else if (c0 == 109) v *= SCALE[3];
    else if (c0 == 117) v *= SCALE[4];
    else if (c0 == 110) v *= SCALE[5];
    else if (c0 == 112) v *= SCALE[6];
    else if (c0 == 102) v *= SCALE[7];
    else if (c0 == 97) v *= SCALE[8];
  }
  return neg ? -v : v;
}

/** Offset of the next LF at or after p, or e. */
function lineEnd(p: usize, e: usize): usize {
  while (p < e && load<u8>(p) != 10) p++;
  return p;
}

/** True when the next line from p that is not blank or a `*` comment starts with `+`. */
function continues(p: usize, e: usize): bool {
  while (p < e) {
    p = skipBlank(p, e);
    if (p >= e) return false;
    const c = load<u8>(p);
    if (c == 43) return true;
    if (c != 10 && c != 13 && c != 42) return false;
    const n = lineEnd(p, e);
    if (n >= e) return false;
    p = n + 1;
  }
  return false;
}

/** Where the line after the last line `takeLine` took starts (or the text end). */
let nextLine: usize = 0;

/**
 * Read one field from p (not blank) up to a separator: its end, with its
 * case-folded FNV-1a hash in `fieldHash`; 0 when it holds a special character.
 */
let fieldHash: i32 = 0;
@inline function readField(p: usize, e: usize): usize {
  let h: i32 = <i32>0x811c9dc5;
  for (; p < e; p++) {
    const c: u32 = load<u8>(p);
    const k = cls(c);
    if (k != 0) {
      if (k == SPECIAL) return 0;
      break; // space, tab, CR or LF
    }
    h = (h ^ <i32>fold(c)) * 0x01000193;
  }
  fieldHash = h;
  return p;
}

@inline function skipSpace(p: usize, e: usize): usize {
  while (p < e && cls(load<u8>(p)) == SPACE) p++;
  return p;
}

/** Smallest positive normal double. */
const MIN_NORMAL: f64 = 2.2250738585072014e-308;

/**
 * Take the line starting at p when it is a plain resistor line (text ends at
 * e): true, with `nextLine` set; false leaves everything as it was.
 */
function takeLine(p: usize, e: usize, lineNo: i32): bool {
  const start = p;
  p = skipBlank(p, e);
  if (p >= e || fold(load<u8>(p)) != 114) return false; // r
  // Four fields in one pass over the bytes, hashed as they are read.
  const n0 = p;
  const n1 = readField(p, e);
  if (n1 == 0) return false;
  const hName = fieldHash;
  const a0 = skipSpace(n1, e);
  const a1 = readField(a0, e);
  if (a1 == 0) return false;
  const hA = fieldHash;
  const b0 = skipSpace(a1, e);
  const b1 = readField(b0, e);
  if (b1 == 0) return false;
  const hB = fieldHash;
  const v0 = skipSpace(b1, e);
  const v1 = readField(v0, e);
  if (v1 == 0) return false;
  const le = skipSpace(v1, e);
  // Fewer fields (an empty one) or a fifth field: not a plain line.
  if (a0 == a1 || b0 == b1 || v0 == v1 || (le < e && load<u8>(le) != 10)) return false;
  const ohms = parseNumber(v0, v1);
  // Zero, subnormal (1e-320: no finite conductance) and infinite values go to the tokenizer, which refuses them.
  if (!(abs(ohms) >= MIN_NORMAL && isFinite(ohms))) return false;
  const next = le < e ? le + 1 : e;
  if (continues(next, e)) return false;
  if (findName(n0, n1, hName) >= 0) return false; // a duplicate: the tokenizer's path reports it
  const row = nRows;
  const na = node(a0, a1, hA, row, 0);
  const nb = node(b0, b1, hB, row, 1);
  join(na, nb);
  store<i32>(rLineStart + (<usize>row << 2), <i32>start);
  store<i32>(rLineNo + (<usize>row << 2), lineNo);
  store<i32>(rA + (<usize>row << 2), na);
  store<i32>(rB + (<usize>row << 2), nb);
  store<i32>(rHash + (<usize>row << 2), hName);
  store<f64>(rOhms + (<usize>row << 3), ohms);
  tableInsert(nameSlots, nameMask, hName, row);
  nRows = row + 1;
  nextLine = next;
  return true;
}

/**
 * Take consecutive plain resistor lines starting at the line that begins at
 * p, in text ending at e; line numbers count from `lineNo`. Returns where it
 * stopped (the start of the first line not taken, or e); `linesTaken()` says
 * how many lines were taken and `wasFull()` whether it stopped for room.
 */
export function scan(p: usize, e: usize, lineNo: i32): usize {
  taken = 0;
  full = 0;
  while (p < e) {
    if (nRows >= rowCap || nNodes + 2 > nodeCap) {
      full = 1;
      break;
    }
    if (!takeLine(p, e, lineNo + taken)) break;
    taken++;
    p = nextLine;
  }
  return p;
}

export function linesTaken(): i32 {
  return taken;
}
export function wasFull(): i32 {
  return full;
}
export function rows(): i32 {
  return nRows;
}
export function nodes(): i32 {
  return nNodes;
}
/** Addresses of the arrays (they move when room is made). */
export function rowArrays(which: i32): usize {
  switch (which) {
    case 0:
      return rLineStart;
    case 1:
      return rLineNo;
    case 2:
      return rA;
    case 3:
      return rB;
    default:
      return rOhms;
  }
}
export function nodeArrays(which: i32): usize {
  switch (which) {
    case 0:
      return nStart;
    case 1:
      return nLen;
    case 2:
      return nFirstRow;
    default:
      return nFirstTerm;
  }
}
