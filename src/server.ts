import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap, type HTTPGraphQLRequest } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse, type GraphQLFormattedError } from 'graphql';
import { errors as driverErrors } from 'cassandra-driver';
import { createContextFactory, type AppDeps, type Context } from './context';
import { resolvers } from './resolvers';

export const SCHEMA_PATH = path.resolve(
  __dirname,
  __dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..',
  'schema.graphql',
);
const MAX_BODY_BYTES = 1_000_000;

export function loadTypeDefs() {
  return parse(fs.readFileSync(SCHEMA_PATH, 'utf8'));
}

/** A database failure a client may retry, as opposed to a bug. */
function isDriverUnavailable(err: unknown): boolean {
  return (
    err instanceof driverErrors.NoHostAvailableError ||
    err instanceof driverErrors.OperationTimedOutError ||
    (err instanceof driverErrors.ResponseError &&
      [
        0x1000 /* unavailable */, 0x1100 /* write timeout */, 0x1200 /* read timeout */,
        0x1001 /* overloaded */, 0x1002 /* bootstrapping */,
      ].includes(err.code))
  );
}

/**
 * What a client sees of an error: its message and code for expected errors; for anything else a generic message
 * and the request id (the full error is logged under that id). Never a stack trace, CQL text or driver message.
 */
export function formatError(log: AppDeps['log']) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    const originalCode = original instanceof GraphQLError ? original.extensions?.code : undefined;
    const code = formatted.extensions?.code;
    // A scalar's BAD_USER_INPUT raised while validating an inline literal keeps its code.
    if (code === 'GRAPHQL_VALIDATION_FAILED' && originalCode === 'BAD_USER_INPUT') {
      return { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT' } };
    }
    if (isDriverUnavailable(original)) {
      log.warn({ err: original, path: formatted.path }, 'database unavailable');
      return {
        message: 'The database is temporarily unavailable; retry shortly.',
        path: formatted.path,
        extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true },
      };
    }
    if (code === 'INTERNAL_SERVER_ERROR' || code === undefined) {
      log.error({ err: original, path: formatted.path }, 'unexpected error in resolver');
      return {
        message: 'Internal server error',
        path: formatted.path,
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      };
    }
    return formatted;
  };
}

export interface AppServer {
  apollo: ApolloServer<Context>;
  http: http.Server;
  createContext: (requestId?: string) => Context;
  listen(port: number, host: string): Promise<string>;
  stop(): Promise<void>;
}

/** Builds the HTTP + GraphQL server from injected parts. No I/O happens until `listen`. */
export async function createServer(deps: AppDeps): Promise<AppServer> {
  const schema = buildSubgraphSchema([{ typeDefs: loadTypeDefs(), resolvers: resolvers as never }]);
  const apollo = new ApolloServer<Context>({
    schema,
    logger: deps.log,
    includeStacktraceInErrorResponses: false,
    // main.ts owns SIGINT/SIGTERM: it drains HTTP, then closes the driver and any Cassandra it started.
    stopOnTerminationSignals: false,
    formatError: formatError(deps.log),
    plugins: [ApolloServerPluginLandingPageDisabled()],
  });
  await apollo.start();
  const createContext = createContextFactory(deps);

  const handler = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/health') {
      return send(res, 200, { 'content-type': 'application/json' }, '{"status":"ok"}');
    }
    if (url.pathname !== '/graphql') {
      return send(
        res,
        404,
        { 'content-type': 'application/json' },
        JSON.stringify({ error: `Not found: ${url.pathname}. The GraphQL endpoint is /graphql.` }),
      );
    }
    let raw: Buffer;
    try {
      raw = await readBody(req, MAX_BODY_BYTES);
    } catch {
      return sendError(
        res,
        413,
        `The request body is larger than ${MAX_BODY_BYTES} bytes.`,
        'PAYLOAD_TOO_LARGE',
      );
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown = undefined;
    if (raw.length > 0 && (headers.get('content-type') ?? '').includes('application/json')) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return sendError(res, 400, 'The request body is not valid JSON.', 'BAD_REQUEST');
      }
    }
    const request: HTTPGraphQLRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      headers,
      search: url.search,
      body,
    };
    const requestId =
      typeof req.headers['x-request-id'] === 'string' && /^[\w-]{1,64}$/.test(req.headers['x-request-id'])
        ? req.headers['x-request-id']
        : undefined;
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: request,
      context: async () => createContext(requestId),
    });
    const outHeaders: Record<string, string> = {};
    for (const [k, v] of response.headers) outHeaders[k] = v;
    if (response.body.kind === 'complete') {
      return send(res, response.status ?? 200, outHeaders, response.body.string);
    }
    res.writeHead(response.status ?? 200, outHeaders);
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };

  const server = http.createServer((req, res) => {
    handler(req, res).catch((err) => {
      deps.log.error({ err }, 'unhandled error in HTTP handler');
      if (!res.headersSent) sendError(res, 500, 'Internal server error', 'INTERNAL_SERVER_ERROR');
      else res.end();
    });
  });
  server.keepAliveTimeout = 65_000;

  return {
    apollo,
    http: server,
    createContext,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const addr = server.address() as AddressInfo;
          resolve(`http://${host.includes(':') ? `[${host}]` : host}:${addr.port}/graphql`);
        });
      }),
    stop: async () => {
      await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
      await apollo.stop();
    },
  };
}

function send(res: http.ServerResponse, status: number, headers: Record<string, string>, body: string) {
  res.writeHead(status, headers);
  res.end(body);
}

function sendError(res: http.ServerResponse, status: number, message: string, code: string) {
  send(
    res,
    status,
    { 'content-type': 'application/json' },
    JSON.stringify({ errors: [{ message, extensions: { code } }] }),
  );
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error('too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
