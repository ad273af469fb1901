/**
 * The floor of any HTTP service on this machine (information rows of P1, P2 and P4): plain `node:http` answering each
 * request with the very statements the GraphQL operation issues for its user (recorded as bench/raw.ts records them:
 * same CQL, values and options), all issued at once, answering the row counts. No GraphQL, no Apollo, no token
 * check, no response format, no per-request objects beyond the driver's — what is left is HTTP on loopback, the load
 * generator and the reads. Its distance from the raw reference is what HTTP alone costs; ours against it is what the GraphQL layer
 * costs. Pinned to the server's CPU like the server.
 *
 * Input (BENCH_INPUT_FILE): { keyspace, users, query, pick, table? } (a RawLoopInput without concurrency).
 * Prints {"url":…} when listening; SIGTERM stops it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from '../src/cassandra/client';
import { BENCH_CONTACT_POINT } from './lib/cassandra';
import { benchConfig } from './lib/env';
import { readInput } from './lib/input';
import { recordPlans, type RawLoopInput } from './lib/recorder';

const input = readInput<Omit<RawLoopInput, 'concurrency'>>();

async function main() {
  const plans = await recordPlans(input);
  const byUser = new Map(input.users.map((u, i) => [u.toLowerCase(), plans[i]]));
  const client = createClient(benchConfig(input.keyspace).cassandra, [BENCH_CONTACT_POINT]);
  await client.connect();
  const answer = (res: http.ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { variables?: { id?: string } })
        .variables?.id;
      const plan = id ? byUser.get(id.toLowerCase()) : undefined;
      if (!plan) return answer(res, 404, '{"errors":[{"message":"unknown user"}]}');
      Promise.all(
        plan.map((s) =>
          client.execute(s.query, s.params, {
            prepare: true,
            isIdempotent: true,
            ...(s.fetchSize ? { fetchSize: s.fetchSize } : {}),
          }),
        ),
      ).then(
        // Row counts only: the driver has parsed every row, and nothing is spent on a response format — the floor is a
        // lower bound of what any HTTP service answering from these reads can do.
        (results) => answer(res, 200, `{"data":{"rows":[${results.map((r) => r.rows.length).join(',')}]}}`),
        () => answer(res, 503, '{"errors":[{"message":"read failed"}]}'),
      );
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${port}/graphql`, pid: process.pid }) + '\n');
  process.on('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    void client.shutdown().then(() => process.exit(0));
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
