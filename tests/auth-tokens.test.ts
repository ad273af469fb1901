/**
 * Bearer tokens (src/auth/jwt.ts): which tokens are accepted, and what a client is told about the ones that are not.
 * Unit level for every failure mode (HS256 and JWKS), then over HTTP as clients see it.
 */
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type JWTPayload } from 'jose';
import {
  AuthenticationError,
  AuthUnavailableError,
  createAuthenticator,
  mintToken,
  type AuthFailureReason,
} from '../src/auth/jwt';
import { loadConfig, type AuthConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { LENA, MARCO } from '../src/seed/demo-data';
import { createServer, developmentHeaders, type AppServer } from '../src/server';
import { createTestApp, testConfig, tokenFor, type TestApp } from './support/app';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..');
const hmac: AuthConfig = loadConfig({ NODE_ENV: 'test' }).auth;
const key = (secret: string) => new TextEncoder().encode(secret);

/** A token with the configured issuer/audience, signed with the development secret unless told otherwise. */
function sign(
  claims: JWTPayload = {},
  o: { secret?: string; exp?: string | number | null; iss?: string; aud?: string; sub?: string | null } = {},
) {
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(o.iss ?? hmac.issuer)
    .setAudience(o.aud ?? hmac.audience)
    .setIssuedAt();
  if (o.sub !== null) jwt = jwt.setSubject(o.sub ?? LENA);
  if (o.exp !== null) jwt = jwt.setExpirationTime(o.exp ?? '10m');
  return jwt.sign(key(o.secret ?? hmac.jwtSecret!));
}

async function reasonOf(auth: AuthConfig, header: string): Promise<AuthFailureReason | 'accepted'> {
  try {
    await createAuthenticator(auth).authenticate(header);
    return 'accepted';
  } catch (err) {
    if (err instanceof AuthenticationError) return err.reason;
    throw err;
  }
}

describe('HS256 tokens (AUTH_JWT_SECRET)', () => {
  const authn = createAuthenticator(hmac);

  it('when there is no Authorization header, then the viewer is anonymous', async () => {
    await expect(authn.authenticate(undefined)).resolves.toEqual({ kind: 'anonymous' });
    await expect(authn.authenticate('')).resolves.toEqual({ kind: 'anonymous' });
  });

  it('when a valid token is sent, then `sub` is the viewer and `scope` decides admin', async () => {
    await expect(authn.authenticate(`Bearer ${await sign()}`)).resolves.toEqual({
      kind: 'user',
      userId: LENA,
      admin: false,
      scopes: [],
    });
    expect(await authn.authenticate(`bearer ${await sign({ scope: 'read admin' })}`)).toMatchObject({
      admin: true,
    });
    expect(await authn.authenticate(`Bearer ${await sign({ scope: ['admin'] })}`)).toMatchObject({
      admin: true,
    });
    expect(await authn.authenticate(`Bearer ${await sign({ scope: 'administrator' })}`)).toMatchObject({
      admin: false,
    });
    expect(await authn.authenticate(`Bearer ${await sign({}, { sub: LENA.toUpperCase() })}`)).toMatchObject({
      userId: LENA,
    });
  });

  it.each<[string, AuthFailureReason, () => Promise<string>]>([
    ['expired', 'TOKEN_EXPIRED', () => sign({}, { exp: Math.floor(Date.now() / 1000) - 60 })],
    ['signed with another secret', 'INVALID_SIGNATURE', () => sign({}, { secret: 'x'.repeat(40) })],
    ['for another audience', 'WRONG_AUDIENCE', () => sign({}, { aud: 'another-service' })],
    ['from another issuer', 'WRONG_ISSUER', () => sign({}, { iss: 'https://evil.example.com/' })],
    ['without exp', 'MISSING_CLAIM', () => sign({}, { exp: null })],
    ['without sub', 'MISSING_CLAIM', () => sign({}, { sub: null })],
    [
      'not valid yet',
      'TOKEN_NOT_YET_VALID',
      () =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuer(hmac.issuer)
          .setAudience(hmac.audience)
          .setSubject(LENA)
          .setNotBefore('1h')
          .setExpirationTime('2h')
          .sign(key(hmac.jwtSecret!)),
    ],
    [
      'with a scope that is neither a string nor a list of strings',
      'INVALID_CLAIM',
      () => sign({ scope: { admin: true } }),
    ],
    [
      'unsigned (alg none)',
      'ALGORITHM_NOT_ALLOWED',
      async () =>
        new UnsecuredJWT({ sub: LENA })
          .setIssuer(hmac.issuer)
          .setAudience(hmac.audience)
          .setExpirationTime('1h')
          .encode(),
    ],
    [
      'signed HS512',
      'ALGORITHM_NOT_ALLOWED',
      () =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'HS512' })
          .setIssuer(hmac.issuer)
          .setAudience(hmac.audience)
          .setSubject(LENA)
          .setExpirationTime('1h')
          .sign(key(hmac.jwtSecret!)),
    ],
    ['three dots of garbage', 'MALFORMED_TOKEN', async () => 'abc.def.ghi'],
  ])('when the token is %s, then it is refused as %s', async (_what, reason, token) => {
    expect(await reasonOf(hmac, `Bearer ${await token()}`)).toBe(reason);
  });

  it('when the token is signed RS256 (a public-key token), then the HMAC configuration refuses its algorithm', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(hmac.issuer)
      .setAudience(hmac.audience)
      .setSubject(LENA)
      .setExpirationTime('1h')
      .sign(privateKey);
    expect(await reasonOf(hmac, `Bearer ${token}`)).toBe('ALGORITHM_NOT_ALLOWED');
  });

  it.each([
    ['Basic bGVuYTpzZWNyZXQ=', 'MALFORMED_HEADER', 'Basic bGVuYTpzZWNyZXQ='],
    ['Bearer', 'MALFORMED_HEADER', 'Bearer'],
    ['two tokens', 'MALFORMED_HEADER', 'Bearer a.b.c d.e.f'],
    ['Token abc.def.ghi', 'MALFORMED_HEADER', 'Token abc.def.ghi'],
    ['Bearer not-a-jwt', 'MALFORMED_TOKEN', 'Bearer not-a-jwt'],
    ['a 9 KB token', 'MALFORMED_TOKEN', `Bearer ${'a'.repeat(9000)}.b.c`],
  ])('when the Authorization header is %s, then it is refused as %s', async (_what, reason, header) => {
    expect(await reasonOf(hmac, header)).toBe(reason);
  });

  it('when the token command mints a token, then it verifies with the same settings and carries what was asked', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'),
        'src/cli/token.ts',
        '--user',
        MARCO,
        '--admin',
        '--expires',
        '5m',
      ],
      { cwd: ROOT, env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'silent' } },
    );
    const token = stdout.trim();
    expect(token.split('.')).toHaveLength(3);
    expect(await createAuthenticator(hmac).authenticate(`Bearer ${token}`)).toMatchObject({
      userId: MARCO,
      admin: true,
    });
    const exp = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).exp as number;
    expect(exp * 1000 - Date.now()).toBeGreaterThan(4 * 60_000);
    expect(exp * 1000 - Date.now()).toBeLessThanOrEqual(5 * 60_000 + 2_000);
  }, 60_000);
});

describe('tokens from an identity provider (AUTH_JWKS_URL)', () => {
  let jwksServer: http.Server;
  let jwksUrl: string;
  let auth: AuthConfig;
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  const ISSUER = 'https://id.example.com/';

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwksServer = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
    auth = loadConfig({ AUTH_JWKS_URL: jwksUrl, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: 'api://streaming' }).auth;
  });
  afterAll(() => new Promise((resolve) => jwksServer.close(resolve)));

  const rs256 = (kid = 'k1', claims: JWTPayload = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid })
      .setIssuer(ISSUER)
      .setAudience('api://streaming')
      .setSubject(LENA)
      .setExpirationTime('5m')
      .sign(privateKey);

  it("when a token is signed with the provider's key, then it is accepted", async () => {
    expect(
      await createAuthenticator(auth).authenticate(`Bearer ${await rs256('k1', { scope: 'admin' })}`),
    ).toMatchObject({
      userId: LENA,
      admin: true,
    });
  });

  it('when a token names a key the provider does not publish, then it is refused as UNKNOWN_KEY', async () => {
    expect(await reasonOf(auth, `Bearer ${await rs256('k2')}`)).toBe('UNKNOWN_KEY');
  });

  it('when an HS256 token is sent to a JWKS configuration, then its algorithm is refused (no key confusion)', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience('api://streaming')
      .setSubject(LENA)
      .setExpirationTime('5m')
      .sign(key(hmac.jwtSecret!));
    expect(await reasonOf(auth, `Bearer ${token}`)).toBe('ALGORITHM_NOT_ALLOWED');
  });

  it('when the JWKS cannot be fetched, then the failure is the service being unavailable, not the token', async () => {
    const down = loadConfig({
      AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks.json',
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: 'api://streaming',
    }).auth;
    await expect(createAuthenticator(down).authenticate(`Bearer ${await rs256()}`)).rejects.toBeInstanceOf(
      AuthUnavailableError,
    );
  });
});

describe('over HTTP', () => {
  let app: TestApp;
  let prod: AppServer;
  let prodUrl: string;

  beforeAll(async () => {
    app = await createTestApp();
    // Production settings around the same keyspace: no development token for the playground.
    const config = testConfig({
      CASSANDRA_KEYSPACE: app.keyspace,
      NODE_ENV: 'production',
      CURSOR_SECRET: 'a-secret-of-at-least-16-chars',
      AUTH_JWT_SECRET: 'a-production-secret-of-at-least-32-characters',
      PLAYGROUND_ENABLED: 'true',
    });
    prod = await createServer({ config, repos: app.repos, client: app.client, log: createLogger('silent') });
    prodUrl = await prod.listen(0, '127.0.0.1');
  }, 120_000);
  afterAll(async () => {
    await prod?.stop();
    await app?.close();
  });

  const post = (url: string, authorization?: string) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({ query: '{ topPicks(first: 1) { rank } }' }),
    });

  it.each<[string, string, () => Promise<string>, RegExp]>([
    [
      'an expired token',
      'TOKEN_EXPIRED',
      async () => `Bearer ${await sign({}, { exp: Math.floor(Date.now() / 1000) - 5 })}`,
      /expired at \d{4}-/,
    ],
    [
      'a token with a wrong signature',
      'INVALID_SIGNATURE',
      async () => `Bearer ${await sign({}, { secret: 'y'.repeat(40) })}`,
      /signature is not valid/,
    ],
    [
      'a token for another audience',
      'WRONG_AUDIENCE',
      async () => `Bearer ${await sign({}, { aud: 'billing' })}`,
      /another audience/,
    ],
    [
      'a malformed Authorization header',
      'MALFORMED_HEADER',
      async () => 'Basic bGVuYTpzZWNyZXQ=',
      /must be `Bearer <token>`/,
    ],
  ])(
    'when a request carries %s, then it is answered 401 UNAUTHENTICATED (%s)',
    async (_what, reason, header, message) => {
      const res = await post(app.url, await header());
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(
        `Bearer error="invalid_token", error_description="${reason}"`,
      );
      const body = (await res.json()) as {
        errors: Array<{ message: string; extensions: Record<string, unknown> }>;
      };
      expect(body.errors).toHaveLength(1);
      expect(body.errors[0].message).toMatch(message);
      expect(body.errors[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason });
      expect(body.errors[0].extensions.requestId).toEqual(expect.any(String));
      expect(JSON.stringify(body)).not.toContain(app.config.auth.jwtSecret!);
    },
  );

  it('when a request carries a valid token or none, then the public catalog answers', async () => {
    expect((await post(app.url)).status).toBe(200);
    expect((await post(app.url, `Bearer ${await tokenFor(app.config, MARCO)}`)).status).toBe(200);
  });

  it("when the playground's page config is read in development, then it holds a working token for Lena", async () => {
    const res = await fetch(app.url.replace(/\/graphql$/, '/playground/config.json'));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const { headers } = (await res.json()) as { headers: { Authorization: string } };
    expect(await createAuthenticator(app.config.auth).authenticate(headers.Authorization)).toEqual({
      kind: 'user',
      userId: LENA,
      admin: false,
      scopes: [],
    });
  });

  it("when the playground's page config is read in production, then there is no token", async () => {
    const res = await fetch(prodUrl.replace(/\/graphql$/, '/playground/config.json'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
  });

  it('when the development token is asked for, then only development with the built-in secret gives one', async () => {
    const token = (env: Record<string, string>) =>
      developmentHeaders(loadConfig({ CURSOR_SECRET: 'a-secret-of-at-least-16-chars', ...env }));
    expect(await token({})).toEqual({ Authorization: expect.stringMatching(/^Bearer /) });
    expect(await token({ AUTH_JWT_SECRET: 'a-real-secret-of-at-least-32-characters!' })).toBeUndefined();
    expect(await token({ AUTH_JWKS_URL: 'https://id.example.com/jwks.json' })).toBeUndefined();
    expect(
      await token({ NODE_ENV: 'production', AUTH_JWT_SECRET: 'a-real-secret-of-at-least-32-characters!' }),
    ).toBeUndefined();
  });

  it('when production is sent a token signed with the development secret, then it is refused', async () => {
    const res = await post(prodUrl, `Bearer ${await mintToken(hmac, { userId: LENA, admin: true })}`);
    expect(res.status).toBe(401);
  });
});
