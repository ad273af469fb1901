import { ConfigError } from './config';
import { LocalCassandraError } from './cassandra/local';
import { MigrationError } from './cassandra/migrations';

/** One or two lines (`error: …`, `fix: …`) for a failure at start-up or in a CLI command — no stack trace. */
export function describeStartupError(err: unknown): string {
  if (err instanceof ConfigError) return err.message;
  if (err instanceof LocalCassandraError)
    return `error: ${err.message}${err.hint ? `\nfix: ${err.hint}` : ''}`;
  if (err instanceof MigrationError) return `error: ${err.message}`;
  if (err instanceof Error && err.name === 'NoHostAvailableError') {
    const inner = Object.entries((err as Error & { innerErrors?: Record<string, Error> }).innerErrors ?? {})
      .map(([host, e]) => `  ${host}: ${e.message.split('\n')[0]}`)
      .join('\n');
    return (
      `error: cannot use Cassandra — every contact point failed:\n${inner}\n` +
      'fix: check CASSANDRA_CONTACT_POINTS (or unset it to use the local node: npm run cassandra -- status)'
    );
  }
  return `error: ${err instanceof Error ? err.message : String(err)}`;
}
