/**
 * Self-contained HTML plots: plotly.js is inlined, so the file opens
 * offline from file://. The bundle is plotly's own minified cartesian
 * partial build (npm plotly.js-cartesian-dist-min, 1.5 MB: scatter, bar,
 * heatmap, histogram, box, contour...), which draws every figure eqspice
 * makes; a page is that plus its data, well under 2 MB for every page
 * eqspice writes. Each figure is a plotly
 * {data, layout} pair drawn in its own div, in order. Figures' JSON is
 * embedded as application/json with '<' escaped, so no string in the data
 * can end the script element. Written atomically (temporary name, then
 * rename).
 *
 *   writePlotHtml("out.html", { title: "RC", figures: [{ data: [{ x, y, name: "v(out)" }], layout: { xaxis: { title: { text: "time (s)" } } } }] });
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { AtomicFile } from "../output/atomic.js";

/** A plotly figure: traces and layout, as plotly.newPlot takes them (plain JSON). */
export interface PlotFigure {
  data: Array<Record<string, unknown>>;
  layout?: Record<string, unknown>;
  /** Height of the figure's div in pixels (default 520). */
  height?: number;
}

/** Same as PlotFigure (the name the first version of this module used). */
export type Figure = PlotFigure;

export interface PlotPage {
  title: string;
  figures: PlotFigure[];
  /** Optional HTML shown above the figures (already escaped by the caller). */
  note?: string;
}

let plotlySource: string | undefined;

/** The package and file of the inlined plotly bundle. */
export const PLOTLY_PACKAGE = "plotly.js-cartesian-dist-min";
const PLOTLY_FILE = "plotly-cartesian.min.js";

/** The plotly.js bundle's source text (cached). */
export function plotlyBundle(): string {
  if (plotlySource === undefined) {
    const req = createRequire(import.meta.url);
    const dir = dirname(req.resolve(`${PLOTLY_PACKAGE}/package.json`));
    plotlySource = readFileSync(join(dir, PLOTLY_FILE), "utf8");
    if (/<\/script/i.test(plotlySource)) plotlySource = plotlySource.replace(/<\/script/gi, "<\\/script");
  }
  return plotlySource;
}

/** JSON safe inside a <script> element. */
function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, "\\u003c");
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Write the page to `path` (atomically). */
export function writePlotHtml(path: string, page: PlotPage): void {
  const f = new AtomicFile(path);
  try {
    f.write(`<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${escapeHtml(page.title)}</title>\n`);
    f.write(`<style>body{font-family:sans-serif;margin:16px}h1{font-size:18px}.fig{width:100%;margin-bottom:24px}</style>\n`);
    f.write(`<script>\n`);
    f.write(plotlyBundle());
    f.write(`\n</script>\n</head>\n<body>\n<h1>${escapeHtml(page.title)}</h1>\n`);
    if (page.note) f.write(`<p>${page.note}</p>\n`);
    page.figures.forEach((fig, i) => {
      f.write(`<div id="fig${i}" class="fig" style="height:${fig.height ?? 520}px"></div>\n`);
      f.write(`<script type="application/json" id="fig${i}-data">${scriptJson({ data: fig.data, layout: fig.layout ?? {} })}</script>\n`);
    });
    f.write(`<script>\n(function () {\n  for (var i = 0; i < ${page.figures.length}; i++) {\n`);
    f.write(`    var spec = JSON.parse(document.getElementById("fig" + i + "-data").textContent);\n`);
    f.write(`    Plotly.newPlot("fig" + i, spec.data, spec.layout, { responsive: true, displaylogo: false });\n  }\n})();\n</script>\n`);
    f.write(`</body>\n</html>\n`);
    f.commit();
  } catch (e) {
    f.abort();
    throw e;
  }
}
