import { sharedPort } from '../src/cassandra/client';
import { ConfigError, loadConfig } from '../src/config';

/** The settings of limits, deadlines and resilience (issue 8); the rest of the configuration is tests/config.test.ts. */
function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('limits, deadlines and resilience settings', () => {
  it('when nothing is set, then the documented defaults apply', () => {
    const c = loadConfig({});
    expect({
      requestDeadlineMs: c.requestDeadlineMs,
      shutdownDeadlineMs: c.shutdownDeadlineMs,
      maxBodyBytes: c.maxBodyBytes,
      limits: c.limits,
      introspectionEnabled: c.introspectionEnabled,
      speculativeDelayMs: c.cassandra.speculativeDelayMs,
      speculativeMax: c.cassandra.speculativeMax,
      reconnectMaxMs: c.cassandra.reconnectMaxMs,
    }).toEqual({
      requestDeadlineMs: 10_000,
      shutdownDeadlineMs: 10_000,
      maxBodyBytes: 1_000_000,
      limits: { maxDepth: 10, maxAliases: 15, maxDirectives: 20, maxTokens: 2_000, maxCost: 20_000 },
      introspectionEnabled: true,
      speculativeDelayMs: 200,
      speculativeMax: 2,
      reconnectMaxMs: 4_000,
    });
  });

  it('when a deadline is not a whole number, then the error names the variable', () => {
    expect(problemsOf({ REQUEST_DEADLINE_MS: '10s' })).toEqual([
      'REQUEST_DEADLINE_MS: must be a whole number (got "10s")',
    ]);
  });

  it('when a GraphQL limit is out of range, then the error names the variable and the bound', () => {
    expect(problemsOf({ GRAPHQL_MAX_DEPTH: '0' })).toEqual([
      'GRAPHQL_MAX_DEPTH: must be at least 1 (got "0")',
    ]);
  });

  it('when INTROSPECTION_ENABLED=true, then introspection is on even in production', () => {
    const c = loadConfig({
      NODE_ENV: 'production',
      CURSOR_SECRET: 'a-secret-of-at-least-16-chars',
      AUTH_JWT_SECRET: 'a-production-secret-of-at-least-32-characters',
      INTROSPECTION_ENABLED: 'true',
    });
    expect(c.introspectionEnabled).toBe(true);
  });
});

describe('the CQL port of discovered nodes', () => {
  it('when every contact point names the same port, then the driver uses it for the peers it discovers', () => {
    expect(sharedPort(['127.0.0.1:59042', '127.0.0.2:59042'])).toBe(59042);
  });

  it('when a contact point names no port, then the driver default stays', () => {
    expect(sharedPort(['127.0.0.1:59042', '127.0.0.2'])).toBeUndefined();
  });
});
