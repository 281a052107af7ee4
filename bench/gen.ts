/**
 * Writes the benchmark netlists into bench/out/ (gitignored):
 *   op-4-8-2.cir, op-20-50-10.cir, op-100-200-10.cir, op-784-100-10.cir,
 *   and the shapes of `generateShapes` below
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

/**
 * Netlists of other shapes and number formats than the builder's, so a ratio
 * measured on our own generator's output does not hide a loss elsewhere:
 *   op-784-100-10-17digit.cir  the 784-100-10 network with every resistance
 *                              written with 16-17 significant digits (as
 *                              Python's repr and JavaScript's toString do)
 *   op-chain-100k.cir          a chain of 100,000 1 kOhm resistors from a 1 V source
 *   op-grid-200x200.cir        a 200 x 200 grid of 1 kOhm resistors, 1 V at one
 *                              corner, 1 kOhm to ground at the opposite one
 */
export const SHAPES = ["784-100-10-17digit", "chain-100k", "grid-200x200"];

/**
 * Non-reciprocal shapes, solved by LU (sparse-lu.ts; dense LU before it):
 *   op-amp-grid-WxW.cir   a W x W grid of 1 kOhm resistors with a VCCS at
 *                         every other node (gain up to 0.3 mS, controlled by
 *                         the voltage of a node 1-2 rows below and up to 2
 *                         columns aside), a VCVS buffer (gain 0.5, 10 kOhm
 *                         back into the grid within 3 rows and columns) at
 *                         every 7th node, a diode to ground at every 11th,
 *                         10 kOhm from every node to ground, 1 V at a corner;
 *   op-amp-rgrid-WxW.cir  the same with the VCCS controlled from W/2 rows
 *                         away and the buffers feeding anywhere in the grid:
 *                         long-range couplings, a harder pattern for any
 *                         sparse ordering (much more fill).
 * Not run by default (the dense LU before would take minutes on the larger
 * ones): ask for them with --sizes amp-grid-30x30,amp-grid-60x60,...
 */
export const LU_SHAPES = ["amp-grid-30x30", "amp-grid-60x60", "amp-grid-100x100", "amp-grid-200x200", "amp-rgrid-30x30", "amp-rgrid-60x60"];

/**
 * The amp-grid netlist lines (title first, .end last). With `tran` the
 * corner source is a pulse and every node has 1 nF to ground, and the
 * lines end with `.tran TSTEP TSTOP`.
 */
export function ampGridLines(
  w: number,
  opts: { seed?: number; tran?: { tstep: number; tstop: number }; span?: "local" | "random" } = {},
): string[] {
  const rng = mulberry32(opts.seed ?? 7);
  const local = (opts.span ?? "local") === "local";
  const node = (i: number, j: number): string => `g${i}_${j}`;
  const clamp = (x: number): number => Math.min(w - 1, Math.max(0, x));
  const near = (x: number, d: number): number => clamp(x + Math.floor(rng() * (2 * d + 1)) - d);
  const lines = [`* eqspice benchmark: ${w} x ${w} resistor grid with VCCS, VCVS buffers and diodes (non-reciprocal, ${local ? "local" : "long-range"} couplings)`];
  lines.push(opts.tran ? `V1 ${node(0, 0)} 0 PULSE(0 1 1u 0.5u 0.5u 3u 8u)` : `V1 ${node(0, 0)} 0 DC 1`);
  lines.push(".model dg D(IS=1e-14 N=1)");
  let k = 0;
  for (let i = 0; i < w; i++)
    for (let j = 0; j < w; j++) {
      const a = node(i, j);
      if (j + 1 < w) lines.push(`RH${i}_${j} ${a} ${node(i, j + 1)} 1k`);
      if (i + 1 < w) lines.push(`RV${i}_${j} ${a} ${node(i + 1, j)} 1k`);
      lines.push(`RG${i}_${j} ${a} 0 10k`);
      if (opts.tran) lines.push(`C${i}_${j} ${a} 0 1n`);
      k++;
      const gm = (0.3e-3 * (2 * rng() - 1)).toPrecision(6);
      const ci = local ? (i + 1 + Math.floor(rng() * 2)) % w : (i + (w >> 1)) % w;
      const cj = local ? near(j, 2) : Math.floor(rng() * w);
      if (k % 2 === 0) lines.push(`G${i}_${j} ${a} 0 ${node(ci, cj)} 0 ${gm}`);
      if (k % 7 === 0) {
        const bi = local ? near(i, 3) : Math.floor(rng() * w);
        const bj = local ? near(j, 3) : Math.floor(rng() * w);
        lines.push(`E${i}_${j} e${i}_${j} 0 ${a} 0 0.5`, `RE${i}_${j} e${i}_${j} ${node(bi, bj)} 10k`);
      }
      if (k % 11 === 0) lines.push(`D${i}_${j} ${a} 0 dg`);
    }
  lines.push(opts.tran ? `.tran ${opts.tran.tstep} ${opts.tran.tstop}` : ".op", ".end");
  return lines;
}

export function generateShapes(outDir = OUT_DIR, names = SHAPES): BenchNetlist[] {
  mkdirSync(outDir, { recursive: true });
  const out: BenchNetlist[] = [];
  const write = (name: string, lines: string[]): void => {
    const file = join(outDir, `op-${name}.cir`);
    writeFileSync(file, lines.join("\n") + "\n");
    out.push({ name, layers: [], file, elements: lines.filter((l) => /^[A-Za-z]/.test(l)).length });
  };
  for (const name of names) {
    if (name === "784-100-10-17digit") {
      const c = buildLayered({ layers: [784, 100, 10], seed: 1, inputs: benchInputs(784, 1784), title: "eqspice benchmark: 784-100-10 with 17-digit values" });
      // Nudge each value by 2^-40 relative so that its shortest round-trip form has 16-17 digits.
      const lines = c.text.split("\n").map((l) => {
        const m = /^(R\S+ \S+ \S+) (\S+)$/.exec(l);
        return m ? `${m[1]} ${String(Number(m[2]) * (1 + 2 ** -40))}` : l;
      });
      write(name, lines.filter((l, i, a) => i < a.length - 1 || l !== ""));
    } else if (name === "chain-100k") {
      const n = 100_000;
      const lines = ["* eqspice benchmark: chain of 100,000 resistors", "V1 n0 0 DC 1"];
      for (let k = 1; k <= n; k++) lines.push(`R${k} n${k - 1} n${k} 1k`);
      lines.push(`RE n${n} 0 1k`, ".op", ".end");
      write(name, lines);
    } else if (name === "grid-200x200") {
      const w = 200;
      const lines = ["* eqspice benchmark: 200 x 200 resistor grid", "V1 g0_0 0 DC 1"];
      for (let i = 0; i < w; i++)
        for (let j = 0; j < w; j++) {
          if (j + 1 < w) lines.push(`RH${i}_${j} g${i}_${j} g${i}_${j + 1} 1k`);
          if (i + 1 < w) lines.push(`RV${i}_${j} g${i}_${j} g${i + 1}_${j} 1k`);
        }
      lines.push(`RE g${w - 1}_${w - 1} 0 1k`, ".op", ".end");
      write(name, lines);
    } else if (/^amp-r?grid-\d+x\d+$/.test(name)) {
      const w = Number(/(\d+)x/.exec(name)![1]);
      write(name, ampGridLines(w, { span: name.startsWith("amp-rgrid") ? "random" : "local" }));
    } else throw new Error(`unknown benchmark shape '${name}' (known: ${[...SHAPES, ...LU_SHAPES].join(", ")}, amp-grid-WxW and amp-rgrid-WxW for any W)`);
  }
  return out;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const f = parseFlags(process.argv.slice(2));
  const out = typeof f.out === "string" ? resolveFromRoot(f.out) : OUT_DIR;
  for (const b of [...generateBench(out), ...generateShapes(out)]) console.log(`${b.file}  (${b.elements} elements)`);
}
