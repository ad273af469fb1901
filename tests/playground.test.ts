import { getOperationAST, getVariableValues, parse, validate } from 'graphql';
import {
  DEMO_NEON_SHADOWS,
  DEMO_THE_LAST_ALGORITHM,
  DEMO_USER_LENA,
  EXAMPLES,
} from '../playground/src/examples';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { contentId, LENA } from '../src/seed/demo-data';
import { buildSchema, createServer, type AppServer } from '../src/server';
import { createTestApp, type TestApp } from './support/app';

let app: TestApp;
let base: string;

beforeAll(async () => {
  app = await createTestApp({ seed: true });
  base = app.url.replace(/\/graphql$/, '');
});
afterAll(() => app.close());

/** A server whose routes need no database (the playground is static), configured from `env`. */
async function staticServer(env: Record<string, string>): Promise<{ server: AppServer; base: string }> {
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    CASSANDRA_CONTACT_POINTS: '127.0.0.1',
    CURSOR_SECRET: 'a-secret-of-at-least-16-chars',
    AUTH_JWT_SECRET: 'a-test-secret-that-is-not-the-development-one',
    ...env,
  });
  const server = await createServer({ config, repos: {} as never, log: createLogger('silent') });
  const url = await server.listen(0, '127.0.0.1');
  return { server, base: url.replace(/\/graphql$/, '') };
}

describe('playground examples', () => {
  const schema = buildSchema();

  it.each(EXAMPLES.map((e) => [e.name, e] as const))(
    'when the %s example is checked against the schema, then it is valid with its variables',
    (_name, example) => {
      const document = parse(example.query);
      expect(validate(schema, document).map((e) => e.message)).toEqual([]);
      const operation = getOperationAST(document)!;
      expect(operation.name?.value).toBe(example.name);
      const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], example.variables ?? {});
      expect(coerced.errors?.map((e) => e.message)).toBeUndefined();
    },
  );

  it.each(EXAMPLES.map((e) => [e.name, e] as const))(
    'when the %s example runs on the demo data, then it answers without an error',
    async (_name, example) => {
      const res = await app.gql(example.query, example.variables);
      expect(res.errors).toBeUndefined();
      expect(Object.values(res.data ?? {})).not.toContain(null);
    },
  );

  it('when the examples name demo ids, then they are the seeded demo ones', () => {
    expect([DEMO_USER_LENA, DEMO_NEON_SHADOWS, DEMO_THE_LAST_ALGORITHM]).toEqual([
      LENA,
      contentId('neon-shadows'),
      contentId('the-last-algorithm'),
    ]);
  });
});

describe('playground routes (playground on: NODE_ENV=test)', () => {
  it('when a browser opens /, then it is redirected to /playground/', async () => {
    const res = await fetch(`${base}/`, {
      headers: { accept: 'text/html,application/xhtml+xml' },
      redirect: 'manual',
    });
    expect([res.status, res.headers.get('location')]).toEqual([302, '/playground/']);
  });

  it('when a client that is not a browser GETs /, then it still gets the JSON 404', async () => {
    const res = await fetch(`${base}/`, { headers: { accept: 'application/json' }, redirect: 'manual' });
    expect(res.status).toBe(404);
  });

  it('when /playground is asked for without the slash, then it redirects to /playground/', async () => {
    const res = await fetch(`${base}/playground`, { redirect: 'manual' });
    expect([res.status, res.headers.get('location')]).toEqual([301, '/playground/']);
  });

  it('when /playground/ is opened, then the page loads only relative assets under a same-origin content security policy', async () => {
    const res = await fetch(`${base}/playground/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toMatch(
      /default-src 'self'; script-src 'self';.*connect-src 'self'/,
    );
    const html = await res.text();
    expect([...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'data:,',
      'app.css',
      'app.js',
    ]);
  });

  it('when the bundle is requested, then app.js and app.css are served with their types', async () => {
    const [js, css] = await Promise.all([
      fetch(`${base}/playground/app.js`),
      fetch(`${base}/playground/app.css`),
    ]);
    expect([js.status, js.headers.get('content-type'), css.status, css.headers.get('content-type')]).toEqual([
      200,
      'text/javascript; charset=utf-8',
      200,
      'text/css; charset=utf-8',
    ]);
  });

  it('when a path tries to leave the bundle directory, then 404', async () => {
    const res = await fetch(`${base}/playground/..%2F..%2Fpackage.json`);
    expect(res.status).toBe(404);
  });

  it('when the playground is on, then POST /graphql still answers queries', async () => {
    const res = await app.gql<{ user: { name: string } }>(`{ user(id: "${LENA}") { name } }`);
    expect(res.data?.user.name).toBe('Lena Fischer');
  });
});

describe('playground switch (PLAYGROUND_ENABLED)', () => {
  it('when NODE_ENV=production and PLAYGROUND_ENABLED is unset, then /playground/ is 404 and / does not redirect', async () => {
    const { server, base: b } = await staticServer({ NODE_ENV: 'production' });
    try {
      const page = await fetch(`${b}/playground/`);
      const root = await fetch(`${b}/`, { headers: { accept: 'text/html' }, redirect: 'manual' });
      expect([page.status, root.status]).toEqual([404, 404]);
    } finally {
      await server.stop();
    }
  });

  it('when NODE_ENV=production and PLAYGROUND_ENABLED=true, then /playground/ is served', async () => {
    const { server, base: b } = await staticServer({ NODE_ENV: 'production', PLAYGROUND_ENABLED: 'true' });
    try {
      expect((await fetch(`${b}/playground/`)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('when PLAYGROUND_ENABLED=false in development, then /playground/ is 404', async () => {
    const { server, base: b } = await staticServer({ NODE_ENV: 'development', PLAYGROUND_ENABLED: 'false' });
    try {
      expect((await fetch(`${b}/playground/`)).status).toBe(404);
    } finally {
      await server.stop();
    }
  });
});
