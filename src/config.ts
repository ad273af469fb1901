import { z } from 'zod';
import type { LocalCassandraOptions } from './cassandra/local';
import { localCassandraOptionsFromEnv } from './cassandra/local-options';

/**
 * Every setting of the service, read from the environment once at start-up. Nothing else in the code base
 * reads `process.env` for settings: long-lived parts receive the validated `Config` (or a slice of it).
 */
const DEV_CURSOR_SECRET = 'development-cursor-secret-change-me';
/** Signs and verifies bearer tokens in development and tests only: production refuses to start with it. */
export const DEV_JWT_SECRET = 'development-jwt-secret-change-me-not-for-production';

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

const identifier = z.string().regex(/^[a-z][a-z0-9_]{0,47}$/, {
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
  CASSANDRA_SPECULATIVE_DELAY_MS: int(1, 60_000).default(200),
  CASSANDRA_SPECULATIVE_MAX: int(0, 5).default(2),
  CASSANDRA_RECONNECT_MAX_MS: int(100, 600_000).default(4_000),
  REQUEST_DEADLINE_MS: int(100, 600_000).default(10_000),
  SHUTDOWN_DEADLINE_MS: int(0, 600_000).default(10_000),
  MAX_BODY_BYTES: int(1_000, 100_000_000).default(1_000_000),
  GRAPHQL_MAX_DEPTH: int(1, 1000).default(10),
  GRAPHQL_MAX_ALIASES: int(0, 10_000).default(15),
  GRAPHQL_MAX_DIRECTIVES: int(0, 10_000).default(20),
  GRAPHQL_MAX_TOKENS: int(10, 1_000_000).default(2_000),
  GRAPHQL_MAX_COST: int(1, 100_000_000).default(20_000),
  INTROSPECTION_ENABLED: bool.optional(),
  PAGE_SIZE_DEFAULT: int(1, 1000).default(20),
  PAGE_SIZE_MAX: int(1, 1000).default(100),
  CURSOR_SECRET: z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
  CONTINUE_WATCHING_FINISHED_PCT: int(1, 100).default(95),
  REFRESH_ON_WATCH: bool.default(false),
  SEED_DEMO_DATA: bool.default(true),
  PLAYGROUND_ENABLED: bool.optional(),
  AUTH_JWT_SECRET: z
    .string()
    .min(32, { message: 'must be at least 32 characters (an HS256 key of 256 bits)' })
    .optional(),
  AUTH_JWKS_URL: z
    .string()
    .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), {
      message: 'must be an http(s) URL',
    })
    .optional(),
  AUTH_ISSUER: z.string().min(1).default('personalization-subgraph'),
  AUTH_AUDIENCE: z.string().min(1).default('personalization-subgraph'),
  AUTH_CLOCK_TOLERANCE_SECONDS: int(0, 300).default(5),
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
  /** A second (third) attempt at an idempotent statement on another node after this long without an answer. */
  speculativeDelayMs: number;
  /** Speculative executions per idempotent statement; 0 turns them off. */
  speculativeMax: number;
  /** Upper bound of the driver's exponential reconnection delay to a node that went down. */
  reconnectMaxMs: number;
}

/** How bearer tokens are verified (src/auth/jwt.ts). Exactly one of `jwtSecret` and `jwksUrl` is set. */
export interface AuthConfig {
  /** HS256 key (AUTH_JWT_SECRET; the development secret outside production when no JWKS is configured). */
  jwtSecret: string | null;
  /** Where the signing keys of an identity provider are published (AUTH_JWKS_URL); asymmetric algorithms only. */
  jwksUrl: string | null;
  /** Required `iss` (AUTH_ISSUER) and `aud` (AUTH_AUDIENCE) of every token. */
  issuer: string;
  audience: string;
  /** Clock skew allowed on `exp`/`nbf` (AUTH_CLOCK_TOLERANCE_SECONDS). */
  clockToleranceSeconds: number;
  /** The built-in development secret is in use (never with NODE_ENV=production). */
  developmentSecret: boolean;
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
  /** recordWatch also recomputes the viewer's For You list from the persisted model (REFRESH_ON_WATCH; default false). */
  refreshOnWatch: boolean;
  seedDemoData: boolean;
  /** Serve the GraphiQL playground at /playground/ (PLAYGROUND_ENABLED; default: on unless NODE_ENV=production). */
  playgroundEnabled: boolean;
  /** The project's own Cassandra (LOCAL_CASSANDRA_*), used when CASSANDRA_CONTACT_POINTS is not set. */
  localCassandra: LocalCassandraOptions;
  /** A GraphQL request still running after this long is answered 503 SERVICE_UNAVAILABLE (REQUEST_DEADLINE_MS). */
  requestDeadlineMs: number;
  /** On SIGTERM/SIGINT, in-flight requests get this long to finish before connections are cut (SHUTDOWN_DEADLINE_MS). */
  shutdownDeadlineMs: number;
  /** Request bodies above this size are answered 413 PAYLOAD_TOO_LARGE (MAX_BODY_BYTES). */
  maxBodyBytes: number;
  /** Caps on one GraphQL document (GRAPHQL_MAX_*). */
  limits: { maxDepth: number; maxAliases: number; maxDirectives: number; maxTokens: number; maxCost: number };
  /** Schema introspection (INTROSPECTION_ENABLED; default: on unless NODE_ENV=production). */
  introspectionEnabled: boolean;
  /** Bearer-token verification (AUTH_*). */
  auth: AuthConfig;
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
          `${String(i.path[0])}: ${i.message} (got ${
            // A secret's value never goes into an error message (it ends up in logs).
            /SECRET|PASSWORD/.test(String(i.path[0]))
              ? 'a value that is not shown'
              : JSON.stringify(cleaned[String(i.path[0])] ?? null)
          })`,
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
  if (e.AUTH_JWT_SECRET && e.AUTH_JWKS_URL) {
    problems.push('AUTH_JWT_SECRET / AUTH_JWKS_URL: set one or the other, not both');
  }
  if (e.NODE_ENV === 'production') {
    if (!e.AUTH_JWT_SECRET && !e.AUTH_JWKS_URL) {
      problems.push(
        'AUTH_JWT_SECRET / AUTH_JWKS_URL: one is required when NODE_ENV=production (verifies bearer tokens)',
      );
    }
    if (e.AUTH_JWT_SECRET === DEV_JWT_SECRET) {
      problems.push('AUTH_JWT_SECRET: the development secret must not be used when NODE_ENV=production');
    }
    if (e.AUTH_JWKS_URL && !e.AUTH_JWKS_URL.startsWith('https:')) {
      problems.push('AUTH_JWKS_URL: must be an https URL when NODE_ENV=production');
    }
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
      speculativeDelayMs: e.CASSANDRA_SPECULATIVE_DELAY_MS,
      speculativeMax: e.CASSANDRA_SPECULATIVE_MAX,
      reconnectMaxMs: e.CASSANDRA_RECONNECT_MAX_MS,
    },
    pagination: { defaultFirst: e.PAGE_SIZE_DEFAULT, maxFirst: e.PAGE_SIZE_MAX },
    cursorSecret: e.CURSOR_SECRET ?? DEV_CURSOR_SECRET,
    continueWatchingFinishedPct: e.CONTINUE_WATCHING_FINISHED_PCT,
    refreshOnWatch: e.REFRESH_ON_WATCH,
    seedDemoData: e.SEED_DEMO_DATA,
    playgroundEnabled: e.PLAYGROUND_ENABLED ?? e.NODE_ENV !== 'production',
    localCassandra: localCassandra!,
    requestDeadlineMs: e.REQUEST_DEADLINE_MS,
    shutdownDeadlineMs: e.SHUTDOWN_DEADLINE_MS,
    maxBodyBytes: e.MAX_BODY_BYTES,
    limits: {
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxDirectives: e.GRAPHQL_MAX_DIRECTIVES,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
      maxCost: e.GRAPHQL_MAX_COST,
    },
    introspectionEnabled: e.INTROSPECTION_ENABLED ?? e.NODE_ENV !== 'production',
    auth: {
      // Production never gets here without its own secret or a JWKS (checked above).
      jwtSecret: e.AUTH_JWT_SECRET ?? (e.AUTH_JWKS_URL ? null : DEV_JWT_SECRET),
      jwksUrl: e.AUTH_JWKS_URL ?? null,
      issuer: e.AUTH_ISSUER,
      audience: e.AUTH_AUDIENCE,
      clockToleranceSeconds: e.AUTH_CLOCK_TOLERANCE_SECONDS,
      developmentSecret: !e.AUTH_JWT_SECRET && !e.AUTH_JWKS_URL,
    },
  };
}
