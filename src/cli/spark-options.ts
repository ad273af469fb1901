import { Option, type Command } from 'commander';
import { DEFAULT_MASTER, type SparkOptions } from '../jobs/spark';
import { positiveNumber, share, wholeNumber } from './args';

/** The engine choice and the Spark settings `recommend` and `evaluate` both take. */
export interface SparkCliOptions {
  engine: 'single-machine' | 'spark';
  master: string;
  conf: string[];
  alsRank?: number;
  alsIterations?: number;
  alsReg?: number;
  alsAlpha?: number;
  popWeight?: number;
}

export function addSparkOptions(command: Command, engineHelp: string): Command {
  return command
    .addOption(
      new Option('--engine <engine>', engineHelp)
        .choices(['single-machine', 'spark'])
        .default('single-machine'),
    )
    .option('--master <url>', 'spark: the Spark master (local[N], spark://host:7077, yarn)', DEFAULT_MASTER)
    .option(
      '--conf <key=value>',
      'spark: a Spark / connector setting (repeatable)',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option('--als-rank <n>', 'spark: ALS rank (latent factors, at most 32)', wholeNumber(32))
    .option('--als-iterations <n>', 'spark: ALS iterations', wholeNumber(100))
    .option('--als-reg <x>', 'spark: ALS regularisation', positiveNumber)
    .option('--als-alpha <x>', 'spark: ALS implicit-feedback confidence scale', positiveNumber)
    .option('--pop-weight <x>', 'spark: weight of popularity in the blend (0–1)', share);
}

/** The parsed settings as the Spark engine takes them. */
export function sparkSettings(o: SparkCliOptions): Pick<SparkOptions, 'master' | 'conf' | 'als'> {
  return {
    master: o.master,
    conf: o.conf,
    als: {
      rank: o.alsRank,
      iterations: o.alsIterations,
      reg: o.alsReg,
      alpha: o.alsAlpha,
      popWeight: o.popWeight,
    },
  };
}
