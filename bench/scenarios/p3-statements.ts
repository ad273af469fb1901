/**
 * P3: the CQL statements each benchmark operation costs, through the real HTTP + GraphQL path, against the
 * partitions it needs (derived independently from the user's genres and the response): equal sets, one statement per
 * partition, every statement prepared.
 */
import { createClient } from '../../src/cassandra/client';
import { createLogger } from '../../src/logger';
import { createRepositories } from '../../src/repositories';
import { createServer } from '../../src/server';
import { BENCH_CONTACT_POINT } from '../lib/cassandra';
import type { DatasetInfo } from '../lib/dataset';
import { benchConfig } from '../lib/env';
import { body, HOME_SCREEN, RECENTLY_WATCHED, tokens } from '../lib/operations';
import { partitionOf, RecordingTracker } from '../lib/recorder';

export interface P3Result {
  operation: string;
  operations: number;
  statements: number;
  partitions: number;
  exact: boolean;
  prepared: number;
  mismatch: string | null;
}

interface HomeData {
  user: { homeScreen: { shelves: Array<{ items: Array<{ content: { id: string } | null }> }> } };
}

export async function runP3(ds: DatasetInfo, users = 20): Promise<P3Result[]> {
  const config = benchConfig(ds.keyspace);
  const rec = new RecordingTracker();
  const client = createClient(config.cassandra, [BENCH_CONTACT_POINT], { counter: rec as never });
  await client.connect();
  const server = await createServer({
    config,
    repos: createRepositories(client, config),
    client,
    log: createLogger('silent'),
  });
  const url = await server.listen(0, '127.0.0.1');
  const auth = await tokens(ds.sample.slice(0, users).map((u) => u.id));
  const post = async (query: string, id: string) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: auth.get(id)! },
      body: body(query, id),
    });
    const json = (await res.json()) as { data?: unknown; errors?: unknown };
    if (json.errors) throw new Error(`P3: ${JSON.stringify(json.errors)}`);
    return json.data;
  };
  const out: P3Result[] = [];
  try {
    for (const [name, query] of [
      ['recentlyWatched(20)', RECENTLY_WATCHED],
      ['homeScreen', HOME_SCREEN],
    ] as const) {
      const r: P3Result = {
        operation: name,
        operations: 0,
        statements: 0,
        partitions: 0,
        exact: true,
        prepared: 0,
        mismatch: null,
      };
      for (const u of ds.sample.slice(0, users)) {
        await post(query, u.id); // warm (prepares statements on first use)
        rec.take();
        rec.recording = true;
        const data = await post(query, u.id);
        await new Promise((res) => setTimeout(res, 20)); // the tracker is called after the response resolves
        rec.recording = false;
        const stmts = rec.take();
        const expected = new Set([`users:${u.id}`]);
        if (query === RECENTLY_WATCHED) expected.add(`watch_history:${u.id}`);
        else {
          for (const t of ['continue_watching', 'recommendations', 'watch_history'])
            expected.add(`${t}:${u.id}`);
          expected.add('top_picks_by_scope:all');
          for (const g of u.genres) expected.add(`top_picks_by_scope:${g}`);
          for (const s of (data as HomeData).user.homeScreen.shelves)
            for (const i of s.items) if (i.content) expected.add(`content:${i.content.id}`);
        }
        const actual = stmts.map(partitionOf);
        const actualSet = new Set(actual);
        const same = actualSet.size === expected.size && [...expected].every((p) => actualSet.has(p));
        r.operations += 1;
        r.statements += stmts.length;
        r.partitions += expected.size;
        r.prepared += stmts.filter((s) => s.prepared).length;
        if (!same || actual.length !== expected.size) {
          r.exact = false;
          r.mismatch ??= JSON.stringify({
            user: u.id,
            statements: actual.length,
            partitions: expected.size,
            extra: actual.filter((p) => !expected.has(p)),
            missing: [...expected].filter((p) => !actualSet.has(p)),
          });
        }
      }
      out.push(r);
    }
  } finally {
    await server.stop();
    await client.shutdown();
  }
  return out;
}
