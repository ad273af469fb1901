/**
 * The benchmark runs the service as it is deployed: plain JavaScript on plain `node`, not through the tsx loader (which
 * adds a loader thread, source maps and start-up work to the measured process — ≈ 100 MB of RSS). src/ and bench/
 * are transpiled file by file with esbuild (the transform tsx itself uses) into the git-ignored .cache/bench-dist,
 * keeping the layout, and schema.graphql is copied next to them (src/server.ts reads it relative to itself).
 */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from './cassandra';

export const BENCH_DIST = path.join(REPO_ROOT, '.cache', 'bench-dist');

export async function buildForBench(): Promise<string> {
  const entryPoints: string[] = [];
  for (const dir of ['src', 'bench']) {
    for (const f of fs.readdirSync(path.join(REPO_ROOT, dir), { recursive: true }) as string[]) {
      if (f.endsWith('.ts') && !f.endsWith('.d.ts')) entryPoints.push(path.join(REPO_ROOT, dir, f));
    }
  }
  fs.rmSync(BENCH_DIST, { recursive: true, force: true });
  await build({
    entryPoints,
    outdir: BENCH_DIST,
    outbase: REPO_ROOT,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    logLevel: 'error',
  });
  fs.copyFileSync(path.join(REPO_ROOT, 'schema.graphql'), path.join(BENCH_DIST, 'schema.graphql'));
  return BENCH_DIST;
}
