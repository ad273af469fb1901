import { types } from 'cassandra-driver';
import type { Content, ContentType } from '../domain/models';
import type { BlendWeights, Neighbor } from '../recommender/types';
import { micros } from './history';
import { IDEMPOTENT_WRITE, numOrNull, READ, setToArray, str, uuid, uuidStr } from './rows';
import { Repository } from './repository';

/** The model name the batch job publishes and refreshRecommendations reads. */
export const DEFAULT_MODEL = 'default';
/** Titles per recommender_model_items partition. */
export const SNAPSHOT_BUCKET_SIZE = 1000;
/** Rows per single-partition batch when a snapshot bucket is written (keeps each batch far below 50 KiB). */
const SNAPSHOT_BATCH_ROWS = 100;
/**
 * Vector writes in flight at once: Cassandra 5.0's vector index rejects writes beyond a pool of about one per core
 * ("Number of outstanding pooled objects has gone beyond the limit"), so embeddings are written nearly serially.
 */
export const EMBEDDING_WRITE_CONCURRENCY = 2;
/** The job's partition of recommender_runs. */
const JOB = 'recommend';

/** The current model's pointer row (recommender_models). */
export interface PublishedModel {
  name: string;
  /** A timeuuid: the run that trained it; also the snapshot's partition key. */
  version: string;
  buckets: number;
  weights: BlendWeights;
  collaborativeKind: string;
  listSize: number;
  titles: number;
  trainedAt: Date;
}

/** One title of a model snapshot (recommender_model_items), in popularity order. */
export interface SnapshotItem {
  contentId: string;
  title: string;
  genre: string;
  tags: string[];
  popularity: number;
}

export type RunStatus = 'running' | 'finished' | 'failed';

export interface RunRecord {
  runId: string;
  status: RunStatus;
  /** The options that shape the run's output, as JSON (list size, similar users, neighbours…). */
  options: string;
  chunks: number;
  phasesDone: string[];
  startedAt: Date | null;
}

const CONTENT_COLUMNS =
  'content_id, title, content_type, genre, release_year, rating_avg, rating_count, tags, external_id';

function toContent(r: types.Row): Content {
  return {
    id: uuidStr(r.content_id),
    title: str(r.title),
    contentType: (r.content_type ?? 'MOVIE') as ContentType,
    genre: str(r.genre),
    releaseYear: numOrNull(r.release_year),
    ratingAvg: r.rating_count ? numOrNull(r.rating_avg) : null,
    ratingCount: Number(r.rating_count ?? 0),
    tags: setToArray(r.tags),
    externalId: r.external_id ?? null,
  };
}

/**
 * The recommender's model family: content_neighbors (the persisted item-item model), recommender_models and
 * recommender_model_items (the published model an online refresh scores with), recommender_runs and
 * recommender_run_chunks (the batch job's checkpoints), and the embedding column of content with its ANN index.
 * The embedding lives on the content row because the SAI vector index must be on the table whose rows it returns;
 * it is written and read only here, so catalog reads never carry 32 floats they do not need.
 */
export class RecommenderModelRepository extends Repository {
  // ---------------------------------------------------------------- content_neighbors

  /**
   * Replaces a title's neighbour list: a partition delete (at t−1) and the new rows (at t) in one single-partition
   * batch, which applies atomically and in isolation, so an online refresh reads the old list or the new one and no
   * rank of a longer old list survives. An empty list just clears the partition.
   */
  async replaceNeighbors(contentId: string, neighbors: readonly Neighbor[], at = new Date()): Promise<void> {
    const id = uuid(contentId);
    const t = micros(at);
    const queries: Array<{ query: string; params: unknown[] }> = [
      {
        query: 'DELETE FROM content_neighbors USING TIMESTAMP ? WHERE content_id = ?',
        params: [t.subtract(1), id],
      },
    ];
    neighbors.forEach((n, i) =>
      queries.push({
        query:
          'INSERT INTO content_neighbors (content_id, rank, neighbor_id, weight) VALUES (?, ?, ?, ?) USING TIMESTAMP ?',
        params: [id, i + 1, uuid(n.contentId), n.weight, t],
      }),
    );
    await this.client.batch(queries, { prepare: true, logged: false, isIdempotent: true });
  }

  /** A title's neighbour list, strongest first (one partition read, bounded by the list length). */
  async neighborsOf(contentId: string): Promise<Neighbor[]> {
    const rs = await this.client.execute(
      'SELECT neighbor_id, weight FROM content_neighbors WHERE content_id = ?',
      [uuid(contentId)],
      { ...READ, fetchSize: 1000 },
    );
    return rs.rows.map((r) => ({ contentId: uuidStr(r.neighbor_id), weight: Number(r.weight) }));
  }

  // ---------------------------------------------------------------- published model

  /** The current model of a name, or null before the first publish (one single-row read). */
  async current(name = DEFAULT_MODEL): Promise<PublishedModel | null> {
    const rs = await this.client.execute(
      'SELECT name, version, buckets, weight_collaborative, weight_content, weight_popularity, collaborative_kind, list_size, titles, trained_at FROM recommender_models WHERE name = ?',
      [name],
      READ,
    );
    const r = rs.first();
    if (!r || !r.version) return null;
    return {
      name,
      version: r.version.toString(),
      buckets: Number(r.buckets ?? 0),
      weights: {
        collaborative: Number(r.weight_collaborative ?? 0),
        content: Number(r.weight_content ?? 0),
        popularity: Number(r.weight_popularity ?? 0),
      },
      collaborativeKind: str(r.collaborative_kind),
      listSize: Number(r.list_size ?? 50),
      titles: Number(r.titles ?? 0),
      trainedAt: (r.trained_at as Date | null) ?? new Date(0),
    };
  }

  /**
   * Makes `model` current. The snapshot it names must be fully written first. The version it replaces is kept as
   * `previous_version` (a server may be loading it right now); the one before that is deleted here.
   */
  async publish(model: PublishedModel): Promise<void> {
    const rs = await this.client.execute(
      'SELECT version, buckets, previous_version, previous_buckets FROM recommender_models WHERE name = ?',
      [model.name],
      READ,
    );
    const old = rs.first();
    const oldVersion = old?.version ? old.version.toString() : null;
    const republish = oldVersion === model.version; // a resumed run publishing its own version again
    // What becomes previous_version: the version replaced now (a server may still be loading it), or, on a
    // re-publish of the same version, the previous one it already had.
    const keep = republish
      ? { version: old?.previous_version?.toString() ?? null, buckets: numOrNull(old?.previous_buckets) }
      : { version: oldVersion, buckets: numOrNull(old?.buckets) };
    await this.client.execute(
      'INSERT INTO recommender_models (name, version, buckets, previous_version, previous_buckets, weight_collaborative, weight_content, weight_popularity, collaborative_kind, list_size, titles, trained_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [
        model.name,
        types.TimeUuid.fromString(model.version),
        model.buckets,
        keep.version ? types.TimeUuid.fromString(keep.version) : null,
        keep.version ? keep.buckets : null,
        model.weights.collaborative,
        model.weights.content,
        model.weights.popularity,
        model.collaborativeKind,
        model.listSize,
        model.titles,
        model.trainedAt,
      ],
      IDEMPOTENT_WRITE,
    );
    // The version two publishes back: nobody can be loading it any more.
    const stale = !republish && old?.previous_version ? old.previous_version.toString() : null;
    if (stale && stale !== model.version)
      await this.deleteSnapshot(stale, Number(old?.previous_buckets ?? 0));
  }

  /** Writes a version's snapshot: `items` in popularity order, 1,000 per partition, 100 rows per batch. */
  async writeSnapshot(version: string, items: readonly SnapshotItem[], concurrency = 16): Promise<number> {
    const v = types.TimeUuid.fromString(version);
    const batches: Array<Array<{ query: string; params: unknown[] }>> = [];
    for (let start = 0; start < items.length; start += SNAPSHOT_BATCH_ROWS) {
      const batch: Array<{ query: string; params: unknown[] }> = [];
      // A batch never crosses a bucket boundary (SNAPSHOT_BUCKET_SIZE is a multiple of SNAPSHOT_BATCH_ROWS), so it is
      // a single-partition batch.
      for (let p = start; p < Math.min(items.length, start + SNAPSHOT_BATCH_ROWS); p++) {
        const it = items[p];
        batch.push({
          query:
            'INSERT INTO recommender_model_items (version, bucket, position, content_id, title, genre, tags, popularity) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          params: [
            v,
            Math.floor(p / SNAPSHOT_BUCKET_SIZE),
            p,
            uuid(it.contentId),
            it.title,
            it.genre,
            it.tags,
            it.popularity,
          ],
        });
      }
      batches.push(batch);
    }
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const b = batches[next++];
        await this.client.batch(b, { prepare: true, logged: false, isIdempotent: true });
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
    return Math.ceil(items.length / SNAPSHOT_BUCKET_SIZE);
  }

  /** A version's whole snapshot in popularity order: every bucket partition read in parallel, each paged. */
  async readSnapshot(version: string, buckets: number): Promise<SnapshotItem[]> {
    const v = types.TimeUuid.fromString(version);
    const parts = await Promise.all(
      Array.from({ length: buckets }, async (_, bucket) => {
        const out: SnapshotItem[] = [];
        let pageState: string | undefined;
        do {
          const rs = await this.client.execute(
            'SELECT content_id, title, genre, tags, popularity FROM recommender_model_items WHERE version = ? AND bucket = ?',
            [v, bucket],
            { ...READ, fetchSize: SNAPSHOT_BUCKET_SIZE, pageState },
          );
          for (const r of rs.rows) {
            out.push({
              contentId: uuidStr(r.content_id),
              title: str(r.title),
              genre: str(r.genre),
              tags: setToArray(r.tags),
              popularity: Number(r.popularity ?? 0),
            });
          }
          pageState = rs.pageState ?? undefined;
        } while (pageState);
        return out;
      }),
    );
    return parts.flat();
  }

  async deleteSnapshot(version: string, buckets: number): Promise<void> {
    const v = types.TimeUuid.fromString(version);
    for (let bucket = 0; bucket < buckets; bucket++) {
      await this.client.execute(
        'DELETE FROM recommender_model_items WHERE version = ? AND bucket = ?',
        [v, bucket],
        IDEMPOTENT_WRITE,
      );
    }
  }

  // ---------------------------------------------------------------- embeddings (content.embedding + ANN)

  /**
   * Sets a title's embedding. Only ever called for titles the job read from the catalog, so the UPDATE never creates
   * a row that has nothing but an embedding.
   */
  async writeEmbedding(contentId: string, vector: Float32Array): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.execute(
          'UPDATE content SET embedding = ? WHERE content_id = ?',
          [new types.Vector(vector, 'float'), uuid(contentId)],
          IDEMPOTENT_WRITE,
        );
        return;
      } catch (err) {
        // Cassandra 5.0's vector index (jvector) builds its in-memory graph with a small per-node pool of workers
        // (about one per core) and fails a write outright with a server error when more vector writes arrive at
        // once. The caller keeps vector writes at low concurrency (EMBEDDING_WRITE_CONCURRENCY); a write that still
        // collides is retried after a short pause (the UPDATE is idempotent).
        const code = (err as { code?: number }).code;
        if (code !== types.responseErrorCodes.serverError || attempt >= 8) throw err;
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
      }
    }
  }

  /** A title's embedding, or null when the job has not written one (one single-row read). */
  async embeddingOf(contentId: string): Promise<Float32Array | null> {
    const rs = await this.client.execute(
      'SELECT embedding FROM content WHERE content_id = ?',
      [uuid(contentId)],
      READ,
    );
    const v = rs.first()?.embedding as Iterable<number> | null | undefined;
    return v ? Float32Array.from(v) : null;
  }

  /**
   * The titles whose embeddings are closest (cosine, the index's similarity function) to `vector`, closest first.
   * The ANN query is the other documented exception to "bind the partition key": the SAI vector index
   * (cql/006) answers it from every node's index with a LIMIT, never a scan.
   */
  async nearestTitles(vector: Float32Array, limit: number): Promise<Content[]> {
    const rs = await this.client.execute(
      `SELECT ${CONTENT_COLUMNS} FROM content ORDER BY embedding ANN OF ? LIMIT ?`,
      [new types.Vector(vector, 'float'), limit],
      READ,
    );
    return rs.rows.map(toContent);
  }

  // ---------------------------------------------------------------- runs and checkpoints

  /** The job's most recent runs, newest first (one partition read, bounded by `limit`). */
  async recentRuns(limit = 20): Promise<RunRecord[]> {
    const rs = await this.client.execute(
      'SELECT run_id, status, options, chunks, phases_done, started_at FROM recommender_runs WHERE job = ? LIMIT ?',
      [JOB, limit],
      READ,
    );
    return rs.rows.map((r) => ({
      runId: r.run_id.toString(),
      status: str(r.status) as RunStatus,
      options: str(r.options),
      chunks: Number(r.chunks ?? 1),
      phasesDone: setToArray(r.phases_done),
      startedAt: (r.started_at as Date | null) ?? null,
    }));
  }

  async startRun(run: { runId: string; options: string; chunks: number; startedAt: Date }): Promise<void> {
    await this.client.execute(
      'INSERT INTO recommender_runs (job, run_id, status, options, chunks, started_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [
        JOB,
        types.TimeUuid.fromString(run.runId),
        'running',
        run.options,
        run.chunks,
        run.startedAt,
        run.startedAt,
      ],
      IDEMPOTENT_WRITE,
    );
  }

  /** Records a finished phase (a set element: concurrent or repeated marks never lose one another). */
  async markPhaseDone(runId: string, phase: string): Promise<void> {
    await this.client.execute(
      'UPDATE recommender_runs SET phases_done = phases_done + ?, updated_at = ? WHERE job = ? AND run_id = ?',
      [[phase], new Date(), JOB, types.TimeUuid.fromString(runId)],
      IDEMPOTENT_WRITE,
    );
  }

  async setRunStatus(
    runId: string,
    status: RunStatus,
    counts: { users: number; titles: number; interactions: number } | null,
  ): Promise<void> {
    const now = new Date();
    await this.client.execute(
      'UPDATE recommender_runs SET status = ?, users = ?, titles = ?, interactions = ?, updated_at = ?, finished_at = ? WHERE job = ? AND run_id = ?',
      [
        status,
        counts?.users ?? null,
        counts?.titles ?? null,
        counts?.interactions ?? null,
        now,
        status === 'running' ? null : now,
        JOB,
        types.TimeUuid.fromString(runId),
      ],
      IDEMPOTENT_WRITE,
    );
  }

  /** The chunks of a run whose lists are written (one partition read, bounded by the chunk count). */
  async chunksDone(runId: string): Promise<Set<number>> {
    const rs = await this.client.execute(
      'SELECT chunk FROM recommender_run_chunks WHERE run_id = ?',
      [types.TimeUuid.fromString(runId)],
      { ...READ, fetchSize: 5000 },
    );
    return new Set(rs.rows.map((r) => Number(r.chunk)));
  }

  async markChunkDone(runId: string, chunk: number, users: number): Promise<void> {
    await this.client.execute(
      'INSERT INTO recommender_run_chunks (run_id, chunk, users, finished_at) VALUES (?, ?, ?, ?)',
      [types.TimeUuid.fromString(runId), chunk, users, new Date()],
      IDEMPOTENT_WRITE,
    );
  }
}
