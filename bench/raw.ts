/**
 * The raw-driver reference (its own process, pinned to the server's CPU by bench/run.ts). It first records, per
 * sampled user, the exact statements the GraphQL operation issues (the project's server executing the operation
 * in-process, with a recording request tracker), then replays them with a plain `client.execute` — same CQL text,
 * same bound values, same options, prepared — in a closed loop at the given concurrency:
 *
 *  - pick "shelf": only the statements on `table` (P1: the recentlyWatched partition read itself);
 *  - pick "all":   every statement of the operation issued at once; one iteration ends when the slowest read is
 *                  back (P2 latency, P4 throughput).
 *
 * Input (BENCH_INPUT_FILE): { keyspace, users, query, pick, table?, concurrency, warmupSec, durationSec }
 */
import { createClient } from '../src/cassandra/client';
import { BENCH_CONTACT_POINT } from './lib/cassandra';
import { benchConfig } from './lib/env';
import { recordPlans, type RawLoopInput } from './lib/recorder';
import { readInput } from './lib/input';
import { summarize } from './lib/stats';

type Input = RawLoopInput & { warmupSec: number; durationSec: number };

const input = readInput<Input>();

async function main() {
  const plans = await recordPlans(input);
  const config = benchConfig(input.keyspace);
  const client = createClient(config.cassandra, [BENCH_CONTACT_POINT]);
  await client.connect();
  process.stdout.write(JSON.stringify({ ready: true, statementsPerIteration: plans[0].length }) + '\n');
  let errors = 0;
  const iteration = (k: number) =>
    Promise.all(
      plans[k % plans.length].map((s) =>
        client.execute(s.query, s.params, {
          prepare: true,
          isIdempotent: true,
          ...(s.fetchSize ? { fetchSize: s.fetchSize } : {}),
        }),
      ),
    );
  const loop = async (seconds: number, latencies: number[] | null) => {
    const end = performance.now() + seconds * 1000;
    let k = 0;
    const worker = async () => {
      while (performance.now() < end) {
        const t = performance.now();
        try {
          await iteration(k++);
          latencies?.push(performance.now() - t);
        } catch {
          errors += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: input.concurrency }, worker));
  };
  await loop(input.warmupSec, null);
  errors = 0;
  const latencies: number[] = [];
  const cpu0 = process.cpuUsage();
  await loop(input.durationSec, latencies);
  const cpu = process.cpuUsage(cpu0);
  await client.shutdown();
  // This process's own CPU time per iteration: the driver's share of the work, comparable with the server's CPU
  // time per request (bench/load.ts) and far steadier than iterations/s on a shared machine.
  const cpuUsPerIteration = latencies.length ? Math.round((cpu.user + cpu.system) / latencies.length) : null;
  process.stdout.write(
    JSON.stringify({ ...summarize(latencies, input.durationSec), errors, cpuUsPerIteration }) + '\n',
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
