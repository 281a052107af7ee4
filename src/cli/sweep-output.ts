/**
 * Where a sweep command (`eqspice dc`, `eqspice ac`) writes its rows:
 * `--out` a .csv, .json or .html file (CSV on stdout without it) and
 * `--plot` an HTML page besides, every path checked writable before the run,
 * and a failed run leaving no file behind (each sink's abort).
 */
import { InputError } from "../util/errors.js";
import { checkWritable } from "../output/atomic.js";
import { CsvSink } from "../output/csv.js";
import { JsonSink } from "../output/json.js";
import { TeeSink, type WaveformSink } from "../output/sink.js";

/** Check `--out` and `--plot` (before anything runs). */
export function checkSweepOutputs(out: string | undefined, plot: string | undefined): void {
  if (out !== undefined && !/\.(csv|json|html?)$/.test(out.toLowerCase())) throw new InputError(`--out: expected a file ending in .csv, .json or .html, got '${out}'`);
  if (out !== undefined) checkWritable(out, "--out");
  if (plot !== undefined) checkWritable(plot, "--plot");
}

/** The sinks of `--out` and `--plot` as one sink; `page(path)` makes the command's HTML page. */
export function sweepSink(out: string | undefined, plot: string | undefined, page: (path: string) => WaveformSink): WaveformSink {
  const ext = out?.toLowerCase() ?? "";
  const sinks: WaveformSink[] = [];
  try {
    if (out !== undefined && /\.html?$/.test(ext)) sinks.push(page(out));
    else sinks.push(ext.endsWith(".json") ? new JsonSink(out!) : new CsvSink(out));
    if (plot !== undefined) sinks.push(page(plot));
  } catch (e) {
    for (const s of sinks) s.abort();
    throw e;
  }
  return sinks.length === 1 ? sinks[0] : new TeeSink(sinks);
}

/** Run `body` into `all`, finishing it, or aborting it (no file left) when the run throws. */
export function runInto<T>(all: WaveformSink, body: () => T): T {
  try {
    const r = body();
    all.finish();
    return r;
  } catch (e) {
    all.abort();
    throw e;
  }
}

/** `--max-points`: a positive integer (`_` separators allowed), `fallback` when not given. */
export function maxPointsOf(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text.replace(/_/g, ""));
  if (!(Number.isInteger(n) && n > 0)) throw new InputError(`--max-points: expected a positive integer, got '${text}'`);
  return n;
}

/**
 * `--probe`: the names as `v(out)`, `i(v1)`, a bare `out` as `v(out)`, lower
 * case (comma-separated or repeated); null when not given. `what` names
 * them in the error for an empty list ("column", "quantity").
 */
export function probesOf(list: string[] | undefined, what: string): string[] | null {
  if (!list) return null;
  const out: string[] = [];
  for (const item of list) {
    for (const raw of item.split(/,(?![^()]*\))/)) {
      const p = raw.trim().toLowerCase();
      if (!p) continue;
      out.push(/^[vi]\(.*\)$/.test(p) ? p : `v(${p})`);
    }
  }
  if (!out.length) throw new InputError(`--probe: no ${what} named`);
  return out;
}
