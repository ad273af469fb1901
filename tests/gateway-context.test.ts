/**
 * The gateway request context (src/graphql/gateway-context.ts): Apollo's pipeline builds it with our function once the
 * graphql-jit gateway exists, and it is the object Apollo's own function builds — same fields, same values, a `status`
 * that reads and writes the response's status — only without an object literal with accessors.
 */
import { ApolloServer, HeaderMap } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import {
  apolloGatewayContextModule,
  FetcherHeadersForHeaderMap,
  installGatewayContext,
  makeGatewayGraphQLRequestContext,
} from '../src/graphql/gateway-context';
import { jitGateway } from '../src/graphql/jit-executor';

// Apollo's own function, taken before anything replaces it (jest gives each test file a fresh module registry). The
// pipeline test runs first: nothing but jitGateway installs the replacement before it.
const apollos = apolloGatewayContextModule()!.makeGatewayGraphQLRequestContext!;

function sampleRequestContext() {
  const requestHeaders = new HeaderMap([
    ['content-type', 'application/json'],
    ['x-trace', 'abc'],
  ]);
  return {
    request: {
      query: '{ ping }',
      operationName: 'Ping',
      variables: { a: 1 },
      extensions: { e: true },
      http: { method: 'POST', search: 'x=1', headers: requestHeaders },
    },
    response: { http: { status: undefined as number | undefined, headers: new HeaderMap() } },
    schema: { s: 1 },
    contextValue: { viewer: 'v' },
    queryHash: 'hash',
    document: { kind: 'Document' },
    source: '{ ping }',
    operationName: 'Ping',
    operation: { kind: 'OperationDefinition' },
    errors: undefined,
    metrics: { m: 1 },
    overallCachePolicy: { maxAge: 0 },
    requestIsBatched: false,
  };
}
const server = { logger: { l: 1 }, cache: { c: 1 } };
const internals = { includeStacktraceInErrorResponses: false };

/** Every field of a gateway context as plain data (headers as entry lists, `status` read through the object). */
function plain(ctx: unknown): unknown {
  const c = ctx as Record<string, unknown> & {
    request: { http?: { headers: Iterable<[string, string]> } & Record<string, unknown> };
    response: { http: { status?: number; headers: Iterable<[string, string]> } };
  };
  return {
    ...c,
    request: {
      ...c.request,
      ...(c.request.http ? { http: { ...c.request.http, headers: [...c.request.http.headers] } } : {}),
    },
    response: { http: { status: c.response.http.status, headers: [...c.response.http.headers] } },
  };
}

describe('the gateway request context', () => {
  it('when the jit gateway serves a request, then Apollo’s pipeline built its context with our function', async () => {
    const schema = buildSubgraphSchema([
      { typeDefs: parse('type Query { ping: String }'), resolvers: { Query: { ping: () => 'pong' } } },
    ]);
    const gateway = jitGateway(schema);
    // Observe the context the executor receives: wrap the executor the gateway hands Apollo.
    const seen: unknown[] = [];
    const load = gateway.load.bind(gateway);
    gateway.load = async (opts) => {
      const loaded = await load(opts);
      return {
        executor: async (rc) => {
          seen.push(rc.response?.http);
          return loaded.executor!(rc);
        },
      };
    };
    const apollo = new ApolloServer({ gateway });
    await apollo.start();
    try {
      const res = await apollo.executeOperation({ query: '{ ping }' });
      expect(res.body.kind === 'single' && res.body.singleResult.data).toEqual({ ping: 'pong' });
      expect(seen).toHaveLength(1);
      expect(Object.getOwnPropertyDescriptor(seen[0] as object, 'status')).toBeUndefined();
      expect(apolloGatewayContextModule()!.makeGatewayGraphQLRequestContext).toBe(
        makeGatewayGraphQLRequestContext,
      );
    } finally {
      await apollo.stop();
    }
  });

  it('when built for a request, then it holds what Apollo’s own function holds, field by field', () => {
    const rc = sampleRequestContext();
    const ours = makeGatewayGraphQLRequestContext(rc, server, internals);
    const theirs = apollos(rc, server, internals);
    expect(plain(ours)).toEqual(plain(theirs));
    expect(Object.keys(ours as object)).toEqual(Object.keys(theirs as object));
  });

  it('when the executor sets response.http.status, then the request’s response gets it (and reads it back)', () => {
    const rc = sampleRequestContext();
    const ctx = makeGatewayGraphQLRequestContext(rc, server, internals) as {
      response: { http: { status?: number } };
    };
    ctx.response.http.status = 418;
    expect(rc.response.http.status).toBe(418);
    rc.response.http.status = 204;
    expect(ctx.response.http.status).toBe(204);
  });

  it('when the executor appends a response header, then it lands in the response’s HeaderMap', () => {
    const rc = sampleRequestContext();
    const ctx = makeGatewayGraphQLRequestContext(rc, server, internals) as {
      response: { http: { headers: FetcherHeadersForHeaderMap } };
    };
    ctx.response.http.headers.append('vary', 'accept');
    ctx.response.http.headers.append('vary', 'origin');
    expect(rc.response.http.headers.get('vary')).toBe('accept, origin');
  });

  it('when built, then response.http has no accessor of its own (the accessors live on its class)', () => {
    const ctx = makeGatewayGraphQLRequestContext(sampleRequestContext(), server, internals) as {
      response: { http: object };
    };
    expect(Object.getOwnPropertyDescriptor(ctx.response.http, 'status')).toBeUndefined();
  });

  it('when installed twice, then it stays installed', () => {
    expect(installGatewayContext()).toBe(true);
    expect(installGatewayContext()).toBe(true);
    expect(apolloGatewayContextModule()!.makeGatewayGraphQLRequestContext).toBe(
      makeGatewayGraphQLRequestContext,
    );
  });
});
