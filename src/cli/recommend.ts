/**
 * npm run recommend [-- --size 50] [--user <id>] [--dry-run] [--resume] [--concurrency 32] [--chunk-users 250]
 * npm run recommend -- --engine spark [--master local[2]|spark://host:7077|yarn] [--conf k=v …] [--als-rank 32 …]
 *
 * Recomputes the recommendations from the interactions in Cassandra and writes them back (see src/jobs/recommend.ts):
 * the published model for refreshRecommendations, every user's list with reasons, title embeddings and similar users.
 * `--engine spark` runs the same job on Apache Spark (src/jobs/spark.ts, spark/recommend_job.py).
 */
import { Command, InvalidArgumentError } from 'commander';
import { formatSummary, MAX_LIST_SIZE, runRecommendJob } from '../jobs/recommend';
import { runSparkRecommendJob } from '../jobs/spark';
import { positiveInt, wholeNumber } from './args';
import { addSparkOptions, sparkSettings, type SparkCliOptions } from './spark-options';
import { fail, say, withDatabase } from './run';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

addSparkOptions(
  new Command('recommend')
    .description(
      'Train the recommender on the interactions in Cassandra and write every user’s list with reasons',
    )
    .option(
      '--size <n>',
      `recommendations per user (at most ${MAX_LIST_SIZE})`,
      wholeNumber(MAX_LIST_SIZE),
      50,
    )
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
    .option('--concurrency <n>', 'writes in flight at once', wholeNumber(1024), 32)
    .option('--chunk-users <n>', 'users per checkpointed chunk of a new run', positiveInt, 250)
    .option('--no-progress', 'no progress bars')
    .option('--no-workers', 'run the validation search on the main thread instead of a worker thread'),
  'single-machine (this process) or spark (Apache Spark + ALS)',
)
  .action(
    async (
      opts: SparkCliOptions & {
        size: number;
        user?: string;
        dryRun?: boolean;
        resume?: boolean;
        concurrency: number;
        chunkUsers: number;
        progress: boolean;
        workers: boolean;
      },
    ) => {
      if (opts.resume && (opts.dryRun || opts.user)) {
        say('error: --resume continues a whole run; it cannot be combined with --dry-run or --user');
        process.exit(1);
      }
      if (opts.engine === 'spark') {
        if (opts.resume || opts.dryRun || opts.user)
          fail(
            new Error(
              '--engine spark runs whole recomputes only: --resume, --dry-run and --user belong to the single-machine engine',
            ),
          );
        await withDatabase(async ({ repos, config, contactPoints }) => {
          say(`[recommend] keyspace ${config.cassandra.keyspace} · engine spark`);
          const summary = await runSparkRecommendJob(repos, config.cassandra, contactPoints, {
            listSize: opts.size,
            ...sparkSettings(opts),
            log: say,
          });
          say(formatSummary(summary));
        });
        return;
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
