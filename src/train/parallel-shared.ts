/**
 * Shared memory of data-parallel training (train/parallel.ts): where each
 * sample slot's update factors and input-crossbar currents live (Layout),
 * which rows each worker owns (share), the control words and the barrier
 * the workers meet at.
 */
import type { DenseBlock } from "../solver/dense-blocks.js";
import type { EqModel } from "./model.js";


/** Control words (Int32Array on a SharedArrayBuffer). */
export const GEN = 0; // barrier generation
export const COUNT = 1; // arrivals at the current barrier
export const DONE = 2; // training samples done in this epoch (progress)
export const ABORT = 3; // set by a worker that failed: the others leave their barriers
export const CTL_WORDS = 4;

export interface BlockSlots {
  blk: DenseBlock;
  /** Per worker: its rows as a block of their own (null when it has none), and their slot buffers. */
  sub: Array<DenseBlock | null>;
  dr: Float64Array[];
  sr: Float64Array[];
  /** Per-column factors of every slot (B x N). */
  dc: Float64Array;
  sc: Float64Array;
  /** Per worker: the column sums of its rows' new conductances. */
  colPart: Float64Array[];
}

/**
 * A crossbar of the resistor bank whose every row a data input drives: its
 * rows' currents into its columns, per worker (the rows it updates) and slot.
 */
export interface ProductSlots {
  /** Index among the bank's denseBlocks(), its rows (M) and columns (N). */
  bi: number;
  M: number;
  N: number;
  /** How the inputs drive each row (EqModel.inputDrive's codes). */
  drive: Int32Array;
  /** Per worker: B x N, slot s's current from the worker's rows (A), and its slots as views (at w * B + s). */
  part: Float64Array[];
  slot: Float64Array[];
}

/**
 * Where each sample slot's update factors live in one SharedArrayBuffer.
 * Main and workers compute the same layout from their (identical) models.
 */
export class Layout {
  readonly blocks: BlockSlots[] = [];
  readonly products: ProductSlots[] = [];
  /** Segment of each block (learning rate, amplifier factor). */
  readonly blockSeg: number[] = [];
  /** Per slot: the contrast factor and whether it is amplifier-corrected (1/0). */
  readonly f: Float64Array;
  readonly amp: Float64Array;
  /** Sparse trainable devices (trainable index k, segment), their per-slot contrasts (B x nSp). */
  readonly spK: Int32Array;
  readonly spSeg: Int32Array;
  readonly sp: Float64Array;
  /** Per-slot bias contributions (B x nB) and the biases themselves (A), authoritative. */
  readonly bs: Float64Array;
  readonly bias: Float64Array;
  readonly bytes: number;

  constructor(model: EqModel, readonly B: number, readonly N: number, sab?: SharedArrayBuffer) {
    let at = 0;
    const take = (len: number): Float64Array => {
      const view = sab ? new Float64Array(sab, 8 * at, len) : new Float64Array(0);
      at += len;
      return view;
    };
    this.f = take(B);
    this.amp = take(B);
    const spK: number[] = [];
    const spSeg: number[] = [];
    model.segments.forEach((seg, si) => {
      for (const blk of seg.blocks) {
        const sub: Array<DenseBlock | null> = [];
        const dr: Float64Array[] = [];
        const sr: Float64Array[] = [];
        const colPart: Float64Array[] = [];
        for (let w = 0; w < N; w++) {
          const [i0, i1] = share(blk.M, N, w);
          const Mw = i1 - i0;
          sub.push(Mw > 0 ? { k0: blk.k0 + i0 * blk.N, slot0: blk.slot0 + i0 * blk.N, M: Mw, N: blk.N, rows: blk.rows.subarray(i0, i1), cols: blk.cols } : null);
          dr.push(take(B * Mw));
          sr.push(take(B * Mw));
          colPart.push(take(blk.N));
        }
        this.blocks.push({ blk, sub, dr, sr, dc: take(B * blk.N), sc: take(B * blk.N), colPart });
        this.blockSeg.push(si);
      }
      for (const run of seg.sparse)
        for (let k = run.k0; k < run.k1; k++) {
          spK.push(k);
          spSeg.push(si);
        }
    });
    const drive = model.inputDrive();
    model.circuit.resistors.denseBlocks().forEach((blk, bi) => {
      const rowDrive = Int32Array.from(blk.rows, (r) => (drive ? drive[r] : -1));
      if (rowDrive.some((d) => d < 0)) return;
      const part = Array.from({ length: N }, () => take(B * blk.N));
      const slot = part.flatMap((p) => Array.from({ length: B }, (_, s) => p.subarray(s * blk.N, (s + 1) * blk.N)));
      this.products.push({ bi, M: blk.M, N: blk.N, drive: rowDrive, part, slot });
    });
    this.spK = Int32Array.from(spK);
    this.spSeg = Int32Array.from(spSeg);
    this.sp = take(B * spK.length);
    this.bs = take(B * model.biases.length);
    this.bias = take(model.biases.length);
    this.bytes = 8 * at;
  }
}

/** Rows [i0, i1) of M that worker w of N updates. */
export function share(M: number, N: number, w: number): [number, number] {
  return [Math.floor((w * M) / N), Math.floor(((w + 1) * M) / N)];
}

/** Thrown in a worker whose barrier was abandoned because another worker failed. */
export class Aborted extends Error {}

/** Mark the run failed and wake every worker waiting at a barrier (they throw Aborted). */
export function abortShared(ctlBuf: SharedArrayBuffer): void {
  const ctl = new Int32Array(ctlBuf);
  Atomics.store(ctl, ABORT, 1);
  Atomics.add(ctl, GEN, 1);
  Atomics.notify(ctl, GEN);
}

/** How long a worker at a barrier spins before it sleeps (ms). */
const SPIN_MS = 2;

/** A reusable barrier for N threads on control words (generation counting). */
export class Barrier {
  constructor(
    private readonly ctl: Int32Array,
    private readonly n: number,
  ) {}

  wait(): void {
    const { ctl } = this;
    const gen = Atomics.load(ctl, GEN);
    if (Atomics.add(ctl, COUNT, 1) === this.n - 1) {
      Atomics.store(ctl, COUNT, 0);
      Atomics.add(ctl, GEN, 1);
      Atomics.notify(ctl, GEN);
      return;
    }
    // Spin first: the other worker is usually tens of microseconds behind, and a thread
    // woken from Atomics.wait leaves 10-15 us after the release on this machine (the
    // workers meet twice per batch of about 0.55 ms: measured, bench/train.ts).
    const t0 = performance.now();
    do {
      for (let k = 0; k < 64; k++) if (Atomics.load(ctl, GEN) !== gen) return;
    } while (performance.now() - t0 < SPIN_MS);
    while (Atomics.load(ctl, GEN) === gen) {
      if (Atomics.load(ctl, ABORT)) throw new Aborted("another worker failed");
      Atomics.wait(ctl, GEN, gen, 1000);
    }
  }

}
