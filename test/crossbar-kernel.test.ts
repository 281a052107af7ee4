import { describe, expect, it } from "vitest";
import { CrossbarKernel } from "../src/devices/resistor/crossbar-kernel.js";
import { createBankMemory, kernelScratchBytes, useBank } from "../src/devices/resistor/bank-memory.js";

/** Park-Miller: a fixed stream of numbers in (0, 1). */
function stream(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

/**
 * The crossbar product of the resistor bank's load on WebAssembly SIMD:
 * the current into each column from the rows at a non-zero voltage, bit
 * for bit the row-by-row sums of the JavaScript loop, and equal to the
 * definition sum_i g_ij v_i to rounding.
 */
describe("crossbar lit-row kernel", () => {
  const kernel = CrossbarKernel.get();
  it("exists on this engine (Node >= 16.4 runs WebAssembly SIMD)", () => {
    expect(kernel).not.toBeNull();
  });

  for (const [M, N] of [
    [1568, 100],
    [50, 7],
    [9, 1],
    [40, 17],
    [3, 2],
  ] as const) {
    it(`${M} x ${N}: bitwise the JavaScript loop's sums, on top of what the columns held`, () => {
      const rnd = stream(M * 7 + N);
      const slot0 = 5;
      const g = Float64Array.from({ length: slot0 + M * N + 3 }, () => 1e-6 + 1e-4 * rnd());
      // Node voltages: about a fifth of the rows lit (as an MNIST digit), the rest at 0 V; rows in a shuffled node order.
      const Vk = Float64Array.from({ length: M + 4 }, () => (rnd() < 0.2 ? 100 * (rnd() - 0.5) : 0));
      const rows = Int32Array.from({ length: M }, (_, i) => (i * 7 + 3) % (M + 4));
      const start = Float64Array.from({ length: N }, () => rnd() - 0.5);
      const want = start.slice();
      let lit = 0;
      for (let i = 0; i < M; i++) {
        const v = Vk[rows[i]!]!;
        if (v === 0) continue;
        lit++;
        for (let j = 0; j < N; j++) want[j] += g[slot0 + i * N + j]! * v;
      }
      const got = start.slice();
      kernel!.litRows(g, slot0, M, N, rows, Vk, got);
      expect(Array.from(got)).toEqual(Array.from(want));
      if (M > 10) expect(lit).toBeGreaterThan(0);
    });
  }

  it("no lit row leaves the columns as they were", () => {
    const colI = new Float64Array([1, 2, 3]);
    kernel!.litRows(new Float64Array(30), 0, 10, 3, Int32Array.from({ length: 10 }, (_, i) => i), new Float64Array(10), colI);
    expect(Array.from(colI)).toEqual([1, 2, 3]);
  });

  it("in place on a bank memory: bitwise the copying kernel's sums", () => {
    const M = 300, N = 13, slot0 = 3;
    const rnd = stream(41);
    const bank = createBankMemory(slot0 + M * N, 1, kernelScratchBytes([{ M, N }]));
    useBank(bank, 0);
    const g = new Float64Array(bank.memory.buffer, bank.byteOffset, slot0 + M * N);
    for (let k = 0; k < g.length; k++) g[k] = 1e-4 * rnd();
    const Vk = Float64Array.from({ length: M }, () => (rnd() < 0.3 ? rnd() - 0.5 : 0));
    const rows = Int32Array.from({ length: M }, (_, i) => i);
    const inPlace = new Float64Array(N), copied = new Float64Array(N);
    const onBank = CrossbarKernel.for(g)!;
    expect(onBank).not.toBe(CrossbarKernel.get());
    onBank.litRows(g, slot0, M, N, rows, Vk, inPlace);
    CrossbarKernel.get()!.litRows(g.slice(), slot0, M, N, rows, Vk, copied);
    expect(Array.from(inPlace)).toEqual(Array.from(copied));
  });

  it("a given list of lit rows (litList), in place and copied: bitwise litRows' sums over the same rows", () => {
    const M = 400, N = 37, slot0 = 2;
    const rnd = stream(77);
    const bank = createBankMemory(slot0 + M * N, 1, kernelScratchBytes([{ M, N }]));
    useBank(bank, 0);
    const g = new Float64Array(bank.memory.buffer, bank.byteOffset, slot0 + M * N);
    for (let k = 0; k < g.length; k++) g[k] = 1e-4 * rnd();
    const Vk = Float64Array.from({ length: M }, () => (rnd() < 0.25 ? rnd() - 0.5 : 0));
    const rows = Int32Array.from({ length: M }, (_, i) => i);
    const lit = new Int32Array(M), vals = new Float64Array(M);
    let c = 0;
    for (let i = 0; i < M; i++) if (Vk[i] !== 0) { lit[c] = i; vals[c++] = Vk[i]!; }
    expect(c).toBeGreaterThan(50);
    const want = new Float64Array(N);
    CrossbarKernel.get()!.litRows(g.slice(), slot0, M, N, rows, Vk, want);
    for (const k of [CrossbarKernel.for(g)!, CrossbarKernel.get()!]) {
      const got = new Float64Array(N);
      k.litList(k === CrossbarKernel.get() ? g.slice() : g, slot0, N, lit, vals, c, got);
      expect(Array.from(got)).toEqual(Array.from(want));
    }
    // A different list gives a different answer (the test can fail).
    const other = new Float64Array(N);
    CrossbarKernel.get()!.litList(g.slice(), slot0, N, lit, vals, c - 1, other);
    expect(Array.from(other)).not.toEqual(Array.from(want));
  });
});
