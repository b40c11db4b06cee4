import { runQueueLoad, type QueueLoadPlan } from './load.js';

/**
 * Child-process entry (forked by the queue benchmark): the load generator runs in a process of its own, so its work
 * is neither on the API's event loop nor in its latency. (Not a worker thread: autocannon treats a non-main thread
 * as one of its own workers and returns raw histograms.)
 */
process.once('message', (plan: QueueLoadPlan) => {
  runQueueLoad(plan)
    .then((result) => process.send!({ result }, () => process.exit(0)))
    .catch((e: Error) => process.send!({ error: e.stack ?? e.message }, () => process.exit(1)));
});
