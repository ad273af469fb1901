/** Signed pagination cursors (src/domain/cursor.ts): what a client can and cannot do with them. */
import crypto from 'node:crypto';
import { CursorCodec } from '../src/domain/cursor';

const codec = new CursorCodec('a-cursor-secret-of-sufficient-length');
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('CursorCodec', () => {
  it('when a cursor is decoded in the scope it was made for, then the position comes back', () => {
    const cursor = codec.encode('history:u1', [1700000000000, 'c1']);
    expect(codec.decode('history:u1', cursor)).toEqual([1700000000000, 'c1']);
  });

  it("when a cursor is decoded in another list's scope, then BAD_USER_INPUT", () => {
    const cursor = codec.encode('history:u1', [1]);
    expect(() => codec.decode('history:u2', cursor)).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
    );
  });

  it('when a cursor is made, then its signature is keyed SHA3-256 of secret, scope and payload, 128 bits kept', () => {
    const [payload, signature] = codec.encode('history:u1', [1700000000000, 'c1']).split('.');
    const expected = crypto
      .createHash('sha3-256')
      .update('a-cursor-secret-of-sufficient-length\nhistory:u1\n' + payload)
      .digest('base64url')
      .slice(0, 22);
    expect(signature).toBe(expected);
  });

  it('when any character of the signature is changed, then BAD_USER_INPUT', () => {
    const cursor = codec.encode('history:u1', [1]);
    const dot = cursor.indexOf('.');
    for (let i = dot + 1; i < cursor.length; i++) {
      // The lowest bit flipped: the bit a base64 decoding of the last character would drop.
      const other = BASE64URL[BASE64URL.indexOf(cursor[i]) ^ 1];
      const tampered = cursor.slice(0, i) + other + cursor.slice(i + 1);
      expect(() => codec.decode('history:u1', tampered)).toThrow(/not valid/);
    }
  });

  it('when a cursor was signed with another secret, then BAD_USER_INPUT', () => {
    const foreign = new CursorCodec('another-secret-of-sufficient-length').encode('history:u1', [1]);
    expect(() => codec.decode('history:u1', foreign)).toThrow(/not valid/);
  });
});

describe('CursorCodec.connection', () => {
  it('when edges are read, then each cursor decodes to its own position and endCursor is the last one', () => {
    const c = codec.connection('forYou:u1', [{ rank: 1 }, { rank: 2 }], (r) => [r.rank], true);
    expect(c.edges.map((e) => codec.decode('forYou:u1', e.cursor))).toEqual([[1], [2]]);
    const { hasNextPage, endCursor } = c.pageInfo;
    expect({ hasNextPage, endCursor }).toEqual({ hasNextPage: true, endCursor: c.edges[1].cursor });
  });

  it('when only endCursor is read, then only the last cursor is signed', () => {
    const signed: number[] = [];
    const c = codec.connection(
      'forYou:u1',
      [1, 2, 3],
      (n) => {
        signed.push(n);
        return [n];
      },
      false,
    );
    void c.pageInfo.endCursor;
    void c.pageInfo.endCursor;
    expect(signed).toEqual([3]);
  });

  it('when the page is empty, then endCursor is null', () => {
    expect(codec.connection('forYou:u1', [], () => [], false).pageInfo.endCursor).toBeNull();
  });
});
