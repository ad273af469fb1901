import { z } from 'zod';
import type { LocalCassandraOptions } from './cassandra/local';
import { localCassandraOptionsFromEnv } from './cassandra/local-options';

/**
 * Every setting of the service, read from the environment once at start-up. Nothing else in the code base
 * reads `process.env` for settings: long-lived parts receive the validated `Config` (or a slice of it).
 */
const DEV_CURSOR_SECRET = 'development-cursor-secret-change-me';

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { message: 'must be a whole number' })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { message: `must be at least ${min}` })
        .max(max, { message: `must be at most ${max}` }),
    );

const identifier = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,47}$/, {
    message: 'must be a lower-case CQL identifier (letters, digits, _; max 48)',
  });

const consistency = z.enum(['ONE', 'LOCAL_ONE', 'QUORUM', 'LOCAL_QUORUM', 'ALL', 'EACH_QUORUM'], {
  message: 'must be one of ONE, LOCAL_ONE, QUORUM, LOCAL_QUORUM, ALL, EACH_QUORUM',
});

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: int(0, 65535).default(4000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CASSANDRA_CONTACT_POINTS: z.string().optional(),
  CASSANDRA_LOCAL_DC: z.string().min(1).default('datacenter1'),
  CASSANDRA_KEYSPACE: identifier.default('personalization'),
  CASSANDRA_REPLICATION_FACTOR: int(1, 9).optional(),
  CASSANDRA_USERNAME: z.string().optional(),
  CASSANDRA_PASSWORD: z.string().optional(),
  CASSANDRA_TLS: bool.default(false),
  CASSANDRA_TLS_CA_FILE: z.string().optional(),
  CASSANDRA_CONSISTENCY: consistency.default('LOCAL_QUORUM'),
  CASSANDRA_REQUEST_TIMEOUT_MS: int(100, 120_000).default(5_000),
  PAGE_SIZE_DEFAULT: int(1, 1000).default(20),
  PAGE_SIZE_MAX: int(1, 1000).default(100),
  CURSOR_SECRET: z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
  CONTINUE_WATCHING_FINISHED_PCT: int(1, 100).default(95),
  SEED_DEMO_DATA: bool.default(true),
});

export interface CassandraConfig {
  /** `null` means: no cluster configured, use the project's own local Cassandra. */
  contactPoints: string[] | null;
  localDataCenter: string;
  keyspace: string;
  replicationFactor: number;
  username?: string;
  password?: string;
  tls: boolean;
  tlsCaFile?: string;
  consistency: z.infer<typeof consistency>;
  requestTimeoutMs: number;
}

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  host: string;
  port: number;
  logLevel: string;
  cassandra: CassandraConfig;
  pagination: { defaultFirst: number; maxFirst: number };
  cursorSecret: string;
  continueWatchingFinishedPct: number;
  seedDemoData: boolean;
  /** The project's own Cassandra (LOCAL_CASSANDRA_*), used when CASSANDRA_CONTACT_POINTS is not set. */
  localCassandra: LocalCassandraOptions;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the environment; throws a ConfigError naming every bad variable and what is wrong with it. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings count as unset, so `PORT=` in a .env file falls back to the default.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map(
        (i) =>
          `${String(i.path[0])}: ${i.message} (got ${JSON.stringify(cleaned[String(i.path[0])] ?? null)})`,
      ),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  let localCassandra: LocalCassandraOptions | undefined;
  try {
    localCassandra = localCassandraOptionsFromEnv(env);
  } catch (err) {
    problems.push((err as Error).message.replace(/^invalid (\w+)=/, '$1: invalid value '));
  }
  const contactPoints = e.CASSANDRA_CONTACT_POINTS ? list(e.CASSANDRA_CONTACT_POINTS) : null;
  if (e.PAGE_SIZE_DEFAULT > e.PAGE_SIZE_MAX) {
    problems.push(
      `PAGE_SIZE_DEFAULT: must not exceed PAGE_SIZE_MAX (${e.PAGE_SIZE_MAX}), got ${e.PAGE_SIZE_DEFAULT}`,
    );
  }
  if (e.NODE_ENV === 'production' && !e.CURSOR_SECRET) {
    problems.push('CURSOR_SECRET: required when NODE_ENV=production (signs pagination cursors)');
  }
  if ((e.CASSANDRA_USERNAME === undefined) !== (e.CASSANDRA_PASSWORD === undefined)) {
    problems.push('CASSANDRA_USERNAME / CASSANDRA_PASSWORD: set both or neither');
  }
  if (problems.length) throw new ConfigError(problems);
  return {
    nodeEnv: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    cassandra: {
      contactPoints,
      localDataCenter: e.CASSANDRA_LOCAL_DC,
      keyspace: e.CASSANDRA_KEYSPACE,
      // RF=1 for the single local node; a real cluster defaults to 3 (the tutorial's availability promise).
      replicationFactor: e.CASSANDRA_REPLICATION_FACTOR ?? (contactPoints ? 3 : 1),
      username: e.CASSANDRA_USERNAME,
      password: e.CASSANDRA_PASSWORD,
      tls: e.CASSANDRA_TLS,
      tlsCaFile: e.CASSANDRA_TLS_CA_FILE,
      consistency: e.CASSANDRA_CONSISTENCY,
      requestTimeoutMs: e.CASSANDRA_REQUEST_TIMEOUT_MS,
    },
    pagination: { defaultFirst: e.PAGE_SIZE_DEFAULT, maxFirst: e.PAGE_SIZE_MAX },
    cursorSecret: e.CURSOR_SECRET ?? DEV_CURSOR_SECRET,
    continueWatchingFinishedPct: e.CONTINUE_WATCHING_FINISHED_PCT,
    seedDemoData: e.SEED_DEMO_DATA,
    localCassandra: localCassandra!,
  };
}
