/**
 * Waveform plots of a transient: a sink that keeps (at most MAX_ROWS of) the
 * rows and, on finish, writes an HTML page (html.ts) with one figure of the
 * node voltages (one trace per node, V against s) and, when there are any,
 * one of the source currents (A against s). Axes use SI prefixes (ns, mV).
 * Long runs are thinned by keeping every k-th row (k doubles when the
 * buffer fills), so memory stays bounded.
 */
import type { WaveformSink } from "../output/sink.js";
import { writePlotHtml, type PlotFigure } from "./html.js";

const MAX_ROWS = 4000;

export class PlotSink implements WaveformSink {
  private columns: string[] = [];
  private units: string[] = [];
  private data: Float64Array[] = [];
  private kept = 0;
  private seen = 0;
  private stride = 1;
  private last: Float64Array | null = null;

  constructor(
    readonly path: string,
    readonly title: string,
  ) {}

  begin(columns: string[], units: string[]): void {
    this.columns = columns.slice();
    this.units = units.slice();
    this.data = columns.map(() => new Float64Array(MAX_ROWS));
    this.last = new Float64Array(columns.length);
  }

  row(values: Float64Array): void {
    this.last!.set(values);
    if (this.seen++ % this.stride !== 0) return;
    if (this.kept === MAX_ROWS) {
      // thin: keep every other row, double the stride
      for (const col of this.data) for (let i = 0; i < MAX_ROWS / 2; i++) col[i] = col[2 * i];
      this.kept = MAX_ROWS / 2;
      this.stride *= 2;
      if ((this.seen - 1) % this.stride !== 0) return;
    }
    for (let k = 0; k < values.length; k++) this.data[k][this.kept] = values[k];
    this.kept++;
  }

  finish(): void {
    // always show the last row
    if (this.last && this.kept > 0 && this.data[0][this.kept - 1] !== this.last[0]) {
      if (this.kept === MAX_ROWS) this.kept--;
      for (let k = 0; k < this.last.length; k++) this.data[k][this.kept] = this.last[k];
      this.kept++;
    }
    writePlotHtml(this.path, { title: this.title, figures: waveformFigures(this.columns, this.units, this.data, this.kept) });
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
