/**
 * The command line, spawned as users run it (`node dist/src/cli/main.js`,
 * rebuilt first when dist/ is older than src/):
 *  - `op --json` prints exactly one JSON object {nodes, branches};
 *  - bad input exits 1 with file:line:col on stderr and no stack trace;
 *  - a non-converging circuit exits 2 naming nodes;
 *  - `--help` works;
 *  - `export-spice` writes plain SPICE that ngspice solves to eqspice's op.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCircuit, opFromFile } from "../src/api.js";
import { Engine } from "../src/analysis/engine.js";
import { solveDc } from "../src/analysis/op.js";
import { exportSpice, exportSpiceText, formatG } from "../src/netlist/export.js";
import { ConvergenceError, NetlistError } from "../src/util/errors.js";
import { itNgspice, runNgspiceOp } from "./helpers/ngspice.js";
import { CLI, ROOT, ensureBuilt } from "./helpers/build.js";

const FIX = path.join(ROOT, "test", "fixtures");
const tmp = mkdtempSync(path.join(tmpdir(), "eqspice-cli-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeAll(() => ensureBuilt(), 150_000);

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const hasStack = (s: string) => /^\s+at .+[(:]\d+/m.test(s) || /internal error/.test(s);

describe("eqspice --help", () => {
  it("lists the commands and exits 0", () => {
    const r = cli("--help");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Usage: eqspice/);
    expect(r.stdout).toMatch(/\bop\b/);
    expect(r.stdout).toMatch(/export-spice/);
  });
  it("op --help and export-spice --help", () => {
    expect(cli("op", "--help").stdout).toMatch(/--json/);
    const r = cli("export-spice", "--help");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/-o, --output/);
  });
});

describe("eqspice op", () => {
  const divider = path.join(FIX, "cli", "divider.cir");

  it("--json prints exactly one JSON object with nodes and branches", () => {
    const r = cli("op", "--json", divider);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    const lines = r.stdout.split("\n").filter((l) => l.trim());
    expect(lines).toHaveLength(1);
    const obj = JSON.parse(lines[0]) as { nodes: Record<string, number>; branches: Record<string, number> };
    expect(Object.keys(obj).sort()).toEqual(["branches", "nodes"]);
    expect(Object.keys(obj.nodes).sort()).toEqual(["in", "mid", "s"]);
    expect(Object.keys(obj.branches).sort()).toEqual(["v1", "vs"]);
    const lib = opFromFile(divider);
    for (const n of Object.keys(lib.nodes)) expect(obj.nodes[n]).toBe(lib.nodes[n]);
    expect(obj.nodes.in).toBe(10);
    expect(obj.nodes.mid - obj.nodes.s).toBeCloseTo(0.5, 12);
  });

  it("prints a table without --json", () => {
    const r = cli("op", divider);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/v\(mid\)\s+1\.21/);
    expect(r.stdout).toMatch(/i\(vs\)/);
  });

  it("bad input exits 1 with file:line:col and no stack trace", () => {
    const r = cli("op", "--json", "test/fixtures/cli/bad.cir");
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^eqspice: error: test\/fixtures\/cli\/bad\.cir:4:10: bad number '1\.2\.3' for resistance\n$/);
    expect(hasStack(r.stderr)).toBe(false);
  });

  it("an error inside an included file names that file", () => {
    const r = cli("op", path.join(FIX, "recursive", "top.cir"));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${path.join(FIX, "recursive", "loop_b.inc")}:3:3: recursive .include`);
    expect(hasStack(r.stderr)).toBe(false);
  });

  it("a missing file exits 1", () => {
    const r = cli("op", "no/such/file.cir");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cannot read netlist 'no\/such\/file\.cir': ENOENT/);
    expect(hasStack(r.stderr)).toBe(false);
  });

  it("a non-converging circuit exits 2 naming the worst nodes", () => {
    // no DC solution (KCL at a: 1 + v(a)^2 + ... = 0 has no real root), so Newton, gmin stepping and source stepping all fail, as in ngspice
    const r = cli("op", "--json", path.join(FIX, "cli", "noconv.cir"));
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^eqspice: no convergence: .*did not converge.*worst nodes: /);
    expect(r.stderr).toMatch(/worst nodes: (a|b) \(\|dV\|=/);
    expect(hasStack(r.stderr)).toBe(false);
  });

  it("library: ConvergenceError names nodes when homotopy is off", () => {
    const c = loadCircuit(path.join(FIX, "cli", "divider.cir"));
    let err: unknown;
    try {
      solveDc(new Engine(c), { maxIter: 2, homotopy: false });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConvergenceError);
    const ce = err as ConvergenceError;
    expect(ce.worst.length).toBeGreaterThan(0);
    expect(["mid", "s", "i(vs)"]).toContain(ce.worst[0][0]);
    expect(ce.message).toMatch(/did not converge in 2 iterations; worst nodes: /);
  });

  it("unknown command and missing argument exit nonzero with usage", () => {
    const r = cli("frobnicate");
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/unknown command/);
    expect(cli("op").status).not.toBe(0);
  });
});

describe("export-spice", () => {
  const xbar = path.join(FIX, "export", "xbar.cir");

  it("%.12g formatting", () => {
    expect(formatG(1000)).toBe("1000");
    expect(formatG(1 / 3e-4)).toBe("3333.33333333");
    expect(formatG(1e-5)).toBe("1e-05");
    expect(formatG(2e-3)).toBe("0.002");
    expect(formatG(1.5e12)).toBe("1.5e+12");
    expect(formatG(123456789012)).toBe("123456789012");
    expect(formatG(1234567890123)).toBe("1.23456789012e+12");
    expect(formatG(-0.0001234)).toBe("-0.0001234");
    expect(formatG(0)).toBe("0");
  });

  it("expands crossbars into R lines, keeps everything else verbatim", () => {
    const text = exportSpice(xbar);
    const src = readFileSync(xbar, "utf8").split("\n");
    const out = text.split("\n");
    // every original line except the two declarations is kept, in order
    const kept = src.filter((l) => !/^\*@crossbar/i.test(l));
    let k = 0;
    for (const l of out) if (k < kept.length && l === kept[k]) k++;
    expect(k).toBe(kept.length);
    // 4x3 + 3x2 resistors named as eqspice names them, R = 1/g
    const rlines = out.filter((l) => /^Rw[12]_\d_\d /.test(l));
    expect(rlines).toHaveLength(18);
    expect(out).toContain("Rw2_0_0 h0 o0 10000");
    expect(out).toContain("Rw2_1_0 h1 o0 3030.3030303");
    expect(out).toContain("Rw2_2_1 h2 o1 6666.66666667");
    // the declarations became plain comments; annotations other than crossbars stay
    expect(out.filter((l) => l.startsWith("*@crossbar"))).toEqual([]);
    expect(out).toContain("*@input V1P:V1N V2P:V2N");
    expect(out).toContain("*@train RL*");
    // the trainable crossbar stays trainable with its bounds
    expect(out).toContain("*@train Rw1_*_* gmin=1e-05 gmax=0.002");
    // the continuation line after a declaration still continues V2N: the R lines come after it
    const v2n = out.indexOf("V2N x2n 0");
    expect(out[v2n + 3]).toBe("+ DC -0.8");
    expect(out[v2n + 4]).toMatch(/^Rw2_0_0 /);
  });

  it("the exported file is still an eqspice netlist with the same op and trainable set", () => {
    const outFile = path.join(tmp, "lib-export.cir");
    const text = exportSpiceText(readFileSync(xbar, "utf8"), xbar, { outDir: tmp });
    writeFileSync(outFile, text);
    const a = opFromFile(xbar);
    const b = opFromFile(outFile);
    expect(Object.keys(b.nodes).sort()).toEqual(Object.keys(a.nodes).sort());
    for (const n of Object.keys(a.nodes)) expect(Math.abs(a.nodes[n] - b.nodes[n])).toBeLessThan(1e-11);
    const ca = loadCircuit(xbar);
    const cb = loadCircuit(outFile);
    expect(cb.ports.trainable.map((t) => [t.device.name, t.gmin, t.gmax]).sort()).toEqual(ca.ports.trainable.map((t) => [t.device.name, t.gmin, t.gmax]).sort());
    expect(cb.ports.inputs.length).toBe(2);
    expect(cb.ports.outputs.length).toBe(1);
  });

  it("bad input: typed error with location (library) and exit 1 (CLI)", () => {
    expect(() => exportSpiceText("t\n*@crossbar w a b\nV1 a 0 1\nR1 b 0 1k\n", "x.cir")).toThrow(NetlistError);
    const r = cli("export-spice", "test/fixtures/cli/bad.cir");
    // export-spice reads annotations, not element values: this file exports fine
    expect(r.status).toBe(0);
    const r2 = cli("export-spice", path.join(FIX, "recursive", "self.cir"));
    expect(r2.status).toBe(1);
    expect(r2.stderr).toMatch(/self\.cir:4:1: recursive \.include/);
    const r3 = cli("export-spice", xbar, "-o", path.join(tmp, "no", "such", "dir", "x.cir"));
    expect(r3.status).toBe(1);
    expect(r3.stderr).toMatch(/cannot write/);
  });

  it("CLI writes the same text to stdout and to -o (includes rewritten for -o's directory)", () => {
    const r = cli("export-spice", xbar);
    expect(r.status).toBe(0);
    expect(r.stdout.trimEnd()).toBe(exportSpice(xbar).trimEnd());
    const outFile = path.join(tmp, "cli-export.cir");
    expect(cli("export-spice", xbar, "-o", outFile).status).toBe(0);
    const written = readFileSync(outFile, "utf8");
    const inc = written.split("\n").find((l) => l.startsWith(".include"))!;
    expect(path.resolve(tmp, inc.split(/\s+/)[1])).toBe(path.join(FIX, "export", "models", "diode.inc"));
  });

  itNgspice("ngspice runs the exported file to eqspice's op on the original (max |dV| <= 1e-6)", () => {
    const outFile = path.join(tmp, "ng-export.cir");
    const r = cli("export-spice", xbar, "-o", outFile);
    expect(r.status, r.stderr).toBe(0);
    const ng = runNgspiceOp(outFile);
    const eq = opFromFile(xbar);
    const names = Object.keys(ng.nodes).filter((n) => n !== "0" && !n.includes("#"));
    expect(names.sort()).toEqual(Object.keys(eq.nodes).sort());
    let worst = 0;
    for (const n of names) worst = Math.max(worst, Math.abs(ng.nodes[n] - eq.nodes[n]));
    expect(worst).toBeLessThanOrEqual(1e-6);
    // the hidden nodes are really driven (the comparison is not trivially zero)
    expect(Math.abs(eq.nodes.h0)).toBeGreaterThan(0.05);
  });
});

describe("export-spice on a large crossbar", () => {
  it("expands netlists/mnist.cir (157,800 crossbar devices) without overflowing", () => {
    const text = exportSpice(path.join(ROOT, "netlists", "mnist.cir"));
    expect(text.split("\n").filter((l) => /^rw1_/i.test(l))).toHaveLength(1568 * 100);
    expect(text.split("\n").filter((l) => /^rw2_/i.test(l))).toHaveLength(100 * 10);
    expect(text).not.toMatch(/^\*@crossbar/m);
  });
});
