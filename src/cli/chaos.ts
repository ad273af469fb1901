/**
 * npm run chaos [-- --concurrency 16 --healthy 8 --one-down 20 --two-down 10 --users 40 --writes auto|api|repository]
 *
 * Three local Cassandra nodes of its own (127.0.0.1–3, CQL port 59042 — never the development node), an RF=3
 * keyspace with the demo and more users, mixed GraphQL load through the HTTP server; one node SIGKILLed mid-load
 * (0 failed operations, every acknowledged write read back through the API), then a second (every request a clean
 * SERVICE_UNAVAILABLE within REQUEST_DEADLINE_MS), then both restarted (full service within 10 s). Prints the counts;
 * exits 1 when an expectation failed. Needs ≈ 4.5 GB of free memory.
 */
import { Command, InvalidArgumentError } from 'commander';
import { defaultChaosOptions, runChaos, type ChaosReport } from '../chaos/run';
import { fail } from './run';

function positiveInt(value: string): number {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive whole number');
  return n;
}

export function formatReport(r: ChaosReport): string {
  const p = r.load.byPhase;
  const ops = Object.entries(r.load.byOp)
    .map(([op, c]) => `${op} ${c.ok}/${c.failed}`)
    .join(', ');
  return [
    `chaos report — 3 nodes, RF=${r.cluster.replicationFactor}, writes via ${r.writesVia}`,
    `  load:       ${r.load.total} operations (${r.load.rate}/s), ${r.load.failed} failed`,
    `              healthy ${p.healthy.ok} ok / ${p.healthy.failed} failed (p50 ${p.healthy.p50} ms, p99 ${p.healthy.p99} ms)`,
    `              node${r.load.killedNode} SIGKILLed: ${p['one node down'].ok} ok / ${p['one node down'].failed} failed (p50 ${p['one node down'].p50} ms, p99 ${p['one node down'].p99} ms)`,
    `              by operation (ok/failed): ${ops}`,
    ...r.load.failures.map((f) => `              ! ${f}`),
    `  read back:  ${r.readBack.sessionsFound}/${r.readBack.sessionsAcked} acknowledged sessions found through recentlyWatched` +
      (r.readBack.ratingTitles ? `; rating aggregates of ${r.readBack.ratingTitles} titles: ${r.readBack.ratingMismatches.length} mismatches` : ''),
    ...r.readBack.missing.map((m) => `              ! missing ${m}`),
    ...r.readBack.ratingMismatches.map((m) => `              ! ${m}`),
    `  two down:   ${r.twoDown.requests} requests, ${r.twoDown.cleanUnavailable} clean SERVICE_UNAVAILABLE (retryable), slowest ${r.twoDown.maxMs} ms, deadline ${r.twoDown.deadlineMs} ms, ${r.twoDown.overDeadline} past it, ${r.twoDown.hung} unanswered`,
    ...r.twoDown.notClean.map((m) => `              ! ${m}`),
    `  recovery:   restart ${(r.recovery.restartMs / 1000).toFixed(1)} s; full service ${r.recovery.fullServiceMs === null ? 'NOT reached' : `${r.recovery.fullServiceMs} ms`} after the nodes accepted CQL; driver sees ${r.recovery.hostsUp}/3 hosts up`,
    r.passed ? 'PASSED' : `FAILED:\n${r.problems.map((x) => `  - ${x}`).join('\n')}`,
  ].join('\n');
}

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
      if (!['auto', 'api', 'repository'].includes(String(a.writes))) fail(new Error('--writes must be auto, api or repository'));
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
