import type http from 'node:http';

export type BodyResult =
  | { ok: true; body: Buffer }
  | { ok: false; reason: 'too-large'; received: number }
  | { ok: false; reason: 'aborted' };

/** Above this many bytes an oversized body is no longer drained: the connection is cut (an abusive client). */
export const DISCARD_LIMIT_BYTES = 16 * 1024 * 1024;

/**
 * Reads a request body of at most `limit` bytes. A larger body is not kept: the rest is read and discarded so the
 * client, still sending, can read the 413 answer (answering and closing mid-upload makes the kernel reset the
 * connection and the client sees "socket hang up" instead). Past `discardLimit` the connection is destroyed.
 */
export function readBody(
  req: http.IncomingMessage,
  limit: number,
  discardLimit = Math.max(DISCARD_LIMIT_BYTES, limit),
): Promise<BodyResult> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number.isFinite(declared) && declared > limit;
    let settled = false;
    const settle = (r: BodyResult) => {
      if (!settled) {
        settled = true;
        resolve(r);
      }
    };
    if (Number.isFinite(declared) && declared > discardLimit) {
      // Not worth reading: answer now; the handler closes the connection after the answer.
      settle({ ok: false, reason: 'too-large', received: 0 });
      req.resume();
      return;
    }
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (tooLarge) {
        chunks.length = 0;
        if (size > discardLimit) {
          settle({ ok: false, reason: 'aborted' });
          req.destroy();
        }
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () =>
      settle(
        tooLarge
          ? { ok: false, reason: 'too-large', received: size }
          : { ok: true, body: Buffer.concat(chunks) },
      ),
    );
    req.on('error', () => settle({ ok: false, reason: 'aborted' }));
    req.on('close', () => settle({ ok: false, reason: 'aborted' }));
  });
}

/** `application/json`, case-insensitively, with parameters allowed (`; charset=utf-8`) — not `application/jsonp`. */
export function isJsonMediaType(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0].trim().toLowerCase() === 'application/json';
}
