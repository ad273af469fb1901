/** src/auth/token-cache.ts: a verified token is reused until it expires; nothing else changes. */
import { AuthenticationError, createAuthenticator, mintToken, type Authenticator } from '../src/auth/jwt';
import { cachingAuthenticator } from '../src/auth/token-cache';
import { loadConfig } from '../src/config';

const auth = loadConfig({ NODE_ENV: 'test' }).auth;
const USER = 'aaaa1111-1111-1111-1111-111111111111';

function counting(inner: Authenticator) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    authenticate: (h: string | undefined) => (calls++, inner.authenticate(h)),
  };
}

describe('verified-token cache', () => {
  it('when the same token comes again, then it is verified once and gives the same viewer', async () => {
    const inner = counting(createAuthenticator(auth));
    const cached = cachingAuthenticator(inner);
    const header = `Bearer ${await mintToken(auth, { userId: USER })}`;
    const a = await cached.authenticate(header);
    const b = await cached.authenticate(header);
    expect(b).toEqual(a);
    expect(a).toMatchObject({ kind: 'user', userId: USER, admin: false });
    expect(inner.calls).toBe(1);
  });

  it('when a cached token is past its exp, then the cache defers to the verifier again', async () => {
    let now = Date.now();
    const inner = counting(createAuthenticator(auth));
    const cached = cachingAuthenticator(inner, {
      now: () => now,
      clockToleranceSeconds: auth.clockToleranceSeconds,
    });
    const header = `Bearer ${await mintToken(auth, { userId: USER, expiresIn: '2s' })}`;
    await cached.authenticate(header);
    now += 1000;
    await cached.authenticate(header);
    expect(inner.calls).toBe(1);
    now += 60_000; // past exp + tolerance: the cache defers to the verifier, which uses the real clock (still valid)
    await cached.authenticate(header);
    expect(inner.calls).toBe(2);
  });

  it('when a token is refused, then nothing is cached and it is refused again', async () => {
    const inner = counting(createAuthenticator(auth));
    const cached = cachingAuthenticator(inner);
    const other = { ...auth, jwtSecret: 'another-secret-another-secret-another-secret' };
    const header = `Bearer ${await mintToken(other, { userId: USER })}`;
    await expect(cached.authenticate(header)).rejects.toBeInstanceOf(AuthenticationError);
    await expect(cached.authenticate(header)).rejects.toBeInstanceOf(AuthenticationError);
    expect(inner.calls).toBe(2);
    expect(cached.size).toBe(0);
  });

  it('when the header is malformed or absent, then it is refused or anonymous as without the cache', async () => {
    const cached = cachingAuthenticator(createAuthenticator(auth));
    await expect(cached.authenticate('Basic abc')).rejects.toMatchObject({ reason: 'MALFORMED_HEADER' });
    await expect(cached.authenticate(undefined)).resolves.toEqual({ kind: 'anonymous' });
  });

  it('when more tokens arrive than it holds, then the least recently used go first', async () => {
    const cached = cachingAuthenticator(createAuthenticator(auth), { max: 2 });
    for (let i = 0; i < 4; i++)
      await cached.authenticate(`Bearer ${await mintToken(auth, { userId: USER, expiresIn: `${i + 1}h` })}`);
    expect(cached.size).toBe(2);
  });
});
