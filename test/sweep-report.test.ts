/**
 * What a sweep shows people: sweep.html's axes follow the values (seeds and
 * levels as categories, levels=0 labelled "continuous" and last, log axes
 * for decades), accuracies in percent (means computed here from the rows),
 * values near 1 with enough digits; progress as a bar on a terminal and
 * plain lines with counts and time left otherwise.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sweepFigures } from "../src/sweep/plot.js";
import type { ResultRow } from "../src/sweep/results.js";
import { distinctDigits, fmtMetric, fmtValue, metricTitle } from "../src/sweep/format.js";
import { etaSeconds, fmtDuration, makeSweepProgress } from "../src/sweep/progress.js";
import { CLI, ROOT, ensureBuilt } from "./helpers/build.js";

const tmp = mkdtempSync(path.join(tmpdir(), "eqspice-sweep-report-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function row(params: Record<string, number | string>, metrics: Record<string, number>): ResultRow {
  return { v: 1, hash: JSON.stringify(params), status: "ok", sweep: "t", params, config: params, metrics, start: "", seconds: 1, host: "h" };
}

type Trace = { x: unknown[]; y: Array<number | null>; name: string; error_y: { array: number[] } };
type Axis = { type: string; title: { text: string }; categoryarray?: string[]; hoverformat?: string; exponentformat?: string };
const layoutOf = (f: { layout?: Record<string, unknown> }) => f.layout as { title: { text: string }; xaxis: Axis; yaxis: Axis };

describe("sweep.html figures", () => {
  // accuracy depends on levels (0 = continuous is best) and lr; 3 seeds each
  const rows: ResultRow[] = [];
  const acc = (levels: number, lr: number, seed: number) => 0.5 + (levels === 0 ? 0.4 : levels / 100) + lr + seed / 1000;
  for (const levels of [16, 0, 4, 64])
    for (const lr of [0.001, 0.01, 0.1])
      for (const seed of [1, 2, 3]) rows.push(row({ levels, lr, seed }, { testAccuracy: acc(levels, lr, seed), trainLoss: 1e-6 * (1 + levels) / lr }));
  const figs = sweepFigures(rows, ["levels", "lr", "seed"], ["testAccuracy", "trainLoss"]);
  const find = (title: string) => {
    const f = figs.find((g) => layoutOf(g).title.text.startsWith(title));
    expect(f, title).toBeDefined();
    return f!;
  };

  it("levels: categories 4, 16, 64, continuous (0 last); accuracy in percent, mean over the seeds", () => {
    const f = find("testAccuracy vs levels");
    const l = layoutOf(f);
    expect(l.xaxis.type).toBe("category");
    expect(l.xaxis.categoryarray).toEqual(["4", "16", "64", "continuous"]);
    expect(l.xaxis.title.text).toBe("levels (0 = continuous)");
    expect(l.yaxis.title.text).toBe("testAccuracy (%)");
    // one line per lr (seeds averaged), at each level the mean over 3 seeds, in percent
    const t = (f.data as Trace[]).find((d) => d.name === "lr=0.01")!;
    expect(t.x).toEqual(["4", "16", "64", "continuous"]);
    [4, 16, 64, 0].forEach((lv, i) => expect(t.y[i]).toBeCloseTo((100 * [1, 2, 3].reduce((s, seed) => s + acc(lv, 0.01, seed), 0)) / 3, 10));
    // +-1 std over seeds 1, 2, 3 (0.1 percentage points apart): sqrt(2/3) * 0.1
    expect(t.error_y.array[0]).toBeCloseTo(Math.sqrt(2 / 3) * 0.1, 8);
  });

  it("lr spanning two decades is a log axis; the loss axis is log with powers of ten, no SI prefixes", () => {
    const l = layoutOf(find("trainLoss vs lr"));
    expect(l.xaxis.type).toBe("log");
    expect(l.xaxis.exponentformat).toBe("power");
    expect(l.yaxis.type).toBe("log");
    expect(l.yaxis.exponentformat).toBe("power");
    expect(l.yaxis.title.text).toBe("trainLoss (V²)");
  });

  it("seed is a category axis (a replicate, not a quantity) and never splits lines or heatmaps", () => {
    const f = find("testAccuracy vs seed");
    expect(layoutOf(f).xaxis.type).toBe("category");
    expect(layoutOf(f).xaxis.categoryarray).toEqual(["1", "2", "3"]);
    const heatmaps = figs.filter((g) => (g.data[0] as { type: string }).type === "heatmap").map((g) => layoutOf(g).title.text);
    expect(heatmaps).toEqual(["testAccuracy over levels x lr (mean over seed)", "trainLoss over levels x lr (mean over seed)"]);
    const h = find("testAccuracy over levels x lr");
    const d = h.data[0] as { x: string[]; z: number[][]; texttemplate: string };
    expect(d.x).toEqual(["4", "16", "64", "continuous"]);
    expect(d.z[0][3]).toBeCloseTo((100 * [1, 2, 3].reduce((s, seed) => s + acc(0, 0.001, seed), 0)) / 3, 10);
    // cells labelled in percent with a few digits (means equal up to rounding do not force 15)
    expect(d.texttemplate).toMatch(/^%\{z:\.[3-5]~g\}%$/);
  });

  it("values near 1 keep their digits: cosine 0.99999 and 1 print differently", () => {
    const g = [row({ beta: 1e-4 }, { cosine: 0.99999 }), row({ beta: 1e-3 }, { cosine: 1 }), row({ beta: 1e-2 }, { cosine: 0.9995 })];
    const f = sweepFigures(g, ["beta"], ["cosine"])[0];
    const fmt = layoutOf(f).yaxis.hoverformat!;
    const p = Number(/^\.(\d+)~g$/.exec(fmt)![1]);
    expect(new Set([0.99999, 1, 0.9995].map((v) => Number(v.toPrecision(p)))).size).toBe(3);
    expect(fmtValue(0.99999)).toBe("0.99999");
    expect(fmtValue(0.9999999)).toBe("0.9999999");
    expect(fmtValue(1)).toBe("1");
    expect(fmtValue(0.123456)).toBe("0.1235");
    expect(fmtValue(1.2e-7)).toBe("1.2e-7");
    expect(distinctDigits([0.99999, 1])).toBe(5);
    expect(fmtMetric("testAccuracy", 29 / 30)).toBe("testAccuracy=96.67%");
    expect(fmtMetric("cosine", 0.99999)).toBe("cosine=0.99999");
    expect(metricTitle("v(out)")).toBe("v(out) (V)");
  });
});

describe("sweep progress", () => {
  it("plain lines: each point with the counts and the time left from the mean so far", () => {
    let t = 0;
    const out: string[] = [];
    const p = makeSweepProgress({ write: (s: string) => out.push(s), isTTY: false }, () => t);
    p.start("s", 4);
    t = 10;
    p.point(true, "[1/4] ok a");
    t = 20;
    p.point(false, "[2/4] ERROR b");
    t = 30;
    p.point(true, "[3/4] ok c");
    p.point(true, "[4/4] ok d");
    p.stop();
    expect(out).toEqual(["[1/4] ok a  [1/4 points, 30 s left]\n", "[2/4] ERROR b  [2/4 points, 1 failed, 20 s left]\n", "[3/4] ok c  [3/4 points, 1 failed, 10 s left]\n", "[4/4] ok d  [4/4 points, 1 failed]\n"]);
    expect(etaSeconds(30, 3, 4)).toBe(10);
    expect(fmtDuration(185)).toBe("3m 05s");
    expect(fmtDuration(7620)).toBe("2h 07m");
  });

  const script = existsSync("/usr/bin/script") ? "/usr/bin/script" : undefined;
  if (!script) console.warn("util-linux script not installed: skipping the terminal progress bar test");
  it.skipIf(!script)("on a terminal: a bar with points done, failed and the time; the point lines above it", () => {
    ensureBuilt();
    const out = path.join(tmp, "tty");
    const cmd = `stty cols 200; ${process.execPath} ${CLI} sweep ${path.join(ROOT, "test", "fixtures", "sweep", "op-params.json")} --out ${out} --workers 0`;
    const r = spawnSync(script!, ["-qec", cmd, "/dev/null"], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const screen = r.stdout;
    expect(screen).toMatch(/sweep op-params \|[█░]+\| \d\/9 points {2}\d failed {2}ETA/);
    expect(screen).toMatch(/sweep op-params \|█+\| 9\/9 points {2}3 failed {2}done in/);
    // every point's line is printed (above the bar), even when points run in this thread
    for (let k = 1; k <= 9; k++) expect(screen).toContain(`[${k}/9] `);
    // no plain-mode suffixes on a terminal
    expect(screen).not.toMatch(/points, \d+ failed, .* left\]/);
  }, 60_000);
});
