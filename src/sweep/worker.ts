/**
 * Sweep worker thread: runs the points the main thread posts, one at a
 * time, and posts back each PointOutcome. Loaded from the compiled library
 * (dist/src/sweep/worker.js), see worker-path.ts.
 */
import { parentPort } from "node:worker_threads";
import { executePoint, type PointJob } from "./execute.js";

if (!parentPort) throw new Error("src/sweep/worker.ts runs as a worker thread only");
const port = parentPort;
port.on("message", (job: PointJob) => {
  void executePoint(job).then((outcome) => port.postMessage(outcome));
});
