/**
 * The deferred mini-batch update of one dense crossbar block (EqModel.accumulate
 * and applyBatch, train/model.ts; split across threads by train/parallel.ts):
 * the JavaScript kernel `applyChunk`, the reference, and `chunkUpdate`, which
 * runs the WebAssembly SIMD kernel with the same result when it can.
 */
import type { DenseBlock } from "../solver/dense-blocks.js";
import { WasmUpdateKernel, type ChunkBuffers } from "./update-kernel.js";

/**
 * applyChunk on the WebAssembly SIMD kernel when this engine has one
 * (train/update-kernel.ts: the same operations in the same order, so the
 * same conductances bit for bit; in place when g lives in a bank memory this
 * thread registered), else applyChunk itself.
 */
export function chunkUpdate(
  g: Float64Array,
  blk: DenseBlock,
  buf: ChunkBuffers,
  f: Float64Array,
  n0: number,
  cnt: number,
  st: number,
  lo: number,
  hi: number,
  Q: Float64Array,
  colSum: Float64Array | null,
): void {
  const simdKernel = WasmUpdateKernel.for(g);
  if (simdKernel) simdKernel.apply(g, blk, buf, f, n0, cnt, st, lo, hi, colSum);
  else applyChunk(g, blk, buf, f, n0, cnt, st, lo, hi, Q, colSum);
}

/**
 * Update one dense block by up to four samples n0..n0+cnt-1 of a deferred
 * batch (see EqModel.accumulate): g_ij += st [P_i + Q_j - sum_b f_b (dr_bi sc_bj + sr_bi dc_bj)],
 * clipped to [lo, hi]. `Q` is scratch of length >= N. Rows are independent, so a
 * caller may pass a block of some of the rows (train/parallel.ts, one range per thread).
 */
export function applyChunk(
  g: Float64Array,
  blk: DenseBlock,
  buf: ChunkBuffers,
  f: Float64Array,
  n0: number,
  cnt: number,
  st: number,
  lo: number,
  hi: number,
  Q: Float64Array,
  colSum: Float64Array | null,
): void {
  const { M, N } = blk;
  const { dr, sr, dc, sc } = buf;
  // Missing samples of a short chunk read sample n0 with factor 0.
  const n = (k: number) => (k < cnt ? n0 + k : n0);
  const f0 = f[n(0)];
  const f1 = cnt > 1 ? f[n(1)] : 0;
  const f2 = cnt > 2 ? f[n(2)] : 0;
  const f3 = cnt > 3 ? f[n(3)] : 0;
  const d0 = dc.subarray(n(0) * N, n(0) * N + N), d1 = dc.subarray(n(1) * N, n(1) * N + N);
  const d2 = dc.subarray(n(2) * N, n(2) * N + N), d3 = dc.subarray(n(3) * N, n(3) * N + N);
  const s0 = sc.subarray(n(0) * N, n(0) * N + N), s1 = sc.subarray(n(1) * N, n(1) * N + N);
  const s2 = sc.subarray(n(2) * N, n(2) * N + N), s3 = sc.subarray(n(3) * N, n(3) * N + N);
  for (let j = 0; j < N; j++) Q[j] = f0 * d0[j] * s0[j] + f1 * d1[j] * s1[j] + f2 * d2[j] * s2[j] + f3 * d3[j] * s3[j];
  const r0 = n(0) * M, r1 = n(1) * M, r2 = n(2) * M, r3 = n(3) * M;
  let s = blk.slot0;
  for (let i = 0; i < M; i++) {
    const c0 = f0 * sr[r0 + i], c1 = f1 * sr[r1 + i], c2 = f2 * sr[r2 + i], c3 = f3 * sr[r3 + i];
    const a0 = f0 * dr[r0 + i], a1 = f1 * dr[r1 + i], a2 = f2 * dr[r2 + i], a3 = f3 * dr[r3 + i];
    if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) {
      // A row fixed by a source (a data input): the same voltage in both phases.
      if (c0 === 0 && c1 === 0 && c2 === 0 && c3 === 0) {
        // ... at 0 V in every sample (an unlit pixel): only the per-column term.
        for (let j = 0; j < N; j++, s++) {
          const v = g[s] + Q[j] * st;
          g[s] = v < lo ? lo : v > hi ? hi : v;
        }
      } else {
        for (let j = 0; j < N; j++, s++) {
          const v = g[s] + (Q[j] - c0 * d0[j] - c1 * d1[j] - c2 * d2[j] - c3 * d3[j]) * st;
          g[s] = v < lo ? lo : v > hi ? hi : v;
        }
      }
    } else {
      const P = a0 * sr[r0 + i] + a1 * sr[r1 + i] + a2 * sr[r2 + i] + a3 * sr[r3 + i];
      for (let j = 0; j < N; j++, s++) {
        const v = g[s] + (P + Q[j] - c0 * d0[j] - c1 * d1[j] - c2 * d2[j] - c3 * d3[j] - a0 * s0[j] - a1 * s1[j] - a2 * s2[j] - a3 * s3[j]) * st;
        g[s] = v < lo ? lo : v > hi ? hi : v;
      }
    }
    if (colSum) {
      // Column sums of the new row, in the bank's order (row by row): see ResistorBank.adoptColumnSums.
      const r0s = s - N;
      if (i === 0) for (let j = 0; j < N; j++) colSum[j] = g[r0s + j];
      else for (let j = 0; j < N; j++) colSum[j] += g[r0s + j];
    }
  }
}
