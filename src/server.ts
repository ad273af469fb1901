import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap, type HTTPGraphQLRequest } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse, type GraphQLFormattedError } from 'graphql';
import { errors as driverErrors } from 'cassandra-driver';
import { AuthenticationError, AuthUnavailableError, createAuthenticator, mintToken } from './auth/jwt';
import { applyAccessPolicy, type Viewer } from './auth/policy';
import { cachingAuthenticator } from './auth/token-cache';
import { createContextFactory, type AppDeps, type Context, type ContextFactory } from './context';
import { guardEntityRepresentations } from './graphql/entities-guard';
import { instrumentCachePolicy, staticCachePolicyPlugin } from './graphql/cache-control';
import { jitGateway } from './graphql/jit-executor';
import { limitParseOptions, limitValidationRules, maskSuggestionsPlugin } from './graphql/limits';
import { isJsonMediaType, readBody } from './http/body';
import { Operations, sendJsonError } from './http/operations';
import { drainHttpServer } from './http/shutdown';
import type { RequestScope } from './observability/request-scope';
import { resolveTuning } from './perf/tuning';
import { warmUpStatements } from './cassandra/warm-up';
import { servePlayground } from './playground';
import type { Resolvers } from './generated/graphql';
import { resolvers } from './resolvers';
import { LENA } from './seed/demo-data';

export const SCHEMA_PATH = path.resolve(
  __dirname,
  __dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..',
  'schema.graphql',
);
/** Node's own limits on a slow client: headers within 20 s, the whole request (body included) within 60 s. */
const HEADERS_TIMEOUT_MS = 20_000;
const REQUEST_TIMEOUT_MS = 60_000;

export function loadTypeDefs() {
  return parse(fs.readFileSync(SCHEMA_PATH, 'utf8'));
}

/**
 * The subgraph schema (federation's `_service` and `_entities` included), with the service's resolvers — or other
 * ones over the same type definitions, access policy and scalars (the layer benchmark's fixed answers).
 */
export function buildSchema(resolverMap: Resolvers = resolvers) {
  return applyAccessPolicy(
    guardEntityRepresentations(
      buildSubgraphSchema([{ typeDefs: loadTypeDefs(), resolvers: resolverMap as never }]),
    ),
  );
}

/** A database failure a client may retry, as opposed to a bug. */
function isDriverUnavailable(err: unknown): boolean {
  return (
    err instanceof driverErrors.NoHostAvailableError ||
    err instanceof driverErrors.OperationTimedOutError ||
    // "Socket was closed": the coordinator went away mid-request (a non-idempotent statement is not retried).
    (err instanceof driverErrors.DriverError &&
      (err as { isSocketError?: boolean }).isSocketError === true) ||
    (err instanceof driverErrors.ResponseError &&
      [
        0x1000 /* unavailable */, 0x1100 /* write timeout */, 0x1200 /* read timeout */,
        0x1001 /* overloaded */, 0x1002 /* bootstrapping */,
      ].includes(err.code))
  );
}

/** The error a resolver or the driver actually threw, under graphql-js' wrapping. */
function originalOf(error: unknown): unknown {
  return error instanceof GraphQLError ? (error.originalError ?? error) : error;
}

/**
 * What a client sees of an error: its message and code for expected errors; for anything else a generic message
 * (the full error is logged by `logRequestErrors` under the request id, which the HTTP handler adds to every error).
 * Never a stack trace, CQL text or driver message.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = originalOf(error);
  const originalCode = original instanceof GraphQLError ? original.extensions?.code : undefined;
  const code = formatted.extensions?.code;
  // A scalar's BAD_USER_INPUT raised while validating an inline literal keeps its code.
  if (code === 'GRAPHQL_VALIDATION_FAILED' && originalCode === 'BAD_USER_INPUT') {
    return { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT' } };
  }
  if (isDriverUnavailable(original)) {
    return {
      message: 'The database is temporarily unavailable; retry shortly.',
      path: formatted.path,
      extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true },
    };
  }
  if (code === 'INTERNAL_SERVER_ERROR' || code === undefined) {
    return {
      message: 'Internal server error',
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  }
  return formatted;
}

/**
 * The errors a request met that are not the client's doing, logged in full under the request's id (the id the
 * client sees in `extensions.requestId`): the database being unavailable (warn) and anything unexpected (error).
 */
export function logRequestErrors(log: AppDeps['log']) {
  return (errors: readonly GraphQLError[], scope: RequestScope): void => {
    for (const error of errors) {
      const original = originalOf(error);
      const code = error.extensions?.code;
      if (isDriverUnavailable(original)) {
        log.warn({ requestId: scope.requestId, err: original, path: error.path }, 'database unavailable');
      } else if (code === undefined || code === 'INTERNAL_SERVER_ERROR') {
        log.error(
          { requestId: scope.requestId, err: original, path: error.path },
          'unexpected error in resolver',
        );
      }
    }
  };
}

export interface AppServer {
  apollo: ApolloServer<Context>;
  http: http.Server;
  /** A request's context; anonymous unless a viewer is given (the HTTP handler passes the bearer token's). */
  createContext: ContextFactory;
  listen(port: number, host: string): Promise<string>;
  /**
   * Stops accepting, lets in-flight requests finish for up to `deadlineMs` (default SHUTDOWN_DEADLINE_MS), then cuts
   * what is left and stops Apollo. The driver is the caller's to close.
   */
  stop(opts?: { deadlineMs?: number }): Promise<{ forced: boolean; ms: number }>;
  /** Health, readiness, metrics, request scope and deadline (src/http/operations.ts). */
  ops: Operations;
}

/** Builds the HTTP + GraphQL server from injected parts. No I/O happens until `listen`. */
export async function createServer(deps: AppDeps): Promise<AppServer> {
  const schema = buildSchema(deps.resolvers);
  const ops = new Operations(deps);
  deps = { ...deps, metrics: ops.metrics };
  const tuning = resolveTuning(deps.tuning);
  // Cache hints without a hook on every resolved field (src/graphql/cache-control.ts); Apollo's plugin otherwise.
  if (tuning.staticCacheControl) instrumentCachePolicy(schema);
  const apollo = new ApolloServer<Context>({
    // graphql-jit executes behind Apollo's own pipeline (parse/validate cache, plugins, errors): see jit-executor.ts.
    ...((tuning.jit
      ? {
          gateway: jitGateway(schema, {
            gatewayContext: tuning.gatewayContext,
            onGatewayContextNotInstalled: () =>
              deps.log.warn(
                'this @apollo/server version moved makeGatewayGraphQLRequestContext: gateway contexts are built by Apollo (more garbage collection per request)',
              ),
          }),
        }
      : { schema }) as { schema: typeof schema }),
    logger: deps.log,
    includeStacktraceInErrorResponses: false,
    // main.ts owns SIGINT/SIGTERM: it drains HTTP, then closes the driver and any Cassandra it started.
    stopOnTerminationSignals: false,
    // The HTTP handler adds the request id (the one in the request's log line) to every error sent.
    formatError,
    introspection: deps.config.introspectionEnabled,
    allowBatchedHttpRequests: false,
    parseOptions: limitParseOptions(deps.config.limits),
    validationRules: limitValidationRules(deps.config.limits),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ...(tuning.staticCacheControl
        ? [ApolloServerPluginCacheControlDisabled(), staticCachePolicyPlugin()]
        : []),
      ops.plugin(logRequestErrors(deps.log)),
      ...(deps.config.introspectionEnabled ? [] : [maskSuggestionsPlugin()]),
    ],
  });
  await apollo.start();
  const createContext = createContextFactory(deps);
  const verifier = createAuthenticator(deps.config.auth);
  // Verified tokens are reused until they expire (src/auth/token-cache.ts): a JWT check costs more than the request.
  const authenticator = tuning.tokenCache
    ? cachingAuthenticator(verifier, { clockToleranceSeconds: deps.config.auth.clockToleranceSeconds })
    : verifier;
  const playgroundConfig = async () => ({ headers: await developmentHeaders(deps.config) });

  const handler = async (req: http.IncomingMessage, res: http.ServerResponse, scope: RequestScope) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (await ops.serve(req, res, url.pathname)) return; // /health, /ready, /metrics
    if (
      deps.config.playgroundEnabled &&
      url.pathname !== '/graphql' &&
      (await servePlayground(req, res, url.pathname, undefined, playgroundConfig))
    ) {
      return;
    }
    if (url.pathname !== '/graphql') {
      return send(
        res,
        404,
        { 'content-type': 'application/json' },
        JSON.stringify({ error: `Not found: ${url.pathname}. The GraphQL endpoint is /graphql.` }),
      );
    }
    const read = await readBody(req, deps.config.maxBodyBytes);
    if (!read.ok) {
      if (read.reason === 'aborted') return void res.destroy();
      // The body was drained, so the client reads this answer; the connection is not reused.
      return sendError(
        res,
        scope,
        413,
        `The request body is larger than ${deps.config.maxBodyBytes} bytes.`,
        'PAYLOAD_TOO_LARGE',
        { connection: 'close' },
      );
    }
    const raw = read.body;
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown = undefined;
    if (raw.length > 0 && isJsonMediaType(headers.get('content-type'))) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return sendError(res, scope, 400, 'The request body is not valid JSON.', 'BAD_REQUEST');
      }
    }
    const request: HTTPGraphQLRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      headers,
      search: url.search,
      body,
    };
    // Who is asking (src/auth/jwt.ts): no token is anonymous; a token that is present but not valid is refused here,
    // for the whole request, with what is wrong with it. What each viewer may see is src/auth/policy.ts.
    let viewer: Viewer;
    try {
      viewer = await authenticator.authenticate(req.headers.authorization);
    } catch (err) {
      if (err instanceof AuthenticationError) {
        return sendJsonError(
          res,
          scope,
          401,
          err.message,
          'UNAUTHENTICATED',
          { reason: err.reason },
          {
            'www-authenticate': `Bearer error="invalid_token", error_description="${err.reason}"`,
          },
        );
      }
      if (err instanceof AuthUnavailableError) {
        deps.log.warn({ requestId: scope.requestId, err: err.cause }, 'JWKS unavailable');
        return sendJsonError(
          res,
          scope,
          503,
          err.message,
          'SERVICE_UNAVAILABLE',
          { retryable: true },
          { 'retry-after': '5' },
        );
      }
      throw err;
    }
    const response = await ops.withDeadline(
      apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: request,
        // ops.track opened the request's scope: its id (x-request-id when the client sent a sane one) is the one in
        // the log line, the response header and every error.
        context: async () => createContext(scope.requestId, viewer, scope),
      }),
    );
    if (response === null) return ops.sendDeadlineExceeded(res, scope);
    if (res.headersSent) return;
    const outHeaders: Record<string, string> = {};
    for (const [k, v] of response.headers) outHeaders[k] = v;
    if (response.body.kind === 'complete') {
      return send(res, response.status ?? 200, outHeaders, ops.stampErrors(response.body.string, scope));
    }
    res.writeHead(response.status ?? 200, outHeaders);
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };

  const server = http.createServer((req, res) => {
    void ops.track(req, res, (scope) =>
      handler(req, res, scope).catch((err) => {
        deps.log.error({ requestId: scope.requestId, err }, 'unhandled error in HTTP handler');
        if (!res.headersSent) sendError(res, scope, 500, 'Internal server error', 'INTERNAL_SERVER_ERROR');
        else res.end();
      }),
    );
  });
  server.keepAliveTimeout = 65_000;
  let stopping: Promise<{ forced: boolean; ms: number }> | undefined;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;

  return {
    apollo,
    http: server,
    createContext,
    listen: async (port, host) => {
      // The hot statements are prepared before the first request arrives (src/cassandra/warm-up.ts).
      if (tuning.warmUp && deps.client) {
        await warmUpStatements(deps.repos).catch((err: unknown) =>
          deps.log.warn({ err }, 'statement warm-up failed; statements are prepared on first use'),
        );
      }
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const addr = server.address() as AddressInfo;
          resolve(`http://${host.includes(':') ? `[${host}]` : host}:${addr.port}/graphql`);
        });
      });
    },
    stop: (opts = {}) =>
      (stopping ??= (async () => {
        ops.startDraining();
        const drained = await drainHttpServer(server, opts.deadlineMs ?? deps.config.shutdownDeadlineMs);
        await apollo.stop();
        return drained;
      })()),
    ops,
  };
}

/** Answers with `body`; `headers` is the caller's own object (content-length is added to it). */
function send(res: http.ServerResponse, status: number, headers: Record<string, string>, body: string) {
  if (res.headersSent) return; // already answered (the request deadline)
  // A known length: one write, no chunked framing.
  headers['content-length'] = String(Buffer.byteLength(body));
  res.writeHead(status, headers);
  res.end(body);
}

/** A GraphQL-shaped error (with the request id) for failures outside GraphQL execution. */
function sendError(
  res: http.ServerResponse,
  scope: RequestScope,
  status: number,
  message: string,
  code: string,
  headers: Record<string, string> = {},
) {
  sendJsonError(res, scope, status, message, code, {}, headers);
}

/**
 * Development only: headers the playground's Headers pane starts with — a fresh token for the demo user Lena — so its
 * examples run as her. Only with the built-in development secret (which production refuses): the service never hands
 * out a token signed with a real secret, nor with a JWKS (only the identity provider issues tokens then).
 */
export async function developmentHeaders(
  config: AppDeps['config'],
): Promise<Record<string, string> | undefined> {
  if (config.nodeEnv === 'production' || !config.auth.developmentSecret) return undefined;
  const token = await mintToken(config.auth, { userId: LENA, expiresIn: DEV_TOKEN_TTL });
  return { Authorization: `Bearer ${token}` };
}

/** How long the development tokens of `npm start` and the playground last. */
export const DEV_TOKEN_TTL = '12h';
