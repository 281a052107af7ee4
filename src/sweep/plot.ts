/**
 * Plotly figures of a sweep: every metric against every axis that varies
 * (lines), and every metric over every pair of varying axes (heatmaps).
 *
 * Line plots: one line per combination of the other varying axes (at most
 * MAX_LINES; beyond that, and always for seed axes, the other axes are
 * averaged), each point the mean over the averaged rows with a +-1 std error
 * bar. Heatmaps (not for seed axes) average over every other axis; their
 * cells are labelled by value.
 *
 * Axes follow their values: seeds and names are categories (a seed is a
 * replicate, not a quantity); `levels` is ordered 4, 16, ... with 0 last,
 * labelled "continuous"; other numbers use a log scale when positive and
 * spanning two decades (or one, geometrically spaced), else linear.
 * Accuracies are shown in percent, other metrics with their unit in the
 * title (format.ts), ticks as powers of ten (no mixed SI prefixes), and
 * hover and cell labels with enough digits to tell 0.99999 from 1.
 */
import type { PlotFigure } from "../plot/html.js";
import { canonicalJson } from "./hash.js";
import type { ResultRow } from "./results.js";
import { distinctDigits, isAccuracy, metricTitle, shownValue, unitOf } from "./format.js";

const MAX_LINES = 10;
/** Axes that are replicates (seeds): averaged over, never split into lines, drawn as categories. */
export function isReplicate(axis: string): boolean {
  return /(^|\.)seed$/i.test(axis);
}

/** An axis of conductance levels, where 0 means continuous (no quantization). */
function isLevels(axis: string): boolean {
  return /(^|\.)levels$/i.test(axis);
}

type Cell = { sum: number; sq: number; n: number };

function label(v: unknown): string {
  return typeof v === "string" ? v : canonicalJson(v);
}

/** What a value of axis `a` is called on a plot: levels=0 is "continuous". */
function shownLabel(a: string, v: unknown): string {
  return isLevels(a) && v === 0 ? "continuous" : label(v);
}

function paramOf(r: ResultRow, a: string): unknown {
  return r.params[a] ?? r.config?.[a];
}

/**
 * Distinct values of axis `a` in the rows: sorted numerically when all
 * numbers (for levels, 0 = continuous last), else in first-seen order.
 */
function distinct(rows: ResultRow[], a: string): unknown[] {
  const m = new Map<string, unknown>();
  for (const r of rows) {
    const v = paramOf(r, a);
    if (v !== undefined && !m.has(label(v))) m.set(label(v), v);
  }
  const vs = [...m.values()];
  if (!vs.every((v) => typeof v === "number")) return vs;
  const key = (x: number) => (isLevels(a) && x === 0 ? Infinity : x);
  return (vs as number[]).sort((x, y) => key(x) - key(y));
}

function add(cells: Map<string, Cell>, key: string, y: number): void {
  if (!Number.isFinite(y)) return;
  const c = cells.get(key) ?? { sum: 0, sq: 0, n: 0 };
  c.sum += y;
  c.sq += y * y;
  c.n++;
  cells.set(key, c);
}

const mean = (c: Cell | undefined) => (c && c.n ? c.sum / c.n : null);
const std = (c: Cell | undefined) => (c && c.n > 1 ? Math.sqrt(Math.max(0, c.sq / c.n - (c.sum / c.n) ** 2)) : 0);

/** Positive numbers spanning two decades, or one with geometric spacing (1, 3, 10...): a log axis. */
function logSpaced(vs: number[]): boolean {
  if (vs.length < 2 || !vs.every((v) => v > 0)) return false;
  const span = vs[vs.length - 1] / vs[0];
  if (span >= 100) return true;
  if (span < 10 || vs.length < 3) return false;
  const r = vs.slice(1).map((v, i) => v / vs[i]);
  return r.every((x) => Math.abs(x / r[0] - 1) < 0.05);
}

/** How axis `a` is drawn: as categories (seeds, levels, names) or numbers (log or linear). */
function axisKind(a: string, values: unknown[]): "category" | "log" | "linear" {
  const nums = values.every((v) => typeof v === "number");
  if (!nums || isReplicate(a) || isLevels(a)) return "category";
  return logSpaced(values as number[]) ? "log" : "linear";
}

function axisLayout(a: string, values: unknown[]): Record<string, unknown> {
  const type = axisKind(a, values);
  const title = { text: isLevels(a) && values.includes(0) ? `${a} (0 = continuous)` : a };
  if (type === "category") return { title, type, categoryorder: "array", categoryarray: values.map((v) => shownLabel(a, v)) };
  return { title, type, exponentformat: "power" };
}

/** Positive values spanning three decades or more. */
function logScale(ys: Array<number | null>): boolean {
  const v = ys.filter((y): y is number => y !== null);
  return v.length > 1 && v.every((y) => y > 0) && Math.max(...v) / Math.min(...v) >= 1e3;
}

function lineFigure(rows: ResultRow[], metric: string, axis: string, others: string[]): PlotFigure {
  const xs = distinct(rows, axis);
  const split = others.filter((a) => !isReplicate(a));
  let groups = new Map<string, ResultRow[]>();
  // lines in the order of the other axes' values (levels 4, 16, ..., continuous), not first-seen
  const order = split.map((a) => new Map(distinct(rows, a).map((v, i) => [label(v), i])));
  const rank = (r: ResultRow) => split.map((a, k) => order[k].get(label(paramOf(r, a))) ?? 0);
  const sorted = [...rows].sort((x, y) => {
    const rx = rank(x);
    const ry = rank(y);
    for (let k = 0; k < rx.length; k++) if (rx[k] !== ry[k]) return rx[k] - ry[k];
    return 0;
  });
  for (const r of sorted) {
    const g = split.map((a) => `${a}=${shownLabel(a, paramOf(r, a))}`).join(" ");
    groups.set(g, [...(groups.get(g) ?? []), r]);
  }
  if (groups.size > MAX_LINES) groups = new Map([["", rows]]);
  const kind = axisKind(axis, xs);
  const data = [...groups].map(([name, rs]) => {
    const cells = new Map<string, Cell>();
    for (const r of rs) add(cells, label(paramOf(r, axis)), shownValue(metric, r.metrics[metric]!));
    const ys = xs.map((x) => mean(cells.get(label(x))));
    const err = xs.map((x) => std(cells.get(label(x))));
    return {
      type: "scatter",
      mode: "lines+markers",
      name: name || metric,
      x: kind === "category" ? xs.map((x) => shownLabel(axis, x)) : xs,
      y: ys,
      error_y: { type: "data", array: err, visible: err.some((e) => e > 0) },
    };
  });
  const averaged = groups.size === 1 ? others : others.filter((a) => isReplicate(a));
  const ys = data.flatMap((d) => d.y).filter((y): y is number => y !== null);
  const digits = distinctDigits(ys, 4);
  return {
    data,
    layout: {
      title: { text: `${metric} vs ${axis}${averaged.length ? ` (mean +- std over ${averaged.join(", ")})` : ""}` },
      xaxis: axisLayout(axis, xs),
      yaxis: {
        title: { text: metricTitle(metric) },
        type: logScale(ys) ? "log" : "linear",
        exponentformat: "power",
        hoverformat: `.${digits}~g`,
        ticksuffix: isAccuracy(metric) ? "%" : "",
      },
      showlegend: data.length > 1,
    },
    height: 440,
  };
}

function heatmapFigure(rows: ResultRow[], metric: string, a: string, b: string, others: string[]): PlotFigure {
  const xs = distinct(rows, a);
  const ys = distinct(rows, b);
  const cells = new Map<string, Cell>();
  for (const r of rows) add(cells, `${label(paramOf(r, a))}\u0000${label(paramOf(r, b))}`, shownValue(metric, r.metrics[metric]!));
  const z = ys.map((y) => xs.map((x) => mean(cells.get(`${label(x)}\u0000${label(y)}`))));
  const digits = distinctDigits(z.flat().filter((v): v is number => v !== null), 3);
  const unit = unitOf(metric);
  const suffix = unit === "%" ? "%" : unit ? ` ${unit}` : "";
  const xl = xs.map((x) => shownLabel(a, x));
  const yl = ys.map((y) => shownLabel(b, y));
  return {
    data: [
      {
        type: "heatmap",
        x: xl,
        y: yl,
        z,
        colorscale: "Viridis",
        colorbar: { title: { text: metricTitle(metric) }, exponentformat: "power" },
        hoverongaps: false,
        texttemplate: `%{z:.${digits}~g}${unit === "%" ? "%" : ""}`,
        hovertemplate: `${a}=%{x}<br>${b}=%{y}<br>${metric}: %{z:.${digits}~g}${suffix}<extra></extra>`,
      },
    ],
    layout: {
      title: { text: `${metric} over ${a} x ${b}${others.length ? ` (mean over ${others.join(", ")})` : ""}` },
      xaxis: { title: { text: a }, type: "category", categoryorder: "array", categoryarray: xl },
      yaxis: { title: { text: b }, type: "category", categoryorder: "array", categoryarray: yl },
    },
    height: 480,
  };
}

/** The figures for successful rows `rows`, swept keys `axes` and metric names `metrics`. */
export function sweepFigures(rows: ResultRow[], axes: string[], metrics: string[]): PlotFigure[] {
  const varying = axes.filter((a) => distinct(rows, a).length > 1);
  const shown = metrics.filter((m) => rows.some((r) => Number.isFinite(r.metrics[m])));
  const figs: PlotFigure[] = [];
  for (const m of shown) {
    for (const a of varying) figs.push(lineFigure(rows, m, a, varying.filter((x) => x !== a)));
    const paired = varying.filter((a) => !isReplicate(a));
    for (let i = 0; i < paired.length; i++) {
      for (let j = i + 1; j < paired.length; j++) {
        const [a, b] = [paired[i]!, paired[j]!];
        figs.push(heatmapFigure(rows, m, a, b, varying.filter((x) => x !== a && x !== b)));
      }
    }
  }
  return figs;
}
