/**
 * `eqspice dc FILE [--out F.csv|F.json|F.html] [--plot F.html]
 *   [--probe v(node),i(source)...] [--max-points N] [--quiet]`: the
 * netlist's `.dc` sweep (ngspice 39's card: a V or I source, a resistor or
 * TEMP, and an optional second, outer sweep). One row per point, inner sweep
 * fastest: the sweep value(s) first (`v-sweep`, `i-sweep`, `res-sweep` or
 * `temp-sweep`, then `v-sweep2`... for the second sweep), then `v(node)` (V)
 * and `i(source)` (A, + to - through the source). CSV on stdout or to
 * --out, JSON (an object of column arrays) for an --out ending in .json, a
 * self-contained HTML plot (plotly) for .html or --plot: one trace per
 * column, one per value of the second sweep (at most 100 traces; a long
 * sweep is thinned to every k-th point, its last point kept). --probe keeps only the named
 * columns (the sweep values stay). Everything is checked before the run:
 * a bad card, probe or output path writes nothing; files are written under
 * a temporary name and renamed on success.
 */
import type { Command } from "commander";
import { InputError } from "../../util/errors.js";
import { prepareDcSweep } from "../../api.js";
import type { DcSink } from "../../analysis/dc.js";
import type { WaveformSink } from "../../output/sink.js";
import { checkSweepOutputs, maxPointsOf, probesOf, runInto, sweepSink } from "../sweep-output.js";
import { writePlotHtml, type PlotFigure } from "../../plot/html.js";
import { MAX_TRACES } from "../../plot/waveforms.js";
import { DEFAULT_MAX_POINTS } from "../../analysis/dc.js";

/** Most numbers one plot page holds (x and y of every drawn point): the page stays under 2 MB. */
const PLOT_VALUES = 60_000;

interface DcFlags {
  out?: string;
  plot?: string;
  probe?: string[];
  maxPoints?: string;
  quiet?: boolean;
}

export function registerDc(program: Command, run: (fn: () => Promise<void> | void) => Promise<void>): void {
  program
    .command("dc")
    .description("DC sweep (.dc): node voltages and source currents against a swept source, resistor or temperature (CSV, JSON or HTML plot)")
    .argument("<file>", "SPICE netlist with a .dc card")
    .option("--out <file>", "write the sweep to a file: .csv, .json or .html (a plot); default CSV on stdout")
    .option("--plot <file.html>", "also write a self-contained HTML plot")
    .option("--probe <columns...>", "keep only these columns, e.g. v(out) i(v1) (comma-separated or repeated; a bare name is a node)")
    .option("--max-points <n>", `refuse a sweep of more points than n (default ${DEFAULT_MAX_POINTS.toLocaleString("en-US")})`)
    .option("--quiet", "no summary on stderr")
    .action((file: string, flags: DcFlags) => run(() => dcCommand(file, flags)));
}


/** A sink that passes on only some columns (the sweep values and the probes, in probe order). */
class ProbeSink implements DcSink {
  private pick: Int32Array = new Int32Array(0);
  private buf = new Float64Array(0);
  constructor(
    private readonly next: DcSink,
    private readonly keep: (columns: string[]) => number[],
  ) {}
  begin(columns: string[], units: string[]): void {
    const k = this.keep(columns);
    this.pick = Int32Array.from(k);
    this.buf = new Float64Array(k.length);
    this.next.begin(k.map((j) => columns[j]), k.map((j) => units[j]));
  }
  row(values: Float64Array): void {
    for (let j = 0; j < this.pick.length; j++) this.buf[j] = values[this.pick[j]];
    this.next.row(this.buf);
  }
}

/** Keeps every row (a sweep is small) and writes the plot page on finish. */
class DcPlotSink implements WaveformSink {
  private columns: string[] = [];
  private units: string[] = [];
  /** Kept rows of each value of the outer sweep (every `stride`-th inner point, and the last). */
  private rows: number[][][] = [];
  private seen = 0;
  private stride = 1;
  constructor(
    readonly path: string,
    readonly title: string,
    /** Points per inner sweep, and the outer sweep's label and values (null: one sweep). */
    readonly innerCount: number,
    readonly outer: { label: string; unit: string; values: Float64Array } | null,
    readonly xLabel: string,
    readonly xUnit: string,
    readonly nSweeps: number,
  ) {}
  begin(columns: string[], units: string[]): void {
    this.columns = columns;
    this.units = units;
    // at most PLOT_VALUES numbers drawn: each trace holds x and y of its kept points
    const nOuter = this.outer ? this.outer.values.length : 1;
    const traces = Math.max(1, Math.min(MAX_TRACES, (columns.length - this.nSweeps) * nOuter));
    this.stride = Math.max(1, Math.ceil((2 * traces * this.innerCount) / PLOT_VALUES));
    this.rows = Array.from({ length: nOuter }, () => []);
  }
  row(values: Float64Array): void {
    const j = this.seen % this.innerCount;
    const o = Math.floor(this.seen / this.innerCount);
    this.seen++;
    if (j % this.stride !== 0 && j !== this.innerCount - 1) return;
    this.rows[o].push(Array.from(values, (v) => Number(v.toPrecision(7))));
  }
  finish(): void {
    const figs: PlotFigure[] = [];
    const nOuter = this.rows.length;
    let drawn = 0;
    for (const [unit, what] of [
      ["V", "node voltages"],
      ["A", "source currents (+ to - through the source)"],
    ] as const) {
      const traces: Array<Record<string, unknown>> = [];
      for (let k = this.nSweeps; k < this.columns.length; k++) {
        if (this.units[k] !== unit) continue;
        for (let o = 0; o < nOuter && drawn < MAX_TRACES; o++, drawn++) {
          const rows = this.rows[o];
          const name = this.outer ? `${this.columns[k]} @ ${this.outer.label}=${Number(this.outer.values[o].toPrecision(6))}${this.outer.unit}` : this.columns[k];
          traces.push({ type: "scatter", mode: "lines", name, x: rows.map((r) => r[0]), y: rows.map((r) => r[k]), line: { width: 1.5 } });
        }
      }
      if (!traces.length) continue;
      figs.push({
        data: traces,
        layout: {
          title: { text: what },
          xaxis: { title: { text: this.xLabel }, tickformat: "~s", ticksuffix: this.xUnit, showgrid: true },
          yaxis: { title: { text: unit === "V" ? "voltage" : "current" }, tickformat: "~s", ticksuffix: unit, showgrid: true },
          showlegend: traces.length <= 60,
          hovermode: "closest",
          margin: { l: 80, r: 20, t: 50, b: 60 },
        },
      });
    }
    writePlotHtml(this.path, { title: this.title, figures: figs });
  }
  abort(): void {
    this.rows = [];
  }
}

function dcCommand(file: string, flags: DcFlags): void {
  const maxPoints = maxPointsOf(flags.maxPoints, DEFAULT_MAX_POINTS);
  const probes = probesOf(flags.probe, "column");
  checkSweepOutputs(flags.out, flags.plot);

  const sweep = prepareDcSweep(file, { maxPoints });
  for (const w of sweep.warnings) process.stderr.write(`eqspice: warning: ${w}\n`);
  const [inner, outer] = sweep.sweeps;
  const label = (s: typeof inner) => (s.kind === "temp" ? "TEMP" : s.name);
  const title = `${sweep.title || file}: DC sweep of ${sweep.sweeps.map(label).join(" and ")}`;
  const nSweeps = sweep.sweeps.length;
  const plotSink = (path: string) =>
    new DcPlotSink(path, title, inner.values.length, outer ? { label: label(outer), unit: outer.unit === "Ohm" ? "Ω" : outer.unit, values: outer.values } : null, label(inner), inner.unit === "Ohm" ? "Ω" : inner.unit, nSweeps);

  const all = sweepSink(flags.out, flags.plot, plotSink);
  const keep = (columns: string[]): number[] => {
    const idx = columns.map((_, j) => j).slice(0, nSweeps);
    for (const p of probes!) {
      const j = columns.indexOf(p);
      if (j < nSweeps) throw new InputError(`--probe: no column '${p}' (the sweep has: ${columns.slice(nSweeps).join(", ")})`);
      idx.push(j);
    }
    return idx;
  };
  const sink: DcSink = probes ? new ProbeSink(all, keep) : all;
  const t0 = performance.now();
  const stats = runInto(all, () => sweep.run(sink));
  if (!flags.quiet) {
    const fb = stats.fallbacks ? ` (${stats.fallbacks} needed the full operating-point strategy)` : "";
    process.stderr.write(`dc: ${stats.points} points, ${stats.iterations} Newton iterations${fb}, ${((performance.now() - t0) / 1000).toFixed(3)} s\n`);
  }
}
