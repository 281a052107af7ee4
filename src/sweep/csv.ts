/**
 * results.csv: one row per point for spreadsheets. Columns: hash, status,
 * the swept keys, the metrics, seconds (wall time of the point), start,
 * host, shard, error. Fields are quoted per RFC 4180 when needed; arrays and
 * objects are written as JSON.
 */
import type { ResultRow } from "./results.js";

function field(v: unknown): string {
  if (v === undefined || v === null) return "";
  const s = typeof v === "object" ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Metric names of the rows in first-seen order, or `metrics` when given. */
export function metricNames(rows: ResultRow[], metrics?: string[] | null): string[] {
  if (metrics) return metrics;
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r.metrics)) seen.add(k);
  return [...seen];
}

/** Swept keys of the rows in first-seen order, or `axes` when given. */
export function axisNames(rows: ResultRow[], axes?: string[] | null): string[] {
  if (axes) return axes;
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r.params)) seen.add(k);
  return [...seen];
}

export function resultsCsv(rows: ResultRow[], axes: string[], metrics: string[]): string {
  // A metric named like a fixed column (training's per-epoch "seconds") gets a prefix, so no header repeats.
  const fixed = new Set(["hash", "status", "seconds", "start", "host", "shard", "error"]);
  const header = ["hash", "status", ...axes, ...metrics.map((m) => (fixed.has(m) ? `metric.${m}` : m)), "seconds", "start", "host", "shard", "error"];
  const lines = [header.map(field).join(",")];
  for (const r of rows) {
    lines.push(
      [r.hash, r.status, ...axes.map((a) => r.params[a] ?? r.config?.[a]), ...metrics.map((m) => r.metrics[m]), r.seconds, r.start, r.host, r.shard, r.error].map(field).join(","),
    );
  }
  return lines.join("\n") + "\n";
}
