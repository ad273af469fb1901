/**
 * A cache of verified bearer tokens in front of an Authenticator. Verifying a JWT costs ≈ 150 µs here (a WebCrypto key
 * import and an HMAC, or a public-key signature check) — more than the rest of a cached GraphQL request's CPU — and a
 * client sends the same token with every request for its whole lifetime. So the viewer a token was verified to is
 * kept, keyed by the exact token string, and reused while the token is within its validity window:
 *
 *  - only successful verifications are cached; a cached token past `exp` (plus the clock tolerance) is verified again,
 *    so expiry answers exactly as without the cache (TOKEN_EXPIRED and its message);
 *  - an entry also ends `maxAgeMs` after its verification (default 5 min), so a key withdrawn from a JWKS stops
 *    being honoured within that time, as a JWKS cache would;
 *  - bounded (least recently used out first); the header's shape is still checked on every request.
 */
import type { Viewer } from './policy';
import { bearerToken, type Authenticator } from './jwt';

export interface TokenCacheOptions {
  /** Tokens kept. Default 10,000 (≈ 2 MB). */
  max?: number;
  /** How long a verification is trusted at most. Default 5 minutes. */
  maxAgeMs?: number;
  /** Clock skew allowed on `exp`, as the verifier allows it. */
  clockToleranceSeconds?: number;
  now?: () => number;
}

interface Entry {
  viewer: Viewer;
  /** Milliseconds since the epoch after which the entry is not used. */
  until: number;
  /** `nbf` (ms) minus the tolerance: before it the token is verified again (and refused). */
  notBefore: number;
}

/** The `exp`/`nbf` claims of a token that was just verified (its payload is known to be valid JSON). */
function claims(token: string): { exp?: number; nbf?: number } {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    return {
      exp: typeof payload.exp === 'number' ? payload.exp : undefined,
      nbf: typeof payload.nbf === 'number' ? payload.nbf : undefined,
    };
  } catch {
    return {};
  }
}

export function cachingAuthenticator(
  inner: Authenticator,
  opts: TokenCacheOptions = {},
): Authenticator & { readonly size: number } {
  const max = opts.max ?? 10_000;
  const maxAgeMs = opts.maxAgeMs ?? 5 * 60_000;
  const toleranceMs = (opts.clockToleranceSeconds ?? 0) * 1000;
  const now = opts.now ?? Date.now;
  const cache = new Map<string, Entry>();
  return {
    async authenticate(authorization) {
      const token = bearerToken(authorization); // malformed headers are refused exactly as before
      if (token === null) return inner.authenticate(authorization);
      const t = now();
      const hit = cache.get(token);
      if (hit) {
        cache.delete(token);
        if (t <= hit.until && t >= hit.notBefore) {
          cache.set(token, hit); // most recently used
          return hit.viewer;
        }
      }
      const viewer = await inner.authenticate(authorization);
      const { exp, nbf } = claims(token);
      if (exp !== undefined) {
        cache.set(token, {
          viewer,
          until: Math.min(exp * 1000 + toleranceMs, t + maxAgeMs),
          notBefore: nbf === undefined ? -Infinity : nbf * 1000 - toleranceMs,
        });
        if (cache.size > max) cache.delete(cache.keys().next().value!);
      }
      return viewer;
    },
    get size() {
      return cache.size;
    },
  };
}
