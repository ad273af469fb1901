/**
 * Defaults for the local Cassandra launcher, read from the environment:
 *
 *   LOCAL_CASSANDRA_DIR        node directories     (default <repo>/.cassandra, git-ignored)
 *   LOCAL_CASSANDRA_CACHE_DIR  jar cache            (default ~/.cache/personalization-subgraph)
 *   LOCAL_CASSANDRA_VERSION    Cassandra version    (default 5.0.8)
 *   LOCAL_CASSANDRA_HEAP       JVM heap per node    (default 1G)
 *   LOCAL_CASSANDRA_NODES      1 or 3               (default 1)
 *   LOCAL_CASSANDRA_PORT       CQL port             (default 9042)
 *   LOCAL_CASSANDRA_STORAGE_PORT  inter-node port   (default 7000)
 *   LOCAL_CASSANDRA_JMX_PORT   JMX port of node 1   (default 7199; node N adds 100·(N-1))
 */
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { DEFAULT_CASSANDRA_VERSION, LocalCassandraError, type LocalCassandraOptions } from './local';

/** The directory holding package.json above `from` (works from src/ under tsx and from dist/src/). */
export function findRepoRoot(from: string = __dirname): string {
  let dir = path.resolve(from);
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && path.basename(dir) !== 'dist') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
}

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const dirSchema = z.preprocess(emptyToUndefined, z.string().optional());

const portSchema = z.preprocess(
  emptyToUndefined,
  z.coerce
    .number('must be a port number (1–65535)')
    .int('must be a port number (1–65535)')
    .min(1, 'must be a port number (1–65535)')
    .max(65535, 'must be a port number (1–65535)')
    .optional(),
);

export const localCassandraEnvSchema = z.object({
  LOCAL_CASSANDRA_DIR: dirSchema,
  LOCAL_CASSANDRA_CACHE_DIR: dirSchema,
  LOCAL_CASSANDRA_VERSION: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^\d+\.\d+(\.\d+)?([.-][0-9A-Za-z.-]+)?$/, 'must be a Cassandra version such as 5.0.8')
      .default(DEFAULT_CASSANDRA_VERSION),
  ),
  LOCAL_CASSANDRA_HEAP: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[1-9]\d*[MmGg]$/, 'must be a heap size such as 1G or 768M')
      .default('1G'),
  ),
  LOCAL_CASSANDRA_NODES: z.preprocess(
    emptyToUndefined,
    z
      .enum(['1', '3'], 'must be 1 or 3')
      .default('1')
      .transform((n) => (n === '3' ? 3 : 1) as 1 | 3),
  ),
  // For a machine where 9042/7000/7199 are taken by something else (the launcher's port-in-use error says which).
  LOCAL_CASSANDRA_PORT: portSchema,
  LOCAL_CASSANDRA_STORAGE_PORT: portSchema,
  LOCAL_CASSANDRA_JMX_PORT: portSchema,
});

function expandDir(value: string, cwd: string): string {
  const home = value === '~' || value.startsWith('~/') ? os.homedir() + value.slice(1) : value;
  return path.resolve(cwd, home);
}

/**
 * LocalCassandraOptions from environment variables (see the file header). A bad value throws a
 * LocalCassandraError naming the variable.
 */
export function localCassandraOptionsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  opts: { repoRoot?: string; cwd?: string } = {},
): LocalCassandraOptions {
  const parsed = localCassandraEnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0] ?? 'LOCAL_CASSANDRA_*');
    throw new LocalCassandraError(
      `invalid ${name}=${JSON.stringify(env[name] ?? '')}: ${issue.message}`,
      `fix or unset ${name}`,
      { code: 'INVALID_OPTIONS' },
    );
  }
  const e = parsed.data;
  const cwd = opts.cwd ?? process.cwd();
  const repo = opts.repoRoot ?? findRepoRoot();
  return {
    version: e.LOCAL_CASSANDRA_VERSION,
    nodes: e.LOCAL_CASSANDRA_NODES,
    heap: e.LOCAL_CASSANDRA_HEAP.toUpperCase(),
    baseDir: e.LOCAL_CASSANDRA_DIR ? expandDir(e.LOCAL_CASSANDRA_DIR, cwd) : path.join(repo, '.cassandra'),
    cacheDir: e.LOCAL_CASSANDRA_CACHE_DIR
      ? expandDir(e.LOCAL_CASSANDRA_CACHE_DIR, cwd)
      : path.join(os.homedir(), '.cache', 'personalization-subgraph'),
    ...(e.LOCAL_CASSANDRA_PORT ? { nativePort: e.LOCAL_CASSANDRA_PORT } : {}),
    ...(e.LOCAL_CASSANDRA_STORAGE_PORT ? { storagePort: e.LOCAL_CASSANDRA_STORAGE_PORT } : {}),
    ...(e.LOCAL_CASSANDRA_JMX_PORT ? { jmxBasePort: e.LOCAL_CASSANDRA_JMX_PORT } : {}),
  };
}
