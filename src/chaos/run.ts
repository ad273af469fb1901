import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from 'cassandra-driver';
import { createClient } from '../cassandra/client';
import { mintToken } from '../auth/jwt';
import { connectAndMigrate } from '../cassandra/connect';
import { LocalCassandra } from '../cassandra/local';
import { loadConfig, type Config } from '../config';
import { createLogger } from '../logger';
import { createRepositories, type Repositories } from '../repositories';
import { seedDemo } from '../seed/demo';
import { contentId, DEMO_TITLES, DEMO_USERS } from '../seed/demo-data';
import { buildSchema, createServer, type AppServer } from '../server';

/**
 * The resilience experiment behind `npm run chaos` and tests/chaos.spec.ts: three local Cassandra nodes, an RF=3
 * keyspace, mixed GraphQL load through the real HTTP server, one node SIGKILLed mid-load, then two, then both restarted.
 */
export interface ChaosOptions {
  /** Node directories of this experiment's own cluster (wiped first). */
  baseDir: string;
  cacheDir: string;
  version: string;
  heap: string;
  nativePort: number;
  storagePort: number;
  jmxBasePort: number;
  /** Users created on top of the demo's three. */
  extraUsers: number;
  /** Operations in flight at once. */
  concurrency: number;
  /** Load before the first kill, and with one node down. */
  healthyMs: number;
  oneDownMs: number;
  /** How long requests are sent with two of three nodes down. */
  twoDownMs: number;
  /** Required: full service this soon after the restarted nodes accept CQL again. */
  recoveryLimitMs: number;
  /** `api`: recordWatch / rateContent mutations; `repository`: HistoryRepository.recordWatch; `auto`: api if the schema has them. */
  writes: 'auto' | 'api' | 'repository';
  /** Extra service settings (e.g. REQUEST_DEADLINE_MS); the process environment is read too. */
  env: Record<string, string>;
  /** Keep the cluster running afterwards (for a look with nodetool); it is stopped by default. */
  keepCluster: boolean;
  log: (line: string) => void;
}

export function defaultChaosOptions(): ChaosOptions {
  return {
    baseDir: path.join(os.tmpdir(), 'personalization-subgraph-chaos'),
    cacheDir: path.join(os.homedir(), '.cache', 'personalization-subgraph'),
    version: '5.0.8',
    heap: '1G',
    nativePort: 59042,
    storagePort: 57000,
    jmxBasePort: 57199,
    extraUsers: 40,
    concurrency: 8,
    healthyMs: 8_000,
    oneDownMs: 20_000,
    twoDownMs: 10_000,
    recoveryLimitMs: 10_000,
    writes: 'auto',
    env: {},
    keepCluster: false,
    log: (line) => process.stderr.write(`[chaos] ${line}\n`),
  };
}

type Op = 'homeScreen' | 'recentlyWatched' | 'recordWatch' | 'rate';
type Phase = 'healthy' | 'one node down';

export interface OpCounts {
  ok: number;
  failed: number;
  /** Latency percentiles of the operations, ms. */
  p50?: number;
  p99?: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]) : 0;
}

export interface ChaosReport {
  writesVia: 'api' | 'repository';
  cluster: { startMs: number; nodes: number; replicationFactor: number; keyspace: string };
  load: {
    total: number;
    failed: number;
    /** Of the failed operations, those that also failed when retried once (only errors marked retryable are retried). */
    failedAfterRetry: number;
    byPhase: Record<Phase, OpCounts>;
    byOp: Record<Op, OpCounts>;
    /** A few failure messages, for diagnosis. */
    failures: string[];
    killedNode: number;
    /** Operations per second over the whole load. */
    rate: number;
  };
  readBack: {
    sessionsAcked: number;
    sessionsFound: number;
    missing: string[];
    ratingTitles: number;
    ratingMismatches: string[];
  };
  twoDown: {
    killedNode: number;
    requests: number;
    cleanUnavailable: number;
    notClean: string[];
    overDeadline: number;
    hung: number;
    maxMs: number;
    deadlineMs: number;
  };
  recovery: {
    restartMs: number;
    fullServiceMs: number | null;
    probesBeforeFullService: number;
    hostsUp: number;
  };
  passed: boolean;
  problems: string[];
}

const HOME = `query ChaosHome($id: UUID!) { user(id: $id) { name homeScreen(itemsPerShelf: 5) { shelves { id items { title content { genre } } } } } }`;
const HISTORY = `query ChaosHistory($id: UUID!) { user(id: $id) { recentlyWatched(first: 10) { edges { node { title watchedAt } } } } }`;
const HISTORY_PAGE = `query ChaosReadBack($id: UUID!, $after: String) { user(id: $id) { recentlyWatched(first: 100, after: $after) { edges { node { contentId: content { id } watchedAt progressPct rating } } pageInfo { hasNextPage endCursor } } } }`;
const RECORD = `mutation ChaosRecordWatch($u: UUID!, $c: UUID!, $p: Int!, $at: DateTime!, $e: UUID) { recordWatch(userId: $u, contentId: $c, progressPct: $p, watchedAt: $at, eventId: $e) { event { watchedAt } } }`;
const RATE = `mutation ChaosRate($u: UUID!, $c: UUID!, $r: Int!) { rateContent(userId: $u, contentId: $c, rating: $r) { rating } }`;
const TITLE_RATING = `query ChaosTitle($id: UUID!) { content(id: $id) { ratingAvg ratingCount } }`;

interface GqlResult {
  ok: boolean;
  status: number;
  ms: number;
  codes: string[];
  retryable: boolean;
  data: unknown;
  error?: string;
  hung?: boolean;
}

async function gql(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  timeoutMs: number,
  headers: Record<string, string> = {},
): Promise<GqlResult> {
  const t0 = performance.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await res.json()) as {
      data?: unknown;
      errors?: Array<{ message: string; extensions?: { code?: string; retryable?: boolean } }>;
    };
    const errors = body.errors ?? [];
    return {
      ok: res.status === 200 && errors.length === 0,
      status: res.status,
      ms: performance.now() - t0,
      codes: errors.map((e) => e.extensions?.code ?? '(none)'),
      retryable: errors.length > 0 && errors.every((e) => e.extensions?.retryable === true),
      data: body.data,
      error: errors.length
        ? `${res.status} ${errors.map((e) => `${e.extensions?.code}: ${e.message}`).join('; ')}`
        : undefined,
    };
  } catch (err) {
    const hung = (err as Error).name === 'TimeoutError';
    return {
      ok: false,
      status: 0,
      ms: performance.now() - t0,
      codes: [],
      retryable: false,
      data: null,
      error: `${hung ? 'no answer' : 'network'}: ${(err as Error).message}`,
      hung,
    };
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface AckedSession {
  userId: string;
  contentId: string;
  watchedAt: string;
  progressPct: number;
  rating: number | null;
}

/** Runs the whole experiment; never throws for a failed expectation (see `passed` and `problems`). */
export async function runChaos(partial: Partial<ChaosOptions> = {}): Promise<ChaosReport> {
  const o: ChaosOptions = { ...defaultChaosOptions(), ...partial };
  const t0 = Date.now();
  const log = (line: string) => o.log(`${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s  ${line}`);
  const launcher = new LocalCassandra({
    version: o.version,
    nodes: 3,
    baseDir: o.baseDir,
    cacheDir: o.cacheDir,
    heap: o.heap,
    nativePort: o.nativePort,
    storagePort: o.storagePort,
    jmxBasePort: o.jmxBasePort,
    skipSync: true,
    // Not the test speed-ups: -Dcassandra.unsafesystem=true skips flushing the schema tables, and a SIGKILLed node
    // then comes back without the tables created before the kill ("Couldn't find table with id …").
    fastStart: false,
    log: (l) => log(`[cassandra] ${l}`),
  });
  let client: Client | null = null;
  let server: AppServer | null = null;
  try {
    log(`wiping and starting 3 nodes under ${o.baseDir} (CQL port ${o.nativePort} on 127.0.0.1–3)`);
    await launcher.wipe();
    const started = await launcher.start();
    const keyspace = `chaos_${crypto.randomBytes(4).toString('hex')}`;
    const config: Config = loadConfig({
      ...process.env,
      LOG_LEVEL: 'info',
      ...o.env,
      // Development tokens (the built-in secret, or AUTH_JWT_SECRET): the load acts as each user, with their token.
      NODE_ENV: 'test',
      AUTH_JWKS_URL: '',
      CASSANDRA_CONTACT_POINTS: started.contactPoints.map((h) => `${h}:${o.nativePort}`).join(','),
      CASSANDRA_REPLICATION_FACTOR: '3',
      CASSANDRA_KEYSPACE: keyspace,
      SEED_DEMO_DATA: 'false',
    });
    log(
      `cluster up in ${(started.elapsedMs / 1000).toFixed(1)} s (pids ${started.pids.join(', ')}); keyspace ${keyspace}, RF=3, ${config.cassandra.consistency}`,
    );
    await waitForRing(config, 3, log);
    const connected = await connectAndMigrate(config, config.cassandra.contactPoints!, {
      log: (l) => log(`[migrate] ${l}`),
    });
    client = connected.client;
    const repos = createRepositories(client, config);
    const users = await seed(repos, o.extraUsers, log);
    const chaosTitles = await seedChaosTitles(repos);
    const tokens = new Map<string, Record<string, string>>();
    for (const u of users)
      tokens.set(u, {
        authorization: `Bearer ${await mintToken(config.auth, { userId: u, expiresIn: '2h' })}`,
      });
    const as = (userId: string) => tokens.get(userId)!;
    const logFile = path.join(o.baseDir, 'service.log');
    const logStream = fs.createWriteStream(logFile, { flags: 'w' });
    server = await createServer({
      config,
      repos,
      client,
      log: createLogger('info', { chaos: true }, logStream),
    });
    const url = await server.listen(0, '127.0.0.1');
    log(`service at ${url} (JSON logs in ${logFile}); request deadline ${config.requestDeadlineMs} ms`);

    const mutations = buildSchema().getMutationType()?.getFields() ?? {};
    const writesVia: 'api' | 'repository' =
      o.writes === 'auto'
        ? mutations.recordWatch && mutations.rateContent
          ? 'api'
          : 'repository'
        : o.writes;
    log(
      `writes through ${writesVia === 'api' ? 'the recordWatch and rateContent mutations' : 'HistoryRepository.recordWatch (no mutations in the schema)'}`,
    );

    const clientTimeout = config.requestDeadlineMs + 5_000;
    const titles = DEMO_TITLES.map((t) => ({ id: contentId(t.slug), title: t.title }));
    const base = Date.now() - 24 * 3600_000;
    let seq = 0;
    const acked: AckedSession[] = [];
    const lastRating = new Map<string, number>(); // `${user}|${title}` → rating (API mode)

    interface Attempt {
      error: string | null;
      retryable: boolean;
    }
    /**
     * One operation: its first attempt's error (null: success) and, when that error was marked retryable, the error of
     * one retry 500 ms later with the same arguments (as a client honouring `extensions.retryable` would; writes carry
     * an eventId, so a retry never records a second session). Users are split between workers: one writer per user.
     */
    const runOp = async (
      op: Op,
      userId: string,
      retry = true,
    ): Promise<{ error: string | null; afterRetry: string | null }> => {
      const rnd = Math.random();
      let attempt: () => Promise<Attempt>;
      let onSuccess = () => {};
      if (op === 'homeScreen' || op === 'recentlyWatched') {
        attempt = async () => {
          const r = await gql(
            url,
            op === 'homeScreen' ? HOME : HISTORY,
            { id: userId },
            clientTimeout,
            as(userId),
          );
          return { error: r.ok ? null : (r.error ?? `status ${r.status}`), retryable: r.retryable };
        };
      } else if (op === 'rate' && writesVia === 'api') {
        const title = chaosTitles[Math.floor(rnd * chaosTitles.length)];
        const rating = 1 + Math.floor(Math.random() * 5);
        attempt = async () => {
          const r = await gql(url, RATE, { u: userId, c: title, r: rating }, clientTimeout, as(userId));
          return { error: r.ok ? null : (r.error ?? `status ${r.status}`), retryable: r.retryable };
        };
        onSuccess = () => lastRating.set(`${userId}|${title}`, rating);
      } else {
        const t = titles[Math.floor(rnd * titles.length)];
        const watchedAt = new Date(base + seq++);
        const progressPct = 5 + Math.floor(Math.random() * 90);
        const rating = op === 'rate' ? 1 + Math.floor(Math.random() * 5) : null;
        const eventId = crypto.randomUUID();
        attempt =
          writesVia === 'api'
            ? async () => {
                const r = await gql(
                  url,
                  RECORD,
                  { u: userId, c: t.id, p: progressPct, at: watchedAt.toISOString(), e: eventId },
                  clientTimeout,
                  as(userId),
                );
                return { error: r.ok ? null : (r.error ?? `status ${r.status}`), retryable: r.retryable };
              }
            : async () => {
                try {
                  await repos.history.recordWatch({
                    userId,
                    contentId: t.id,
                    title: t.title,
                    watchedAt,
                    progressPct,
                    rating,
                    eventId,
                  });
                  return { error: null, retryable: false };
                } catch (err) {
                  return { error: `repository: ${(err as Error).message}`, retryable: true };
                }
              };
        onSuccess = () =>
          acked.push({ userId, contentId: t.id, watchedAt: watchedAt.toISOString(), progressPct, rating });
      }
      const first = await attempt();
      if (first.error === null) {
        onSuccess();
        return { error: null, afterRetry: null };
      }
      if (!retry || !first.retryable) return { error: first.error, afterRetry: first.error };
      await sleep(500);
      const second = await attempt();
      if (second.error === null) onSuccess();
      return { error: first.error, afterRetry: second.error };
    };

    // ---- load, one node SIGKILLed in the middle ---------------------------------------------------------------
    let phase: Phase = 'healthy';
    const byPhase: Record<Phase, OpCounts> = {
      healthy: { ok: 0, failed: 0 },
      'one node down': { ok: 0, failed: 0 },
    };
    const byOp: Record<Op, OpCounts> = {
      homeScreen: { ok: 0, failed: 0 },
      recentlyWatched: { ok: 0, failed: 0 },
      recordWatch: { ok: 0, failed: 0 },
      rate: { ok: 0, failed: 0 },
    };
    const failures: string[] = [];
    let failedAfterRetry = 0;
    let stop = false;
    const pickOp = (): Op => {
      const x = Math.random();
      return x < 0.35 ? 'homeScreen' : x < 0.6 ? 'recentlyWatched' : x < 0.9 ? 'recordWatch' : 'rate';
    };
    const latencies: Record<Phase, number[]> = { healthy: [], 'one node down': [] };
    const worker = async (w: number) => {
      const mine = users.filter((_, i) => i % o.concurrency === w);
      while (!stop) {
        const op = pickOp();
        const at = phase;
        const t0 = performance.now();
        const { error: failure, afterRetry } = await runOp(op, mine[Math.floor(Math.random() * mine.length)]);
        if (afterRetry) failedAfterRetry += 1;
        latencies[at].push(performance.now() - t0);
        const bucket = failure ? 'failed' : 'ok';
        byPhase[at][bucket] += 1;
        byOp[op][bucket] += 1;
        if (failure && failures.length < 20) failures.push(`${at} ${op}: ${failure}`);
      }
    };
    const loadStarted = Date.now();
    log(
      `load: ${o.concurrency} concurrent operations (35% home screens, 25% recentlyWatched, 30% recordWatch, 10% rate)`,
    );
    const workers = Array.from({ length: o.concurrency }, (_, w) => worker(w));
    await sleep(o.healthyMs);
    const victim = started.nodes.find((n) => n.node === 2)!;
    log(`SIGKILL node2 (pid ${victim.pid}) after ${byPhase.healthy.ok + byPhase.healthy.failed} operations`);
    process.kill(victim.pid, 'SIGKILL');
    phase = 'one node down';
    await sleep(o.oneDownMs);
    stop = true;
    await Promise.all(workers);
    const loadMs = Date.now() - loadStarted;
    for (const ph of Object.keys(latencies) as Phase[]) {
      const sorted = latencies[ph].sort((a, b) => a - b);
      byPhase[ph].p50 = percentile(sorted, 0.5);
      byPhase[ph].p99 = percentile(sorted, 0.99);
    }
    const total =
      byPhase.healthy.ok +
      byPhase.healthy.failed +
      byPhase['one node down'].ok +
      byPhase['one node down'].failed;
    const failed = byPhase.healthy.failed + byPhase['one node down'].failed;
    log(
      `load done: ${total} operations, ${failed} failed, ${failedAfterRetry} of them also on one retry (healthy ${byPhase.healthy.ok}/${byPhase.healthy.failed}, one down ${byPhase['one node down'].ok}/${byPhase['one node down'].failed} ok/failed)`,
    );

    // ---- every acknowledged write, read back through the API (node2 still down) -------------------------------
    const sessionsAcked = acked.length;
    const readBack = await readBackSessions(url, acked.slice(), clientTimeout, as);
    // A rating whose request failed may or may not have been applied: the aggregates are then not predictable.
    const ratingsComparable = writesVia === 'api' && byOp.rate.failed === 0;
    const ratingMismatches = ratingsComparable
      ? await checkRatings(url, chaosTitles, lastRating, clientTimeout)
      : [];
    log(
      `read back: ${readBack.found}/${sessionsAcked} acknowledged sessions found; ` +
        (ratingsComparable
          ? `${ratingMismatches.length} rating mismatches over ${chaosTitles.length} titles`
          : 'rating aggregates not compared (a rate operation failed, its outcome is unknown)'),
    );

    // ---- two nodes down: clean SERVICE_UNAVAILABLE within the deadline, never a hang ------------------------
    const second = started.nodes.find((n) => n.node === 3)!;
    log(`SIGKILL node3 (pid ${second.pid}): two of three nodes down, LOCAL_QUORUM impossible`);
    process.kill(second.pid, 'SIGKILL');
    const twoDown = {
      requests: 0,
      cleanUnavailable: 0,
      notClean: [] as string[],
      overDeadline: 0,
      hung: 0,
      maxMs: 0,
    };
    const slack = 1_000;
    const twoDownUntil = Date.now() + o.twoDownMs;
    await Promise.all(
      Array.from({ length: o.concurrency }, async () => {
        while (Date.now() < twoDownUntil) {
          const userId = users[Math.floor(Math.random() * users.length)];
          const x = Math.random();
          const t = titles[Math.floor(Math.random() * titles.length)];
          const r =
            x < 0.4
              ? await gql(url, HOME, { id: userId }, clientTimeout, as(userId))
              : x < 0.75 || writesVia !== 'api'
                ? await gql(url, HISTORY, { id: userId }, clientTimeout, as(userId))
                : await gql(
                    url,
                    RECORD,
                    { u: userId, c: t.id, p: 50, at: new Date(base + seq++).toISOString() },
                    clientTimeout,
                    as(userId),
                  );
          twoDown.requests += 1;
          twoDown.maxMs = Math.max(twoDown.maxMs, r.ms);
          if (r.hung) twoDown.hung += 1;
          if (r.ms > config.requestDeadlineMs + slack) twoDown.overDeadline += 1;
          const clean =
            (r.status === 200 || r.status === 503) &&
            r.codes.length > 0 &&
            r.codes.every((c) => c === 'SERVICE_UNAVAILABLE') &&
            r.retryable;
          if (clean) twoDown.cleanUnavailable += 1;
          else if (twoDown.notClean.length < 20)
            twoDown.notClean.push(
              r.error ?? `status ${r.status}, data ${JSON.stringify(r.data).slice(0, 80)}`,
            );
        }
      }),
    );
    log(
      `two down: ${twoDown.requests} requests, ${twoDown.cleanUnavailable} clean SERVICE_UNAVAILABLE, slowest ${Math.round(twoDown.maxMs)} ms (deadline ${config.requestDeadlineMs} ms), ${twoDown.hung} without an answer`,
    );

    // ---- restart: full service within recoveryLimitMs of the nodes accepting CQL -------------------------------
    log('restarting node2 and node3');
    const r0 = Date.now();
    await launcher.start();
    const restartMs = Date.now() - r0;
    const readyAt = Date.now();
    let firstGood: number | null = null;
    let probes = 0;
    let probesBeforeFullService = 0;
    const probeUntil = readyAt + Math.max(60_000, o.recoveryLimitMs * 3);
    while (Date.now() < probeUntil) {
      const sample = Array.from({ length: 4 }, () => users[Math.floor(Math.random() * users.length)]);
      const results = await Promise.all(
        sample.flatMap((u) => [
          runOp('homeScreen', u, false),
          runOp('recentlyWatched', u, false),
          runOp('recordWatch', u, false),
        ]),
      );
      probes += 1;
      const allOk = results.every((r) => r.error === null);
      if (allOk && firstGood === null) {
        firstGood = Date.now();
        probesBeforeFullService = probes - 1;
      }
      if (!allOk) firstGood = null;
      if (firstGood !== null && Date.now() - firstGood >= 3_000) break;
      await sleep(100);
    }
    const fullServiceMs = firstGood === null ? null : firstGood - readyAt;
    await sleep(1_000);
    const hostsUp = client.hosts.values().filter((h) => h.isUp()).length;
    log(
      `restart took ${(restartMs / 1000).toFixed(1)} s; full service ${fullServiceMs === null ? 'NOT reached' : `${fullServiceMs} ms`} after the nodes accepted CQL; driver sees ${hostsUp}/3 hosts up`,
    );

    const problems: string[] = [];
    if (failed > 0) problems.push(`${failed} operations failed during the load (expected 0)`);
    if (readBack.found !== sessionsAcked)
      problems.push(`${sessionsAcked - readBack.found} acknowledged sessions not read back`);
    if (ratingMismatches.length)
      problems.push(`${ratingMismatches.length} rating aggregates differ from the acknowledged ratings`);
    if (twoDown.requests === 0) problems.push('no request was sent with two nodes down');
    if (twoDown.cleanUnavailable !== twoDown.requests)
      problems.push(
        `${twoDown.requests - twoDown.cleanUnavailable} requests with two nodes down were not a clean SERVICE_UNAVAILABLE`,
      );
    if (twoDown.overDeadline > 0 || twoDown.hung > 0)
      problems.push(`${twoDown.overDeadline} requests past the deadline, ${twoDown.hung} without an answer`);
    if (fullServiceMs === null || fullServiceMs > o.recoveryLimitMs)
      problems.push(
        `full service ${fullServiceMs === null ? 'never reached' : `after ${fullServiceMs} ms`} (limit ${o.recoveryLimitMs} ms)`,
      );

    await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => undefined);
    return {
      writesVia,
      cluster: { startMs: started.elapsedMs, nodes: 3, replicationFactor: 3, keyspace },
      load: {
        total,
        failed,
        failedAfterRetry,
        byPhase,
        byOp,
        failures,
        killedNode: 2,
        rate: Math.round((total / loadMs) * 1000),
      },
      readBack: {
        sessionsAcked,
        sessionsFound: readBack.found,
        missing: readBack.missing.slice(0, 20),
        ratingTitles: ratingsComparable ? chaosTitles.length : 0,
        ratingMismatches,
      },
      twoDown: {
        killedNode: 3,
        ...twoDown,
        maxMs: Math.round(twoDown.maxMs),
        deadlineMs: config.requestDeadlineMs,
      },
      recovery: { restartMs, fullServiceMs, probesBeforeFullService, hostsUp },
      passed: problems.length === 0,
      problems,
    };
  } finally {
    await server?.stop({ deadlineMs: 2_000 }).catch(() => undefined);
    await client?.shutdown().catch(() => undefined);
    if (!o.keepCluster) {
      log('stopping the cluster');
      await launcher.stop().catch((err) => log(`stopping failed: ${(err as Error).message}`));
    }
  }
}

/** A node accepts CQL before every peer knows it: wait until a fresh driver sees all `n` nodes up. */
async function waitForRing(config: Config, n: number, log: (l: string) => void): Promise<void> {
  const until = Date.now() + 120_000;
  for (;;) {
    const probe = createClient(config.cassandra, config.cassandra.contactPoints!, { keyspace: null });
    try {
      await probe.connect();
      const up = probe.hosts.values().filter((h) => h.isUp()).length;
      if (up >= n) return;
      if (Date.now() > until) throw new Error(`only ${up} of ${n} nodes joined the ring`);
    } catch (err) {
      if (Date.now() > until) throw err;
    } finally {
      await probe.shutdown().catch(() => undefined);
    }
    log(`waiting for all ${n} nodes to see each other`);
    await sleep(2_000);
  }
}

/** The demo plus `extra` users with a few sessions each; returns every user id. */
async function seed(repos: Repositories, extra: number, log: (l: string) => void): Promise<string[]> {
  const t0 = Date.now();
  await seedDemo(repos);
  const ids = DEMO_USERS.map((u) => u.id);
  const titles = DEMO_TITLES.map((t) => ({ id: contentId(t.slug), title: t.title }));
  for (let i = 0; i < extra; i++) {
    const id = crypto.randomUUID();
    await repos.users.create({
      id,
      name: `Chaos Viewer ${i + 1}`,
      email: `chaos-viewer-${i + 1}-${id.slice(0, 8)}@example.test`,
      signupDate: '2025-01-01',
      preferredGenres: ['documentary', 'sci-fi'],
      preferredLanguage: 'en',
    });
    for (let s = 0; s < 3; s++) {
      const t = titles[(i + s) % titles.length];
      await repos.history.recordWatch({
        userId: id,
        contentId: t.id,
        title: t.title,
        watchedAt: new Date(Date.UTC(2025, 0, 2 + s, 20)),
        progressPct: 30 + s * 20,
        rating: null,
        eventId: crypto.randomUUID(),
      });
    }
    ids.push(id);
  }
  log(`seeded the demo and ${extra} more users in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return ids;
}

/** Titles only the experiment rates, so their aggregates can be checked exactly. */
async function seedChaosTitles(repos: Repositories): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) {
    const id = crypto.randomUUID();
    await repos.catalog.upsert({
      id,
      title: `Chaos Title ${i + 1}`,
      contentType: 'MOVIE',
      genre: 'drama',
      releaseYear: 2025,
      ratingAvg: null,
      ratingCount: 0,
      tags: ['chaos'],
      externalId: null,
    });
    ids.push(id);
  }
  return ids;
}

async function readBackSessions(
  url: string,
  acked: AckedSession[],
  timeoutMs: number,
  as: (userId: string) => Record<string, string>,
): Promise<{ found: number; missing: string[] }> {
  const byUser = new Map<string, AckedSession[]>();
  for (const a of acked) byUser.set(a.userId, [...(byUser.get(a.userId) ?? []), a]);
  let found = 0;
  const missing: string[] = [];
  for (const [userId, sessions] of byUser) {
    const seen = new Map<string, { progressPct: number; rating: number | null }>();
    let after: string | null = null;
    for (;;) {
      const r = await gql(url, HISTORY_PAGE, { id: userId, after }, timeoutMs, as(userId));
      if (!r.ok) throw new Error(`reading back ${userId}: ${r.error}`);
      const page = (
        r.data as {
          user: {
            recentlyWatched: {
              edges: Array<{
                node: {
                  contentId: { id: string };
                  watchedAt: string;
                  progressPct: number;
                  rating: number | null;
                };
              }>;
              pageInfo: { hasNextPage: boolean; endCursor: string };
            };
          };
        }
      ).user.recentlyWatched;
      for (const e of page.edges)
        seen.set(`${new Date(e.node.watchedAt).toISOString()}|${e.node.contentId.id}`, e.node);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    for (const s of sessions) {
      const got = seen.get(`${s.watchedAt}|${s.contentId}`);
      if (got && got.progressPct === s.progressPct && (s.rating === null || got.rating === s.rating))
        found += 1;
      else
        missing.push(
          `${s.userId} ${s.contentId} ${s.watchedAt}${got ? ` (progress ${got.progressPct}, expected ${s.progressPct})` : ''}`,
        );
    }
  }
  return { found, missing };
}

async function checkRatings(
  url: string,
  titles: string[],
  last: Map<string, number>,
  timeoutMs: number,
): Promise<string[]> {
  const mismatches: string[] = [];
  for (const title of titles) {
    const ratings = [...last].filter(([k]) => k.endsWith(`|${title}`)).map(([, v]) => v);
    const expectedAvg = ratings.length ? ratings.reduce((a, b) => a + b, 0) / ratings.length : null;
    const r = await gql(url, TITLE_RATING, { id: title }, timeoutMs);
    const c = (r.data as { content: { ratingAvg: number | null; ratingCount: number } } | null)?.content;
    if (!r.ok || !c) mismatches.push(`${title}: ${r.error}`);
    else if (
      c.ratingCount !== ratings.length ||
      (expectedAvg === null ? c.ratingAvg !== null : Math.abs((c.ratingAvg ?? NaN) - expectedAvg) > 1e-6)
    ) {
      mismatches.push(
        `${title}: ${c.ratingCount} ratings, mean ${c.ratingAvg}; expected ${ratings.length}, ${expectedAvg}`,
      );
    }
  }
  return mismatches;
}
