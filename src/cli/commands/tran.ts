/**
 * `eqspice tran FILE [--tstop T] [--tstep DT] [--integrator auto|odex|trap|bdf2]
 *   [--out FILE] [--format csv|json] [--plot FILE.html]`: transient analysis.
 * The netlist's `.tran TSTEP TSTOP [TSTART [TMAX]] [uic]` supplies defaults;
 * times accept SPICE numbers (1u, 10n). Rows every TSTEP: CSV (header
 * `time,v(node),...,i(source),...`) to stdout or --out, or JSON (an object of
 * column arrays) with --format json or an --out ending in .json. Files are
 * written under a temporary name and renamed on success.
 */
import type { Command } from "commander";
import { parseNetlistFile } from "../../netlist/parser.js";
import { elaborate } from "../../netlist/elaborate.js";
import { readAnnotations } from "../../netlist/annotations.js";
import { parseSpiceNumber } from "../../netlist/numbers.js";
import { InputError } from "../../netlist/errors.js";
import { buildCircuit } from "../../circuit/build.js";
import { resolveTranOptions, transient } from "../../analysis/tran.js";
import type { IntegratorChoice } from "../../analysis/integrators/choose.js";
import { CsvSink } from "../../output/csv.js";
import { JsonSink } from "../../output/json.js";
import { TeeSink, type WaveformSink } from "../../output/sink.js";
import { PlotSink } from "../../plot/waveforms.js";

interface TranFlags {
  tstop?: string;
  tstep?: string;
  integrator: string;
  out?: string;
  format?: string;
  plot?: string;
  quiet?: boolean;
}

const INTEGRATORS = ["auto", "odex", "trap", "bdf2"];

/** A time with an SI prefix: 2e-6 -> "2 us". */
function seconds(t: number): string {
  for (const [f, p] of [[1, ""], [1e-3, "m"], [1e-6, "u"], [1e-9, "n"], [1e-12, "p"]] as const) {
    if (Math.abs(t) >= f) return `${Number((t / f).toPrecision(6))} ${p}s`;
  }
  return `${t} s`;
}

function time(flag: string, text: string): number {
  const v = parseSpiceNumber(text.trim());
  if (!(v > 0) || !Number.isFinite(v)) throw new InputError(`${flag}: expected a positive time in seconds (e.g. 10u), got '${text}'`);
  return v;
}

export function registerTran(program: Command, run: (fn: () => Promise<void> | void) => Promise<void>): void {
  program
    .command("tran")
    .description("transient analysis: node voltages and source currents in time (CSV or JSON, optional HTML plot)")
    .argument("<file>", "SPICE netlist")
    .option("--tstop <T>", "end time (s; default: the .tran card)")
    .option("--tstep <DT>", "output interval (s; default: the .tran card)")
    .option("--integrator <name>", "auto | odex | trap | bdf2", "auto")
    .option("--out <file>", "write the waveforms to a file (default: CSV on stdout)")
    .option("--format <fmt>", "csv | json (default: from --out's extension, else csv)")
    .option("--plot <file.html>", "also write a self-contained HTML plot")
    .option("--quiet", "no summary on stderr")
    .action((file: string, flags: TranFlags) => run(() => tranCommand(file, flags)));
}

function tranCommand(file: string, flags: TranFlags): void {
  if (!INTEGRATORS.includes(flags.integrator)) throw new InputError(`--integrator: expected one of ${INTEGRATORS.join(", ")}, got '${flags.integrator}'`);
  const format = flags.format ?? (flags.out?.toLowerCase().endsWith(".json") ? "json" : "csv");
  if (format !== "csv" && format !== "json") throw new InputError(`--format: expected csv or json, got '${flags.format}'`);
  if (format === "json" && flags.out === undefined) throw new InputError("--format json needs --out FILE");

  const net = parseNetlistFile(file);
  const el = elaborate(net);
  const opts = resolveTranOptions(
    el.tran,
    {
      tstop: flags.tstop !== undefined ? time("--tstop", flags.tstop) : undefined,
      tstep: flags.tstep !== undefined ? time("--tstep", flags.tstep) : undefined,
      integrator: flags.integrator as IntegratorChoice,
    },
    `${file}: no .tran card: give --tstop and --tstep`,
  );
  const { tstop, uic } = opts;
  const circuit = buildCircuit(el, readAnnotations(net), { allowFloating: uic });
  for (const w of circuit.warnings) process.stderr.write(`eqspice: warning: ${w}\n`);

  const sinks: WaveformSink[] = [format === "json" ? new JsonSink(flags.out!) : new CsvSink(flags.out)];
  if (flags.plot !== undefined) sinks.push(new PlotSink(flags.plot, `${circuit.title || file}: transient to ${seconds(tstop)}`));
  const sink = sinks.length === 1 ? sinks[0] : new TeeSink(sinks);
  const t0 = performance.now();
  let stats;
  try {
    stats = transient(circuit, opts, sink);
    sink.finish();
  } catch (e) {
    sink.abort();
    throw e;
  }
  if (!flags.quiet) {
    const what = stats.integrator === "odex" ? "right-hand-side evaluations" : "Newton iterations";
    process.stderr.write(
      `tran: ${stats.rows} rows to ${seconds(tstop)}, ${stats.integrator}: ${stats.steps} steps (${stats.rejected} rejected), ` +
        `${stats.evaluations} ${what}, ${((performance.now() - t0) / 1000).toFixed(3)} s\n`,
    );
  }
}
