import fs from 'node:fs';
import { Client, auth, tracker, types, type ClientOptions } from 'cassandra-driver';
import type { CassandraConfig } from '../config';

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

  override onSuccess(_host: unknown, query: string | Array<{ query: string } | string>): void {
    this.count += 1;
    this.remember(query);
  }

  override onError(_host: unknown, query: string | Array<{ query: string } | string>): void {
    this.count += 1;
    this.errors += 1;
    this.remember(query);
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
      readTimeout: cfg.requestTimeoutMs,
      connectTimeout: Math.min(cfg.requestTimeoutMs, 5000),
    },
    protocolOptions: { maxSchemaAgreementWaitSeconds: 20 },
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
