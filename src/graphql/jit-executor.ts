/**
 * graphql-jit as Apollo Server's executor, without leaving `@apollo/server`.
 *
 * Apollo Server 5 accepts a `gateway` instead of a `schema`: it still parses, validates and caches documents, runs
 * CSRF prevention, every plugin hook (cache control, error formatting, the request log) and the HTTP handling; only
 * execution goes to the gateway's executor. This "gateway" serves our own subgraph schema and executes each
 * operation with a query compiled by graphql-jit (JavaScript generated for that operation: no per-field
 * interpretation of the AST, no per-field `info` building unless a resolver needs it).
 *
 * What keeps it equivalent to stock graphql-js execution (tests/jit-executor.test.ts compares both paths):
 *  - Errors. graphql-jit reports errors with its own error class, which has no `extensions` of its own and is no
 *    `GraphQLError`: Apollo would mask them as "Internal server error". They are re-wrapped here into real
 *    `GraphQLError`s the way graphql-js' `locatedError` builds them (message, path, locations, the resolver's
 *    original error — whose `extensions.code` survives).
 *  - Requests graphql-jit does not execute like graphql-js go to graphql-js itself: a document it cannot compile, and
 *    variables that do not coerce (graphql-js then produces the exact `Variable "$x" …` errors that Apollo turns into
 *    BAD_USER_INPUT).
 *  - Field-level plugins (`willResolveField`: Apollo's cache control, federated tracing): Apollo wraps the schema's
 *    resolvers, in place, before the first request that needs them reaches the executor; queries compiled before
 *    that are dropped then, so compiled code always calls the resolvers Apollo's plugins see.
 *
 * Not supported on this path (as with any gateway): `rootValue`, `fieldResolver`, `executionOptions` and incremental
 * delivery (@defer/@stream) — none is used by this service.
 *
 * Compiling costs ≈ 0.6 ms per new operation, so compiled queries are kept in a bounded LRU keyed by the document's
 * hash and the operation name; real clients send few distinct operations.
 */
import type { ApolloServerOptionsWithGateway } from '@apollo/server';

/** The gateway interface as @apollo/server itself declares it (no direct dependency on its interface package). */
type GatewayInterface = ApolloServerOptionsWithGateway<object>['gateway'];
type GatewayExecutor = NonNullable<Awaited<ReturnType<GatewayInterface['load']>>['executor']>;
import {
  execute,
  GraphQLError,
  printSchema,
  type ExecutionResult,
  type GraphQLSchema,
  type SourceLocation,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { installGatewayContext } from './gateway-context';

export interface JitExecutorOptions {
  /** Compiled operations kept (least recently used evicted). */
  cacheSize?: number;
  /** Called when an operation falls back to graphql-js (compile failure). */
  onFallback?: (reason: string) => void;
  /**
   * Build Apollo's per-request gateway context without its accessor literal (src/graphql/gateway-context.ts);
   * default true. Called back when this Apollo version does not allow it.
   */
  gatewayContext?: boolean;
  onGatewayContextNotInstalled?: () => void;
}

interface JitError {
  message: string;
  locations?: readonly SourceLocation[];
  path?: ReadonlyArray<string | number>;
  originalError?: Error;
}

/** A graphql-js GraphQLError equivalent of one graphql-jit error (what `locatedError` would have produced). */
export function toGraphQLError(e: JitError): GraphQLError {
  const original = e.originalError;
  // graphql-js: an error that already is a located GraphQLError is passed through unchanged.
  if (original instanceof GraphQLError && original.path) return original;
  const err = new GraphQLError(e.message, {
    path: e.path,
    originalError: original,
    // As graphql-js' locatedError: source and positions of a GraphQLError thrown by a resolver are kept.
    ...(original instanceof GraphQLError && original.source
      ? { source: original.source, positions: original.positions }
      : {}),
  });
  if (!(original instanceof GraphQLError && original.source) && e.locations?.length) {
    // graphql-js derives locations from the field nodes; graphql-jit already computed the same line/column pairs.
    (err as { locations?: readonly SourceLocation[] }).locations = e.locations;
  }
  return err;
}

function normalize(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.length) return result;
  // graphql-jit's own error class inherits GraphQLError.prototype (so `instanceof` is true) but has no `extensions`
  // when the resolver's error had none (a driver error, any plain Error): Apollo's error formatting then throws and
  // answers a bare "Internal server error" without calling formatError (no SERVICE_UNAVAILABLE, no request id, no
  // log line). A real graphql-js GraphQLError always has an `extensions` object.
  return {
    ...result,
    errors: result.errors.map((e) =>
      e instanceof GraphQLError && e.extensions !== undefined ? e : toGraphQLError(e),
    ),
  };
}

/** Bounded LRU of compiled operations (a Map keeps insertion order: re-inserting marks as recently used). */
class CompiledCache {
  private readonly map = new Map<string, CompiledQuery | null>();
  constructor(private readonly max: number) {}
  get(key: string): CompiledQuery | null | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, v: CompiledQuery | null) {
    this.map.set(key, v);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }
  get size() {
    return this.map.size;
  }
}

/**
 * A `gateway` for `new ApolloServer({ gateway })` that serves `schema` and executes with graphql-jit.
 * `compiled` exposes the cache size (tests, metrics).
 */
export function jitGateway(
  schema: GraphQLSchema,
  opts: JitExecutorOptions = {},
): GatewayInterface & { readonly compiledOperations: number } {
  const callbacks = new Set<Parameters<GatewayInterface['onSchemaLoadOrUpdate']>[0]>();
  // Apollo's per-request gateway context, built without an accessor literal (src/graphql/gateway-context.ts).
  if (opts.gatewayContext !== false && !installGatewayContext()) opts.onGatewayContextNotInstalled?.();
  let cache = new CompiledCache(opts.cacheSize ?? 500);
  // Whether Apollo has wrapped the schema's resolvers for field-level plugins (it does so, in place and for good,
  // before the first request that has such a plugin active, e.g. an ftv1-traced one). Queries compiled before that
  // call the unwrapped resolvers, so the cache is emptied once when it happens.
  let wrapped = false;
  const pluginsEnabled = (s: GraphQLSchema) =>
    Object.getOwnPropertySymbols(s).some(
      (sym) =>
        sym.description === 'apolloServerPluginsEnabled' && (s as unknown as Record<symbol, unknown>)[sym],
    );

  const executor: GatewayExecutor = async (rc) => {
    const operationName = rc.operationName ?? undefined;
    const variables = rc.request.variables ?? {};
    // No operation resolved (an unknown operationName, several operations and none named): graphql-js reports it;
    // otherwise Apollo gets a result without errors and answers 500 ("did not resolve an operation").
    // (rc.operationName is the resolved operation's name, null here: the name the client asked for is in rc.request.)
    if (!rc.operation) {
      return normalize(
        (await execute({
          schema: rc.schema,
          document: rc.document,
          contextValue: rc.context,
          variableValues: variables,
          operationName: rc.request.operationName ?? undefined,
        })) as ExecutionResult,
      );
    }
    if (!wrapped && pluginsEnabled(rc.schema)) {
      wrapped = true;
      cache = new CompiledCache(opts.cacheSize ?? 500);
    }
    const key = `${rc.queryHash}\u0000${operationName ?? ''}`;
    let compiled = cache.get(key);
    if (compiled === undefined) {
      const c = compileQuery(rc.schema, rc.document, operationName, { disablingCapturingStackErrors: true });
      if (isCompiledQuery(c)) compiled = c;
      else {
        compiled = null; // remembered: this document always goes to graphql-js
        opts.onFallback?.(c.errors?.map((e) => e.message).join('; ') ?? 'not compiled');
      }
      cache.set(key, compiled);
    }
    const stock = () =>
      execute({
        schema: rc.schema,
        document: rc.document,
        contextValue: rc.context,
        variableValues: variables,
        operationName,
      }) as Promise<ExecutionResult> | ExecutionResult;
    if (compiled === null) return normalize(await stock());
    const result = (await compiled.query(undefined, rc.context, variables)) as ExecutionResult;
    // No `data` at all: the variables did not coerce. graphql-js reports them exactly as stock does.
    if (result.data === undefined && result.errors?.length) return normalize(await stock());
    return normalize(result);
  };

  return {
    onSchemaLoadOrUpdate(callback) {
      callbacks.add(callback);
      return () => callbacks.delete(callback);
    },
    async load() {
      const coreSupergraphSdl = printSchema(schema);
      for (const cb of callbacks) cb({ apiSchema: schema, coreSupergraphSdl });
      return { executor };
    },
    async stop() {},
    get compiledOperations() {
      return cache.size;
    },
  };
}
