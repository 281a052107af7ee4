/**
 * The SIMD kernels' WebAssembly modules (wasm/*.ts, embedded as base64 by
 * wasm/build.mjs), compiled once per process and thread: null when this
 * engine cannot compile one (no SIMD or threads), and the caller keeps its
 * JavaScript loop.
 */
const modules = new Map<string, WebAssembly.Module | null>();

export function compiledModule(base64: string): WebAssembly.Module | null {
  let m = modules.get(base64);
  if (m === undefined) {
    try {
      m = new WebAssembly.Module(Buffer.from(base64, "base64"));
    } catch {
      m = null;
    }
    modules.set(base64, m);
  }
  return m;
}
