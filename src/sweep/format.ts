/**
 * How sweep outputs show metric values to people (progress lines,
 * sweep.html). Stored results (results.jsonl, results.csv) keep the raw
 * values: accuracies as fractions 0..1, losses in V^2.
 *
 *  - accuracies (metrics named ...Accuracy) are shown in percent, as
 *    training.html and `eqspice train` show them;
 *  - numbers get enough digits to tell values near 1 apart: a cosine of
 *    0.99999 prints as 0.99999, not 1.000.
 */

/** True for metrics holding a fraction of correct answers (shown in percent). */
export function isAccuracy(metric: string): boolean {
  return /accuracy$/i.test(metric);
}

const UNITS: Record<string, string> = { trainLoss: "V²", testLoss: "V²", seconds: "s", exactNorm: "V²/S", samplesPerSecond: "1/s" };

/** The unit a metric is shown in: "%" for accuracies, V for v(...), A for i(...), ... ("" when none). */
export function unitOf(metric: string): string {
  if (isAccuracy(metric)) return "%";
  const base = metric.replace(/^(max|min):/, "");
  if (/^v\(/i.test(base)) return "V";
  if (/^i\(/i.test(base)) return "A";
  return UNITS[metric] ?? "";
}

/** Axis or column title: `testAccuracy (%)`, `trainLoss (V²)`, `cosine`. */
export function metricTitle(metric: string): string {
  const u = unitOf(metric);
  return u ? `${metric} (${u})` : metric;
}

/** The value as shown: accuracies times 100. */
export function shownValue(metric: string, v: number): number {
  return isAccuracy(metric) ? 100 * v : v;
}

/** Significant digits that keep v distinct from 1 (and from its neighbours near 1): at least `min`. */
function digitsFor(v: number, min: number): number {
  const a = Math.abs(v);
  if (!Number.isFinite(a) || a === 0) return min;
  const gap = Math.abs(1 - a);
  if (gap > 0 && gap < 0.1) return Math.min(15, Math.max(min, Math.ceil(-Math.log10(gap)) + 2));
  return min;
}

/** A number with trailing zeros of its fraction trimmed (1.2300e-5 -> 1.23e-5, 0.99990 -> 0.9999). */
function trim(s: string): string {
  return s.replace(/(\.\d*?)0+(e|$)/, "$1$2").replace(/\.(e|$)/, "$1");
}

/** A number for people: integers as they are, others with 4 significant digits, more near 1. */
export function fmtValue(v: number, min = 4): string {
  if (Number.isInteger(v)) return String(v);
  if (!Number.isFinite(v)) return String(v);
  return trim(v.toPrecision(digitsFor(v, min)));
}

/** A metric for people: `testAccuracy=96.67%`, `cosine=0.99999`, `trainLoss=1.234e-4`. */
export function fmtMetric(metric: string, v: number): string {
  if (isAccuracy(metric)) return `${metric}=${fmtValue(100 * v, 4)}%`;
  return `${metric}=${fmtValue(v)}`;
}

/**
 * Fewest significant digits (>= min, <= 15) that print every distinct value
 * of `values` distinctly, e.g. for heatmap cells of 0.99999 and 1.
 */
export function distinctDigits(values: number[], min = 3): number {
  // values equal but for rounding (means of the same numbers in another order) count once
  const vs = [...new Set(values.filter((v) => Number.isFinite(v)).map((v) => Number(v.toPrecision(12))))];
  for (let p = min; p < 15; p++) if (new Set(vs.map((v) => v.toPrecision(p))).size === vs.length) return p;
  return 15;
}
