/**
 * `eqspice ac FILE [--out F.csv|F.json|F.html] [--plot F.html]
 *   [--probe v(node),i(source)...] [--format magphase|reim]
 *   [--max-points N] [--quiet]`: the netlist's `.ac` analysis (ngspice 39's
 * card: DEC, OCT or LIN). One row per frequency: `frequency` (Hz), then per
 * node and per voltage source (and E, H, inductor, V= B source branch), as
 * ngspice names the vectors, the magnitude and phase in degrees
 * (`vm(node)`, `vp(node)`, `im(source)`, `ip(source)`; --format magphase,
 * the default) or the real and imaginary parts (`vr(node)`, `vi(node)`,
 * `ir(source)`, `ii(source)`; --format reim). CSV on stdout or to --out,
 * JSON (an object of column arrays) for an --out ending in .json, a
 * self-contained HTML Bode plot (plotly: magnitude in dB and phase in
 * degrees against a log frequency axis, at most 100 traces) for .html or
 * --plot. --probe keeps only the named quantities. Everything is checked
 * before the run: a bad card, probe or output path writes nothing; files
 * are written under a temporary name and renamed on success.
 */
import type { Command } from "commander";
import { InputError } from "../../util/errors.js";
import { prepareAcSweep } from "../../api.js";
import { DEFAULT_MAX_AC_POINTS, type AcSink } from "../../analysis/ac.js";
import type { WaveformSink } from "../../output/sink.js";
import { checkSweepOutputs, maxPointsOf, probesOf, runInto, sweepSink } from "../sweep-output.js";
import { writePlotHtml, type PlotFigure } from "../../plot/html.js";
import { MAX_TRACES } from "../../plot/waveforms.js";

type Format = "magphase" | "reim";

interface AcFlags {
  out?: string;
  plot?: string;
  probe?: string[];
  format?: string;
  maxPoints?: string;
  quiet?: boolean;
}

export function registerAc(program: Command, run: (fn: () => Promise<void> | void) => Promise<void>): void {
  program
    .command("ac")
    .description("AC small-signal analysis (.ac): node voltages and source currents as magnitude and phase (or real and imaginary parts) against frequency (CSV, JSON or HTML Bode plot)")
    .argument("<file>", "SPICE netlist with a .ac card and sources with AC values")
    .option("--out <file>", "write the analysis to a file: .csv, .json or .html (a Bode plot); default CSV on stdout")
    .option("--plot <file.html>", "also write a self-contained HTML Bode plot")
    .option("--probe <quantities...>", "keep only these quantities, e.g. v(out) i(v1) (comma-separated or repeated; a bare name is a node)")
    .option("--format <format>", "magphase: vm(), vp() in degrees (default); reim: vr(), vi()")
    .option("--max-points <n>", `refuse a sweep of more frequencies than n (default ${DEFAULT_MAX_AC_POINTS.toLocaleString("en-US")})`)
    .option("--quiet", "no summary on stderr")
    .action((file: string, flags: AcFlags) => run(() => acCommand(file, flags)));
}

function formatOf(text: string | undefined): Format {
  if (text === undefined) return "magphase";
  const f = text.toLowerCase();
  if (f !== "magphase" && f !== "reim") throw new InputError(`--format: expected magphase or reim, got '${text}'`);
  return f;
}


/** The two column names of quantity `v(x)` / `i(x)` in a format: vm(x), vp(x) or vr(x), vi(x). */
function columnsOf(q: string, format: Format): [string, string] {
  const letter = q[0];
  const inner = q.slice(1);
  return format === "magphase" ? [`${letter}m${inner}`, `${letter}p${inner}`] : [`${letter}r${inner}`, `${letter}i${inner}`];
}

/** Turns phasors into rows (frequency, then two columns per kept quantity) for waveform sinks. */
class AcRows implements AcSink {
  private pick = new Int32Array(0);
  private row = new Float64Array(0);
  constructor(
    private readonly next: WaveformSink,
    private readonly format: Format,
    private readonly probes: string[] | null,
  ) {}
  begin(names: string[], units: string[]): void {
    let pick = names.map((_, k) => k);
    if (this.probes) {
      pick = this.probes.map((p) => {
        const k = names.indexOf(p);
        if (k < 0) throw new InputError(`--probe: no quantity '${p}' (the analysis has: ${names.join(", ")})`);
        return k;
      });
    }
    this.pick = Int32Array.from(pick);
    this.row = new Float64Array(1 + 2 * pick.length);
    const columns = ["frequency"];
    const u = ["Hz"];
    for (const k of pick) {
      columns.push(...columnsOf(names[k], this.format));
      u.push(units[k], this.format === "magphase" ? "deg" : units[k]);
    }
    this.next.begin(columns, u);
  }
  point(frequency: number, re: Float64Array, im: Float64Array): void {
    const row = this.row;
    row[0] = frequency;
    for (let j = 0; j < this.pick.length; j++) {
      const a = re[this.pick[j]];
      const b = im[this.pick[j]];
      if (this.format === "magphase") {
        row[1 + 2 * j] = Math.hypot(a, b);
        row[2 + 2 * j] = (Math.atan2(b, a) * 180) / Math.PI;
      } else {
        row[1 + 2 * j] = a;
        row[2 + 2 * j] = b;
      }
    }
    this.next.row(row);
  }
}

/** Keeps every phasor and writes the Bode page on finish: magnitude (dB) and phase (degrees) against log frequency. */
class BodePlotSink implements WaveformSink {
  private columns: string[] = [];
  private units: string[] = [];
  private rows: number[][] = [];
  constructor(
    readonly path: string,
    readonly title: string,
    readonly format: Format,
  ) {}
  begin(columns: string[], units: string[]): void {
    this.columns = columns;
    this.units = units;
  }
  row(values: Float64Array): void {
    this.rows.push(Array.from(values));
  }
  finish(): void {
    const mag: Array<Record<string, unknown>> = [];
    const phase: Array<Record<string, unknown>> = [];
    const f = this.rows.map((r) => r[0]);
    for (let k = 1; k + 1 < this.columns.length && mag.length < MAX_TRACES; k += 2) {
      const name = `${this.columns[k][0]}(${this.columns[k].slice(3, -1)})`;
      const pairs = this.rows.map((r) => (this.format === "magphase" ? [r[k], r[k + 1]] : [Math.hypot(r[k], r[k + 1]), (Math.atan2(r[k + 1], r[k]) * 180) / Math.PI]));
      const db = pairs.map(([m]) => Number((20 * Math.log10(m)).toPrecision(7)));
      mag.push({ type: "scatter", mode: "lines", name, x: f, y: db, line: { width: 1.5 }, hovertemplate: `%{y} dB${this.units[k]}<extra>${name}</extra>` });
      phase.push({ type: "scatter", mode: "lines", name, x: f, y: pairs.map(([, p]) => Number(p.toPrecision(7))), line: { width: 1.5 }, showlegend: false });
    }
    const axis = { title: { text: "frequency" }, type: "log", ticksuffix: "Hz", showgrid: true };
    const layout = (what: string, y: Record<string, unknown>, showlegend: boolean) => ({ title: { text: what }, xaxis: axis, yaxis: { ...y, showgrid: true }, showlegend, hovermode: "closest", margin: { l: 80, r: 20, t: 50, b: 60 } });
    const figs: PlotFigure[] = [
      { data: mag, layout: layout("magnitude (dB re 1 V or 1 A)", { title: { text: "dB" } }, mag.length <= 60) },
      { data: phase, layout: layout("phase", { title: { text: "degrees" }, ticksuffix: "°" }, false) },
    ];
    writePlotHtml(this.path, { title: this.title, figures: figs });
  }
  abort(): void {
    this.rows = [];
  }
}

function acCommand(file: string, flags: AcFlags): void {
  const maxPoints = maxPointsOf(flags.maxPoints, DEFAULT_MAX_AC_POINTS);
  const format = formatOf(flags.format);
  const probes = probesOf(flags.probe, "quantity");
  checkSweepOutputs(flags.out, flags.plot);

  const sweep = prepareAcSweep(file, { maxPoints });
  for (const w of sweep.warnings) process.stderr.write(`eqspice: warning: ${w}\n`);
  const title = `${sweep.title || file}: AC analysis`;
  const all = sweepSink(flags.out, flags.plot, (path) => new BodePlotSink(path, title, format));
  const t0 = performance.now();
  const stats = runInto(all, () => sweep.run(new AcRows(all, format, probes)));
  if (!flags.quiet) {
    process.stderr.write(`ac: ${stats.points} frequencies, ${stats.unknowns} complex unknowns, operating point in ${stats.iterations} Newton iterations (${stats.strategy}), ${((performance.now() - t0) / 1000).toFixed(3)} s\n`);
  }
}
