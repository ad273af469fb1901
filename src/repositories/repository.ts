import type { Client } from 'cassandra-driver';

/**
 * A repository issues its statements through one client. Repositories are stateless, so `withClient` is a cheap
 * copy over another client — each request binds them to its counting view of the shared client
 * (src/cassandra/session.ts, `bindRepositories`).
 */
export abstract class Repository {
  /** The process-wide instance this one was derived from (itself when not derived): a key for shared caches. */
  readonly origin: Repository = this;

  constructor(protected readonly client: Client) {}

  withClient(client: Client): this {
    const copy = Object.create(Object.getPrototypeOf(this) as object) as this;
    Object.assign(copy, this);
    (copy as unknown as { client: Client }).client = client;
    return copy;
  }
}

/**
 * The process-wide instance behind a (possibly request-bound) repository — the key for state every request must
 * share. Anything that is not a `Repository` (an in-memory stand-in) is its own key.
 */
export function sharedInstance(repo: object): object {
  return repo instanceof Repository ? repo.origin : repo;
}
