import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from 'cassandra-driver';

export const MIGRATION_FILE = /^(\d{3})_([a-z0-9]+(?:_[a-z0-9]+)*)\.cql$/;

export interface Migration {
  version: string;
  file: string;
  checksum: string;
  statements: string[];
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

export interface MigrateOptions {
  keyspace: string;
  replicationFactor: number;
  localDataCenter: string;
  dir: string;
  log?: (line: string) => void;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

/** Splits a migration file into statements: `--` comments dropped, statements end with `;`. */
export function splitStatements(source: string): string[] {
  const withoutComments = source
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => line.replace(/--.*$/, ''))
    .join('\n');
  return withoutComments
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim().replace(/\s+/g, ' '))
    .filter(Boolean);
}

export function checksum(source: string): string {
  return crypto.createHash('sha256').update(source.replace(/\r\n/g, '\n')).digest('hex');
}

export function readMigrations(dir: string): Migration[] {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cql'))
    .sort();
  const seen = new Map<string, string>();
  return files.map((file) => {
    const m = MIGRATION_FILE.exec(file);
    if (!m) {
      throw new MigrationError(
        `${file}: migration files must be named NNN_verb_object.cql (e.g. 007_add_content_tags.cql)`,
      );
    }
    const version = m[1];
    const other = seen.get(version);
    if (other)
      throw new MigrationError(`${file} and ${other} share the version ${version}: each number is used once`);
    seen.set(version, file);
    const source = fs.readFileSync(path.join(dir, file), 'utf8');
    const statements = splitStatements(source);
    if (statements.length === 0) throw new MigrationError(`${file}: contains no CQL statement`);
    return { version, file, checksum: checksum(source), statements };
  });
}

/** Schema changes wait for every node to agree on the new schema: slower than any query, so a longer timeout. */
const DDL = { readTimeout: 60_000 };

export function replicationOf(localDataCenter: string, rf: number): string {
  return `{'class': 'NetworkTopologyStrategy', '${localDataCenter}': ${rf}}`;
}

/**
 * Applies `cql/NNN_*.cql` in order, each recorded with its checksum in `schema_migrations`. Re-running is a no-op;
 * an applied file that was edited is refused; a failing statement stops the run and is named.
 * DDL is idempotent (IF NOT EXISTS), so a migration that failed half-way is simply re-run once fixed.
 */
export async function migrate(client: Client, opts: MigrateOptions): Promise<MigrateResult> {
  const log = opts.log ?? (() => undefined);
  const ks = opts.keyspace;
  const migrations = readMigrations(opts.dir);
  const nodesInDc = client.hosts.values().filter((h) => h.datacenter === opts.localDataCenter).length;
  if (nodesInDc > 0 && opts.replicationFactor > nodesInDc) {
    throw new MigrationError(
      `replication factor ${opts.replicationFactor} needs at least ${opts.replicationFactor} nodes in ${opts.localDataCenter}, ` +
        `but the cluster has ${nodesInDc} there: every quorum read and write would fail. ` +
        `Set CASSANDRA_REPLICATION_FACTOR=${nodesInDc} (or add nodes).`,
    );
  }
  await client.execute(
    `CREATE KEYSPACE IF NOT EXISTS ${ks} WITH replication = ${replicationOf(opts.localDataCenter, opts.replicationFactor)}`,
    [],
    DDL,
  );
  const current = await client.execute(
    'SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?',
    [ks],
  );
  const actualRf = Number(current.first()?.replication?.[opts.localDataCenter] ?? NaN);
  if (actualRf !== opts.replicationFactor) {
    log(
      `warning: keyspace ${ks} exists with replication factor ${actualRf} in ${opts.localDataCenter}, ` +
        `configured ${opts.replicationFactor}; not changed automatically (ALTER KEYSPACE, then nodetool repair)`,
    );
  }
  await client.execute(
    `CREATE TABLE IF NOT EXISTS ${ks}.schema_migrations (version text PRIMARY KEY, file text, checksum text, statements int, applied_at timestamp)`,
    [],
    DDL,
  );
  await client.execute(`USE ${ks}`, [], DDL);
  const recorded = new Map<string, { file: string; checksum: string }>();
  // schema_migrations holds one row per migration file: a whole-table read of a few dozen rows.
  const rows = await client.execute(`SELECT version, file, checksum FROM ${ks}.schema_migrations`);
  for (const r of rows.rows) recorded.set(r.version, { file: r.file, checksum: r.checksum });

  const result: MigrateResult = { applied: [], alreadyApplied: [] };
  for (const m of migrations) {
    const done = recorded.get(m.version);
    if (done) {
      if (done.checksum !== m.checksum) {
        throw new MigrationError(
          `cql/${m.file} was edited after it was applied to keyspace ${ks} ` +
            `(recorded checksum ${done.checksum.slice(0, 12)}…, file now ${m.checksum.slice(0, 12)}…). ` +
            'Applied migrations are immutable: revert the edit and put the change in a new migration file.',
        );
      }
      result.alreadyApplied.push(m.file);
      continue;
    }
    for (const [i, statement] of m.statements.entries()) {
      try {
        await client.execute(statement, [], DDL);
      } catch (err) {
        throw new MigrationError(
          `cql/${m.file}: statement ${i + 1} of ${m.statements.length} failed: ${(err as Error).message}\n` +
            `  ${statement.slice(0, 200)}`,
        );
      }
    }
    await client.execute(
      `INSERT INTO ${ks}.schema_migrations (version, file, checksum, statements, applied_at) VALUES (?, ?, ?, ?, ?)`,
      [m.version, m.file, m.checksum, m.statements.length, new Date()],
      { prepare: true },
    );
    log(`applied cql/${m.file} (${m.statements.length} statements)`);
    result.applied.push(m.file);
  }
  return result;
}

/** The latest migration version a keyspace has applied, or null; used by /ready. */
export async function latestAppliedVersion(client: Client, keyspace: string): Promise<string | null> {
  const rows = await client.execute(`SELECT version FROM ${keyspace}.schema_migrations`);
  return (
    rows.rows
      .map((r) => r.version as string)
      .sort()
      .pop() ?? null
  );
}
