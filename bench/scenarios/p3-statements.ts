/**
 * P3: the CQL statements each benchmark operation costs, through the real HTTP + GraphQL path, against the
 * partitions it needs (derived independently from the user's genres and the response): equal sets, one statement per
 * partition, every statement prepared. The catalog partitions a home screen needs are those of the titles on the
 * shelves that do not come from a leaderboard (a leaderboard row carries the fields the operation asks for).
 */
import type { DatasetInfo } from '../lib/dataset';
import { body, HOME_SCREEN, RECENTLY_WATCHED, tokens } from '../lib/operations';
import { partitionOf, recordingServer } from '../lib/recorder';

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
  user: {
    homeScreen: { shelves: Array<{ kind: string; items: Array<{ content: { id: string } | null }> }> };
  };
}

export async function runP3(ds: DatasetInfo, users = 20): Promise<P3Result[]> {
  const { rec, server, stop } = await recordingServer(ds.keyspace);
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
          // Top Picks and genre rows answer `content { title genre ratingAvg }` from their leaderboard rows.
          for (const s of (data as HomeData).user.homeScreen.shelves)
            if (s.kind !== 'TOP_PICKS' && s.kind !== 'GENRE')
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
    await stop();
  }
  return out;
}
