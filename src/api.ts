/**
 * eqspice's library API: the stable surface exported from the package root
 * ("eqspice", src/index.ts) and documented in docs/api.md. The CLI commands
 * are thin users of the same functions.
 *
 *   import { loadCircuitFromText, operatingPoint, transient } from "eqspice";
 *   const c = loadCircuitFromText("divider\nV1 a 0 2\nR1 a b 1k\nR2 b 0 1k\n.end\n");
 *   operatingPoint(c).nodes.b;            // 1 (V)
 *
 * Everything returns plain objects (numbers, strings, arrays, records of
 * them; waveforms as Float64Array). Bad input throws InputError (a
 * NetlistError carries the file:line:col), a circuit without an equilibrium
 * ConvergenceError; nothing here prints or exits.
 */
import { parseNetlist, parseNetlistFile } from "./netlist/parser.js";
import { elaborate, type DcSpec, type Elaborated } from "./netlist/elaborate.js";
import { readAnnotations } from "./netlist/annotations.js";
import type { ParsedNetlist } from "./netlist/ast.js";
import { InputError, type SourceLoc } from "./util/errors.js";
import { VoltageSource } from "./devices/sources/sources.js";
import { runDcSweep, type DcAxis, type DcSink, type DcStats, dcAxes } from "./analysis/dc.js";
import { buildCircuit, type BuildOptions } from "./circuit/build.js";
import { acFrequencies, runAc, type AcSink, type AcStats } from "./analysis/ac.js";
import type { Circuit } from "./circuit/circuit.js";
import { operatingPoint as solveOperatingPoint, type OpOptions, type OpResult } from "./analysis/op.js";
import { resolveTranOptions, transient as runTransient, type TranOptions, type TranSink, type TranStats } from "./analysis/tran.js";
import { DEFAULT_MAX_ROWS, TranColumns, checkRowCount } from "./analysis/tran-output.js";
import type { IntegratorChoice } from "./analysis/integrators/choose.js";
import type { Dataset } from "./data/dataset.js";
import type { EpochMetrics, TrainOptions } from "./train/trainer.js";
import type { HardwareOptions } from "./train/hardware.js";
import type { EvalJob, EvalResult } from "./train/eval.js";
import type { GradcheckJob, GradcheckResult } from "./train/gradcheck.js";
import { trainedNetlist as exportTrained } from "./train/export-trained.js";

export type { Circuit } from "./circuit/circuit.js";
export type { OpOptions, OpResult } from "./analysis/op.js";
export type { TranOptions, TranSink, TranStats } from "./analysis/tran.js";
export type { DcStats, DcSink } from "./analysis/dc.js";
export type { AcStats, AcSink } from "./analysis/ac.js";
export type { IntegratorChoice } from "./analysis/integrators/choose.js";
export type { Dataset, FeatureRow } from "./data/dataset.js";
export type { EpochMetrics, TrainOptions } from "./train/trainer.js";
export type { HardwareOptions } from "./train/hardware.js";
export type { EstimatorName } from "./train/estimators.js";
export type { RelaxKind } from "./train/model.js";
export type { TargetEncoding } from "./train/targets.js";
export type { EvalResult } from "./train/eval.js";
export type { GradcheckResult } from "./train/gradcheck.js";

// ---------------------------------------------------------------- circuits

export interface LoadOptions extends BuildOptions {
  /**
   * Load the circuit for a transient: when its `.tran` card says `uic`, nodes
   * with no DC path (capacitors only) are allowed, as the transient starts
   * from `.ic` values instead of an operating point. Default false.
   */
  forTransient?: boolean;
}

function build(net: ParsedNetlist, opts: LoadOptions): Circuit {
  const el: Elaborated = elaborate(net);
  const { forTransient, ...b } = opts;
  if (forTransient && el.tran?.uic && b.allowFloating === undefined) b.allowFloating = true;
  return buildCircuit(el, readAnnotations(net), b);
}

/** Parse, elaborate and build a circuit from netlist text (`file` names it in error messages). */
export function loadCircuitFromText(text: string, file = "<netlist>", opts: LoadOptions = {}): Circuit {
  return build(parseNetlist(text, file), opts);
}

/** Parse, elaborate and build a circuit from a netlist file. */
export function loadCircuit(path: string, opts: LoadOptions = {}): Circuit {
  return build(parseNetlistFile(path), opts);
}

// ---------------------------------------------------------------- analyses

/**
 * DC operating point: `nodes` (V) by lower-case node name, `branches` (A)
 * of V/E/H sources, positive from + through the source to -.
 */
export function operatingPoint(circuit: Circuit, opts: OpOptions = {}): OpResult {
  return solveOperatingPoint(circuit, opts);
}

/** DC operating point of a netlist file. */
export function opFromFile(path: string, opts?: OpOptions): OpResult {
  return operatingPoint(loadCircuit(path), opts);
}

export interface TransientOptions {
  /** End time (s); default the `.tran` card's. */
  tstop?: number;
  /** Output interval (s); default the `.tran` card's. */
  tstep?: number;
  /** First output time (s); default the card's TSTART, else 0. */
  tstart?: number;
  /** Largest internal step (s); default the card's, else min(tstep, tstop / 50). */
  tmax?: number;
  /** Start from `.ic` values (default the card's `uic`). */
  uic?: boolean;
  /** auto (default) | odex | trap | bdf2. */
  integrator?: IntegratorChoice;
  /**
   * Most output rows: a run that would make more is refused up front with an
   * InputError. Default 10,000,000 for streamTransient, and for transient
   * (which holds the rows in memory) 50,000,000 numbers (rows x columns).
   */
  maxRows?: number;
}

export interface TransientResult {
  /** Output times (s), every tstep from TSTART and TSTOP last. */
  time: Float64Array;
  /** Node voltages (V) at those times, by lower-case node name (as operatingPoint's `nodes`). */
  nodes: Record<string, Float64Array>;
  /** Source currents (A) at those times, by source name (as operatingPoint's `branches`). */
  branches: Record<string, Float64Array>;
  /** The columns in CSV order: "time", "v(node)"..., "i(source)"... */
  columns: string[];
  /** Unit of each column: "s", "V", "A". */
  units: string[];
  stats: TranStats;
}

/** Transient options from the circuit's `.tran` card and overrides (times in s). */
export function transientOptions(circuit: Circuit, o: TransientOptions = {}): TranOptions {
  const r = resolveTranOptions(circuit.tran, o, `${circuit.file || "circuit"}: no .tran card: give tstop and tstep`, circuit.tranError);
  if (o.tstart !== undefined) r.tstart = o.tstart;
  return r;
}

/** Most numbers transient() holds in memory (400 MB of float64). */
const MAX_IN_MEMORY = 50_000_000;

/**
 * Transient analysis, every row in memory. For long runs use
 * streamTransient, which hands each row to a sink (e.g. a file writer).
 */
export function transient(circuit: Circuit, o: TransientOptions = {}): TransientResult {
  const opts = transientOptions(circuit, o);
  const width = new TranColumns(circuit).names.length;
  const maxRows = o.maxRows ?? Math.max(1, Math.floor(MAX_IN_MEMORY / width));
  const expected = checkRowCount(opts, maxRows, "pass a larger maxRows, or use streamTransient to write rows as they come");
  let columns: string[] = [];
  let units: string[] = [];
  let data: Float64Array[] = [];
  let n = 0;
  const stats = runTransient(circuit, opts, {
    begin(c, u) {
      columns = c.slice();
      units = u.slice();
      data = c.map(() => new Float64Array(expected));
    },
    row(v) {
      for (let k = 0; k < data.length; k++) data[k][n] = v[k];
      n++;
    },
  });
  const time = data[0].subarray(0, n);
  const nodes: Record<string, Float64Array> = {};
  const branches: Record<string, Float64Array> = {};
  columns.forEach((name, k) => {
    const m = /^([vi])\((.*)\)$/.exec(name);
    if (!m) return;
    (m[1] === "v" ? nodes : branches)[m[2]] = data[k].subarray(0, n);
  });
  return { time, nodes, branches, columns, units, stats };
}

/**
 * Transient analysis streamed: `sink.begin(columns, units)` once, then
 * `sink.row(values)` per output time (the array is reused: copy what you
 * keep). Memory stays bounded for any run length.
 */
export function streamTransient(circuit: Circuit, o: TransientOptions, sink: TranSink): TranStats {
  const opts = transientOptions(circuit, o);
  checkRowCount(opts, o.maxRows ?? DEFAULT_MAX_ROWS, "pass a larger maxRows");
  return runTransient(circuit, opts, sink);
}

// ---------------------------------------------------------------- DC sweeps

export interface DcSweepOptions {
  /** Refuse sweeps of more points than this (inner times outer; default 1,000,000). */
  maxPoints?: number;
}

export interface DcSweepResult {
  /** The swept quantities, first (inner loop) then second (outer): name ("temp" for TEMP), kind, unit, and the values of each row. */
  sweeps: Array<{ name: string; kind: "v" | "i" | "r" | "temp"; unit: string; values: Float64Array }>;
  /** Node voltages (V) at each point, by lower-case node name. */
  nodes: Record<string, Float64Array>;
  /** Voltage-source (and E, H) currents (A) at each point, + to - through the source. */
  branches: Record<string, Float64Array>;
  /** The columns in CSV order: "v-sweep" (or i-, res-, temp-sweep), ["v-sweep2"...], "v(node)"..., "i(source)"... */
  columns: string[];
  /** Unit of each column: "V", "A", "Ohm", "C". */
  units: string[];
  stats: DcStats;
}

/** A netlist prepared for a DC sweep: its `.dc` card, its circuit, and its rebuilds at other temperatures. */
interface DcPlan {
  spec: DcSpec;
  circuit: Circuit;
  atTemperature: (celsius: number, loc: SourceLoc) => Circuit;
  resistorScale: (circuit: Circuit, name: string) => number;
}

function dcPlan(net: ParsedNetlist): DcPlan {
  const el = elaborate(net);
  if (!el.dc) throw new InputError(`${net.file}: no .dc card: a DC sweep needs \`.dc SRC START STOP INCR [SRC2 START2 STOP2 INCR2]\``);
  const ann = readAnnotations(net);
  /** The elaboration of each circuit built (a swept resistor's ohms per ohm written). */
  const specs = new WeakMap<Circuit, Elaborated>();
  const opts: BuildOptions = {};
  const make = (e: Elaborated): Circuit => {
    const c = buildCircuit(e, ann, opts);
    specs.set(c, e);
    return c;
  };
  let circuit = make(el);
  // The amplifier reduction (bidirectional E/V/F triples on the symmetric solver) absorbs its V sources: to sweep one, build without it.
  const absorbed = (name: string): boolean => {
    const d = circuit.deviceByName.get(name);
    return d instanceof VoltageSource && !circuit.devices.includes(d);
  };
  if (circuit.amplifiers && el.dc.sweeps.some((w) => absorbed(w.name))) {
    opts.reduceAmplifiers = false;
    circuit = make(el);
  }
  const atTemperature = (celsius: number, loc: SourceLoc): Circuit => {
    // the netlist with one more `.temp` entry, read last: it wins over the netlist's own
    const text = String(celsius);
    const temp = { key: "temp", value: { kind: "word" as const, text, lower: text, loc }, loc };
    return make(elaborate({ ...net, options: [...net.options, temp] }));
  };
  const resistorScale = (c: Circuit, name: string): number => {
    // plain top-level lines (the parser's arrays) are their value; others carry their factor
    const s = specs.get(c)?.elements.find((x) => x.type === "r" && x.name === name);
    return s?.type === "r" ? (s.perOhm ?? 1) : 1;
  };
  return { spec: el.dc, circuit, atTemperature, resistorScale };
}

function collectDc(plan: DcPlan, o: DcSweepOptions): DcSweepResult {
  const run = { ...plan, maxPoints: o.maxPoints };
  const axes: DcAxis[] = dcAxes(run);
  const n = axes.reduce((k, a) => k * a.values.length, 1);
  let columns: string[] = [];
  let units: string[] = [];
  let data: Float64Array[] = [];
  let r = 0;
  const stats = runDcSweep(run, {
    begin(c, u) {
      columns = c.slice();
      units = u.slice();
      data = c.map(() => new Float64Array(n));
    },
    row(v) {
      for (let k = 0; k < data.length; k++) data[k][r] = v[k];
      r++;
    },
  });
  const nodes: Record<string, Float64Array> = {};
  const branches: Record<string, Float64Array> = {};
  columns.forEach((name, k) => {
    const m = /^([vi])\((.*)\)$/.exec(name);
    if (m) (m[1] === "v" ? nodes : branches)[m[2]] = data[k];
  });
  const sweeps = axes.map((a, k) => ({ name: a.name, kind: a.kind, unit: a.unit, values: data[k] }));
  return { sweeps, nodes, branches, columns, units, stats };
}

/**
 * DC sweep of a netlist file by its `.dc` card (ngspice 39's: a V or I
 * source, a resistor or TEMP, and an optional second, outer sweep). Every
 * row in memory; streamDcSweep hands rows to a sink instead.
 */
export function dcSweep(path: string, o: DcSweepOptions = {}): DcSweepResult {
  return collectDc(dcPlan(parseNetlistFile(path)), o);
}

/** DC sweep of netlist text (`file` names it in error messages). */
export function dcSweepFromText(text: string, file = "<netlist>", o: DcSweepOptions = {}): DcSweepResult {
  return collectDc(dcPlan(parseNetlist(text, file)), o);
}

/** A DC sweep read and checked, not yet run: what it sweeps, and `run` to stream its rows. */
export interface PreparedDcSweep {
  title: string;
  /** The circuit's warnings (ignored cards and options, ...). */
  warnings: string[];
  /** The swept quantities, first (inner) then second (outer), with their values. */
  sweeps: Array<{ name: string; kind: "v" | "i" | "r" | "temp"; unit: string; values: Float64Array }>;
  /** `sink.begin(columns, units)` once, then `sink.row(values)` per point (the array is reused). */
  run(sink: DcSink): DcStats;
}

/** Read a netlist file's `.dc` sweep and check it (every error a bad card can give) before it runs. */
export function prepareDcSweep(path: string, o: DcSweepOptions = {}): PreparedDcSweep {
  const plan = dcPlan(parseNetlistFile(path));
  const run = { ...plan, maxPoints: o.maxPoints };
  const sweeps = dcAxes(run).map((a) => ({ name: a.name, kind: a.kind, unit: a.unit, values: a.values }));
  return { title: plan.circuit.title, warnings: plan.circuit.warnings, sweeps, run: (sink) => runDcSweep(run, sink) };
}

// ---------------------------------------------------------------- AC analysis

export interface AcSweepOptions {
  /** Refuse sweeps of more frequencies than this (default 1,000,000). */
  maxPoints?: number;
}

/** A phasor per frequency: real and imaginary parts (V or A). */
export interface AcPhasors {
  re: Float64Array;
  im: Float64Array;
}

export interface AcSweepResult {
  /** The frequencies (Hz), in sweep order. */
  frequencies: Float64Array;
  /** Node voltage phasors (V) by lower-case node name (internal device nodes excluded). */
  nodes: Record<string, AcPhasors>;
  /** Voltage-source (and E, H, inductor, V= B source) current phasors (A), + to - through the element. */
  branches: Record<string, AcPhasors>;
  /** The quantities in output order: "v(node)"..., "i(source)"... */
  names: string[];
  stats: AcStats;
}

/** A netlist's `.ac` analysis read and checked, not yet run: its frequencies, and `run` to stream the phasors. */
export interface PreparedAcSweep {
  title: string;
  /** The circuit's warnings (ignored cards and options, ...). */
  warnings: string[];
  /** The frequencies (Hz). */
  frequencies: Float64Array;
  /** `sink.begin(names, units)` once, then `sink.point(frequency, re, im)` per frequency (arrays reused). */
  run(sink: AcSink): AcStats;
}

function acPlan(net: ParsedNetlist, o: AcSweepOptions): PreparedAcSweep {
  const el = elaborate(net);
  const spec = el.ac;
  if (!spec) throw new InputError(`${net.file}: no .ac card: an AC analysis needs \`.ac DEC|OCT|LIN N FSTART FSTOP\``);
  // the amplifier reduction absorbs E/V sources whose AC stamps the analysis needs: build without it
  const circuit = buildCircuit(el, readAnnotations(net), { reduceAmplifiers: false });
  const run = { circuit, spec, maxPoints: o.maxPoints };
  const frequencies = acFrequencies(spec, circuit.options.reltol, o.maxPoints);
  return { title: circuit.title, warnings: circuit.warnings, frequencies, run: (sink) => runAc(run, sink) };
}

function collectAc(plan: PreparedAcSweep): AcSweepResult {
  const nf = plan.frequencies.length;
  const frequencies = new Float64Array(nf);
  let names: string[] = [];
  let data: AcPhasors[] = [];
  let r = 0;
  const stats = plan.run({
    begin(n) {
      names = n;
      data = n.map(() => ({ re: new Float64Array(nf), im: new Float64Array(nf) }));
    },
    point(f, re, im) {
      frequencies[r] = f;
      for (let k = 0; k < data.length; k++) {
        data[k].re[r] = re[k];
        data[k].im[r] = im[k];
      }
      r++;
    },
  });
  const nodes: Record<string, AcPhasors> = {};
  const branches: Record<string, AcPhasors> = {};
  names.forEach((name, k) => {
    const m = /^([vi])\((.*)\)$/.exec(name);
    if (m) (m[1] === "v" ? nodes : branches)[m[2]] = data[k];
  });
  return { frequencies, nodes, branches, names, stats };
}

/**
 * AC small-signal analysis of a netlist file by its `.ac` card (ngspice
 * 39's: DEC, OCT or LIN): the operating point, then the node voltages and
 * branch currents as phasors at each frequency, the sources' `AC mag
 * [phase]` driving. Every point in memory; prepareAcSweep streams them.
 */
export function acSweep(path: string, o: AcSweepOptions = {}): AcSweepResult {
  return collectAc(acPlan(parseNetlistFile(path), o));
}

/** AC analysis of netlist text (`file` names it in error messages). */
export function acSweepFromText(text: string, file = "<netlist>", o: AcSweepOptions = {}): AcSweepResult {
  return collectAc(acPlan(parseNetlist(text, file), o));
}

/** Read a netlist file's `.ac` analysis and check the card before it runs. */
export function prepareAcSweep(path: string, o: AcSweepOptions = {}): PreparedAcSweep {
  return acPlan(parseNetlistFile(path), o);
}

// ---------------------------------------------------------------- training

/** What the training functions take as a network and as data. */
export interface JobInput {
  /** A netlist path, or a circuit from loadCircuit (trained in place by `train`). */
  netlist: string | Circuit;
  /**
   * A dataset spec (xor, iris, mnist, fashion-mnist, idx:DIR, npy:X.npy,Y.npy,
   * FILE.csv) or a Dataset from loadDataset (unscaled: features as loaded).
   */
  dataset: string | Dataset;
  /** Input gain (V); default the netlist's `*@defaults vin`, else 4. */
  vin?: number;
}

export interface TrainSpec extends JobInput, Partial<Omit<TrainOptions, "hardware">> {
  /** Hardware limits: conductance levels, write noise, device variation... */
  hardware?: HardwareOptions;
  /** Train on the first N training samples. */
  limitTrain?: number;
  /** Evaluate on the first N test samples. */
  limitTest?: number;
  /** Run directory (metrics.json, checkpoint.json, trained.cir); nothing is written when omitted. */
  out?: string;
  /** Continue the run in `out` from its checkpoint. */
  resume?: boolean;
  /** Called after each epoch. */
  onEpoch?: (m: EpochMetrics) => void;
  /** Called after each training sample with the count done in the epoch. */
  onSample?: (done: number, total: number) => void;
}

export interface TrainResult {
  /** Metrics of every epoch, first to last. */
  metrics: EpochMetrics[];
  /** The last epoch's metrics (null after 0 epochs). */
  final: EpochMetrics | null;
  /** The options training used (spec over the netlist's *@defaults over the built-in defaults). */
  options: TrainOptions;
  vin: number;
  /** The trained circuit: its conductances and biases are the learned ones. */
  circuit: Circuit;
}

function names(job: JobInput): { netlist: string; circuit?: Circuit; dataset: string; data?: Dataset } {
  const n = typeof job.netlist === "string" ? { netlist: job.netlist } : { netlist: job.netlist.file, circuit: job.netlist };
  const d = typeof job.dataset === "string" ? { dataset: job.dataset } : { dataset: job.dataset.name, data: job.dataset };
  return { ...n, ...d };
}

/** Train a circuit with Equilibrium Propagation (or another estimator). */
export async function train(spec: TrainSpec): Promise<TrainResult> {
  const { runTrainJob } = await import("./train/run.js");
  const { netlist: _n, dataset: _d, vin, hardware, limitTrain, limitTest, out, resume, onEpoch, onSample, ...options } = spec;
  const r = await runTrainJob(
    { ...names(spec), vin, limitTrain, limitTest, out, resume, options: { ...options, hardware: hardware ?? {} } },
    { onEpoch: onEpoch ? (m) => onEpoch(m) : undefined, onSample },
  );
  return { metrics: r.metrics, final: r.metrics[r.metrics.length - 1] ?? null, options: r.options, vin: r.vin, circuit: r.model.circuit };
}

/** `eval`'s options (target, targets, limitTest, relax, readNoise, seed: see EvalJob), on a path or a loaded circuit and dataset. */
export interface EvaluateSpec extends JobInput, Omit<EvalJob, keyof JobInput | "circuit" | "data"> {}

/** Test-set accuracy (0..1) and loss (V^2) of a circuit as it is. */
export async function evaluate(spec: EvaluateSpec): Promise<EvalResult> {
  const { evaluateNetlist } = await import("./train/eval.js");
  return evaluateNetlist({ ...spec, ...names(spec) });
}

/** `gradcheck`'s options (beta, default 1e-3; estimator, default centered; samples, default 8; relax; targets: see GradcheckJob). */
export interface GradcheckSpec extends JobInput, Omit<GradcheckJob, keyof JobInput | "circuit" | "data"> {}

/** An estimator's gradient against the exact one on a batch: cosine and relative error. */
export async function gradcheck(spec: GradcheckSpec): Promise<GradcheckResult> {
  const { runGradcheckJob } = await import("./train/gradcheck.js");
  return runGradcheckJob({ ...spec, ...names(spec) });
}

/**
 * Plain SPICE of a (trained) circuit loaded from a file: that netlist's text
 * with the current conductances and biases written in.
 */
export function trainedNetlist(circuit: Circuit): string {
  return exportTrained(circuit);
}
