import crypto from 'node:crypto';
import type { Client } from 'cassandra-driver';
import { AccessPolicy, ANONYMOUS, type Viewer } from './auth/policy';
import type { Config } from './config';
import type { Resolvers } from './generated/graphql';
import { CursorCodec } from './domain/cursor';
import { createLoaders, type Loaders } from './loaders';
import type { Logger } from './logger';
import type { Metrics } from './observability/metrics';
import { resolveTuning, type Tuning } from './perf/tuning';
import { prefetchingRepositories } from './graphql/prefetch';
import { bindRepositories, type Repositories } from './repositories';
import { countingClient } from './cassandra/session';
import { newRequestScope, type RequestScope } from './observability/request-scope';

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
  /**
   * Resolvers over the same schema instead of the service's own (src/resolvers): the layer benchmark serves fixed
   * answers with them (bench/lib/static-resolvers.ts). The service's when absent.
   */
  resolvers?: Resolvers;
}

/**
 * What every resolver receives: the long-lived parts plus this request's own loaders and id, and who is asking: the
 * `viewer` from the request's bearer token (anonymous without one) and `auth`, the checks of src/auth/policy.ts.
 */
export interface Context extends AppDeps {
  loaders: Loaders;
  cursors: CursorCodec;
  requestId: string;
  /** This request's id, operation and statement count (its log line); the HTTP handler's, or a fresh one. */
  scope: RequestScope;
  viewer: Viewer;
  auth: AccessPolicy;
}

export type ContextFactory = (requestId?: string, viewer?: Viewer, scope?: RequestScope) => Context;

export function createContextFactory(deps: AppDeps): ContextFactory {
  const cursors = new CursorCodec(deps.config.cursorSecret);
  const prefetch = resolveTuning(deps.tuning).prefetch;
  const onBatch = deps.metrics
    ? { onBatch: (loader: keyof Loaders, size: number) => deps.metrics!.batchSize.observe({ loader }, size) }
    : {};
  return (requestId, viewer = ANONYMOUS, scope = newRequestScope(requestId ?? crypto.randomUUID())) => {
    // The repositories over this request's counting view of the client: its statements are counted into its scope.
    const repos = deps.client ? bindRepositories(deps.repos, countingClient(deps.client, scope)) : deps.repos;
    // Spelled out rather than `{ ...deps, … }`: V8 (Node 20) builds a spread followed by more properties on a slow
    // path (≈ 15× slower in isolation, and in a loop that only builds contexts each scavenge promoted ≈ 2 MB of them;
    // with the literal, nothing). A literal also gives every context the same shape.
    return {
      config: deps.config,
      log: deps.log,
      client: deps.client,
      metrics: deps.metrics,
      tuning: deps.tuning,
      // Shelf reads `user(id)` started early are handed over (take-once): src/graphql/prefetch.ts.
      repos: prefetch ? prefetchingRepositories(repos) : repos,
      cursors,
      requestId: scope.requestId,
      scope,
      viewer,
      auth: new AccessPolicy(viewer),
      loaders: createLoaders(repos, onBatch),
    };
  };
}
