/** training.html: loss and accuracy curves of a run. */
import { writePlotHtml } from "../plot/html.js";
import type { EpochMetrics } from "./trainer.js";
import type { PhysicalStats, Summary } from "./physical.js";

export function writeTrainingPlot(metrics: EpochMetrics[], path: string, title: string): void {
  const epochs = metrics.map((m) => m.epoch);
  writePlotHtml(path, {
    title: `Training: ${title}`,
    figures: [
      {
        data: [
          { x: epochs, y: metrics.map((m) => m.trainLoss), name: "train loss", mode: "lines+markers" },
          { x: epochs, y: metrics.map((m) => m.testLoss), name: "test loss", mode: "lines+markers" },
        ],
        layout: { title: { text: "Loss |out - y|^2 / 2" }, xaxis: { title: { text: "epoch" } }, yaxis: { title: { text: "loss (V^2)" }, type: "log" } },
      },
      {
        data: [
          { x: epochs, y: metrics.map((m) => 100 * m.trainAccuracy), name: "train accuracy", mode: "lines+markers" },
          { x: epochs, y: metrics.map((m) => 100 * m.testAccuracy), name: "test accuracy", mode: "lines+markers" },
        ],
        layout: { title: { text: "Accuracy" }, xaxis: { title: { text: "epoch" } }, yaxis: { title: { text: "accuracy (%)" }, range: [0, 100] } },
      },
      ...physicalFigures(metrics),
    ],
  });
}

/** `--relax ode` runs: settling time and energy per sample (mean and percentiles), training and inference. */
function physicalFigures(metrics: EpochMetrics[]) {
  const ms = metrics.filter((m) => m.physical);
  if (!ms.length) return [];
  const epochs = ms.map((m) => m.epoch);
  const series = (pick: (s: PhysicalStats) => Summary, scale: number, what: string) =>
    (["train", "test"] as const).flatMap((set) =>
      (["mean", "p50", "p90", "p99"] as const).map((k) => ({
        x: epochs,
        y: ms.map((m) => scale * pick(m.physical![set])[k]),
        name: `${set === "train" ? "training" : "inference"} ${what} ${k}`,
        mode: "lines+markers",
        line: { dash: k === "mean" ? "solid" : "dot" },
      })),
    );
  return [
    {
      data: series((s) => s.time, 1e9, "settling time"),
      layout: { title: { text: "Settling time per sample (training: free and nudged phases; inference: the free phase)" }, xaxis: { title: { text: "epoch" } }, yaxis: { title: { text: "circuit time (ns)" }, type: "log" } },
    },
    {
      data: [...series((s) => s.dissipated, 1e9, "dissipated"), ...series((s) => s.drawn, 1e9, "drawn")],
      layout: { title: { text: "Energy per sample: dissipated in the resistive devices, drawn from the sources" }, xaxis: { title: { text: "epoch" } }, yaxis: { title: { text: "energy (nJ)" }, type: "log" } },
    },
  ];
}
