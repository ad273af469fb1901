/**
 * The server under test, in its own process (pinned by bench/run.ts): the project's createServer on the bench node
 * (BENCH_MODE=cassandra), on in-memory repositories under the service's resolvers (BENCH_MODE=static, P5's
 * information row) or with fixed answers from static resolvers (BENCH_MODE=fixed, P5: the layer alone). BENCH_TUNING (JSON) switches individual
 * optimizations off for the before/after measurements. Prints {"url":…} when listening; SIGTERM stops it.
 */
import { createClient } from '../src/cassandra/client';
import { createLogger } from '../src/logger';
import { createRepositories } from '../src/repositories';
import { createServer } from '../src/server';
import { BENCH_CONTACT_POINT } from './lib/cassandra';
import { benchConfig } from './lib/env';
import { staticRepositories } from './lib/static-repos';
import { staticResolvers } from './lib/static-resolvers';

async function main() {
  const mode = process.env.BENCH_MODE ?? 'cassandra';
  const keyspace = process.env.BENCH_KEYSPACE ?? 'bench_s';
  const config = benchConfig(keyspace, JSON.parse(process.env.BENCH_SERVER_ENV || '{}'));
  const log = createLogger(config.logLevel);
  const inMemory = mode === 'static' || mode === 'fixed';
  const client = inMemory ? undefined : createClient(config.cassandra, [BENCH_CONTACT_POINT]);
  await client?.connect();
  const repos = client ? createRepositories(client, config) : staticRepositories();
  const tuning = JSON.parse(process.env.BENCH_TUNING || '{}') as Record<string, unknown>;
  const server = await createServer({
    config,
    repos,
    log,
    client,
    ...(mode === 'fixed' ? { resolvers: staticResolvers(config.cursorSecret) } : {}),
    ...(Object.keys(tuning).length ? { tuning } : {}),
  } as never);
  const url = await server.listen(0, '127.0.0.1');
  process.stdout.write(JSON.stringify({ url, pid: process.pid }) + '\n');
  const stop = async () => {
    await server.stop({ deadlineMs: 1000 }).catch(() => undefined);
    await client?.shutdown().catch(() => undefined);
    process.stdout.write(JSON.stringify({ stopped: true, rss: process.memoryUsage().rss }) + '\n');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
