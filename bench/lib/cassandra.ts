/**
 * The benchmark's own one-node Cassandra: its own directory (git-ignored .cache/bench-cassandra) and ports no other
 * part of the project uses, so `npm run bench` never touches the development node, the test node or anybody else's.
 */
import os from 'node:os';
import path from 'node:path';
import { LocalCassandra } from '../../src/cassandra/local';
import { findRepoRoot } from '../../src/cassandra/local-options';

export const BENCH_NATIVE_PORT = Number(process.env.BENCH_CASSANDRA_PORT ?? 19242);
export const BENCH_STORAGE_PORT = 17200;
export const BENCH_JMX_PORT = 17399;
export const REPO_ROOT = findRepoRoot(__dirname);
export const BENCH_CASSANDRA_DIR = path.join(REPO_ROOT, '.cache', 'bench-cassandra');

export function benchCassandra(
  log: (line: string) => void = (l) => process.stderr.write(`[cassandra] ${l}\n`),
) {
  return new LocalCassandra({
    version: process.env.LOCAL_CASSANDRA_VERSION ?? '5.0.8',
    nodes: 1,
    baseDir: BENCH_CASSANDRA_DIR,
    cacheDir:
      process.env.LOCAL_CASSANDRA_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'personalization-subgraph'),
    heap: process.env.BENCH_CASSANDRA_HEAP ?? '2G',
    nativePort: BENCH_NATIVE_PORT,
    storagePort: BENCH_STORAGE_PORT,
    jmxBasePort: BENCH_JMX_PORT,
    log,
  });
}

export const BENCH_CONTACT_POINT = `127.0.0.1:${BENCH_NATIVE_PORT}`;
