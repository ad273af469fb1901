import crypto from 'node:crypto';
import type http from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Client } from 'cassandra-driver';
import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import type { Config } from '../config';
import { CQL_DIR } from '../cassandra/connect';
import { latestAppliedVersion, readMigrations } from '../cassandra/migrations';
import type { Logger } from '../logger';
import { instrumentClient } from '../observability/cql';
import { Metrics } from '../observability/metrics';
import { elapsedSeconds, newRequestScope, type RequestScope } from '../observability/request-scope';

/** A client-supplied `x-request-id` is kept when it looks like an id (so a gateway's id follows the request). */
const REQUEST_ID = /^[\w-]{1,64}$/;
/** How long `/ready` waits for Cassandra before answering 503. */
export const READY_CHECK_TIMEOUT_MS = 2_000;

export interface OperationsDeps {
  config: Config;
  log: Logger;
  /** The driver: /ready, pool gauges and statement counting need it. Absent in HTTP-only tests. */
  client?: Client;
  metrics?: Metrics;
}

/**
 * Everything operations-related around the GraphQL server, kept out of server.ts: the per-request scope (request id,
 * operation, statement count), the request log line, Prometheus metrics, `/health` `/ready` `/metrics`, the request
 * deadline and the draining state during shutdown.
 */
export class Operations {
  readonly metrics: Metrics;
  private draining = false;
  private readonly expectedMigration: string | null;
  private inFlightCount = 0;
  /** Responses not yet finished: told to close their connection when draining starts. */
  private readonly open = new Set<http.ServerResponse>();

  constructor(private readonly deps: OperationsDeps) {
    this.metrics = deps.metrics ?? new Metrics();
    if (deps.client) {
      instrumentClient(deps.client, this.metrics);
      this.metrics.watchPool(deps.client);
    }
    const migrations = readMigrations(CQL_DIR);
    this.expectedMigration = migrations.length ? migrations[migrations.length - 1].version : null;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  /** From now on: `/ready` answers 503 and every response closes its connection. */
  startDraining(): void {
    this.draining = true;
    for (const res of this.open) if (!res.headersSent) res.setHeader('connection', 'close');
  }

  /**
   * Opens one HTTP request's scope and hands it to `handle`: assigns the request id (echoed as `x-request-id`),
   * counts the request, and writes one JSON log line when the response is done.
   */
  track(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    handle: (scope: RequestScope) => Promise<void>,
  ): Promise<void> {
    const header = req.headers['x-request-id'];
    const requestId = typeof header === 'string' && REQUEST_ID.test(header) ? header : crypto.randomUUID();
    const scope = newRequestScope(requestId);
    const path = (req.url ?? '/').split('?')[0];
    const isGraphQL = path === '/graphql';
    res.setHeader('x-request-id', requestId);
    if (this.draining) res.setHeader('connection', 'close');
    if (isGraphQL) {
      this.inFlightCount += 1;
      this.metrics.inFlight.inc();
    }
    let finished = false;
    this.open.add(res);
    const finish = () => {
      if (finished) return;
      finished = true;
      this.open.delete(res);
      if (isGraphQL) {
        this.inFlightCount -= 1;
        this.metrics.inFlight.dec();
      }
      this.logAndCount(req, res, path, scope, isGraphQL);
    };
    res.once('finish', finish);
    res.once('close', finish);
    return handle(scope);
  }

  private logAndCount(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    path: string,
    scope: RequestScope,
    isGraphQL: boolean,
  ): void {
    const seconds = elapsedSeconds(scope);
    const status = res.writableFinished ? res.statusCode : 0; // 0: the client went away before the answer
    if (isGraphQL) {
      const operation = this.metrics.operationLabel(scope.operationName, scope.operationType !== null);
      this.metrics.requests.inc({ operation, status: String(status) });
      this.metrics.requestDuration.observe({ operation }, seconds);
      for (const code of scope.errorCodes) this.metrics.errors.inc({ code });
    }
    // One line per request. Never the query text, variables, headers or bodies: they can hold e-mails and tokens.
    const line = {
      requestId: scope.requestId,
      method: req.method,
      path,
      status,
      operationName: scope.operationName,
      operationType: scope.operationType,
      durationMs: Math.round(seconds * 1e4) / 10,
      statements: scope.statements,
      statementErrors: scope.statementErrors,
      ...(scope.errorCodes.length ? { errors: scope.errorCodes } : {}),
    };
    if (isGraphQL) this.deps.log.info(line, 'request');
    else this.deps.log.debug(line, 'request');
  }

  /**
   * Apollo plugin: records the resolved operation in the request's scope and hands every error the request met to
   * `onErrors` with the scope (the errors are logged under the request's id there).
   */
  plugin(
    onErrors?: (errors: readonly GraphQLError[], scope: RequestScope) => void,
  ): ApolloServerPlugin<{ scope: RequestScope }> {
    return {
      async requestDidStart() {
        return {
          async didResolveOperation({ operationName, operation, contextValue }) {
            contextValue.scope.operationName = operationName ?? null;
            contextValue.scope.operationType = operation?.operation ?? null;
          },
          async didEncounterErrors({ errors, contextValue }) {
            onErrors?.(errors, contextValue.scope);
          },
        };
      },
    };
  }

  /**
   * A GraphQL response body as the client gets it: every error carries the request id (the one in the log line and
   * `x-request-id`), and the codes are recorded for the log line and the error metric. Apollo writes `errors` first,
   * so a body without errors is returned untouched, unparsed.
   */
  stampErrors(body: string, scope: RequestScope): string {
    if (!body.startsWith('{"errors":')) return body;
    const parsed = JSON.parse(body) as { errors?: GraphQLFormattedError[] };
    if (!Array.isArray(parsed.errors)) return body;
    parsed.errors = parsed.errors.map((e) => ({
      ...e,
      extensions: errorExtensions(String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'), scope, e.extensions),
    }));
    return JSON.stringify(parsed) + (body.endsWith('\n') ? '\n' : '');
  }

  /**
   * Resolves with the promise's value, or with null once `ms` passed (the work goes on in the background; the
   * driver's own timeouts end it).
   */
  async withDeadline<T>(work: Promise<T>, ms = this.deps.config.requestDeadlineMs): Promise<T | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), ms);
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The answer to a request that ran past the deadline: a retryable SERVICE_UNAVAILABLE, never a hang. */
  sendDeadlineExceeded(res: http.ServerResponse, scope: RequestScope): void {
    this.metrics.deadlineExceeded.inc();
    this.deps.log.warn(
      { requestId: scope.requestId, deadlineMs: this.deps.config.requestDeadlineMs },
      'request deadline exceeded',
    );
    sendJsonError(
      res,
      scope,
      503,
      'The request took too long; the database may be temporarily unavailable. Retry shortly.',
      'SERVICE_UNAVAILABLE',
      { retryable: true },
      { 'retry-after': '1' },
    );
  }

  /** `/health`, `/ready`, `/metrics`; false for any other path. */
  async serve(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): Promise<boolean> {
    if (pathname === '/health') {
      sendJson(res, 200, { status: 'ok' });
      return true;
    }
    if (pathname === '/ready') {
      const r = await this.readiness();
      sendJson(res, r.ready ? 200 : 503, r.body);
      return true;
    }
    if (pathname === '/metrics') {
      const text = await this.metrics.text();
      if (!res.headersSent) {
        res.writeHead(200, { 'content-type': this.metrics.contentType });
        res.end(text);
      }
      return true;
    }
    return false;
  }

  /** Ready = not draining, Cassandra answers, and the keyspace has the newest migration this build ships. */
  async readiness(): Promise<{ ready: boolean; body: Record<string, unknown> }> {
    if (this.draining) return { ready: false, body: { status: 'draining' } };
    const client = this.deps.client;
    if (!client) return { ready: false, body: { status: 'unavailable', reason: 'no database client' } };
    const keyspace = this.deps.config.cassandra.keyspace;
    try {
      const applied = await this.withDeadline(latestAppliedVersion(client, keyspace), READY_CHECK_TIMEOUT_MS);
      if (applied === null) {
        return { ready: false, body: { status: 'unavailable', reason: 'Cassandra did not answer in time' } };
      }
      if (applied !== this.expectedMigration) {
        return {
          ready: false,
          body: {
            status: 'unavailable',
            reason: 'schema not at the latest migration',
            migration: applied,
            expectedMigration: this.expectedMigration,
          },
        };
      }
      return { ready: true, body: { status: 'ready', migration: applied } };
    } catch (err) {
      this.deps.log.warn({ err }, 'readiness check failed');
      return { ready: false, body: { status: 'unavailable', reason: 'Cassandra unreachable' } };
    }
  }
}

/** `extensions` for an error sent to the client: its code, the request id, and the code recorded for metrics. */
export function errorExtensions(
  code: string,
  scope: RequestScope,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  scope.errorCodes.push(code);
  return { ...extra, code, requestId: scope.requestId };
}

export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** A GraphQL-shaped error answer for failures before (or instead of) GraphQL execution. */
export function sendJsonError(
  res: http.ServerResponse,
  scope: RequestScope,
  status: number,
  message: string,
  code: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  sendJson(res, status, { errors: [{ message, extensions: errorExtensions(code, scope, extra) }] }, headers);
}
