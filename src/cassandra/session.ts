import type { Client } from 'cassandra-driver';
import type { RequestScope } from '../observability/request-scope';

type Execute = Client['execute'];
type Batch = Client['batch'];

/**
 * One request's view of the shared client: the same connections, pool and prepared statements, but every
 * `execute` / `batch` is counted into the request's scope (the `statements` of its log line). Only the two
 * methods are intercepted; everything else is the shared client itself.
 *
 * Counted per logical statement, like the Prometheus counters of src/observability/cql.ts: retries and
 * speculative executions of one call count once.
 */
export function countingClient(client: Client, scope: RequestScope): Client {
  const counted = <R>(work: Promise<R>): Promise<R> =>
    work.then(
      (r) => {
        scope.statements += 1;
        return r;
      },
      (err: unknown) => {
        scope.statements += 1;
        scope.statementErrors += 1;
        throw err;
      },
    );
  const execute = function (this: unknown, ...args: unknown[]) {
    const result = (client.execute as (...a: unknown[]) => unknown)(...args);
    // The callback form returns nothing to count; the service never uses it.
    return result instanceof Promise ? counted(result) : result;
  } as Execute;
  const batch = function (this: unknown, ...args: unknown[]) {
    const result = (client.batch as (...a: unknown[]) => unknown)(...args);
    return result instanceof Promise ? counted(result) : result;
  } as Batch;
  return new Proxy(client, {
    get(target, prop) {
      if (prop === 'execute') return execute;
      if (prop === 'batch') return batch;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
