import crypto from 'node:crypto';
import type { Client } from 'cassandra-driver';
import { mintToken } from '../../src/auth/jwt';
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
  /** POSTs an operation to the running server over HTTP, as a client would — as an administrator (ADMIN_SUBJECT). */
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<T>>;
  /** The same as the user `userId` (a token without the admin scope), or anonymously (null: no token). */
  gqlAs<T = Record<string, unknown>>(
    userId: string | null,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<T>>;
  /** `{ authorization: 'Bearer …' }` for a user (or an admin), for tests that send their own requests. */
  authHeader(userId?: string, opts?: { admin?: boolean }): Promise<Record<string, string>>;
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
    // The 10 s production deadline would cut slow-but-correct operations on a loaded CI machine (e.g. 50 ratings of
    // one title queued behind each other); specifications of the deadline set their own.
    REQUEST_DEADLINE_MS: process.env.REQUEST_DEADLINE_MS ?? '60000',
    // DDL and LWT wait for schema agreement / Paxos: give them room on a loaded 2-core machine.
    CASSANDRA_REQUEST_TIMEOUT_MS: process.env.CASSANDRA_REQUEST_TIMEOUT_MS ?? '20000',
    ...overrides,
  });
}

/** The `sub` of the administrator's token `app.gql` sends (no such user exists). */
export const ADMIN_SUBJECT = 'adadadad-0000-4000-8000-000000000001';

/** A token for the test config's issuer, audience and (development) secret. */
export function tokenFor(config: Config, userId: string, opts: { admin?: boolean; expiresIn?: string } = {}) {
  return mintToken(config.auth, { userId, admin: opts.admin, expiresIn: opts.expiresIn ?? '2h' });
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
  const authHeader = async (
    userId = ADMIN_SUBJECT,
    o: { admin?: boolean } = { admin: userId === ADMIN_SUBJECT },
  ) => ({
    authorization: `Bearer ${await tokenFor(config, userId, o)}`,
  });
  const post = async (
    headers: Record<string, string>,
    query: string,
    variables?: Record<string, unknown>,
  ) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as GraphQLResponse;
    return { ...body, status: res.status } as never;
  };
  const adminHeader = await authHeader();
  return {
    config,
    keyspace,
    client,
    counter,
    repos,
    server,
    url,
    gql: (query, variables) => post(adminHeader, query, variables),
    gqlAs: async (userId, query, variables) =>
      post(userId === null ? {} : await authHeader(userId, { admin: false }), query, variables),
    authHeader,
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
