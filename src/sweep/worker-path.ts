/**
 * Where the worker script is. From dist/ (the CLI) it is the compiled
 * worker.js beside this module; from the TypeScript sources (tests run
 * through vitest) it is the compiled dist/src/sweep/worker.js of the same
 * checkout, so `npx tsc -p .` must have run.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export function workerScript(): URL {
  const here = new URL("./worker.js", import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  let d = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(d, "package.json"))) break;
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  const dist = join(d, "dist", "src", "sweep", "worker.js");
  if (existsSync(dist)) return pathToFileURL(dist);
  throw new Error(`sweep workers need the compiled library: run \`npx tsc -p .\` (${dist} not found)`);
}
