/**
 * Benchmark section "tran": transient analysis of the layered benchmark
 * networks (circuits/layered.ts, as bench/gen.ts builds them) with a 1 pF
 * capacitor (explicit C element) on every hidden and output node, over
 * 2 us with output every 10 ns, eqspice against ngspice, each timed as a
 * whole process the way a user runs it, both writing every vector:
 *
 *   eqspice:  node dist/src/cli/main.js tran FILE --out eq.csv
 *   ngspice:  ngspice -b DECK   (the same netlist; .control: tran 10n 2u [uic], wrdata all)
 *
 * Two starts: "op" (from the operating point, as .tran does by default)
 * and "uic" (every node at 0 V: the hidden layer relaxes through its
 * capacitors). Both simulators run at their default tolerances (reltol
 * 1e-3). Reports the median wall time over --reps runs, the ratio
 * ngspice/eqspice (> 1: eqspice faster), the steps / Newton iterations of
 * each, and max |dV| between the two waveforms over all nodes and output
 * times (ngspice's points interpolated linearly onto eqspice's).
 *
 * Options: --reps N (1)  --sizes 4-8-2,784-100-10 (all)  --start op|uic|both (both)
 *          --timeout SECONDS (900 per run)  --cli PATH (default dist/src/cli/main.js)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { buildLayered } from "../circuits/index.js";
import { BENCH_SIZES, benchInputs } from "./gen.js";
import { EQSPICE_CLI, OUT_DIR, ROOT, failure, fmtSec, haveNgspice, intFlag, median, parseFlags, printTable, resolveFromRoot, runTimed } from "./common.js";

export const description = "transient (.tran 10n 2u, 1 pF nodes, op and uic starts): eqspice `tran` vs `ngspice -b`, wall time, max |dV|";

const TSTEP = "10n";
const TSTOP = "2u";

interface Net {
  name: string;
  start: "op" | "uic";
  /** netlist for eqspice (.tran card) */
  file: string;
  /** deck for ngspice (.control block writing all vectors to `ngData`) */
  deck: string;
  ngData: string;
  eqData: string;
  elements: number;
}

function writeNets(layers: number[], starts: Array<"op" | "uic">): Net[] {
  mkdirSync(OUT_DIR, { recursive: true });
  const name = layers.join("-");
  const c = buildLayered({
    layers,
    seed: 1,
    inputs: benchInputs(layers[0]!, 1000 + layers[0]!),
    cnode: 1e-12,
    title: `eqspice benchmark: layered network ${name} (seed 1, random inputs in [-1, 1] V), 1 pF on hidden and output nodes`,
  });
  const elements = c.text.split("\n").filter((l) => /^[A-Za-z]/.test(l)).length;
  return starts.map((start) => {
    const base = join(OUT_DIR, `tran-${name}${start === "uic" ? "-uic" : ""}`);
    const uic = start === "uic" ? " uic" : "";
    const file = `${base}.cir`;
    const deck = `${base}.ng.cir`;
    const ngData = `${base}.ng.dat`;
    writeFileSync(file, c.text.replace(/^\.op$/m, `.tran ${TSTEP} ${TSTOP}${uic}`));
    const ctl = [".control", "set wr_singlescale", "set wr_vecnames", "set numdgt=15", `tran ${TSTEP} ${TSTOP}${uic}`, `wrdata ${ngData} all`, "rusage all", "quit 0", ".endc"].join("\n");
    writeFileSync(deck, c.text.replace(/^\.op$/m, ctl));
    return { name, start, file, deck, ngData, eqData: `${base}.eq.csv`, elements };
  });
}

/** Columns of a whitespace table with a header line (ngspice wrdata), or of a CSV (eqspice). */
function readTable(path: string, sep: RegExp): { names: string[]; cols: Float64Array[] } {
  const lines = readFileSync(path, "utf8").split("\n").filter((l) => l.trim() !== "");
  const names = lines[0]!.trim().split(sep).map((s) => s.toLowerCase());
  const cols = names.map(() => new Float64Array(lines.length - 1));
  for (let i = 1; i < lines.length; i++) {
    const v = lines[i]!.trim().split(sep);
    for (let j = 0; j < names.length; j++) cols[j]![i - 1] = Number(v[j]);
  }
  return { names, cols };
}

function interp(xs: Float64Array, ys: Float64Array, x: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  if (x <= xs[0]!) return ys[0]!;
  if (x >= xs[hi]!) return ys[hi]!;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= x) lo = mid;
    else hi = mid;
  }
  return ys[lo]! + ((ys[hi]! - ys[lo]!) * (x - xs[lo]!)) / (xs[hi]! - xs[lo]!);
}

/** max |dV| over every node both wrote, at eqspice's times not before ngspice's first. */
function compare(net: Net): string {
  const ng = readTable(net.ngData, /\s+/);
  const eq = readTable(net.eqData, /,/);
  const t = eq.cols[0]!;
  const tn = ng.cols[0]!;
  let worst = 0;
  let node = "";
  let n = 0;
  ng.names.forEach((nm, j) => {
    if (j === 0 || nm.includes("#")) return;
    const key = nm.startsWith("v(") ? nm : `v(${nm})`;
    const k = eq.names.indexOf(key);
    if (k < 0) return;
    n++;
    const ys = ng.cols[j]!;
    const ye = eq.cols[k]!;
    for (let i = 0; i < t.length; i++) {
      if (t[i]! < tn[0]!) continue;
      const d = Math.abs(ye[i]! - interp(tn, ys, t[i]!));
      if (!(d <= worst)) {
        worst = d;
        node = key;
      }
    }
  });
  return n ? `${worst.toExponential(2)} V (${n} nodes${worst > 0 ? `, worst ${node}` : ""})` : "no common nodes";
}

export async function run(argv: string[]): Promise<void> {
  const f = parseFlags(argv);
  const reps = intFlag(f, "reps", 1);
  const timeoutMs = intFlag(f, "timeout", 900) * 1000;
  const want = typeof f.sizes === "string" ? f.sizes.split(",").map((s) => s.trim()) : undefined;
  const sizes = want ? BENCH_SIZES.filter((l) => want.includes(l.join("-"))) : BENCH_SIZES;
  if (want && sizes.length !== want.length) throw new Error(`--sizes: unknown size in ${want.join(",")}; known: ${BENCH_SIZES.map((l) => l.join("-")).join(", ")}`);
  const startFlag = typeof f.start === "string" ? f.start : "both";
  if (!["op", "uic", "both"].includes(startFlag)) throw new Error(`--start: op, uic or both, got ${startFlag}`);
  const starts: Array<"op" | "uic"> = startFlag === "both" ? ["op", "uic"] : [startFlag as "op" | "uic"];
  const cli = typeof f.cli === "string" ? resolveFromRoot(f.cli) : EQSPICE_CLI;
  const ng = haveNgspice();
  const ngVersion = ng ? (/ngspice-\S+/.exec(spawnSync("ngspice", ["-v"], { encoding: "utf8" }).stdout)?.[0] ?? "ngspice") : "ngspice missing";

  console.log(`== tran: .tran ${TSTEP} ${TSTOP}, 1 pF on every hidden/output node, default tolerances, ${reps} rep(s), median wall time of the whole process`);
  console.log(`   ${ngVersion}, node ${process.version}, ${cpus().length} CPU(s) (${cpus()[0]?.model.trim() ?? "?"}); netlists in bench/out/tran-*.cir`);
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const layers of sizes) {
    for (const net of writeNets(layers, starts)) {
      process.stderr.write(`tran ${net.name} ${net.start}: `);
      const ngT: number[] = [];
      const eqT: number[] = [];
      let ngErr = ng ? undefined : "ngspice not found";
      let eqErr = existsSync(cli) ? undefined : `eqspice CLI not built (${cli.replace(ROOT + "/", "")} missing; npm run build)`;
      let ngInfo = "";
      let eqInfo = "";
      for (let k = 0; k < reps; k++) {
        if (!ngErr) {
          const r = await runTimed("ngspice", ["-b", net.deck], { timeoutMs });
          const why = failure(r) ?? (/^\s*error|singular matrix|timestep too small/im.test(r.stdout + r.stderr) ? "ngspice reported an error" : undefined);
          if (why) ngErr = why;
          else {
            ngT.push(r.wall);
            const tp = /Transient timepoints\s*=\s*(\d+)/.exec(r.stdout)?.[1];
            const it = /Transient iterations\s*=\s*(\d+)/.exec(r.stdout)?.[1];
            ngInfo = `${tp ?? "?"} pts, ${it ?? "?"} it`;
          }
          process.stderr.write("n");
        }
        if (!eqErr) {
          const r = await runTimed(process.execPath, [cli, "tran", net.file, "--out", net.eqData], { timeoutMs });
          const why = failure(r);
          if (why) eqErr = why;
          else {
            eqT.push(r.wall);
            const m = /(\w+): (\d+) steps \((\d+) rejected\), (\d+)/.exec(r.stderr);
            eqInfo = m ? `${m[1]} ${m[2]} steps, ${m[4]} it` : "";
          }
          process.stderr.write("e");
        }
      }
      process.stderr.write("\n");
      const tn = median(ngT);
      const te = median(eqT);
      let dv = "-";
      if (!ngErr && !eqErr) {
        try {
          dv = compare(net);
        } catch (e) {
          dv = `compare failed: ${(e as Error).message}`;
        }
      }
      rows.push([
        net.name,
        net.start,
        String(net.elements),
        ngErr ? "ERR" : fmtSec(tn),
        eqErr ? "ERR" : fmtSec(te),
        Number.isFinite(tn) && Number.isFinite(te) ? `${(tn / te).toFixed(1)}x` : "-",
        ngInfo || "-",
        eqInfo || "-",
        dv,
      ]);
      if (ngErr) notes.push(`${net.name} ${net.start} ngspice: ${ngErr}`);
      if (eqErr) notes.push(`${net.name} ${net.start} eqspice: ${eqErr}`);
    }
  }
  console.log("");
  printTable(["network", "start", "elements", "ngspice", "eqspice", "ngspice/eqspice", "ngspice steps", "eqspice steps", "max |dV| eqspice vs ngspice"], rows);
  if (notes.length) {
    console.log("");
    for (const n of notes) console.log(`  ERR ${n}`);
  }
}
