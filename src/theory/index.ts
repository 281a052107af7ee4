/**
 * The theory reproductions (docs/theory.md), run by `eqspice theory`:
 *   beta   claim 1: EqProp estimators converge to the exact gradient as beta -> 0 (beta.ts);
 *   rbp    claim 2: the nudged phase's (1/beta) dV/dt equals recurrent backprop's error derivatives (rbp.ts);
 *   early  claim 3: early inference moves hidden voltages along the backpropagated error (early.ts).
 * Each part writes one self-contained HTML page (plotly inlined, ~1.6 MB) and
 * its numbers under its key of theory.json (other parts' keys are kept).
 */
import { mkdirSync, readFileSync } from "node:fs";
import { InputError } from "../util/errors.js";
import { join } from "node:path";
import { writePlotHtml } from "../plot/html.js";
import { writeFileAtomic } from "../util/atomic.js";
import { betaFigures, betaSummary, betaSweep } from "./beta.js";
import { earlyFigures, earlyInference, earlySummary } from "./early.js";
import { rbpEquivalence, rbpFigures, rbpSummary } from "./rbp.js";
import { JSON_DIGITS, roundFigure, roundNumbers, theoryCircuit, THEORY_LAYERS, THEORY_SEED, THEORY_TARGET, THEORY_VIN, type TheoryCircuit } from "./shared.js";

export const THEORY_PARTS = ["beta", "rbp", "early"] as const;
export type TheoryPart = (typeof THEORY_PARTS)[number];

export interface TheoryRunOptions {
  parts: TheoryPart[];
  /** Output directory (default plots). */
  outDir?: string;
  /** Circuit seed (default 2). */
  seed?: number;
  /** Batch size of claims 1 and 3 (default 8). */
  samples?: number;
  /** Progress messages (default none). */
  log?: (line: string) => void;
  /** The circuit to run on (default theoryCircuit({ seed })), e.g. one perturbed to check that the written numbers do not depend on roundoff. */
  circuit?: TheoryCircuit;
}

export interface TheoryRunResult {
  files: string[];
  /** The numbers written to theory.json, by part. */
  numbers: Partial<Record<TheoryPart, Record<string, unknown>>>;
  /** One line per part for the terminal. */
  lines: string[];
}

const TITLES: Record<TheoryPart, string> = {
  beta: "Claim 1: EqProp converges to the exact gradient as beta -> 0 (Scellier & Bengio 2016; Laborieux et al. 2021; Millidge et al. 2022)",
  rbp: "Claim 2: the nudged phase's temporal derivatives are recurrent backprop's error derivatives (Scellier & Bengio 2018)",
  early: "Claim 3: early inference moves hidden voltages along the backpropagated error (Bengio & Fischer 2015)",
};

const f3 = (x: number) => x.toExponential(2);

export function runTheory(o: TheoryRunOptions): TheoryRunResult {
  const outDir = o.outDir ?? "plots";
  const seed = o.seed ?? THEORY_SEED;
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (e) {
    throw new InputError(`cannot create the output directory '${outDir}': ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  const tc = o.circuit ?? theoryCircuit({ seed });
  const files: string[] = [];
  const numbers: TheoryRunResult["numbers"] = {};
  const lines: string[] = [];
  const seedFlag = seed !== THEORY_SEED ? ` --seed ${seed}` : "";
  const samplesFlag = o.samples !== undefined ? ` --samples ${o.samples}` : "";
  for (const part of o.parts) {
    o.log?.(`theory ${part}...`);
    const command = `eqspice theory ${part} --out ${outDir}${seedFlag}${part !== "rbp" ? samplesFlag : ""}`;
    let figures;
    let summary: Record<string, unknown>;
    if (part === "beta") {
      const r = betaSweep(tc, { samples: o.samples });
      figures = betaFigures(r);
      summary = betaSummary(r);
      const s = r.fits;
      lines.push(
        `beta: error slopes positive ${s.positive.slope.toFixed(3)}, negative ${s.negative.slope.toFixed(3)}, centered ${s.centered.slope.toFixed(3)} (beta ${s.centered.range[0]}..${s.centered.range[1]}); CHL limit cosine ${r.chlLimit.cosineToExact.toFixed(4)}`,
      );
    } else if (part === "rbp") {
      const r = rbpEquivalence(tc);
      figures = rbpFigures(r);
      summary = rbpSummary(r);
      lines.push(
        `rbp: max relative deviation ${r.runs.map((x) => `${f3(x.rateDeviation)} @ beta=${x.beta}`).join(", ")}; slope ${r.fit.slope.toFixed(3)}; |d(inf) + lambda|/|lambda| = ${f3(r.dInfinityError)}`,
      );
    } else {
      const r = earlyInference(tc, { samples: o.samples });
      figures = earlyFigures(r);
      summary = earlySummary(r);
      lines.push(
        `early: first-move cosine (all hidden) ${r.configs.map((c) => `${c.capacitance} ${c.detail.allFull[Math.min(...c.detail.firstStep)].toFixed(3)}`).join(", ")} (sample ${r.configs[0].detail.sample})`,
      );
    }
    const file = join(outDir, `theory-${part}.html`);
    writePlotHtml(file, { title: TITLES[part], figures: figures.map(roundFigure) });
    files.push(file);
    numbers[part] = { command, ...summary };
  }
  const jsonPath = join(outDir, "theory.json");
  let json: Record<string, unknown> = {};
  try {
    const old = JSON.parse(readFileSync(jsonPath, "utf8")) as unknown;
    if (old && typeof old === "object" && !Array.isArray(old)) json = old as Record<string, unknown>;
  } catch {
    // absent or unreadable: start afresh
  }
  json.circuit = {
    builder: "circuits/layered.ts buildLayered",
    layers: THEORY_LAYERS,
    seed,
    hiddenLayers: THEORY_LAYERS.length - 2,
    dataset: "iris",
    vin: THEORY_VIN,
    targetAmplitude: THEORY_TARGET,
    gnudge: tc.model.Gnudge,
    betaUnits: "dimensionless: nudge conductance = beta * gnudge (S)",
  };
  for (const part of o.parts) json[part] = numbers[part];
  writeFileAtomic(jsonPath, JSON.stringify(roundNumbers(json, JSON_DIGITS), null, 1) + "\n");
  files.push(jsonPath);
  return { files, numbers, lines };
}
