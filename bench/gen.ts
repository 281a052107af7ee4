/**
 * Writes the benchmark netlists into bench/out/ (gitignored):
 *   op-4-8-2.cir, op-20-50-10.cir, op-100-200-10.cir, op-784-100-10.cir
 * Kendall-style layered networks (circuits/layered.ts, default options,
 * network seed 1) with seeded random nonzero DC inputs in [-1, 1] V.
 *
 *   node dist/bench/gen.js [--out DIR]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildLayered, mulberry32 } from "../circuits/index.js";
import { OUT_DIR, parseFlags, resolveFromRoot } from "./common.js";

export const BENCH_SIZES: number[][] = [
  [4, 8, 2],
  [20, 50, 10],
  [100, 200, 10],
  [784, 100, 10],
];

export interface BenchNetlist {
  /** e.g. "4-8-2" */
  name: string;
  layers: number[];
  file: string;
  /** number of element lines */
  elements: number;
}

/** seeded inputs, uniform in [-1, 1] with |x| >= 0.01 (nonzero) */
export function benchInputs(n: number, seed: number): number[] {
  const rng = mulberry32(seed);
  const xs: number[] = [];
  while (xs.length < n) {
    const x = 2 * rng() - 1;
    if (Math.abs(x) >= 0.01) xs.push(x);
  }
  return xs;
}

export function generateBench(outDir = OUT_DIR, sizes = BENCH_SIZES): BenchNetlist[] {
  mkdirSync(outDir, { recursive: true });
  return sizes.map((layers) => {
    const name = layers.join("-");
    const c = buildLayered({
      layers,
      seed: 1,
      inputs: benchInputs(layers[0]!, 1000 + layers[0]!),
      title: `eqspice benchmark: layered network ${name} (seed 1, random inputs in [-1, 1] V)`,
    });
    const file = join(outDir, `op-${name}.cir`);
    writeFileSync(file, c.text);
    const elements = c.text.split("\n").filter((l) => /^[A-Za-z]/.test(l)).length;
    return { name, layers, file, elements };
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const f = parseFlags(process.argv.slice(2));
  const out = typeof f.out === "string" ? resolveFromRoot(f.out) : OUT_DIR;
  for (const b of generateBench(out)) console.log(`${b.file}  (${b.elements} elements)`);
}
