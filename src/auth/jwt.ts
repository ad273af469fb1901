import { createRemoteJWKSet, errors, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { AuthConfig } from '../config';
import { ANONYMOUS, normalizeUserId, type Viewer } from './policy';

/**
 * Bearer tokens (JWT, verified with `jose`): who is asking. What they may see is src/auth/policy.ts.
 *
 * - HS256 with AUTH_JWT_SECRET (the development secret outside production), or the keys published at AUTH_JWKS_URL
 *   (RS/PS/ES/EdDSA only: a JWKS never verifies an HMAC token, so a public key cannot be used as a shared secret).
 * - Every token must carry `iss` = AUTH_ISSUER, `aud` = AUTH_AUDIENCE, `exp` and `sub` (the user id); `scope`
 *   (space-separated string or list) containing `admin` makes an administrator.
 */

/** Why a presented token was refused: `extensions.reason` of the UNAUTHENTICATED answer. */
export type AuthFailureReason =
  | 'MALFORMED_HEADER'
  | 'MALFORMED_TOKEN'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_NOT_YET_VALID'
  | 'INVALID_SIGNATURE'
  | 'ALGORITHM_NOT_ALLOWED'
  | 'UNKNOWN_KEY'
  | 'WRONG_ISSUER'
  | 'WRONG_AUDIENCE'
  | 'MISSING_CLAIM'
  | 'INVALID_CLAIM';

/** A token (or Authorization header) that was presented and refused: the request is answered 401 UNAUTHENTICATED. */
export class AuthenticationError extends Error {
  constructor(
    message: string,
    readonly reason: AuthFailureReason,
  ) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

/** The identity provider's keys could not be fetched: not the client's fault, answered 503 (retryable). */
export class AuthUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuthUnavailableError';
  }
}

/** Tokens longer than this are refused before parsing (a JWT of a few claims is well under 1 KB). */
export const MAX_TOKEN_LENGTH = 8_192;
const HMAC_ALGORITHMS = ['HS256'];
const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export interface Authenticator {
  /**
   * The viewer of a request from its Authorization header: anonymous without one; a user (or admin) for a valid
   * bearer token. Throws AuthenticationError for a header or token that is present but not acceptable, and
   * AuthUnavailableError when the JWKS cannot be fetched.
   */
  authenticate(authorization: string | undefined): Promise<Viewer>;
}

export function createAuthenticator(auth: AuthConfig): Authenticator {
  const key: Uint8Array | JWTVerifyGetKey = auth.jwksUrl
    ? createRemoteJWKSet(new URL(auth.jwksUrl), { timeoutDuration: 5_000, cooldownDuration: 30_000 })
    : new TextEncoder().encode(auth.jwtSecret ?? '');
  if (!auth.jwksUrl && !auth.jwtSecret)
    throw new Error('auth: neither a JWT secret nor a JWKS URL is configured');
  const options = {
    issuer: auth.issuer,
    audience: auth.audience,
    algorithms: auth.jwksUrl ? ASYMMETRIC_ALGORITHMS : HMAC_ALGORITHMS,
    requiredClaims: ['exp', 'sub'],
    clockTolerance: auth.clockToleranceSeconds,
  };
  return {
    async authenticate(authorization) {
      const token = bearerToken(authorization);
      if (token === null) return ANONYMOUS;
      let payload: JWTPayload;
      try {
        // The overloads for a key and a key function differ only in the key's type.
        payload = (await jwtVerify(token, key as Uint8Array, options)).payload;
      } catch (err) {
        throw describeFailure(err, auth);
      }
      return viewerOf(payload);
    },
  };
}

/** The token of `Authorization: Bearer <token>`; null without the header; AuthenticationError for any other shape. */
export function bearerToken(authorization: string | undefined): string | null {
  if (authorization === undefined || authorization.trim() === '') return null;
  const m = /^Bearer +(\S+)\s*$/i.exec(authorization);
  if (!m) {
    throw new AuthenticationError(
      'The Authorization header must be `Bearer <token>` (a JWT); omit it to query the public catalog anonymously.',
      'MALFORMED_HEADER',
    );
  }
  const token = m[1];
  if (token.length > MAX_TOKEN_LENGTH || !JWT_SHAPE.test(token)) {
    throw new AuthenticationError(
      'The bearer token is not a JWT (three base64url parts separated by dots).',
      'MALFORMED_TOKEN',
    );
  }
  return token;
}

function viewerOf(payload: JWTPayload): Viewer {
  const sub = payload.sub;
  if (typeof sub !== 'string' || sub.trim() === '' || sub.length > 200) {
    throw new AuthenticationError("The token's `sub` claim must be the user id.", 'INVALID_CLAIM');
  }
  const raw = payload.scope;
  let scopes: string[];
  if (raw === undefined) scopes = [];
  else if (typeof raw === 'string') scopes = raw.split(' ').filter(Boolean);
  else if (Array.isArray(raw) && raw.every((s) => typeof s === 'string')) scopes = raw as string[];
  else {
    throw new AuthenticationError(
      "The token's `scope` claim must be a space-separated string or a list of strings.",
      'INVALID_CLAIM',
    );
  }
  return Object.freeze({
    kind: 'user',
    userId: normalizeUserId(sub),
    admin: scopes.includes('admin'),
    scopes: Object.freeze(scopes),
  });
}

/** A clear, specific message per failure; nothing about the expected secret or keys beyond what a client needs. */
function describeFailure(err: unknown, auth: AuthConfig): Error {
  if (err instanceof AuthenticationError) return err;
  if (err instanceof errors.JWTExpired) {
    const exp =
      typeof err.payload.exp === 'number' ? new Date(err.payload.exp * 1000).toISOString() : 'its `exp`';
    return new AuthenticationError(
      `The bearer token expired at ${exp}; get a new one (development: npm run token -- --user <id>).`,
      'TOKEN_EXPIRED',
    );
  }
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.reason === 'missing') {
      return new AuthenticationError(
        `The bearer token lacks the required \`${err.claim}\` claim.`,
        'MISSING_CLAIM',
      );
    }
    if (err.claim === 'aud') {
      return new AuthenticationError(
        `The bearer token is for another audience: this service accepts \`aud\` "${auth.audience}".`,
        'WRONG_AUDIENCE',
      );
    }
    if (err.claim === 'iss') {
      return new AuthenticationError(
        `The bearer token is from another issuer: this service accepts \`iss\` "${auth.issuer}".`,
        'WRONG_ISSUER',
      );
    }
    if (err.claim === 'nbf' || err.claim === 'iat') {
      return new AuthenticationError(
        'The bearer token is not valid yet (`nbf`/`iat` in the future).',
        'TOKEN_NOT_YET_VALID',
      );
    }
    return new AuthenticationError(
      `The bearer token's \`${err.claim}\` claim is not valid.`,
      'INVALID_CLAIM',
    );
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) {
    return new AuthenticationError("The bearer token's signature is not valid.", 'INVALID_SIGNATURE');
  }
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) {
    return new AuthenticationError(
      `The bearer token's algorithm is not accepted (accepted: ${(auth.jwksUrl ? ASYMMETRIC_ALGORITHMS : HMAC_ALGORITHMS).join(', ')}).`,
      'ALGORITHM_NOT_ALLOWED',
    );
  }
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) {
    return new AuthenticationError(
      'No key of the identity provider matches the bearer token (`kid`).',
      'UNKNOWN_KEY',
    );
  }
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) {
    return new AuthenticationError(
      'The bearer token is malformed (not a signed JWT with a JSON claims set).',
      'MALFORMED_TOKEN',
    );
  }
  if (auth.jwksUrl) {
    // JWKSTimeout, a non-200 or non-JSON answer, a network error: the keys are unavailable, the token may be fine.
    return new AuthUnavailableError("The identity provider's keys could not be fetched; retry shortly.", {
      cause: err,
    });
  }
  return new AuthenticationError('The bearer token is not valid.', 'MALFORMED_TOKEN');
}

export interface MintOptions {
  /** The token's `sub`: the user id. */
  userId: string;
  /** Adds `scope: "admin"`. */
  admin?: boolean;
  /** A jose time span: "1h", "30m", "7d" (default 1h). */
  expiresIn?: string;
}

/** Signs a token with the configured HS256 secret (development tokens, tests). Impossible with a JWKS. */
export async function mintToken(auth: AuthConfig, opts: MintOptions): Promise<string> {
  if (!auth.jwtSecret) {
    throw new Error(
      'Tokens can be minted only with AUTH_JWT_SECRET (or the development secret); with AUTH_JWKS_URL your identity provider issues them.',
    );
  }
  const jwt = new SignJWT(opts.admin ? { scope: 'admin' } : {})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(opts.userId)
    .setIssuer(auth.issuer)
    .setAudience(auth.audience)
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? '1h');
  return jwt.sign(new TextEncoder().encode(auth.jwtSecret));
}
