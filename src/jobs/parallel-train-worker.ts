/** Worker thread entry of chooseHyperparametersInWorker (see parallel-train.ts): one request, one answer. */
import { parentPort } from 'node:worker_threads';
import { chooseHyperparameters, unpackRows, type HyperparameterRequest } from './parallel-train';

parentPort!.once('message', (req: HyperparameterRequest) => {
  try {
    const result = chooseHyperparameters(unpackRows(req.rows), req.items, req.users, req.options);
    parentPort!.postMessage({ ok: true, result });
  } catch (err) {
    parentPort!.postMessage({
      ok: false,
      error: err instanceof Error ? (err.stack ?? err.message) : String(err),
    });
  }
});
