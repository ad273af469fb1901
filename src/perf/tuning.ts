/**
 * The performance measures of the service, each on by default. They exist as switches so that the benchmark
 * (`npm run bench -- --ablation`) can measure what each one buys, side by side, and so that one can be turned off
 * when diagnosing a problem (AppDeps.tuning). See the README's "Performance (benchmarks)" section for the figures.
 */
export interface Tuning {
  /** Execute operations with graphql-jit compiled queries (src/graphql/jit-executor.ts) instead of graphql-js. */
  jit: boolean;
  /**
   * Issue the shelf reads a `user(id)` selection asks for together with the user's own read instead of after it
   * (src/graphql/prefetch.ts): the reads are the same, the round trips are not stacked.
   */
  prefetch: boolean;
  /** Reuse the viewer of a bearer token verified before, until it expires (src/auth/token-cache.ts). */
  tokenCache: boolean;
  /** Prepare the hot read statements when the server starts listening (src/cassandra/warm-up.ts). */
  warmUp: boolean;
  /**
   * Cache hints computed per field once, only the fields that carry them instrumented
   * (src/graphql/cache-control.ts), instead of Apollo's plugin hooking every resolved field.
   */
  staticCacheControl: boolean;
  /**
   * Apollo's per-request gateway context built without an object literal with accessors
   * (src/graphql/gateway-context.ts): on Node 20 that literal made every request's objects survive two scavenges
   * and get promoted. Only with `jit` (the context is built for the gateway executor); process-wide once on.
   */
  gatewayContext: boolean;
}

export const DEFAULT_TUNING: Tuning = {
  jit: true,
  prefetch: true,
  tokenCache: true,
  warmUp: true,
  staticCacheControl: true,
  gatewayContext: true,
};

export function resolveTuning(t: Partial<Tuning> | undefined): Tuning {
  return { ...DEFAULT_TUNING, ...t };
}
