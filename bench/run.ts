/**
 * Benchmark dispatcher.
 *
 *   npm run bench                     # build, then all sections
 *   node dist/bench/run.js op --reps 5 --sizes 4-8-2,784-100-10
 *   node dist/bench/run.js all
 *   node dist/bench/run.js list
 *
 * Each section is a module bench/<name>.ts exporting
 *   export const description: string;
 *   export async function run(argv: string[]): Promise<void>;
 * To add one, write the module and add a line to SECTIONS below. Sections
 * not written yet are listed with `undefined` and skipped with a notice.
 * Shared helpers (timing, peak RSS, ngspice, tables) are in bench/common.ts;
 * benchmark netlists come from bench/gen.ts.
 */
import { pathToFileURL } from "node:url";

interface Section {
  description: string;
  run(argv: string[]): Promise<void>;
}

const SECTIONS: Record<string, (() => Promise<Section>) | undefined> = {
  op: () => import("./op.js"),
  tran: () => import("./tran.js"),
  train: () => import("./train.js"),
  sweep: () => import("./sweep.js"),
};

function usage(): string {
  const names = Object.keys(SECTIONS);
  return `usage: node dist/bench/run.js [${[...names, "all", "list"].join("|")}] [section options]\n  default: all`;
}

export async function main(argv: string[]): Promise<number> {
  const first = argv[0];
  const section = first === undefined || first.startsWith("--") ? "all" : first;
  const rest = first === undefined || first.startsWith("--") ? argv : argv.slice(1);
  if (section === "-h" || section === "help") {
    console.log(usage());
    return 0;
  }
  if (section === "list") {
    for (const [name, load] of Object.entries(SECTIONS)) {
      console.log(`${name.padEnd(6)} ${load ? (await load()).description : "(not implemented yet)"}`);
    }
    return 0;
  }
  const names = section === "all" ? Object.keys(SECTIONS) : [section];
  let failed = 0;
  for (const name of names) {
    if (!(name in SECTIONS)) {
      console.error(`unknown benchmark section "${name}"\n${usage()}`);
      return 2;
    }
    const load = SECTIONS[name];
    if (!load) {
      console.log(`== ${name}: not implemented yet, skipped`);
      continue;
    }
    try {
      await (await load()).run(rest);
    } catch (e) {
      failed++;
      console.error(`benchmark section ${name} failed: ${(e as Error).stack ?? String(e)}`);
    }
    console.log("");
  }
  return failed ? 1 : 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
