/**
 * npm run bench:recommender [-- --users 1000 --titles 1700 --per-user 100 --seed 1] [--keyspace ks] [--reuse]
 *
 * The recommender's speed from and back to Cassandra: seeds a synthetic dataset into a fresh keyspace (direct writes
 * into the three tables the job reads: content, users, interactions_by_user — one single-partition batch per user),
 * then runs the full batch job (read → train → model, lists, embeddings, similar users) and prints the time per
 * phase and peak memory, then times refreshRecommendations on a sample of users. The seeding is not part of the
 * figure. `--reuse` skips the seeding when the keyspace already holds the data (e.g. to re-run the job only).
 *
 *   defaults: ≈ 100,000 interactions (1,000 users × 1,700 titles) — target ≤ 30 s for the job
 *   large:    --users 100000 --titles 3300 --per-user 10   (≈ 1M interactions)
 */
import { Command } from 'commander';
import { types, type Client } from 'cassandra-driver';
import pLimit from 'p-limit';
import { loadConfig } from '../src/config';
import { createClient } from '../src/cassandra/client';
import { connectAndMigrate, resolveCluster } from '../src/cassandra/connect';
import { formatSummary, runRecommendJob } from '../src/jobs/recommend';
import { generateSynthetic } from '../src/recommender';
import { createRepositories } from '../src/repositories';
import { refreshRecommendations } from '../src/services/refresh-recommendations';

interface Options {
  users: number;
  titles: number;
  perUser: number;
  seed: number;
  keyspace?: string;
  reuse?: boolean;
  concurrency: number;
  refreshSample: number;
  workers: boolean;
}

const n = (x: number) => x.toLocaleString('en-US');
const say = (line: string) => process.stderr.write(`${line}\n`);

async function seed(client: Client, o: Options): Promise<{ rows: number; seconds: number }> {
  const t0 = performance.now();
  const data = generateSynthetic({
    users: o.users,
    items: o.titles,
    interactionsPerUser: o.perUser,
    seed: o.seed,
  });
  say(
    `generated ${n(data.users.length)} users, ${n(data.items.length)} titles, ${n(data.rows.length)} interactions`,
  );
  const limit = pLimit(128);
  const u = (id: string) => types.Uuid.fromString(id);
  await Promise.all(
    data.items.map((it) =>
      limit(() =>
        client.execute(
          'INSERT INTO content (content_id, title, content_type, genre, release_year, rating_count, tags) VALUES (?, ?, ?, ?, ?, ?, ?)',
          [
            u(it.contentId),
            it.title,
            it.contentType ?? 'MOVIE',
            it.genre.toLowerCase(),
            it.releaseYear ?? null,
            0,
            it.tags,
          ],
          { prepare: true },
        ),
      ),
    ),
  );
  await Promise.all(
    data.users.map((usr, i) =>
      limit(() =>
        client.execute(
          'INSERT INTO users (user_id, name, email, preferred_genres, preferred_language) VALUES (?, ?, ?, ?, ?)',
          [
            u(usr.userId),
            `Bench Viewer ${i + 1}`,
            `bench${i + 1}@bench.example`,
            usr.preferredGenres.map((g) => g.toLowerCase()),
            'en',
          ],
          { prepare: true },
        ),
      ),
    ),
  );
  const byUser = new Map<string, typeof data.rows>();
  for (const r of data.rows) {
    const list = byUser.get(r.userId);
    if (list) list.push(r);
    else byUser.set(r.userId, [r]);
  }
  const insert =
    'INSERT INTO interactions_by_user (user_id, content_id, progress_pct, completed, rating, dismissed, last_at) VALUES (?, ?, ?, ?, ?, ?, ?)';
  let done = 0;
  await Promise.all(
    [...byUser.values()].map((rows) =>
      limit(async () => {
        // One user's rows are one partition: an unlogged single-partition batch is one mutation.
        for (let start = 0; start < rows.length; start += 100) {
          await client.batch(
            rows.slice(start, start + 100).map((r) => ({
              query: insert,
              params: [
                u(r.userId),
                u(r.contentId),
                r.progressPct === null ? null : Math.round(r.progressPct),
                r.completed,
                r.rating,
                r.dismissed,
                r.lastAt,
              ],
            })),
            { prepare: true, logged: false },
          );
        }
        done += rows.length;
        if (done % 100_000 < rows.length) say(`  seeded ${n(done)} interactions`);
      }),
    ),
  );
  return { rows: data.rows.length, seconds: (performance.now() - t0) / 1000 };
}

async function main(o: Options): Promise<void> {
  const keyspace = o.keyspace ?? `bench_recommender_${o.users}_${o.titles}`;
  const config = loadConfig({ ...process.env, CASSANDRA_KEYSPACE: keyspace });
  const cluster = await resolveCluster(config, (line) => say(`[cassandra] ${line}`));
  if (!o.reuse) {
    const admin = createClient(config.cassandra, cluster.contactPoints, { keyspace: null });
    await admin.connect();
    await admin.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`, [], { readTimeout: 120_000 });
    await admin.shutdown();
  }
  const { client } = await connectAndMigrate(config, cluster.contactPoints, {
    log: (l) => say(`[migrate] ${l}`),
  });
  try {
    if (!o.reuse) {
      const s = await seed(client, o);
      say(
        `seeded ${n(s.rows)} interactions into ${keyspace} in ${s.seconds.toFixed(1)} s (not part of the figure)`,
      );
    }
    const repos = createRepositories(client, config);
    const load = (await import('node:os')).loadavg().map((x) => x.toFixed(1));
    say(
      `\nrunning the recommender job (load average ${load.join(' ')}, ${(await import('node:os')).cpus().length} CPUs)…`,
    );
    const summary = await runRecommendJob(repos, {
      progress: true,
      concurrency: o.concurrency,
      workers: o.workers,
      log: (line) => say(`[recommend] ${line}`),
    });
    process.stdout.write(`${formatSummary(summary)}\n`);

    // The online refresh: a cold first call (loads the model snapshot), then warm calls on a sample of users.
    const users = await client.execute('SELECT user_id FROM users LIMIT ?', [o.refreshSample + 1], {
      prepare: true,
    });
    const ids = users.rows.map((r) => r.user_id.toString());
    const cold = await refreshRecommendations(repos, ids[0]);
    const times: number[] = [];
    for (const id of ids.slice(1)) times.push((await refreshRecommendations(repos, id)).tookMs);
    times.sort((a, b) => a - b);
    const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? NaN;
    process.stdout.write(
      `refreshRecommendations: first call ${cold.tookMs.toFixed(0)} ms (loads the model snapshot), then over ${times.length} users ` +
        `median ${q(0.5).toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms (reads, scoring and the list write)\n`,
    );
    const after = (await import('node:os')).loadavg().map((x) => x.toFixed(1));
    say(`load average after: ${after.join(' ')}`);
  } finally {
    await client.shutdown();
  }
}

const int = (v: string) => Number(v.replace(/_/g, ''));
new Command('bench:recommender')
  .option('--users <n>', 'synthetic users', int, 1000)
  .option('--titles <n>', 'synthetic titles', int, 1700)
  .option('--per-user <n>', 'mean interactions per user', int, 100)
  .option('--seed <n>', 'generator seed', int, 1)
  .option('--keyspace <name>', 'keyspace (default bench_recommender_<users>_<titles>)')
  .option('--reuse', 'keep the keyspace’s data and only run the job')
  .option('--concurrency <n>', 'job writes in flight', int, 32)
  .option('--no-workers', 'validation search on the main thread (for comparison)')
  .option('--refresh-sample <n>', 'users to time refreshRecommendations on', int, 50)
  .action((o: Options) => main(o))
  .parseAsync()
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
