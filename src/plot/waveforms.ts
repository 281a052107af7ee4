/**
 * Waveform plots of a transient: a sink that keeps (at most MAX_ROWS of) the
 * rows and, on finish, writes an HTML page (html.ts) with one figure of the
 * node voltages (one trace per node, V against s) and, when there are any,
 * one of the source currents (A against s). Axes use SI prefixes (ns, mV).
 * Long runs are thinned by keeping every k-th row (k doubles when the
 * buffer fills), so memory stays bounded.
 *
 * The page stays small (under 2 MB with plotly's 1.5 MB) for any circuit:
 * at most MAX_TRACES columns are drawn (the first ones; the title says how
 * many were left out), and the kept rows shrink for wide circuits so that
 * the page holds at most MAX_VALUES numbers (7 digits, about 13 bytes each).
 */
import type { WaveformSink } from "../output/sink.js";
import { writePlotHtml, type PlotFigure } from "./html.js";

const MAX_ROWS = 4000;
/** Most columns (besides time) drawn in one page. */
export const MAX_TRACES = 100;
/** Most numbers in one page: each trace carries its own x (time) and y, so 2 x rows x traces. */
const MAX_VALUES = 30_000;

/** Rows kept for a page of `columns` columns (time included): even, in [2, MAX_ROWS]. */
export function rowBudget(columns: number): number {
  const traces = Math.max(1, Math.min(columns - 1, MAX_TRACES));
  return Math.max(2, Math.min(MAX_ROWS, 2 * Math.floor(MAX_VALUES / (2 * traces) / 2)));
}

export class PlotSink implements WaveformSink {
  private columns: string[] = [];
  private units: string[] = [];
  private data: Float64Array[] = [];
  private kept = 0;
  private seen = 0;
  private stride = 1;
  private last: Float64Array | null = null;
  private cap = MAX_ROWS;
  private dropped = 0;

  constructor(
    readonly path: string,
    readonly title: string,
  ) {}

  begin(columns: string[], units: string[]): void {
    this.columns = columns.slice(0, MAX_TRACES + 1);
    this.units = units.slice(0, MAX_TRACES + 1);
    this.dropped = columns.length - this.columns.length;
    this.cap = rowBudget(columns.length);
    this.data = this.columns.map(() => new Float64Array(this.cap));
    this.last = new Float64Array(columns.length);
  }

  row(values: Float64Array): void {
    this.last!.set(values);
    if (this.seen++ % this.stride !== 0) return;
    if (this.kept === this.cap) {
      // thin: keep every other row, double the stride
      for (const col of this.data) for (let i = 0; i < this.cap / 2; i++) col[i] = col[2 * i];
      this.kept = this.cap / 2;
      this.stride *= 2;
      if ((this.seen - 1) % this.stride !== 0) return;
    }
    for (let k = 0; k < this.data.length; k++) this.data[k][this.kept] = values[k];
    this.kept++;
  }

  finish(): void {
    // always show the last row
    if (this.last && this.kept > 0 && this.data[0][this.kept - 1] !== this.last[0]) {
      if (this.kept === this.cap) this.kept--;
      for (let k = 0; k < this.data.length; k++) this.data[k][this.kept] = this.last[k];
      this.kept++;
    }
    const title = this.dropped ? `${this.title} (the first ${MAX_TRACES} of ${MAX_TRACES + this.dropped} columns drawn)` : this.title;
    writePlotHtml(this.path, { title, figures: waveformFigures(this.columns, this.units, this.data, this.kept) });
  }

  abort(): void {
    this.data = [];
  }
}

/** Round to 7 significant digits: plenty for a plot, a third of the size. */
function short(a: Float64Array, n: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = Number(a[i].toPrecision(7));
  return out;
}

/** Figures for columns [time, ...] with units ["s", "V"|"A", ...]. */
export function waveformFigures(columns: string[], units: string[], data: Float64Array[], rows: number): PlotFigure[] {
  const t = short(data[0], rows);
  const figs: PlotFigure[] = [];
  for (const [unit, what] of [
    ["V", "node voltages"],
    ["A", "source currents (+ to - through the source)"],
  ] as const) {
    const traces: Array<Record<string, unknown>> = [];
    for (let k = 1; k < columns.length; k++) {
      if (units[k] !== unit) continue;
      traces.push({ type: "scatter", mode: "lines", name: columns[k], x: t, y: short(data[k], rows), line: { width: 1.5 } });
    }
    if (!traces.length) continue;
    figs.push({
      data: traces,
      layout: {
        title: { text: what },
        xaxis: { title: { text: "time" }, tickformat: "~s", ticksuffix: "s", showgrid: true },
        yaxis: { title: { text: unit === "V" ? "voltage" : "current" }, tickformat: "~s", ticksuffix: unit, showgrid: true },
        showlegend: traces.length <= 60,
        hovermode: "closest",
        margin: { l: 80, r: 20, t: 50, b: 60 },
      },
    });
  }
  return figs;
}
