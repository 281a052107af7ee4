/**
 * Self-contained HTML plots: plotly.js (plotly.js-dist) is inlined, so the
 * file opens offline from file://. One page can hold several figures.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { writeFileAtomic } from "../util/atomic.js";

export interface Figure {
  /** Plotly traces. */
  data: Array<Record<string, unknown>>;
  /** Plotly layout (title, axes with units...). */
  layout: Record<string, unknown>;
}

export interface PlotPage {
  title: string;
  figures: Figure[];
  /** Optional HTML shown above the figures (already escaped by the caller). */
  note?: string;
}

let plotlySource: string | null = null;

function plotly(): string {
  if (!plotlySource) {
    const require = createRequire(import.meta.url);
    plotlySource = readFileSync(require.resolve("plotly.js-dist"), "utf8");
  }
  return plotlySource;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Render the page as a string. */
export function plotHtml(page: PlotPage): string {
  const divs = page.figures.map((_, i) => `<div id="fig${i}" class="fig"></div>`).join("\n");
  // JSON inside <script>: escape "</" so data cannot close the tag.
  const json = JSON.stringify(page.figures).replace(/<\//g, "<\\/");
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(page.title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}.fig{width:100%;max-width:1100px;height:460px;margin-bottom:1.5em}</style>
<script>${plotly()}</script></head>
<body><h2>${escapeHtml(page.title)}</h2>${page.note ? `<p>${page.note}</p>` : ""}
${divs}
<script>
const figures = ${json};
figures.forEach((f, i) => Plotly.newPlot("fig" + i, f.data, Object.assign({margin: {t: 50}}, f.layout), {responsive: true}));
</script></body></html>
`;
}

/** Write the page atomically. */
export function writePlotHtml(path: string, page: PlotPage): void {
  writeFileAtomic(path, plotHtml(page));
}
