/**
 * The columns a transient reports and how to read them from the engine:
 *   time (s), v(node) (V) for every node but ground and internal device
 *   nodes, in node order, then i(source) (A) for every voltage source (V
 *   elements, netlist order) and every other branch (E, H): the current
 *   flowing from + through the source to - (SPICE's convention; a source
 *   delivering power has a negative current).
 * Currents of sources that fix a node come from KCL at that node with every
 * device's current, capacitors' included (see Capacitor.addCurrents); so do
 * those of reduced amplifiers (circuit.amplifiers), reported last.
 *
 * RowInterpolator turns accepted time points into rows at the output times
 * (every tstep): quadratic through the last three points of the same smooth
 * stretch (no breakpoint inside), linear otherwise.
 */
import type { Circuit } from "../circuit/circuit.js";
import { definesVoltage, type Device } from "../devices/types.js";
import type { Engine } from "./engine.js";
import { InputError } from "../util/errors.js";

export class TranColumns {
  /** Column names: "time", "v(node)"..., "i(source)"... */
  readonly names: string[];
  /** Unit of each column: "s", "V", "A". */
  readonly units: string[];
  /** Values of the last fill(), aligned with names. */
  readonly values: Float64Array;
  private readonly nodeIdx: Int32Array;
  /** Per current column: branch unknown index, or -1 - (index into `fixedCol`). */
  private readonly branchOf: Int32Array;
  private readonly fixedColOfStep: Int32Array;
  /** First current column of the reduced amplifiers' sources, and their currents. */
  private readonly ampCol: number;
  private readonly ampI: Float64Array | null;
  private readonly out: Float64Array;
  private readonly nv: number;

  constructor(readonly circuit: Circuit) {
    const c = circuit;
    const names = ["time"];
    const units = ["s"];
    const nodes: number[] = [];
    for (let k = 1; k < c.nodeNames.length; k++) {
      if (c.internal[k]) continue;
      nodes.push(k);
      names.push(`v(${c.nodeNames[k]})`);
      units.push("V");
    }
    this.nodeIdx = Int32Array.from(nodes);
    this.nv = nodes.length;
    const branchOf: number[] = [];
    const colOfSource = new Map<Device, number>();
    const seen = new Set<string>();
    for (const d of c.devices) {
      // independent voltage sources first, eliminated or not (as ngspice lists them)
      if (!(d.fixesNodes && definesVoltage(d))) continue;
      colOfSource.set(d, branchOf.length);
      branchOf.push(d.k >= 0 ? d.k : -1);
      names.push(`i(${d.name})`);
      units.push("A");
      seen.add(d.name);
    }
    c.branchNames.forEach((name, j) => {
      if (seen.has(name)) return;
      branchOf.push(c.nFree + j);
      names.push(`i(${name})`);
      units.push("A");
    });
    this.ampCol = branchOf.length;
    const ampNames = c.amplifiers?.branchNames ?? [];
    for (const name of ampNames) {
      branchOf.push(-1);
      names.push(`i(${name})`);
      units.push("A");
    }
    this.ampI = ampNames.length ? new Float64Array(ampNames.length) : null;
    this.branchOf = Int32Array.from(branchOf);
    // For each fixed node (in c.fixed order), the current column of its source.
    this.fixedColOfStep = Int32Array.from(c.fixed.map((f) => colOfSource.get(f.source) ?? -1));
    this.names = names;
    this.units = units;
    this.values = new Float64Array(names.length);
    this.out = new Float64Array(c.nodeNames.length);
  }

  /** Read the engine's state at time t (s) into `values` (and return it). */
  fill(engine: Engine, t: number): Float64Array {
    const { values, nodeIdx, nv, branchOf, out } = this;
    const c = this.circuit;
    const V = engine.V;
    const x = engine.x;
    values[0] = t;
    for (let k = 0; k < nv; k++) values[1 + k] = V[nodeIdx[k]];
    const base = 1 + nv;
    for (let k = 0; k < branchOf.length; k++) if (branchOf[k] >= 0) values[base + k] = x[branchOf[k]];
    const ampI = this.ampI;
    if (c.fixed.length || ampI) {
      // KCL at each fixed node, leaves first (a node's dependents come after it).
      engine.currents(out, t, ampI ?? undefined);
      if (ampI) for (let k = 0; k < ampI.length; k++) values[base + this.ampCol + k] = ampI[k];
      for (let k = c.fixed.length - 1; k >= 0; k--) {
        const f = c.fixed[k];
        const s = f.source;
        const i = f.node === s.a ? -out[f.node] : out[f.node];
        out[s.a] += i;
        out[s.b] -= i;
        const col = this.fixedColOfStep[k];
        if (col >= 0) values[base + col] = i;
      }
    }
    return values;
  }
}

/** Output rows at given times from accepted points (see the file comment). */
export class RowInterpolator {
  private readonly p: Float64Array[];
  private readonly pt = new Float64Array(3);
  private count = 0;
  /** Start of the smooth stretch the newest point belongs to (s). */
  private segStart = 0;
  readonly row: Float64Array;

  constructor(readonly width: number) {
    this.p = [new Float64Array(width), new Float64Array(width), new Float64Array(width)];
    this.row = new Float64Array(width);
  }

  /** Add an accepted point at time t (s); segStart: the last breakpoint at or before the previous point (s). */
  push(t: number, values: Float64Array, segStart: number): void {
    const old = this.p[2];
    this.p[2] = this.p[1];
    this.p[1] = this.p[0];
    this.p[0] = old;
    old.set(values);
    this.pt[2] = this.pt[1];
    this.pt[1] = this.pt[0];
    this.pt[0] = t;
    this.count = Math.min(this.count + 1, 3);
    this.segStart = segStart;
  }

  /** Interpolate at time t (s) in [t_prev, t_newest] into `row` (row[0] = t). */
  at(t: number): Float64Array {
    const { p, pt, row, width } = this;
    const t0 = pt[0];
    if (this.count === 1 || t >= t0) {
      row.set(p[0]);
    } else {
      const t1 = pt[1];
      const quad = this.count === 3 && pt[2] >= this.segStart;
      if (quad) {
        const t2 = pt[2];
        const l0 = ((t - t1) * (t - t2)) / ((t0 - t1) * (t0 - t2));
        const l1 = ((t - t0) * (t - t2)) / ((t1 - t0) * (t1 - t2));
        const l2 = ((t - t0) * (t - t1)) / ((t2 - t0) * (t2 - t1));
        const a = p[0];
        const b = p[1];
        const c = p[2];
        for (let k = 0; k < width; k++) row[k] = l0 * a[k] + l1 * b[k] + l2 * c[k];
      } else {
        const s = (t - t1) / (t0 - t1);
        const a = p[0];
        const b = p[1];
        for (let k = 0; k < width; k++) row[k] = b[k] + s * (a[k] - b[k]);
      }
    }
    row[0] = t;
    return row;
  }
}

/**
 * Output times: every tstep from the first multiple >= tstart, and tstop
 * last (s), each rounded to 15 digits (50 * 1e-9 is 5e-8, not
 * 5.0000000000000004e-8). Computed on demand, so a run of 10^9 rows costs
 * no memory for its times; `length` is known up front (see checkRowCount).
 */
export class OutputTimes {
  readonly length: number;
  private readonly k0: number;
  /** Index of the last multiple of tstep (the rest is tstop). */
  private readonly kLast: number;

  constructor(
    readonly tstart: number,
    readonly tstep: number,
    readonly tstop: number,
  ) {
    const eps = 1e-9 * tstep;
    this.k0 = Math.max(0, Math.ceil((tstart - eps) / tstep));
    const k1 = Math.floor((tstop + eps) / tstep);
    const n = Math.max(0, k1 - this.k0 + 1);
    this.kLast = this.k0 + n - 1;
    // tstop is appended when the last multiple falls short of it
    const lastT = n ? Number(Math.min(this.kLast * tstep, tstop).toPrecision(15)) : -Infinity;
    this.length = n + (lastT < tstop - eps ? 1 : 0);
  }

  /** The i-th output time (s), 0 <= i < length. */
  at(i: number): number {
    const k = this.k0 + i;
    return Number((k <= this.kLast ? Math.min(k * this.tstep, this.tstop) : this.tstop).toPrecision(15));
  }
}

/** Output times as an array (see OutputTimes; for short runs and tests). */
export function outputTimes(tstart: number, tstep: number, tstop: number): Float64Array {
  const t = new OutputTimes(tstart, tstep, tstop);
  if (t.length > 2 ** 27) throw new InputError(`tran: ${t.length} output times are too many to hold in memory`);
  const out = new Float64Array(t.length);
  for (let i = 0; i < out.length; i++) out[i] = t.at(i);
  return out;
}

/** Default most output rows of a transient (CLI --max-rows; library maxRows). */
export const DEFAULT_MAX_ROWS = 10_000_000;

/**
 * Refuse, before any work, a transient whose row count (TSTOP, TSTEP and
 * TSTART as resolved) exceeds maxRows; the message says how many rows and
 * what to change. Returns the row count.
 */
export function checkRowCount(o: { tstart?: number; tstep: number; tstop: number }, maxRows: number, how = "raise the limit"): number {
  if (!(o.tstep > 0) || !(o.tstop > 0)) return 0; // transient() reports bad times
  const rows = new OutputTimes(o.tstart ?? 0, o.tstep, o.tstop).length;
  if (rows > maxRows) {
    throw new InputError(
      `tran: TSTOP/TSTEP = ${o.tstop}/${o.tstep} gives ${rows.toLocaleString("en-US")} output rows, more than the limit of ${maxRows.toLocaleString("en-US")}: use a larger TSTEP (--tstep), or ${how}`,
    );
  }
  return rows;
}
