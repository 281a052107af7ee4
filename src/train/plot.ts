/** training.html: loss and accuracy curves of a run. */
import { writePlotHtml } from "../plot/html.js";
import type { EpochMetrics } from "./trainer.js";

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
    ],
  });
}
