/** results.csv and sweep.html of a set of result rows, written atomically into a directory. */
import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic.js";
import { writePlotHtml } from "../plot/html.js";
import { axisNames, metricNames, resultsCsv } from "./csv.js";
import { sweepFigures } from "./plot.js";
import type { ResultRow } from "./results.js";

export interface ReportMeta {
  title: string;
  /** Swept keys (derived from the rows when omitted). */
  axes?: string[] | null;
  /** Metrics to show (all the rows have when omitted). */
  metrics?: string[] | null;
}

export function writeReports(dir: string, rows: ResultRow[], meta: ReportMeta): void {
  const axes = axisNames(rows, meta.axes);
  const metrics = metricNames(rows, meta.metrics);
  writeFileAtomic(join(dir, "results.csv"), resultsCsv(rows, axes, metrics));
  const ok = rows.filter((r) => r.status === "ok");
  const failed = rows.length - ok.length;
  const title = `sweep ${meta.title}: ${ok.length} points${failed ? `, ${failed} failed` : ""}`;
  writePlotHtml(join(dir, "sweep.html"), { title, figures: sweepFigures(ok, axes, metrics) });
}
