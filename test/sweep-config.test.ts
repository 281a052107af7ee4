/**
 * Sweep configs: a bad config is a clear InputError (path in the file, what
 * was expected, what was found) before anything runs; expansion of grid, zip
 * and list blocks; stable hashes; `.param` overrides in netlist copies.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../src/util/errors.js";
import { parseSweepConfig, type SweepConfig } from "../src/sweep/config.js";
import { expandAxes } from "../src/sweep/expand.js";
import { canonicalJson, configHash } from "../src/sweep/hash.js";
import { overrideParams } from "../src/sweep/netlist.js";
import { planSweep } from "../src/sweep/plan.js";
import { loadSweepConfig } from "../src/sweep/config.js";
import { KEYS } from "../src/sweep/keys.js";
import { readdirSync } from "node:fs";
import { CLI, ensureBuilt, FIX, ROOT, tempDir } from "./fixtures/sweep/build.js";

const tmp = tempDir("sweep-config");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A config as if read from test/fixtures/sweep/NAME.json. */
const cfg = (raw: unknown): SweepConfig => parseSweepConfig(raw, path.join(FIX, "inline.json"));
const plan = (raw: unknown) => planSweep(cfg(raw), path.join(tmp, "out"));
const train = { run: "train", netlist: "../../../netlists/iris.cir", dataset: "iris", epochs: 1 };

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error("expected an InputError");
}

describe("config validation", () => {
  it("names unknown keys, with a suggestion", () => {
    const m = errorOf(() => cfg({ base: { ...train, lrr: 0.1 }, axes: [{ grid: { betta: [0.1] } }] }));
    expect(m).toMatch(/base\.lrr: unknown key "lrr" \(did you mean "lr"\?\)/);
    expect(m).toMatch(/axes\[0\]\.grid\.betta: unknown key "betta" \(did you mean "beta"\?\)/);
  });

  it("reports wrong types and ranges with the path and the value found", () => {
    const m = errorOf(() => cfg({ base: { ...train, epochs: "ten" }, axes: [{ grid: { beta: [0.1, "0.2"], levels: [1.5], estimator: ["centred"] } }] }));
    expect(m).toMatch(/base\.epochs: expected a number \(got "ten"\)/);
    expect(m).toMatch(/axes\[0\]\.grid\.beta\[1\]: expected a number \(got "0.2"\)/);
    expect(m).toMatch(/axes\[0\]\.grid\.levels\[0\]: expected an integer \(got 1.5\)/);
    expect(m).toMatch(/axes\[0\]\.grid\.estimator\[0\]: .*"centered".*\(got "centred"\)/);
  });

  it("rejects unknown top-level keys, bad axis blocks and a missing run", () => {
    expect(errorOf(() => cfg({ base: train, axis: [] }))).toMatch(/unknown key "axis"/);
    expect(errorOf(() => cfg({ base: train, axes: [{ grid: { beta: [0.1] }, zip: { lr: [1] } }] }))).toMatch(/axes\[0\]: each axis block is exactly one of/);
    expect(errorOf(() => cfg({ base: train, axes: [{ grid: { beta: [] } }] }))).toMatch(/axes\[0\]\.grid\.beta: needs at least one value/);
    expect(errorOf(() => cfg({ base: { netlist: "x.cir" } }))).toMatch(/base\.run: missing/);
    expect(errorOf(() => cfg({ base: { ...train, run: "dc" } }))).toMatch(/base\.run: .*"op"/);
    expect(errorOf(() => cfg({ base: train, axes: [{ grid: { run: ["op"] } }] }))).toMatch(/"run" can only be set in base/);
  });

  it("checks points before running: zip lengths, keys swept twice, keys that do not apply, files, params, metrics", () => {
    expect(errorOf(() => plan({ base: train, axes: [{ zip: { beta: [0.1, 0.2], lr: [1] } }] }))).toMatch(/zip: every list must have the same length \(beta: 2, lr: 1\)/);
    expect(errorOf(() => plan({ base: train, axes: [{ grid: { beta: [0.1] } }, { list: [{ beta: 0.2 }] }] }))).toMatch(/"beta" is swept by both axes\[0\] and axes\[1\]/);
    expect(errorOf(() => plan({ base: { run: "gradcheck", netlist: train.netlist, dataset: "iris" }, axes: [{ grid: { levels: [4] } }] }))).toMatch(/"levels" does not apply to run gradcheck \(it applies to: train\)/);
    expect(errorOf(() => plan({ base: { ...train, netlist: "nope.cir" } }))).toMatch(/netlist nope.cir not found/);
    expect(errorOf(() => plan({ base: { run: "op", netlist: "divider.cir" }, axes: [{ grid: { "param.rmid": [1] } }] }))).toMatch(/divider.cir has no top-level \.param rmid/);
    expect(errorOf(() => plan({ base: { ...train, builder: "layered" } }))).toMatch(/either netlist or builder/);
    expect(errorOf(() => plan({ base: { ...train, "circuit.gain": 2 } }))).toMatch(/circuit.gain needs "builder": "layered"/);
    expect(errorOf(() => plan({ base: train, metrics: ["testAcc"] }))).toMatch(/unknown train metric "testAcc" \(known: trainLoss/);
    expect(errorOf(() => plan({ base: { ...train, gmin: 1e-5, gmax: 1e-6 } }))).toMatch(/point 1 \(\(base\)\): hardware option: gmax must exceed gmin/);
  });

  it("the CLI exits 1 with the message and runs nothing", () => {
    ensureBuilt();
    const file = path.join(tmp, "bad.json");
    writeFileSync(file, JSON.stringify({ base: { ...train, netlist: path.join(ROOT, "netlists/iris.cir") }, axes: [{ grid: { beta: [0.1, -1] } }] }));
    const out = path.join(tmp, "bad-out");
    const r = spawnSync(process.execPath, [CLI, "sweep", file, "--out", out], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^eqspice: error: sweep config .*bad.json is invalid:\n {2}axes\[0\]\.grid\.beta\[1\]: must be >0 \(got -1\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
    const j = spawnSync(process.execPath, [CLI, "sweep", path.join(FIX, "divider.cir")], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    expect(j.status).toBe(1);
    expect(j.stderr).toMatch(/is not valid JSON/);
  }, 150_000);
});

describe("expansion and hashing", () => {
  it("multiplies blocks: grid x zip x list, first block slowest", () => {
    const pts = expandAxes(cfg({ base: train, axes: [{ grid: { beta: [0.1, 0.2], lr: [1, 2] } }, { zip: { gmin: [1e-8, 1e-7], gmax: [1e-5, 1e-4] } }, { list: [{ seed: 1 }, { seed: 2, epochs: 3 }] }] }));
    expect(pts).toHaveLength(2 * 2 * 2 * 2);
    expect(pts[0]).toEqual({ beta: 0.1, lr: 1, gmin: 1e-8, gmax: 1e-5, seed: 1 });
    expect(pts[1]).toEqual({ beta: 0.1, lr: 1, gmin: 1e-8, gmax: 1e-5, seed: 2, epochs: 3 });
    expect(pts[15]).toEqual({ beta: 0.2, lr: 2, gmin: 1e-7, gmax: 1e-4, seed: 2, epochs: 3 });
  });

  it("nested circuit and param objects in base stand for dotted keys", () => {
    const c = cfg({ base: { run: "op", builder: "layered", circuit: { layers: [2, 3, 1], gain: 2 } } });
    expect(c.base).toEqual({ run: "op", builder: "layered", "circuit.layers": [2, 3, 1], "circuit.gain": 2 });
  });

  it("hashes do not depend on key order, axis order or where the config lives; they do depend on values and file contents", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
    expect(configHash({ a: 1, b: 2 })).toBe(configHash({ b: 2, a: 1 }));
    expect(configHash({ a: 1 })).not.toBe(configHash({ a: 2 }));
    const p1 = plan({ base: train, axes: [{ grid: { beta: [0.1, 0.2], lr: [1, 2] } }] });
    const p2 = plan({ base: train, axes: [{ grid: { lr: [2, 1], beta: [0.2, 0.1] } }] });
    expect(new Set(p1.points.map((p) => p.hash))).toEqual(new Set(p2.points.map((p) => p.hash)));
    // The same netlist by another relative path: same hashes.
    const other = parseSweepConfig({ base: { ...train, netlist: "netlists/iris.cir" }, axes: [{ grid: { beta: [0.1, 0.2], lr: [1, 2] } }] }, path.join(ROOT, "x.json"));
    expect(new Set(planSweep(other, tmp).points.map((p) => p.hash))).toEqual(new Set(p1.points.map((p) => p.hash)));
    // A different netlist: different hashes.
    const xor = plan({ base: { ...train, netlist: "../../../netlists/xor.cir" }, axes: [{ grid: { beta: [0.1, 0.2], lr: [1, 2] } }] });
    expect(xor.points.some((p) => p1.points.some((q) => q.hash === p.hash))).toBe(false);
  });

  it("drops assignments that resolve to the same point", () => {
    const p = plan({ base: { ...train, beta: 0.2 }, axes: [{ list: [{ lr: 1 }, { lr: 1 }, { lr: 2 }] }] });
    expect(p.points).toHaveLength(2);
    expect(p.duplicates).toBe(1);
  });
});

describe(".param overrides", () => {
  const src = readFileSync(path.join(FIX, "divider.cir"), "utf8");
  const file = path.join(FIX, "divider.cir");

  it("replaces the value in its card, keeps the others, handles continuation lines", () => {
    const t = overrideParams(src, file, { rtop: "2k", rload: 5e5 });
    expect(t).toMatch(/^\.param vin=1 rtop=2k$/m);
    expect(t).toMatch(/^\.param rbot=\{rtop\*2\} rload=500000$/m);
    expect(t).not.toMatch(/^\+/m);
    expect(t.split("\n").length).toBe(src.split("\n").length - 1);
  });

  it("makes .include and crossbar init paths absolute", () => {
    const t = overrideParams(`* t\n.include sub/models.inc\n*@crossbar W a b 1 1 init=w.csv\n*@crossbar U a b 1 1 init=uniform(1,2)\n.param r=1\n.end\n`, file, { r: 2 });
    expect(t).toContain(`.include ${path.join(FIX, "sub", "models.inc")}`);
    expect(t).toContain(`init=${path.join(FIX, "w.csv")}`);
    expect(t).toContain("init=uniform(1,2)");
  });

  it("refuses a parameter the netlist does not define", () => {
    expect(errorOf(() => overrideParams(src, file, { nosuch: 1 }))).toMatch(/no top-level \.param nosuch/);
  });
});

describe("examples and docs", () => {
  it("every sweeps/*.json example is a valid sweep", () => {
    const dir = path.join(ROOT, "sweeps");
    const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const f of files) expect(planSweep(loadSweepConfig(path.join(dir, f)), tmp).points.length, f).toBeGreaterThan(1);
  });

  it("docs/sweeps.md documents every key", () => {
    const doc = readFileSync(path.join(ROOT, "docs", "sweeps.md"), "utf8");
    for (const k of Object.keys(KEYS)) expect(doc, k).toContain(`\`${k}\``);
  });
});
