import { ConfigError, DEV_JWT_SECRET, loadConfig } from '../src/config';

const PROD_JWT_SECRET = 'a-production-secret-of-at-least-32-characters';

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
    expect(problemsOf({ NODE_ENV: 'production', AUTH_JWT_SECRET: PROD_JWT_SECRET })).toEqual([
      expect.stringMatching(/^CURSOR_SECRET: required/),
    ]);
  });

  describe('bearer-token settings (AUTH_*)', () => {
    const prod = { NODE_ENV: 'production', CURSOR_SECRET: 'a-secret-of-at-least-16-chars' };

    it('when nothing is set in development, then the development secret and the default issuer/audience apply', () => {
      const { auth } = loadConfig({});
      expect(auth).toEqual({
        jwtSecret: DEV_JWT_SECRET,
        jwksUrl: null,
        issuer: 'personalization-subgraph',
        audience: 'personalization-subgraph',
        clockToleranceSeconds: 5,
        developmentSecret: true,
      });
    });

    it('when production has neither a secret nor a JWKS URL, then it refuses to start', () => {
      expect(problemsOf(prod)).toEqual([
        expect.stringMatching(/^AUTH_JWT_SECRET \/ AUTH_JWKS_URL: one is required/),
      ]);
    });

    it('when production is given the development secret, then it refuses to start', () => {
      expect(problemsOf({ ...prod, AUTH_JWT_SECRET: DEV_JWT_SECRET })).toEqual([
        expect.stringMatching(/^AUTH_JWT_SECRET: the development secret must not be used/),
      ]);
    });

    it('when production has its own secret, then it is used and no development default applies', () => {
      const { auth } = loadConfig({ ...prod, AUTH_JWT_SECRET: PROD_JWT_SECRET });
      expect(auth).toMatchObject({ jwtSecret: PROD_JWT_SECRET, jwksUrl: null, developmentSecret: false });
    });

    it('when a JWKS URL is set, then no secret applies (not even in development), and production needs https', () => {
      expect(loadConfig({ AUTH_JWKS_URL: 'http://127.0.0.1:8080/jwks.json' }).auth).toMatchObject({
        jwtSecret: null,
        jwksUrl: 'http://127.0.0.1:8080/jwks.json',
        developmentSecret: false,
      });
      expect(
        loadConfig({ ...prod, AUTH_JWKS_URL: 'https://id.example.com/.well-known/jwks.json' }).auth.jwksUrl,
      ).toBe('https://id.example.com/.well-known/jwks.json');
      expect(problemsOf({ ...prod, AUTH_JWKS_URL: 'http://id.example.com/jwks.json' })).toEqual([
        expect.stringMatching(/^AUTH_JWKS_URL: must be an https URL/),
      ]);
    });

    it('when both a secret and a JWKS URL are set, then both are named', () => {
      expect(
        problemsOf({ AUTH_JWT_SECRET: PROD_JWT_SECRET, AUTH_JWKS_URL: 'https://id.example.com/jwks.json' }),
      ).toEqual([expect.stringMatching(/^AUTH_JWT_SECRET \/ AUTH_JWKS_URL: set one or the other/)]);
    });

    it('when the secret is too short, then AUTH_JWT_SECRET is named and its value is not shown', () => {
      const [problem] = problemsOf({ AUTH_JWT_SECRET: 'hunter2-short' });
      expect(problem).toMatch(/^AUTH_JWT_SECRET: must be at least 32 characters/);
      expect(problem).not.toContain('hunter2');
    });

    it('when `npm start` runs in production with the development secret, then the service refuses to start', async () => {
      const { execFile } = await import('node:child_process');
      const path = await import('node:path');
      const root = path.resolve(__dirname, '..');
      const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'src/main.ts'],
          {
            cwd: root,
            timeout: 60_000,
            env: { PATH: process.env.PATH, HOME: process.env.HOME, ...prod, AUTH_JWT_SECRET: DEV_JWT_SECRET },
          },
          (err, _stdout, stderr) =>
            resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stderr }),
        );
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('AUTH_JWT_SECRET: the development secret must not be used');
      expect(result.stderr).not.toContain(DEV_JWT_SECRET);
    }, 60_000);

    it('when issuer, audience and tolerance are set, then they are used', () => {
      expect(
        loadConfig({
          AUTH_ISSUER: 'https://id.example.com/',
          AUTH_AUDIENCE: 'api://streaming',
          AUTH_CLOCK_TOLERANCE_SECONDS: '30',
        }).auth,
      ).toMatchObject({
        issuer: 'https://id.example.com/',
        audience: 'api://streaming',
        clockToleranceSeconds: 30,
      });
    });
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
