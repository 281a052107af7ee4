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
import { PlotSink, waveformFigures } from "../src/plot/waveforms.js";
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
