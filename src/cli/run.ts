import type { Client } from 'cassandra-driver';
import { loadConfig, type Config } from '../config';
import { connectAndMigrate, resolveCluster } from '../cassandra/connect';
import { describeStartupError } from '../startup-errors';
import { createRepositories, type Repositories } from '../repositories';

export interface CliDatabase {
  config: Config;
  client: Client;
  repos: Repositories;
  contactPoints: string[];
}

export const say = (line: string) => process.stderr.write(`${line}\n`);

/** Turns any failure into `error: …` (+ `fix: …`) and exit code 1 — never a stack trace for expected failures. */
export function fail(err: unknown): never {
  say(describeStartupError(err));
  process.exit(1);
}

/**
 * Runs a command against the configured cluster (or the local one, started if needed and left running for the next
 * command), with the keyspace migrated. The driver is always shut down afterwards.
 */
export async function withDatabase<T>(fn: (db: CliDatabase) => Promise<T>): Promise<T> {
  let client: Client | undefined;
  try {
    const config = loadConfig();
    const cluster = await resolveCluster(config, (line) => say(`[cassandra] ${line}`));
    if (cluster.startedByUs)
      say('[cassandra] left running for the next command; stop it with: npm run cassandra -- stop');
    const connected = await connectAndMigrate(config, cluster.contactPoints, {
      log: (l) => say(`[migrate] ${l}`),
    });
    client = connected.client;
    return await fn({
      config,
      client,
      repos: createRepositories(client, config),
      contactPoints: cluster.contactPoints,
    });
  } catch (err) {
    await client?.shutdown().catch(() => undefined);
    client = undefined;
    return fail(err);
  } finally {
    await client?.shutdown().catch(() => undefined);
  }
}
