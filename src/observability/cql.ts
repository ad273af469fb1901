import { EventEmitter } from 'node:events';
import type { Client } from 'cassandra-driver';
import type { Metrics } from './metrics';

const INSTRUMENTED = Symbol.for('personalization-subgraph.cql-instrumented');

type Instrumented = Client & { [INSTRUMENTED]?: { metrics: Metrics | null } };

/**
 * Counts every statement the service's code issues through `client.execute` / `client.batch` into Prometheus
 * (`cql_statements_total{kind,outcome}`, `cql_statement_duration_seconds`); a request's own count is kept by its
 * view of the client (src/cassandra/session.ts).
 *
 * Why at the call site and not in the driver's request tracker: the tracker is called once per execution attempt;
 * here a statement counts once however often the driver retried or speculatively executed it. The driver's own per-attempt events (errors by kind,
 * retries, speculative executions) feed the `cql_driver_*` metrics from `client.metrics`.
 *
 * Idempotent: instrumenting a client twice only swaps the metrics it reports to.
 */
export function instrumentClient(client: Client, metrics: Metrics | null): void {
  const c = client as Instrumented;
  if (c[INSTRUMENTED]) {
    c[INSTRUMENTED].metrics = metrics;
    return;
  }
  const state = { metrics };
  c[INSTRUMENTED] = state;

  const wrap = <A extends unknown[], R>(kind: 'statement' | 'batch', fn: (...args: A) => Promise<R>) =>
    function (this: Client, ...args: A): Promise<R> {
      // The callback style is not used by the service; leave it untouched.
      if (typeof args[args.length - 1] === 'function') return fn.apply(this, args);
      const started = process.hrtime.bigint();
      const done = (outcome: 'ok' | 'error') => {
        state.metrics?.cqlStatements.inc({ kind, outcome });
        state.metrics?.cqlDuration.observe({ kind }, Number(process.hrtime.bigint() - started) / 1e9);
      };
      return fn.apply(this, args).then(
        (r) => {
          done('ok');
          return r;
        },
        (err: unknown) => {
          done('error');
          throw err;
        },
      );
    };
  const execute = client.execute.bind(client) as (...a: unknown[]) => Promise<unknown>;
  const batch = client.batch.bind(client) as (...a: unknown[]) => Promise<unknown>;
  (client as unknown as Record<string, unknown>).execute = wrap('statement', execute);
  (client as unknown as Record<string, unknown>).batch = wrap('batch', batch);

  // Per-attempt events of the driver's DefaultMetrics (absent when a custom ClientMetrics is configured).
  const dm = client.metrics as unknown as {
    errors?: Record<string, EventEmitter>;
    retries?: Record<string, EventEmitter>;
    speculativeExecutions?: EventEmitter;
  };
  for (const kind of [
    'unavailable',
    'readTimeout',
    'writeTimeout',
    'clientTimeout',
    'connection',
    'authentication',
    'other',
  ]) {
    const e = dm.errors?.[kind];
    if (e instanceof EventEmitter) e.on('increment', () => state.metrics?.cqlDriverErrors.inc({ kind }));
  }
  for (const reason of ['unavailable', 'readTimeout', 'writeTimeout', 'clientTimeout', 'other']) {
    const e = dm.retries?.[reason];
    if (e instanceof EventEmitter) e.on('increment', () => state.metrics?.cqlRetries.inc({ reason }));
  }
  if (dm.speculativeExecutions instanceof EventEmitter) {
    dm.speculativeExecutions.on('increment', () => state.metrics?.cqlSpeculative.inc());
  }
}
