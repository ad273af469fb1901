/**
 * What each optimization buys: the same measurement with all optimizations on and with that one switched off
 * (AppDeps.tuning, src/perf/tuning.ts), interleaved in the same run. Ratio = on / off for latencies (lower is
 * better) and for throughput (higher is better) — read it with the unit.
 */
import type { DatasetInfo } from '../lib/dataset';
import type { BenchRequest } from '../lib/operations';
import { median } from '../lib/stats';

interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

export interface AblationContext {
  startServer(spec: {
    keyspace?: string;
    mode?: 'cassandra' | 'static' | 'fixed' | 'stock';
    tuning?: Record<string, unknown>;
  }): Promise<{ url: string; child: unknown }>;
  stopServer(s: { child: unknown }): Promise<void>;
  load(url: string, reqs: BenchRequest[], connections: number): Promise<LoadResult>;
  large: DatasetInfo;
  p1Bodies: BenchRequest[];
  homeBodies: BenchRequest[];
  staticBodies: BenchRequest[];
  repeats: number;
}

type Metric = 'layer-rps' | 'static-rps' | 'home-p50' | 'p1-p50' | 'p1-p99' | 'home-rps' | 'first-request';

export interface Ablation {
  name: string;
  /** The tuning that switches this optimization off. */
  off: Record<string, unknown>;
  metrics: Metric[];
}

export const ABLATIONS: Ablation[] = [
  { name: 'graphql-jit executor', off: { jit: false }, metrics: ['layer-rps', 'home-rps'] },
  { name: 'static cache policy', off: { staticCacheControl: false }, metrics: ['layer-rps', 'home-rps'] },
  { name: 'verified-token cache', off: { tokenCache: false }, metrics: ['layer-rps'] },
  {
    name: 'gateway context without accessor literal',
    off: { gatewayContext: false },
    metrics: ['layer-rps', 'p1-p99', 'home-rps'],
  },
  { name: 'look-ahead prefetch', off: { prefetch: false }, metrics: ['p1-p50', 'home-p50'] },
  { name: 'statement warm-up at start', off: { warmUp: false }, metrics: ['first-request'] },
  {
    name: 'all of them together',
    off: {
      jit: false,
      staticCacheControl: false,
      tokenCache: false,
      prefetch: false,
      warmUp: false,
      gatewayContext: false,
    },
    metrics: ['layer-rps', 'static-rps', 'home-rps', 'home-p50'],
  },
];

/** The latency of the very first homeScreen request a freshly started server answers (ms). */
async function firstRequest(ctx: AblationContext, tuning: Record<string, unknown>): Promise<number> {
  const s = await ctx.startServer({ keyspace: ctx.large.keyspace, tuning });
  try {
    const r = ctx.homeBodies[0];
    const t = performance.now();
    const res = await fetch(s.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: r.authorization },
      body: r.body,
    });
    const text = await res.text();
    const ms = performance.now() - t;
    if (!text.startsWith('{"data":{') || text.includes('"errors"'))
      throw new Error(`first request failed: ${text.slice(0, 300)}`);
    return ms;
  } finally {
    await ctx.stopServer(s);
  }
}

export interface AblationResult {
  name: string;
  metric: string;
  unit: string;
  on: number;
  off: number;
  ratio: number;
  raw: unknown;
}

const DESCRIBE: Record<
  Exclude<Metric, 'first-request'>,
  { what: string; unit: string; pick: (r: LoadResult) => number; c: number }
> = {
  'layer-rps': { what: 'layer req/s (static resolvers), c=32', unit: 'req/s', pick: (r) => r.rps, c: 32 },
  'static-rps': {
    what: 'service resolvers, in-memory repositories, req/s, c=32',
    unit: 'req/s',
    pick: (r) => r.rps,
    c: 32,
  },
  'home-rps': { what: 'homeScreen req/s, c=32', unit: 'req/s', pick: (r) => r.rps, c: 32 },
  'home-p50': { what: 'homeScreen p50, c=1', unit: 'ms', pick: (r) => r.p50, c: 1 },
  'p1-p50': { what: 'recentlyWatched(20) p50, c=1', unit: 'ms', pick: (r) => r.p50, c: 1 },
  'p1-p99': { what: 'recentlyWatched(20) p99, c=1', unit: 'ms', pick: (r) => r.p99, c: 1 },
};

export async function runAblation(a: Ablation, ctx: AblationContext): Promise<AblationResult[]> {
  const out: AblationResult[] = [];
  for (const metric of a.metrics) {
    if (metric === 'first-request') {
      const ons: number[] = [];
      const offs: number[] = [];
      for (let i = 0; i < ctx.repeats; i++) {
        ons.push(await firstRequest(ctx, {}));
        offs.push(await firstRequest(ctx, a.off));
      }
      const [m1, m0] = [median(ons), median(offs)];
      out.push({
        name: a.name,
        metric: 'first homeScreen after start',
        unit: 'ms',
        on: m1,
        off: m0,
        ratio: m1 / m0,
        raw: { on: ons, off: offs },
      });
      continue;
    }
    const d = DESCRIBE[metric];
    const mode = metric === 'layer-rps' ? 'fixed' : metric === 'static-rps' ? 'static' : 'cassandra';
    const reqs =
      metric === 'layer-rps' || metric === 'static-rps'
        ? ctx.staticBodies
        : metric.startsWith('p1-')
          ? ctx.p1Bodies
          : ctx.homeBodies;
    const on = await ctx.startServer({ mode, keyspace: ctx.large.keyspace });
    const off = await ctx.startServer({ mode, keyspace: ctx.large.keyspace, tuning: a.off });
    try {
      const ons: LoadResult[] = [];
      const offs: LoadResult[] = [];
      for (let i = 0; i < ctx.repeats; i++) {
        // on-off, off-on, …: drift of the shared machine cancels
        const pair = [
          () => ctx.load(on.url, reqs, d.c).then((r) => ons.push(r)),
          () => ctx.load(off.url, reqs, d.c).then((r) => offs.push(r)),
        ];
        if (i % 2) pair.reverse();
        for (const run of pair) await run();
      }
      const [m1, m0] = [median(ons.map(d.pick)), median(offs.map(d.pick))];
      out.push({
        name: a.name,
        metric: d.what,
        unit: d.unit,
        on: m1,
        off: m0,
        ratio: m1 / m0,
        raw: { on: ons, off: offs },
      });
    } finally {
      await ctx.stopServer(on);
      await ctx.stopServer(off);
    }
  }
  return out;
}
