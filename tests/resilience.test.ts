import { Client, policies } from 'cassandra-driver';
import { clientOptions } from '../src/cassandra/client';
import { ServiceRetryPolicy } from '../src/cassandra/retry';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { createRepositories } from '../src/repositories';
import { contentId, LENA } from '../src/seed/demo-data';
import { createServer, type AppServer } from '../src/server';
import { createTestApp, testConfig, type GraphQLResponse, type TestApp } from './support/app';

const servers: AppServer[] = [];
afterAll(() => Promise.all(servers.map((s) => s.stop())));

async function post(url: string, query: string): Promise<GraphQLResponse & { requestId: string | null }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return {
    ...((await res.json()) as GraphQLResponse),
    status: res.status,
    requestId: res.headers.get('x-request-id'),
  };
}

describe('driver options', () => {
  const cfg = (env: Record<string, string> = {}) =>
    loadConfig({ CASSANDRA_CONTACT_POINTS: '127.0.0.1', ...env }).cassandra;

  it('when nothing is configured, then statements run at LOCAL_QUORUM', () => {
    expect(clientOptions(cfg(), ['127.0.0.1']).queryOptions?.consistency).toBe(0x06 /* localQuorum */);
  });

  it('when nothing is configured, then idempotent statements get speculative executions after 200 ms', () => {
    const policy = clientOptions(cfg(), ['127.0.0.1']).policies?.speculativeExecution;
    expect(policy).toBeInstanceOf(policies.speculativeExecution.ConstantSpeculativeExecutionPolicy);
    expect(policy!.getOptions()).toEqual(
      new Map<string, unknown>([
        ['delay', 200],
        ['maxSpeculativeExecutions', 2],
      ]),
    );
  });

  it('when CASSANDRA_SPECULATIVE_MAX=0, then there are no speculative executions', () => {
    const policy = clientOptions(cfg({ CASSANDRA_SPECULATIVE_MAX: '0' }), ['127.0.0.1']).policies
      ?.speculativeExecution;
    expect(policy).toBeInstanceOf(policies.speculativeExecution.NoSpeculativeExecutionPolicy);
  });

  it('when nothing is configured, then a node that went down is retried at most every 4 s', () => {
    const policy = clientOptions(cfg(), ['127.0.0.1']).policies?.reconnection;
    expect(policy!.getOptions().get('maxDelay')).toBe(4000);
  });

  it('when CASSANDRA_REQUEST_TIMEOUT_MS is set, then it is the driver read timeout', () => {
    expect(
      clientOptions(cfg({ CASSANDRA_REQUEST_TIMEOUT_MS: '1234' }), ['127.0.0.1']).socketOptions?.readTimeout,
    ).toBe(1234);
  });
});

describe('retry policy (src/cassandra/retry.ts)', () => {
  const policy = new ServiceRetryPolicy();
  const info = (nbRetry: number) => ({ nbRetry }) as never;
  // The driver's RetryPolicy.retryDecision (not in its typings).
  const { rethrow: RETHROW, retry: RETRY } = (
    policies.retry.RetryPolicy as unknown as { retryDecision: { rethrow: number; retry: number } }
  ).retryDecision;

  it('when a logged batch timed out writing its batch log (not applied), then it is rethrown at once for writeSiblings to apply directly', () => {
    expect(policy.onWriteTimeout(info(0), 0x06 as never, 1, 2, 'BATCH_LOG').decision).toBe(RETHROW);
  });

  it('when a Paxos round of an idempotent statement timed out (SERIAL read, event claim), then it is retried twice on the next coordinator', () => {
    const decisions = [0, 1, 2].map((n) => policy.onWriteTimeout(info(n), 0x06 as never, 1, 2, 'CAS'));
    expect(decisions.map((d) => [d.decision, (d as { useCurrentHost?: boolean }).useCurrentHost])).toEqual([
      [RETRY, false],
      [RETRY, false],
      [RETHROW, undefined],
    ]);
  });

  it('when a counter write timed out, then it is never retried', () => {
    expect(policy.onWriteTimeout(info(0), 0x06 as never, 1, 2, 'COUNTER').decision).toBe(RETHROW);
  });

  it('when a read timed out, then it is retried once', () => {
    const d = [0, 1].map((n) => policy.onReadTimeout(info(n), 0x06 as never, 1, 2, false).decision);
    expect(d).toEqual([RETRY, RETHROW]);
  });

  it('when nothing is configured, then the driver uses this policy', () => {
    const cfg = loadConfig({ CASSANDRA_CONTACT_POINTS: '127.0.0.1' }).cassandra;
    expect(clientOptions(cfg, ['127.0.0.1']).policies?.retry).toBeInstanceOf(ServiceRetryPolicy);
  });
});

describe('idempotence of the read API', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ seed: true });
  });
  afterAll(() => app.close());

  it('when the whole read API runs, then every statement it issues is marked idempotent (so it may be retried and speculated)', async () => {
    const calls: Array<{ query: string; idempotent: unknown }> = [];
    const original = app.client.execute;
    const spy = jest.spyOn(app.client, 'execute').mockImplementation(function (
      this: Client,
      ...args: unknown[]
    ) {
      calls.push({
        query: String(args[0]),
        idempotent: (args[2] as { isIdempotent?: boolean } | undefined)?.isIdempotent,
      });
      return (original as (...a: unknown[]) => Promise<unknown>).apply(this, args) as never;
    } as never);
    try {
      const queries = [
        `{ user(id: "${LENA}") { name homeScreen(itemsPerShelf: 5) { shelves { items { title content { genre } } } } } }`,
        `{ user(id: "${LENA}") { recentlyWatched(first: 2) { edges { node { title } } pageInfo { endCursor } } continueWatching { title } forYou(first: 3) { edges { node { title } } } } }`,
        '{ userByEmail(email: "marco@example.com") { name } }',
        `{ content(id: "${contentId('ocean-depths')}") { title } contents(ids: ["${contentId('ocean-depths')}"]) { title } }`,
        '{ topPicks(first: 3) { title } contentByGenre(genre: "sci-fi", first: 2) { edges { node { title } } } usersWhoLike(genre: "sci-fi", first: 2) { edges { node { name } } } }',
      ];
      for (const q of queries) expect((await app.gql(q)).errors).toBeUndefined();
    } finally {
      spy.mockRestore();
    }
    expect(calls.length).toBeGreaterThan(10);
    expect(calls.filter((c) => c.idempotent !== true)).toEqual([]);
  });
});

describe('driver errors and the request deadline', () => {
  it('when Cassandra cannot be reached, then a query gets SERVICE_UNAVAILABLE with retryable: true and the request id, no driver text', async () => {
    const config = testConfig({ CASSANDRA_KEYSPACE: 'nowhere' });
    const client = new Client({ contactPoints: ['127.0.0.1:1'], localDataCenter: 'datacenter1' });
    const server = await createServer({
      config,
      repos: createRepositories(client, config),
      client,
      log: createLogger('silent'),
    });
    servers.push(server);
    try {
      const url = await server.listen(0, '127.0.0.1');
      const res = await post(url, `{ user(id: "${LENA}") { name } }`);
      expect(res.errors).toEqual([
        {
          message: 'The database is temporarily unavailable; retry shortly.',
          path: ['user'],
          extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true, requestId: res.requestId },
        },
      ]);
    } finally {
      await client.shutdown();
    }
  });

  it('when a database call never answers, then the client gets 503 SERVICE_UNAVAILABLE once REQUEST_DEADLINE_MS passed', async () => {
    const config = loadConfig({
      LOG_LEVEL: 'silent',
      CASSANDRA_CONTACT_POINTS: '127.0.0.1',
      REQUEST_DEADLINE_MS: '300',
    });
    const never = new Promise<never>(() => undefined);
    const repos = { users: { getById: () => never } };
    const server = await createServer({ config, repos: repos as never, log: createLogger('silent') });
    servers.push(server);
    const url = await server.listen(0, '127.0.0.1');
    const res = await post(url, `{ user(id: "${LENA}") { name } }`);
    expect(res.status).toBe(503);
    expect(res.errors?.[0].extensions).toEqual({
      code: 'SERVICE_UNAVAILABLE',
      retryable: true,
      requestId: res.requestId,
    });
  });
});
