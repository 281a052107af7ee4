/**
 * The crossbar product of ResistorBank.load on WebAssembly SIMD
 * (wasm/crossbar-kernel.ts): for a dense block of conductances g (S, M x N,
 * row-major from slot0) from fixed rows to free columns,
 *
 *   colI_j += sum over rows i with v_i != 0 of g_ij v_i   (A),
 *
 * the rows taken in order, so the sums are bitwise those of the JavaScript
 * loop it replaces (which stays the fallback: EQSPICE_NO_WASM=1, or no SIMD).
 *
 * Two instances: one with its own memory, into which the lit rows are
 * copied; and, for a bank whose conductances live in a shared bank memory
 * (devices/resistor/bank-memory.ts), one on that memory, which reads them in place.
 *
 * Why: with the inputs clamped this runs once per training sample over the
 * lit rows of the input crossbar (about 300 x 100 for an MNIST digit on the
 * doubled 1568 x 100 block); V8's loop spends 3-6 ns per multiply-add on
 * this machine, the SIMD loop well under one.
 */
import { CROSSBAR_KERNEL_SHARED_WASM, CROSSBAR_KERNEL_WASM } from "./crossbar-kernel.wasm.js";
import { scratchFor } from "./bank-memory.js";
import { compiledModule } from "../../util/wasm.js";

interface Exports {
  litRows(rowPtr: number, vals: number, nR: number, N: number, out: number): void;
}

const abort = (): never => {
  throw new Error("internal: crossbar kernel aborted");
};

/** Byte offsets of one call's scratch arrays (see CrossbarKernel.scratch). */
interface Offsets {
  out: number;
  vals: number;
  ptrs: number;
  packed: number;
  inPlace: boolean;
}

let own: CrossbarKernel | null | undefined;
const onBank = new WeakMap<WebAssembly.Memory, CrossbarKernel | null>();

export class CrossbarKernel {
  private f64: Float64Array;
  private i32: Int32Array;

  private constructor(
    private readonly x: Exports,
    private readonly memory: WebAssembly.Memory,
    /** Scratch [base, base + bytes) of this thread (bank memory), or the whole own memory (bytes = Infinity: it grows). */
    private readonly base: number,
    private readonly bytes: number,
  ) {
    this.f64 = new Float64Array(memory.buffer);
    this.i32 = new Int32Array(memory.buffer);
  }

  /** The kernel with its own memory (one per thread: the calls are synchronous), or null without WebAssembly SIMD or with EQSPICE_NO_WASM set. */
  static get(): CrossbarKernel | null {
    if (own !== undefined) return own;
    const m = process.env.EQSPICE_NO_WASM ? null : compiledModule(CROSSBAR_KERNEL_WASM);
    if (!m) return (own = null);
    const inst = new WebAssembly.Instance(m, { env: { abort } });
    const x = inst.exports as unknown as Exports & { memory: WebAssembly.Memory };
    return (own = new CrossbarKernel(x, x.memory, 16, Infinity));
  }

  /** The kernel for conductances `g`: in place on their bank memory when this thread registered it, else get(). */
  static for(g: Float64Array): CrossbarKernel | null {
    const s = scratchFor(g);
    if (!s || process.env.EQSPICE_NO_WASM) return CrossbarKernel.get();
    let k = onBank.get(s.memory);
    if (k === undefined) {
      const m = compiledModule(CROSSBAR_KERNEL_SHARED_WASM);
      k = m ? new CrossbarKernel(new WebAssembly.Instance(m, { env: { memory: s.memory, abort } }).exports as unknown as Exports, s.memory, s.base, s.bytes) : null;
      onBank.set(s.memory, k);
    }
    return k ?? CrossbarKernel.get();
  }

  /**
   * colI[0..N) += sum_i g[slot0 + i N + j] v_i over the rows i < M whose
   * voltage v_i = Vk[rows[i]] is not 0.
   */
  litRows(g: Float64Array, slot0: number, M: number, N: number, rows: Int32Array, Vk: Float64Array, colI: Float64Array): void {
    const at = this.scratch(g, M, N);
    let r = 0;
    for (let i = 0; i < M; i++) {
      const v = Vk[rows[i]];
      if (v === 0) continue;
      this.take(g, slot0 + i * N, N, r++, v, at);
    }
    this.run(r, N, colI, at.out);
  }

  /**
   * colI[0..N) += sum_t g[slot0 + lit[t] N + j] vals[t] for t < count, in
   * that order: the lit-row product when the caller knows the lit rows
   * (threaded training builds them from a sample's features).
   */
  litList(g: Float64Array, slot0: number, N: number, lit: Int32Array, vals: Float64Array, count: number, colI: Float64Array): void {
    const at = this.scratch(g, count, N);
    for (let t = 0; t < count; t++) this.take(g, slot0 + lit[t] * N, N, t, vals[t], at);
    this.run(count, N, colI, at.out);
  }

  /**
   * Scratch (bytes from base) for up to M rows of N: out (N), room for M
   * values and M row pointers, then (own memory) M packed rows.
   */
  private scratch(g: Float64Array, M: number, N: number): Offsets {
    const inPlace = g.buffer === this.memory.buffer;
    const out = this.base;
    const vals = (out + 8 * N + 15) & ~15;
    const ptrs = (vals + 8 * M + 15) & ~15;
    const packed = (ptrs + 4 * M + 15) & ~15;
    const end = inPlace ? packed : packed + 8 * M * N;
    if (end > this.base + this.bytes) throw new Error(`internal: crossbar kernel scratch holds ${this.bytes} bytes, needs ${end - this.base}`);
    const mem = this.memory;
    if (end > mem.buffer.byteLength) mem.grow(Math.ceil((end - mem.buffer.byteLength) / 65536));
    if (this.f64.buffer !== mem.buffer) {
      this.f64 = new Float64Array(mem.buffer);
      this.i32 = new Int32Array(mem.buffer);
    }
    const a = this.at;
    a.out = out;
    a.vals = vals;
    a.ptrs = ptrs;
    a.packed = packed;
    a.inPlace = inPlace;
    return a;
  }

  /** Offsets of the current call (one object: no allocation per sample). */
  private readonly at: Offsets = { out: 0, vals: 0, ptrs: 0, packed: 0, inPlace: false };

  /** Row r of the call: value v, conductances from slot s (N). */
  private take(g: Float64Array, s: number, N: number, r: number, v: number, at: Offsets): void {
    const { f64, i32 } = this;
    f64[at.vals / 8 + r] = v;
    if (at.inPlace) i32[at.ptrs / 4 + r] = g.byteOffset + 8 * s;
    else {
      const p = at.packed + 8 * r * N;
      f64.set(g.subarray(s, s + N), p / 8);
      i32[at.ptrs / 4 + r] = p;
    }
  }

  /** colI += the kernel's sums over the r rows taken. */
  private run(r: number, N: number, colI: Float64Array, out: number): void {
    if (r === 0) return;
    const { f64 } = this;
    // Element loops rather than set(subarray): no view object per sample.
    for (let j = 0, o = out / 8; j < N; j++) f64[o + j] = colI[j];
    this.x.litRows(this.at.ptrs, this.at.vals, r, N, out);
    for (let j = 0, o = out / 8; j < N; j++) colI[j] = f64[o + j];
  }
}
