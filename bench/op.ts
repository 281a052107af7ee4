/**
 * Benchmark section "op": DC operating point of the layered benchmark
 * networks, eqspice against ngspice, each timed as a whole process the way a
 * user runs it:
 *
 *   eqspice:  node dist/src/cli/main.js op FILE --json
 *   ngspice:  ngspice -b FILE          (the same netlist: plain SPICE with .op only)
 *
 * Reports the median wall time over --reps runs, the ratio ngspice/eqspice
 * (> 1: eqspice faster), the peak RSS of each process, and max |dV| between
 * eqspice's JSON voltages and ngspice's (from a separate, untimed ngspice run
 * that prints every node voltage at full precision). An eqspice failure
 * (missing CLI, non-zero exit, unparsable JSON) is shown in its row and the
 * benchmark continues.
 *
 * Also the other shapes of gen.ts (17-digit values, a 100k chain, a 200x200
 * grid), so the ratio is not only measured on the builder's own format.
 *
 * Options: --reps N (3)  --sizes 4-8-2,784-100-10,chain-100k (all)  --timeout SECONDS (600 per run)
 *          --cli PATH (eqspice CLI script run with node; default dist/src/cli/main.js)
 *          --before PATH (a second eqspice CLI, e.g. a build from before a change, timed
 *          beside it: adds its time and the ratio before/after)
 *          --cpu (also the median user+system CPU time of each process, from GNU time:
 *          on a loaded machine it varies much less than the wall time; implied by --before)
 *
 * The non-reciprocal LU shapes of gen.ts (amp-grid-WxW, amp-rgrid-WxW) run only when named
 * in --sizes, e.g. `--sizes amp-grid-30x30,amp-grid-60x60 --before OLD/main.js`.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { BENCH_SIZES, LU_SHAPES, SHAPES, generateBench, generateShapes } from "./gen.js";
import {
  EQSPICE_CLI,
  ROOT,
  failure,
  fmtMB,
  fmtSec,
  haveGnuTime,
  haveNgspice,
  intFlag,
  maxAbsDiff,
  median,
  parseFlags,
  parsePrintAll,
  parseRusage,
  printTable,
  resolveFromRoot,
  runTimed,
  voltagesFromJson,
  withPrintAll,
} from "./common.js";

export const description = "DC operating point (.op): eqspice `op --json` vs `ngspice -b`, wall time, peak RSS, max |dV|";

interface Side {
  walls: number[];
  rss: number[];
  cpus: number[];
  error?: string;
}

export async function run(argv: string[]): Promise<void> {
  const f = parseFlags(argv);
  const reps = intFlag(f, "reps", 3);
  const timeoutMs = intFlag(f, "timeout", 600) * 1000;
  const want = typeof f.sizes === "string" ? f.sizes.split(",").map((s) => s.trim()) : undefined;
  const sizes = want ? BENCH_SIZES.filter((l) => want.includes(l.join("-"))) : BENCH_SIZES;
  const shapes = want ? want.filter((s) => SHAPES.includes(s) || /^amp-r?grid-\d+x\d+$/.test(s)) : SHAPES;
  if (want && sizes.length + shapes.length !== want.length) {
    throw new Error(`--sizes: unknown size in ${want.join(",")}; known: ${[...BENCH_SIZES.map((l) => l.join("-")), ...SHAPES, ...LU_SHAPES].join(", ")} (amp-grid-WxW and amp-rgrid-WxW for any W)`);
  }

  const nets = [...generateBench(undefined, sizes), ...generateShapes(undefined, shapes)];
  const ng = haveNgspice();
  const ngVersion = ng ? (/ngspice-\S+/.exec(spawnSync("ngspice", ["-v"], { encoding: "utf8" }).stdout)?.[0] ?? "ngspice") : "ngspice missing";
  const cli = typeof f.cli === "string" ? resolveFromRoot(f.cli) : EQSPICE_CLI;
  const cliMissing = existsSync(cli) ? undefined : `eqspice CLI not built (${cli.replace(ROOT + "/", "")} missing; npm run build)`;
  const before = typeof f.before === "string" ? resolveFromRoot(f.before) : undefined;
  if (before && !existsSync(before)) throw new Error(`--before: ${before} does not exist`);
  const showCpu = before !== undefined || f.cpu === true;

  console.log(`== op: DC operating point, ${reps} rep(s) per tool, median wall time of the whole process`);
  console.log(`   ${ngVersion}, node ${process.version}, ${cpus().length} CPU(s) (${cpus()[0]?.model.trim() ?? "?"})`);
  console.log(`   peak RSS via ${haveGnuTime() ? "/usr/bin/time -f %M" : "/proc/PID/status VmHWM polling"}; netlists in bench/out/`);

  const rows: string[][] = [];
  const notes: string[] = [];
  let big: { wall: number[]; rusage: Record<string, number> } | undefined;

  for (const net of nets) {
    process.stderr.write(`op ${net.name}: `);
    const ngs: Side = { walls: [], rss: [], cpus: [] };
    const eqs: Side = { walls: [], rss: [], cpus: [] };
    const old: Side = { walls: [], rss: [], cpus: [] };
    let ref: Map<string, number> | undefined;
    let rusage: Record<string, number> = {};

    // untimed reference run: all node voltages at full precision + ngspice's own timing breakdown
    if (!ng) ngs.error = "ngspice not found";
    else {
      const printFile = net.file.replace(/\.cir$/, ".print.cir");
      writeFileSync(printFile, withPrintAll(readFileSync(net.file, "utf8")));
      const r = await runTimed("ngspice", ["-b", printFile], { timeoutMs });
      const why = failure(r);
      if (why) ngs.error = `reference run: ${why}`;
      else {
        ref = parsePrintAll(r.stdout);
        rusage = parseRusage(r.stdout);
        if (ref.size === 0) ngs.error = "reference run printed no voltages";
      }
      process.stderr.write("ref ");
    }

    let eqOut: string | undefined;
    if (cliMissing) eqs.error = cliMissing;
    for (let k = 0; k < reps; k++) {
      if (!ngs.error) {
        const r = await runTimed("ngspice", ["-b", net.file], { timeoutMs });
        const why = failure(r) ?? (/^\s*(error|.*singular matrix|.*no convergence)/im.test(r.stdout + r.stderr) ? "ngspice reported an error" : undefined);
        if (why) ngs.error = why;
        else {
          ngs.walls.push(r.wall);
          ngs.rss.push(r.rss);
          ngs.cpus.push(r.cpu);
        }
        process.stderr.write("n");
      }
      if (!eqs.error) {
        const r = await runTimed(process.execPath, [cli, "op", net.file, "--json"], { timeoutMs });
        const why = failure(r);
        if (why) eqs.error = why;
        else {
          eqs.walls.push(r.wall);
          eqs.rss.push(r.rss);
          eqs.cpus.push(r.cpu);
          eqOut ??= r.stdout;
        }
        process.stderr.write("e");
      }
      if (before && !old.error) {
        const r = await runTimed(process.execPath, [before, "op", net.file, "--json"], { timeoutMs });
        const why = failure(r);
        if (why) old.error = why;
        else {
          old.walls.push(r.wall);
          old.rss.push(r.rss);
          old.cpus.push(r.cpu);
        }
        process.stderr.write("b");
      }
    }
    process.stderr.write("\n");

    let dv = "-";
    if (eqOut !== undefined && !eqs.error) {
      try {
        const v = voltagesFromJson(eqOut);
        if (!ref) dv = "no ngspice reference";
        else {
          const d = maxAbsDiff(v, ref);
          dv = d.n === 0 ? `no common nodes (eqspice gave ${v.size})` : `${d.max.toExponential(2)} V (${d.n}/${ref.size} nodes${d.max > 0 ? `, worst ${d.worst}` : ""})`;
        }
      } catch (e) {
        const head = JSON.stringify(eqOut.trim().slice(0, 40));
        eqs.error = `bad JSON output (${(e as Error).message.split("\n")[0]}); stdout begins ${head}`;
        eqs.walls = [];
      }
    }

    const ngT = median(ngs.walls);
    const eqT = median(eqs.walls);
    const oldT = median(old.walls);
    const cell = (s: Side, t: number): string => (s.error ? "ERR" : fmtSec(t));
    const ratio = (a: number, b: number): string => (Number.isFinite(a) && Number.isFinite(b) ? `${(a / b).toFixed(2)}x` : "-");
    rows.push([
      net.name,
      String(net.elements),
      cell(ngs, ngT),
      cell(eqs, eqT),
      ratio(ngT, eqT),
      ...(before ? [cell(old, oldT), ratio(oldT, eqT), ratio(ngT, oldT)] : []),
      ...(showCpu
        ? [cell(ngs, median(ngs.cpus)), cell(eqs, median(eqs.cpus)), ratio(median(ngs.cpus), median(eqs.cpus))]
        : []),
      ...(showCpu && before ? [cell(old, median(old.cpus)), ratio(median(old.cpus), median(eqs.cpus))] : []),
      ngs.error ? "-" : fmtMB(median(ngs.rss)),
      eqs.error ? "-" : fmtMB(median(eqs.rss)),
      dv,
    ]);
    if (ngs.error) notes.push(`${net.name} ngspice: ${ngs.error}`);
    if (eqs.error) notes.push(`${net.name} eqspice: ${eqs.error}`);
    if (old.error) notes.push(`${net.name} eqspice --before: ${old.error}`);
    if (net.name === "784-100-10" && ngs.walls.length) big = { wall: ngs.walls, rusage };
  }

  console.log("");
  const beforeCols = before ? ["eqspice before", "before/eqspice", "ngspice/before"] : [];
  const cpuCols = showCpu ? ["ngspice CPU", "eqspice CPU", "ngspice/eqspice CPU", ...(before ? ["before CPU", "before/eqspice CPU"] : [])] : [];
  printTable(["network", "elements", "ngspice", "eqspice", "ngspice/eqspice", ...beforeCols, ...cpuCols, "ngspice RSS", "eqspice RSS", "max |dV| eqspice vs ngspice"], rows);
  if (before) console.log(`   before: ${before.replace(ROOT + "/", "")}`);
  if (notes.length) {
    console.log("");
    for (const n of notes) console.log(`  ERR ${n}`);
  }
  if (big) {
    const r = big.rusage;
    const g = (k: string): string => (r[k] !== undefined ? String(r[k]) : "?");
    console.log("");
    console.log(`ngspice 784-100-10 .op: median ${fmtSec(median(big.wall))} wall (runs: ${big.wall.map((w) => w.toFixed(2)).join(", ")} s)`);
    console.log(
      `  ngspice rusage: netlist loading ${g("Netlist loading time")} s, subckt/param expansion ${g("Subckt and Param expansion time")} s, parsing ${g("Netlist parsing time")} s, ` +
        `analysis ${g("Total analysis time (seconds)")} s (matrix reorder ${g("Matrix reorder time")} s, load ${g("Matrix load time")} s, factor ${g("Matrix factor time")} s), ` +
        `${g("Total iterations")} Newton iterations, ${g("Circuit Equations")} equations`,
    );
  }
}
