/**
 * EqModel: a trainable circuit and the phases of Equilibrium Propagation.
 *
 * Wraps a Circuit whose `*@` annotations name the data inputs, outputs and
 * trainable conductances. Adds one Nudge device per output (the cost term
 * beta*C) and runs the circuit to equilibrium with a chosen minimizer.
 *
 * Units: voltages in V, conductances in S, the nudge strength betaS in S
 * (the trainer speaks dimensionless beta = betaS / Gnudge: see trainer.ts).
 */
import type { Circuit } from "../circuit/circuit.js";
import { Engine } from "../analysis/engine.js";
import { eventNetworks, solveDc, tolerancesOf } from "../analysis/op.js";
import { Nudge } from "../devices/nudge/nudge.js";
import type { CurrentSource } from "../devices/sources/sources.js";
import { BlockCoordinateDescent } from "../analysis/bcd.js";
import { LayeredNewton } from "../analysis/layered.js";
import { findDenseBlocks, type DenseBlock, type SparseRun } from "../solver/dense-blocks.js";
import type { ChunkBuffers } from "./update-kernel.js";
import { chunkUpdate } from "./chunk-update.js";
import { ConvergenceError, InputError } from "../util/errors.js";

/** Multiply-adds of one dense Schur complement above which the layered solver uses block coordinate descent. */
const SCHUR_BUDGET = 2e6;
/** Sweep limit of that descent (it stops earlier, at the Newton tolerance). */
const BCD_SWEEPS = 2000;

export type RelaxKind = "auto" | "newton" | "bcd" | "ode";

export interface RelaxOptions {
  kind: RelaxKind;
  /** Node capacitance (F) for `ode` relaxation. Default 1e-12. */
  cnode?: number;
}

type RelaxFn = (engine: Engine, opts: { cnode?: number; tol?: number }) => unknown;

export class EqModel {
  readonly engine: Engine;
  readonly nudges: Nudge[];
  /** Bank indices and terminal nodes of the trainable conductances. */
  readonly tIndex: Int32Array;
  /** Terminal nodes, 16-bit when the circuit has fewer than 65,536 nodes (less memory traffic). */
  readonly tA: Uint16Array | Int32Array;
  readonly tB: Uint16Array | Int32Array;
  /**
   * Trainable devices by learning-rate group, split into dense crossbar blocks and sparse runs.
   * Read-only outside: train/parallel.ts splits the deferred update (applyChunk) across threads.
   */
  readonly segments: Array<{ lr: number; amp: number; blocks: DenseBlock[]; sparse: SparseRun[] }> = [];
  /**
   * Bidirectional amplifiers (circuit.nodeScale): the EqProp contrast of a
   * device whose terminals sit at cumulative gain s_k, with the outputs at
   * s_out, is scaled by (s_out / s_k)^2 to be the gradient (docs/theory.md).
   * Per trainable device, then per bias; null without amplifiers.
   */
  readonly ampFactor: Float64Array | null = null;
  readonly ampBiasFactor: Float64Array | null = null;
  /** Per-column scratch of the block update. */
  private readonly colD: Float64Array;
  private readonly colS: Float64Array;
  /** Runs of trainable devices sharing a learning-rate multiplier: [start, end) in trainable order. */
  readonly lrGroups: Array<{ start: number; end: number; lr: number }> = [];
  /** Per-device bounds (S). */
  readonly gLo: Float64Array;
  readonly gHi: Float64Array;
  /** Unit conductance G0 (S): the largest gmax of the trainable devices (learning-rate units). */
  readonly G0: number;
  /**
   * Nudge unit (S): the mean conductance an output sees into the circuit at
   * the initial conductances (its self-conductance; for a differential pair
   * the two in series). A nudge of beta = 1 matches it.
   */
  readonly Gnudge: number;
  readonly nInputs: number;
  readonly nOutputs: number;
  /**
   * Trainable current sources (signed biases), after the conductances in the
   * parameter vector: parameter m + j is bias j's current (A). Terminals bA
   * (+, the current leaves it) and bB (-, the current enters it).
   */
  readonly biases: CurrentSource[];
  readonly bA: Int32Array;
  readonly bB: Int32Array;
  readonly bLr: Float64Array;
  /** Number of trainable parameters: conductances, then biases. */
  readonly nParams: number;
  private bcd: BlockCoordinateDescent | null = null;
  /** Newton on the layered structure (analysis/layered.ts), or why it does not apply; undefined until first asked. */
  private layered: LayeredNewton | string | undefined = undefined;
  private relaxOde: RelaxFn | null = null;
  private readonly tol;
  /** Total minimizer work, for reports: Newton iterations or BCD sweeps. */
  work = 0;
  /**
   * Newton iterations after the SPICE convergence test passes (each squares
   * the remaining error). 3 (the engine's default) makes every phase exact to
   * rounding, for gradient checks; training uses 1 (errors ~1e-10 V).
   */
  polish = 3;
  /** Called with every `ode` relaxation's result (analysis/relax.ts RelaxResult: settling time, energy), for reports. */
  onRelax: ((result: unknown) => void) | null = null;
  /** Read noise: standard deviation (V) added to every measured voltage; 0 = ideal. */
  readNoise = 0;
  /** Standard normal draws for read noise (set by the trainer to its seeded generator). */
  gauss: () => number = () => 0;

  constructor(readonly circuit: Circuit) {
    const ports = circuit.ports;
    if (ports.inputs.length === 0) throw new InputError(`${circuit.file}: the netlist declares no data inputs (add a *@input line)`);
    if (ports.outputs.length === 0) throw new InputError(`${circuit.file}: the netlist declares no outputs (add a *@output line)`);
    if (ports.trainable.length === 0) throw new InputError(`${circuit.file}: the netlist declares no trainable conductances (add *@train or *@crossbar ... train)`);
    // the free and nudged phases solve the analog system alone: XSPICE digital parts would stay where the first point left them
    if (eventNetworks(circuit).length > 0) throw new InputError(`${circuit.file}: the netlist has XSPICE digital models: training runs analog circuits only`);
    this.nudges = ports.outputs.map((o, k) => new Nudge(`nudge${k}`, o.pos, o.neg ?? 0));
    circuit.devices.push(...this.nudges);
    this.engine = new Engine(circuit);
    const m = ports.trainable.length;
    this.tIndex = new Int32Array(m);
    const narrow = circuit.nodeNames.length < 65536;
    this.tA = narrow ? new Uint16Array(m) : new Int32Array(m);
    this.tB = narrow ? new Uint16Array(m) : new Int32Array(m);
    this.gLo = new Float64Array(m);
    this.gHi = new Float64Array(m);
    let g0 = 0;
    ports.trainable.forEach((t, k) => {
      this.tIndex[k] = t.device.index;
      this.tA[k] = t.device.a;
      this.tB[k] = t.device.b;
      this.gLo[k] = t.gmin;
      this.gHi[k] = t.gmax;
      g0 = Math.max(g0, t.gmax);
    });
    this.G0 = g0;
    ports.trainable.forEach((t, k) => {
      const last = this.lrGroups[this.lrGroups.length - 1];
      if (last && last.lr === t.lr) last.end = k + 1;
      else this.lrGroups.push({ start: k, end: k + 1, lr: t.lr });
    });
    const amps = circuit.amplifiers;
    if (amps) {
      const sOut = amps.scaleOf([ports.outputs[0].pos, ports.outputs[0].neg ?? 0]);
      for (const o of ports.outputs) {
        if (amps.scaleOf([o.pos, o.neg ?? 0]) !== sOut) throw new InputError(`${circuit.file}: the outputs sit behind different amplifier gains: EqProp needs them at one scale`);
      }
      this.ampFactor = Float64Array.from(ports.trainable, (t) => (sOut / amps.scaleOf([t.device.a, t.device.b])) ** 2);
      this.ampBiasFactor = Float64Array.from(ports.biases, (b) => (sOut / amps.scaleOf([b.device.a, b.device.b])) ** 2);
    }
    let maxN = 1;
    for (const grp of this.lrGroups) {
      // Runs of one learning rate and one amplifier factor.
      for (let k0 = grp.start; k0 < grp.end; ) {
        const f = this.ampFactor ? this.ampFactor[k0] : 1;
        let k1 = k0 + 1;
        while (k1 < grp.end && (this.ampFactor ? this.ampFactor[k1] : 1) === f) k1++;
        const { blocks, sparse } = findDenseBlocks(this.tA, this.tB, this.tIndex, k0, k1);
        this.segments.push({ lr: grp.lr, amp: f, blocks, sparse });
        for (const b of blocks) maxN = Math.max(maxN, b.N);
        k0 = k1;
      }
    }
    this.colD = new Float64Array(maxN);
    this.colS = new Float64Array(maxN);
    this.biases = ports.biases.map((b) => b.device);
    this.bA = Int32Array.from(this.biases, (d) => d.a);
    this.bB = Int32Array.from(this.biases, (d) => d.b);
    this.bLr = Float64Array.from(ports.biases, (b) => b.lr);
    this.nParams = m + this.biases.length;
    this.Gnudge = this.outputConductance();
    this.nInputs = ports.inputs.length;
    this.nOutputs = ports.outputs.length;
    this.tol = tolerancesOf(circuit);
  }

  private outputConductance(): number {
    const c = this.circuit;
    const e = this.engine;
    e.setPoint("dc", 0, 1, null);
    e.assemble();
    const self = (node: number) => {
      const u = c.unknownOfNode[node];
      if (u < 0) throw new InputError(`output node '${c.nodeNames[node]}' is fixed by a voltage source: it cannot be nudged`);
      return e.sys.A[e.sys.diag(u)];
    };
    let sum = 0;
    for (const o of c.ports.outputs) {
      const gp = self(o.pos);
      sum += o.neg !== undefined && o.neg !== 0 ? 1 / (1 / gp + 1 / self(o.neg)) : gp;
    }
    return sum / c.ports.outputs.length;
  }

  /** Conductances of the trainable devices (S), a view into the circuit's bank in trainable order. */
  getConductances(out: Float64Array = new Float64Array(this.tIndex.length)): Float64Array {
    const g = this.circuit.resistors.g;
    for (let k = 0; k < out.length; k++) out[k] = g[this.tIndex[k]];
    return out;
  }

  setConductances(values: ArrayLike<number>): void {
    const g = this.circuit.resistors.g;
    for (let k = 0; k < this.tIndex.length; k++) g[this.tIndex[k]] = values[k];
    this.engine.invalidate();
  }

  /** Currents of the trainable current sources (A), in bias order. */
  getBiases(out: Float64Array = new Float64Array(this.biases.length)): Float64Array {
    for (let j = 0; j < this.biases.length; j++) out[j] = this.biases[j].dc;
    return out;
  }

  setBiases(values: ArrayLike<number>): void {
    for (let j = 0; j < this.biases.length; j++) this.biases[j].setDc(values[j]);
    this.engine.invalidate();
  }

  /**
   * Add step[m + j] * scale * lr_j to each bias current (A): the bias part of
   * an update whose conductance part the hardware model applies.
   */
  addToBiases(step: Float64Array, scale: number): void {
    const m = this.tIndex.length;
    for (let j = 0; j < this.biases.length; j++) {
      const d = this.biases[j];
      d.setDc(d.dc + scale * this.bLr[j] * step[m + j]);
    }
    this.engine.invalidate();
  }

  /** Drive the data inputs with feature vector x (V): +x on pos sources, -x on neg ones. */
  setInputs(x: ArrayLike<number>): void {
    const ins = this.circuit.ports.inputs;
    if (x.length !== ins.length) throw new InputError(`data has ${x.length} features but the netlist declares ${ins.length} inputs`);
    const entry = (this.inputEntries ??= this.findInputEntries());
    const e = this.engine;
    if (entry.length && e.atUnitDcPoint) {
      // Only the inputs whose value changes (an image's lit pixels and the last one's): same state as below.
      const moved = this.movedEntries;
      let m = 0;
      for (let k = 0; k < ins.length; k++) {
        const p = ins[k].pos;
        if (p.value.dc !== x[k] || p.value.wave.kind !== "dc") {
          p.setDc(x[k]);
          moved[m++] = entry[2 * k];
        }
        const n = ins[k].neg;
        if (n && (n.value.dc !== -x[k] || n.value.wave.kind !== "dc")) {
          n.setDc(-x[k]);
          moved[m++] = entry[2 * k + 1];
        }
      }
      e.moveFixed(moved, m);
      return;
    }
    for (let k = 0; k < ins.length; k++) {
      ins[k].pos.setDc(x[k]);
      ins[k].neg?.setDc(-x[k]);
    }
    e.setPoint("dc", 0, 1, null);
  }

  /**
   * Per node: which data input drives it, as node voltage = sign * x_k with
   * code 2k + (sign < 0 ? 1 : 0), or -1 for a node no input drives. Null
   * when setInputs takes setPoint's path (some input is not a grounded
   * fixed node). Threaded training computes crossbar currents of samples
   * it does not solve from this, without setting the inputs.
   */
  inputDrive(): Int32Array | null {
    const entry = (this.inputEntries ??= this.findInputEntries());
    if (!entry.length) return null;
    const fixed = this.circuit.fixed;
    const drive = new Int32Array(this.engine.Vk.length).fill(-1);
    for (let slot = 0; slot < entry.length; slot++) {
      if (entry[slot] < 0) continue;
      const f = fixed[entry[slot]];
      // The neg source holds -x_k: the node is at f.sign * -x_k.
      const sign = slot & 1 ? -f.sign : f.sign;
      drive[f.node] = 2 * (slot >> 1) + (sign < 0 ? 1 : 0);
    }
    return drive;
  }

  /** Per input k, the circuit.fixed entries of its pos (2k) and neg (2k + 1) sources; empty when some input is not a grounded fixed node (then setInputs takes setPoint's path). */
  private inputEntries: Int32Array | null = null;
  private movedEntries = new Int32Array(0);

  private findInputEntries(): Int32Array {
    const fixed = this.circuit.fixed;
    const ins = this.circuit.ports.inputs;
    const at = new Map<object, number>();
    const refs = new Set<number>();
    fixed.forEach((f, i) => {
      at.set(f.source, i);
      refs.add(f.ref);
    });
    const entry = new Int32Array(2 * ins.length).fill(-1);
    for (let k = 0; k < ins.length; k++) {
      for (const [src, slot] of [[ins[k].pos, 2 * k], [ins[k].neg, 2 * k + 1]] as const) {
        if (!src) continue;
        const i = at.get(src);
        if (i === undefined || fixed[i].ref !== 0 || refs.has(fixed[i].node)) return new Int32Array(0);
        entry[slot] = i;
      }
    }
    this.movedEntries = new Int32Array(2 * ins.length);
    return entry;
  }

  /** Set the nudge: strength betaS (S) toward targets y (V); betaS = 0 is the free phase. */
  setNudge(betaS: number, y: ArrayLike<number> | null): void {
    for (let k = 0; k < this.nudges.length; k++) {
      this.nudges[k].beta = betaS;
      this.nudges[k].target = y ? y[k] : 0;
    }
  }

  /** Relax the circuit to equilibrium from the engine's current state (warm start). */
  settle(relax: RelaxOptions): void {
    const kind = relax.kind === "auto" ? "newton" : relax.kind;
    if (kind === "newton") {
      // "auto": the same Newton iterations on the layered structure when the circuit has it.
      const fast = relax.kind === "auto" ? this.structured() : null;
      // Deep networks (a large second layer set): exact block coordinate descent instead of Newton.
      const r = fast
        ? fast.schurCost() > SCHUR_BUDGET && !this.circuit.amplifiers
          ? fast.bcd(this.tol, BCD_SWEEPS)
          : fast.newton(this.tol, this.circuit.options.itl1, false, this.polish)
        : this.engine.newton(this.tol, this.circuit.options.itl1, false, this.polish);
      this.work += r.iterations;
      if (!r.converged) {
        // Rare: fall back to the full homotopy of the operating point.
        // polished to rounding: the EqProp estimate differences equilibria (op's default stops where ngspice does)
        const s = solveDc(this.engine, { warm: true, polish: 3 });
        this.work += s.iterations;
        this.engine.setPoint("dc", 0, 1, null);
      }
    } else if (kind === "bcd") {
      if (!this.bcd) this.bcd = new BlockCoordinateDescent(this.engine);
      const r = this.bcd.solve(1e-11);
      this.work += r.sweeps;
      if (!r.converged) throw new ConvergenceError("block coordinate descent did not converge in 200 sweeps");
    } else {
      if (!this.relaxOde) throw new InputError("ode relaxation is not loaded: call loadOde() first");
      const r = this.relaxOde(this.engine, { cnode: relax.cnode, tol: 1e-10 });
      this.onRelax?.(r);
    }
  }

  /** The layered Newton solver when the circuit is a layered network (see analysis/layered.ts), else null. */
  structured(): LayeredNewton | null {
    if (this.layered === undefined) {
      this.layered = LayeredNewton.create(this.engine);
      // Solve each hidden unit exactly between outer steps: 3 outer iterations per phase instead of 4-12.
      // (Not with amplifiers: the node-by-node solves work in physical units, the reduced system in V / s.)
      if (typeof this.layered !== "string") this.layered.eliminateFirst = !this.circuit.amplifiers;
    }
    return typeof this.layered === "string" ? null : this.layered;
  }

  /** Why the layered solver does not apply (null when it does). */
  get structuredReason(): string | null {
    this.structured();
    return typeof this.layered === "string" ? this.layered : null;
  }

  /**
   * Factor the Jacobian of KCL at the current state (the Hessian of the
   * energy at an equilibrium) for `solveAdjoint`. False when singular.
   */
  linearize(): boolean {
    const fast = this.structured();
    this.linearizedBy = fast;
    return fast ? fast.linearize() : this.engine.linearize();
  }

  /** J^T lambda = rhs in place (rhs by unknown: dC/dx), with the factors of the last `linearize`. */
  solveAdjoint(rhs: Float64Array): void {
    if (this.linearizedBy) this.linearizedBy.solveAdjoint(rhs);
    else this.engine.solveAdjoint(rhs);
  }

  private linearizedBy: LayeredNewton | null = null;

  /** Load the time-integration relaxation lazily (only `--relax ode` pays for odex). */
  async loadOde(): Promise<void> {
    const spec = "../analysis/relax.js";
    const mod = (await import(spec)) as { relax: RelaxFn };
    this.relaxOde = mod.relax;
  }

  /** Output values V(p) - V(n) (V) into out. */
  outputs(out: Float64Array): Float64Array {
    const V = this.engine.V;
    const outs = this.circuit.ports.outputs;
    for (let k = 0; k < outs.length; k++) out[k] = V[outs[k].pos] - (outs[k].neg !== undefined ? V[outs[k].neg!] : 0);
    if (this.readNoise > 0) for (let k = 0; k < out.length; k++) out[k] += this.readNoise * this.gauss();
    return out;
  }

  /** Copy every node's voltage (V) into `into` (length = nodes). */
  saveVoltages(into: Float64Array): void {
    into.set(this.engine.V);
  }

  /**
   * EqProp contrast from two phases' node voltages: for each trainable device,
   * grad[k] = [(V1_a - V1_b)^2 - (V2_a - V2_b)^2] * scale (one pass, no
   * per-device storage). Read noise, if any, perturbs each measured drop.
   */
  contrast(V1: Float64Array, V2: Float64Array, scale: number, grad: Float64Array, amplified = false): void {
    this.contrastRaw(V1, V2, scale, grad);
    const fa = amplified ? this.ampFactor : null;
    if (fa) {
      const m = fa.length;
      for (let k = 0; k < m; k++) grad[k] *= fa[k];
      for (let j = 0; j < this.bA.length; j++) grad[m + j] *= this.ampBiasFactor![j];
    }
  }

  private contrastRaw(V1: Float64Array, V2: Float64Array, scale: number, grad: Float64Array): void {
    const { tA, tB, bA, bB } = this;
    const m = tA.length;
    const sigma = this.readNoise;
    // Biases: dE/di = V+ - V-, so their contrast is linear in the drops: 2 scale (d1 - d2).
    for (let j = 0; j < bA.length; j++) {
      const d1 = V1[bA[j]] - V1[bB[j]] + (sigma > 0 ? sigma * this.gauss() : 0);
      const d2 = V2[bA[j]] - V2[bB[j]] + (sigma > 0 ? sigma * this.gauss() : 0);
      grad[m + j] = 2 * scale * (d1 - d2);
    }
    if (sigma > 0) {
      for (let k = 0; k < m; k++) {
        const d1 = V1[tA[k]] - V1[tB[k]] + sigma * this.gauss();
        const d2 = V2[tA[k]] - V2[tB[k]] + sigma * this.gauss();
        grad[k] = (d1 * d1 - d2 * d2) * scale;
      }
      return;
    }
    for (let k = 0; k < m; k++) {
      const a = tA[k];
      const b = tB[k];
      const d1 = V1[a] - V1[b];
      const d2 = V2[a] - V2[b];
      grad[k] = (d1 - d2) * (d1 + d2) * scale;
    }
  }

  /**
   * Fused contrast and ideal update (batch of one, no read noise): for each
   * trainable device, g += step * lr_group * [(V1_a - V1_b)^2 - (V2_a - V2_b)^2],
   * clipped to [lo, hi] (S). In a dense crossbar block the factors
   * (d1 - d2) = (dr_i - dc_j) and (d1 + d2) = (sr_i - sc_j) come from per-row
   * and per-column values, so the inner loop streams only the conductances.
   */
  contrastUpdate(V1: Float64Array, V2: Float64Array, step: number, lo: number, hi: number, amplified = false): void {
    const g = this.circuit.resistors.g;
    const { tA, tB, tIndex, colD, colS } = this;
    for (const seg of this.segments) {
      const st = step * seg.lr * (amplified ? seg.amp : 1);
      for (const blk of seg.blocks) {
        const { M, N, rows, cols } = blk;
        for (let j = 0; j < N; j++) {
          const c = cols[j];
          colD[j] = V1[c] - V2[c];
          colS[j] = V1[c] + V2[c];
        }
        let s = blk.slot0;
        for (let i = 0; i < M; i++) {
          const r = rows[i];
          const dr = V1[r] - V2[r];
          const sr = V1[r] + V2[r];
          // Math.min/max: measured 2x faster here than if/else clipping.
          for (let j = 0; j < N; j++, s++) g[s] = Math.min(hi, Math.max(lo, g[s] + (dr - colD[j]) * (sr - colS[j]) * st));
        }
      }
      for (const run of seg.sparse) {
        for (let k = run.k0; k < run.k1; k++) {
          const a = tA[k];
          const b = tB[k];
          const d1 = V1[a] - V1[b];
          const d2 = V2[a] - V2[b];
          const i = tIndex[k];
          g[i] = Math.min(hi, Math.max(lo, g[i] + (d1 - d2) * (d1 + d2) * st));
        }
      }
    }
    // Biases (A): i += step lr_j * 2 (d1 - d2), unbounded and signed.
    for (let j = 0; j < this.biases.length; j++) {
      const a = this.bA[j];
      const b = this.bB[j];
      const d = this.biases[j];
      const f = amplified && this.ampBiasFactor ? this.ampBiasFactor[j] : 1;
      d.setDc(d.dc + 2 * step * f * this.bLr[j] * (V1[a] - V1[b] - (V2[a] - V2[b])));
    }
    this.engine.invalidate();
  }

  /**
   * Deferred mini-batch update (ideal devices, no read noise): `accumulate`
   * keeps, for each sample of the batch, only the per-row and per-column
   * factors of every dense crossbar block (the contrast of a device between
   * row i and column j is (dr_i - dc_j)(sr_i - sc_j), with d = V1 - V2 and
   * s = V1 + V2 at its terminals); `applyBatch` then updates each block in
   * one pass over its conductances:
   *   g_ij += step lr [P_i + Q_j - sum_b f_b (dr_bi sc_bj + sr_bi dc_bj)],
   *   P_i = sum_b f_b dr_bi sr_bi,  Q_j = sum_b f_b dc_bj sc_bj,
   * clipped to [lo, hi] (S). Rows fixed by sources (data inputs) have
   * dr = 0, which halves the cross term. The result equals summing the
   * per-sample contrasts and applying them once (the batch mean), up to
   * rounding. Sparse devices and biases are accumulated per sample.
   */
  accumulate(V1: Float64Array, V2: Float64Array, factor: number, amplified = false): void {
    const b = this.batch ?? this.makeBatch();
    if (b.count === b.cap) throw new Error("internal: batch buffer full (call applyBatch)");
    if (b.count === 0) b.amplified = amplified;
    else if (b.amplified !== amplified) throw new Error("internal: one batch mixes amplifier-corrected and plain contrasts");
    const n = b.count++;
    b.f[n] = factor;
    let q = 0;
    for (const seg of this.segments) {
      for (const blk of seg.blocks) {
        const st = b.blocks[q++];
        const { M, N, rows, cols } = blk;
        const ro = n * M;
        const co = n * N;
        for (let i = 0; i < M; i++) {
          const r = rows[i];
          st.dr[ro + i] = V1[r] - V2[r];
          st.sr[ro + i] = V1[r] + V2[r];
        }
        for (let j = 0; j < N; j++) {
          const c = cols[j];
          st.dc[co + j] = V1[c] - V2[c];
          st.sc[co + j] = V1[c] + V2[c];
        }
      }
      for (const run of seg.sparse) {
        for (let k = run.k0; k < run.k1; k++) {
          const d1 = V1[this.tA[k]] - V1[this.tB[k]];
          const d2 = V2[this.tA[k]] - V2[this.tB[k]];
          b.sparse[k] += factor * (d1 - d2) * (d1 + d2);
        }
      }
    }
    for (let j = 0; j < this.biases.length; j++) {
      const a = this.bA[j];
      const c = this.bB[j];
      const f = amplified && this.ampBiasFactor ? this.ampBiasFactor[j] : 1;
      b.bias[j] += 2 * factor * f * (V1[a] - V1[c] - (V2[a] - V2[c]));
    }
  }

  /** Apply the accumulated batch: g += step * lr * (sum of contrasts), clipped to [lo, hi]; see accumulate. */
  applyBatch(step: number, lo: number, hi: number): void {
    const b = this.batch;
    if (!b || b.count === 0) return;
    const g = this.circuit.resistors.g;
    const B = b.count;
    const f = b.f;
    let q = 0;
    for (const seg of this.segments) {
      const st = step * seg.lr * (b.amplified ? seg.amp : 1);
      for (const blk of seg.blocks) {
        const buf = b.blocks[q++];
        // Samples four at a time (unrolled; a short last chunk has factor 0): one pass over g per
        // chunk, clipped on the last one only (the batch's sum is applied, then clipped).
        for (let n0 = 0; n0 < B; n0 += 4) {
          const last = n0 + 4 >= B;
          chunkUpdate(g, blk, buf, f, n0, Math.min(4, B - n0), st, last ? lo : -Infinity, last ? hi : Infinity, this.colD, last ? buf.colSum : null);
        }
      }
      for (const run of seg.sparse) {
        for (let k = run.k0; k < run.k1; k++) {
          const i = this.tIndex[k];
          g[i] = Math.min(hi, Math.max(lo, g[i] + b.sparse[k] * st));
          b.sparse[k] = 0;
        }
      }
    }
    for (let j = 0; j < this.biases.length; j++) {
      const d = this.biases[j];
      d.setDc(d.dc + step * this.bLr[j] * b.bias[j]);
      b.bias[j] = 0;
    }
    b.count = 0;
    this.engine.invalidate();
    // The kernel summed each block's new conductances by column: the bank need not stream them again.
    const bank = this.circuit.resistors;
    q = 0;
    for (const seg of this.segments) for (const blk of seg.blocks) bank.adoptColumnSums(blk.slot0, blk.M, blk.N, b.blocks[q++].colSum);
  }

  /** Capacity of the deferred batch (set before the first accumulate). */
  batchCapacity = 1;
  private batch: {
    cap: number;
    count: number;
    amplified: boolean;
    f: Float64Array;
    blocks: Array<{ dr: Float64Array; sr: Float64Array; dc: Float64Array; sc: Float64Array; colSum: Float64Array }>;
    sparse: Float64Array;
    bias: Float64Array;
  } | null = null;

  private makeBatch(): NonNullable<EqModel["batch"]> {
    const cap = Math.max(1, this.batchCapacity);
    const blocks = this.segments.flatMap((seg) =>
      seg.blocks.map((blk) => ({
        dr: new Float64Array(cap * blk.M),
        sr: new Float64Array(cap * blk.M),
        dc: new Float64Array(cap * blk.N),
        sc: new Float64Array(cap * blk.N),
        colSum: new Float64Array(blk.N),
      })),
    );
    this.batch = { cap, count: 0, amplified: false, f: new Float64Array(cap), blocks, sparse: new Float64Array(this.tIndex.length), bias: new Float64Array(this.biases.length) };
    return this.batch;
  }

  /** Save / restore the unknowns (for warm starts of the nudged phases). */
  saveState(into: Float64Array): void {
    into.set(this.engine.x);
  }

  restoreState(from: Float64Array): void {
    this.engine.x.set(from);
    this.engine.syncVoltages();
  }
}
