/**
 * The crossbar product of a resistor bank's load (src/devices/resistor/resistor.ts):
 * the current injected into each column j of a crossbar from the rows at a
 * non-zero voltage (the lit pixels of an image input),
 *
 *   out_j += sum_r g_rj v_r   (A, with g in S and v in V),
 *
 * in AssemblyScript with 128-bit SIMD (two float64 lanes); compiled by
 * wasm/build.mjs (twice: with its own memory, into which the caller copies
 * the rows, and on an imported shared memory that holds the bank's
 * conductances), driven by src/devices/resistor/crossbar-kernel.ts. Row r's N
 * conductances start at byte rowPtr[r] (i32). Each column's sum is taken
 * row by row in the caller's order, as the JavaScript loop does (no fused
 * multiply-add): the results are bitwise equal to it.
 */
export function litRows(rowPtr: usize, vals: usize, nR: i32, N: i32, out: usize): void {
  // Row-major: stream four rows at a time through the column sums (which stay in L1), so
  // the rows are read sequentially (a DRN-1H row is 8 KB; walking 300 of them column block
  // by column block thrashed the TLB). Each column still adds the rows in order.
  const even = N & ~1;
  let r = 0;
  for (; r + 4 <= nR; r += 4) {
    const p0 = <usize>load<i32>(rowPtr + (<usize>r << 2));
    const p1 = <usize>load<i32>(rowPtr + (<usize>(r + 1) << 2));
    const p2 = <usize>load<i32>(rowPtr + (<usize>(r + 2) << 2));
    const p3 = <usize>load<i32>(rowPtr + (<usize>(r + 3) << 2));
    const s0 = load<f64>(vals + (<usize>r << 3)), s1 = load<f64>(vals + (<usize>(r + 1) << 3));
    const s2 = load<f64>(vals + (<usize>(r + 2) << 3)), s3 = load<f64>(vals + (<usize>(r + 3) << 3));
    const v0 = f64x2.splat(s0), v1 = f64x2.splat(s1), v2 = f64x2.splat(s2), v3 = f64x2.splat(s3);
    let j = 0;
    for (; j < even; j += 2) {
      const o = <usize>j << 3;
      let a = v128.load(out + o);
      a = f64x2.add(a, f64x2.mul(v128.load(p0 + o), v0));
      a = f64x2.add(a, f64x2.mul(v128.load(p1 + o), v1));
      a = f64x2.add(a, f64x2.mul(v128.load(p2 + o), v2));
      a = f64x2.add(a, f64x2.mul(v128.load(p3 + o), v3));
      v128.store(out + o, a);
    }
    if (j < N) {
      const o = <usize>j << 3;
      let a = load<f64>(out + o);
      a += load<f64>(p0 + o) * s0;
      a += load<f64>(p1 + o) * s1;
      a += load<f64>(p2 + o) * s2;
      a += load<f64>(p3 + o) * s3;
      store<f64>(out + o, a);
    }
  }
  for (; r < nR; r++) {
    const p = <usize>load<i32>(rowPtr + (<usize>r << 2));
    const s = load<f64>(vals + (<usize>r << 3));
    const v = f64x2.splat(s);
    let j = 0;
    for (; j < even; j += 2) {
      const o = <usize>j << 3;
      v128.store(out + o, f64x2.add(v128.load(out + o), f64x2.mul(v128.load(p + o), v)));
    }
    if (j < N) {
      const o = <usize>j << 3;
      store<f64>(out + o, load<f64>(out + o) + load<f64>(p + o) * s);
    }
  }
}
