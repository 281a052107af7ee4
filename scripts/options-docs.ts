/**
 * Regenerate the option tables of the docs from src/train/option-specs.ts:
 *   npx tsx scripts/options-docs.ts          rewrite the generated blocks
 *   npx tsx scripts/options-docs.ts --check  exit 1 when one is out of date
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { docFiles, renderDocFile } from "../src/train/option-docs.js";

const root = join(fileURLToPath(new URL(".", import.meta.url)), "..");
const check = process.argv.includes("--check");
let stale = 0;
for (const file of docFiles()) {
  const path = join(root, file);
  const text = readFileSync(path, "utf8");
  const next = renderDocFile(file, text);
  if (next === text) continue;
  stale++;
  if (check) process.stderr.write(`${file}: the option tables are out of date (run npx tsx scripts/options-docs.ts)\n`);
  else {
    writeFileSync(path, next);
    process.stdout.write(`updated ${file}\n`);
  }
}
if (check && stale) process.exitCode = 1;
