/**
 * eqspice as a library, as a user gets it: `npm pack` the package, install
 * the tarball into a fresh project (dependencies from the npm cache when it
 * has them), then type-check (tsc, strict, NodeNext) and run a TypeScript
 * program that imports from "eqspice". The program checks its numbers
 * against closed forms (a divider, an RC charge curve) and trains the
 * shipped XOR netlist; a second file that misuses the types must fail to
 * compile (the types are real, not `any`).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, ensureBuilt } from "./helpers/build.js";

const tmp = mkdtempSync(path.join(tmpdir(), "eqspice-pack-"));
const proj = path.join(tmp, "consumer");
const TSC = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const MAIN = `import {
  loadCircuit,
  loadCircuitFromText,
  operatingPoint,
  transient,
  train,
  gradcheck,
  evaluate,
  loadDataset,
  xorDataset,
  InputError,
  NetlistError,
  type OpResult,
  type TransientResult,
  type TrainResult,
  type Dataset,
} from "eqspice";
import { createRequire } from "node:module";
import path from "node:path";

const out: Record<string, unknown> = {};

// a divider: V(b) = 2 V * 3k / (1k + 3k) = 1.5 V; the source delivers 0.5 mA (current -0.5 mA, + to - through it)
const div = loadCircuitFromText("divider\\nV1 a 0 2\\nR1 a b 1k\\nR2 b 0 3k\\n.end\\n");
const op: OpResult = operatingPoint(div);
const vb: number = op.nodes.b;
out.vb = vb;
out.iv1 = op.branches.v1;

// RC charging from 0: v(a) = 1 - exp(-t / RC), RC = 1 us
const rc = loadCircuitFromText("rc\\nV1 in 0 1\\nR1 in a 1k\\nC1 a 0 1n\\n.ic v(a)=0\\n.tran 0.1u 5u uic\\n.end\\n", "rc.cir", { forTransient: true });
const tr: TransientResult = transient(rc, { integrator: "trap" });
let worst = 0;
tr.time.forEach((t, k) => (worst = Math.max(worst, Math.abs(tr.nodes.a[k] - (1 - Math.exp(-t / 1e-6))))));
out.rows = tr.time.length;
out.rcWorst = worst;
out.columns = tr.columns;

// training the shipped XOR netlist, on the built-in dataset object
const pkg = path.dirname(createRequire(import.meta.url).resolve("eqspice/package.json"));
const xor = loadCircuit(path.join(pkg, "netlists", "xor.cir"));
const data: Dataset = xorDataset();
const r: TrainResult = await train({ netlist: xor, dataset: data, epochs: 200 });
out.trainAccuracy = r.final?.testAccuracy;
out.epochs = r.metrics.length;
// the circuit was trained in place: evaluating it gives the same accuracy
const ev = await evaluate({ netlist: xor, dataset: "xor" });
out.evalAccuracy = ev.testAccuracy;
const gc = await gradcheck({ netlist: path.join(pkg, "netlists", "xor.cir"), dataset: loadDataset("xor"), beta: 1e-4, estimator: "centered" });
out.cosine = gc.cosine;

// bad input is a typed error with the place
try {
  loadCircuitFromText("bad\\nR1 a 0 1k\\nR2 a\\n.end\\n", "bad.cir");
} catch (e) {
  out.error = e instanceof NetlistError && e instanceof InputError ? e.message : "wrong type: " + String(e);
}
console.log(JSON.stringify(out));
`;

// Each line must be a type error: the library's types are precise.
const BAD = `import { loadCircuitFromText, operatingPoint, transient } from "eqspice";
const c = loadCircuitFromText("x\\n.end\\n");
const s: string = operatingPoint(c).nodes.b;
const t: Float64Array = transient(c, { tstop: "1u" }).time;
operatingPoint("file.cir");
`;

function run(cmd: string, args: string[], cwd: string, timeout = 120_000) {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout, env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" } });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, out: r.stdout + r.stderr };
}

describe('npm pack -> install -> import from "eqspice"', () => {
  beforeAll(() => {
    ensureBuilt([path.join(ROOT, "dist", "src", "index.js"), path.join(ROOT, "dist", "src", "index.d.ts")]);
    // dist/ is built: pack it as it is (prepare would rebuild)
    const name = execFileSync("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", tmp], { cwd: ROOT, encoding: "utf8", timeout: 60_000 }).trim().split("\n").pop()!;
    const tarball = path.join(tmp, name);
    rmSync(proj, { recursive: true, force: true });
    execFileSync("mkdir", ["-p", proj]);
    writeFileSync(path.join(proj, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true, type: "module" }));
    const inst = run("npm", ["install", tarball, "--prefer-offline", "--no-audit", "--no-fund"], proj);
    if (inst.code !== 0) throw new Error(`npm install failed:\n${inst.out}`);
    writeFileSync(
      path.join(proj, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          // check eqspice's own declarations too
          skipLibCheck: false,
          types: ["node"],
          typeRoots: [path.join(ROOT, "node_modules", "@types")],
          outDir: "out",
        },
        files: ["main.ts", "example.ts"],
      }),
    );
    writeFileSync(path.join(proj, "main.ts"), MAIN);
    // docs/api.md's example, as written there
    const doc = readFileSync(path.join(ROOT, "docs", "api.md"), "utf8");
    const m = /<!-- example: main -->\n```ts\n([\s\S]*?)```/.exec(doc);
    if (!m) throw new Error("docs/api.md has no '<!-- example: main -->' ts block");
    writeFileSync(path.join(proj, "example.ts"), m[1]);
    writeFileSync(path.join(proj, "bad.ts"), BAD);
  }, 120_000);

  it("the tarball holds the compiled library, its declarations, the CLI and the netlists, and no tests or sources", () => {
    const files = readdirSync(path.join(proj, "node_modules", "eqspice", "dist", "src"));
    expect(files).toContain("index.js");
    expect(files).toContain("index.d.ts");
    expect(files).toContain("api.d.ts");
    const pkg = JSON.parse(readFileSync(path.join(proj, "node_modules", "eqspice", "package.json"), "utf8")) as { exports: Record<string, { types: string }> };
    expect(pkg.exports["."].types).toBe("./dist/src/index.d.ts");
    const top = readdirSync(path.join(proj, "node_modules", "eqspice"));
    expect(top).toContain("netlists");
    expect(top).not.toContain("test");
    expect(top).not.toContain("src");
  });

  it("type-checks (strict) and runs; the numbers match closed forms", () => {
    const tsc = run(process.execPath, [TSC, "-p", "tsconfig.json"], proj);
    expect(tsc.code, tsc.out).toBe(0);
    const r = run(process.execPath, [path.join("out", "main.js")], proj);
    expect(r.code, r.out).toBe(0);
    const o = JSON.parse(r.out.trim().split("\n").pop()!) as Record<string, number & string & string[]>;
    expect(o.vb).toBeCloseTo(1.5, 12);
    expect(o.iv1).toBeCloseTo(-0.5e-3, 15);
    expect(o.rows).toBe(51);
    expect(o.columns).toEqual(["time", "v(in)", "v(a)", "i(v1)"]);
    expect(o.rcWorst).toBeLessThan(1e-3);
    expect(o.epochs).toBe(200);
    expect(o.trainAccuracy).toBe(1);
    expect(o.evalAccuracy).toBe(1);
    expect(o.cosine).toBeGreaterThan(0.99);
    expect(o.error).toMatch(/^bad.cir:3:\d+: /);
  }, 60_000);

  it("docs/api.md's example runs as documented", () => {
    // (compiled with main.ts by the test above; run it here)
    const r = run(process.execPath, [path.join("out", "example.js")], proj);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain("v(b) = 1.5 V, i(v1) = -0.0005 A");
    const m = /v\(a\) at 0.000005 s = (\S+) \(closed form (\S+)\)/.exec(r.out);
    expect(m, r.out).not.toBeNull();
    expect(Math.abs(Number(m![1]) - Number(m![2]))).toBeLessThan(1e-3);
    expect(r.out).toContain("test accuracy 100%");
    expect(r.out).toContain("eval: 100% on 4 samples");
    expect(r.out).toMatch(/^bad\.cir:3:\d+: /m);
  }, 60_000);

  it("misuse of the types does not compile", () => {
    const cfg = JSON.parse(readFileSync(path.join(proj, "tsconfig.json"), "utf8")) as { compilerOptions: Record<string, unknown> };
    writeFileSync(path.join(proj, "tsconfig.bad.json"), JSON.stringify({ compilerOptions: { ...cfg.compilerOptions, noEmit: true }, files: ["bad.ts"] }));
    const r = run(process.execPath, [TSC, "-p", "tsconfig.bad.json"], proj);
    expect(r.code).not.toBe(0);
    // one error per misuse: string := number, tstop: string, a path for a Circuit
    const lines = [...r.out.matchAll(/bad\.ts\((\d+),\d+\): error TS\d+/g)].map((m) => Number(m[1]));
    expect(lines, r.out).toEqual([3, 4, 5]);
  }, 60_000);
});
