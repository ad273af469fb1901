import { scanBounds, scanTable } from '../src/cassandra/token-scan';
import { uuidFromName } from '../src/domain/ids';
import { createTestApp, type TestApp } from './support/app';

let app: TestApp;
const USERS = 300;

beforeAll(async () => {
  app = await createTestApp();
  const insert = 'INSERT INTO interactions_by_user (user_id, content_id, progress_pct) VALUES (?, ?, ?)';
  const writes: Array<Promise<unknown>> = [];
  for (let u = 0; u < USERS; u++) {
    for (let i = 0; i < (u % 3) + 1; i++) {
      writes.push(
        app.client.execute(insert, [uuidFromName(`scan-user:${u}`), uuidFromName(`scan-title:${i}`), 50], {
          prepare: true,
        }),
      );
    }
  }
  await Promise.all(writes);
});
afterAll(() => app.close());

describe('token-range scan', () => {
  it('when a table is scanned by token range, then every row comes exactly once', async () => {
    const rows = await scanTable(app.client, {
      table: 'interactions_by_user',
      columns: ['user_id', 'content_id'],
      partitionKey: 'user_id',
      splitsPerRange: 16,
      fetchSize: 7,
      map: (r) => `${r.user_id}|${r.content_id}`,
    });
    const expected = Array.from({ length: USERS }, (_, u) => (u % 3) + 1).reduce((a, b) => a + b, 0);
    expect(rows).toHaveLength(expected);
    expect(new Set(rows).size).toBe(expected);
  });

  it('when the ring is split, then the sub-ranges cover it without overlap (at most one open-ended range)', () => {
    const bounds = scanBounds(app.client, 8);
    expect(bounds.length).toBeGreaterThanOrEqual(8);
    expect(bounds.filter((b) => b.end === null).length).toBeLessThanOrEqual(1);
    const sorted = [...bounds].sort((a, b) => (BigInt(a.start) < BigInt(b.start) ? -1 : 1));
    for (let i = 1; i < sorted.length; i++) expect(sorted[i].start).toBe(sorted[i - 1].end);
  });
});
