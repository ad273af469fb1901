import { ConfigError, loadConfig } from '../src/config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration from the environment', () => {
  it('when nothing is set, then the documented defaults apply and the local Cassandra is used', () => {
    const c = loadConfig({});
    expect(c.port).toBe(4000);
    expect(c.host).toBe('127.0.0.1');
    expect(c.cassandra.contactPoints).toBeNull();
    expect(c.cassandra.keyspace).toBe('personalization');
    expect(c.cassandra.replicationFactor).toBe(1);
    expect(c.cassandra.consistency).toBe('LOCAL_QUORUM');
    expect(c.pagination).toEqual({ defaultFirst: 20, maxFirst: 100 });
    expect(c.continueWatchingFinishedPct).toBe(95);
    expect(c.localCassandra.version).toBe('5.0.8');
  });

  it('when contact points are set, then they are split on commas and the replication factor defaults to 3', () => {
    const c = loadConfig({ CASSANDRA_CONTACT_POINTS: '10.0.0.1, 10.0.0.2' });
    expect(c.cassandra.contactPoints).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(c.cassandra.replicationFactor).toBe(3);
  });

  it('when PORT is not a number, then the error names PORT and what is wrong', () => {
    expect(problemsOf({ PORT: 'eighty' })).toEqual([expect.stringMatching(/^PORT: must be a whole number/)]);
  });

  it('when PORT is out of range, then the error names PORT and the limit', () => {
    expect(problemsOf({ PORT: '70000' })).toEqual([expect.stringMatching(/^PORT: must be at most 65535/)]);
  });

  it('when the keyspace is not a CQL identifier, then CASSANDRA_KEYSPACE is named', () => {
    expect(problemsOf({ CASSANDRA_KEYSPACE: 'drop table;' })[0]).toMatch(
      /^CASSANDRA_KEYSPACE: must be a lower-case CQL identifier/,
    );
  });

  it('when several variables are wrong, then every one of them is reported at once', () => {
    const problems = problemsOf({ PORT: '-1', LOG_LEVEL: 'loud', CASSANDRA_CONSISTENCY: 'SOME' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'CASSANDRA_CONSISTENCY',
      'LOG_LEVEL',
      'PORT',
    ]);
  });

  it('when production runs without a cursor secret, then CURSOR_SECRET is required', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      expect.stringMatching(/^CURSOR_SECRET: required/),
    ]);
  });

  it('when the default page size exceeds the maximum, then both variables are named', () => {
    expect(problemsOf({ PAGE_SIZE_DEFAULT: '50', PAGE_SIZE_MAX: '10' })[0]).toMatch(
      /PAGE_SIZE_DEFAULT.*PAGE_SIZE_MAX/,
    );
  });

  it('when the local Cassandra node count is not 1 or 3, then LOCAL_CASSANDRA_NODES is named', () => {
    expect(problemsOf({ LOCAL_CASSANDRA_NODES: '2' })[0]).toMatch(/LOCAL_CASSANDRA_NODES/);
  });

  it('when a variable is set to the empty string, then its default applies', () => {
    expect(loadConfig({ PORT: '' }).port).toBe(4000);
  });
});
