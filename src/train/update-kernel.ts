/**
 * The deferred mini-batch update of a dense crossbar block on WebAssembly
 * SIMD (wasm/update-kernel.ts), with the same contract as EqModel's
 * JavaScript kernel `applyChunk` (train/model.ts) and bitwise-equal results:
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
 * The block's conductances are copied into the module's memory and back
 * (two memcpy of M*N doubles per call), so the caller's array stays the
 * bank's own (and may be a SharedArrayBuffer view in threaded training).
 */
import { UPDATE_KERNEL_WASM } from "./update-kernel.wasm.js";

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

let compiled: WebAssembly.Module | null | undefined;

function compile(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  try {
    compiled = new WebAssembly.Module(Buffer.from(UPDATE_KERNEL_WASM, "base64"));
  } catch {
    compiled = null; // no WebAssembly SIMD on this engine: callers keep the JavaScript kernel
  }
  return compiled;
}

const align16 = (bytes: number): number => (bytes + 15) & ~15;

export class WasmUpdateKernel {
  private readonly x: Exports;
  private f64 = new Float64Array(0);
  private cap = 0;

  private constructor(x: Exports) {
    this.x = x;
  }

  /** A kernel instance, or null when this engine has no WebAssembly SIMD (or EQSPICE_NO_WASM is set). */
  static create(): WasmUpdateKernel | null {
    if (process.env.EQSPICE_NO_WASM) return null;
    const m = compile();
    if (!m) return null;
    const abort = (): never => {
      throw new Error("internal: update kernel aborted");
    };
    return new WasmUpdateKernel(new WebAssembly.Instance(m, { env: { abort } }).exports as unknown as Exports);
  }

  /** Room for an M x N block, in bytes from offset 0 (grows the memory when needed). */
  private layout(M: number, N: number) {
    const N2 = N + (N & 1);
    const g = 0;
    const rowA = align16(g + 8 * M * N);
    const rowC = rowA + align16(32 * M);
    const rowP = rowC + align16(32 * M);
    const cols = rowP + align16(8 * M);
    const colSum = cols + 72 * N2;
    const end = colSum + 8 * N2;
    if (end > this.cap) {
      const have = this.x.memory.buffer.byteLength;
      if (end > have) this.x.memory.grow(Math.ceil((end - have) / 65536));
      this.cap = this.x.memory.buffer.byteLength;
    }
    if (this.f64.buffer !== this.x.memory.buffer) this.f64 = new Float64Array(this.x.memory.buffer);
    return { g, rowA, rowC, rowP, cols, colSum, N2 };
  }

  /** Same arguments and result as applyChunk (train/model.ts); `slot0` is the block's first slot in g. */
  apply(
    g: Float64Array,
    slot0: number,
    M: number,
    N: number,
    buf: ChunkBuffers,
    f: Float64Array,
    n0: number,
    cnt: number,
    st: number,
    lo: number,
    hi: number,
    colSum: Float64Array | null,
  ): void {
    const L = this.layout(M, N);
    const mem = this.f64;
    const { dr, sr, dc, sc } = buf;
    const n = (k: number) => (k < cnt ? n0 + k : n0);
    const fs = [f[n(0)]!, cnt > 1 ? f[n(1)]! : 0, cnt > 2 ? f[n(2)]! : 0, cnt > 3 ? f[n(3)]! : 0];
    // Columns: Q, then dc_0..dc_3, then sc_0..sc_3 (each padded to N2).
    const c0 = L.cols / 8;
    const N2 = L.N2;
    for (let b = 0; b < 4; b++) {
      mem.set(dc.subarray(n(b) * N, n(b) * N + N), c0 + (1 + b) * N2);
      mem.set(sc.subarray(n(b) * N, n(b) * N + N), c0 + (5 + b) * N2);
    }
    for (let j = 0; j < N; j++) {
      let q = 0;
      for (let b = 0; b < 4; b++) q += fs[b]! * mem[c0 + (1 + b) * N2 + j]! * mem[c0 + (5 + b) * N2 + j]!;
      // The JavaScript kernel's order: f0 d0 s0 + f1 d1 s1 + f2 d2 s2 + f3 d3 s3.
      mem[c0 + j] = q;
    }
    // Rows: a_bi = f_b dr_bi, c_bi = f_b sr_bi, P_i = sum_b a_bi sr_bi.
    const a0 = L.rowA / 8, k0 = L.rowC / 8, p0 = L.rowP / 8;
    for (let i = 0; i < M; i++) {
      let P = 0;
      for (let b = 0; b < 4; b++) {
        const r = n(b) * M + i;
        const a = fs[b]! * dr[r]!;
        mem[a0 + b * M + i] = a;
        mem[k0 + b * M + i] = fs[b]! * sr[r]!;
        P += a * sr[r]!;
      }
      mem[p0 + i] = P;
    }
    mem.set(g.subarray(slot0, slot0 + M * N), L.g / 8);
    this.x.update(L.g, M, N, L.rowA, L.rowC, L.rowP, L.cols, L.colSum, st, lo, hi, colSum ? 1 : 0);
    g.set(mem.subarray(L.g / 8, L.g / 8 + M * N), slot0);
    if (colSum) colSum.set(mem.subarray(L.colSum / 8, L.colSum / 8 + N));
  }
}
