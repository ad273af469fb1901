import type { Client } from 'cassandra-driver';
import { CatalogRepository } from './catalog';
import { HistoryRepository } from './history';
import { RecommendationsRepository } from './recommendations';
import { UsersRepository } from './users';

export interface Repositories {
  users: UsersRepository;
  catalog: CatalogRepository;
  history: HistoryRepository;
  recommendations: RecommendationsRepository;
}

/** Repositories are stateless over the shared client: built once per process and injected into every request. */
export function createRepositories(
  client: Client,
  opts: { continueWatchingFinishedPct: number },
): Repositories {
  return {
    users: new UsersRepository(client),
    catalog: new CatalogRepository(client),
    history: new HistoryRepository(client, opts.continueWatchingFinishedPct),
    recommendations: new RecommendationsRepository(client),
  };
}
