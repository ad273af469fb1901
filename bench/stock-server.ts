/**
 * The P5 reference: stock `@apollo/server` 5 `startStandaloneServer` with default options and plugins, the same
 * subgraph schema, and the same resolvers as the server it is compared with: the fixed answers of
 * bench/lib/static-resolvers.ts (BENCH_RESOLVERS=fixed, P5) or the service's resolvers over the in-memory
 * repositories of bench/lib/static-repos.ts (default; P5's information row).
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { createAuthenticator } from '../src/auth/jwt';
import { createContextFactory, type Context } from '../src/context';
import { createLogger } from '../src/logger';
import { buildSchema } from '../src/server';
import { benchConfig } from './lib/env';
import { staticRepositories } from './lib/static-repos';
import { staticResolvers } from './lib/static-resolvers';

async function main() {
  const config = benchConfig('bench_s');
  const log = createLogger(config.logLevel);
  const createContext = createContextFactory({ config, repos: staticRepositories(), log });
  const authenticator = createAuthenticator(config.auth);
  const fixed = process.env.BENCH_RESOLVERS === 'fixed';
  const apollo = new ApolloServer<Context>({
    schema: buildSchema(fixed ? staticResolvers(config.cursorSecret) : undefined),
  });
  const { url } = await startStandaloneServer(apollo, {
    listen: { port: 0, host: '127.0.0.1' },
    // The same work per request as ours: the bearer token verified, the same context built.
    context: async ({ req }) =>
      createContext(undefined, await authenticator.authenticate(req.headers.authorization)),
  });
  process.stdout.write(JSON.stringify({ url: `${url.replace(/\/$/, '')}/`, pid: process.pid }) + '\n');
  process.on('SIGTERM', () => void apollo.stop().then(() => process.exit(0)));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
