import { loadConfig } from '../../src/config';
import { resolveCluster, type Cluster } from '../../src/cassandra/connect';
import { ensurePlayground } from '../../playground/build';

/**
 * Starts the project's local Cassandra once for the whole run (or reuses a healthy one, or uses the cluster in
 * CASSANDRA_CONTACT_POINTS). With CASSANDRA_TESTCONTAINERS=1 and a Docker engine, a Cassandra 5 container instead.
 * Test files read the contact points from TEST_CASSANDRA_CONTACT_POINTS and each creates its own keyspace.
 */
export default async function globalSetup(): Promise<void> {
  const t0 = Date.now();
  // The playground's specifications serve the bundle: built here once per run when missing or stale (≈1 s).
  const playground = await ensurePlayground();
  if (playground.built) {
    process.stderr.write(`\n[tests] built the playground bundle in ${playground.ms} ms\n`);
  }
  if (process.env.CASSANDRA_TESTCONTAINERS === '1') {
    // Only where a Docker engine exists (not on the project's CI machines); loaded lazily so it is optional.
    const { CassandraContainer } = await import('@testcontainers/cassandra');
    const container = await new CassandraContainer('cassandra:5.0').start();
    process.env.TEST_CASSANDRA_CONTACT_POINTS = container.getContactPoint();
    (globalThis as Record<string, unknown>).__TEST_CONTAINER__ = container;
    return;
  }
  const config = loadConfig({ ...process.env, NODE_ENV: 'test' });
  const cluster: Cluster = await resolveCluster(config, (line) =>
    process.stderr.write(`[cassandra] ${line}\n`),
  );
  (globalThis as Record<string, unknown>).__TEST_CLUSTER__ = cluster;
  process.env.TEST_CASSANDRA_CONTACT_POINTS = cluster.contactPoints.join(',');
  process.stderr.write(
    `\n[tests] Cassandra at ${cluster.contactPoints.join(', ')} (${cluster.startedByUs ? 'started' : 'reused'} in ${Date.now() - t0} ms)\n`,
  );
}
