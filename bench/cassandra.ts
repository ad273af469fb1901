/** `npm run bench:cassandra -- start|stop|status`: the benchmark's own node (see bench/lib/cassandra.ts). */
import { benchCassandra, BENCH_CONTACT_POINT } from './lib/cassandra';

async function main() {
  const cmd = process.argv[2] ?? 'status';
  const c = benchCassandra();
  if (cmd === 'start') {
    const r = await c.start();
    console.log(
      JSON.stringify({
        contactPoint: BENCH_CONTACT_POINT,
        pids: r.pids,
        startedByUs: r.startedByUs,
        ms: r.elapsedMs,
      }),
    );
  } else if (cmd === 'stop') {
    await c.stop();
    console.log('stopped');
  } else {
    console.log(JSON.stringify(await c.status(), null, 2));
  }
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
