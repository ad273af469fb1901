/**
 * npm run drift-report
 *
 * Scans every copy of a title — history rows, continue-watching rows, recommendations and leaderboard rows — over the
 * token ring and prints each copy whose title differs from the catalog (`content`). Exit code 0: no drift; 1: drift
 * found (fix it with `npm run repair-titles`); 2: the scan could not run (the error says why).
 * Uses the project's configuration: CASSANDRA_CONTACT_POINTS / CASSANDRA_KEYSPACE, or the local node.
 */
import type { Client } from 'cassandra-driver';
import { Command } from 'commander';
import { loadConfig } from '../config';
import { connectAndMigrate, resolveCluster } from '../cassandra/connect';
import { createRepositories } from '../repositories';
import { scanDrift, type Drift } from '../services/drift';
import { describeStartupError } from '../startup-errors';
import { wholeNumber } from './args';

const err = (line: string) => process.stderr.write(`${line}\n`);

export function describeDrift(d: Drift): string {
  const key = Object.entries(d.key)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const wanted =
    d.contentTitle === null
      ? `no title ${d.contentId} in content`
      : `content has ${JSON.stringify(d.contentTitle)}`;
  return `${d.table}  ${key}  copy ${JSON.stringify(d.title)} ≠ ${wanted}`;
}

async function main(opts: { slices: number }): Promise<number> {
  let client: Client | undefined;
  try {
    const config = loadConfig();
    const cluster = await resolveCluster(config, (line) => err(`[cassandra] ${line}`));
    client = (await connectAndMigrate(config, cluster.contactPoints, { log: (l) => err(`[migrate] ${l}`) }))
      .client;
    const repos = createRepositories(client, config);
    const t0 = Date.now();
    const scan = await scanDrift(repos, {
      slices: opts.slices,
      onProgress: (done, total) => {
        if (process.stderr.isTTY) process.stderr.write(`\rscanning ${done}/${total} token slices`);
      },
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    for (const d of scan.drift) process.stdout.write(`${describeDrift(d)}\n`);
    const seconds = ((Date.now() - t0) / 1000).toFixed(1);
    const per = Object.entries(scan.byTable)
      .map(([t, n]) => `${t} ${n}`)
      .join(', ');
    if (scan.drift.length === 0) {
      process.stdout.write(
        `no drift: ${scan.checked} copies in keyspace ${config.cassandra.keyspace} match content (${seconds} s)\n`,
      );
      return 0;
    }
    process.stdout.write(
      `${scan.drift.length} of ${scan.checked} copies differ from content (${per}) in keyspace ${config.cassandra.keyspace} (${seconds} s)\n` +
        'fix them with: npm run repair-titles\n',
    );
    return 1;
  } catch (e) {
    err(describeStartupError(e));
    return 2;
  } finally {
    await client?.shutdown().catch(() => undefined);
  }
}

if (require.main === module) {
  const program = new Command('drift-report')
    .description('Print every copy of a title that differs from the catalog')
    .option('--slices <n>', 'token-ring slices per table (more: smaller range reads)', wholeNumber(65536), 64)
    .parse();
  void main(program.opts<{ slices: number }>()).then((code) => process.exit(code));
}
