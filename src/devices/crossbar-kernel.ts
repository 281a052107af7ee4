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
 * Why: with the inputs clamped this runs once per training sample over the
 * lit rows of the input crossbar (about 300 x 100 for an MNIST digit on the
 * doubled 1568 x 100 block); V8's loop spends 3-6 ns per multiply-add on
 * this machine, the packed SIMD loop well under one, copying the lit rows
 * into the module's memory included.
 */
import { CROSSBAR_KERNEL_WASM } from "./crossbar-kernel.wasm.js";

interface Exports {
  memory: WebAssembly.Memory;
  litRows(src: number, vals: number, nR: number, N: number, out: number): void;
}

let compiled: WebAssembly.Module | null | undefined;
let shared: CrossbarKernel | null | undefined;

export class CrossbarKernel {
  private f64 = new Float64Array(0);

  private constructor(private readonly x: Exports) {}

  /** The process's kernel (one instance: the calls are synchronous), or null without WebAssembly SIMD or with EQSPICE_NO_WASM set. */
  static get(): CrossbarKernel | null {
    if (shared !== undefined) return shared;
    if (process.env.EQSPICE_NO_WASM) return (shared = null);
    if (compiled === undefined) {
      try {
        compiled = new WebAssembly.Module(Buffer.from(CROSSBAR_KERNEL_WASM, "base64"));
      } catch {
        compiled = null;
      }
    }
    if (!compiled) return (shared = null);
    const abort = (): never => {
      throw new Error("internal: crossbar kernel aborted");
    };
    return (shared = new CrossbarKernel(new WebAssembly.Instance(compiled, { env: { abort } }).exports as unknown as Exports));
  }

  /**
   * colI[0..N) += sum_i g[slot0 + i N + j] v_i over the rows i < M whose
   * voltage v_i = Vk[rows[i]] is not 0.
   */
  litRows(g: Float64Array, slot0: number, M: number, N: number, rows: Int32Array, Vk: Float64Array, colI: Float64Array): void {
    // Layout (bytes): out at 16, vals after it, then the packed rows.
    const out = 16;
    const vals = out + 8 * N + 16;
    let nR = 0;
    for (let i = 0; i < M; i++) if (Vk[rows[i]] !== 0) nR++;
    if (nR === 0) return;
    const src = (vals + 8 * nR + 15) & ~15;
    const end = src + 8 * nR * N;
    const mem = this.x.memory;
    if (end > mem.buffer.byteLength) mem.grow(Math.ceil((end - mem.buffer.byteLength) / 65536));
    if (this.f64.buffer !== mem.buffer) this.f64 = new Float64Array(mem.buffer);
    const f = this.f64;
    f.set(colI.subarray(0, N), out / 8);
    let r = 0;
    for (let i = 0; i < M; i++) {
      const v = Vk[rows[i]];
      if (v === 0) continue;
      f[vals / 8 + r] = v;
      const s = slot0 + i * N;
      f.set(g.subarray(s, s + N), src / 8 + r * N);
      r++;
    }
    this.x.litRows(src, vals, nR, N, out);
    colI.set(f.subarray(out / 8, out / 8 + N));
  }
}
