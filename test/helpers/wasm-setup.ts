/**
 * vitest global setup: the tests import the generated WebAssembly modules
 * (src/**\/*.wasm.ts, made by wasm/build.mjs at npm install). Rebuild them
 * when missing or older than their AssemblyScript sources, so `npm test`
 * after editing wasm/ tests the edit.
 */
import { execSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { ROOT } from "./build.js";

const GENERATED = [
  path.join(ROOT, "src", "netlist", "fast-lane.wasm.ts"),
  path.join(ROOT, "src", "train", "update-kernel.wasm.ts"),
  path.join(ROOT, "src", "analysis", "layered-kernel.wasm.ts"),
  path.join(ROOT, "src", "devices", "crossbar-kernel.wasm.ts"),
];

export default function setup(): void {
  const wasmDir = path.join(ROOT, "wasm");
  const sources = readdirSync(wasmDir).map((f) => statSync(path.join(wasmDir, f)).mtimeMs);
  const newest = Math.max(...sources);
  if (GENERATED.every((f) => existsSync(f) && statSync(f).mtimeMs >= newest)) return;
  execSync("node wasm/build.mjs", { cwd: ROOT, stdio: "pipe", timeout: 120_000 });
}
