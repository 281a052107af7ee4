/**
 * Plotly figures of a sweep: every metric against every axis that varies
 * (lines), and every metric over every pair of varying axes (heatmaps).
 *
 * Line plots: one line per combination of the other varying axes (at most
 * MAX_LINES; beyond that, and always for seed axes, the other axes are
 * averaged), each point the mean over the averaged rows with a +-1 std error
 * bar. Numeric axes spanning two decades or more use a log scale. Heatmaps
 * (not for seed axes) average over every other axis; their cells are
 * labelled by value.
 */
import type { PlotFigure } from "../plot/html.js";
import { canonicalJson } from "./hash.js";
import type { ResultRow } from "./results.js";

const MAX_LINES = 10;
/** Axes that are replicates: averaged over, never split into lines. */
const REPLICATE = new Set(["seed", "circuit.seed"]);

type Cell = { sum: number; sq: number; n: number };

function label(v: unknown): string {
  return typeof v === "string" ? v : canonicalJson(v);
}

function paramOf(r: ResultRow, a: string): unknown {
  return r.params[a] ?? r.config?.[a];
}

/** Distinct values of axis `a` in the rows: sorted numerically when all numbers, else in first-seen order. */
function distinct(rows: ResultRow[], a: string): unknown[] {
  const m = new Map<string, unknown>();
  for (const r of rows) {
    const v = paramOf(r, a);
    if (v !== undefined && !m.has(label(v))) m.set(label(v), v);
  }
  const vs = [...m.values()];
  return vs.every((v) => typeof v === "number") ? (vs as number[]).sort((x, y) => x - y) : vs;
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

function axisLayout(values: unknown[], title: string): Record<string, unknown> {
  const nums = values.every((v) => typeof v === "number");
  const pos = nums && (values as number[]).every((v) => v > 0);
  const span = pos ? Math.max(...(values as number[])) / Math.min(...(values as number[])) : 0;
  return { title: { text: title }, type: !nums ? "category" : pos && span >= 100 ? "log" : "linear" };
}

/** Positive values spanning three decades or more. */
function logScale(ys: Array<number | null>): boolean {
  const v = ys.filter((y): y is number => y !== null);
  return v.length > 1 && v.every((y) => y > 0) && Math.max(...v) / Math.min(...v) >= 1e3;
}

function lineFigure(rows: ResultRow[], metric: string, axis: string, others: string[]): PlotFigure {
  const xs = distinct(rows, axis);
  const split = others.filter((a) => !REPLICATE.has(a));
  let groups = new Map<string, ResultRow[]>();
  for (const r of rows) {
    const g = split.map((a) => `${a}=${label(paramOf(r, a))}`).join(" ");
    groups.set(g, [...(groups.get(g) ?? []), r]);
  }
  if (groups.size > MAX_LINES) groups = new Map([["", rows]]);
  const numeric = xs.every((v) => typeof v === "number");
  const data = [...groups].map(([name, rs]) => {
    const cells = new Map<string, Cell>();
    for (const r of rs) add(cells, label(paramOf(r, axis)), r.metrics[metric]!);
    const ys = xs.map((x) => mean(cells.get(label(x))));
    const err = xs.map((x) => std(cells.get(label(x))));
    return {
      type: "scatter",
      mode: "lines+markers",
      name: name || metric,
      x: numeric ? xs : xs.map(label),
      y: ys,
      error_y: { type: "data", array: err, visible: err.some((e) => e > 0) },
    };
  });
  const averaged = groups.size === 1 ? others : others.filter((a) => REPLICATE.has(a));
  return {
    data,
    layout: {
      title: { text: `${metric} vs ${axis}${averaged.length ? ` (mean +- std over ${averaged.join(", ")})` : ""}` },
      xaxis: axisLayout(xs, axis),
      yaxis: { title: { text: metric }, type: logScale(data.flatMap((d) => d.y)) ? "log" : "linear" },
      showlegend: data.length > 1,
    },
    height: 440,
  };
}

function heatmapFigure(rows: ResultRow[], metric: string, a: string, b: string, others: string[]): PlotFigure {
  const xs = distinct(rows, a);
  const ys = distinct(rows, b);
  const cells = new Map<string, Cell>();
  for (const r of rows) add(cells, `${label(paramOf(r, a))}\u0000${label(paramOf(r, b))}`, r.metrics[metric]!);
  const z = ys.map((y) => xs.map((x) => mean(cells.get(`${label(x)}\u0000${label(y)}`))));
  return {
    data: [{ type: "heatmap", x: xs.map(label), y: ys.map(label), z, colorscale: "Viridis", colorbar: { title: { text: metric } }, hoverongaps: false }],
    layout: {
      title: { text: `${metric} over ${a} x ${b}${others.length ? ` (mean over ${others.join(", ")})` : ""}` },
      xaxis: { title: { text: a }, type: "category" },
      yaxis: { title: { text: b }, type: "category" },
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
    const paired = varying.filter((a) => !REPLICATE.has(a));
    for (let i = 0; i < paired.length; i++) {
      for (let j = i + 1; j < paired.length; j++) {
        const [a, b] = [paired[i]!, paired[j]!];
        figs.push(heatmapFigure(rows, m, a, b, varying.filter((x) => x !== a && x !== b)));
      }
    }
  }
  return figs;
}
