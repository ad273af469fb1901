/**
 * The request context Apollo Server hands a gateway executor (our graphql-jit executor, src/graphql/jit-executor.ts),
 * built without an object literal with accessors.
 *
 * Apollo Server 5 builds that context per request in `makeGatewayGraphQLRequestContext`, whose `response.http` is
 * `{ headers, get status() {…}, set status(v) {…} }`. On Node 20 (V8 11.3) an object literal with accessors is not
 * created like other literals: it and everything it references survive young-generation collections (the scavenger
 * keeps them as if referenced from the old generation) — here the getters' closure holds the whole request context
 * (request, response, context value, result), so every request's objects were copied at one scavenge and promoted at
 * the next. Measured on the static 20-item shelf at concurrency 1 (`--trace-gc-nvp`): ≈ 830 KB promoted per scavenge
 * and 3–4 ms scavenge pauses with Apollo's function, ≈ 60 KB and ≈ 1 ms with this one — the pauses were most of
 * the shelf's p99 (README, "Performance").
 *
 * The replacement builds the same object — same fields, same values, `status` still reads and writes the response's
 * status — with the accessors on a class's prototype. Apollo's request pipeline calls the function through its
 * module's exports object, so replacing the export replaces what the pipeline calls; tests/gateway-context.test.ts
 * checks that it is the one called and that its result matches Apollo's field by field. If a future Apollo release
 * moves or renames the module, nothing is replaced and `installGatewayContext` says so (the service works the same,
 * only with the old garbage-collection cost).
 */
import path from 'node:path';
import type { HeaderMap } from '@apollo/server';

type Fn = (requestContext: ApolloRequestContext, server: ApolloServerLike, internals: Internals) => unknown;

interface ApolloRequestContext {
  request: {
    query?: string;
    operationName?: string;
    variables?: Record<string, unknown>;
    extensions?: Record<string, unknown>;
    http?: { method: string; search: string; headers: HeaderMap };
  };
  response: { http: { status?: number; headers: HeaderMap } };
  schema: unknown;
  contextValue: unknown;
  queryHash: string;
  document: unknown;
  source: unknown;
  operationName: unknown;
  operation: unknown;
  errors: unknown;
  metrics: unknown;
  overallCachePolicy: unknown;
  requestIsBatched: unknown;
}
interface ApolloServerLike {
  logger: unknown;
  cache: unknown;
}
interface Internals {
  includeStacktraceInErrorResponses: unknown;
}

/** Fetch-style `Headers` over Apollo's HeaderMap: what Apollo's own function hands the gateway. */
export class FetcherHeadersForHeaderMap {
  constructor(readonly map: HeaderMap) {}
  append(name: string, value: string) {
    this.map.set(name, this.map.has(name) ? `${this.map.get(name)}, ${value}` : value);
  }
  delete(name: string) {
    this.map.delete(name);
  }
  get(name: string) {
    return this.map.get(name) ?? null;
  }
  has(name: string) {
    return this.map.has(name);
  }
  set(name: string, value: string) {
    this.map.set(name, value);
  }
  entries() {
    return this.map.entries();
  }
  keys() {
    return this.map.keys();
  }
  values() {
    return this.map.values();
  }
  [Symbol.iterator]() {
    return this.map.entries();
  }
}

/** `response.http` of the gateway context: `status` reads and writes the request's response status. */
class GatewayResponseHttp {
  readonly headers: FetcherHeadersForHeaderMap;
  constructor(private readonly target: { status?: number; headers: HeaderMap }) {
    this.headers = new FetcherHeadersForHeaderMap(target.headers);
  }
  get status(): number | undefined {
    return this.target.status;
  }
  set status(status: number | undefined) {
    this.target.status = status;
  }
}

/** Apollo Server 5's `makeGatewayGraphQLRequestContext`, with `response.http` a class instance. */
export const makeGatewayGraphQLRequestContext: Fn = (rc, server, internals) => {
  const request: Record<string, unknown> = {};
  if ('query' in rc.request) request.query = rc.request.query;
  if ('operationName' in rc.request) request.operationName = rc.request.operationName;
  if ('variables' in rc.request) request.variables = rc.request.variables;
  if ('extensions' in rc.request) request.extensions = rc.request.extensions;
  const http = rc.request.http;
  if (http) {
    const needQuestion = http.search !== '' && !http.search.startsWith('?');
    request.http = {
      method: http.method,
      url: `https://unknown-url.invalid/${needQuestion ? '?' : ''}${http.search}`,
      headers: new FetcherHeadersForHeaderMap(http.headers),
    };
  }
  return {
    request,
    response: { http: new GatewayResponseHttp(rc.response.http) },
    logger: server.logger,
    schema: rc.schema,
    schemaHash: 'schemaHash no longer exists since Apollo Server 4',
    context: rc.contextValue,
    cache: server.cache,
    queryHash: rc.queryHash,
    document: rc.document,
    source: rc.source,
    operationName: rc.operationName,
    operation: rc.operation,
    errors: rc.errors,
    metrics: rc.metrics,
    debug: internals.includeStacktraceInErrorResponses,
    overallCachePolicy: rc.overallCachePolicy,
    requestIsBatched: rc.requestIsBatched,
  };
};

/** Apollo's module that holds the function (its CommonJS build: the one `require('@apollo/server')` loads). */
export function apolloGatewayContextModule(): { makeGatewayGraphQLRequestContext?: Fn } | null {
  try {
    const main = require.resolve('@apollo/server');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path.join(path.dirname(main), 'utils', 'makeGatewayGraphQLRequestContext.js')) as {
      makeGatewayGraphQLRequestContext?: Fn;
    };
  } catch {
    return null;
  }
}

/**
 * Makes Apollo's request pipeline build gateway contexts with `makeGatewayGraphQLRequestContext` above (once per
 * process; later calls do nothing). Returns whether it is in place.
 */
export function installGatewayContext(): boolean {
  const mod = apolloGatewayContextModule();
  if (!mod || typeof mod.makeGatewayGraphQLRequestContext !== 'function') return false;
  if (mod.makeGatewayGraphQLRequestContext !== makeGatewayGraphQLRequestContext) {
    mod.makeGatewayGraphQLRequestContext = makeGatewayGraphQLRequestContext;
  }
  return mod.makeGatewayGraphQLRequestContext === makeGatewayGraphQLRequestContext;
}
