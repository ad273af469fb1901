/** `npm run bench:seed -- <keyspace> <users> <events>`: seeds one benchmark data set into the bench node. */
import { connectAndMigrate } from '../src/cassandra/connect';
import { createRepositories } from '../src/repositories';
import { BENCH_CONTACT_POINT } from './lib/cassandra';
import { existingDataset, seedDataset } from './lib/dataset';
import { benchConfig } from './lib/env';

export async function ensureDataset(
  spec: { keyspace: string; users: number; events: number; seed: number },
  log: (line: string) => void,
) {
  const config = benchConfig(spec.keyspace);
  const { client } = await connectAndMigrate(config, [BENCH_CONTACT_POINT], { keyspace: spec.keyspace });
  try {
    const existing = await existingDataset(client, spec);
    if (existing) {
      log(`data set ${spec.keyspace} (${spec.events} events / ${spec.users} users) already seeded`);
      return existing;
    }
    log(`seeding ${spec.keyspace}: ${spec.events} events / ${spec.users} users (bulk path)`);
    const info = await seedDataset(client, createRepositories(client, config), spec, log);
    log(
      `seeded ${spec.keyspace} in ${info.seedSeconds} s (${info.rowsPerSecond} rows/s): ${JSON.stringify(info.rows)}`,
    );
    return info;
  } finally {
    await client.shutdown();
  }
}

if (require.main === module) {
  const [keyspace, users, events] = process.argv.slice(2);
  ensureDataset({ keyspace, users: Number(users), events: Number(events), seed: 42 }, (l) =>
    console.error(`[seed] ${l}`),
  ).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
