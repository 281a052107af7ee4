/**
 * Dense-block detection for crossbars. A list of two-terminal devices
 * (terminals a[k], b[k], storage slots slot[k]) often holds M x N crossbars
 * laid out row-major: consecutive slots, a[] constant along a row, b[]
 * repeating the same N column nodes in every row. Loops over such a block
 * need no per-device index streams: per-row and per-column values suffice.
 */

export interface DenseBlock {
  /** First list position and first storage slot of the block. */
  k0: number;
  slot0: number;
  /** Rows (M) and columns (N). */
  M: number;
  N: number;
  /** Row nodes (the a terminal of row i) and column nodes (b of column j). */
  rows: Int32Array;
  cols: Int32Array;
}

/** A stretch of the list that is not a dense block: positions [k0, k1) with their own indices. */
export interface SparseRun {
  k0: number;
  k1: number;
}

/** Smallest block worth the special path. */
const MIN_BLOCK = 64;

/**
 * Split positions [from, to) into dense blocks and sparse runs.
 * @param a first terminal, b second terminal, slot storage index, per position
 */
export function findDenseBlocks(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  slot: ArrayLike<number>,
  from: number,
  to: number,
): { blocks: DenseBlock[]; sparse: SparseRun[] } {
  const blocks: DenseBlock[] = [];
  const sparse: SparseRun[] = [];
  const pushSparse = (k0: number, k1: number) => {
    const last = sparse[sparse.length - 1];
    if (last && last.k1 === k0) last.k1 = k1;
    else if (k1 > k0) sparse.push({ k0, k1 });
  };
  let k = from;
  while (k < to) {
    // Columns: the first row is the longest stretch with the same a and consecutive slots.
    let N = 1;
    while (k + N < to && a[k + N] === a[k] && slot[k + N] === slot[k] + N) N++;
    let M = 1;
    for (;;) {
      const r = k + M * N;
      if (r + N > to) break;
      let ok = true;
      for (let j = 0; j < N && ok; j++) ok = a[r + j] === a[r] && b[r + j] === b[k + j] && slot[r + j] === slot[k] + M * N + j;
      if (!ok || a[r] === a[r - 1]) break;
      M++;
    }
    if (N >= 2 && M * N >= MIN_BLOCK) {
      const rows = new Int32Array(M);
      const cols = new Int32Array(N);
      for (let i = 0; i < M; i++) rows[i] = a[k + i * N];
      for (let j = 0; j < N; j++) cols[j] = b[k + j];
      blocks.push({ k0: k, slot0: slot[k], M, N, rows, cols });
      k += M * N;
    } else {
      pushSparse(k, k + N);
      k += N;
    }
  }
  return { blocks, sparse };
}
