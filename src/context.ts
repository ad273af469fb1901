import crypto from 'node:crypto';
import type { Client } from 'cassandra-driver';
import { AccessPolicy, ANONYMOUS, type Viewer } from './auth/policy';
import type { Config } from './config';
import { CursorCodec } from './domain/cursor';
import { createLoaders, type Loaders } from './loaders';
import type { Logger } from './logger';
import type { Metrics } from './observability/metrics';
import { resolveTuning, type Tuning } from './perf/tuning';
import { prefetchingRepositories } from './graphql/prefetch';
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
  /** Performance switches (src/perf/tuning.ts); all on when absent. */
  tuning?: Partial<Tuning>;
}

/**
 * What every resolver receives: the long-lived parts plus this request's own loaders and id, and who is asking: the
 * `viewer` from the request's bearer token (anonymous without one) and `auth`, the checks of src/auth/policy.ts.
 */
export interface Context extends AppDeps {
  loaders: Loaders;
  cursors: CursorCodec;
  requestId: string;
  viewer: Viewer;
  auth: AccessPolicy;
}

export function createContextFactory(deps: AppDeps): (requestId?: string, viewer?: Viewer) => Context {
  const cursors = new CursorCodec(deps.config.cursorSecret);
  const prefetch = resolveTuning(deps.tuning).prefetch;
  return (requestId = crypto.randomUUID(), viewer = ANONYMOUS) => ({
    ...deps,
    // This request's view of the repositories: shelf reads `user(id)` started early are handed over (take-once).
    ...(prefetch ? { repos: prefetchingRepositories(deps.repos) } : {}),
    cursors,
    requestId,
    viewer,
    auth: new AccessPolicy(viewer),
    loaders: createLoaders(
      deps.repos,
      deps.metrics ? { onBatch: (loader, size) => deps.metrics!.batchSize.observe({ loader }, size) } : {},
    ),
  });
}
