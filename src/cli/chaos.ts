/**
 * npm run chaos [-- --concurrency 16 --healthy 8 --one-down 20 --two-down 10 --users 40 --writes auto|api|repository]
 *
 * Three local Cassandra nodes of its own (127.0.0.1–3, CQL port 59042 — never the development node), an RF=3
 * keyspace with the demo and more users, mixed GraphQL load through the HTTP server; one node SIGKILLed mid-load
 * (0 failed operations, every acknowledged write read back through the API), then a second (every request a clean
 * SERVICE_UNAVAILABLE within REQUEST_DEADLINE_MS), then both restarted (full service within 10 s). Prints the counts;
 * exits 1 when an expectation failed. Needs ≈ 4.5 GB of free memory.
 */
import { Command } from 'commander';
import { positiveInt } from './args';
import { formatReport } from '../chaos/report';
import { defaultChaosOptions, runChaos } from '../chaos/run';
import { fail } from './run';

if (require.main === module) {
  const d = defaultChaosOptions();
  new Command('chaos')
    .description('Kill Cassandra nodes under GraphQL load and check that the service stays correct')
    .option('--concurrency <n>', 'operations in flight', positiveInt, d.concurrency)
    .option('--healthy <s>', 'seconds of load before the first kill', positiveInt, d.healthyMs / 1000)
    .option('--one-down <s>', 'seconds of load with one node down', positiveInt, d.oneDownMs / 1000)
    .option('--two-down <s>', 'seconds of requests with two nodes down', positiveInt, d.twoDownMs / 1000)
    .option('--users <n>', 'users besides the demo three', positiveInt, d.extraUsers)
    .option('--writes <how>', 'auto | api | repository', d.writes)
    .option('--base-dir <dir>', 'node directories of the experiment (wiped first)', d.baseDir)
    .option('--native-port <n>', 'CQL port on 127.0.0.1–3', positiveInt, d.nativePort)
    .option('--storage-port <n>', 'internode port', positiveInt, d.storagePort)
    .option('--jmx-port <n>', 'JMX port of node1 (+100 per node)', positiveInt, d.jmxBasePort)
    .option('--keep', 'leave the cluster running afterwards')
    .action(async (a: Record<string, string | number | boolean | undefined>) => {
      if (!['auto', 'api', 'repository'].includes(String(a.writes)))
        fail(new Error('--writes must be auto, api or repository'));
      try {
        const report = await runChaos({
          concurrency: a.concurrency as number,
          healthyMs: (a.healthy as number) * 1000,
          oneDownMs: (a.oneDown as number) * 1000,
          twoDownMs: (a.twoDown as number) * 1000,
          extraUsers: a.users as number,
          writes: a.writes as 'auto' | 'api' | 'repository',
          baseDir: a.baseDir as string,
          nativePort: a.nativePort as number,
          storagePort: a.storagePort as number,
          jmxBasePort: a.jmxPort as number,
          keepCluster: Boolean(a.keep),
        });
        console.log(formatReport(report));
        process.exit(report.passed ? 0 : 1);
      } catch (err) {
        fail(err);
      }
    })
    .parseAsync()
    .catch(fail);
}
