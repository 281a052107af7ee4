/**
 * Matrix pattern collected while devices reserve entries at setup. A handle
 * is an entry's index in insertion order. Handle 0 is the trash slot: entries
 * whose row or column is not an unknown (ground, fixed nodes: row index n)
 * land there and are ignored, so stamps need no branches.
 */
export const TRASH_HANDLE = 0;

export class MatrixPattern {
  /** Row and column of each handle; handle 0 (trash) has row/col -1. */
  readonly rows: number[] = [-1];
  readonly cols: number[] = [-1];
  private index = new Map<number, number>();

  constructor(readonly n: number) {}

  /** Handle for entry (r, c) of unknowns; the trash handle when either is not an unknown. */
  entry(r: number, c: number): number {
    if (r < 0 || c < 0 || r >= this.n || c >= this.n) return TRASH_HANDLE;
    const key = r * this.n + c;
    let h = this.index.get(key);
    if (h === undefined) {
      h = this.rows.length;
      this.rows.push(r);
      this.cols.push(c);
      this.index.set(key, h);
    }
    return h;
  }

  /** Number of handles, trash included. */
  get size(): number {
    return this.rows.length;
  }

  /** Handle of (r, c), or the trash handle if it was never reserved. */
  find(r: number, c: number): number {
    return this.index.get(r * this.n + c) ?? TRASH_HANDLE;
  }
}
