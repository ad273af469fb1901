/**
 * npm run import:movielens -- --dir <dir> [--concurrency N]
 * Imports a MovieLens-100K-format directory (u.data, u.item, optional u.user / u.genre). Idempotent.
 */
import { Command } from 'commander';
import { positiveInt } from './args';
import { importMovieLens, ImportError } from '../importers/movielens';
import { fail, say, withDatabase } from './run';

new Command('import:movielens')
  .description('Import a MovieLens-100K-format directory: titles, users and ratings as finished sessions')
  .requiredOption('--dir <dir>', 'the directory holding u.data and u.item')
  .option('--concurrency <n>', 'writes in flight at once', positiveInt, 64)
  .action(async (opts: { dir: string; concurrency: number }) => {
    await withDatabase(async ({ repos, config }) => {
      try {
        const s = await importMovieLens(repos, opts.dir, { concurrency: opts.concurrency, progress: true });
        say(
          `imported ${opts.dir} into ${config.cassandra.keyspace} in ${s.seconds.toFixed(1)} s: ` +
            `${s.titles} titles, ${s.users} users, ${s.sessions} rated sessions`,
        );
      } catch (err) {
        if (err instanceof ImportError) fail(err);
        throw err;
      }
    });
  })
  .parseAsync()
  .catch(fail);
