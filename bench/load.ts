/**
 * The load generator (its own process, pinned to its own CPU by bench/run.ts): autocannon against a GraphQL
 * endpoint, rotating through the given request bodies. Latencies are recorded from autocannon's per-response
 * events with sub-millisecond resolution (its own histogram has 1 ms resolution). Every response body is checked:
 * a response that is not `{"data":{…}}` without `errors` counts as a failure, never as a success.
 *
 * With `serverPid`, it also reports the CPU time the server process used during the measured window per response
 * (`serverCpuUsPerRequest`): on a shared machine that moves far less than requests/s, since other processes' load
 * slows the server down without making its work per request larger.
 *
 * Input (BENCH_INPUT_FILE): { url, requests: [{ body, authorization }], connections, warmupSec, durationSec, expect?,
 *   serverPid? }
 */
import autocannon from 'autocannon';
import { readInput } from './lib/input';
import { cpuMs } from './lib/proc';
import { summarize } from './lib/stats';

interface Input {
  url: string;
  requests: Array<{ body: string; authorization: string }>;
  connections: number;
  warmupSec: number;
  durationSec: number;
  /** Substrings every successful body must contain. */
  expect?: string[];
  /** The server's pid, to measure its CPU time per request. */
  serverPid?: number;
}

const input = readInput<Input>();

function run(durationSec: number, record: boolean) {
  let i = 0;
  const latencies: number[] = [];
  let failures = 0;
  let firstFailure: string | null = null;
  return new Promise<{
    latencies: number[];
    failures: number;
    firstFailure: string | null;
    result: autocannon.Result;
  }>((resolve, reject) => {
    const instance = autocannon(
      {
        url: input.url,
        connections: input.connections,
        duration: durationSec,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        requests: [
          {
            setupRequest: (req) => {
              const r = input.requests[i++ % input.requests.length];
              return {
                ...req,
                body: r.body,
                headers: { 'content-type': 'application/json', authorization: r.authorization },
              };
            },
          },
        ],
        verifyBody: (body: unknown) => {
          const s = String(body);
          const ok =
            s.startsWith('{"data":{') &&
            !s.includes('"errors":') &&
            (input.expect ?? []).every((e) => s.includes(e));
          if (!ok) {
            failures += 1;
            firstFailure ??= s.slice(0, 500);
          }
          return ok;
        },
      },
      (err, result) => (err ? reject(err) : resolve({ latencies, failures, firstFailure, result })),
    );
    if (record) {
      instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
        if (status === 200) latencies.push(ms);
      });
    }
  });
}

async function main() {
  process.stdout.write(JSON.stringify({ ready: true }) + '\n');
  if (input.warmupSec > 0) await run(input.warmupSec, false);
  const t0 = Date.now();
  const cpu0 = input.serverPid ? cpuMs(input.serverPid) : null;
  const { latencies, failures, firstFailure, result } = await run(input.durationSec, true);
  const cpu1 = input.serverPid ? cpuMs(input.serverPid) : null;
  const seconds = (Date.now() - t0) / 1000;
  const summary = summarize(latencies, Math.min(seconds, input.durationSec));
  const errors = result.errors + result.timeouts + result.non2xx + failures;
  process.stdout.write(
    JSON.stringify({
      ...summary,
      errors,
      serverCpuUsPerRequest:
        cpu0 !== null && cpu1 !== null && result.requests.total > 0
          ? Math.round(((cpu1 - cpu0) * 1000) / result.requests.total)
          : null,
      detail: {
        errors: result.errors,
        timeouts: result.timeouts,
        non2xx: result.non2xx,
        bodyFailures: failures,
      },
      firstFailure,
    }) + '\n',
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
