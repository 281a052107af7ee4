/**
 * Tests that spawn the CLI (or worker threads) run the compiled dist/: build
 * it (WebAssembly modules, then tsc) when it is missing or older than the sources.
 */
import { execSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CLI = path.join(ROOT, "dist", "src", "cli", "main.js");

/** Newest modification time of the .ts files under dir (ms). */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (e.name.endsWith(".ts")) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

/** Build dist/ unless the CLI and every file in `outputs` are newer than src/ and circuits/. */
export function ensureBuilt(outputs: string[] = []): void {
  const src = Math.max(newest(path.join(ROOT, "src")), newest(path.join(ROOT, "circuits")));
  const files = [CLI, ...outputs];
  if (files.every((f) => existsSync(f) && statSync(f).mtimeMs >= src)) return;
  try {
    execSync("node wasm/build.mjs && npx tsc -p .", { cwd: ROOT, stdio: "pipe", timeout: 120_000 });
  } catch (e) {
    // tsc emits even when another file has a type error; what matters is that these outputs exist.
    if (!files.every((f) => existsSync(f))) throw e;
  }
}

/** Run the built CLI (building dist/ first when stale): exit code, stdout and stderr. */
export async function runCli(args: string[], timeout = 60_000): Promise<{ code: number; stdout: string; stderr: string }> {
  ensureBuilt();
  const { spawnSync } = await import("node:child_process");
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: "utf8", timeout });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
