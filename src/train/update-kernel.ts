/**
 * The deferred mini-batch update of a dense crossbar block on WebAssembly
 * SIMD (wasm/update-kernel.ts), with the same contract as EqModel's
 * JavaScript kernel `applyChunk` (train/chunk-update.ts) and bitwise-equal results:
 * for up to four samples n0..n0+cnt-1 of a deferred batch,
 *
 *   g_ij += st [P_i + Q_j - sum_b f_b (dr_bi sc_bj + sr_bi dc_bj)],  clipped to [lo, hi] (S),
 *
 * P_i = sum_b f_b dr_bi sr_bi and Q_j = sum_b f_b dc_bj sc_bj, with dr, sr
 * (rows) and dc, sc (columns) the differences and sums of the two phases'
 * voltages (V) at the block's terminals, sample-major.
 *
 * Why: the update streams every conductance of the block once per batch of
 * four. In JavaScript that loop costs 5-13 ns per conductance (V8 does not
 * vectorize it, and the clip is a pair of branches); two float64 lanes and
 * branch-free min/max cost about a nanosecond.
 *
 * Conductances that live in a shared bank memory registered by this thread
 * (devices/resistor/bank-memory.ts: threaded training) are updated in place by an
 * instance on that memory; any other array is copied into the module's own
 * memory and back (two memcpy of M*N doubles per call).
 */
import { UPDATE_KERNEL_SHARED_WASM, UPDATE_KERNEL_WASM } from "./update-kernel.wasm.js";
import { scratchFor } from "../devices/resistor/bank-memory.js";
import { compiledModule } from "../util/wasm.js";

interface Exports {
  memory: WebAssembly.Memory;
  update(
    g: number, M: number, N: number, rowA: number, rowC: number, rowP: number, cols: number, colSum: number,
    st: number, lo: number, hi: number, sums: number,
  ): void;
}

export interface ChunkBuffers {
  dr: Float64Array;
  sr: Float64Array;
  dc: Float64Array;
  sc: Float64Array;
}

const abort = (): never => {
  throw new Error("internal: update kernel aborted");
};

let own: WasmUpdateKernel | null | undefined;
const onBank = new WeakMap<WebAssembly.Memory, WasmUpdateKernel | null>();

const align16 = (bytes: number): number => (bytes + 15) & ~15;

export class WasmUpdateKernel {
  private readonly x: Exports;
  private f64 = new Float64Array(0);
  private cap = 0;

  /**
   * @param memory the module's own memory (base 0, grows as needed) or a bank memory
   * @param base, bytes this thread's scratch region in a bank memory (bytes = Infinity for the own memory)
   */
  private constructor(
    x: Exports,
    private readonly memory: WebAssembly.Memory,
    private readonly base: number,
    private readonly bytes: number,
  ) {
    this.x = x;
  }

  /** A kernel with its own memory, or null when this engine has no WebAssembly SIMD (or EQSPICE_NO_WASM is set). */
  static create(): WasmUpdateKernel | null {
    if (process.env.EQSPICE_NO_WASM) return null;
    const m = compiledModule(UPDATE_KERNEL_WASM);
    if (!m) return null;
    const x = new WebAssembly.Instance(m, { env: { abort } }).exports as unknown as Exports;
    return new WasmUpdateKernel(x, x.memory, 0, Infinity);
  }

  /** The kernel for conductances `g`: in place on their bank memory when this thread registered it, else one with its own memory (per thread). */
  static for(g: Float64Array): WasmUpdateKernel | null {
    const s = scratchFor(g);
    if (!s || process.env.EQSPICE_NO_WASM) return own !== undefined ? own : (own = WasmUpdateKernel.create());
    let k = onBank.get(s.memory);
    if (k === undefined) {
      const m = compiledModule(UPDATE_KERNEL_SHARED_WASM);
      k = m ? new WasmUpdateKernel(new WebAssembly.Instance(m, { env: { memory: s.memory, abort } }).exports as unknown as Exports, s.memory, s.base, s.bytes) : null;
      onBank.set(s.memory, k);
    }
    return k ?? (own !== undefined ? own : (own = WasmUpdateKernel.create()));
  }

  /**
   * Byte offsets for an M x N block: the block itself (its place in the bank
   * memory when `inPlace`, else copied to the start of the scratch), then the
   * row and column factors. Grows the own memory when needed.
   */
  private layout(M: number, N: number, inPlace: boolean, gAt: number) {
    const N2 = N + (N & 1);
    const g = inPlace ? gAt : this.base;
    const rowA = align16(inPlace ? this.base : g + 8 * M * N);
    const rowC = rowA + align16(32 * M);
    const rowP = rowC + align16(32 * M);
    const cols = rowP + align16(8 * M);
    const colSum = cols + 72 * N2;
    const end = colSum + 8 * N2;
    if (end > this.base + this.bytes) throw new Error(`internal: update kernel scratch holds ${this.bytes} bytes, needs ${end - this.base}`);
    if (end > this.cap) {
      const have = this.memory.buffer.byteLength;
      if (end > have) this.memory.grow(Math.ceil((end - have) / 65536));
      this.cap = this.memory.buffer.byteLength;
    }
    if (this.f64.buffer !== this.memory.buffer) this.f64 = new Float64Array(this.memory.buffer);
    return { g, rowA, rowC, rowP, cols, colSum, N2 };
  }

  /** One sample's column factors dc and sc (N each, from offset o) to their places in the module's memory. */
  private column(mem: Float64Array, dc: Float64Array, sc: Float64Array, o: number, N: number, atD: number, atS: number): void {
    mem.set(dc.subarray(o, o + N), atD);
    mem.set(sc.subarray(o, o + N), atS);
  }

  /** Same arguments and result as applyChunk (train/chunk-update.ts), which needs no scratch here. */
  apply(
    g: Float64Array,
    blk: { slot0: number; M: number; N: number },
    buf: ChunkBuffers,
    f: Float64Array,
    n0: number,
    cnt: number,
    st: number,
    lo: number,
    hi: number,
    colSum: Float64Array | null,
  ): void {
    const { slot0, M, N } = blk;
    const inPlace = g.buffer === this.memory.buffer;
    const L = this.layout(M, N, inPlace, g.byteOffset + 8 * slot0);
    const mem = this.f64;
    const { dr, sr, dc, sc } = buf;
    // Missing samples of a short chunk read sample n0 with factor 0 (as applyChunk does).
    const i0 = n0, i1 = cnt > 1 ? n0 + 1 : n0, i2 = cnt > 2 ? n0 + 2 : n0, i3 = cnt > 3 ? n0 + 3 : n0;
    const f0 = f[i0]!, f1 = cnt > 1 ? f[i1]! : 0, f2 = cnt > 2 ? f[i2]! : 0, f3 = cnt > 3 ? f[i3]! : 0;
    // Columns: Q, then dc_0..dc_3, then sc_0..sc_3 (each padded to N2).
    const c0 = L.cols / 8;
    const N2 = L.N2;
    this.column(mem, dc, sc, i0 * N, N, c0 + N2, c0 + 5 * N2);
    this.column(mem, dc, sc, i1 * N, N, c0 + 2 * N2, c0 + 6 * N2);
    this.column(mem, dc, sc, i2 * N, N, c0 + 3 * N2, c0 + 7 * N2);
    this.column(mem, dc, sc, i3 * N, N, c0 + 4 * N2, c0 + 8 * N2);
    // Q_j in applyChunk's order: f0 d0 s0 + f1 d1 s1 + f2 d2 s2 + f3 d3 s3.
    for (let j = 0, o = i0 * N, p = i1 * N, q = i2 * N, r = i3 * N; j < N; j++) {
      mem[c0 + j] = f0 * dc[o + j]! * sc[o + j]! + f1 * dc[p + j]! * sc[p + j]! + f2 * dc[q + j]! * sc[q + j]! + f3 * dc[r + j]! * sc[r + j]!;
    }
    // Rows: a_bi = f_b dr_bi, c_bi = f_b sr_bi, P_i = a_0i sr_0i + a_1i sr_1i + a_2i sr_2i + a_3i sr_3i.
    const a0 = L.rowA / 8, k0 = L.rowC / 8, p0 = L.rowP / 8;
    const r0 = i0 * M, r1 = i1 * M, r2 = i2 * M, r3 = i3 * M;
    for (let i = 0; i < M; i++) {
      const x0 = f0 * dr[r0 + i]!, x1 = f1 * dr[r1 + i]!, x2 = f2 * dr[r2 + i]!, x3 = f3 * dr[r3 + i]!;
      mem[a0 + i] = x0;
      mem[a0 + M + i] = x1;
      mem[a0 + 2 * M + i] = x2;
      mem[a0 + 3 * M + i] = x3;
      mem[k0 + i] = f0 * sr[r0 + i]!;
      mem[k0 + M + i] = f1 * sr[r1 + i]!;
      mem[k0 + 2 * M + i] = f2 * sr[r2 + i]!;
      mem[k0 + 3 * M + i] = f3 * sr[r3 + i]!;
      mem[p0 + i] = x0 * sr[r0 + i]! + x1 * sr[r1 + i]! + x2 * sr[r2 + i]! + x3 * sr[r3 + i]!;
    }
    if (!inPlace) mem.set(g.subarray(slot0, slot0 + M * N), L.g / 8);
    this.x.update(L.g, M, N, L.rowA, L.rowC, L.rowP, L.cols, L.colSum, st, lo, hi, colSum ? 1 : 0);
    if (!inPlace) g.set(mem.subarray(L.g / 8, L.g / 8 + M * N), slot0);
    if (colSum) colSum.set(mem.subarray(L.colSum / 8, L.colSum / 8 + N));
  }
}
