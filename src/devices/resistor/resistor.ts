/**
 * Resistors / conductances. Current leaving a: i = g (Va - Vb) (A).
 * Co-content: E = g (Va - Vb)^2 / 2 (W).
 *
 * A circuit stores all its resistors in one ResistorBank (structure of
 * arrays: node indices and conductances in typed arrays) so that a crossbar
 * of 10^5 devices is stamped by one tight loop; each `Resistor` is a named
 * view of one slot whose `g` (S) the trainer reads and writes.
 */
import { reservePair, stampConductance, type PairHandles } from "../stamp.js";
import { findDenseBlocks, type DenseBlock, type SparseRun } from "../../solver/dense-blocks.js";
import type { AcLoadContext, Device, LoadContext, SetupContext } from "../types.js";
import type { SourceLoc } from "../../util/errors.js";
import { CrossbarKernel } from "./crossbar-kernel.js";

export class ResistorBank implements Device {
  readonly name = "(resistors)";
  readonly linear = true;
  readonly symmetric = true;
  readonly nodes: readonly number[] = [];
  /** Terminal nodes of each resistor. */
  readonly na: Int32Array;
  readonly nb: Int32Array;
  /** Conductance of each resistor (S). */
  readonly g: Float64Array;
  /**
   * Resistors by class, fixed at setup (structure of arrays):
   * - both terminals unknowns: full 2x2 stamp (ffE edge ids, handles);
   * - one terminal an unknown, the other fixed or ground (a crossbar from
   *   the inputs): only that row's diagonal and right-hand side (fxE edge
   *   ids, fxDiag handle, fxRow row, fxNode the fixed node);
   * - neither an unknown: no stamp.
   * Splitting them keeps the loop free of writes to the trash slot, which
   * would serialize it.
   */
  private ffE!: Int32Array;
  private ffH!: Int32Array; // 4 handles per edge: aa, bb, ab, ba
  /** Class-2 resistors as dense crossbar blocks (rows: fixed nodes, columns: free rows) and sparse runs. */
  private fxBlocks!: DenseBlock[];
  private fxSparse!: SparseRun[];
  private fxE!: Int32Array;
  /** Per-column scratch of the block loop. */
  private colG!: Float64Array;
  private colI!: Float64Array;
  /** Row and fixed node of each class-2 resistor: 16-bit when they fit (half the memory traffic). */
  private fxRow!: Uint16Array | Int32Array;
  /** Node numbers of each block's columns (the blocks' cols are unknown rows). */
  private fxColNodes!: Int32Array[];
  /** Resistors with neither terminal an unknown (no stamp, but a current). */
  private nnE!: Int32Array;
  private fxNode!: Uint16Array | Int32Array;
  /** Diagonal handle of each row, and per-row accumulators (the loop writes no matrix handles). */
  private rowDiag!: Int32Array;
  private accDiag!: Float64Array;
  private accRhs!: Float64Array;

  /** The arrays are adopted, not copied: views of slots write into `g`. */
  constructor(na: Int32Array, nb: Int32Array, g: Float64Array) {
    this.na = na;
    this.nb = nb;
    this.kernel = CrossbarKernel.for(g);
    this.g = g;
  }

  get size(): number {
    return this.g.length;
  }

  setup(ctx: SetupContext): void {
    this.blkDiag = null;
    this.presets = [];
    const m = this.size;
    const { na, nb } = this;
    // Row and unknown flag per node, asked once per node: a crossbar has 10^5 resistors on 10^3 nodes.
    let nodes = 0;
    for (let e = 0; e < m; e++) nodes = Math.max(nodes, na[e] + 1, nb[e] + 1);
    const rowOf = new Int32Array(nodes);
    const free = new Uint8Array(nodes);
    let maxFreeRow = -1;
    for (let v = 0; v < nodes; v++) {
      rowOf[v] = ctx.row(v);
      free[v] = isUnknown(ctx, v) ? 1 : 0;
      if (free[v] && rowOf[v] > maxFreeRow) maxFreeRow = rowOf[v];
    }
    const ff = new Int32Array(m);
    const ffH: number[] = [];
    const fx = new Int32Array(m);
    const fxRow = new Int32Array(m);
    const fxNode = new Int32Array(m);
    const nn: number[] = [];
    let nff = 0;
    let nfx = 0;
    let maxRow = 0;
    let maxNode = 0;
    for (let e = 0; e < m; e++) {
      const a = na[e];
      const b = nb[e];
      const fa = free[a];
      const fb = free[b];
      if (fa && fb) {
        const ra = rowOf[a];
        const rb = rowOf[b];
        ff[nff++] = e;
        ffH.push(ctx.entry(ra, ra), ctx.entry(rb, rb), ctx.entry(ra, rb), ctx.entry(rb, ra));
      } else if (fa || fb) {
        const r = fa ? rowOf[a] : rowOf[b];
        const v = fa ? b : a;
        fx[nfx] = e;
        fxRow[nfx] = r;
        fxNode[nfx++] = v;
        if (r > maxRow) maxRow = r;
        if (v > maxNode) maxNode = v;
      } else nn.push(e);
    }
    this.nnE = Int32Array.from(nn);
    this.ffE = ff.slice(0, nff);
    this.ffH = Int32Array.from(ffH);
    this.fxE = fx.slice(0, nfx);
    const split = findDenseBlocks(fxNode, fxRow, fx, 0, nfx);
    this.fxBlocks = split.blocks;
    this.blkDiagValid = new Uint8Array(split.blocks.length);
    this.blockOfSlot = new Map(split.blocks.map((b, i) => [b.slot0, i]));
    this.fxSparse = split.sparse;
    const nodeOfRow = new Int32Array(maxFreeRow + 1);
    for (let v = 0; v < nodes; v++) if (free[v]) nodeOfRow[rowOf[v]] = v;
    this.fxColNodes = split.blocks.map((blk) => blk.cols.map((r) => nodeOfRow[r]));
    const maxN = split.blocks.reduce((n, b) => Math.max(n, b.N), 1);
    this.colG = new Float64Array(maxN);
    this.colI = new Float64Array(maxN);
    const small = maxRow < 65536 && maxNode < 65536;
    this.fxRow = small ? Uint16Array.from(fxRow.subarray(0, nfx)) : fxRow.slice(0, nfx);
    this.fxNode = small ? Uint16Array.from(fxNode.subarray(0, nfx)) : fxNode.slice(0, nfx);
    this.rowDiag = new Int32Array(maxRow + 1);
    for (let r = 0; r <= maxRow; r++) this.rowDiag[r] = ctx.entry(r, r);
    this.accDiag = new Float64Array(maxRow + 1);
    this.accRhs = new Float64Array(maxRow + 1);
  }

  /** AC: the same conductances (its DC stamp; Vk is 0 in the AC system). */
  acLoad(ctx: AcLoadContext): void {
    this.load(ctx.g);
  }

  load(ctx: LoadContext): void {
    const { A, b, Vk } = ctx;
    const { g, ffE, ffH, fxE, fxRow, fxNode, rowDiag, accDiag, accRhs, colG, colI } = this;
    for (let k = 0; k < ffE.length; k++) {
      const ge = g[ffE[k]];
      const h = 4 * k;
      A[ffH[h]] += ge;
      A[ffH[h + 1]] += ge;
      A[ffH[h + 2]] -= ge;
      A[ffH[h + 3]] -= ge;
    }
    // Class 2: accumulate each free row's diagonal and (fixed neighbour's
    // term -g*Vk moved to the) right-hand side, then add them once per row.
    accDiag.fill(0);
    accRhs.fill(0);
    const blkDiag = (this.blkDiag ??= this.fxBlocks.map((blk) => new Float64Array(blk.N)));
    for (let bi = 0; bi < this.fxBlocks.length; bi++) {
      // A crossbar from fixed rows to free columns: stream g, accumulate per column.
      // The column sums of g (the diagonal) are kept until the conductances change
      // (invalidate()); then only rows at a non-zero voltage are read, e.g. the
      // lit pixels of an image input.
      const blk = this.fxBlocks[bi];
      const { M, N, rows, cols } = blk;
      const diag = blkDiag[bi];
      colI.fill(0, 0, N);
      if (!this.blkDiagValid[bi]) {
        colG.fill(0, 0, N);
        let s = blk.slot0;
        for (let i = 0; i < M; i++) {
          const v = Vk[rows[i]];
          for (let j = 0; j < N; j++, s++) {
            const ge = g[s];
            colG[j] += ge;
            colI[j] += ge * v;
          }
        }
        diag.set(colG.subarray(0, N));
        this.blkDiagValid[bi] = 1;
      } else if (!this.presetHolds(bi, ctx, colI)) {
        this.litProduct(blk, Vk, colI);
      }
      for (let j = 0; j < N; j++) {
        accDiag[cols[j]] += diag[j];
        accRhs[cols[j]] += colI[j];
      }
    }
    for (const run of this.fxSparse) {
      for (let k = run.k0; k < run.k1; k++) {
        const ge = g[fxE[k]];
        const r = fxRow[k];
        accDiag[r] += ge;
        accRhs[r] += ge * Vk[fxNode[k]];
      }
    }
    for (let r = 0; r < rowDiag.length; r++) {
      A[rowDiag[r]] += accDiag[r];
      b[r] += accRhs[r];
    }
  }

  /** The lit-row product on WebAssembly SIMD (bitwise the loop's sums), or null. */
  private readonly kernel: CrossbarKernel | null;

  /** colI[0..N) += block blk's lit-row product at row voltages Vk (A = S V), the rows in order. */
  private litProduct(blk: DenseBlock, Vk: Float64Array, colI: Float64Array): void {
    const { g } = this;
    const { M, N, rows } = blk;
    if (this.kernel && M * N >= 4096) {
      this.kernel.litRows(g, blk.slot0, M, N, rows, Vk, colI);
      return;
    }
    for (let i = 0; i < M; i++) {
      const v = Vk[rows[i]];
      if (v === 0) continue;
      let s = blk.slot0 + i * N;
      for (let j = 0; j < N; j++, s++) colI[j] += g[s] * v;
    }
  }

  /**
   * out[0..N) += sum over t < count of g[row lit[t] of crossbar block bi, column j] vals[t]
   * (A = S V), in that order: the block's lit-row product (what load() sums)
   * when the caller knows the lit rows and their voltages. Threaded training
   * (train/parallel.ts) has each thread take its own rows of every sample of
   * a batch, so no thread reads the conductances another one writes.
   */
  litRowsOf(bi: number, lit: Int32Array, vals: Float64Array, count: number, out: Float64Array): void {
    const { g } = this;
    const { N, slot0, M } = this.fxBlocks[bi];
    if (this.kernel && M * N >= 4096) {
      this.kernel.litList(g, slot0, N, lit, vals, count, out);
      return;
    }
    for (let t = 0; t < count; t++) {
      const v = vals[t];
      let s = slot0 + lit[t] * N;
      for (let j = 0; j < N; j++, s++) out[j] += g[s] * v;
    }
  }

  /**
   * Hand load() block bi's column currents colI (A, N of them) at the row
   * voltages the engine's Vk holds now, computed elsewhere (litRowsOf, by
   * rows on several threads): load() takes them instead of the lit-row
   * product for as long as it loads with this Vk (this engine) at this
   * pointVersion (the engine's own linear-base cache holds exactly as
   * long: every move of Vk changes it) and the conductances do not change
   * (invalidate() drops them). The caller vouches that colI are the currents at these
   * voltages; the version makes the check O(1) where comparing the block's
   * row voltages cost 3 us per sample of a 1,568-row crossbar.
   */
  presetColumnCurrents(bi: number, colI: Float64Array, Vk: Float64Array, pointVersion: number): void {
    const { N } = this.fxBlocks[bi];
    const p = (this.presets[bi] ??= { on: false, I: new Float64Array(N), Vk, version: 0 });
    for (let j = 0; j < N; j++) p.I[j] = colI[j];
    p.Vk = Vk;
    p.version = pointVersion;
    p.on = true;
  }

  /** Block bi's preset currents into colI when they are still for this point (then true). */
  private presetHolds(bi: number, ctx: LoadContext, colI: Float64Array): boolean {
    const p = this.presets[bi];
    if (!p?.on || p.Vk !== ctx.Vk || p.version !== ctx.pointVersion) return false;
    const { N } = this.fxBlocks[bi];
    for (let j = 0; j < N; j++) colI[j] = p.I[j];
    return true;
  }

  private presets: Array<{ on: boolean; I: Float64Array; Vk: Float64Array; version: number } | undefined> = [];

  /** Column sums of g of each crossbar block (S), valid (per block) until the conductances change. */
  private blkDiag: Float64Array[] | null = null;
  private blkDiagValid = new Uint8Array(0);
  private blockOfSlot = new Map<number, number>();

  /** The dense crossbar blocks from fixed rows to free columns found at setup (empty before). */
  denseBlocks(): readonly DenseBlock[] {
    return this.fxBlocks ?? [];
  }

  /** The conductances changed: recompute the blocks' column sums at the next load. */
  invalidate(): void {
    this.blkDiagValid.fill(0);
    for (const p of this.presets) if (p) p.on = false;
  }

  /**
   * A caller that has just rewritten a crossbar block (an update kernel)
   * and summed its new conductances by column, row by row as load() would,
   * hands the sums over so that load() need not stream the block again.
   * Call after invalidate(). Returns false when the slots are not one of
   * the bank's blocks from fixed rows to free columns (nothing is kept).
   */
  adoptColumnSums(slot0: number, M: number, N: number, sums: Float64Array): boolean {
    const bi = this.blockOfSlot.get(slot0);
    if (bi === undefined) return false;
    const blk = this.fxBlocks[bi];
    if (blk.M !== M || blk.N !== N) return false;
    const diag = (this.blkDiag ??= this.fxBlocks.map((b) => new Float64Array(b.N)));
    diag[bi].set(sums.subarray(0, N));
    this.blkDiagValid[bi] = 1;
    return true;
  }

  addCurrents(V: Float64Array, _x: Float64Array, _t: number, out: Float64Array): void {
    const { g, na, nb } = this;
    // i = g (Va - Vb) leaves a and enters b.
    const edge = (e: number): void => {
      const i = g[e] * (V[na[e]] - V[nb[e]]);
      out[na[e]] += i;
      out[nb[e]] -= i;
    };
    if (!this.fxBlocks) {
      for (let e = 0; e < g.length; e++) edge(e);
      return;
    }
    // After setup, by class: crossbar blocks stream g row by row with the
    // column voltages at hand and write each row and column once.
    for (let k = 0; k < this.ffE.length; k++) edge(this.ffE[k]);
    for (let k = 0; k < this.nnE.length; k++) edge(this.nnE[k]);
    for (const run of this.fxSparse) for (let k = run.k0; k < run.k1; k++) edge(this.fxE[k]);
    const colV = this.colG;
    const colI = this.colI;
    for (let bi = 0; bi < this.fxBlocks.length; bi++) {
      const { M, N, rows } = this.fxBlocks[bi];
      const cols = this.fxColNodes[bi];
      for (let j = 0; j < N; j++) {
        colV[j] = V[cols[j]];
        colI[j] = 0;
      }
      let s = this.fxBlocks[bi].slot0;
      for (let r = 0; r < M; r++) {
        const vr = V[rows[r]];
        let acc = 0;
        for (let j = 0; j < N; j++, s++) {
          const i = g[s] * (vr - colV[j]);
          acc += i;
          colI[j] += i;
        }
        out[rows[r]] += acc;
      }
      for (let j = 0; j < N; j++) out[cols[j]] -= colI[j];
    }
  }

  cocontent(V: Float64Array): number {
    const { g, na, nb } = this;
    let s = 0;
    for (let e = 0; e < g.length; e++) {
      const v = V[na[e]] - V[nb[e]];
      s += g[e] * v * v;
    }
    return 0.5 * s;
  }
}

/** True when a node is an unknown (its diagonal is a real entry, not the trash handle). */
function isUnknown(ctx: SetupContext, node: number): boolean {
  if (ctx.isUnknown) return ctx.isUnknown(node);
  const r = ctx.row(node);
  return ctx.entry(r, r) !== 0;
}

/**
 * One resistor. Standalone it is a Device of its own; built by a circuit it
 * is a view of a ResistorBank slot (and the bank does the stamping).
 */
export class Resistor implements Device {
  readonly linear = true;
  readonly symmetric = true;
  readonly power = "dissipates";
  private h!: PairHandles;
  private readonly store: Float64Array;
  private readonly slot: number;

  constructor(
    readonly name: string,
    readonly a: number,
    readonly b: number,
    /** Conductance in siemens (ignored when `bank` is given). */
    g: number,
    bank?: { g: Float64Array; index: number },
    /** Where the netlist defines it (for messages and trained.cir). */
    private readonly srcLoc?: SourceLoc,
    /** Or: whatever keeps the netlist's locations by row (the parser's plain-resistor arrays), and its row: made on demand. */
    private readonly fast?: { loc(row: number): SourceLoc | undefined },
    private readonly fastRow = 0,
  ) {
    if (bank) {
      this.store = bank.g;
      this.slot = bank.index;
    } else {
      this.store = new Float64Array([g]);
      this.slot = 0;
    }
  }

  /** Where the netlist defines it. */
  get loc(): SourceLoc | undefined {
    if (this.srcLoc) return this.srcLoc;
    const f = this.fast;
    return f ? f.loc(this.fastRow) : undefined;
  }

  /** Terminals [a, b] (made on demand: a crossbar has 10^5 views). */
  get nodes(): readonly number[] {
    return [this.a, this.b];
  }

  /** Conductance (S). */
  get g(): number {
    return this.store[this.slot];
  }
  set g(v: number) {
    this.store[this.slot] = v;
  }

  /** Index of this resistor in its bank (0 when standalone). */
  get index(): number {
    return this.slot;
  }

  setup(ctx: SetupContext): void {
    this.h = reservePair(ctx, this.a, this.b);
  }

  load(ctx: LoadContext): void {
    stampConductance(ctx, this.h, this.g);
  }

  /** AC: its conductance g (S). */
  acLoad(ctx: AcLoadContext): void {
    stampConductance(ctx.g, this.h, this.g);
  }

  addCurrents(V: Float64Array, _x: Float64Array, _t: number, out: Float64Array): void {
    const i = this.g * (V[this.a] - V[this.b]);
    out[this.a] += i;
    out[this.b] -= i;
  }

  cocontent(V: Float64Array): number {
    const v = V[this.a] - V[this.b];
    return 0.5 * this.g * v * v;
  }
}
