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
  return compiledScript(new URL("./worker.js", import.meta.url), "src/sweep/worker.js", "sweep workers need");
}

/**
 * A worker entry script: `here` when it exists (running from dist/), else
 * the same file under the package root's dist/ (running the TypeScript
 * sources, e.g. under vitest); `distPath` is its path inside dist/.
 */
export function compiledScript(here: URL, distPath: string, need: string): URL {
  if (existsSync(fileURLToPath(here))) return here;
  let d = dirname(fileURLToPath(here));
  for (;;) {
    if (existsSync(join(d, "package.json"))) break;
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  const dist = join(d, "dist", ...distPath.split("/"));
  if (existsSync(dist)) return pathToFileURL(dist);
  throw new Error(`${need} the compiled library: run \`npx tsc -p .\` (${dist} not found)`);
}
