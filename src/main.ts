import { loadConfig, ConfigError, type Config } from './config';
import { resolveCluster, connectAndMigrate, type Cluster } from './cassandra/connect';
import { createLogger } from './logger';
import { createRepositories } from './repositories';
import { demoSeeded, seedDemo } from './seed/demo';
import { LENA } from './seed/demo-data';
import { createServer, developmentHeaders, DEV_TOKEN_TTL } from './server';
import { describeStartupError } from './startup-errors';

const EXAMPLE_QUERY = `{ user(id: "${LENA}") { name preferredGenres } }`;
const PUBLIC_QUERY = '{ topPicks(first: 3) { rank title ratingAvg } }';

/**
 * `npm start`: the local one-node Cassandra when no cluster is configured → migrations → demo data if the keyspace
 * has none → the GraphQL server. Ctrl-C stops the server, the driver and any Cassandra this process started.
 */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  const say = (line: string) => console.error(`[start] ${line}`);

  let cluster: Cluster | null = null;
  const stopLocal = async () => {
    if (cluster?.local && cluster.startedByUs) {
      say('stopping the local Cassandra this process started');
      await cluster.local.stop();
    }
  };
  // Until the server exists, SIGINT/SIGTERM interrupt the start-up: a local Cassandra still booting is aborted (the
  // launcher stops the node it launched); a later step finishes first, then the node this process started is
  // stopped. Without this, Ctrl-C during the first start left the Cassandra JVM (its own process group) running.
  const startup = new AbortController();
  let onSignal = (signal: NodeJS.Signals) => {
    if (startup.signal.aborted) return;
    say(`${signal} during start-up: stopping …`);
    startup.abort(signal);
  };
  process.on('SIGINT', (signal) => onSignal(signal));
  process.on('SIGTERM', (signal) => onSignal(signal));
  const checkInterrupted = () => {
    if (startup.signal.aborted) throw startup.signal.reason;
  };
  try {
    cluster = await resolveCluster(config, (line) => console.error(`[cassandra] ${line}`), startup.signal);
    checkInterrupted();
    say(`Cassandra at ${cluster.contactPoints.join(', ')}`);
    const { client, migrations } = await connectAndMigrate(config, cluster.contactPoints, { log: say });
    say(
      `keyspace ${config.cassandra.keyspace}: ${migrations.applied.length} migrations applied, ${migrations.alreadyApplied.length} already there`,
    );
    checkInterrupted();
    const repos = createRepositories(client, config);
    if (config.seedDemoData && !(await demoSeeded(repos))) {
      const s = await seedDemo(repos);
      say(
        `seeded demo data: ${s.users} users, ${s.titles} titles, ${s.sessions} sessions, ${s.recommendations} recommendations`,
      );
    }
    const server = await createServer({ config, repos, log, client });
    checkInterrupted();
    // From here a signal drains the server — switched before it listens: a SIGTERM that arrives while the start-up
    // lines are printed (or the development token is minted) must drain like any other.
    let stopping = false;
    const shutdown = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      // Stop accepting; in-flight requests get SHUTDOWN_DEADLINE_MS to finish; then the driver closes; exit 0.
      const inFlight = server.ops.inFlight;
      say(
        `${signal}: shutting down (${inFlight} request(s) in flight, up to ${config.shutdownDeadlineMs} ms)`,
      );
      log.info({ signal, inFlight, deadlineMs: config.shutdownDeadlineMs }, 'shutdown started');
      const drained = await server
        .stop({ deadlineMs: config.shutdownDeadlineMs })
        .catch((err) => (log.error({ err }, 'error while stopping the server'), null));
      await client.shutdown().catch(() => undefined);
      log.info({ signal, ...drained }, 'shutdown complete');
      await stopLocal().catch(() => undefined);
      process.exit(0);
    };
    onSignal = (signal) => void shutdown(signal);
    const url = await server.listen(config.port, config.host);

    console.log(`\nGraphQL endpoint: ${url}`);
    if (config.playgroundEnabled) {
      console.log(`Playground:       ${url.replace(/\/graphql$/, '/playground/')}`);
    }
    // Development: a token for the demo user Lena, so her data can be queried at once (src/auth/policy.ts).
    const devAuth = (await developmentHeaders(config))?.Authorization;
    if (devAuth) {
      console.log(`Dev token:        ${devAuth.slice('Bearer '.length)}`);
      console.log(
        `                  (Lena, ${LENA}; expires in ${DEV_TOKEN_TTL}; npm run token -- --user <id> [--admin] mints others)`,
      );
      console.log(
        `Try it:\n  curl -s ${url} -H 'content-type: application/json' -H 'authorization: ${devAuth}' \\\n    -d '${JSON.stringify({ query: EXAMPLE_QUERY })}'\n`,
      );
    } else {
      console.log(
        `Try it (the public catalog; user data needs a bearer token: npm run token -- --user <id>):\n  curl -s ${url} -H 'content-type: application/json' \\\n    -d '${JSON.stringify({ query: PUBLIC_QUERY })}'\n`,
      );
    }
  } catch (err) {
    if (startup.signal.aborted) {
      say('start-up interrupted');
      await stopLocal().catch(() => undefined);
      process.exit(startup.signal.reason === 'SIGTERM' ? 143 : 130);
    }
    console.error(describeStartupError(err));
    await stopLocal().catch(() => undefined);
    process.exit(1);
  }
}

void main();
