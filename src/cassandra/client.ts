import fs from 'node:fs';
import { Client, auth, policies, tracker, types, type ClientOptions } from 'cassandra-driver';
import type { CassandraConfig } from '../config';
import { ServiceRetryPolicy } from './retry';

/**
 * Counts every CQL request the driver completes (a batch counts once), so specifications can assert the exact
 * number of statements an operation costs, and operations can log it.
 */
// The driver checks `instanceof RequestTracker` at run time, but its typings declare only an interface.
const RequestTrackerBase = (tracker as unknown as { RequestTracker: new () => tracker.RequestTracker })
  .RequestTracker;

export class StatementCounter extends RequestTrackerBase implements tracker.RequestTracker {
  count = 0;
  errors = 0;
  /** The most recent statements, newest last (bounded), for test diagnostics. */
  readonly recent: string[] = [];
  /**
   * The driver calls the tracker once per execution attempt; a retried or speculatively executed statement shares
   * one ExecutionOptions object across its attempts, so it counts once.
   */
  private readonly seen = new WeakSet<object>();

  override onSuccess(
    _host: unknown,
    query: string | Array<{ query: string } | string>,
    _params?: unknown,
    execOptions?: unknown,
  ): void {
    if (this.firstAttempt(execOptions)) {
      this.count += 1;
      this.remember(query);
    }
  }

  override onError(
    _host: unknown,
    query: string | Array<{ query: string } | string>,
    _params?: unknown,
    execOptions?: unknown,
  ): void {
    this.errors += 1;
    if (this.firstAttempt(execOptions)) {
      this.count += 1;
      this.remember(query);
    }
  }

  private firstAttempt(execOptions: unknown): boolean {
    if (typeof execOptions !== 'object' || execOptions === null) return true;
    if (this.seen.has(execOptions)) return false;
    this.seen.add(execOptions);
    return true;
  }

  override shutdown(): void {}

  reset(): void {
    this.count = 0;
    this.errors = 0;
    this.recent.length = 0;
  }

  private remember(query: string | Array<{ query: string } | string>): void {
    const text = Array.isArray(query)
      ? `BATCH(${query.map((q) => (typeof q === 'string' ? q : q.query)).join('; ')})`
      : query;
    this.recent.push(text);
    if (this.recent.length > 200) this.recent.shift();
  }
}

const CONSISTENCY: Record<CassandraConfig['consistency'], types.consistencies> = {
  ONE: types.consistencies.one,
  LOCAL_ONE: types.consistencies.localOne,
  QUORUM: types.consistencies.quorum,
  LOCAL_QUORUM: types.consistencies.localQuorum,
  EACH_QUORUM: types.consistencies.eachQuorum,
  ALL: types.consistencies.all,
};

export interface CreateClientOptions {
  /** Connect to this keyspace; `null` for none (the migration runner creates it). */
  keyspace?: string | null;
  counter?: StatementCounter;
}

/**
 * The CQL port the contact points share, if they name one. The driver gives every peer it discovers
 * `protocolOptions.port` (default 9042), not the contact points' port: a cluster on another port (the 3-node chaos
 * cluster on 59042) would otherwise be half-found — or found on somebody else's 9042.
 */
export function sharedPort(contactPoints: string[]): number | undefined {
  const ports = contactPoints.map((cp) => /^(?:\[[^\]]+\]|[^:]+):(\d+)$/.exec(cp)?.[1]);
  if (ports.length === 0 || ports.some((p) => p === undefined)) return undefined;
  return new Set(ports).size === 1 ? Number(ports[0]) : undefined;
}

export function clientOptions(
  cfg: CassandraConfig,
  contactPoints: string[],
  opts: CreateClientOptions = {},
): ClientOptions {
  return {
    contactPoints,
    localDataCenter: cfg.localDataCenter,
    keyspace: opts.keyspace === undefined ? cfg.keyspace : (opts.keyspace ?? undefined),
    credentials: cfg.username ? { username: cfg.username, password: cfg.password ?? '' } : undefined,
    authProvider: cfg.username ? new auth.PlainTextAuthProvider(cfg.username, cfg.password ?? '') : undefined,
    sslOptions: cfg.tls ? { ca: cfg.tlsCaFile ? [fs.readFileSync(cfg.tlsCaFile)] : undefined } : undefined,
    queryOptions: {
      // LOCAL_QUORUM: with RF=3 a read sees every acknowledged LOCAL_QUORUM write and survives one node down.
      consistency: CONSISTENCY[cfg.consistency],
      prepare: true,
    },
    socketOptions: {
      // Explicit timeouts: an attempt without an answer after readTimeout fails (and, if idempotent, is retried
      // on the next node); the HTTP layer's REQUEST_DEADLINE_MS bounds the whole request on top of that.
      readTimeout: cfg.requestTimeoutMs,
      connectTimeout: Math.min(cfg.requestTimeoutMs, 5000),
    },
    policies: {
      // Statements marked isIdempotent (reads, and writes whose effect does not depend on how often they apply)
      // get another attempt on the next replica after speculativeDelayMs: a node that died mid-request costs a
      // little latency, not an error. Non-idempotent statements never run twice.
      speculativeExecution:
        cfg.speculativeMax > 0
          ? new policies.speculativeExecution.ConstantSpeculativeExecutionPolicy(
              cfg.speculativeDelayMs,
              cfg.speculativeMax,
            )
          : new policies.speculativeExecution.NoSpeculativeExecutionPolicy(),
      // Retries tuned for a node that died and is not convicted yet (src/cassandra/retry.ts).
      retry: new ServiceRetryPolicy(),
      // The driver's default backs off up to 10 minutes; a restarted node should be back in the pool in seconds.
      reconnection: new policies.reconnection.ExponentialReconnectionPolicy(
        Math.min(500, cfg.reconnectMaxMs),
        cfg.reconnectMaxMs,
        false,
      ),
    },
    protocolOptions: {
      maxSchemaAgreementWaitSeconds: 20,
      ...(sharedPort(contactPoints) ? { port: sharedPort(contactPoints) } : {}),
    },
    ...(opts.counter ? { requestTracker: opts.counter } : {}),
  };
}

export function createClient(
  cfg: CassandraConfig,
  contactPoints: string[],
  opts: CreateClientOptions = {},
): Client {
  return new Client(clientOptions(cfg, contactPoints, opts));
}
