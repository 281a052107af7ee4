#!/usr/bin/env node
/**
 * The results table in the README, from the committed runs: each folder of
 * results/ holds one run's metrics.json (as `eqspice train --out` wrote it)
 * and a command.txt with the command that produced it.
 *
 *   node results/table.mjs
 */
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const rows = [];
for (const d of readdirSync(here, { withFileTypes: true })) {
  if (!d.isDirectory() || !existsSync(join(here, d.name, "metrics.json"))) continue;
  const m = JSON.parse(readFileSync(join(here, d.name, "metrics.json"), "utf8"));
  const ep = m.epochs;
  const last = ep[ep.length - 1];
  const best = Math.max(...ep.map((e) => e.testAccuracy));
  const seconds = ep.reduce((s, e) => s + e.seconds, 0);
  const sps = ep.map((e) => e.samplesPerSecond).sort((a, b) => a - b)[Math.floor(ep.length / 2)];
  rows.push({
    run: d.name,
    netlist: m.netlist.split("/").pop(),
    dataset: m.dataset,
    estimator: m.options.estimator,
    beta: m.options.beta,
    epochs: ep.length,
    first: ep[0].testAccuracy,
    final: last.testAccuracy,
    best,
    minutes: seconds / 60,
    sps,
  });
}
rows.sort((a, b) => a.run.localeCompare(b.run));
const pct = (x) => (100 * x).toFixed(2) + "%";
console.log("| run | netlist | dataset | estimator | beta | epochs | test after epoch 1 | final test | best test | wall time | samples/s (median epoch) |");
console.log("|---|---|---|---|---|---|---|---|---|---|---|");
for (const r of rows) {
  console.log(`| ${r.run} | ${r.netlist} | ${r.dataset} | ${r.estimator} | ${r.estimator === "exact" ? "-" : r.beta} | ${r.epochs} | ${pct(r.first)} | ${pct(r.final)} | ${pct(r.best)} | ${r.minutes.toFixed(0)} min | ${r.sps.toFixed(0)} |`);
}
