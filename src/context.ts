import crypto from 'node:crypto';
import type { Client } from 'cassandra-driver';
import type { Config } from './config';
import { CursorCodec } from './domain/cursor';
import { createLoaders, type Loaders } from './loaders';
import type { Logger } from './logger';
import type { Metrics } from './observability/metrics';
import type { Repositories } from './repositories';

/** Long-lived parts, built once at start-up and injected (tests build them around a test keyspace). */
export interface AppDeps {
  config: Config;
  repos: Repositories;
  log: Logger;
  /** The driver the repositories use: /ready, pool metrics and per-request statement counts need it. */
  client?: Client;
  /** Prometheus metrics; createServer makes them when not given. */
  metrics?: Metrics;
}

/**
 * What every resolver receives: the long-lived parts plus this request's own loaders and id. Authentication adds the
 * request's `viewer` here (built from the request's headers, which the server can pass as a second argument).
 */
export interface Context extends AppDeps {
  loaders: Loaders;
  cursors: CursorCodec;
  requestId: string;
}

export function createContextFactory(deps: AppDeps): (requestId?: string) => Context {
  const cursors = new CursorCodec(deps.config.cursorSecret);
  return (requestId = crypto.randomUUID()) => ({
    ...deps,
    cursors,
    requestId,
    loaders: createLoaders(
      deps.repos,
      deps.metrics ? { onBatch: (loader, size) => deps.metrics!.batchSize.observe({ loader }, size) } : {},
    ),
  });
}
