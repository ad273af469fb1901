import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What the service knows about the request being handled, wherever it is in the call stack: the HTTP handler opens
 * the scope, the GraphQL plugin fills in the operation, the instrumented Cassandra client counts statements into it,
 * the logger stamps `requestId` on every line and error formatting adds it to every error.
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

export const requestScope = new AsyncLocalStorage<RequestScope>();

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

export function currentScope(): RequestScope | undefined {
  return requestScope.getStore();
}

/** Seconds since the scope opened. */
export function elapsedSeconds(scope: RequestScope): number {
  return Number(process.hrtime.bigint() - scope.startedAt) / 1e9;
}
