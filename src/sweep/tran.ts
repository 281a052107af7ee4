/**
 * A `tran` sweep point: the library's transient analysis (analysis/tran.ts)
 * with times from the point's keys (tstop, tstep, tmax: s; uic; integrator)
 * or else the netlist's `.tran` card, summarised as metrics: every column's
 * value at the last output time (v(NODE) in V, i(SOURCE) in A), its extremes
 * over the run (max:v(NODE), min:v(NODE)), and the integrator's step counts.
 */
import { resolveTranOptions, transient } from "../analysis/tran.js";
import type { IntegratorChoice } from "../analysis/integrators/choose.js";
import { buildCircuit } from "../circuit/build.js";
import { readAnnotations } from "../netlist/annotations.js";
import { elaborate } from "../netlist/elaborate.js";
import { parseNetlistFile } from "../netlist/parser.js";
import type { Flat } from "./config.js";
import type { Metrics } from "./metrics.js";

/** Last value, minimum and maximum of every column but time. */
class SummarySink {
  names: string[] = [];
  last = new Float64Array(0);
  min = new Float64Array(0);
  max = new Float64Array(0);
  begin(columns: string[]): void {
    this.names = columns;
    this.last = new Float64Array(columns.length);
    this.min = new Float64Array(columns.length).fill(Infinity);
    this.max = new Float64Array(columns.length).fill(-Infinity);
  }
  row(values: Float64Array): void {
    this.last.set(values);
    for (let k = 0; k < values.length; k++) {
      if (values[k]! < this.min[k]!) this.min[k] = values[k]!;
      if (values[k]! > this.max[k]!) this.max[k] = values[k]!;
    }
  }
}

export function runTranPoint(netlist: string, v: Flat): Metrics {
  const net = parseNetlistFile(netlist);
  const el = elaborate(net);
  const opts = resolveTranOptions(
    el.tran,
    {
      tstop: v.tstop as number | undefined,
      tstep: v.tstep as number | undefined,
      tmax: v.tmax as number | undefined,
      uic: v.uic as boolean | undefined,
      integrator: v.integrator as IntegratorChoice | undefined,
    },
    `${netlist}: no .tran card: set tstop and tstep (s) in the sweep config`,
    el.tranError,
  );
  const circuit = buildCircuit(el, readAnnotations(net), { allowFloating: opts.uic });
  const sink = new SummarySink();
  const stats = transient(circuit, opts, sink);
  const m: Metrics = { steps: stats.steps, rejected: stats.rejected, evaluations: stats.evaluations };
  sink.names.forEach((n, k) => {
    if (n === "time") return;
    m[n] = sink.last[k]!;
    m[`max:${n}`] = sink.max[k]!;
    m[`min:${n}`] = sink.min[k]!;
  });
  return m;
}
