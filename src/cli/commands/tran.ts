/**
 * `eqspice tran FILE [--tstop T] [--tstep DT] [--integrator auto|odex|trap|bdf2]
 *   [--out FILE] [--format csv|json|raw|raw-ascii] [--plot FILE.html] [--max-rows N]`:
 * transient analysis. The netlist's `.tran TSTEP TSTOP [TSTART [TMAX]] [uic]`
 * supplies defaults; times accept SPICE numbers (1u, 10n). Rows every TSTEP:
 * CSV (header `time,v(node),...,i(source),...`) to stdout or --out, JSON (an
 * object of column arrays), or an ngspice raw file (binary, or ASCII with
 * raw-ascii) that ngspice's `load`, PySpice, spicelib and waveform viewers
 * read. The format comes from --format, else --out's extension (.json,
 * .raw), else CSV. Rows stream to their destination (bounded memory); a run
 * of more than --max-rows rows is refused before it starts. Files are
 * written under a temporary name and renamed on success; an output that
 * cannot be written is reported before the run.
 */
import type { Command } from "commander";
import { InputError } from "../../util/errors.js";
import { parseSpiceNumber } from "../../netlist/numbers.js";
import { loadCircuit, streamTransient } from "../../api.js";
import { resolveTranOptions } from "../../analysis/tran.js";
import { DEFAULT_MAX_ROWS, checkRowCount } from "../../analysis/tran-output.js";
import type { IntegratorChoice } from "../../analysis/integrators/choose.js";
import { checkWritable } from "../../output/atomic.js";
import { CsvSink } from "../../output/csv.js";
import { JsonSink } from "../../output/json.js";
import { RawSink } from "../../output/raw.js";
import { TeeSink, type WaveformSink } from "../../output/sink.js";
import { PlotSink } from "../../plot/waveforms.js";

interface TranFlags {
  tstop?: string;
  tstep?: string;
  integrator: string;
  out?: string;
  format?: string;
  plot?: string;
  maxRows?: string;
  quiet?: boolean;
}

const INTEGRATORS = ["auto", "odex", "trap", "bdf2"];
const FORMATS = ["csv", "json", "raw", "raw-ascii"] as const;
type Format = (typeof FORMATS)[number];

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
    .option("--format <fmt>", "csv | json | raw (ngspice binary raw file) | raw-ascii (default: from --out's extension .json/.raw, else csv)")
    .option("--plot <file.html>", "also write a self-contained HTML plot")
    .option("--max-rows <n>", `refuse a run of more output rows than n (default ${DEFAULT_MAX_ROWS.toLocaleString("en-US")})`)
    .option("--quiet", "no summary on stderr")
    .action((file: string, flags: TranFlags) => run(() => tranCommand(file, flags)));
}

function formatOf(flags: TranFlags): Format {
  if (flags.format !== undefined) {
    const f = flags.format.toLowerCase() as Format;
    if (!FORMATS.includes(f)) throw new InputError(`--format: expected one of ${FORMATS.join(", ")}, got '${flags.format}'`);
    if (f !== "csv" && flags.out === undefined) throw new InputError(`--format ${f} needs --out FILE`);
    return f;
  }
  const ext = flags.out?.toLowerCase() ?? "";
  return ext.endsWith(".json") ? "json" : ext.endsWith(".raw") ? "raw" : "csv";
}

function maxRowsOf(text: string | undefined): number {
  if (text === undefined) return DEFAULT_MAX_ROWS;
  const n = Number(text.replace(/_/g, ""));
  if (!(Number.isInteger(n) && n > 0)) throw new InputError(`--max-rows: expected a positive integer, got '${text}'`);
  return n;
}

function tranCommand(file: string, flags: TranFlags): void {
  if (!INTEGRATORS.includes(flags.integrator)) throw new InputError(`--integrator: expected one of ${INTEGRATORS.join(", ")}, got '${flags.integrator}'`);
  const format = formatOf(flags);
  const maxRows = maxRowsOf(flags.maxRows);
  // Outputs are checked before the run: a missing directory is a message now, not a lost simulation later.
  if (flags.out !== undefined) checkWritable(flags.out, "--out");
  if (flags.plot !== undefined) checkWritable(flags.plot, "--plot");

  const circuit = loadCircuit(file, { forTransient: true });
  const opts = resolveTranOptions(
    circuit.tran,
    {
      tstop: flags.tstop !== undefined ? time("--tstop", flags.tstop) : undefined,
      tstep: flags.tstep !== undefined ? time("--tstep", flags.tstep) : undefined,
      integrator: flags.integrator as IntegratorChoice,
    },
    `${file}: no .tran card: give --tstop and --tstep`,
    circuit.tranError,
  );
  checkRowCount(opts, maxRows, "raise --max-rows");
  for (const w of circuit.warnings) process.stderr.write(`eqspice: warning: ${w}\n`);
  const { tstop } = opts;

  const title = circuit.title || file;
  const sinks: WaveformSink[] = [];
  try {
    sinks.push(
      format === "json" ? new JsonSink(flags.out!) : format === "csv" ? new CsvSink(flags.out) : new RawSink(flags.out!, format === "raw" ? "binary" : "ascii", { title }),
    );
    if (flags.plot !== undefined) sinks.push(new PlotSink(flags.plot, `${title}: transient to ${seconds(tstop)}`));
  } catch (e) {
    for (const s of sinks) s.abort();
    throw e;
  }
  const sink = sinks.length === 1 ? sinks[0] : new TeeSink(sinks);
  const t0 = performance.now();
  let stats;
  try {
    stats = streamTransient(circuit, { ...opts, maxRows }, sink);
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
