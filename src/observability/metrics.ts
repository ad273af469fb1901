import type { Client } from 'cassandra-driver';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus label for requests that never reached a resolved operation (HTTP, parse or validation errors). */
export const NO_OPERATION = '_invalid';
/** Label for anonymous operations. */
export const ANONYMOUS_OPERATION = '_anonymous';
/** Label once MAX_OPERATION_LABELS distinct names were seen: clients choose names, so the label set is bounded. */
export const OTHER_OPERATION = '_other';
export const MAX_OPERATION_LABELS = 200;

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BATCH_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500];

/**
 * The service's Prometheus metrics, in a registry of their own (one per server, so tests can build several servers
 * in one process). Served at `/metrics`.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly operationNames = new Set<string>();
  private client: Client | null = null;

  readonly requests = new Counter({
    name: 'graphql_requests_total',
    help: 'GraphQL HTTP requests, by operation name and HTTP status',
    labelNames: ['operation', 'status'] as const,
    registers: [this.registry],
  });
  readonly requestDuration = new Histogram({
    name: 'graphql_request_duration_seconds',
    help: 'GraphQL request latency (body read to response written), by operation name',
    labelNames: ['operation'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly inFlight = new Gauge({
    name: 'graphql_requests_in_flight',
    help: 'GraphQL requests being handled now',
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'graphql_errors_total',
    help: 'Errors returned to clients, by extensions.code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly deadlineExceeded = new Counter({
    name: 'graphql_request_deadline_exceeded_total',
    help: 'Requests answered with SERVICE_UNAVAILABLE because they ran past REQUEST_DEADLINE_MS',
    registers: [this.registry],
  });
  readonly cqlStatements = new Counter({
    name: 'cql_statements_total',
    help: 'CQL statements (and batches) the service issued, by outcome (retries and speculative executions count once)',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly cqlDuration = new Histogram({
    name: 'cql_statement_duration_seconds',
    help: 'CQL statement latency as the service sees it (including driver retries and speculative executions)',
    labelNames: ['kind'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly cqlDriverErrors = new Counter({
    name: 'cql_driver_errors_total',
    help: 'Errors the driver saw per execution attempt, by kind (unavailable, readTimeout, writeTimeout, clientTimeout, connection, authentication, other)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly cqlRetries = new Counter({
    name: 'cql_driver_retries_total',
    help: 'Executions the driver retried, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly cqlSpeculative = new Counter({
    name: 'cql_speculative_executions_total',
    help: 'Speculative executions the driver started for slow idempotent statements',
    registers: [this.registry],
  });
  readonly batchSize = new Histogram({
    name: 'dataloader_batch_size',
    help: 'Keys per DataLoader batch, by loader',
    labelNames: ['loader'] as const,
    buckets: BATCH_BUCKETS,
    registers: [this.registry],
  });

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    const client = () => this.client;
    new Gauge({
      name: 'cassandra_pool_connected_hosts',
      help: 'Hosts the driver has open connections to',
      registers: [this.registry],
      collect() {
        this.set(client()?.getState().getConnectedHosts().length ?? 0);
      },
    });
    new Gauge({
      name: 'cassandra_hosts_up',
      help: 'Hosts the driver considers up',
      registers: [this.registry],
      collect() {
        this.set(
          client()
            ?.hosts.values()
            .filter((h) => h.isUp()).length ?? 0,
        );
      },
    });
    new Gauge({
      name: 'cassandra_pool_open_connections',
      help: 'Open connections, per host',
      labelNames: ['host'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        const c = client();
        if (!c) return;
        const state = c.getState();
        for (const host of state.getConnectedHosts())
          this.set({ host: host.address }, state.getOpenConnections(host));
      },
    });
    new Gauge({
      name: 'cassandra_pool_in_flight_queries',
      help: 'Queries in flight, per host',
      labelNames: ['host'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        const c = client();
        if (!c) return;
        const state = c.getState();
        for (const host of state.getConnectedHosts())
          this.set({ host: host.address }, state.getInFlightQueries(host));
      },
    });
  }

  /** The driver whose pool state the gauges report (set once the client exists). */
  watchPool(client: Client): void {
    this.client = client;
  }

  /** The operation name as a label value: bounded cardinality, never client-chosen text beyond a GraphQL name. */
  operationLabel(name: string | null, resolved: boolean): string {
    if (!resolved) return NO_OPERATION;
    if (!name) return ANONYMOUS_OPERATION;
    if (this.operationNames.has(name)) return name;
    if (this.operationNames.size >= MAX_OPERATION_LABELS || !/^[_A-Za-z][_0-9A-Za-z]{0,99}$/.test(name)) {
      return OTHER_OPERATION;
    }
    this.operationNames.add(name);
    return name;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
