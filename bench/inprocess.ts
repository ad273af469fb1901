/**
 * `npm run bench:inprocess -- [--op home|p1] [--keyspace bench_l] [--variants 'on={};noJit={"jit":false}']
 *  [--concurrency 8] [--operations 300] [--repeats 7]`
 *
 * The server's own CPU time per GraphQL operation, without HTTP or a load generator in the way: the project's server
 * executes the operation in this process (`executeOperation`, a fresh context per operation, as the HTTP handler
 * builds it) against the bench Cassandra, and the process's CPU time is divided by the operations run. Variants (the
 * tuning switches of src/perf/tuning.ts, one server each) are measured interleaved, repeat after repeat, so a
 * machine that speeds up or slows down during the run affects each alike; medians are printed.
 *
 * Like the other bench processes it runs as plain node on the transpiled code (.cache/bench-dist), with the service's
 * node flags, pinned to the server's CPU; `--node-args '--cpu-prof'` profiles it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { createClient } from '../src/cassandra/client';
import { createLogger } from '../src/logger';
import { createRepositories } from '../src/repositories';
import { createServer, type AppServer } from '../src/server';
import { positiveInt } from '../src/cli/args';
import { benchCassandra, BENCH_CONTACT_POINT, REPO_ROOT } from './lib/cassandra';
import { benchConfig } from './lib/env';
import { HOME_SCREEN, RECENTLY_WATCHED, viewerOf } from './lib/operations';
import { buildForBench } from './lib/build';
import { placement, SERVER_CPU, SERVICE_NODE_FLAGS } from './lib/proc';

const o = new Command()
  .option('--op <op>', 'home | p1', 'home')
  .option('--keyspace <k>', 'data set (seeded by npm run bench)', 'bench_l')
  .option('--variants <spec>', 'name=tuningJSON pairs separated by ";"', 'on={}')
  .option('--concurrency <n>', 'operations in flight', positiveInt, 8)
  .option('--operations <n>', 'operations per measurement', positiveInt, 300)
  .option('--repeats <n>', 'interleaved measurements per variant', positiveInt, 7)
  .option('--warmup <n>', 'operations per variant before measuring', positiveInt, 1000)
  .option('--node-args <args>', 'extra node flags, space-separated (e.g. --cpu-prof)', '')
  .parse()
  .opts<{
    op: string;
    keyspace: string;
    variants: string;
    concurrency: number;
    operations: number;
    repeats: number;
    warmup: number;
    nodeArgs: string;
  }>();

/** Started through tsx: build, then run the transpiled copy of this file on plain node, pinned. */
async function relaunch(): Promise<number> {
  const dist = await buildForBench();
  const args = [
    ...SERVICE_NODE_FLAGS,
    ...o.nodeArgs.split(' ').filter(Boolean),
    path.join(dist, 'bench', 'inprocess.js'),
    ...process.argv.slice(2),
  ];
  const r = placement.pin
    ? spawnSync('taskset', ['-c', SERVER_CPU, process.execPath, ...args], { stdio: 'inherit' })
    : spawnSync(process.execPath, args, { stdio: 'inherit' });
  return r.status ?? 1;
}

function parseVariants(spec: string): Array<{ name: string; tuning: Record<string, unknown> }> {
  return spec
    .split(';')
    .filter((v) => v.trim())
    .map((v) => {
      const eq = v.indexOf('=');
      if (eq <= 0) throw new Error(`--variants: "${v}" is not name=JSON`);
      return { name: v.slice(0, eq).trim(), tuning: JSON.parse(v.slice(eq + 1)) as Record<string, unknown> };
    });
}

async function main() {
  if (!['home', 'p1'].includes(o.op)) throw new Error('--op must be home or p1');
  const variants = parseVariants(o.variants);
  const marker = path.join(REPO_ROOT, '.cache', 'bench-cassandra', 'datasets', `${o.keyspace}.json`);
  if (!fs.existsSync(marker))
    throw new Error(`data set ${o.keyspace} is not seeded: run npm run bench first`);
  const users = (JSON.parse(fs.readFileSync(marker, 'utf8')) as { sample: Array<{ id: string }> }).sample.map(
    (u) => u.id,
  );
  const cassandra = await benchCassandra().start();
  const config = benchConfig(o.keyspace);
  const client = createClient(config.cassandra, [BENCH_CONTACT_POINT]);
  await client.connect();
  const servers: AppServer[] = [];
  try {
    const repos = createRepositories(client, config);
    for (const v of variants) {
      servers.push(
        await createServer({ config, repos, log: createLogger('warn'), client, tuning: v.tuning } as never),
      );
    }
    const query = o.op === 'p1' ? RECENTLY_WATCHED : HOME_SCREEN;
    const run = async (server: AppServer, n: number) => {
      let k = 0;
      const worker = async () => {
        while (k < n) {
          const id = users[k++ % users.length];
          const res = await server.apollo.executeOperation(
            { query, variables: { id } },
            { contextValue: server.createContext(undefined, viewerOf(id)) },
          );
          const body = res.body.kind === 'single' ? res.body.singleResult : null;
          if (!body || body.errors) throw new Error(`operation failed: ${JSON.stringify(body?.errors)}`);
        }
      };
      await Promise.all(Array.from({ length: o.concurrency }, worker));
    };
    for (const s of servers) await run(s, o.warmup);
    const cpu: number[][] = variants.map(() => []);
    for (let r = 0; r < o.repeats; r++) {
      for (const [i, s] of servers.entries()) {
        const c0 = process.cpuUsage();
        await run(s, o.operations);
        const c = process.cpuUsage(c0);
        cpu[i].push(Math.round((c.user + c.system) / o.operations));
      }
      process.stdout.write(`repeat ${r + 1}/${o.repeats}\r`);
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const base = med(cpu[0]);
    console.log(`\nCPU µs per ${o.op} operation (median of ${o.repeats}, concurrency ${o.concurrency}):`);
    for (const [i, v] of variants.entries()) {
      const m = med(cpu[i]);
      console.log(
        `  ${v.name.padEnd(16)} ${String(m).padStart(6)} µs  ×${(m / base).toFixed(2)}  [${cpu[i].join(', ')}]`,
      );
    }
  } finally {
    for (const s of servers) await s.stop({ deadlineMs: 100 }).catch(() => undefined);
    await client.shutdown();
    if (cassandra.startedByUs) await benchCassandra().stop();
  }
}

(__filename.endsWith('.ts') ? relaunch().then((code) => process.exit(code)) : main()).catch((err: Error) => {
  console.error(`error: ${err.message}`);
  process.exit(1);
});
