import path from 'node:path';
import type { Client } from 'cassandra-driver';
import type { Config } from '../config';
import { createClient, type StatementCounter } from './client';
import { LocalCassandra, type LocalCassandraOptions } from './local';
import { findRepoRoot } from './local-options';
import { migrate, type MigrateResult } from './migrations';

export const CQL_DIR = path.join(findRepoRoot(__dirname), 'cql');

export interface Cluster {
  contactPoints: string[];
  /** The local launcher when no cluster is configured; null for a user's own cluster. */
  local: LocalCassandra | null;
  /** Whether this process launched the local node(s) (and so should stop them on exit). */
  startedByUs: boolean;
}

/**
 * The cluster to talk to: the configured contact points, or the project's own local Cassandra, which is started
 * (or reused when a healthy one is already running from the same directory).
 */
export async function resolveCluster(
  config: Config,
  log: (line: string) => void,
  signal?: AbortSignal,
): Promise<Cluster> {
  if (config.cassandra.contactPoints) {
    return { contactPoints: config.cassandra.contactPoints, local: null, startedByUs: false };
  }
  const opts: LocalCassandraOptions = { ...config.localCassandra, log };
  const local = new LocalCassandra(opts);
  const started = await local.start({ signal });
  const contactPoints =
    started.port === 9042 ? started.contactPoints : started.contactPoints.map((h) => `${h}:${started.port}`);
  return { contactPoints, local, startedByUs: started.startedByUs };
}

export interface Connected {
  client: Client;
  migrations: MigrateResult;
}

/** Connects, creates the keyspace if needed and applies pending migrations; the client ends up in the keyspace. */
export async function connectAndMigrate(
  config: Config,
  contactPoints: string[],
  opts: { counter?: StatementCounter; log?: (line: string) => void; keyspace?: string } = {},
): Promise<Connected> {
  const keyspace = opts.keyspace ?? config.cassandra.keyspace;
  const client = createClient(config.cassandra, contactPoints, { keyspace: null, counter: opts.counter });
  try {
    await client.connect();
    const migrations = await migrate(client, {
      keyspace,
      replicationFactor: config.cassandra.replicationFactor,
      localDataCenter: config.cassandra.localDataCenter,
      dir: CQL_DIR,
      log: opts.log,
    });
    return { client, migrations };
  } catch (err) {
    await client.shutdown().catch(() => undefined);
    throw err;
  }
}
