/**
 * The crossbar product of a resistor bank's load (src/devices/resistor.ts):
 * the current injected into each column j of a crossbar from the rows at a
 * non-zero voltage (the lit pixels of an image input),
 *
 *   out_j += sum_r g_rj v_r   (A, with g in S and v in V),
 *
 * in AssemblyScript with 128-bit SIMD (two float64 lanes); compiled by
 * wasm/build.mjs (twice: with its own memory, into which the caller copies
 * the rows, and on an imported shared memory that holds the bank's
 * conductances), driven by src/devices/crossbar-kernel.ts. Row r's N
 * conductances start at byte rowPtr[r] (i32). Each column's sum is taken
 * row by row in the caller's order, as the JavaScript loop does (no fused
 * multiply-add): the results are bitwise equal to it.
 */
export function litRows(rowPtr: usize, vals: usize, nR: i32, N: i32, out: usize): void {
  let j = 0;
  // Eight columns per pass over the rows: four two-lane accumulators.
  for (; j + 8 <= N; j += 8) {
    const o = <usize>j << 3;
    let a0 = v128.load(out + o), a1 = v128.load(out + o + 16), a2 = v128.load(out + o + 32), a3 = v128.load(out + o + 48);
    for (let r = 0; r < nR; r++) {
      const p = <usize>load<i32>(rowPtr + (<usize>r << 2)) + o;
      const v = f64x2.splat(load<f64>(vals + (<usize>r << 3)));
      a0 = f64x2.add(a0, f64x2.mul(v128.load(p), v));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(p + 16), v));
      a2 = f64x2.add(a2, f64x2.mul(v128.load(p + 32), v));
      a3 = f64x2.add(a3, f64x2.mul(v128.load(p + 48), v));
    }
    v128.store(out + o, a0);
    v128.store(out + o + 16, a1);
    v128.store(out + o + 32, a2);
    v128.store(out + o + 48, a3);
  }
  for (; j + 2 <= N; j += 2) {
    const o = <usize>j << 3;
    let a = v128.load(out + o);
    for (let r = 0; r < nR; r++) {
      const p = <usize>load<i32>(rowPtr + (<usize>r << 2)) + o;
      a = f64x2.add(a, f64x2.mul(v128.load(p), f64x2.splat(load<f64>(vals + (<usize>r << 3)))));
    }
    v128.store(out + o, a);
  }
  if (j < N) {
    const o = <usize>j << 3;
    let a = load<f64>(out + o);
    for (let r = 0; r < nR; r++) a += load<f64>(<usize>load<i32>(rowPtr + (<usize>r << 2)) + o) * load<f64>(vals + (<usize>r << 3));
    store<f64>(out + o, a);
  }
}
