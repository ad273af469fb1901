/**
 * Sibling writes while a node is dead but not yet convicted (src/cassandra/sibling-writes.ts): a logged batch whose
 * batch log cannot be written was not applied, so the same statements are written directly, with the same client
 * timestamp. The failure is injected into the real driver client of a real Cassandra: `batch` rejects logged batches
 * with the error Cassandra returns in that window; everything else reaches the database.
 */
import { errors as driverErrors, types, type Client } from 'cassandra-driver';
import { writeSiblings } from '../src/cassandra/sibling-writes';
import { createLogger } from '../src/logger';
import { createRepositories } from '../src/repositories';
import { contentId, LENA } from '../src/seed/demo-data';
import { createServer, type AppServer } from '../src/server';
import { createTestApp, type TestApp } from './support/app';

let app: TestApp;
let server: AppServer;
let url: string;
/** Logged batches the injected failure rejected. */
const rejected: string[][] = [];

function batchLogTimeout(): driverErrors.ResponseError {
  const err = new driverErrors.ResponseError(
    types.responseErrorCodes.writeTimeout,
    'Server timeout during batchlog write at consistency TWO (1 peer(s) acknowledged the write over 2 required)',
  );
  Object.assign(err, {
    writeType: 'BATCH_LOG',
    consistencies: types.consistencies.two,
    received: 1,
    blockFor: 2,
  });
  return err;
}

/** The real client, except that every logged batch fails as it does while a dead node is still believed alive. */
function withDeadBatchLog(client: Client): Client {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'batch') {
        return async (queries: Array<{ query: string }>, opts?: { logged?: boolean }) => {
          if (opts?.logged !== false) {
            rejected.push(queries.map((q) => q.query));
            throw batchLogTimeout();
          }
          return target.batch(queries as never, opts as never);
        };
      }
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

beforeAll(async () => {
  app = await createTestApp({ seed: true });
  const client = withDeadBatchLog(app.client);
  server = await createServer({
    config: app.config,
    repos: createRepositories(client, app.config),
    client,
    log: createLogger('silent'),
  });
  url = await server.listen(0, '127.0.0.1');
});
afterAll(async () => {
  await server.stop();
  await app.close();
});

async function gqlAs(userId: string, query: string, variables: Record<string, unknown>) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await app.authHeader(userId, { admin: false })) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as {
    data?: Record<string, unknown>;
    errors?: Array<{ extensions?: { code?: string } }>;
  };
}

const RECORD = `mutation ($u: UUID!, $c: UUID!, $p: Int!, $at: DateTime!, $e: UUID) {
  recordWatch(userId: $u, contentId: $c, progressPct: $p, watchedAt: $at, eventId: $e) { event { title watchedAt progressPct } }
}`;

describe('when the batch log cannot be written (a replica died and is not convicted yet)', () => {
  it('then recordWatch still succeeds, and every copy of the session is written with the session time', async () => {
    const oceanDepths = contentId('ocean-depths');
    const at = '2025-06-01T21:15:00.000Z';
    rejected.length = 0;

    const res = await gqlAs(LENA, RECORD, {
      u: LENA,
      c: oceanDepths,
      p: 42,
      at,
      e: '7d7b1a51-0000-4000-8000-0000000000a1',
    });

    expect(res.errors).toBeUndefined();
    expect(rejected.length).toBeGreaterThan(0); // the logged batch was really attempted and refused
    const micros = types.Long.fromNumber(Date.parse(at) * 1000);
    const written = async (cql: string, params: unknown[]) =>
      (await app.client.execute(cql, params, { prepare: true })).first();
    const history = await written(
      'SELECT title, progress_pct, writetime(progress_pct) AS wt FROM watch_history WHERE user_id = ? AND watched_at = ? AND content_id = ?',
      [LENA, new Date(at), oceanDepths],
    );
    const cw = await written(
      'SELECT progress_pct, writetime(progress_pct) AS wt FROM continue_watching WHERE user_id = ? AND content_id = ?',
      [LENA, oceanDepths],
    );
    const interaction = await written(
      'SELECT progress_pct, writetime(progress_pct) AS wt FROM interactions_by_user WHERE user_id = ? AND content_id = ?',
      [LENA, oceanDepths],
    );
    expect([history?.progress_pct, cw?.progress_pct, interaction?.progress_pct]).toEqual([42, 42, 42]);
    expect([history?.wt, cw?.wt, interaction?.wt].map(String)).toEqual([
      micros.toString(),
      micros.toString(),
      micros.toString(),
    ]);
  });

  it('then the fallback writes carry one client timestamp, so an older write repeated later does not overwrite a newer one', async () => {
    const table = `sw_${Date.now()}`;
    await app.client.execute(`CREATE TABLE ${table} (k int PRIMARY KEY, v text)`);
    const client = withDeadBatchLog(app.client);
    const write = (v: string, ts: number) =>
      writeSiblings(
        client,
        [
          { query: `INSERT INTO ${table} (k, v) VALUES (?, ?)`, params: [1, v] },
          { query: `INSERT INTO ${table} (k, v) VALUES (?, ?)`, params: [2, v] },
        ],
        { timestamp: types.Long.fromNumber(ts) },
      );

    expect(await write('newer', 2_000)).toBe('per-statement');
    await write('older', 1_000); // a late retry of an earlier change

    const rows = (await app.client.execute(`SELECT k, v FROM ${table}`)).rows.map((r) => [r.k, r.v]);
    expect(rows.sort()).toEqual([
      [1, 'newer'],
      [2, 'newer'],
    ]);
  });

  it('then any other batch error is passed on and nothing is written statement by statement', async () => {
    const table = `sw_other_${Date.now()}`;
    await app.client.execute(`CREATE TABLE ${table} (k int PRIMARY KEY, v text)`);
    const failing = new Proxy(app.client, {
      get(target, prop, receiver) {
        if (prop === 'batch')
          return () => Promise.reject(new driverErrors.NoHostAvailableError({}, 'no host'));
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });

    await expect(
      writeSiblings(
        failing,
        [
          { query: `INSERT INTO ${table} (k, v) VALUES (?, ?)`, params: [1, 'x'] },
          { query: `INSERT INTO ${table} (k, v) VALUES (?, ?)`, params: [2, 'x'] },
        ],
        { timestamp: types.Long.fromNumber(1) },
      ),
    ).rejects.toBeInstanceOf(driverErrors.NoHostAvailableError);
    expect((await app.client.execute(`SELECT k FROM ${table}`)).rows).toEqual([]);
  });
});
