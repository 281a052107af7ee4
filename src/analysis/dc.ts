/**
 * DC sweeps (`.dc`), as ngspice 39 runs them (dctrcurv.c): the first sweep
 * is the inner loop, the optional second the outer one. Each swept
 * quantity is an independent voltage source (V), current source (A), a
 * resistor (ohms) or the circuit temperature TEMP (C).
 *
 * Sweep values accumulate as ngspice's do: v = START, then v += INCR while
 * sign(INCR) (v - STOP) <= 1e3 DBL_EPSILON (an absolute margin, so STOP is
 * reached despite rounding); a decreasing sweep has a negative INCR. A zero
 * INCR (ngspice loops for ever) and an INCR of the wrong sign (ngspice makes
 * no point) are errors here.
 *
 * Each point is an operating point solved by continuation: Newton from the
 * previous point's solution (at most ITL2 = 50 iterations, ngspice's
 * default), and when that fails the full operating-point strategy (op.ts:
 * Newton with `.options itl1`, gmin stepping, source stepping), as ngspice
 * falls back to CKTop. The engine, and with it the matrix pattern and its
 * ordering, is made once per circuit. The first point of each inner sweep
 * starts from the first point of the previous one.
 *
 * A swept resistor's value is its resistance as written: the line's tc1/tc2
 * factor at the circuit temperature, scale= and m= apply to it, as in
 * ngspice (RESupdate_conduct).
 *
 * Temperature changes every temperature-dependent parameter (junction
 * saturation currents, resistor tc1/tc2, `temper` in expressions): the
 * circuit is rebuilt at each temperature through the netlist's elaboration
 * (the caller's `atTemperature`), and the solution carried over when the
 * unknowns are the same.
 *
 * Rows: the sweep value(s) first (ngspice names the first `v-sweep`,
 * `i-sweep`, `res-sweep` or `temp-sweep`; a second sweep's value follows as
 * `v-sweep2` ...), then the transient's columns without time: `v(node)` (V)
 * for every node, `i(source)` (A, + to - through the source) for every
 * voltage source and other branch (tran-output.ts).
 */
import type { Circuit } from "../circuit/circuit.js";
import type { DcSpec, DcSweepSpec } from "../netlist/elaborate.js";
import { CurrentSource, VoltageSource } from "../devices/sources/sources.js";
import { Resistor } from "../devices/resistor/resistor.js";
import { ConvergenceError, InputError, NetlistError, type SourceLoc } from "../util/errors.js";
import { Engine } from "./engine.js";
import { eventNetworks, settleEvents, solveDc, tolerancesOf } from "./op.js";
import type { EventNetwork } from "../devices/types.js";
import { TranColumns } from "./tran-output.js";
import { CONSTCtoK } from "../devices/diode/diode-model.js";

/** ngspice's margin on the stop value (dctrcurv.c: DBL_EPSILON * 1e3). */
const STOP_MARGIN = 2.220446049250313e-16 * 1e3;
/** ngspice's Newton limit for each point of a DC sweep (ITL2, CKTdcTrcvMaxIter). */
const ITL2 = 50;
/** Most points (inner times outer) a sweep may have unless the caller says otherwise. */
export const DEFAULT_MAX_POINTS = 1_000_000;

export type DcSweepKind = "v" | "i" | "r" | "temp";

/** One swept quantity resolved: what it is and its values in order. */
export interface DcAxis {
  /** Lower-case element name, or "temp". */
  name: string;
  kind: DcSweepKind;
  /** Its values in sweep order (V, A, ohms or C). */
  values: Float64Array;
  /** Its column name ("v-sweep", ... ; "v-sweep2" for the second sweep) and unit ("V", "A", "Ohm", "C"). */
  column: string;
  unit: string;
}

export interface DcStats {
  /** Points solved (inner times outer). */
  points: number;
  /** Newton iterations in total. */
  iterations: number;
  /** Points where continuation failed and the full operating-point strategy was needed. */
  fallbacks: number;
  /** Circuits built (1, or one per temperature point of a temperature sweep). */
  builds: number;
}

/** Where the rows go: `begin` once, then `row` per point (the array is reused). */
export interface DcSink {
  begin(columns: string[], units: string[]): void;
  row(values: Float64Array): void;
}

export interface DcRun {
  /** The circuit at the netlist's temperature. */
  circuit: Circuit;
  spec: DcSpec;
  /** The circuit rebuilt at temperature `celsius` (needed for TEMP sweeps). */
  atTemperature?: (celsius: number, loc: SourceLoc) => Circuit;
  /**
   * Ohms of conductance per ohm of resistance swept, for resistor `name` of
   * `circuit` (its tc1/tc2 factor x scale / m, which ngspice applies to the
   * swept value); default 1.
   */
  resistorScale?: (circuit: Circuit, name: string) => number;
  /** Refuse sweeps of more points (default DEFAULT_MAX_POINTS). */
  maxPoints?: number;
}

const KIND_UNIT: Record<DcSweepKind, [string, string]> = { v: ["v-sweep", "V"], i: ["i-sweep", "A"], r: ["res-sweep", "Ohm"], temp: ["temp-sweep", "C"] };

/** The values of one sweep, ngspice's accumulation (see the file comment); `limit` caps their number. */
export function sweepValues(s: DcSweepSpec, limit = DEFAULT_MAX_POINTS): Float64Array {
  const what = s.name === "temp" ? "TEMP" : s.name;
  for (const [k, v] of [["START", s.start], ["STOP", s.stop], ["INCR", s.step]] as const) {
    if (!Number.isFinite(v)) throw new NetlistError(`.dc ${what}: ${k} is ${v}`, s.loc);
  }
  if (s.step === 0) throw new NetlistError(`.dc ${what}: INCR is 0 (ngspice would sweep for ever): give a nonzero increment, negative for a decreasing sweep`, s.stepLoc);
  const sign = Math.sign(s.step);
  if (sign * (s.start - s.stop) > STOP_MARGIN) {
    throw new NetlistError(
      `.dc ${what}: from ${s.start} to ${s.stop} by ${s.step} makes no point (ngspice runs none): ${s.step > 0 ? "a decreasing sweep needs a negative INCR" : "an increasing sweep needs a positive INCR"}`,
      s.stepLoc,
    );
  }
  const estimate = Math.floor((s.stop - s.start) / s.step + 1e-9) + 1;
  if (estimate > limit) throw new NetlistError(`.dc ${what}: ${estimate} points from ${s.start} to ${s.stop} by ${s.step}, more than the limit of ${limit}`, s.stepLoc);
  const out: number[] = [];
  for (let v = s.start; sign * (v - s.stop) <= STOP_MARGIN; v += s.step) {
    out.push(v);
    if (out.length > limit) throw new NetlistError(`.dc ${what}: more than ${limit} points`, s.stepLoc);
  }
  return Float64Array.from(out);
}

/** How one axis sets its value on a circuit. */
type Setter = (value: number) => void;

/** The element a sweep names in `circuit`, checked, as a value setter (temperature: null). */
function setterFor(run: DcRun, circuit: Circuit, axis: DcAxis): Setter | null {
  if (axis.kind === "temp") return null;
  const d = circuit.deviceByName.get(axis.name);
  if (axis.kind === "v") {
    // a circuit built with the amplifier reduction keeps its sources in no device list
    if (!(d instanceof VoltageSource)) throw new Error(`internal: .dc ${axis.name} is not a voltage source of the circuit (built with the amplifier reduction?)`);
    return (v) => {
      d.value = { dc: v, wave: d.value.wave };
    };
  }
  if (axis.kind === "i") {
    const s = d as CurrentSource;
    return (v) => {
      s.value = { dc: v, wave: s.value.wave };
    };
  }
  const r = d as Resistor;
  const k = run.resistorScale?.(circuit, axis.name) ?? 1;
  return (v) => {
    r.g = 1 / (v * k);
  };
}

/** Resolve a sweep's element against the circuit: unknown names and other elements are errors at the card. */
function kindOf(run: DcRun, s: DcSweepSpec): DcSweepKind {
  if (s.name === "temp") {
    if (!run.atTemperature) throw new InputError(`.dc TEMP: a temperature sweep rebuilds the circuit at each temperature: sweep the netlist (dcSweep), not a built circuit`, s.loc);
    return "temp";
  }
  const d = run.circuit.deviceByName.get(s.name);
  if (!d) {
    const inSub = s.name.includes(".") ? "" : ` (inside a subcircuit instance ngspice names it with its letter first, e.g. ${s.name[0]}.x1.${s.name})`;
    throw new NetlistError(`.dc: no voltage source, current source or resistor named '${s.name}' in the circuit${inSub}`, s.loc);
  }
  if (d instanceof VoltageSource) return "v";
  if (d instanceof CurrentSource) return "i";
  if (d instanceof Resistor) return "r";
  throw new NetlistError(`.dc: '${s.name}' is not an independent voltage or current source or a resistor (ngspice sweeps only those, or TEMP)`, s.loc);
}

/** The axes of a `.dc` spec (first = inner), resolved against the run's circuit, with their values. */
export function dcAxes(run: DcRun): DcAxis[] {
  const limit = run.maxPoints ?? DEFAULT_MAX_POINTS;
  const axes = run.spec.sweeps.map((s, k): DcAxis => {
    const kind = kindOf(run, s);
    const values = sweepValues(s, limit);
    if (kind === "r" && values.includes(0)) throw new NetlistError(`.dc ${s.name}: the sweep reaches a resistance of 0 ohms`, s.loc);
    if (kind === "temp" && !(Math.min(s.start, s.stop) > -CONSTCtoK)) throw new NetlistError(`.dc TEMP: ${Math.min(s.start, s.stop)} C is not above absolute zero (-273.15 C)`, s.loc);
    const [column, unit] = KIND_UNIT[kind];
    return { name: s.name, kind, values, column: k === 0 ? column : `${column}2`, unit };
  });
  const total = axes.reduce((n, a) => n * a.values.length, 1);
  if (total > limit) throw new NetlistError(`.dc: ${total} points (${axes.map((a) => a.values.length).join(" x ")}), more than the limit of ${limit}`, run.spec.loc);
  return axes;
}

/** One circuit in use: its engine, columns and the axes' setters. */
interface Live {
  circuit: Circuit;
  engine: Engine;
  columns: TranColumns;
  setters: Array<Setter | null>;
  /** The circuit's event networks (XSPICE digital parts), settled at each point. */
  events: EventNetwork[];
}

/**
 * Run the sweep: `sink.begin(columns, units)`, then `sink.row(values)` per
 * point, inner sweep fastest. Throws NetlistError for a bad card and
 * ConvergenceError (naming the point) when a point has no solution.
 */
export function runDcSweep(run: DcRun, sink: DcSink): DcStats {
  const axes = dcAxes(run);
  const inner = axes[0];
  const outer = axes[1];
  const tempAxis = axes.findIndex((a) => a.kind === "temp");
  const hasResistor = axes.some((a) => a.kind === "r");
  const stats: DcStats = { points: 0, iterations: 0, fallbacks: 0, builds: 1 };
  const locs = run.spec.sweeps.map((s) => s.loc);
  const open = (circuit: Circuit): Live => ({
    circuit,
    engine: new Engine(circuit),
    columns: new TranColumns(circuit),
    setters: axes.map((a) => setterFor(run, circuit, a)),
    events: eventNetworks(circuit),
  });
  let live = open(run.circuit);
  if (tempAxis >= 0) {
    for (const d of run.circuit.devices) {
      const why = d.tempSweepRefusal?.();
      if (why) throw new InputError(why, locs[tempAxis]);
    }
  }
  const head = live.columns.names.slice(1);
  const columns = [...axes.map((a) => a.column), ...head];
  const units = [...axes.map((a) => a.unit), ...live.columns.units.slice(1)];
  sink.begin(columns, units);
  const row = new Float64Array(columns.length);
  const nAx = axes.length;
  const tol = tolerancesOf(run.circuit);
  /** Solution at the previous point (continuation), and at the first point of the last inner sweep. */
  let prev: Float64Array | null = null;
  let innerStart: Float64Array | null = null;
  let temperature = NaN;
  const nOuter = outer ? outer.values.length : 1;
  for (let jo = 0; jo < nOuter; jo++) {
    for (let ji = 0; ji < inner.values.length; ji++) {
      const point = [inner.values[ji], outer ? outer.values[jo] : NaN];
      if (tempAxis >= 0 && point[tempAxis] !== temperature) {
        temperature = point[tempAxis];
        // the first temperature is built even when it is the netlist's: the sweep's value replaces `.temp`
        live = open(run.atTemperature!(temperature, locs[tempAxis]));
        stats.builds++;
        if (live.columns.names.length !== head.length + 1) throw new Error(`internal: the circuit at ${temperature} C has other columns`);
      }
      for (let k = 0; k < nAx; k++) live.setters[k]?.(point[k]);
      const { engine } = live;
      for (const d of live.circuit.devices) d.beginDcPoint?.();
      if (hasResistor) engine.invalidate(); // the bank's cached column sums
      engine.setPoint("dc", 0, 1, null);
      const start = ji === 0 ? innerStart : prev;
      let solved = false;
      if (start && start.length === engine.x.length) {
        engine.x.set(start);
        const r = engine.newton(tol, ITL2, false);
        stats.iterations += r.iterations;
        solved = r.converged;
        if (!solved) {
          engine.x.set(start);
          stats.fallbacks++;
        }
      }
      if (!solved) {
        try {
          const r = solveDc(engine, { warm: start !== null && start.length === engine.x.length });
          stats.iterations += r.iterations;
        } catch (e) {
          if (!(e instanceof ConvergenceError)) throw e;
          const at = axes.map((a, k) => `${a.kind === "temp" ? "TEMP" : a.name} = ${point[k]} ${a.unit}`).join(", ");
          throw new ConvergenceError(`DC sweep: no operating point at ${at} (point ${stats.points + 1}): ${e.message}`);
        }
      }
      if (live.events.length > 0) {
        // the event nodes (XSPICE digital) follow the point's analog solution, as at an operating point
        settleEvents(engine, live.events, () => {
          stats.iterations += solveDc(engine, { warm: true }).iterations;
        });
      }
      prev = Float64Array.from(engine.x);
      if (ji === 0) innerStart = prev;
      const v = live.columns.fill(engine, -1);
      for (let k = 0; k < nAx; k++) row[k] = point[k];
      row.set(v.subarray(1), nAx);
      sink.row(row);
      stats.points++;
    }
  }
  return stats;
}

/** A quantity's name as the messages and plots write it. */
export function axisLabel(a: DcAxis): string {
  return a.kind === "temp" ? "TEMP" : a.name;
}
