/**
 * `npx tsx bench/probe.ts --mode fixed|static|stock|cassandra [--resolvers fixed|static] [--keyspace bench_m] [--op p1|home] [-c 32] [--duration 5]
 *  [--prof] [--tuning '{"jit":false}']`: one server, one load run, the result — for profiling and quick checks.
 * `--prof` runs the server with --cpu-prof (profile written to bench/results/profiles/ when it stops).
 */
import path from 'node:path';
import { Command } from 'commander';
import { benchCassandra, REPO_ROOT } from './lib/cassandra';
import { HOME_SCREEN, RECENTLY_WATCHED, requests, tokens } from './lib/operations';
import { buildForBench } from './lib/build';
import {
  rssBytes,
  LOAD_CPU,
  placement,
  runChild,
  SERVER_CPU,
  SERVICE_NODE_FLAGS,
  spawnChild,
} from './lib/proc';
import { STATIC_USER_ID } from './lib/static-repos';
import fs from 'node:fs';

const o = new Command()
  .option(
    '--mode <m>',
    'fixed (static resolvers) | static (service resolvers, in-memory repositories) | stock | cassandra',
    'static',
  )
  .option('--resolvers <r>', "the stock server's resolvers: fixed | static", 'static')
  .option('--keyspace <k>', 'data set', 'bench_m')
  .option('--op <op>', 'p1 | home', 'p1')
  .option('-c <n>', 'connections', Number, 32)
  .option('--duration <s>', 'seconds', Number, 5)
  .option('--warmup <s>', 'seconds', Number, 2)
  .option('--prof', 'cpu profile of the server')
  .option('--tuning <json>', 'BENCH_TUNING', '{}')
  .option('--node-args <args>', 'extra V8/node flags for the server, space-separated', '')
  .parse()
  .opts<{
    mode: string;
    resolvers: string;
    keyspace: string;
    op: string;
    c: number;
    duration: number;
    warmup: number;
    prof?: boolean;
    tuning: string;
    nodeArgs: string;
  }>();

async function main() {
  if (process.env.BENCH_TSX !== '1') {
    await buildForBench();
    placement.compiled = true;
  }
  let users = [STATIC_USER_ID];
  if (o.mode === 'cassandra') {
    await benchCassandra().start();
    const marker = JSON.parse(
      fs.readFileSync(
        path.join(REPO_ROOT, '.cache', 'bench-cassandra', 'datasets', `${o.keyspace}.json`),
        'utf8',
      ),
    ) as { sample: Array<{ id: string }> };
    users = marker.sample.map((u) => u.id);
  }
  const profDir = path.join(REPO_ROOT, 'bench', 'results', 'profiles');
  const server = spawnChild(o.mode === 'stock' ? 'stock-server.ts' : 'server.ts', {
    cpu: SERVER_CPU,
    nodeArgs: [
      ...SERVICE_NODE_FLAGS,
      ...o.nodeArgs.split(' ').filter(Boolean),
      ...(o.prof ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []),
    ],
    env: {
      BENCH_MODE: o.mode,
      BENCH_KEYSPACE: o.keyspace,
      BENCH_TUNING: o.tuning,
      BENCH_RESOLVERS: o.resolvers,
    },
  });
  try {
    const { url } = await server.ready;
    const auth = await tokens(users);
    const reqs = requests(o.op === 'home' ? HOME_SCREEN : RECENTLY_WATCHED, users, auth);
    let maxRss = 0;
    const sampler = setInterval(() => (maxRss = Math.max(maxRss, rssBytes(server.pid) ?? 0)), 250);
    const r = (await runChild('load.ts', {
      cpu: LOAD_CPU,
      // The load process reads the server's CPU time at the start and end of the measured window (not the warm-up).
      input: {
        url,
        requests: reqs,
        connections: o.c,
        warmupSec: o.warmup,
        durationSec: o.duration,
        serverPid: server.pid,
      },
    })) as { count: number };
    clearInterval(sampler);
    console.log(
      JSON.stringify({
        ...r,
        serverMaxRssMB: Math.round(maxRss / 2 ** 20),
      }),
    );
  } finally {
    await server.stop();
  }
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
