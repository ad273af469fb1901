/**
 * `npm run bench [-- --quick] [--soak] [--only P1,P5] [--repeats 3] [--duration 10] [--ablation] [--keep-cassandra]`
 *
 * Starts what it needs on loopback — the benchmark's own one-node Cassandra (bench/lib/cassandra.ts, ports 19242 /
 * 17200 / 17399, data under .cache/bench-cassandra), two seeded data sets, the server — and measures every scenario
 * of issue 9 as a ratio of two figures taken side by side in the same run (interleaved, repeated, medians): the
 * machine is shared and noisy, so absolute figures move between runs and only the ratios are compared with targets.
 * Server and raw-driver reference run on CPU 0, the load generator (autocannon, its own process) on the other CPU,
 * via `taskset`. Prints a table and writes bench/results/<time>.json (and latest.json).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { benchCassandra, REPO_ROOT } from './lib/cassandra';
import type { DatasetInfo } from './lib/dataset';
import { HOME_SCREEN, RECENTLY_WATCHED, requests, tokens, type BenchRequest } from './lib/operations';
import {
  CPUS,
  placement,
  HAS_TASKSET,
  SERVICE_NODE_FLAGS,
  LOAD_CPU,
  rssBytes,
  runChild,
  SERVER_CPU,
  spawnChild,
  type Child,
} from './lib/proc';
import { buildForBench } from './lib/build';
import type { RawLoopInput } from './lib/recorder';
import { median } from './lib/stats';
import { ensureDataset } from './seed';
import { runP3 } from './scenarios/p3-statements';
import { runP7 } from './scenarios/p7-recommender';
import { STATIC_USER_ID } from './lib/static-repos';
import { ABLATIONS, runAblation } from './scenarios/ablations';

const program = new Command('bench')
  .option('--quick', 'smaller data (100k events / 10k users instead of 1M / 100k) and shorter runs')
  .option('--soak', 'P8: a 10-minute soak under load, RSS growth measured')
  .option('--soak-minutes <n>', 'length of the soak', Number, 10)
  .option('--only <ids>', 'comma-separated scenario ids, e.g. P1,P5')
  .option('--repeats <n>', 'interleaved repetitions per measurement (medians are reported)', Number)
  .option('--duration <s>', 'seconds per measurement', Number)
  .option('--warmup <s>', 'warm-up seconds before each measurement', Number)
  .option('--ablation', 'also measure what each optimization buys (all on vs that one off, same run)')
  .option('--keep-cassandra', 'leave the bench Cassandra running afterwards')
  .parse();
const opts = program.opts<{
  quick?: boolean;
  soak?: boolean;
  soakMinutes: number;
  only?: string;
  repeats?: number;
  duration?: number;
  warmup?: number;
  ablation?: boolean;
  keepCassandra?: boolean;
}>();

const QUICK = Boolean(opts.quick);
const REPEATS = opts.repeats ?? 3;
const DURATION = opts.duration ?? (QUICK ? 8 : 12);
const WARMUP = opts.warmup ?? (QUICK ? 3 : 4);
const ONLY = opts.only ? new Set(opts.only.toUpperCase().split(',')) : null;
const want = (id: string) => !ONLY || ONLY.has(id);
const say = (line: string) => process.stderr.write(`[bench] ${line}\n`);

const SMALL = { keyspace: 'bench_s', users: 1_000, events: 10_000, seed: 42 };
const LARGE = QUICK
  ? { keyspace: 'bench_m', users: 10_000, events: 100_000, seed: 42 }
  : { keyspace: 'bench_l', users: 100_000, events: 1_000_000, seed: 42 };
const fmtSize = (d: { users: number; events: number }) =>
  `${d.events.toLocaleString('en-US')} events / ${d.users.toLocaleString('en-US')} users`;

export interface Row {
  id: string;
  what: string;
  ours: number | null;
  reference: number | null;
  unit: string;
  ratio: number | null;
  target: string;
  pass: boolean | null;
  note?: string;
}

const rows: Row[] = [];
const raw: Record<string, unknown> = {};
const children = new Set<Child>();

function addRow(r: Row) {
  rows.push(r);
  say(
    `${r.id} ${r.what}: ours ${fmt(r.ours)} ${r.unit}, reference ${fmt(r.reference)} → ratio ${fmt(r.ratio)} (target ${r.target}) ${r.pass === null ? 'n/a' : r.pass ? 'PASS' : 'FAIL'}`,
  );
}
/** An information row: the floor server's figure against the raw reference's. */
function addFloorRow(id: string, what: string, floor: number, reference: number, unit: string, ok: boolean) {
  addRow({
    id,
    what: `floor: ${what} (information)`,
    ours: floor,
    reference,
    unit,
    ratio: floor / reference,
    target: '—',
    pass: null,
    note: ok ? undefined : 'the floor server had failed responses',
  });
}
const fmt = (v: number | null | undefined, digits = 2) =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : Number(v.toFixed(digits)).toString();

// ---- child processes ----

interface ServerSpec {
  keyspace?: string;
  mode?: 'cassandra' | 'static' | 'fixed' | 'stock';
  tuning?: Record<string, unknown>;
  env?: Record<string, string>;
  nodeArgs?: string[];
  /** The stock server's resolvers: the fixed answers (P5) or the service's on in-memory repositories. */
  resolvers?: 'fixed' | 'static';
}

async function startServer(spec: ServerSpec): Promise<{ url: string; child: Child }> {
  const child = spawnChild(spec.mode === 'stock' ? 'stock-server.ts' : 'server.ts', {
    cpu: SERVER_CPU,
    nodeArgs: [...SERVICE_NODE_FLAGS, ...(spec.nodeArgs ?? [])],
    env: {
      BENCH_MODE: spec.mode ?? 'cassandra',
      BENCH_KEYSPACE: spec.keyspace ?? '',
      BENCH_TUNING: JSON.stringify(spec.tuning ?? {}),
      BENCH_SERVER_ENV: JSON.stringify(spec.env ?? {}),
      BENCH_RESOLVERS: spec.resolvers ?? 'static',
    },
  });
  children.add(child);
  const ready = await child.ready;
  await new Promise((r) => setTimeout(r, 1500)); // let start-up work (lazy compilation, GC) settle
  return { url: String(ready.url), child };
}

async function stopServer(s: { child: Child }) {
  await s.child.stop();
  children.delete(s.child);
}

interface LoadResult {
  count: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  errors: number;
  firstFailure?: string | null;
  /** load.ts with a server pid: the server's CPU time per response in the measured window. */
  serverCpuUsPerRequest?: number | null;
  /** raw.ts: its own CPU time per iteration. */
  cpuUsPerIteration?: number | null;
}

async function load(
  url: string,
  reqs: BenchRequest[],
  connections: number,
  durationSec = DURATION,
  serverPid?: number,
): Promise<LoadResult> {
  const r = (await runChild('load.ts', {
    cpu: LOAD_CPU,
    input: { url, requests: reqs, connections, warmupSec: WARMUP, durationSec, serverPid },
  })) as unknown as LoadResult;
  if (r.errors) say(`  load: ${r.errors} failed responses, first: ${r.firstFailure}`);
  return r;
}

async function rawLoop(input: RawLoopInput): Promise<LoadResult> {
  return (await runChild('raw.ts', {
    cpu: SERVER_CPU,
    input: { ...input, warmupSec: WARMUP, durationSec: DURATION },
  })) as unknown as LoadResult;
}

/**
 * The floor server (bench/floor-server.ts): node:http answering each request with the operation's recorded statements
 * for its user, all at once — no GraphQL. Pinned to the server's CPU.
 */
async function startFloor(plan: Omit<RawLoopInput, 'concurrency'>): Promise<{ url: string; child: Child }> {
  const child = spawnChild('floor-server.ts', { cpu: SERVER_CPU, nodeArgs: SERVICE_NODE_FLAGS, input: plan });
  children.add(child);
  const ready = await child.ready;
  await new Promise((r) => setTimeout(r, 1500));
  return { url: String(ready.url), child };
}

/** Runs every measurement once per repeat, forwards then backwards (a-b-c, c-b-a, …: drift cancels). */
async function rotated<T>(fns: Array<() => Promise<T>>, repeats = REPEATS): Promise<T[][]> {
  const out = fns.map(() => [] as T[]);
  for (let i = 0; i < repeats; i++) {
    const order = fns.map((_, k) => k);
    if (i % 2) order.reverse();
    for (const k of order) out[k].push(await fns[k]());
  }
  return out;
}

/**
 * Ours (the server at `server`), the raw reference and the floor for one operation at one concurrency, in one
 * interleaved rotation. The floor server lives for this measurement only. `cpu`: measure each server's CPU time per
 * request too.
 */
async function threeWay(
  server: { url: string; child: Child },
  plan: Omit<RawLoopInput, 'concurrency'>,
  bodies: BenchRequest[],
  concurrency: number,
  cpu = false,
): Promise<{ ours: LoadResult[]; reference: LoadResult[]; floor: LoadResult[] }> {
  const floor = await startFloor(plan);
  try {
    const [ours, reference, floors] = await rotated([
      () => load(server.url, bodies, concurrency, DURATION, cpu ? server.child.pid : undefined),
      () => rawLoop({ ...plan, concurrency }),
      () => load(floor.url, bodies, concurrency, DURATION, cpu ? floor.child.pid : undefined),
    ]);
    return { ours, reference, floor: floors };
  } finally {
    await stopServer(floor);
  }
}

/** Runs `a` and `b` alternately REPEATS times (a-b, b-a, a-b, …: drift cancels); returns every result of each. */
async function interleaved<A, B>(a: () => Promise<A>, b: () => Promise<B>, repeats = REPEATS) {
  const as: A[] = [];
  const bs: B[] = [];
  for (let i = 0; i < repeats; i++) {
    if (i % 2 === 0) {
      as.push(await a());
      bs.push(await b());
    } else {
      bs.push(await b());
      as.push(await a());
    }
  }
  return { as, bs };
}

const med = <T>(xs: T[], f: (x: T) => number) => median(xs.map(f));
const okAll = (xs: LoadResult[]) => xs.every((x) => x.errors === 0 && x.count > 0);

// ---- scenarios ----

async function main() {
  const started = Date.now();
  const machine = {
    cpus: CPUS,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    loadAverageAtStart: os.loadavg().map((v) => Number(v.toFixed(1))),
    taskset: HAS_TASKSET,
    pinning: HAS_TASKSET
      ? `server + raw reference on CPU ${SERVER_CPU}, load generator on CPU ${LOAD_CPU}`
      : 'none',
  };
  say(`machine: ${JSON.stringify(machine)}`);
  if (!HAS_TASKSET) say('taskset not found: processes are not pinned');

  if (process.env.BENCH_TSX !== '1') {
    await buildForBench();
    placement.compiled = true;
    say('children run plain node on the transpiled JavaScript (.cache/bench-dist)');
  }
  const cassandra = benchCassandra();
  const cstart = await cassandra.start();
  say(
    `Cassandra on ${cstart.contactPoints[0]}:${cstart.port} (${cstart.startedByUs ? 'started' : 'reused'})`,
  );
  let stoppedCassandra = false;
  const stopAll = async () => {
    for (const c of children) await c.stop().catch(() => undefined);
    if (cstart.startedByUs && !opts.keepCassandra && !stoppedCassandra) {
      stoppedCassandra = true;
      say('stopping the bench Cassandra');
      await cassandra.stop().catch(() => undefined);
    }
  };
  process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));

  try {
    const small = await ensureDataset(SMALL, say);
    const large = await ensureDataset(LARGE, say);
    const data = { small: summary(small), large: summary(large) };
    say(`data sets: small ${fmtSize(small)}, large ${fmtSize(large)}`);
    const users = large.sample.map((u) => u.id);
    const auth = await tokens([...users, ...small.sample.map((u) => u.id), STATIC_USER_ID]);
    const p1Bodies = requests(RECENTLY_WATCHED, users, auth);
    const homeBodies = requests(HOME_SCREEN, users, auth);

    if (want('P3')) {
      say('P3: statements per operation');
      const p3 = await runP3(large);
      raw.P3 = p3;
      for (const r of p3) {
        addRow({
          id: 'P3',
          what: `${r.operation}: statements / distinct partitions (${r.operations} ops)`,
          ours: r.statements / r.operations,
          reference: r.partitions / r.operations,
          unit: 'stmts/op',
          ratio: r.statements / r.partitions,
          target: '= 1 exactly',
          pass: r.exact,
          note: r.mismatch ?? undefined,
        });
        addRow({
          id: 'P3',
          what: `${r.operation}: prepared statements`,
          ours: (100 * r.prepared) / r.statements,
          reference: 100,
          unit: '%',
          ratio: r.prepared / r.statements,
          target: '100%',
          pass: r.prepared === r.statements,
        });
      }
    }

    if (want('P1') || want('P2') || want('P4') || want('P6') || want('P8')) {
      const server = await startServer({ keyspace: large.keyspace });
      const rss: number[] = [];
      try {
        const p1Plan = {
          keyspace: large.keyspace,
          users,
          query: RECENTLY_WATCHED,
          pick: 'shelf' as const,
          table: 'watch_history',
        };
        const homePlan = { keyspace: large.keyspace, users, query: HOME_SCREEN, pick: 'all' as const };
        if (want('P1')) {
          say(
            'P1: recentlyWatched(20) via HTTP+GraphQL vs the raw prepared read vs HTTP alone, concurrency 1',
          );
          const { ours: as, reference: bs, floor: floors } = await threeWay(server, p1Plan, p1Bodies, 1);
          raw.P1 = { ours: as, reference: bs, floor: floors };
          const ok = okAll(as) && okAll(bs);
          for (const [q, target, limit] of [
            ['p50', '≤ 1.5×', 1.5],
            ['p99', '≤ 2×', 2],
          ] as const) {
            const [o, r, f] = [med(as, (x) => x[q]), med(bs, (x) => x[q]), med(floors, (x) => x[q])];
            addRow({
              id: 'P1',
              what: `recentlyWatched(20) ${q}, c=1`,
              ours: o,
              reference: r,
              unit: 'ms',
              ratio: o / r,
              target,
              pass: ok && o / r <= limit,
            });
            addFloorRow('P1', `HTTP alone + the same read, ${q}, c=1`, f, r, 'ms', okAll(floors));
          }
        }
        if (want('P2')) {
          say(
            'P2: homeScreen vs all of its reads issued at once (the slowest one ends an iteration) vs HTTP alone, concurrency 1',
          );
          const { ours: as, reference: bs, floor: floors } = await threeWay(server, homePlan, homeBodies, 1);
          raw.P2 = { ours: as, reference: bs, floor: floors };
          const [o, r, f] = [med(as, (x) => x.p50), med(bs, (x) => x.p50), med(floors, (x) => x.p50)];
          addRow({
            id: 'P2',
            what: 'homeScreen p50 vs slowest of its reads in parallel, c=1',
            ours: o,
            reference: r,
            unit: 'ms',
            ratio: o / r,
            target: '≤ 1.3×',
            pass: okAll(as) && okAll(bs) && o / r <= 1.3,
          });
          addFloorRow('P2', 'HTTP alone + the same reads at once, p50, c=1', f, r, 'ms', okAll(floors));
        }
        if (want('P4') || want('P8')) {
          say(
            'P4: homeScreen requests/s vs a raw-driver loop doing the same reads vs HTTP alone, concurrency 32',
          );
          const sampler = setInterval(() => {
            const v = rssBytes(server.child.pid);
            if (v) rss.push(v);
          }, 250);
          const measured = await threeWay(server, homePlan, homeBodies, 32, true).finally(() =>
            clearInterval(sampler),
          );
          const { ours: as, reference: bs, floor: floors } = measured;
          raw.P4 = { ours: as, reference: bs, floor: floors };
          if (want('P4')) {
            const cpu = (xs: LoadResult[]) =>
              med(xs, (x) => x.serverCpuUsPerRequest ?? x.cpuUsPerIteration ?? NaN);
            addRow({
              id: 'P4',
              what: 'homeScreen CPU per request: server process vs raw-driver process (information)',
              ours: cpu(as),
              reference: cpu(bs),
              unit: 'µs',
              ratio: cpu(as) / cpu(bs),
              target: '—',
              pass: null,
            });
            addFloorRow(
              'P4',
              'HTTP alone + the same reads, CPU per request',
              cpu(floors),
              cpu(bs),
              'µs',
              okAll(floors),
            );
          }
          const [o, r] = [med(as, (x) => x.rps), med(bs, (x) => x.rps)];
          if (want('P4')) {
            addRow({
              id: 'P4',
              what: 'homeScreen throughput, c=32',
              ours: o,
              reference: r,
              unit: 'req/s',
              ratio: o / r,
              target: '≥ 0.7×',
              pass: okAll(as) && okAll(bs) && o / r >= 0.7,
            });
            const f = med(floors, (x) => x.rps);
            addFloorRow(
              'P4',
              'HTTP alone + the same reads at once, throughput, c=32',
              f,
              r,
              'req/s',
              okAll(floors),
            );
          }
          if (want('P8')) {
            const maxMb = Math.max(...rss) / 2 ** 20;
            addRow({
              id: 'P8',
              what: 'server RSS under load (max, homeScreen c=32)',
              ours: maxMb,
              reference: 150,
              unit: 'MB',
              ratio: maxMb / 150,
              target: '≤ 150 MB',
              pass: maxMb <= 150,
            });
          }
        }
        if (want('P6')) {
          say(`P6: homeScreen p50 on ${fmtSize(large)} vs ${fmtSize(small)}, concurrency 1`);
          const smallServer = await startServer({ keyspace: small.keyspace });
          try {
            const smallBodies = requests(
              HOME_SCREEN,
              small.sample.map((u) => u.id),
              auth,
            );
            const { as, bs } = await interleaved(
              () => load(server.url, homeBodies, 1),
              () => load(smallServer.url, smallBodies, 1),
            );
            raw.P6 = { large: as, small: bs };
            const [o, r] = [med(as, (x) => x.p50), med(bs, (x) => x.p50)];
            addRow({
              id: 'P6',
              what: `homeScreen p50 at ${fmtSize(large)} vs ${fmtSize(small)}`,
              ours: o,
              reference: r,
              unit: 'ms',
              ratio: o / r,
              target: '≤ 1.1×',
              pass: okAll(as) && okAll(bs) && o / r <= 1.1,
            });
          } finally {
            await stopServer(smallServer);
          }
        }
        if (want('P8') && opts.soak) {
          const minutes = opts.soakMinutes;
          say(`P8: ${minutes}-minute soak (homeScreen, c=32), RSS sampled every second`);
          const samples: Array<[number, number]> = [];
          const t0 = Date.now();
          const sampler = setInterval(() => {
            const v = rssBytes(server.child.pid);
            if (v) samples.push([(Date.now() - t0) / 1000, v]);
          }, 1000);
          const r = await load(server.url, homeBodies, 32, minutes * 60);
          clearInterval(sampler);
          raw.P8soak = { load: r, samples };
          // Growth: the median RSS of the last minute vs the median RSS of the second minute (after warm-up).
          const window = (from: number, to: number) =>
            median(samples.filter(([t]) => t >= from && t < to).map(([, v]) => v));
          const end = (Date.now() - t0) / 1000;
          const early = window(60, 120);
          const late = window(end - 60, end + 1);
          const growth = (late - early) / early;
          const maxMb = Math.max(...samples.map(([, v]) => v)) / 2 ** 20;
          addRow({
            id: 'P8',
            what: `soak ${minutes} min: RSS max`,
            ours: maxMb,
            reference: 150,
            unit: 'MB',
            ratio: maxMb / 150,
            target: '≤ 150 MB',
            pass: r.errors === 0 && maxMb <= 150,
          });
          addRow({
            id: 'P8',
            what: `soak ${minutes} min: RSS growth (last minute vs 2nd minute)`,
            ours: 100 * growth,
            reference: 10,
            unit: '%',
            ratio: null,
            target: '< 10%',
            pass: r.errors === 0 && growth < 0.1,
            note: `${r.count} requests, ${r.errors} failed`,
          });
        } else if (want('P8')) {
          addRow({
            id: 'P8',
            what: 'soak RSS growth',
            ours: null,
            reference: null,
            unit: '%',
            ratio: null,
            target: '< 10%',
            pass: null,
            note: 'not run: pass --soak (10 minutes)',
          });
        }
      } finally {
        await stopServer(server);
      }
    }

    if (want('P5')) {
      const staticBodies = requests(RECENTLY_WATCHED, [STATIC_USER_ID], auth);
      // P5 itself: the layer alone — the same schema with fixed answers (static resolvers) behind our server and
      // behind stock startStandaloneServer. Then, for information, the same pair running the service's own resolvers
      // over in-memory repositories (pagination, 21 signed cursors and access checks, which both servers run alike).
      for (const variant of ['fixed', 'static'] as const) {
        const layer = variant === 'fixed';
        say(
          layer
            ? 'P5: HTTP+GraphQL layer alone (same schema, static resolvers) vs stock startStandaloneServer, concurrency 32'
            : 'P5 (information): the same with the service resolvers over in-memory repositories, concurrency 32',
        );
        const label = layer ? 'static resolvers' : 'service resolvers on in-memory repositories';
        const ours = await startServer({ mode: variant });
        const stock = await startServer({ mode: 'stock', resolvers: variant });
        try {
          const { as, bs } = await interleaved(
            () => load(ours.url, staticBodies, 32, DURATION, ours.child.pid),
            () => load(stock.url, staticBodies, 32, DURATION, stock.child.pid),
          );
          raw[layer ? 'P5' : 'P5service'] = { ours: as, reference: bs };
          const [oc, sc] = [
            med(as, (x) => x.serverCpuUsPerRequest ?? NaN),
            med(bs, (x) => x.serverCpuUsPerRequest ?? NaN),
          ];
          addRow({
            id: 'P5',
            what: `${label}, 20-item shelf: server CPU per request, stock / ours (information)`,
            ours: oc,
            reference: sc,
            unit: 'µs',
            ratio: sc / oc,
            target: '—',
            pass: null,
          });
          const [o, r] = [med(as, (x) => x.rps), med(bs, (x) => x.rps)];
          addRow({
            id: 'P5',
            what: `${label}, 20-item shelf, c=32${layer ? '' : ' (information)'}`,
            ours: o,
            reference: r,
            unit: 'req/s',
            ratio: o / r,
            target: layer ? '≥ 2×' : '—',
            pass: layer ? okAll(as) && okAll(bs) && o / r >= 2 : null,
          });
          if (layer) {
            const lat = await interleaved(
              () => load(ours.url, staticBodies, 1),
              () => load(stock.url, staticBodies, 1),
              1,
            );
            raw.P5latency = lat;
            addRow({
              id: 'P5',
              what: `${label}, 20-item shelf p50, c=1 (information)`,
              ours: lat.as[0].p50,
              reference: lat.bs[0].p50,
              unit: 'ms',
              ratio: lat.as[0].p50 / lat.bs[0].p50,
              target: '—',
              pass: null,
            });
          }
        } finally {
          await stopServer(ours);
          await stopServer(stock);
        }
      }
    }

    if (want('P7')) {
      say('P7: recommender recompute of a 100k-interaction data set');
      const r = await runP7(say);
      raw.P7 = r;
      addRow({
        id: 'P7',
        what: r.what,
        ours: r.seconds,
        reference: 30,
        unit: 's',
        ratio: r.seconds === null ? null : r.seconds / 30,
        target: '≤ 30 s',
        pass: r.seconds === null ? null : r.seconds <= 30,
        note: r.note,
      });
    }

    if (opts.ablation) {
      const staticBodies = requests(RECENTLY_WATCHED, [STATIC_USER_ID], auth);
      for (const a of ABLATIONS) {
        say(`ablation: ${a.name} (all on vs this one off)`);
        for (const res of await runAblation(a, {
          startServer,
          stopServer,
          load,
          large,
          p1Bodies,
          homeBodies,
          staticBodies,
          repeats: REPEATS,
        })) {
          raw[`ablation:${res.name}:${res.metric}`] = res.raw;
          addRow({
            id: 'OPT',
            what: `${res.name}: ${res.metric}`,
            ours: res.on,
            reference: res.off,
            unit: res.unit,
            ratio: res.ratio,
            target: 'on vs off',
            pass: null,
          });
        }
      }
    }

    const result = {
      when: new Date().toISOString(),
      command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
      mode: QUICK ? 'quick' : 'full',
      machine: { ...machine, loadAverageAtEnd: os.loadavg().map((v) => Number(v.toFixed(1))) },
      settings: {
        repeats: REPEATS,
        durationSec: DURATION,
        warmupSec: WARMUP,
        statistic: 'median of repeats',
      },
      data,
      rows,
      raw,
      seconds: Math.round((Date.now() - started) / 1000),
    };
    const dir = path.join(REPO_ROOT, 'bench', 'results');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${result.when.replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(file, JSON.stringify(result, null, 1));
    fs.writeFileSync(path.join(dir, 'latest.json'), JSON.stringify(result, null, 1));
    console.log(table(rows, result));
    console.log(`\nresults: ${path.relative(REPO_ROOT, file)}`);
    process.exitCode = rows.some((r) => r.pass === false) ? 1 : 0;
  } finally {
    await stopAll();
  }
}

function summary(d: DatasetInfo) {
  return {
    keyspace: d.keyspace,
    users: d.users,
    events: d.events,
    titles: d.titles,
    rows: d.rows,
    sampledUsers: d.sample.length,
    seedSeconds: d.seedSeconds,
  };
}

function table(
  rs: Row[],
  r: { mode: string; machine: Record<string, unknown>; data: Record<string, unknown> },
) {
  const head = ['id', 'scenario', 'ours', 'reference', 'ratio', 'target', 'result'];
  const body = rs.map((x) => [
    x.id,
    x.what,
    `${fmt(x.ours)} ${x.unit}`,
    `${fmt(x.reference)} ${x.unit}`,
    x.ratio === null ? '—' : `${fmt(x.ratio)}×`,
    x.target,
    x.pass === null ? (x.note?.startsWith('not run') ? 'not run' : '—') : x.pass ? 'PASS' : 'FAIL',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  const m = r.machine as {
    cpus: number;
    cpuModel: string;
    memoryGiB: number;
    node: string;
    loadAverageAtStart: number[];
    pinning: string;
  };
  return [
    '',
    `mode: ${r.mode}; data: ${JSON.stringify(r.data)}`,
    `machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, load average at start ${m.loadAverageAtStart.join(' / ')}; ${m.pinning}`,
    "figures: medians of interleaved repeats; absolute numbers depend on the machine's load, the ratios are what is compared",
    '',
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
  ].join('\n');
}

main().catch(async (err) => {
  console.error(err);
  for (const c of children) await c.stop().catch(() => undefined);
  process.exit(1);
});
