import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from 'cassandra-driver';
import { createClient } from '../src/cassandra/client';
import { CQL_DIR } from '../src/cassandra/connect';
import { migrate, MigrationError, readMigrations, splitStatements } from '../src/cassandra/migrations';
import { testConfig, uniqueKeyspace } from './support/app';

const config = testConfig();
let client: Client;
const keyspaces: string[] = [];

function tempDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cql-'));
  for (const [name, body] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), body);
  return dir;
}

async function run(dir: string, keyspace: string, rf = 1) {
  keyspaces.push(keyspace);
  return migrate(client, {
    keyspace,
    replicationFactor: rf,
    localDataCenter: config.cassandra.localDataCenter,
    dir,
  });
}

beforeAll(async () => {
  client = createClient(config.cassandra, config.cassandra.contactPoints!, { keyspace: null });
  await client.connect();
});

afterAll(async () => {
  for (const ks of keyspaces) await client.execute(`DROP KEYSPACE IF EXISTS ${ks}`).catch(() => undefined);
  await client.shutdown();
});

describe('migrations', () => {
  it('when the project migrations run on an empty keyspace, then every file is applied in order and every table exists', async () => {
    const ks = uniqueKeyspace('m');
    const result = await run(CQL_DIR, ks);
    const files = fs
      .readdirSync(CQL_DIR)
      .filter((f) => f.endsWith('.cql'))
      .sort();
    expect(result.applied).toEqual(files);
    const tables = await client.execute(
      'SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?',
      [ks],
    );
    expect(tables.rows.map((r) => r.table_name).sort()).toEqual(
      expect.arrayContaining([
        'users',
        'users_by_email',
        'content',
        'watch_history',
        'continue_watching',
        'recommendations',
        'schema_migrations',
      ]),
    );
  });

  it('when the migrations run a second time, then nothing is applied again', async () => {
    const ks = uniqueKeyspace('m');
    await run(CQL_DIR, ks);
    const second = await run(CQL_DIR, ks);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied.length).toBe(readMigrations(CQL_DIR).length);
  });

  it('when files are applied, then they run in numeric order (a later file may use an earlier table)', async () => {
    const dir = tempDir({
      '002_add_extra.cql': 'ALTER TABLE things ADD extra text;',
      '001_create_things.cql': 'CREATE TABLE IF NOT EXISTS things (id int PRIMARY KEY);',
    });
    const result = await run(dir, uniqueKeyspace('m'));
    expect(result.applied).toEqual(['001_create_things.cql', '002_add_extra.cql']);
  });

  it('when an applied file is edited, then the run is refused and names the file', async () => {
    const dir = tempDir({
      '001_create_things.cql': 'CREATE TABLE IF NOT EXISTS things (id int PRIMARY KEY);',
    });
    const ks = uniqueKeyspace('m');
    await run(dir, ks);
    fs.writeFileSync(
      path.join(dir, '001_create_things.cql'),
      'CREATE TABLE IF NOT EXISTS things (id int PRIMARY KEY, x int);',
    );
    await expect(run(dir, ks)).rejects.toThrow(/cql\/001_create_things\.cql was edited after it was applied/);
  });

  it('when a statement fails, then the run stops, names the file and statement, and records nothing for it', async () => {
    const dir = tempDir({
      '001_create_things.cql':
        'CREATE TABLE IF NOT EXISTS things (id int PRIMARY KEY);\nCREATE TABLE broken (;\n',
      '002_create_more.cql': 'CREATE TABLE IF NOT EXISTS more (id int PRIMARY KEY);',
    });
    const ks = uniqueKeyspace('m');
    const err = await run(dir, ks).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as Error).message).toMatch(/cql\/001_create_things\.cql: statement 2 of 2 failed/);
    const recorded = await client.execute(`SELECT version FROM ${ks}.schema_migrations`);
    expect(recorded.rowLength).toBe(0);
  });

  it('when a file name does not follow NNN_verb_object.cql, then it is refused', () => {
    const dir = tempDir({ 'create-things.cql': 'CREATE TABLE x (id int PRIMARY KEY);' });
    expect(() => readMigrations(dir)).toThrow(/must be named NNN_verb_object\.cql/);
  });

  it('when the keyspace is created, then its replication is NetworkTopologyStrategy with the configured factor', async () => {
    const ks = uniqueKeyspace('m');
    await run(
      tempDir({ '001_create_things.cql': 'CREATE TABLE IF NOT EXISTS things (id int PRIMARY KEY);' }),
      ks,
      1,
    );
    const row = (
      await client.execute('SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?', [ks])
    ).first();
    expect(row.replication).toEqual({
      class: 'org.apache.cassandra.locator.NetworkTopologyStrategy',
      [config.cassandra.localDataCenter]: '1',
    });
  });

  it('when a file has comments and several statements, then each statement is split out without its comments', () => {
    expect(
      splitStatements(
        '-- a comment\nCREATE TABLE a (id int PRIMARY KEY); -- trailing\n\nCREATE TABLE b (id int PRIMARY KEY);\n',
      ),
    ).toEqual(['CREATE TABLE a (id int PRIMARY KEY)', 'CREATE TABLE b (id int PRIMARY KEY)']);
  });

  it('when the project migrations are read, then every table has a comment naming the query it serves', () => {
    for (const file of fs.readdirSync(CQL_DIR).filter((f) => f.endsWith('.cql'))) {
      const source = fs.readFileSync(path.join(CQL_DIR, file), 'utf8');
      const lines = source.split('\n');
      lines.forEach((line, i) => {
        if (line.startsWith('CREATE TABLE')) {
          let start = i;
          while (start > 0 && lines[start - 1].startsWith('--')) start -= 1;
          const above = lines.slice(start, i).join('\n'); // the comment block right above the table
          expect({ file, table: line, comment: /-- Serves: /.test(above) }).toEqual({
            file,
            table: line,
            comment: true,
          });
        }
      });
    }
  });
});

describe('replication guard', () => {
  it('when the replication factor exceeds the nodes of the data center, then migration refuses before creating the keyspace', async () => {
    const ks = uniqueKeyspace('m');
    const err = await run(CQL_DIR, ks, 5).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as Error).message).toMatch(/replication factor 5 needs at least 5 nodes/);
    expect((err as Error).message).toMatch(/CASSANDRA_REPLICATION_FACTOR=1/);
    const rows = await client.execute(
      'SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?',
      [ks],
    );
    expect(rows.rowLength).toBe(0);
  });
});
