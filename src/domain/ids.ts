import crypto from 'node:crypto';

const NAMESPACE = Buffer.from('6f1c2a4e9b7d4c1f8e3a5b6c7d8e9f00', 'hex');

/** A name-based (version 5) UUID: the same name always gives the same id, so seeds and imports are idempotent. */
export function uuidFromName(name: string): string {
  const hash = crypto.createHash('sha1').update(NAMESPACE).update(name).digest();
  const b = Buffer.from(hash.subarray(0, 16));
  b[6] = (b[6] & 0x0f) | 0x50;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The shard of `history_by_content` a user's rows live in (spreads a blockbuster's reverse index). */
export const HISTORY_SHARDS = 16;
export function historyShard(userId: string): number {
  return crypto.createHash('md5').update(userId).digest().readUInt32BE(0) % HISTORY_SHARDS;
}
