/** A driver request tracker that records every statement (text, parameters, whether prepared) while switched on. */
import { tracker } from 'cassandra-driver';
import { createClient } from '../../src/cassandra/client';
import { createLogger } from '../../src/logger';
import { createRepositories } from '../../src/repositories';
import { createServer } from '../../src/server';
import { BENCH_CONTACT_POINT } from './cassandra';
import { benchConfig } from './env';
import { viewerOf } from './operations';

const RequestTrackerBase = (tracker as unknown as { RequestTracker: new () => tracker.RequestTracker })
  .RequestTracker;

export interface Recorded {
  query: string;
  params: unknown[];
  prepared: boolean;
  fetchSize: number | undefined;
  ok: boolean;
}

export class RecordingTracker extends RequestTrackerBase implements tracker.RequestTracker {
  recording = false;
  readonly statements: Recorded[] = [];
  private readonly seen = new WeakSet<object>();

  override onSuccess(_h: unknown, query: unknown, params?: unknown, execOptions?: unknown): void {
    this.add(query, params, execOptions, true);
  }

  override onError(_h: unknown, query: unknown, params?: unknown, execOptions?: unknown): void {
    this.add(query, params, execOptions, false);
  }

  private add(query: unknown, params: unknown, execOptions: unknown, ok: boolean) {
    if (!this.recording) return;
    if (execOptions && typeof execOptions === 'object') {
      if (this.seen.has(execOptions)) return; // a retry or speculative attempt of the same statement
      this.seen.add(execOptions);
    }
    const o = execOptions as { isPrepared?: () => boolean; getFetchSize?: () => number } | undefined;
    this.statements.push({
      query: Array.isArray(query) ? `BATCH(${query.length})` : String(query),
      params: Array.isArray(params) ? params : [],
      prepared: o?.isPrepared?.() ?? false,
      fetchSize: o?.getFetchSize?.(),
      ok,
    });
  }

  override shutdown(): void {}

  take(): Recorded[] {
    return this.statements.splice(0, this.statements.length);
  }
}

/** `table:partition key` of a single-table statement, taking the first bound value as the partition key. */
export function partitionOf(s: Recorded): string {
  const table =
    /\bFROM\s+(\w+)/i.exec(s.query)?.[1] ?? /\b(?:INTO|UPDATE)\s+(\w+)/i.exec(s.query)?.[1] ?? '?';
  return `${table}:${String(s.params[0]).toLowerCase()}`;
}

/** What the raw-driver reference (bench/raw.ts) replays: the statements an operation issued for these users. */
export interface RawLoopInput {
  keyspace: string;
  users: string[];
  query: string;
  /** "shelf": only the statements on `table`; "all": every statement of the operation at once. */
  pick: 'shelf' | 'all';
  table?: string;
  concurrency: number;
}

/**
 * The project's server on the bench node, its driver client carrying a RecordingTracker — how P3 counts statements
 * and how the raw reference learns the exact statements to replay.
 */
export async function recordingServer(keyspace: string) {
  const config = benchConfig(keyspace);
  const rec = new RecordingTracker();
  const client = createClient(config.cassandra, [BENCH_CONTACT_POINT], { counter: rec as never });
  await client.connect();
  const server = await createServer({
    config,
    repos: createRepositories(client, config),
    client,
    log: createLogger('silent'),
  });
  return {
    rec,
    server,
    async stop() {
      await server.stop();
      await client.shutdown();
    },
  };
}

/**
 * The statements the GraphQL operation issues for each user, in `users` order: the project's server executes it
 * in-process with a recording tracker (P1 keeps only the statements on `table`). What bench/raw.ts replays and
 * bench/floor-server.ts answers with.
 */
export async function recordPlans(input: Omit<RawLoopInput, 'concurrency'>): Promise<Recorded[][]> {
  const { rec, server, stop } = await recordingServer(input.keyspace);
  const out: Recorded[][] = [];
  try {
    for (const id of input.users) {
      rec.recording = true;
      const res = await server.apollo.executeOperation(
        { query: input.query, variables: { id } },
        { contextValue: server.createContext(undefined, viewerOf(id)) },
      );
      rec.recording = false;
      const body = res.body.kind === 'single' ? res.body.singleResult : null;
      if (!body || body.errors)
        throw new Error(`recording failed for ${id}: ${JSON.stringify(body?.errors)}`);
      let stmts = rec.take();
      if (input.pick === 'shelf')
        stmts = stmts.filter((s) => new RegExp(`\\bFROM ${input.table}\\b`).test(s.query));
      if (stmts.length === 0) throw new Error(`no statement recorded for ${id}`);
      out.push(stmts);
    }
  } finally {
    await stop();
  }
  return out;
}
