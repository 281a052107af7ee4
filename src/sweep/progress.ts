/**
 * Sweep progress for people: on a terminal, a bar (cli-progress) with the
 * points done and failed and the time left, the per-point lines printed
 * above it; elsewhere (CI logs, batch schedulers, a file) one plain line per
 * point with the same counts and the time left. Output goes to the given
 * stream (stderr), so stdout stays for results.
 */
import cliProgress from "cli-progress";

export interface SweepProgress {
  /** The sweep starts: `todo` points to run. */
  start(name: string, todo: number): void;
  /** A point finished (ok or failed); `line` describes it. */
  point(ok: boolean, line: string): void;
  stop(): void;
}

/** Time for people: 42 s, 3m 05s, 2h 07m. */
export function fmtDuration(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 60) return `${Math.round(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(Math.round(s - 60 * m)).padStart(2, "0")}s`;
  const h = Math.floor(m / 60);
  return `${h}h ${String(m - 60 * h).padStart(2, "0")}m`;
}

/** Remaining time from the mean time per finished point so far (s); NaN before the first. */
export function etaSeconds(elapsed: number, done: number, todo: number): number {
  return done > 0 ? (elapsed / done) * (todo - done) : NaN;
}

export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
}

export function makeSweepProgress(stream: ProgressStream = process.stderr, now: () => number = () => performance.now() / 1000): SweepProgress {
  let todo = 0;
  let done = 0;
  let failed = 0;
  let t0 = 0;
  const counts = () => `${done}/${todo} points${failed ? `, ${failed} failed` : ""}`;
  if (!stream.isTTY) {
    return {
      start(_name, n) {
        todo = n;
        t0 = now();
      },
      point(ok, line) {
        done++;
        if (!ok) failed++;
        const left = todo - done;
        stream.write(`${line}  [${counts()}${left ? `, ${fmtDuration(etaSeconds(now() - t0, done, todo))} left` : ""}]\n`);
      },
      stop() {},
    };
  }
  const multi = new cliProgress.MultiBar(
    {
      stream: stream as NodeJS.WritableStream,
      format: "sweep {name} |{bar}| {value}/{total} points  {failed} failed  {left}",
      hideCursor: true,
      barsize: 24,
      clearOnComplete: false,
      stopOnComplete: false,
      forceRedraw: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let bar: cliProgress.SingleBar | null = null;
  let name = "";
  const left = () => (done === 0 ? "ETA ?" : done === todo ? `done in ${fmtDuration(now() - t0)}` : `ETA ${fmtDuration(etaSeconds(now() - t0, done, todo))}`);
  return {
    start(n, count) {
      name = n;
      todo = count;
      t0 = now();
      if (todo > 0) bar = multi.create(todo, 0, { name, failed: 0, left: left() });
    },
    point(ok, line) {
      done++;
      if (!ok) failed++;
      multi.log(line + "\n");
      bar?.update(done, { name, failed, left: left() });
      // draw now: points run in this thread (--workers 0) block the bar's own timer, and its log would wait
      multi.update();
    },
    stop() {
      bar?.update(done, { name, failed, left: left() });
      multi.update();
      multi.stop();
    },
  };
}
