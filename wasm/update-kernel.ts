/**
 * The deferred mini-batch update of one dense crossbar block, in
 * AssemblyScript with 128-bit SIMD (two float64 lanes); compiled by
 * wasm/build.mjs, driven by src/train/update-kernel.ts, which documents the
 * contract and keeps the JavaScript kernel (EqModel's applyChunk) as the
 * reference. Both compute, for up to four samples b of the batch,
 *
 *   g_ij += st [P_i + Q_j - sum_b (c_bi dc_bj) - sum_b (a_bi sc_bj)],  clipped to [lo, hi]
 *
 * with the same operations in the same order (no fused multiply-add), so
 * the two give bitwise-equal conductances (S). The clip is pmax/pmin
 * (x86 maxpd/minpd: `lo < v ? v : lo`, `v < hi ? v : hi`), equal to
 * Math.max/Math.min for every non-NaN v (lo > 0, so no signed zeros meet);
 * f64x2.min/max, which order NaN and -0, compile to a sequence of about
 * eight instructions each in V8 and made the kernel twice as slow. Rows whose a_bi are all 0 (a
 * data input: the same voltage in both phases) skip the a terms; rows whose
 * c_bi are also all 0 (an unlit pixel) take only the column term Q_j.
 *
 * Memory layout (byte offsets chosen by JavaScript, 16-byte aligned, f64):
 *   g      M*N   the block's conductances, row-major (updated in place)
 *   rowA   4*M   a_bi = f_b dr_bi, sample-major
 *   rowC   4*M   c_bi = f_b sr_bi, sample-major
 *   rowP   M     P_i
 *   cols   9*N   Q, dc_0..dc_3, sc_0..sc_3 (N each, N padded to even)
 *   colSum N     written: the column sums of the new g, summed row by row
 *
 * The column sums are taken in the same pass as the update (each new
 * conductance added to its column's sum as it is stored): a second pass over
 * the row cost a third of the kernel's time.
 */

@inline function splat(x: f64): v128 {
  return f64x2.splat(x);
}

/**
 * Store the clipped new conductances v at row + o and, by `mode`, start
 * (1: the block's first row) or add to (2) the column sums at cs + o (0: none).
 */
@inline function put2(row: usize, cs: usize, o: usize, v: v128, vlo: v128, vhi: v128, mode: i32): void {
  const w = f64x2.pmin(vhi, f64x2.pmax(vlo, v));
  v128.store(row + o, w);
  if (mode == 2) v128.store(cs + o, f64x2.add(v128.load(cs + o), w));
  else if (mode == 1) v128.store(cs + o, w);
}

@inline function put1(row: usize, cs: usize, o: usize, v: f64, lo: f64, hi: f64, mode: i32): void {
  const w = v < lo ? lo : v > hi ? hi : v;
  store<f64>(row + o, w);
  if (mode == 2) store<f64>(cs + o, load<f64>(cs + o) + w);
  else if (mode == 1) store<f64>(cs + o, w);
}

export function update(
  g: usize,
  M: i32,
  N: i32,
  rowA: usize,
  rowC: usize,
  rowP: usize,
  cols: usize,
  colSum: usize,
  st: f64,
  lo: f64,
  hi: f64,
  sums: i32,
): void {
  const N2 = (N + 1) & ~1; // the column vectors are padded to an even length
  const stride = <usize>N2 << 3;
  const Q = cols;
  const d0 = Q + stride, d1 = d0 + stride, d2 = d1 + stride, d3 = d2 + stride;
  const s0 = d3 + stride, s1 = s0 + stride, s2 = s1 + stride, s3 = s2 + stride;
  const vst = splat(st), vlo = splat(lo), vhi = splat(hi);
  const even = N & ~1;
  const mBytes = <usize>M << 3;
  const cs = colSum;
  let row = g;
  for (let i = 0; i < M; i++, row += <usize>N << 3) {
    const mode = sums ? (i == 0 ? 1 : 2) : 0;
    const ri = <usize>i << 3;
    const a0 = load<f64>(rowA + ri), a1 = load<f64>(rowA + mBytes + ri), a2 = load<f64>(rowA + 2 * mBytes + ri), a3 = load<f64>(rowA + 3 * mBytes + ri);
    const c0 = load<f64>(rowC + ri), c1 = load<f64>(rowC + mBytes + ri), c2 = load<f64>(rowC + 2 * mBytes + ri), c3 = load<f64>(rowC + 3 * mBytes + ri);
    if (a0 == 0 && a1 == 0 && a2 == 0 && a3 == 0) {
      if (c0 == 0 && c1 == 0 && c2 == 0 && c3 == 0) {
        // An unlit pixel: only the per-column term.
        let j = 0;
        for (; j < even; j += 2) {
          const o = <usize>j << 3;
          put2(row, cs, o, f64x2.add(v128.load(row + o), f64x2.mul(v128.load(Q + o), vst)), vlo, vhi, mode);
        }
        if (j < N) {
          const o = <usize>j << 3;
          put1(row, cs, o, load<f64>(row + o) + load<f64>(Q + o) * st, lo, hi, mode);
        }
      } else {
        const vc0 = splat(c0), vc1 = splat(c1), vc2 = splat(c2), vc3 = splat(c3);
        let j = 0;
        for (; j < even; j += 2) {
          const o = <usize>j << 3;
          let t = f64x2.sub(v128.load(Q + o), f64x2.mul(vc0, v128.load(d0 + o)));
          t = f64x2.sub(t, f64x2.mul(vc1, v128.load(d1 + o)));
          t = f64x2.sub(t, f64x2.mul(vc2, v128.load(d2 + o)));
          t = f64x2.sub(t, f64x2.mul(vc3, v128.load(d3 + o)));
          put2(row, cs, o, f64x2.add(v128.load(row + o), f64x2.mul(t, vst)), vlo, vhi, mode);
        }
        if (j < N) {
          const o = <usize>j << 3;
          const t = load<f64>(Q + o) - c0 * load<f64>(d0 + o) - c1 * load<f64>(d1 + o) - c2 * load<f64>(d2 + o) - c3 * load<f64>(d3 + o);
          put1(row, cs, o, load<f64>(row + o) + t * st, lo, hi, mode);
        }
      }
    } else {
      const P = load<f64>(rowP + ri);
      const vP = splat(P);
      const vc0 = splat(c0), vc1 = splat(c1), vc2 = splat(c2), vc3 = splat(c3);
      const va0 = splat(a0), va1 = splat(a1), va2 = splat(a2), va3 = splat(a3);
      let j = 0;
      for (; j < even; j += 2) {
        const o = <usize>j << 3;
        let t = f64x2.add(vP, v128.load(Q + o));
        t = f64x2.sub(t, f64x2.mul(vc0, v128.load(d0 + o)));
        t = f64x2.sub(t, f64x2.mul(vc1, v128.load(d1 + o)));
        t = f64x2.sub(t, f64x2.mul(vc2, v128.load(d2 + o)));
        t = f64x2.sub(t, f64x2.mul(vc3, v128.load(d3 + o)));
        t = f64x2.sub(t, f64x2.mul(va0, v128.load(s0 + o)));
        t = f64x2.sub(t, f64x2.mul(va1, v128.load(s1 + o)));
        t = f64x2.sub(t, f64x2.mul(va2, v128.load(s2 + o)));
        t = f64x2.sub(t, f64x2.mul(va3, v128.load(s3 + o)));
        put2(row, cs, o, f64x2.add(v128.load(row + o), f64x2.mul(t, vst)), vlo, vhi, mode);
      }
      if (j < N) {
        const o = <usize>j << 3;
        const t =
          P + load<f64>(Q + o) - c0 * load<f64>(d0 + o) - c1 * load<f64>(d1 + o) - c2 * load<f64>(d2 + o) - c3 * load<f64>(d3 + o) -
          a0 * load<f64>(s0 + o) - a1 * load<f64>(s1 + o) - a2 * load<f64>(s2 + o) - a3 * load<f64>(s3 + o);
        put1(row, cs, o, load<f64>(row + o) + t * st, lo, hi, mode);
      }
    }
  }
}
