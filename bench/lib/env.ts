/** The service configuration every benchmark process uses (production mode, the bench node, a given keyspace). */
import { loadConfig, type Config } from '../../src/config';
import { BENCH_CONTACT_POINT } from './cassandra';

export function benchEnv(keyspace: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    CURSOR_SECRET: 'benchmark-cursor-secret-0123456789',
    AUTH_JWT_SECRET: 'benchmark-jwt-secret-0123456789-0123456789',
    CASSANDRA_CONTACT_POINTS: BENCH_CONTACT_POINT,
    CASSANDRA_REPLICATION_FACTOR: '1',
    CASSANDRA_KEYSPACE: keyspace,
    SEED_DEMO_DATA: 'false',
    ...extra,
  };
}

export function benchConfig(keyspace: string, extra: Record<string, string> = {}): Config {
  return loadConfig({ PATH: process.env.PATH, HOME: process.env.HOME, ...benchEnv(keyspace, extra) });
}
