import { parentPort, workerData } from 'node:worker_threads';
import { runLoad, type LoadPlan } from './load.js';

/** Worker-thread entry: runs the HTTP load and reports progress and the result to the benchmark. */
const plan = workerData as LoadPlan & { school: LoadPlan['school'] & { anchor: Date } };
runLoad(plan, (m) => parentPort!.postMessage({ progress: m }))
  .then((result) => parentPort!.postMessage({ result }))
  .catch((e: Error) => parentPort!.postMessage({ error: e.stack ?? e.message }));
