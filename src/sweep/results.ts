/**
 * results.jsonl: one JSON line per finished point. Each line is written by
 * one appendFileSync call (O_APPEND, one write of the complete line), so
 * concurrent writers on a local file system interleave whole lines and a
 * writer killed at any moment leaves at most a trailing partial line. On
 * reading, a trailing partial line and any unparsable line are ignored; the
 * first append after a partial line starts a fresh line.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Flat } from "./config.js";
import type { Metrics } from "./metrics.js";

export const RESULTS_FILE = "results.jsonl";

export interface ResultRow {
  /** Row format version. */
  v: 1;
  /** Stable hash of the resolved point config (see hash.ts). */
  hash: string;
  status: "ok" | "error";
  /** Name of the sweep. */
  sweep: string;
  /** The swept keys' values at this point. */
  params: Flat;
  /** The whole resolved point (base + params; paths as written in the config). */
  config: Flat;
  metrics: Metrics;
  error?: string;
  /** Start time (ISO 8601) and wall time of the point (s). */
  start: string;
  seconds: number;
  host: string;
  /** "K/N" when run with --shard. */
  shard?: string;
}

export interface ReadResults {
  rows: ResultRow[];
  /** Lines that were not valid rows (a torn tail, or foreign text). */
  skipped: number;
  /** The file does not end with a newline. */
  partialTail: boolean;
}

function isRow(x: unknown): x is ResultRow {
  const r = x as ResultRow;
  return r !== null && typeof r === "object" && typeof r.hash === "string" && (r.status === "ok" || r.status === "error") && typeof r.metrics === "object";
}

/** Every valid row of a results file, in file order (empty if the file does not exist). */
export function readResults(path: string): ReadResults {
  if (!existsSync(path)) return { rows: [], skipped: 0, partialTail: false };
  const text = readFileSync(path, "utf8");
  const lines = text.split("\n");
  const tail = lines.pop()!; // "" when the file ends with a newline
  const rows: ResultRow[] = [];
  let skipped = tail === "" ? 0 : 1;
  for (const l of lines) {
    if (!l.trim()) continue;
    try {
      const r: unknown = JSON.parse(l);
      if (isRow(r)) rows.push(r);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  return { rows, skipped, partialTail: tail !== "" };
}

/** One row per hash: an ok row beats an error row, otherwise the later row wins. */
export function latestByHash(rows: Iterable<ResultRow>): Map<string, ResultRow> {
  const m = new Map<string, ResultRow>();
  for (const r of rows) {
    const prev = m.get(r.hash);
    if (!prev || !(prev.status === "ok" && r.status === "error")) m.set(r.hash, r);
  }
  return m;
}

/** Appends rows to a results file, one complete line per write. */
export class ResultsWriter {
  private fresh: boolean;
  /** `partialTail`: the file ends in a partial line (read it when not given). */
  constructor(
    readonly path: string,
    partialTail?: boolean,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.fresh = partialTail ?? readResults(path).partialTail;
  }

  append(row: ResultRow): void {
    const line = `${this.fresh ? "\n" : ""}${JSON.stringify(row)}\n`;
    appendFileSync(this.path, line);
    this.fresh = false;
  }
}
