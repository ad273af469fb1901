import type { Client } from 'cassandra-driver';
import { CatalogRepository } from './catalog';
import { CopiesRepository } from './copies';
import { ErasureRepository } from './erasure';
import { HistoryRepository } from './history';
import { CopyJobsRepository } from './jobs';
import { RatingsRepository } from './ratings';
import { RecommendationsRepository } from './recommendations';
import { RecommenderModelRepository } from './recommender-model';
import { TrainingDataRepository } from './training-data';
import { UsersRepository } from './users';
import { Repository } from './repository';

export interface Repositories {
  users: UsersRepository;
  catalog: CatalogRepository;
  history: HistoryRepository;
  recommendations: RecommendationsRepository;
  /** ratings_by_content: per-user ratings and the exact per-title aggregate (conditional batches). */
  ratings: RatingsRepository;
  /** content_copy_jobs: resumable rename fan-outs. */
  copyJobs: CopyJobsRepository;
  /** Token-range scans and repairs of the tables that copy titles (drift report, repair). */
  copies: CopiesRepository;
  /** user_erasures and the deletions of deleteUser. */
  erasure: ErasureRepository;
  /** The recommender's persisted model: content_neighbors, the published model snapshot, job runs, embeddings + ANN. */
  recommenderModel: RecommenderModelRepository;
  /** What the recommender trains on: token-range scans of interactions, catalog and users; one user's interactions. */
  trainingData: TrainingDataRepository;
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
    ratings: new RatingsRepository(client),
    copyJobs: new CopyJobsRepository(client),
    copies: new CopiesRepository(client),
    erasure: new ErasureRepository(client),
    recommenderModel: new RecommenderModelRepository(client),
    trainingData: new TrainingDataRepository(client),
  };
}

/**
 * The same repositories over another client (a request's counting view of the shared one). Anything that is not a
 * `Repository` (in-memory stand-ins of tests and the benchmark) is kept as it is.
 */
export function bindRepositories(repos: Repositories, client: Client): Repositories {
  const out: Record<string, unknown> = {};
  for (const [name, repo] of Object.entries(repos)) {
    out[name] = repo instanceof Repository ? repo.withClient(client) : repo;
  }
  return out as unknown as Repositories;
}
