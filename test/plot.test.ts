/**
 * HTML plots: writePlotHtml writes a self-contained page (plotly inlined,
 * no network) that headless Chromium renders into SVG traces; the
 * transient's PlotSink makes one trace per node with labelled axes.
 * The rendering tests are skipped, with a visible warning, when Chromium
 * is not installed (CHROMIUM=path overrides the lookup).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writePlotHtml } from "../src/plot/html.js";
import { MAX_TRACES, PlotSink, waveformFigures } from "../src/plot/waveforms.js";
import { writeTrainingPlot } from "../src/train/plot.js";
import { writeReports } from "../src/sweep/report.js";
import type { ResultRow } from "../src/sweep/results.js";
import { statSync } from "node:fs";
import { ROOT } from "./helpers/build.js";
import { loadCircuitFromText } from "../src/api.js";
import { transient } from "../src/analysis/tran.js";

const tmp = mkdtempSync(path.join(tmpdir(), "eqspice-plot-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].filter((p): p is string => !!p);
  return candidates.find((p) => existsSync(p));
}
const chromium = findChromium();
if (!chromium) console.warn("chromium not installed: skipping the HTML plot rendering tests");

/** Load a page from file:// in headless Chromium and return its DOM after scripts ran. */
function renderDom(file: string): string {
  const profile = mkdtempSync(path.join(tmp, "profile-"));
  const r = spawnSync(
    chromium!,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${profile}`,
      "--virtual-time-budget=10000",
      "--dump-dom",
      `file://${file}`,
    ],
    { encoding: "utf8", timeout: 90_000, maxBuffer: 256 * 1024 * 1024 },
  );
  if (r.error) throw r.error;
  return r.stdout;
}

/**
 * Number of drawn line traces: plotly's <path class="js-line" d="M...L..."> polylines
 * (legend samples are also js-line paths, but short "M5,0h30" strokes without L).
 */
const tracePaths = (dom: string): number =>
  (dom.match(/<path[^>]*class="js-line"[^>]*>/g) ?? []).filter((tag) => /d="M[^"]*L/.test(tag)).length;

describe("writePlotHtml", () => {
  it("writes one self-contained file: plotly inlined, figures as JSON, no external references", () => {
    const file = path.join(tmp, "page.html");
    writePlotHtml(file, {
      title: "a <test> & plot",
      figures: [{ data: [{ x: [0, 1, 2], y: [0, 1, 4], name: "</script><b>x</b>" }], layout: { xaxis: { title: { text: "time" } } } }],
    });
    const html = readFileSync(file, "utf8");
    expect(html.length).toBeGreaterThan(1_000_000); // plotly inside
    expect(html).toContain("plotly.js"); // the bundle's own banner
    expect(html).toContain("a &lt;test&gt; &amp; plot");
    // nothing loaded from elsewhere: no script src, no stylesheet link
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+href=/);
    // a name that looks like markup cannot close the data element
    expect(html).toContain("\\u003c/script>\\u003cb>x\\u003c/b>");
    // no temporary files left beside it
    expect(readdirSync(tmp).filter((f) => f.includes(".tmp"))).toEqual([]);
  });

  it("waveformFigures: voltages and currents in separate figures, one trace per column, units on the axes", () => {
    const cols = ["time", "v(a)", "v(b)", "i(v1)"];
    const data = [new Float64Array([0, 1e-9]), new Float64Array([0, 1]), new Float64Array([1, 0]), new Float64Array([0, -1e-3])];
    const figs = waveformFigures(cols, ["s", "V", "V", "A"], data, 2);
    expect(figs.length).toBe(2);
    expect(figs[0].data.map((t) => t.name)).toEqual(["v(a)", "v(b)"]);
    expect(figs[1].data.map((t) => t.name)).toEqual(["i(v1)"]);
    const layout = figs[0].layout as { xaxis: { ticksuffix: string }; yaxis: { ticksuffix: string } };
    expect(layout.xaxis.ticksuffix).toBe("s");
    expect(layout.yaxis.ticksuffix).toBe("V");
  });
});

describe.skipIf(!chromium)("plots render in headless Chromium (offline, file://)", () => {
  it("a transient's plot draws one line per node and one per source current", () => {
    const c = loadCircuitFromText(
      `rc\nV1 in 0 PULSE(0 1 1u 10n 10n 2u 5u)\nR1 in a 1k\nC1 a 0 1n\nR2 a b 1k\nC2 b 0 1n\n.tran 50n 6u\n.end\n`,
      "rc.cir",
    );
    const file = path.join(tmp, "tran.html");
    const sink = new PlotSink(file, "rc transient");
    transient(c, { tstop: 6e-6, tstep: 50e-9 }, sink);
    sink.finish();
    const dom = renderDom(file);
    expect(dom).toContain("main-svg");
    // 3 node voltages + 1 source current
    expect(tracePaths(dom)).toBe(4);
    // axes are labelled: titles and SI-suffixed ticks (e.g. "2µs", "500mV")
    expect(dom).toMatch(/class="g-xtitle"/);
    expect(dom).toMatch(/>voltage</);
    expect(dom).toMatch(/µs</);
    expect(dom).toMatch(/mV</);
  }, 120_000);

  it("a hand-made page with two figures draws both", () => {
    const file = path.join(tmp, "two.html");
    writePlotHtml(file, {
      title: "two",
      figures: [
        { data: [{ type: "scatter", mode: "lines", x: [0, 1, 2], y: [1, 3, 2] }], layout: { title: { text: "first" } } },
        { data: [{ type: "scatter", mode: "lines", x: [0, 1], y: [5, 6] }, { type: "scatter", mode: "lines", x: [0, 1], y: [6, 5] }] },
      ],
    });
    const dom = renderDom(file);
    expect((dom.match(/class="main-svg"/g) ?? []).length).toBeGreaterThanOrEqual(2);
    expect(tracePaths(dom)).toBe(3);
  }, 120_000);
});

it("plot writer writes nothing under the final name when it fails", () => {
  const file = path.join(tmp, "fail.html");
  const bad = { title: "x", figures: [{ data: [{ y: 1n as unknown as number }] }] }; // BigInt: JSON.stringify throws
  expect(() => writePlotHtml(file, bad)).toThrow();
  expect(existsSync(file)).toBe(false);
  expect(readdirSync(tmp).filter((f) => f.startsWith(".fail.html"))).toEqual([]);
});

/** Every page eqspice writes is at most 2 MB, plotly included. */
const MB2 = 2 * 1024 * 1024;

describe("plot pages are at most 2 MB", () => {
  it("a transient of a wide circuit (401 nodes, 20,001 rows): columns and rows are budgeted", () => {
    const n = 400;
    let net = "ladder\nV1 n0 0 SIN(0 1 1meg)\n";
    for (let k = 1; k <= n; k++) net += `R${k} n${k - 1} n${k} 1k\nC${k} n${k} 0 1p\n`;
    net += ".end\n";
    const c = loadCircuitFromText(net, "ladder.cir");
    const file = path.join(tmp, "wide.html");
    const sink = new PlotSink(file, "wide");
    const stats = transient(c, { tstop: 2e-6, tstep: 1e-10 }, sink);
    sink.finish();
    expect(stats.rows).toBe(20_001);
    const size = statSync(file).size;
    expect(size).toBeLessThanOrEqual(MB2);
    const html = readFileSync(file, "utf8");
    // 401 node voltages + 1 current: the first MAX_TRACES columns are drawn and the title says so
    expect(html).toContain(`the first ${MAX_TRACES} of 402 columns drawn`);
    expect(size).toBeGreaterThan(1_500_000); // plotly and some data
    const spec = JSON.parse(html.match(/<script type="application\/json" id="fig0-data">([^<]*)<\/script>/)![1]) as { data: Array<{ x: number[] }> };
    expect(spec.data.length).toBe(MAX_TRACES);
    // rows thinned, the last time point kept
    expect(spec.data[0].x.length).toBeGreaterThanOrEqual(50);
    expect(spec.data[0].x.length).toBeLessThan(400);
    expect(spec.data[0].x[spec.data[0].x.length - 1]).toBe(2e-6);
  }, 60_000);

  it("training.html of 1,000 epochs", () => {
    const file = path.join(tmp, "training.html");
    const metrics = Array.from({ length: 1000 }, (_, i) => ({
      epoch: i + 1,
      trainLoss: 1 / (i + 1) + Math.random() * 1e-3,
      testLoss: 1.1 / (i + 1) + Math.random() * 1e-3,
      trainAccuracy: Math.random(),
      testAccuracy: Math.random(),
      seconds: Math.random(),
      samplesPerSecond: 1000 * Math.random(),
    }));
    writeTrainingPlot(metrics, file, "t");
    expect(statSync(file).size).toBeLessThanOrEqual(MB2);
  });

  it("sweep.html of a 3-axis sweep of 600 points", () => {
    const dir = mkdtempSync(path.join(tmp, "sweep-"));
    const rows: ResultRow[] = [];
    for (const lr of [0.01, 0.03, 0.1, 0.3, 1])
      for (const levels of [0, 4, 16, 64])
        for (let seed = 1; seed <= 30; seed++) {
          const params = { lr, levels, seed };
          rows.push({ v: 1, hash: `${lr}-${levels}-${seed}`, status: "ok", sweep: "s", params, config: params, metrics: { testAccuracy: Math.random(), trainLoss: Math.random() * 1e-3 }, start: "", seconds: 1, host: "h" });
        }
    writeReports(dir, rows, { title: "s" });
    expect(statSync(path.join(dir, "sweep.html")).size).toBeLessThanOrEqual(MB2);
  });

  it("the committed theory pages (plots/theory-*.html)", () => {
    for (const part of ["beta", "rbp", "early"]) {
      const size = statSync(path.join(ROOT, "plots", `theory-${part}.html`)).size;
      expect(size, part).toBeLessThanOrEqual(MB2);
      expect(size, part).toBeGreaterThan(1_000_000);
    }
  });
});

describe.skipIf(!chromium)("every kind of figure eqspice draws renders with the inlined bundle", () => {
  it("scatter with error bars, log and category axes, heatmap, bar, histogram", () => {
    const file = path.join(tmp, "kinds.html");
    writePlotHtml(file, {
      title: "kinds",
      figures: [
        { data: [{ type: "scatter", mode: "lines+markers", x: [1e-3, 1e-2, 1e-1], y: [1, 2, 3], error_y: { type: "data", array: [0.1, 0.2, 0.3], visible: true } }], layout: { xaxis: { type: "log" } } },
        { data: [{ type: "scatter", mode: "lines+markers", x: ["1", "2", "3"], y: [3, 1, 2] }], layout: { xaxis: { type: "category" } } },
        { data: [{ type: "heatmap", x: ["a", "b"], y: ["c", "d"], z: [[1, 2], [3, null]], colorscale: "Viridis", hoverongaps: false }] },
        { data: [{ type: "bar", x: ["a", "b", "c"], y: [1, 2, 3] }] },
        { data: [{ type: "histogram", x: [1, 2, 2, 3, 3, 3] }] },
      ],
    });
    const dom = renderDom(file);
    const has = (re: RegExp) => re.test(dom); // (a failing toMatch would print the whole page)
    expect((dom.match(/class="main-svg"/g) ?? []).length).toBeGreaterThanOrEqual(5);
    // error bars, a heatmap image, bars (3 of the bar chart + 3 of the histogram's bins)
    expect(has(/class="errorbar"/), "error bars").toBe(true);
    expect(has(/<g class="hm"><image/), "heatmap image").toBe(true);
    expect((dom.match(/<g class="trace bars"/g) ?? []).length, "bar traces").toBe(2);
    expect((dom.match(/<g class="point"><path d="M[^"]+Z"/g) ?? []).length, "bars").toBe(6);
    // the log axis has decade ticks, the category axis its labels
    expect(has(/>0\.01</), "log ticks").toBe(true);
  }, 120_000);
});
