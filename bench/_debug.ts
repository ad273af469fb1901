import { createTestApp, tokenFor } from '../tests/support/app';
import { createServer } from '../src/server';
import { createLogger } from '../src/logger';
import { LENA } from '../src/seed/demo-data';
async function main() {
  process.env.TEST_CASSANDRA_CONTACT_POINTS = '127.0.0.1:19242';
  const app = await createTestApp({ seed: true });
  const lena = `Bearer ${await tokenFor(app.config, LENA)}`;
  for (const jit of [true, false]) {
    const s = await createServer({ config: app.config, repos: app.repos, client: app.client, log: createLogger('silent'), tuning: { jit } });
    const url = await s.listen(0, '127.0.0.1');
    const t = Date.now();
    const ac = new AbortController(); setTimeout(() => ac.abort(), 8000);
    try {
      const res = await fetch(url, { signal: ac.signal, method: 'POST', headers: { 'content-type': 'application/json', authorization: lena }, body: JSON.stringify({ query: 'query ($id: UUID!) { user(id: $id) { name } }', variables: { id: 'not-a-uuid' } }) });
      console.log(jit, res.status, Date.now() - t, await res.text());
    } catch (e) { console.log(jit, 'ERR', String(e)); }
    await s.stop({ deadlineMs: 100 });
  }
  await app.close();
}
main();
