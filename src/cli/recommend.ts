/**
 * npm run recommend [-- --size 50] [--user <id>] [--dry-run] [--resume] [--concurrency 32] [--chunk-users 250]
 *
 * Recomputes the recommendations from the interactions in Cassandra and writes them back (see src/jobs/recommend.ts):
 * the published model for refreshRecommendations, every user's list with reasons, title embeddings and similar users.
 */
import { Command, InvalidArgumentError } from 'commander';
import { formatSummary, MAX_LIST_SIZE, runRecommendJob } from '../jobs/recommend';
import { say, withDatabase } from './run';

function positiveInt(max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value.replace(/_/g, ''));
    if (!Number.isInteger(n) || n < 1 || n > max)
      throw new InvalidArgumentError(`must be a whole number from 1 to ${max.toLocaleString('en-US')}`);
    return n;
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

new Command('recommend')
  .description(
    'Train the recommender on the interactions in Cassandra and write every user’s list with reasons',
  )
  .option('--size <n>', `recommendations per user (at most ${MAX_LIST_SIZE})`, positiveInt(MAX_LIST_SIZE), 50)
  .option(
    '--user <id>',
    'only this user (trains on everything, writes this user’s list and similar users)',
    (v) => {
      if (!UUID.test(v)) throw new InvalidArgumentError('must be a user id (UUID)');
      return v.toLowerCase();
    },
  )
  .option('--dry-run', 'print the lists with their reasons instead of writing anything')
  .option('--resume', 'continue the latest unfinished run (finished phases and user chunks are skipped)')
  .option('--concurrency <n>', 'writes in flight at once', positiveInt(1024), 32)
  .option('--chunk-users <n>', 'users per checkpointed chunk of a new run', positiveInt(), 250)
  .option('--no-progress', 'no progress bars')
  .option('--no-workers', 'run the validation search on the main thread instead of a worker thread')
  .action(
    async (opts: {
      size: number;
      user?: string;
      dryRun?: boolean;
      resume?: boolean;
      concurrency: number;
      chunkUsers: number;
      progress: boolean;
      workers: boolean;
    }) => {
      if (opts.resume && (opts.dryRun || opts.user)) {
        say('error: --resume continues a whole run; it cannot be combined with --dry-run or --user');
        process.exit(1);
      }
      await withDatabase(async ({ repos, config }) => {
        say(`[recommend] keyspace ${config.cassandra.keyspace}`);
        const summary = await runRecommendJob(repos, {
          listSize: opts.size,
          userId: opts.user ?? null,
          dryRun: opts.dryRun ?? false,
          resume: opts.resume ?? false,
          concurrency: opts.concurrency,
          chunkUsers: opts.chunkUsers,
          progress: opts.progress,
          workers: opts.workers,
          log: (line) => say(`[recommend] ${line}`),
        });
        say(formatSummary(summary));
      });
    },
  )
  .parseAsync()
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
