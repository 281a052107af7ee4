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
import { solveDc, tolerancesOf } from "../analysis/op.js";
import { Nudge } from "../devices/nudge.js";
import { BlockCoordinateDescent } from "../solver/bcd.js";
import { findDenseBlocks, type DenseBlock, type SparseRun } from "../solver/dense-blocks.js";
import { ConvergenceError, InputError } from "../netlist/errors.js";

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
  /** Trainable devices by learning-rate group, split into dense crossbar blocks and sparse runs. */
  private readonly segments: Array<{ lr: number; blocks: DenseBlock[]; sparse: SparseRun[] }> = [];
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
  private bcd: BlockCoordinateDescent | null = null;
  private relaxOde: RelaxFn | null = null;
  private readonly tol;
  /** Total minimizer work, for reports: Newton iterations or BCD sweeps. */
  work = 0;
  /** Read noise: standard deviation (V) added to every measured voltage; 0 = ideal. */
  readNoise = 0;
  /** Standard normal draws for read noise (set by the trainer to its seeded generator). */
  gauss: () => number = () => 0;

  constructor(readonly circuit: Circuit) {
    const ports = circuit.ports;
    if (ports.inputs.length === 0) throw new InputError(`${circuit.file}: the netlist declares no data inputs (add a *@input line)`);
    if (ports.outputs.length === 0) throw new InputError(`${circuit.file}: the netlist declares no outputs (add a *@output line)`);
    if (ports.trainable.length === 0) throw new InputError(`${circuit.file}: the netlist declares no trainable conductances (add *@train or *@crossbar ... train)`);
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
    let maxN = 1;
    for (const grp of this.lrGroups) {
      const { blocks, sparse } = findDenseBlocks(this.tA, this.tB, this.tIndex, grp.start, grp.end);
      this.segments.push({ lr: grp.lr, blocks, sparse });
      for (const b of blocks) maxN = Math.max(maxN, b.N);
    }
    this.colD = new Float64Array(maxN);
    this.colS = new Float64Array(maxN);
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

  /** Drive the data inputs with feature vector x (V): +x on pos sources, -x on neg ones. */
  setInputs(x: ArrayLike<number>): void {
    const ins = this.circuit.ports.inputs;
    if (x.length !== ins.length) throw new InputError(`data has ${x.length} features but the netlist declares ${ins.length} inputs`);
    for (let k = 0; k < ins.length; k++) {
      ins[k].pos.setDc(x[k]);
      ins[k].neg?.setDc(-x[k]);
    }
    this.engine.setPoint("dc", 0, 1, null);
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
      const r = this.engine.newton(this.tol, this.circuit.options.itl1, false);
      this.work += r.iterations;
      if (!r.converged) {
        // Rare: fall back to the full homotopy of the operating point.
        const s = solveDc(this.engine, { warm: true });
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
      this.relaxOde(this.engine, { cnode: relax.cnode, tol: 1e-10 });
    }
  }

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
  contrast(V1: Float64Array, V2: Float64Array, scale: number, grad: Float64Array): void {
    const { tA, tB } = this;
    const sigma = this.readNoise;
    if (sigma > 0) {
      for (let k = 0; k < grad.length; k++) {
        const d1 = V1[tA[k]] - V1[tB[k]] + sigma * this.gauss();
        const d2 = V2[tA[k]] - V2[tB[k]] + sigma * this.gauss();
        grad[k] = (d1 * d1 - d2 * d2) * scale;
      }
      return;
    }
    for (let k = 0; k < grad.length; k++) {
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
  contrastUpdate(V1: Float64Array, V2: Float64Array, step: number, lo: number, hi: number): void {
    const g = this.circuit.resistors.g;
    const { tA, tB, tIndex, colD, colS } = this;
    for (const seg of this.segments) {
      const st = step * seg.lr;
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
    this.engine.invalidate();
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
