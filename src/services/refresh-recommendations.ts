import { GraphQLError } from 'graphql';
import pLimit from 'p-limit';
import { notFound } from '../domain/errors';
import type { Recommendation, User } from '../domain/models';
import {
  interactionWeight,
  recommendForUserOnline,
  type ItemMeta,
  type Neighbor,
  type Popularity,
} from '../recommender';
import { popularityFromScores } from '../recommender/popularity';
import type { Repositories } from '../repositories';
import { sharedInstance } from '../repositories/repository';
import type { PublishedModel } from '../repositories/recommender-model';
import { isLiveUser } from './erase';

/** The published model's snapshot, as the online scorer wants it (built once per process per model version). */
interface Snapshot {
  version: string;
  /** One stable array per version: the core caches its catalog index and content vectors per array object. */
  itemMeta: ItemMeta[];
  popularity: Popularity;
  titles: Map<string, string>;
}

export interface RefreshResult {
  user: User;
  recommendations: Recommendation[];
  model: PublishedModel;
  tookMs: number;
}

/** Neighbour lists kept in memory across refreshes (per model version; about 5 KB each). */
const NEIGHBOR_CACHE_ENTRIES = 20_000;
/** Neighbour-list partition reads in flight at once for one refresh. */
const NEIGHBOR_READ_CONCURRENCY = 32;

export const modelNotTrained = () =>
  new GraphQLError(
    'No recommender model has been published yet: run the batch job (npm run recommend) once, then refresh.',
    { extensions: { code: 'FAILED_PRECONDITION', detail: 'MODEL_NOT_TRAINED' } },
  );

/**
 * refreshRecommendations: recomputes one user's list online from the model the batch job persisted — the blend
 * weights (recommender_models), popularity and titles (recommender_model_items, cached per model version) and the
 * neighbour lists of the titles the user touched (content_neighbors, cached) — and the user's current interactions
 * (one partition read), with the same scoring and reason code as the batch job (recommendForUserOnline). The list
 * is written like the job writes it: one atomic partition rewrite, so readers see the old list or the new one.
 * Titles added to the catalog after the model was trained are not in its snapshot: the next batch run adds them.
 */
export class RecommendationRefresher {
  private snapshot: { version: string; promise: Promise<Snapshot> } | null = null;
  private readonly neighbors = new Map<string, readonly Neighbor[]>();

  /**
   * The caches live here; the reads and writes go through the `repos` of the call (a request's view of the shared
   * repositories, see graphql/prefetch.ts), so nothing of one request is kept by the next.
   */
  async refresh(repos: Repositories, userId: string): Promise<RefreshResult> {
    const t0 = performance.now();
    const [user, model] = await Promise.all([repos.users.getById(userId), repos.recommenderModel.current()]);
    if (!isLiveUser(user)) throw notFound(`No user has the id ${userId}.`, { argument: 'userId' });
    if (!model) throw modelNotTrained();
    const [snapshot, rows] = await Promise.all([
      this.snapshotOf(repos, model),
      repos.trainingData.interactionsOf(userId),
    ]);
    const touched = rows.filter((r) => interactionWeight(r) !== 0).map((r) => r.contentId);
    const lists = await this.neighborListsOf(repos, model.version, touched);
    const recs = recommendForUserOnline(
      rows,
      lists,
      snapshot.popularity,
      snapshot.itemMeta,
      { userId, preferredGenres: user.preferredGenres },
      { weights: model.weights, n: model.listSize },
    );
    const generatedAt = new Date();
    const recommendations: Recommendation[] = recs.map((r) => ({
      userId,
      rank: r.rank,
      contentId: r.contentId,
      title: snapshot.titles.get(r.contentId) ?? '',
      score: r.score,
      reason: r.reason,
      generatedAt,
    }));
    await repos.recommendations.replaceList(
      userId,
      recommendations.map((r) => ({
        contentId: r.contentId,
        title: r.title,
        score: r.score,
        reason: r.reason,
      })),
      generatedAt,
    );
    return { user, recommendations, model, tookMs: performance.now() - t0 };
  }

  /** The snapshot of the current version: loaded once (concurrent refreshes share the load), replaced on a new version. */
  private snapshotOf(repos: Repositories, model: PublishedModel): Promise<Snapshot> {
    if (this.snapshot?.version !== model.version) {
      const promise = this.loadSnapshot(repos, model);
      this.snapshot = { version: model.version, promise };
      this.neighbors.clear(); // lists of the previous model: the new run rewrote them
      promise.catch(() => {
        if (this.snapshot?.promise === promise) this.snapshot = null; // a failed load is retried by the next refresh
      });
    }
    return this.snapshot!.promise;
  }

  private async loadSnapshot(repos: Repositories, model: PublishedModel): Promise<Snapshot> {
    const items = await repos.recommenderModel.readSnapshot(model.version, model.buckets);
    const itemMeta: ItemMeta[] = items.map((it) => ({
      contentId: it.contentId,
      title: it.title,
      genre: it.genre,
      tags: it.tags,
    }));
    const popularity = popularityFromScores(
      items.map((it) => it.contentId),
      itemMeta,
      Float64Array.from(items, (it) => it.popularity),
    );
    return {
      version: model.version,
      itemMeta,
      popularity,
      titles: new Map(items.map((it) => [it.contentId, it.title])),
    };
  }

  /** Neighbour lists of the given titles: from the cache, the rest by parallel single-partition reads. */
  private async neighborListsOf(
    repos: Repositories,
    version: string,
    contentIds: string[],
  ): Promise<Map<string, readonly Neighbor[]>> {
    const out = new Map<string, readonly Neighbor[]>();
    const missing: string[] = [];
    for (const id of contentIds) {
      const hit = this.neighbors.get(id);
      if (hit) {
        // Re-insert: a Map iterates in insertion order, so the first key is the least recently used.
        this.neighbors.delete(id);
        this.neighbors.set(id, hit);
        out.set(id, hit);
      } else missing.push(id);
    }
    const limit = pLimit(NEIGHBOR_READ_CONCURRENCY);
    await Promise.all(
      missing.map((id) =>
        limit(async () => {
          const list = await repos.recommenderModel.neighborsOf(id);
          out.set(id, list);
          if (this.snapshot?.version !== version) return; // a newer model arrived meanwhile: do not cache
          this.neighbors.set(id, list);
          if (this.neighbors.size > NEIGHBOR_CACHE_ENTRIES)
            this.neighbors.delete(this.neighbors.keys().next().value as string);
        }),
      ),
    );
    return out;
  }
}

/**
 * One refresher (one set of caches) per process / per test app, shared by all requests: keyed by the shared model
 * repository — a request's `repos` is its own view of the shared repositories (bound to its counting client,
 * src/context.ts), whose `origin` is the process-wide instance.
 */
const instances = new WeakMap<object, RecommendationRefresher>();

function refresherFor(repos: Repositories): RecommendationRefresher {
  const key = sharedInstance(repos.recommenderModel);
  let r = instances.get(key);
  if (!r) {
    r = new RecommendationRefresher();
    instances.set(key, r);
  }
  return r;
}

/** refreshRecommendations(userId): see RecommendationRefresher. */
export function refreshRecommendations(repos: Repositories, userId: string): Promise<RefreshResult> {
  return refresherFor(repos).refresh(repos, userId);
}

/**
 * REFRESH_ON_WATCH: after recordWatch has written the session, recompute the viewer's list so the watch shows up in
 * forYou at once. Best effort: the session is recorded either way, so a failure here (or no model yet) is logged and
 * never fails the mutation.
 */
export async function refreshAfterWatch(
  deps: { repos: Repositories; log: { warn(obj: object, msg: string): void }; requestId?: string },
  userId: string,
): Promise<void> {
  try {
    await refreshRecommendations(deps.repos, userId);
  } catch (err) {
    const code = err instanceof GraphQLError ? err.extensions?.code : undefined;
    if (code !== 'FAILED_PRECONDITION')
      deps.log.warn({ requestId: deps.requestId, err, userId }, 'refresh on watch failed');
  }
}
