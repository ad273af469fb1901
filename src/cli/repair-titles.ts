/**
 * npm run repair-titles
 *
 * Makes every copy of a title match the catalog again: first finishes rename jobs that were interrupted (from their
 * checkpoints), then scans the copies (as drift-report does) and rewrites each one that differs, with a progress bar.
 * Safe to run while the API serves traffic: a repair never overwrites a newer rename (see src/services/drift.ts).
 * Exit code 0: every copy matches; 1: some copies still differ afterwards; 2: the repair could not run.
 */
import cliProgress from 'cli-progress';
import type { Client } from 'cassandra-driver';
import { Command } from 'commander';
import { loadConfig } from '../config';
import { connectAndMigrate, resolveCluster } from '../cassandra/connect';
import { createRepositories } from '../repositories';
import { repairDrift, resumeRenames, scanDrift } from '../services/drift';
import { WriteServices } from '../services/writes';
import { describeStartupError } from '../startup-errors';
import { wholeNumber } from './args';
import { describeDrift } from './drift-report';

const err = (line: string) => process.stderr.write(`${line}\n`);

function progressBar(label: string) {
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} |{bar}| {percentage}% {value}/{total}`,
      stream: process.stderr,
      noTTYOutput: false,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done: number, total: number) {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
    stop: () => started && bar.stop(),
  };
}

async function main(opts: { slices: number }): Promise<number> {
  let client: Client | undefined;
  try {
    const config = loadConfig();
    const cluster = await resolveCluster(config, (line) => err(`[cassandra] ${line}`));
    client = (await connectAndMigrate(config, cluster.contactPoints, { log: (l) => err(`[migrate] ${l}`) }))
      .client;
    const repos = createRepositories(client, config);
    const services = new WriteServices(repos, config);

    const jobs = await resumeRenames(repos, services);
    process.stdout.write(
      `rename jobs resumed: ${jobs.resumed}${jobs.resumed ? ` (${jobs.rowsUpdated} copies)` : ''}\n`,
    );

    const scanBar = progressBar('scan  ');
    const scan = await scanDrift(repos, { slices: opts.slices, onProgress: scanBar.update });
    scanBar.stop();
    process.stdout.write(`${scan.drift.length} of ${scan.checked} copies differ from content\n`);
    if (scan.drift.length === 0) return 0;

    const fixBar = progressBar('repair');
    const result = await repairDrift(repos, services, scan.drift, { onProgress: fixBar.update });
    fixBar.stop();
    process.stdout.write(`repaired ${result.fixed} copies (${result.skipped} already right or gone)\n`);

    const after = await scanDrift(repos, { slices: opts.slices });
    for (const d of after.drift) process.stdout.write(`still different: ${describeDrift(d)}\n`);
    process.stdout.write(
      after.drift.length === 0
        ? 'no drift left\n'
        : `${after.drift.length} copies still differ (run again)\n`,
    );
    return after.drift.length === 0 ? 0 : 1;
  } catch (e) {
    err(describeStartupError(e));
    return 2;
  } finally {
    await client?.shutdown().catch(() => undefined);
  }
}

if (require.main === module) {
  const program = new Command('repair-titles')
    .description('Resume interrupted renames and rewrite every copy of a title that differs from the catalog')
    .option('--slices <n>', 'token-ring slices per table (more: smaller range reads)', wholeNumber(65536), 64)
    .parse();
  void main(program.opts<{ slices: number }>()).then((code) => process.exit(code));
}
