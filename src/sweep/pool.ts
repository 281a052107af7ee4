/**
 * Runs point jobs on a pool of worker threads (node:worker_threads), one
 * point per worker at a time. A point that throws comes back as an error
 * outcome from the worker; a worker that dies (uncaught error, exit, out of
 * memory) or exceeds the per-point time limit is terminated, its point
 * becomes an error outcome, and a fresh worker takes the next point.
 * Size 0 runs the points in this thread, one after another (debugging).
 */
import { Worker } from "node:worker_threads";
import { executePoint, type PointJob, type PointOutcome } from "./execute.js";
import { workerScript } from "./worker-path.js";

export interface PoolOptions {
  /** Worker threads; 0 = run in this thread. */
  size: number;
  /** Per-point time limit (s). */
  timeout?: number;
  /** Called on the main thread as each point finishes (in completion order). */
  onOutcome: (o: PointOutcome, job: PointJob) => void;
}

function failed(job: PointJob, start: Date, error: string): PointOutcome {
  return { hash: job.hash, status: "error", metrics: {}, error, start: start.toISOString(), seconds: (Date.now() - start.getTime()) / 1000 };
}

/** One worker thread, replaced after a crash or a timeout. */
class Lane {
  private worker: Worker | null = null;
  constructor(
    private readonly script: URL,
    private readonly timeout: number | undefined,
  ) {}

  run(job: PointJob): Promise<PointOutcome> {
    const w = (this.worker ??= this.spawn());
    const start = new Date();
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (o: PointOutcome, kill: boolean) => {
        w.off("message", onMessage);
        w.off("error", onError);
        w.off("exit", onExit);
        if (timer) clearTimeout(timer);
        if (kill) {
          this.worker = null;
          void w.terminate();
        }
        resolve(o);
      };
      const onMessage = (o: PointOutcome) => finish(o, false);
      const onError = (e: Error) => finish(failed(job, start, `worker crashed: ${e?.message ?? String(e)}`), true);
      const onExit = (code: number) => finish(failed(job, start, `worker exited with code ${code}`), true);
      w.on("message", onMessage);
      w.on("error", onError);
      w.on("exit", onExit);
      if (this.timeout !== undefined) timer = setTimeout(() => finish(failed(job, start, `timed out after ${this.timeout} s`), true), this.timeout * 1000);
      w.postMessage(job);
    });
  }

  private spawn(): Worker {
    const w = new Worker(this.script);
    // An error after the point was settled (e.g. while terminating) must not crash the sweep.
    w.on("error", () => {});
    return w;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}

/** Run every job; resolves when all have finished. */
export async function runPool(jobs: PointJob[], opts: PoolOptions): Promise<void> {
  const queue = [...jobs];
  if (opts.size <= 0) {
    for (const job of queue) opts.onOutcome(await executePoint(job), job);
    return;
  }
  const script = workerScript();
  const lanes = Array.from({ length: Math.min(opts.size, queue.length) }, () => new Lane(script, opts.timeout));
  await Promise.all(
    lanes.map(async (lane) => {
      try {
        for (let job = queue.shift(); job; job = queue.shift()) opts.onOutcome(await lane.run(job), job);
      } finally {
        await lane.close();
      }
    }),
  );
}
