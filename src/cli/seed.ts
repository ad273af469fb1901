/**
 * npm run seed                      — the demo: Lena, Marco and Yuki, ten titles, fifteen sessions (idempotent)
 * npm run seed -- --synthetic [--users N] [--events N] [--titles N] [--seed N] [--concurrency N]
 *                                   — realistic generated data for benchmarks and the recommender
 */
import { Command, InvalidArgumentError } from 'commander';
import { seedDemo } from '../seed/demo';
import { withDatabase, say } from './run';

function positiveInt(value: string): number {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive whole number');
  return n;
}

new Command('seed')
  .description('Load the demo data set, or generate a synthetic one')
  .option('--synthetic', 'generate realistic synthetic data instead of the demo')
  .option('--users <n>', 'synthetic: number of users', positiveInt, 1000)
  .option('--events <n>', 'synthetic: number of viewing sessions', positiveInt, 10_000)
  .option(
    '--titles <n>',
    'synthetic: number of titles in the catalog (default: about users/30, 200–5000)',
    positiveInt,
  )
  .option('--seed <n>', 'synthetic: random seed (same seed, same data)', positiveInt, 42)
  .option('--concurrency <n>', 'synthetic: writes in flight at once', positiveInt, 64)
  .action(
    async (opts: {
      synthetic?: boolean;
      users: number;
      events: number;
      titles?: number;
      seed: number;
      concurrency: number;
    }) => {
      await withDatabase(async ({ repos, config }) => {
        if (!opts.synthetic) {
          const t0 = Date.now();
          const s = await seedDemo(repos);
          say(
            `demo seeded into ${config.cassandra.keyspace} in ${Date.now() - t0} ms: ${s.users} users, ${s.titles} titles, ${s.sessions} sessions, ${s.recommendations} recommendations`,
          );
          return;
        }
        const { seedSynthetic } = await import('../seed/synthetic');
        const s = await seedSynthetic(repos, { ...opts, progress: true });
        say(
          `synthetic data written to ${config.cassandra.keyspace} in ${s.seconds.toFixed(1)} s: ${s.users} users, ` +
            `${s.titles} titles, ${s.sessions} sessions (${s.ratings} rated) — ${s.rowsPerSecond.toLocaleString('en-US')} rows/s`,
        );
      });
    },
  )
  .parseAsync()
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
