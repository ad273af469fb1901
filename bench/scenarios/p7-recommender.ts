/**
 * P7: the full recommender recompute of a ≈100k-interaction data set, from and back to Cassandra — by the recommender's
 * own benchmark (bench/recommender.ts, issue 6: 1,000 users × ≈100 interactions, seeded once into `bench_rec`, not
 * part of the figure), on the bench node. The figure is the job's own wall-clock `total`.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BENCH_CASSANDRA_DIR, REPO_ROOT } from '../lib/cassandra';
import { benchEnv } from '../lib/env';

export interface P7Result {
  what: string;
  seconds: number | null;
  interactions: number | null;
  note?: string;
  output?: string;
}

const KEYSPACE = 'bench_rec';

export async function runP7(say: (l: string) => void): Promise<P7Result> {
  const script = path.join(REPO_ROOT, 'bench', 'recommender.ts');
  if (!fs.existsSync(script)) {
    return {
      what: 'recommender recompute, 100k interactions',
      seconds: null,
      interactions: null,
      note: 'not measured: bench/recommender.ts is not there',
    };
  }
  const marker = path.join(BENCH_CASSANDRA_DIR, 'datasets', `${KEYSPACE}.json`);
  const reuse = fs.existsSync(marker);
  const args = [
    '--import',
    'tsx',
    script,
    '--keyspace',
    KEYSPACE,
    '--refresh-sample',
    '5',
    ...(reuse ? ['--reuse'] : []),
  ];
  say(`  ${reuse ? 'reusing' : 'seeding'} ${KEYSPACE}; running bench/recommender.ts`);
  const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const p = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...benchEnv(KEYSPACE) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
  const total = /total ([\d.]+) s/.exec(out.stdout);
  const interactions = /interactions ([\d,]+)/.exec(out.stdout);
  if (out.code !== 0 || !total) {
    return {
      what: 'recommender recompute, 100k interactions',
      seconds: null,
      interactions: null,
      note: `bench/recommender.ts failed (${out.code}): ${out.stderr.split('\n').slice(-5).join(' ')}`,
    };
  }
  if (!reuse) {
    fs.mkdirSync(path.dirname(marker), { recursive: true });
    fs.writeFileSync(marker, JSON.stringify({ keyspace: KEYSPACE, seededBy: 'bench/recommender.ts' }));
  }
  const n = interactions ? Number(interactions[1].replace(/,/g, '')) : null;
  return {
    what: `recommender full recompute, ${n?.toLocaleString('en-US') ?? '?'} interactions (bench/recommender.ts)`,
    seconds: Number(total[1]),
    interactions: n,
    output: out.stdout,
  };
}
