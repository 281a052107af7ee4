/**
 * Exact block coordinate descent on the energy (Scellier 2024): the free
 * nodes are split into independent sets by a greedy coloring of the circuit
 * graph (for a layered network: alternate layers), and each set is minimized
 * exactly with the others held, which decouples into one 1-D convex problem
 * per node (solved by Newton on that node's KCL). A sweep visits every set.
 *
 * Requires a reciprocal circuit without branch unknowns (E is defined and
 * convex over the free nodes). Circuits with reduced amplifiers qualify: the
 * engine's system is then in the variables V' = V / s (Engine.assemble), and
 * each node's update is done in V' and written back to x in volts.
 */
import type { Engine } from "./engine.js";
import { InputError } from "../util/errors.js";

export interface BcdResult {
  sweeps: number;
  converged: boolean;
}

export class BlockCoordinateDescent {
  /** CSR over rows: handles of off-diagonal entries and their columns. */
  private readonly rowPtr: Int32Array;
  private readonly offH: Int32Array;
  private readonly offCol: Int32Array;
  private readonly diagH: Int32Array;
  /** Unknowns grouped by color. */
  readonly blocks: Int32Array[];

  constructor(private readonly engine: Engine) {
    const c = engine.circuit;
    if (c.n !== c.nFree || !c.symmetric) {
      throw new InputError("block coordinate descent needs a reciprocal circuit (no floating or controlled sources); use --relax newton");
    }
    const n = c.n;
    const { rows, cols } = engine.sys.pattern;
    const count = new Int32Array(n + 1);
    const diagH = new Int32Array(n);
    for (let h = 1; h < rows.length; h++) {
      if (rows[h] === cols[h]) diagH[rows[h]] = h;
      else count[rows[h] + 1]++;
    }
    for (let i = 0; i < n; i++) count[i + 1] += count[i];
    const offH = new Int32Array(count[n]);
    const offCol = new Int32Array(count[n]);
    const next = Int32Array.from(count);
    for (let h = 1; h < rows.length; h++) {
      if (rows[h] === cols[h]) continue;
      const p = next[rows[h]]++;
      offH[p] = h;
      offCol[p] = cols[h];
    }
    this.rowPtr = count;
    this.offH = offH;
    this.offCol = offCol;
    this.diagH = diagH;
    this.blocks = greedyColoring(n, count, offCol);
  }

  /**
   * Sweep until no node moves more than `tol` volts in a sweep.
   * @param maxSweeps sweep limit; @param inner Newton iterations per block at most
   */
  solve(tol = 1e-12, maxSweeps = 200, inner = 30): BcdResult {
    const { engine, rowPtr, offH, offCol, diagH } = this;
    const x = engine.x;
    const A = engine.sys.A;
    const b = engine.sys.b;
    const amp = engine.circuit.amplifiers;
    const scale = amp ? amp.unknownScale : null;
    const inv = amp ? amp.unknownInvScale : null;
    for (let sweep = 1; sweep <= maxSweeps; sweep++) {
      let sweepMax = 0;
      for (const block of this.blocks) {
        for (let it = 0; it < inner; it++) {
          engine.assemble();
          let blockMax = 0;
          if (scale && inv) {
            for (let k = 0; k < block.length; k++) {
              const i = block[k];
              let s = b[i];
              for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) s -= A[offH[p]] * x[offCol[p]] * inv[offCol[p]];
              const xi = (s / A[diagH[i]]) * scale[i];
              const d = Math.abs(xi - x[i]);
              if (d > blockMax) blockMax = d;
              x[i] = xi;
            }
          } else {
            for (let k = 0; k < block.length; k++) {
              const i = block[k];
              let s = b[i];
              for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) s -= A[offH[p]] * x[offCol[p]];
              const xi = s / A[diagH[i]];
              const d = Math.abs(xi - x[i]);
              if (d > blockMax) blockMax = d;
              x[i] = xi;
            }
          }
          if (blockMax > sweepMax) sweepMax = blockMax;
          if (blockMax <= tol && !engine.ctx.noncon) break;
        }
      }
      engine.syncVoltages();
      if (sweepMax <= tol) return { sweeps: sweep, converged: true };
    }
    return { sweeps: maxSweeps, converged: false };
  }
}

/** Greedy coloring of the graph of off-diagonal entries: each color is an independent set. */
function greedyColoring(n: number, rowPtr: Int32Array, col: Int32Array): Int32Array[] {
  const color = new Int32Array(n).fill(-1);
  const used: number[] = [];
  let nColors = 0;
  for (let i = 0; i < n; i++) {
    used.length = 0;
    for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) if (color[col[p]] >= 0) used.push(color[col[p]]);
    let c = 0;
    while (used.includes(c)) c++;
    color[i] = c;
    if (c + 1 > nColors) nColors = c + 1;
  }
  const groups: number[][] = Array.from({ length: nColors }, () => []);
  for (let i = 0; i < n; i++) groups[color[i]].push(i);
  return groups.map((g) => Int32Array.from(g));
}
