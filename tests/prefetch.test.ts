/**
 * The look-ahead prefetch (src/graphql/prefetch.ts): the shelf reads a `user(id)` selection asks for are issued
 * together with the user's own read, not after it — observed on a client whose `users` reads answer late, so the
 * order in which statements are issued is unambiguous.
 */
import type { Client } from 'cassandra-driver';
import { createLogger } from '../src/logger';
import { createRepositories } from '../src/repositories';
import { LENA, MARCO } from '../src/seed/demo-data';
import { createServer, type AppServer } from '../src/server';
import { createTestApp, tokenFor, type TestApp } from './support/app';

/** Answers of `users` reads are held back this long. */
const USER_READ_DELAY_MS = 150;

interface Issued {
  table: string;
  issuedAt: number;
  doneAt?: number;
}

let app: TestApp;
const servers: AppServer[] = [];
let issued: Issued[] = [];

/** The shared client, with every statement's issue and completion time recorded and `users` reads delayed. */
function slowUsersClient(client: Client): Client {
  const execute = (...args: unknown[]) => {
    const entry: Issued = {
      table: /\bFROM\s+(\w+)/i.exec(String(args[0]))?.[1] ?? '?',
      issuedAt: performance.now(),
    };
    issued.push(entry);
    return (client.execute as (...a: unknown[]) => Promise<unknown>)(...args).then(async (r) => {
      if (entry.table === 'users') await new Promise((ok) => setTimeout(ok, USER_READ_DELAY_MS));
      entry.doneAt = performance.now();
      return r;
    });
  };
  return new Proxy(client, {
    get: (target, prop) =>
      prop === 'execute'
        ? execute
        : (Reflect.get(target, prop, target) as unknown) instanceof Function
          ? (Reflect.get(target, prop, target) as (...a: unknown[]) => unknown).bind(target)
          : Reflect.get(target, prop, target),
  });
}

async function serverWith(prefetch: boolean): Promise<string> {
  const client = slowUsersClient(app.client);
  const server = await createServer({
    config: app.config,
    repos: createRepositories(client, app.config),
    client,
    log: createLogger('silent'),
    tuning: { prefetch },
  });
  servers.push(server);
  return server.listen(0, '127.0.0.1');
}

async function ask(url: string, viewer: string, query: string) {
  issued = [];
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${await tokenFor(app.config, viewer)}`,
    },
    body: JSON.stringify({ query }),
  });
  return (await res.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
}

const RECENTLY_WATCHED = `{ user(id: "${LENA}") { recentlyWatched(first: 5) { edges { node { title } } } } }`;
const first = (table: string) => issued.find((s) => s.table === table)!;

let prefetchUrl: string;
let plainUrl: string;

beforeAll(async () => {
  app = await createTestApp({ seed: true });
  prefetchUrl = await serverWith(true);
  plainUrl = await serverWith(false);
});
afterAll(async () => {
  for (const s of servers) await s.stop();
  await app.close();
});

describe('look-ahead prefetch', () => {
  it('when a user asks for their recently watched, then the history read is issued before their user row is back', async () => {
    const res = await ask(prefetchUrl, LENA, RECENTLY_WATCHED);
    expect(res.errors).toBeUndefined();
    expect(first('watch_history').issuedAt).toBeLessThan(first('users').doneAt!);
  });

  it('when the prefetch is switched off, then the history read waits for the user row (the control)', async () => {
    const res = await ask(plainUrl, LENA, RECENTLY_WATCHED);
    expect(res.errors).toBeUndefined();
    expect(first('watch_history').issuedAt).toBeGreaterThanOrEqual(first('users').doneAt!);
  });

  it('when the answer comes from a prefetched read, then it is the answer the plain path gives', async () => {
    const a = await ask(prefetchUrl, LENA, RECENTLY_WATCHED);
    const b = await ask(plainUrl, LENA, RECENTLY_WATCHED);
    expect(a).toEqual(b);
    expect(
      (a.data as { user: { recentlyWatched: { edges: unknown[] } } }).user.recentlyWatched.edges,
    ).toHaveLength(5);
  });

  it('when a home screen is asked, then its shelves are read alongside the user row, each once', async () => {
    const res = await ask(
      prefetchUrl,
      LENA,
      `{ user(id: "${LENA}") { homeScreen(itemsPerShelf: 5) { shelves { kind items { title } } } } }`,
    );
    expect(res.errors).toBeUndefined();
    const userDone = first('users').doneAt!;
    for (const table of ['continue_watching', 'recommendations', 'watch_history']) {
      expect(issued.filter((s) => s.table === table)).toHaveLength(1);
      expect(first(table).issuedAt).toBeLessThan(userDone);
    }
  });

  it('when someone else’s shelf is asked, then the request is refused and no shelf read is issued', async () => {
    const res = await ask(prefetchUrl, MARCO, RECENTLY_WATCHED);
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(issued.filter((s) => s.table === 'watch_history')).toHaveLength(0);
  });
});
