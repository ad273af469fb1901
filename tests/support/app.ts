import crypto from 'node:crypto';
import type { Client } from 'cassandra-driver';
import { loadConfig, type Config } from '../../src/config';
import { StatementCounter } from '../../src/cassandra/client';
import { connectAndMigrate } from '../../src/cassandra/connect';
import { createLogger, type Logger } from '../../src/logger';
import { createRepositories, type Repositories } from '../../src/repositories';
import { seedDemo } from '../../src/seed/demo';
import { createServer, type AppServer } from '../../src/server';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

export interface TestApp {
  config: Config;
  keyspace: string;
  client: Client;
  counter: StatementCounter;
  repos: Repositories;
  server: AppServer;
  url: string;
  /** POSTs an operation to the running server over HTTP, as a client would. */
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<T>>;
  /** Statements the driver completed while `fn` ran. */
  countStatements(fn: () => Promise<unknown>): Promise<number>;
  close(): Promise<void>;
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  const contactPoints = process.env.TEST_CASSANDRA_CONTACT_POINTS;
  if (!contactPoints)
    throw new Error(
      'TEST_CASSANDRA_CONTACT_POINTS is not set: run the tests with `npm test` (jest global set-up)',
    );
  return loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    CASSANDRA_CONTACT_POINTS: contactPoints,
    CASSANDRA_REPLICATION_FACTOR: process.env.TEST_CASSANDRA_REPLICATION_FACTOR ?? '1',
    ...overrides,
  });
}

export function uniqueKeyspace(prefix = 't'): string {
  return `${prefix}_${crypto.randomBytes(6).toString('hex')}`;
}

/** A server around a fresh keyspace of its own (migrated, optionally seeded with the demo), listening on a free port. */
export async function createTestApp(
  opts: { seed?: boolean; env?: Record<string, string>; log?: Logger } = {},
): Promise<TestApp> {
  const keyspace = uniqueKeyspace();
  const config = testConfig({ CASSANDRA_KEYSPACE: keyspace, ...opts.env });
  const counter = new StatementCounter();
  const { client } = await connectAndMigrate(config, config.cassandra.contactPoints!, { counter });
  const repos = createRepositories(client, config);
  if (opts.seed) await seedDemo(repos);
  const server = await createServer({ config, repos, client, log: opts.log ?? createLogger('silent') });
  const url = await server.listen(0, '127.0.0.1');
  return {
    config,
    keyspace,
    client,
    counter,
    repos,
    server,
    url,
    async gql(query, variables) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as GraphQLResponse;
      return { ...body, status: res.status } as never;
    },
    async countStatements(fn) {
      const before = counter.count;
      await fn();
      return counter.count - before;
    },
    async close() {
      await server.stop();
      await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => undefined);
      await client.shutdown();
    },
  };
}
