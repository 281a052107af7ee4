/**
 * Stamp helpers named by their physics. Each takes handles reserved at setup
 * and writes the MNA linearization A x = b. Entries of non-unknown nodes go to
 * the trash slot; the known voltage of a fixed node moves to the right side.
 */
import type { LoadContext, SetupContext } from "./types.js";

/** Handles for a two-terminal conductance between nodes a and b. */
export interface PairHandles {
  a: number;
  b: number;
  ra: number;
  rb: number;
  aa: number;
  bb: number;
  ab: number;
  ba: number;
}

export function reservePair(ctx: SetupContext, a: number, b: number): PairHandles {
  const ra = ctx.row(a);
  const rb = ctx.row(b);
  return { a, b, ra, rb, aa: ctx.entry(ra, ra), bb: ctx.entry(rb, rb), ab: ctx.entry(ra, rb), ba: ctx.entry(rb, ra) };
}

/** A conductance g (S) between a and b: current g*(Va - Vb) leaves a. */
export function stampConductance(ctx: LoadContext, h: PairHandles, g: number): void {
  const A = ctx.A;
  A[h.aa] += g;
  A[h.bb] += g;
  A[h.ab] -= g;
  A[h.ba] -= g;
  // A fixed neighbour's term -g*Vk moves to the right-hand side.
  ctx.b[h.ra] += g * ctx.Vk[h.b];
  ctx.b[h.rb] += g * ctx.Vk[h.a];
}

/** A current i (A) flowing from a, through the element, to b: i leaves a and enters b. */
export function stampCurrentSource(ctx: LoadContext, h: { ra: number; rb: number }, i: number): void {
  ctx.b[h.ra] -= i;
  ctx.b[h.rb] += i;
}

/** Handles for a voltage-controlled current from a to b, controlled by V(c) - V(d). */
export interface VccsHandles {
  ra: number;
  rb: number;
  c: number;
  d: number;
  ac: number;
  ad: number;
  bc: number;
  bd: number;
}

export function reserveVccs(ctx: SetupContext, a: number, b: number, c: number, d: number): VccsHandles {
  const ra = ctx.row(a);
  const rb = ctx.row(b);
  const rc = ctx.row(c);
  const rd = ctx.row(d);
  return { ra, rb, c, d, ac: ctx.entry(ra, rc), ad: ctx.entry(ra, rd), bc: ctx.entry(rb, rc), bd: ctx.entry(rb, rd) };
}

/** Current gm*(Vc - Vd) flowing from a through the element to b (leaves a). */
export function stampTransconductance(ctx: LoadContext, h: VccsHandles, gm: number): void {
  const A = ctx.A;
  A[h.ac] += gm;
  A[h.ad] -= gm;
  A[h.bc] -= gm;
  A[h.bd] += gm;
  const vc = ctx.Vk[h.c] - ctx.Vk[h.d];
  ctx.b[h.ra] -= gm * vc;
  ctx.b[h.rb] += gm * vc;
}

/**
 * Handles for a branch k whose current x_k flows from a through the element
 * to b (the SPICE voltage-source convention), with its own equation row k.
 */
export interface BranchHandles {
  a: number;
  b: number;
  k: number;
  ak: number;
  bk: number;
  ka: number;
  kb: number;
}

export function reserveBranch(ctx: SetupContext, a: number, b: number, k: number): BranchHandles {
  const ra = ctx.row(a);
  const rb = ctx.row(b);
  return { a, b, k, ak: ctx.entry(ra, k), bk: ctx.entry(rb, k), ka: ctx.entry(k, ra), kb: ctx.entry(k, rb) };
}

/**
 * The branch current enters KCL (leaves a, enters b) and the branch row
 * states V(a) - V(b) = v (plus whatever else the device stamps on row k).
 */
export function stampVoltageBranch(ctx: LoadContext, h: BranchHandles, v: number): void {
  const A = ctx.A;
  A[h.ak] += 1;
  A[h.bk] -= 1;
  A[h.ka] += 1;
  A[h.kb] -= 1;
  ctx.b[h.k] += v - ctx.Vk[h.a] + ctx.Vk[h.b];
}

/**
 * The handles of a device's dense local Jacobian (the layout
 * stampLocalJacobian reads): rows[r] = the matrix row of local terminal r
 * (term[r] a node) and h[r n + c] = the entry (row r, column of term[c]),
 * for the local rows in `stampRows` (all when omitted; the others keep
 * their handles unset, e.g. a MOSFET's gate, which draws no DC current).
 */
export function reserveLocalJacobian(ctx: SetupContext, n: number, term: readonly number[], rows: Int32Array, h: Int32Array, stampRows?: readonly number[]): void {
  const count = stampRows ? stampRows.length : n;
  for (let k = 0; k < count; k++) {
    const r = stampRows ? stampRows[k] : k;
    const row = ctx.row(term[r]);
    rows[r] = row;
    for (let c = 0; c < n; c++) h[r * n + c] = ctx.entry(row, ctx.row(term[c]));
  }
}

/**
 * A device's dense local Jacobian J (S; n x n, row-major by local terminal:
 * J[r n + c] = dI_r/dV_c) into ctx.A through its handles h (same layout),
 * the columns of fixed terminals moved to the right-hand side:
 * b[rows[r]] -= sum_c J[r n + c] Vk[term[c]]. Only the local rows in
 * `stampRows` (all when omitted); no companion current (a small-signal
 * stamp: the transistors' AC loads).
 */
export function stampLocalJacobian(
  ctx: LoadContext,
  n: number,
  J: Float64Array,
  h: Int32Array,
  term: readonly number[],
  rows: Int32Array,
  stampRows?: readonly number[],
): void {
  const { A, b, Vk } = ctx;
  const count = stampRows ? stampRows.length : n;
  for (let k = 0; k < count; k++) {
    const r = stampRows ? stampRows[k] : k;
    const o = r * n;
    let rhs = 0;
    for (let c = 0; c < n; c++) {
      const g = J[o + c];
      if (g === 0) continue;
      A[h[o + c]] += g;
      rhs -= g * Vk[term[c]];
    }
    b[rows[r]] += rhs;
  }
}
