/**
 * A resistor bank's conductances inside a shared WebAssembly memory, where
 * the SIMD kernels (devices/resistor/crossbar-kernel.ts, train/update-kernel.ts)
 * read and write them in place instead of copying them into their own
 * memories and back (a 1568 x 100 block is 1.25 MB each way per batch; from
 * a SharedArrayBuffer, V8 copies at about a third of memcpy's speed).
 *
 * Layout (bytes): [0, 64 KiB) left to the modules' static data, then the
 * conductances (8 per resistor, float64, S), then one scratch region per
 * thread that runs kernels on them. The memory is shared (its buffer is a
 * SharedArrayBuffer), so one memory serves every worker thread of a
 * data-parallel training (train/parallel.ts), and it never grows.
 *
 * A thread registers the memory with its own scratch region (useBank); the
 * kernels then recognise a conductance array in it by its buffer.
 */

/** Where a bank's conductances live: BuildOptions.resistorStorage. */
export interface BankStorage {
  memory: WebAssembly.Memory;
  /** Byte offset of the first conductance in the memory (8-aligned). */
  byteOffset: number;
}

/** A bank memory as made by createBankMemory (what workers receive). */
export interface BankMemory extends BankStorage {
  /** Number of conductances. */
  count: number;
  /** Scratch regions (one per thread) and the bytes of each. */
  regions: number;
  scratchBytes: number;
}

const G_OFFSET = 65536;
const PAGE = 65536;

/** A fresh shared memory for `count` conductances and `regions` scratch regions of `scratchBytes` each. */
export function createBankMemory(count: number, regions: number, scratchBytes: number): BankMemory {
  const scratch = (scratchBytes + 255) & ~255;
  const bytes = G_OFFSET + ((8 * count + 255) & ~255) + regions * scratch;
  const pages = Math.ceil(bytes / PAGE);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  return { memory, byteOffset: G_OFFSET, count, regions, scratchBytes: scratch };
}

/**
 * A bank memory for `count` conductances with one scratch region, which
 * this thread uses: what a single-threaded training builds its circuit on
 * (before the circuit exists, so the scratch is sized by the worst block
 * shape `count` resistors allow: M x N <= count).
 */
export function ownBankMemory(count: number): BankMemory {
  // kernelScratchBytes of any M x N block with M N <= count: at most 80 (M + N) + 208 <= 80 count + 288.
  const bank = createBankMemory(count, 1, 80 * count + 512);
  useBank(bank, 0);
  return bank;
}

/** Scratch bytes the kernels need for dense blocks of these shapes (M rows, N columns). */
export function kernelScratchBytes(blocks: ReadonlyArray<{ M: number; N: number }>): number {
  let need = 0;
  for (const { M, N } of blocks) {
    const N2 = N + (N & 1);
    // Update kernel: rowA, rowC (4 M each), rowP (M), 9 column vectors and the column sums (N2 each).
    // Crossbar kernel: out (N), values (M) and row pointers (M, 4 bytes). Alignment slack per array.
    need = Math.max(need, 8 * (9 * M + 10 * N2) + 128, 8 * (N2 + M) + 4 * M + 64);
  }
  return need;
}

export interface Scratch {
  memory: WebAssembly.Memory;
  /** Byte range [base, base + bytes) this thread's kernels may use. */
  base: number;
  bytes: number;
}

const registered = new WeakMap<ArrayBufferLike, Scratch>();

/** This thread runs kernels on `bank`'s conductances with scratch region `region`. */
export function useBank(bank: BankMemory, region: number): void {
  if (!(region >= 0 && region < bank.regions)) throw new Error(`internal: scratch region ${region} of ${bank.regions}`);
  const base = bank.byteOffset + ((8 * bank.count + 255) & ~255) + region * bank.scratchBytes;
  registered.set(bank.memory.buffer, { memory: bank.memory, base, bytes: bank.scratchBytes });
}

/** The memory and this thread's scratch region when `a` lives in a registered bank memory. */
export function scratchFor(a: Float64Array): Scratch | undefined {
  return registered.get(a.buffer);
}
