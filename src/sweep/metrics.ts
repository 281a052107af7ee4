/**
 * The metrics each run kind reports, and the selection a config keeps.
 *
 *   train:     final trainLoss, testLoss (V^2), trainAccuracy, testAccuracy (0..1),
 *              bestTestAccuracy (0..1) and bestEpoch, epochs, seconds (total
 *              training wall time, s), samplesPerSecond (final epoch)
 *   gradcheck: cosine, relativeError, exactNorm (V^2/S)
 *   op:        v(NODE) (V), i(SOURCE) (A), iterations
 *   tran:      v(NODE), i(SOURCE) at the last time point; max:v(NODE),
 *              min:v(NODE) over the run; steps, rejected, evaluations
 */
import { InputError } from "../util/errors.js";
import type { EpochMetrics } from "../train/trainer.js";
import type { GradcheckResult } from "../train/gradcheck.js";
import type { OpResult } from "../analysis/op.js";
import type { RunKind } from "./keys.js";

export type Metrics = Record<string, number>;

export const TRAIN_METRICS = ["trainLoss", "trainAccuracy", "testLoss", "testAccuracy", "bestTestAccuracy", "bestEpoch", "epochs", "seconds", "samplesPerSecond"];
export const GRADCHECK_METRICS = ["cosine", "relativeError", "exactNorm"];
const SIGNAL = /^(v|i)\(.+\)$/i;
const TRAN_STAT = ["steps", "rejected", "evaluations"];

/** Check a config's metric names for its run kind (signal names are checked when a point runs). */
export function checkMetricNames(run: RunKind, names: string[] | undefined, file: string): void {
  if (!names) return;
  const ok = (m: string): boolean => {
    if (run === "train") return TRAIN_METRICS.includes(m);
    if (run === "gradcheck") return GRADCHECK_METRICS.includes(m);
    if (run === "op") return SIGNAL.test(m) || m === "iterations";
    return SIGNAL.test(m.replace(/^(max|min):/, "")) || TRAN_STAT.includes(m);
  };
  const bad = names.filter((m) => !ok(m));
  if (bad.length) {
    const known = run === "train" ? TRAIN_METRICS.join(", ") : run === "gradcheck" ? GRADCHECK_METRICS.join(", ") : run === "op" ? "v(NODE), i(SOURCE), iterations" : `v(NODE), i(SOURCE), max:v(NODE), min:v(NODE), ${TRAN_STAT.join(", ")}`;
    throw new InputError(`sweep config ${file}: metrics: unknown ${run} metric${bad.length > 1 ? "s" : ""} ${bad.map((b) => JSON.stringify(b)).join(", ")} (known: ${known})`);
  }
}

export function trainMetrics(epochs: EpochMetrics[]): Metrics {
  const last = epochs[epochs.length - 1];
  let best = -1;
  let bestEpoch = 0;
  let seconds = 0;
  for (const e of epochs) {
    seconds += e.seconds;
    if (e.testAccuracy > best) {
      best = e.testAccuracy;
      bestEpoch = e.epoch;
    }
  }
  if (!last) return { epochs: 0, seconds: 0 };
  return {
    trainLoss: last.trainLoss,
    trainAccuracy: last.trainAccuracy,
    testLoss: last.testLoss,
    testAccuracy: last.testAccuracy,
    bestTestAccuracy: best,
    bestEpoch,
    epochs: epochs.length,
    seconds,
    samplesPerSecond: last.samplesPerSecond,
  };
}

export function gradcheckMetrics(r: GradcheckResult): Metrics {
  return { cosine: r.cosine, relativeError: r.relativeError, exactNorm: r.exactNorm };
}

export function opMetrics(r: OpResult): Metrics {
  const m: Metrics = { iterations: r.iterations };
  for (const [n, v] of Object.entries(r.nodes)) m[`v(${n})`] = v;
  for (const [n, v] of Object.entries(r.branches)) m[`i(${n})`] = v;
  return m;
}

/** Keep the selected metrics (signal names case-insensitive); a selected name the run lacks is an error. */
export function selectMetrics(all: Metrics, names: string[] | undefined): Metrics {
  if (!names) return all;
  const lower = new Map(Object.keys(all).map((k) => [k.toLowerCase(), k]));
  const out: Metrics = {};
  for (const n of names) {
    const k = Object.hasOwn(all, n) ? n : lower.get(n.toLowerCase());
    if (k === undefined) {
      const avail = Object.keys(all);
      throw new InputError(`no metric ${n} in this run (available: ${avail.slice(0, 12).join(", ")}${avail.length > 12 ? ", ..." : ""})`);
    }
    out[n] = all[k]!;
  }
  return out;
}
