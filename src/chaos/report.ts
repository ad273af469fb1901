import type { ChaosReport } from './run';

/** The chaos report as `npm run chaos` prints it. */
export function formatReport(r: ChaosReport): string {
  const p = r.load.byPhase;
  const ops = Object.entries(r.load.byOp)
    .map(([op, c]) => `${op} ${c.ok}/${c.failed}`)
    .join(', ');
  return [
    `chaos report — 3 nodes, RF=${r.cluster.replicationFactor}, writes via ${r.writesVia}`,
    `  load:       ${r.load.total} operations (${r.load.rate}/s), ${r.load.failed} failed (${r.load.failedAfterRetry} still failed when a client retried a retryable error once)`,
    `              healthy ${p.healthy.ok} ok / ${p.healthy.failed} failed (p50 ${p.healthy.p50} ms, p99 ${p.healthy.p99} ms)`,
    `              node${r.load.killedNode} SIGKILLed: ${p['one node down'].ok} ok / ${p['one node down'].failed} failed (p50 ${p['one node down'].p50} ms, p99 ${p['one node down'].p99} ms)`,
    `              by operation (ok/failed): ${ops}`,
    ...r.load.failures.map((f) => `              ! ${f}`),
    `  read back:  ${r.readBack.sessionsFound}/${r.readBack.sessionsAcked} acknowledged sessions found through recentlyWatched` +
      (r.readBack.ratingTitles
        ? `; rating aggregates of ${r.readBack.ratingTitles} titles: ${r.readBack.ratingMismatches.length} mismatches`
        : ''),
    ...r.readBack.missing.map((m) => `              ! missing ${m}`),
    ...r.readBack.ratingMismatches.map((m) => `              ! ${m}`),
    `  two down:   ${r.twoDown.requests} requests, ${r.twoDown.cleanUnavailable} clean SERVICE_UNAVAILABLE (retryable), slowest ${r.twoDown.maxMs} ms, deadline ${r.twoDown.deadlineMs} ms, ${r.twoDown.overDeadline} past it, ${r.twoDown.hung} unanswered`,
    ...r.twoDown.notClean.map((m) => `              ! ${m}`),
    `  recovery:   restart ${(r.recovery.restartMs / 1000).toFixed(1)} s; full service ${r.recovery.fullServiceMs === null ? 'NOT reached' : `${r.recovery.fullServiceMs} ms`} after the nodes accepted CQL; driver sees ${r.recovery.hostsUp}/3 hosts up`,
    r.passed ? 'PASSED' : `FAILED:\n${r.problems.map((x) => `  - ${x}`).join('\n')}`,
  ].join('\n');
}
