import { describe, expect, it } from "vitest";
import { applyChunk } from "../src/train/chunk-update.js";
import { WasmUpdateKernel } from "../src/train/update-kernel.js";
import { createBankMemory, kernelScratchBytes, useBank } from "../src/devices/resistor/bank-memory.js";

/** Park-Miller: a fixed stream of numbers in (0, 1). */
function stream(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

/**
 * The deferred mini-batch update of a dense block: the SIMD kernel against
 * the per-device definition (g += st * sum_b f_b (dr_bi - dc_bj)(sr_bi - sc_bj),
 * i.e. the difference of the squared drops of the two phases, then clipped)
 * and against the JavaScript kernel, bit for bit.
 */
describe("WebAssembly SIMD update kernel", () => {
  const kernel = WasmUpdateKernel.create();
  it("exists on this engine (Node >= 16.4 runs WebAssembly SIMD)", () => {
    expect(kernel).not.toBeNull();
  });

  for (const [M, N] of [
    [7, 5],
    [64, 10],
    [33, 1],
    [12, 2],
  ] as const) {
    it(`${M} x ${N} block: bitwise equal to the JavaScript kernel, and the definition to 1e-12, with both clips active`, () => {
      const rnd = stream(M * 100 + N);
      const B = 4;
      // Inputs (rows) clamped in some rows (dr = 0), unlit in others (sr = 0 too), free in the rest.
      const dr = new Float64Array(B * M), sr = new Float64Array(B * M);
      for (let b = 0; b < B; b++)
        for (let i = 0; i < M; i++) {
          const kind = i % 3;
          sr[b * M + i] = kind === 0 ? 0 : (rnd() - 0.5) * 4;
          dr[b * M + i] = kind === 2 ? (rnd() - 0.5) * 0.1 : 0;
        }
      const dc = new Float64Array(B * N).map(() => (rnd() - 0.5) * 0.2);
      const sc = new Float64Array(B * N).map(() => (rnd() - 0.5) * 2);
      const f = new Float64Array([1, -0.5, 0.75, 1]);
      for (const cnt of [1, 2, 3, 4]) {
        const g0 = new Float64Array(M * N + 3).map(() => 1e-5 + rnd() * 1e-5);
        const gJs = g0.slice(), gWasm = g0.slice();
        const lo = 1.1e-5, hi = 1.9e-5, st = 1e-6, slot0 = 3;
        const blk = { k0: 0, slot0, M, N, rows: new Int32Array(M), cols: new Int32Array(N) };
        const sumJs = new Float64Array(N), sumWasm = new Float64Array(N);
        applyChunk(gJs, blk, { dr, sr, dc, sc }, f, 0, cnt, st, lo, hi, new Float64Array(N), sumJs);
        kernel!.apply(gWasm, blk, { dr, sr, dc, sc }, f, 0, cnt, st, lo, hi, sumWasm);
        expect(Array.from(gWasm)).toEqual(Array.from(gJs));
        expect(Array.from(sumWasm)).toEqual(Array.from(sumJs));
        let clippedLo = 0, clippedHi = 0;
        for (let i = 0; i < M; i++)
          for (let j = 0; j < N; j++) {
            let c = 0;
            for (let b = 0; b < cnt; b++) c += f[b]! * (dr[b * M + i]! - dc[b * N + j]!) * (sr[b * M + i]! - sc[b * N + j]!);
            const want = Math.min(hi, Math.max(lo, g0[slot0 + i * N + j]! + st * c));
            if (want === lo) clippedLo++;
            if (want === hi) clippedHi++;
            expect(Math.abs(gWasm[slot0 + i * N + j]! - want)).toBeLessThanOrEqual(1e-12 * hi);
          }
        expect(clippedLo + clippedHi, "the clip is exercised").toBeGreaterThan(0);
        expect(gWasm.subarray(0, slot0)).toEqual(g0.subarray(0, slot0));
        for (let j = 0; j < N; j++) {
          let s = 0;
          for (let i = 0; i < M; i++) s += gWasm[slot0 + i * N + j]!;
          expect(sumWasm[j]).toBeCloseTo(s, 15);
        }
      }
    });
  }

  it("in place on a bank memory (threaded training's shared conductances): bitwise the copying kernel's result, and nothing outside the block moves", () => {
    const M = 40, N = 7, B = 4, slot0 = 11;
    const rnd = stream(77);
    const dr = new Float64Array(B * M).map((_, k) => (k % 3 === 0 ? 0 : (rnd() - 0.5) * 0.1));
    const sr = new Float64Array(B * M).map(() => (rnd() - 0.5) * 4);
    const dc = new Float64Array(B * N).map(() => (rnd() - 0.5) * 0.2);
    const sc = new Float64Array(B * N).map(() => (rnd() - 0.5) * 2);
    const f = new Float64Array([1, -0.5, 0.75, 1]);
    const count = slot0 + M * N + 5;
    const bank = createBankMemory(count, 2, kernelScratchBytes([{ M, N }]));
    useBank(bank, 1);
    const g = new Float64Array(bank.memory.buffer, bank.byteOffset, count);
    for (let k = 0; k < count; k++) g[k] = 1e-5 + rnd() * 1e-5;
    const plain = g.slice();
    const blk = { k0: 0, slot0, M, N, rows: new Int32Array(M), cols: new Int32Array(N) };
    const sumShared = new Float64Array(N), sumPlain = new Float64Array(N);
    const onBank = WasmUpdateKernel.for(g)!;
    expect(onBank).not.toBe(WasmUpdateKernel.for(plain));
    onBank.apply(g, blk, { dr, sr, dc, sc }, f, 0, 4, 1e-6, 1.1e-5, 1.9e-5, sumShared);
    WasmUpdateKernel.for(plain)!.apply(plain, blk, { dr, sr, dc, sc }, f, 0, 4, 1e-6, 1.1e-5, 1.9e-5, sumPlain);
    expect(Array.from(g)).toEqual(Array.from(plain));
    expect(Array.from(sumShared)).toEqual(Array.from(sumPlain));
  });
});
