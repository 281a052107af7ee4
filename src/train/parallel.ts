/**
 * Data-parallel training on worker threads (`train --workers N`, N > 1).
 *
 * N worker threads each build their own EqModel from the same netlist file,
 * with the circuit's conductances in one shared bank memory (every worker's
 * ResistorBank is a view of it: BuildOptions.resistorStorage; each worker
 * has its own scratch region there, so the SIMD kernels read and update the
 * conductances in place: devices/resistor/bank-memory.ts) and the trainable biases
 * in a SharedArrayBuffer. Training is synchronous mini-batch averaging,
 * exactly the trainer's deferred path (EqModel.accumulate/applyBatch) split
 * across threads. Each worker owns a range of rows of every crossbar block
 * (share): only it writes them, and only it reads them while training, so no
 * conductance moves between the cores' caches. Per batch:
 *
 *  1. every worker sums, for every sample of the batch, the current its rows
 *     of each input crossbar inject into the columns (the rows lit by the
 *     sample's non-zero features: ResistorBank.litRowsOf) into shared slots;
 *  2. barrier; every worker adopts the previous batch's update (the column
 *     sums of the row ranges added in worker order, to its bank:
 *     adoptColumnSums; the new biases); sample s (s = 0..B-1, in the epoch's
 *     shuffled order) is run by worker s mod N, which warm-starts from its
 *     own previous state, hands its bank the slot's crossbar currents (the
 *     workers' parts added in worker order: presetColumnCurrents, so its
 *     loads read no conductance of another worker's rows) and writes the
 *     sample's update factors (per row and per column of each crossbar
 *     block, per sparse device, per bias) into shared slot s;
 *  3. barrier; every worker updates its own range of rows of each block
 *     with the trainer's kernel (applyChunk) from all B slots, summing its
 *     rows' new conductances by column; the sparse devices are split the
 *     same way and worker 0 updates the biases. The next batch's step 1
 *     reads only rows the worker has just written itself.
 *
 * The barriers spin for up to SPIN_MS before sleeping (parallel-shared.ts):
 * a thread woken from Atomics.wait starts 10-15 us late, twice per batch.
 *
 * Every sum is taken in a fixed order, so a seed and a worker count give
 * bitwise the same result; with one worker the arithmetic is the trainer's
 * own (the test suite checks both). Test-set evaluation is split the same
 * way (test sample i on worker i mod N). The main thread only shuffles
 * (with the trainer's seeded generator, so the sample order is the
 * sequential run's), collects metrics and writes checkpoints.
 *
 * Needs the ideal deferred path: batch >= N, ideal uniform devices (no
 * write noise, levels, asymmetry, d2d or read noise), a contrast estimator
 * and a Newton/BCD relaxation; anything else is an InputError naming it.
 */
import { existsSync, statSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { loadCircuit } from "../api.js";
import { checkDatasetFits, predict, type Dataset, type FeatureRow } from "../data/dataset.js";
import { ConvergenceError, InputError } from "../util/errors.js";
import { Rng } from "../util/rng.js";
import { threadCpuSeconds } from "../util/cpu.js";
import { compiledScript } from "../sweep/worker-path.js";
import { isContrastEstimator, makeEstimator, requireEstimable, type ContrastEstimator } from "./estimators.js";
import { Hardware } from "./hardware.js";
import { EqModel } from "./model.js";
import { chunkUpdate } from "./chunk-update.js";
import { createBankMemory, kernelScratchBytes, useBank, type BankMemory } from "../devices/resistor/bank-memory.js";
import { Aborted, Barrier, CTL_WORDS, DONE, Layout, abortShared, share } from "./parallel-shared.js";
import { targetVector } from "./targets.js";
import { checkpointOf, restoreCheckpoint, type Checkpoint, type EpochMetrics, type TrainHooks, type TrainOptions } from "./trainer.js";

// ------------------------------------------------------------------ messages

/** A dataset's rows in shared memory (one buffer per split, rows as views), with each row's non-zero features. */
interface SharedRows {
  kind: "f32" | "f64";
  features: number;
  x: SharedArrayBuffer;
  y: SharedArrayBuffer;
  /** CSR: row i's non-zero features are nzIdx[nzPtr[i] .. nzPtr[i + 1]), ascending (Int32). */
  nzPtr: SharedArrayBuffer;
  nzIdx: SharedArrayBuffer;
}

/** Rows as views of the shared buffers, and their non-zero features. */
interface Rows {
  x: FeatureRow[];
  y: Int32Array;
  nzPtr: Int32Array;
  nzIdx: Int32Array;
}

export interface WorkerInit {
  w: number;
  n: number;
  netlist: string;
  options: TrainOptions;
  /** Conductance bounds of the ideal update (S). */
  lo: number;
  hi: number;
  /** The conductances (shared by all workers) and one kernel scratch region per worker. */
  bank: BankMemory;
  slots: SharedArrayBuffer;
  ctl: SharedArrayBuffer;
  train: SharedRows;
  test: SharedRows;
  /** What the main thread's circuit has, to check the file built the same network. */
  expect: { resistors: number; params: number; unknowns: number; layoutBytes: number };
}

export type MainMessage =
  | { type: "epoch"; epoch: number; order: Int32Array; scale: number; state: Float64Array | null }
  | { type: "close" };

export type WorkerMessage =
  | { type: "ready" }
  | { type: "trained"; loss: number; correct: number; cpuSeconds: number }
  | { type: "evaluated"; loss: number; correct: number; state: Float64Array }
  | { type: "error"; name: string; message: string; stack: string; aborted: boolean };

function shareRows(rows: FeatureRow[], labels: Int32Array, features: number): SharedRows {
  const kind = rows.length && rows.every((r) => r instanceof Float32Array) ? "f32" : "f64";
  const x = new SharedArrayBuffer((kind === "f32" ? 4 : 8) * rows.length * features);
  const X = kind === "f32" ? new Float32Array(x) : new Float64Array(x);
  rows.forEach((r, i) => X.set(r, i * features));
  const y = new SharedArrayBuffer(4 * labels.length);
  new Int32Array(y).set(labels);
  let nnz = 0;
  for (let t = 0; t < X.length; t++) if (X[t] !== 0) nnz++;
  const nzPtr = new SharedArrayBuffer(4 * (rows.length + 1));
  const nzIdx = new SharedArrayBuffer(4 * Math.max(1, nnz));
  const ptr = new Int32Array(nzPtr);
  const idx = new Int32Array(nzIdx);
  for (let i = 0, t = 0; i < rows.length; i++) {
    for (let k = 0, o = i * features; k < features; k++) if (X[o + k] !== 0) idx[t++] = k;
    ptr[i + 1] = t;
  }
  return { kind, features, x, y, nzPtr, nzIdx };
}

function rowsOf(s: SharedRows): Rows {
  const X = s.kind === "f32" ? new Float32Array(s.x) : new Float64Array(s.x);
  const y = new Int32Array(s.y);
  const x = Array.from({ length: y.length }, (_, i) => X.subarray(i * s.features, (i + 1) * s.features));
  return { x, y, nzPtr: new Int32Array(s.nzPtr), nzIdx: new Int32Array(s.nzIdx) };
}

/**
 * One worker's rows of an input crossbar, by the input that drives them:
 * input k's rows (at most two: its pos and neg sources) as codes
 * 2 row + (1 when at -x_k), in row order, -1 for none. `ordered` when
 * taking the inputs in order lists the rows in order (then a sample's
 * lit rows come from its non-zero features alone).
 */
interface RowPlan {
  first: Int32Array;
  second: Int32Array;
  ordered: boolean;
  /** The rows themselves with their input and sign (the general path). */
  row: Int32Array;
  input: Int32Array;
  neg: Uint8Array;
}

function rowPlan(drive: Int32Array, i0: number, i1: number, nInputs: number): RowPlan {
  const first = new Int32Array(nInputs).fill(-1);
  const second = new Int32Array(nInputs).fill(-1);
  let ordered = true;
  for (let i = i0; i < i1; i++) {
    const k = drive[i] >> 1;
    const code = 2 * i + (drive[i] & 1);
    if (first[k] < 0) first[k] = code;
    else if (second[k] < 0) second[k] = code;
    else ordered = false; // three rows on one input: take the general path
  }
  // Rows listed input by input must come out ascending.
  let last = -1;
  for (let k = 0; k < nInputs && ordered; k++) {
    for (const c of [first[k], second[k]]) {
      if (c < 0) continue;
      if (c >> 1 <= last) ordered = false;
      last = c >> 1;
    }
  }
  const row = Int32Array.from({ length: i1 - i0 }, (_, e) => i0 + e);
  return { first, second, ordered, row, input: row.map((i) => drive[i] >> 1), neg: Uint8Array.from(row, (i) => drive[i] & 1) };
}

// ------------------------------------------------------------------ worker side

/** One worker thread's model and its part of every batch (run by parallel-worker.ts). */
export class TrainWorker {
  private readonly model: EqModel;
  private readonly layout: Layout;
  private readonly barrier: Barrier;
  private readonly ctl: Int32Array;
  private readonly est: ContrastEstimator;
  private readonly train: Rows;
  private readonly test: Rows;
  private readonly y: Float64Array;
  private readonly out: Float64Array;
  /** Kernel scratch (per column) and the column sums handed to the bank. */
  private readonly Q: Float64Array;
  private readonly sums: Float64Array;
  /**
   * Per input crossbar: this worker's rows (block row index) with the input
   * that drives each and whether through its neg source; scratch for a
   * sample's lit rows and their voltages, and for the summed currents.
   */
  private readonly plan: RowPlan[];
  private readonly lit: Int32Array;
  private readonly vals: Float64Array;
  private readonly sumI: Float64Array;

  constructor(private readonly init: WorkerInit) {
    useBank(init.bank, init.w);
    const circuit = loadCircuit(init.netlist, { resistorStorage: init.bank });
    const model = new EqModel(circuit);
    const e = init.expect;
    if (circuit.resistors.size !== e.resistors || model.nParams !== e.params || model.engine.x.length !== e.unknowns) {
      throw new InputError(`--workers: ${init.netlist} does not build the network being trained (the workers load the netlist file; train a circuit edited in memory with --workers 1)`);
    }
    model.polish = 1;
    this.model = model;
    this.layout = new Layout(model, init.options.batch, init.n, init.slots);
    if (this.layout.bytes !== e.layoutBytes) throw new Error("internal: worker and main thread disagree on the shared slot layout");
    this.ctl = new Int32Array(init.ctl);
    this.barrier = new Barrier(this.ctl, init.n);
    const est = makeEstimator(init.options.estimator, { beta: init.options.beta, relax: { kind: init.options.relax } });
    if (!isContrastEstimator(est)) throw new InputError(`--workers needs a contrast estimator (got ${init.options.estimator})`);
    this.est = est;
    this.train = rowsOf(init.train);
    this.test = rowsOf(init.test);
    this.y = new Float64Array(model.nOutputs);
    this.out = new Float64Array(model.nOutputs);
    let maxN = 1;
    for (const L of this.layout.blocks) maxN = Math.max(maxN, L.blk.N);
    this.Q = new Float64Array(maxN);
    this.sums = new Float64Array(maxN);
    this.plan = this.layout.products.map((P) => {
      const [i0, i1] = share(P.M, init.n, init.w);
      return rowPlan(P.drive, i0, i1, model.nInputs);
    });
    const maxM = Math.max(1, ...this.layout.products.map((P) => P.M));
    this.lit = new Int32Array(maxM);
    this.vals = new Float64Array(maxM);
    this.sumI = new Float64Array(Math.max(1, ...this.layout.products.map((P) => P.N)));
  }

  /** Train on this worker's samples of every batch of the epoch; returns its loss sum and hits. */
  runEpoch(msg: Extract<MainMessage, { type: "epoch" }>): { loss: number; correct: number; cpuSeconds: number } {
    const cpu0 = threadCpuSeconds();
    const { model, init, layout } = this;
    const opts = init.options;
    const { w, n: N } = init;
    if (msg.state) model.restoreState(msg.state);
    // The conductances may have been written by the main thread (start, resume): drop cached sums, read the biases.
    model.setBiases(layout.bias);
    const order = msg.order;
    const B = opts.batch;
    let loss = 0;
    let correct = 0;
    let updated = false;
    for (let b0 = 0; b0 < order.length; b0 += B) {
      const Bc = Math.min(B, order.length - b0);
      // 1. Every slot's input-crossbar currents from this worker's rows (lit by the slot's
      //    features), on the conductances it has just updated itself.
      for (let s = 0; s < Bc; s++) this.litRows(s, order[b0 + s]);
      this.barrier.wait();
      // The previous batch's update is complete: its column sums and biases.
      if (updated) this.adopt();
      // 2. This worker's samples, on the currents summed over the workers' rows.
      for (let s = w; s < Bc; s += N) {
        const i = order[b0 + s];
        model.setInputs(this.train.x[i]);
        this.presetCurrents(s);
        targetVector(this.train.y[i], model.nOutputs, opts.targetAmplitude, opts.targets, this.y);
        const r = this.est.phases(model, this.y);
        loss += r.loss;
        if (predict(r.outputs) === this.train.y[i]) correct++;
        this.writeSlot(s, r.V1, r.V0, r.factor, r.amplified);
        Atomics.add(this.ctl, DONE, 1);
      }
      this.barrier.wait();
      // 3. This worker's rows of the batch update.
      this.applyRows(Bc, msg.scale / Bc);
      updated = true;
    }
    this.barrier.wait();
    if (updated) this.adopt();
    return { loss, correct, cpuSeconds: threadCpuSeconds() - cpu0 };
  }

  /** Slot s's current into each input crossbar's columns from this worker's rows, lit by training sample i. */
  private litRows(s: number, i: number): void {
    const bank = this.model.circuit.resistors;
    const { w } = this.init;
    const B = this.init.options.batch;
    const x = this.train.x[i];
    const { nzPtr, nzIdx } = this.train;
    const { lit, vals } = this;
    const products = this.layout.products;
    for (let p = 0; p < products.length; p++) {
      const plan = this.plan[p];
      let c = 0;
      // Each lit row at 0 + sign * value, as Engine.moveFixed sets it (the neg source's value is -x).
      if (plan.ordered) {
        const { first, second } = plan;
        for (let t = nzPtr[i]; t < nzPtr[i + 1]; t++) {
          const k = nzIdx[t];
          const v = x[k];
          const a = first[k];
          if (a < 0) continue;
          lit[c] = a >> 1;
          vals[c++] = a & 1 ? 0 - v : 0 + v;
          const b = second[k];
          if (b < 0) continue;
          lit[c] = b >> 1;
          vals[c++] = b & 1 ? 0 - v : 0 + v;
        }
      } else {
        const { row, input, neg } = plan;
        for (let e = 0; e < row.length; e++) {
          const v = x[input[e]];
          if (v === 0) continue;
          lit[c] = row[e];
          vals[c++] = neg[e] ? 0 - v : 0 + v;
        }
      }
      const out = products[p].slot[w * B + s];
      out.fill(0);
      bank.litRowsOf(products[p].bi, lit, vals, c, out);
    }
  }

  /** Hand the bank slot s's input-crossbar currents: every worker's rows, added in worker order. */
  private presetCurrents(s: number): void {
    const { model, init } = this;
    const B = init.options.batch;
    const bank = model.circuit.resistors;
    const version = model.engine.pointVersion;
    for (const P of this.layout.products) {
      const I = this.sumI;
      const N = P.N;
      const q0 = P.slot[s];
      for (let j = 0; j < N; j++) I[j] = q0[j];
      for (let w = 1; w < init.n; w++) {
        const q = P.slot[w * B + s];
        for (let j = 0; j < N; j++) I[j] += q[j];
      }
      bank.presetColumnCurrents(P.bi, I, model.engine.Vk, version);
    }
  }

  /** Free phases of this worker's test samples (i mod N = w): loss sum and hits. */
  evaluate(): { loss: number; correct: number; state: Float64Array } {
    const { model, init } = this;
    const opts = init.options;
    let loss = 0;
    let correct = 0;
    model.setNudge(0, null);
    for (let i = init.w; i < this.test.x.length; i += init.n) {
      model.setInputs(this.test.x[i]);
      model.settle({ kind: opts.relax });
      model.outputs(this.out);
      targetVector(this.test.y[i], model.nOutputs, opts.targetAmplitude, opts.targets, this.y);
      for (let k = 0; k < this.out.length; k++) loss += 0.5 * (this.out[k] - this.y[k]) ** 2;
      if (predict(this.out) === this.test.y[i]) correct++;
    }
    return { loss, correct, state: Float64Array.from(model.engine.x) };
  }

  /** Slot s's factors, as EqModel.accumulate keeps them (rows split into the workers' ranges). */
  private writeSlot(s: number, V1: Float64Array, V2: Float64Array, factor: number, amplified: boolean): void {
    const { layout: L, model } = this;
    L.f[s] = factor;
    L.amp[s] = amplified ? 1 : 0;
    for (const bs of L.blocks) {
      const { N, cols } = bs.blk;
      for (let w = 0; w < bs.sub.length; w++) {
        const sub = bs.sub[w];
        if (!sub) continue;
        const { M, rows } = sub;
        const dr = bs.dr[w];
        const sr = bs.sr[w];
        const ro = s * M;
        for (let i = 0; i < M; i++) {
          const r = rows[i];
          dr[ro + i] = V1[r] - V2[r];
          sr[ro + i] = V1[r] + V2[r];
        }
      }
      const co = s * N;
      for (let j = 0; j < N; j++) {
        const c = cols[j];
        bs.dc[co + j] = V1[c] - V2[c];
        bs.sc[co + j] = V1[c] + V2[c];
      }
    }
    const { tA, tB } = model;
    const nSp = L.spK.length;
    for (let t = 0; t < nSp; t++) {
      const k = L.spK[t];
      const d1 = V1[tA[k]] - V1[tB[k]];
      const d2 = V2[tA[k]] - V2[tB[k]];
      L.sp[s * nSp + t] = factor * (d1 - d2) * (d1 + d2);
    }
    const nB = model.biases.length;
    for (let j = 0; j < nB; j++) {
      const a = model.bA[j];
      const c = model.bB[j];
      const f = amplified && model.ampBiasFactor ? model.ampBiasFactor[j] : 1;
      L.bs[s * nB + j] = 2 * factor * f * (V1[a] - V1[c] - (V2[a] - V2[c]));
    }
  }

  /** This worker's share of the batch update (EqModel.applyBatch's arithmetic, in the same order). */
  private applyRows(B: number, step: number): void {
    const { layout: L, model, init } = this;
    const { w, n: N, lo, hi } = init;
    const g = model.circuit.resistors.g;
    const amplified = L.amp[0] === 1;
    for (let s = 1; s < B; s++) if ((L.amp[s] === 1) !== amplified) throw new Error("internal: one batch mixes amplifier-corrected and plain contrasts");
    const stOf = (si: number) => {
      const seg = model.segments[si];
      return step * seg.lr * (amplified ? seg.amp : 1);
    };
    L.blocks.forEach((bs, q) => {
      const sub = bs.sub[w];
      if (!sub) {
        bs.colPart[w].fill(0);
        return;
      }
      const st = stOf(L.blockSeg[q]);
      const buf = { dr: bs.dr[w], sr: bs.sr[w], dc: bs.dc, sc: bs.sc };
      for (let n0 = 0; n0 < B; n0 += 4) {
        const last = n0 + 4 >= B;
        chunkUpdate(g, sub, buf, L.f, n0, Math.min(4, B - n0), st, last ? lo : -Infinity, last ? hi : Infinity, this.Q, last ? bs.colPart[w] : null);
      }
    });
    const nSp = L.spK.length;
    const [t0, t1] = share(nSp, N, w);
    for (let t = t0; t < t1; t++) {
      let acc = 0;
      for (let s = 0; s < B; s++) acc += L.sp[s * nSp + t];
      const i = model.tIndex[L.spK[t]];
      g[i] = Math.min(hi, Math.max(lo, g[i] + acc * stOf(L.spSeg[t])));
    }
    if (w === 0) {
      const nB = model.biases.length;
      for (let j = 0; j < nB; j++) {
        let acc = 0;
        for (let s = 0; s < B; s++) acc += L.bs[s * nB + j];
        L.bias[j] = L.bias[j] + step * model.bLr[j] * acc;
      }
    }
  }

  /** After the update: the new biases, and each block's column sums (row ranges in worker order) to the bank. */
  private adopt(): void {
    const { layout: L, model } = this;
    model.setBiases(L.bias);
    const bank = model.circuit.resistors;
    for (const bs of L.blocks) {
      const { N, M, slot0 } = bs.blk;
      const sums = this.sums;
      sums.set(bs.colPart[0].subarray(0, N));
      for (let w = 1; w < bs.colPart.length; w++) {
        const p = bs.colPart[w];
        for (let j = 0; j < N; j++) sums[j] += p[j];
      }
      bank.adoptColumnSums(slot0, M, N, sums);
    }
  }
}

// ------------------------------------------------------------------ main side

/** The compiled worker entry (dist/src/train/parallel-worker.js), also from the TypeScript sources under vitest. */
export function trainWorkerScript(): URL {
  return compiledScript(new URL("./parallel-worker.js", import.meta.url), "src/train/parallel-worker.js", "--workers needs");
}

/** Why `--workers n` cannot run these options (null when it can). */
export function parallelRefusal(n: number, opts: TrainOptions, hw: Hardware): string | null {
  if (!(Number.isInteger(n) && n >= 1)) return `--workers must be a positive integer (got ${n})`;
  if (opts.batch < n) return `--workers ${n} needs --batch >= ${n} (got --batch ${opts.batch}): each worker runs samples of the same mini-batch`;
  const h = opts.hardware;
  if (h.levels || h.writeNoise || h.asymmetry || h.d2d || (h.readNoise ?? 0) > 0) {
    return `--workers ${n} needs ideal devices (the deferred mini-batch update): drop --levels, --write-noise, --asymmetry, --d2d and --read-noise, or use --workers 1`;
  }
  if (!hw.idealUniform) return `--workers ${n} needs one [gmin, gmax] range for every trainable device (the netlist's differ): give --gmin and --gmax, or use --workers 1`;
  if (opts.relax === "ode") return `--workers ${n} needs --relax auto, newton or bcd (--relax ode reports per-sample physics on one thread): use --workers 1`;
  if (!isContrastEstimator(makeEstimator(opts.estimator, { beta: opts.beta, relax: { kind: opts.relax } }))) return `--workers ${n} needs a contrast estimator (got ${opts.estimator})`;
  return null;
}

function rethrown(m: Extract<WorkerMessage, { type: "error" }>): Error {
  if (m.name === "InputError" || m.name === "NetlistError") return new InputError(m.message);
  if (m.name === "ConvergenceError") return new ConvergenceError(m.message);
  const e = new Error(`training worker failed: ${m.message}`);
  e.name = m.name;
  // The worker's own stack (where it failed), not this thread's message handler.
  e.stack = `${m.name}: training worker failed: ${m.stack}`;
  return e;
}

/** The worker threads and their messages, in worker order. */
class Crew {
  private readonly workers: Worker[] = [];
  private readonly queues: WorkerMessage[][] = [];
  private readonly waiting: Array<(() => void) | null> = [];
  private failure: Error | null = null;

  constructor(inits: WorkerInit[], private readonly ctl: Int32Array) {
    const script = trainWorkerScript();
    for (const init of inits) {
      const w = new Worker(script, { workerData: init });
      const k = this.workers.length;
      this.workers.push(w);
      this.queues.push([]);
      this.waiting.push(null);
      w.on("message", (m: WorkerMessage) => {
        // A worker that left an abandoned barrier reports only that: the failing one sends the cause.
        if (m.type === "error") {
          if (!m.aborted) this.fail(rethrown(m));
        } else this.queues[k].push(m);
        this.wake();
      });
      w.on("error", (e: Error) => {
        this.fail(new Error(`training worker ${k} crashed: ${e.message}`));
        this.wake();
      });
      w.on("exit", (code) => {
        if (!this.closing) this.fail(new Error(`training worker ${k} exited (code ${code})`));
        this.wake();
      });
    }
  }

  private closing = false;

  private fail(e: Error): void {
    this.failure ??= e;
    abortShared(this.ctl.buffer as SharedArrayBuffer);
  }

  private wake(): void {
    for (let k = 0; k < this.waiting.length; k++) {
      const f = this.waiting[k];
      this.waiting[k] = null;
      f?.();
    }
  }

  /** The next message of each worker, all of type `type`. */
  async next<T extends WorkerMessage["type"]>(type: T): Promise<Array<Extract<WorkerMessage, { type: T }>>> {
    const out: Array<Extract<WorkerMessage, { type: T }>> = [];
    for (let k = 0; k < this.workers.length; k++) {
      for (;;) {
        if (this.failure) throw this.failure;
        const m = this.queues[k].shift();
        if (m) {
          if (m.type !== type) throw new Error(`internal: worker ${k} sent ${m.type}, expected ${type}`);
          out.push(m as Extract<WorkerMessage, { type: T }>);
          break;
        }
        await new Promise<void>((resolve) => (this.waiting[k] = resolve));
      }
    }
    return out;
  }

  post(k: number, m: MainMessage): void {
    this.workers[k].postMessage(m);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Train `model` (the main thread's copy, which ends with the learned
 * conductances and biases) on `data` with `n` worker threads that load
 * `netlistFile`. Same contract as trainer.ts train(): per-epoch metrics,
 * hooks, checkpoints and resume (a checkpoint of another worker count, or
 * of a sequential run, resumes with every worker at its solver state).
 */
export async function trainParallel(
  model: EqModel,
  data: Dataset,
  opts: TrainOptions,
  n: number,
  netlistFile: string,
  hooks: TrainHooks = {},
  resume?: Checkpoint,
  names = { netlist: "", dataset: "" },
): Promise<EpochMetrics[]> {
  checkDatasetFits(data, model.nInputs, model.nOutputs);
  requireEstimable(opts.estimator, model.circuit);
  const rng = new Rng(opts.seed);
  const hw = new Hardware(opts.hardware, model.gLo, model.gHi, rng);
  const why = parallelRefusal(n, opts, hw);
  if (why) throw new InputError(why);
  if (!existsSync(netlistFile) || !statSync(netlistFile).isFile()) {
    throw new InputError(`--workers ${n}: every worker loads the netlist file, and '${netlistFile}' is not one (train a circuit made in memory with --workers 1)`);
  }
  const g = model.getConductances();
  const metrics: EpochMetrics[] = [];
  let startEpoch = 1;
  const unknowns = model.engine.x.length;
  let states: Array<Float64Array | null> = Array.from({ length: n }, () => null);
  if (resume) {
    startEpoch = restoreCheckpoint(model, resume, g, rng, metrics);
    if (resume.workers === n && resume.workerStates?.length === n && resume.workerStates.every((s) => s.length === unknowns)) {
      states = resume.workerStates.map((s) => Float64Array.from(s));
    } else if (resume.solverState?.length === unknowns) {
      const s = Float64Array.from(resume.solverState);
      states = states.map(() => s);
    }
  } else {
    hw.constrain(g);
  }
  model.setConductances(g);
  if (startEpoch > opts.epochs) return metrics;

  const B = opts.batch;
  const layout = new Layout(model, B, n);
  const slots = new SharedArrayBuffer(layout.bytes);
  const shared = new Layout(model, B, n, slots);
  const bank = model.circuit.resistors.g;
  // Scratch for the kernels on every block they see: the bank's input crossbars and the trainable blocks.
  const blocks = [...model.circuit.resistors.denseBlocks(), ...model.segments.flatMap((seg) => seg.blocks)];
  const bankMemory = createBankMemory(bank.length, n, kernelScratchBytes(blocks));
  const gView = new Float64Array(bankMemory.memory.buffer, bankMemory.byteOffset, bank.length);
  const ctlBuf = new SharedArrayBuffer(4 * CTL_WORDS);
  const ctl = new Int32Array(ctlBuf);
  const trainRows = shareRows(data.xTrain, data.yTrain, data.features);
  const testRows = data.xTest.length ? shareRows(data.xTest, data.yTest, data.features) : trainRows;
  const nTest = data.xTest.length ? data.xTest.length : data.xTrain.length;
  const inits: WorkerInit[] = Array.from({ length: n }, (_, w) => ({
    w,
    n,
    netlist: netlistFile,
    options: opts,
    lo: hw.lo[0],
    hi: hw.hi[0],
    bank: bankMemory,
    slots,
    ctl: ctlBuf,
    train: trainRows,
    test: testRows,
    expect: { resistors: bank.length, params: model.nParams, unknowns, layoutBytes: layout.bytes },
  }));
  const crew = new Crew(inits, ctl);
  try {
    await crew.next("ready");
    // The workers built their circuits (writing the netlist's values): now the run's own.
    gView.set(bank);
    shared.bias.set(model.getBiases());
    const order = Int32Array.from({ length: data.xTrain.length }, (_, i) => i);
    const baseScale = -opts.lr * model.G0 * model.G0;
    for (let epoch = startEpoch; epoch <= opts.epochs; epoch++) {
      const t0 = performance.now();
      const scale = baseScale * Math.pow(opts.lrDecay, epoch - 1);
      for (let i = 0; i < order.length; i++) order[i] = i;
      rng.shuffle(order);
      Atomics.store(ctl, DONE, 0);
      for (let w = 0; w < n; w++) crew.post(w, { type: "epoch", epoch, order, scale, state: states[w] });
      states = states.map(() => null);
      const progress = hooks.onSample ? setInterval(() => hooks.onSample!(Math.min(order.length, Atomics.load(ctl, DONE)), order.length), 200) : null;
      let trained;
      try {
        trained = await crew.next("trained");
      } finally {
        if (progress) clearInterval(progress);
      }
      const trainSeconds = (performance.now() - t0) / 1000;
      hooks.onSample?.(order.length, order.length);
      const evaluated = await crew.next("evaluated");
      const seconds = (performance.now() - t0) / 1000;
      let lossSum = 0;
      let correct = 0;
      let cpuSeconds = 0;
      for (const t of trained) {
        lossSum += t.loss;
        correct += t.correct;
        cpuSeconds += t.cpuSeconds;
      }
      let testLoss = 0;
      let testCorrect = 0;
      for (const e of evaluated) {
        testLoss += e.loss;
        testCorrect += e.correct;
      }
      // The main thread's model follows the shared weights (trained.cir, the returned model).
      bank.set(gView);
      model.setBiases(shared.bias);
      model.restoreState(evaluated[0].state);
      const em: EpochMetrics = {
        epoch,
        trainLoss: lossSum / order.length,
        trainAccuracy: correct / order.length,
        testLoss: testLoss / Math.max(1, nTest),
        testAccuracy: testCorrect / Math.max(1, nTest),
        seconds,
        samplesPerSecond: order.length / trainSeconds,
        cpuSeconds,
        workers: n,
      };
      metrics.push(em);
      hooks.onEpoch?.(em, {
        ...checkpointOf(model, opts, names, epoch, metrics, rng.state, evaluated[0].state),
        workers: n,
        workerStates: evaluated.map((e) => Array.from(e.state)),
      });
    }
  } finally {
    await crew.close();
  }
  return metrics;
}
