/**
 * npm run evaluate -- --dir <movielens dir>
 * npm run evaluate -- --synthetic [--users 1000] [--titles 1700] [--per-user 100] [--seed 1]
 * npm run evaluate -- --synthetic --engine spark [--master local[2]] [--conf k=v] [--als-rank 32 …]
 *
 * Prints nDCG@10, P@10, R@10 and MAP@10 for popularity, each algorithm alone and the blend (per-user 75/25 split).
 * Needs no database: the input is read from the directory or generated.
 */
import { Command } from 'commander';
import { ImportError } from '../importers/movielens';
import {
  formatEvaluation,
  movieLensInput,
  runEvaluation,
  runSparkEvaluation,
  syntheticInput,
  type EvaluationInput,
} from '../jobs/evaluate';
import { positiveInt } from './args';
import { fail } from './run';
import { addSparkOptions, sparkSettings, type SparkCliOptions } from './spark-options';

addSparkOptions(
  new Command('evaluate')
    .description('Offline evaluation of the recommender on MovieLens-format or synthetic data')
    .option('--dir <dir>', 'a MovieLens-100K-format directory (u.data, u.item)')
    .option('--synthetic', 'evaluate on the synthetic generator’s data instead')
    .option('--users <n>', 'synthetic: users', positiveInt, 1000)
    .option('--titles <n>', 'synthetic: titles', positiveInt, 1700)
    .option('--per-user <n>', 'synthetic: mean interactions per user', positiveInt, 100)
    .option('--seed <n>', 'synthetic data and split seed', positiveInt, 1),
  'also evaluate the Spark engine (ALS) on the same split',
)
  .action(
    async (
      opts: SparkCliOptions & {
        dir?: string;
        synthetic?: boolean;
        users: number;
        titles: number;
        perUser: number;
        seed: number;
      },
    ) => {
      if (Boolean(opts.dir) === Boolean(opts.synthetic)) {
        fail(new Error('pass either --dir <movielens dir> or --synthetic'));
      }
      let input: EvaluationInput;
      try {
        input = opts.dir
          ? movieLensInput(opts.dir)
          : syntheticInput({
              users: opts.users,
              titles: opts.titles,
              perUser: opts.perUser,
              seed: opts.seed,
            });
      } catch (err) {
        if (err instanceof ImportError) fail(err);
        throw err;
      }
      process.stderr.write(`evaluating on ${input.source}…\n`);
      if (opts.engine === 'spark') {
        const { report, spark } = await runSparkEvaluation(input, {
          seed: opts.seed,
          spark: sparkSettings(opts),
        });
        const gap = spark.blendNdcg > 0 ? (spark.ndcg / spark.blendNdcg - 1) * 100 : 0;
        process.stdout.write(
          `${formatEvaluation(input, report)}\n` +
            `spark engine: nDCG@${report.k} ${spark.ndcg.toFixed(4)} vs the single-machine blend ${spark.blendNdcg.toFixed(4)} ` +
            `(${gap >= 0 ? '+' : ''}${gap.toFixed(1)}%), same split; Spark run ${(spark.ms / 1000).toFixed(1)} s (${opts.master})\n`,
        );
        return;
      }
      const report = runEvaluation(input, { seed: opts.seed });
      process.stdout.write(`${formatEvaluation(input, report)}\n`);
    },
  )
  .parseAsync()
  .catch(fail);
