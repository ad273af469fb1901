import type { Cluster } from '../../src/cassandra/connect';

/** Stops what the run started, and nothing else: a node that was already running before the run stays up. */
export default async function globalTeardown(): Promise<void> {
  const g = globalThis as Record<string, unknown>;
  const cluster = g.__TEST_CLUSTER__ as Cluster | undefined;
  if (cluster?.local && cluster.startedByUs) {
    process.stderr.write('[tests] stopping the Cassandra this run started\n');
    await cluster.local.stop();
  }
  const container = g.__TEST_CONTAINER__ as { stop(): Promise<unknown> } | undefined;
  if (container) await container.stop();
}
