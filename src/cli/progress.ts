/**
 * Training progress: a progress bar on a terminal (cli-progress), plain
 * lines otherwise (CI logs, batch schedulers). Output goes to stderr so
 * stdout stays for results.
 */
import type { EpochMetrics } from "../train/trainer.js";
import cliProgress from "cli-progress";

export interface Progress {
  sample(done: number, total: number): void;
  epoch(m: EpochMetrics, epochs: number): void;
  stop(): void;
}

function line(m: EpochMetrics, epochs: number): string {
  return `epoch ${m.epoch}/${epochs}  loss ${m.trainLoss.toExponential(3)}  train ${(100 * m.trainAccuracy).toFixed(1)}%  test ${(100 * m.testAccuracy).toFixed(1)}%  ${m.samplesPerSecond.toFixed(0)} samples/s`;
}

export function makeProgress(): Progress {
  if (!process.stderr.isTTY) {
    return {
      sample() {},
      epoch: (m, epochs) => process.stderr.write(line(m, epochs) + "\n"),
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: "epoch {epoch} |{bar}| {value}/{total} samples  {info}", stream: process.stderr, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let epochNo = 1;
  let info = "";
  return {
    sample(done, total) {
      if (!started) {
        bar.start(total, 0, { epoch: epochNo, info });
        started = true;
      }
      if (done % 16 === 0 || done === total) bar.update(done, { epoch: epochNo, info });
    },
    epoch(m, epochs) {
      info = `loss ${m.trainLoss.toExponential(2)} test ${(100 * m.testAccuracy).toFixed(1)}%`;
      epochNo = m.epoch + 1;
      if (started) {
        bar.stop();
        started = false;
      }
      process.stderr.write(line(m, epochs) + "\n");
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
