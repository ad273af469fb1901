/**
 * What the service knows about the request being handled. The HTTP handler opens the scope and hands it on
 * explicitly: into the GraphQL context (`ctx.scope`), where the Apollo plugin fills in the operation and logs errors
 * under its id, and into the request's counting view of the Cassandra client (src/cassandra/session.ts), which
 * counts the statements the request's resolvers issue. The HTTP handler adds its id to every error sent.
 *
 * Deliberately not an AsyncLocalStorage: on Node 20 an active AsyncLocalStorage runs a promise hook for every promise
 * the process creates — the driver, DataLoader and graphql-jit create thousands per home screen — and measured
 * (bench/inprocess.ts, interleaved) that cost ≈ 20 % of the server's CPU per home screen.
 *
 * Authentication adds the viewer here (e.g. `viewerId`) — never an e-mail or a token: the scope ends up in logs.
 */
export interface RequestScope {
  readonly requestId: string;
  /** process.hrtime.bigint() when the request arrived. */
  readonly startedAt: bigint;
  /** The operation's name once Apollo resolved it; null for anonymous operations or requests that never got there. */
  operationName: string | null;
  /** query | mutation | subscription, once resolved. */
  operationType: string | null;
  /** CQL statements the request's resolvers issued (logical requests: retries and speculative executions count once). */
  statements: number;
  /** Of those, how many ended in an error. */
  statementErrors: number;
  /** The `extensions.code` of every error the client received. */
  errorCodes: string[];
}

export function newRequestScope(requestId: string): RequestScope {
  return {
    requestId,
    startedAt: process.hrtime.bigint(),
    operationName: null,
    operationType: null,
    statements: 0,
    statementErrors: 0,
    errorCodes: [],
  };
}

/** Seconds since the scope opened. */
export function elapsedSeconds(scope: RequestScope): number {
  return Number(process.hrtime.bigint() - scope.startedAt) / 1e9;
}
