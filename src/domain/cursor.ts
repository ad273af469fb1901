import crypto from 'node:crypto';
import { badInput } from './errors';

/**
 * Opaque, signed pagination cursors. A cursor carries the seek position of the last row a client saw, signed together
 * with the list it belongs to (`scope`), so a forged, tampered or foreign cursor (from another user's list or another
 * field) is a BAD_USER_INPUT error and never reaches Cassandra. The scope is in the signature, not in the cursor: the
 * decoder knows which list it decodes for, and every edge of a page is ≈ 45 characters shorter (a 20-item page is
 * ≈ 1 KB less to sign, encode and send).
 *
 * The signature is keyed SHA3-256 — SHA3-256(secret ‖ scope ‖ payload), 128 bits kept. Prepending the key is a sound
 * MAC for SHA-3 (a sponge has no length extension; NIST's KMAC is this construction with the key's length encoded),
 * and one `crypto.hash` call needs no HMAC object: ≈ 1.0 µs per cursor here against ≈ 2.7 µs for HMAC-SHA256, and a
 * 20-item page signs 21 cursors.
 */
/** base64url payload, a dot, a 22-character base64url signature — nothing else (decoders skip stray characters). */
const CURSOR_FORMAT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/;

export class CursorCodec {
  /** The secret and a separator: the signed text is `key` + scope + newline + payload. */
  private readonly key: string;

  constructor(secret: string) {
    this.key = `${secret}\n`;
  }

  encode(scope: string, position: unknown[]): string {
    const payload = Buffer.from(JSON.stringify(position)).toString('base64url');
    return `${payload}.${this.sign(scope, payload)}`;
  }

  /** The position inside a cursor made by `encode(scope, …)`; throws BAD_USER_INPUT for anything else. */
  decode(scope: string, cursor: string): unknown[] {
    const invalid = () =>
      badInput('The `after` cursor is not valid for this list; pass an `endCursor` this field returned.', {
        argument: 'after',
      });
    const dot = cursor.indexOf('.');
    if (dot <= 0 || cursor.length > 2048 || !CURSOR_FORMAT.test(cursor)) throw invalid();
    const payload = cursor.slice(0, dot);
    // The 22 characters themselves are compared (decoded, the last one's low 4 bits would be dropped: 4 spellings
    // of one signature).
    const given = Buffer.from(cursor.slice(dot + 1), 'latin1');
    const expected = Buffer.from(this.sign(scope, payload), 'latin1');
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) throw invalid();
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw invalid();
    }
    if (!Array.isArray(parsed)) throw invalid();
    return parsed as unknown[];
  }

  /**
   * The secret, the scope, a newline and the payload: a base64url payload has no newline, so the last newline splits
   * scope from payload unambiguously. 22 base64url characters = 128 bits of the digest.
   */
  private sign(scope: string, payload: string): string {
    return crypto.hash('sha3-256', `${this.key}${scope}\n${payload}`, 'base64url').slice(0, 22);
  }

  /**
   * A Relay connection over one page. Each cursor is signed the first time it is read — most clients select only
   * `pageInfo.endCursor`, and an unsigned cursor costs nothing.
   */
  connection<T>(
    scope: string,
    items: T[],
    position: (item: T, index: number) => unknown[],
    hasNextPage: boolean,
  ): {
    edges: Array<{ node: T; cursor: string }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  } {
    const edges = items.map((node, i) => new LazyEdge(this, scope, node, i, position));
    return { edges, pageInfo: new LazyPageInfo(hasNextPage, edges) };
  }
}

/**
 * An edge whose cursor is signed the first time it is read. Classes with the getter on the prototype, not object
 * literals with `get cursor()`: V8 (Node 20) builds literals with accessors on a slow path — ≈ 7× slower for a
 * 20-edge page in isolation, and their objects were promoted out of the young generation.
 */
class LazyEdge<T> {
  private signed: string | undefined;

  constructor(
    private readonly codec: CursorCodec,
    private readonly scope: string,
    readonly node: T,
    private readonly index: number,
    private readonly position: (item: T, index: number) => unknown[],
  ) {}

  get cursor(): string {
    return (this.signed ??= this.codec.encode(this.scope, this.position(this.node, this.index)));
  }
}

class LazyPageInfo<T> {
  constructor(
    readonly hasNextPage: boolean,
    private readonly edges: LazyEdge<T>[],
  ) {}

  get endCursor(): string | null {
    return this.edges.at(-1)?.cursor ?? null;
  }
}
