/**
 * Worker thread of data-parallel training (train/parallel.ts): builds its
 * model from the WorkerInit in workerData, then for every epoch the main
 * thread posts trains its samples of each batch and evaluates its test
 * samples. Loaded from the compiled library (dist/src/train/parallel-worker.js).
 */
import { parentPort, workerData } from "node:worker_threads";
import { TrainWorker, type MainMessage, type WorkerInit, type WorkerMessage } from "./parallel.js";
import { Aborted, abortShared } from "./parallel-shared.js";

if (!parentPort) throw new Error("src/train/parallel-worker.ts runs as a worker thread only");
const port = parentPort;
const init = workerData as WorkerInit;
const send = (m: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

function fail(e: unknown): void {
  // Wake the other workers first: they may be waiting for this one at a barrier.
  abortShared(init.ctl);
  const err = e instanceof Error ? e : new Error(String(e));
  send({ type: "error", name: err.name === "Error" ? err.constructor.name : err.name, message: err.message, stack: err.stack ?? err.message, aborted: err instanceof Aborted });
}

let worker: TrainWorker | null = null;
try {
  worker = new TrainWorker(init);
  send({ type: "ready" });
} catch (e) {
  fail(e);
}

port.on("message", (m: MainMessage) => {
  if (!worker || m.type !== "epoch") return;
  try {
    const t = worker.runEpoch(m);
    send({ type: "trained", loss: t.loss, correct: t.correct, cpuSeconds: t.cpuSeconds });
    const e = worker.evaluate();
    send({ type: "evaluated", loss: e.loss, correct: e.correct, state: e.state }, [e.state.buffer as ArrayBuffer]);
  } catch (e) {
    fail(e);
  }
});
