import { types } from 'cassandra-driver';
import { IDEMPOTENT_WRITE, numOrNull, READ, str, uuid, uuidOrNull, uuidStr } from './rows';
import { Repository } from './repository';

export type RenamePhase = 'history' | 'recommendations' | 'leaderboards' | 'done';
export type RenameStatus = 'running' | 'done' | 'superseded';

/** A rename's fan-out job: the new title, the timestamp its copies carry, and how far it got. */
export interface RenameJob {
  contentId: string;
  jobId: string;
  title: string;
  /** µs; null until the job confirmed its title is the current one (then every copy it writes carries it). */
  titleTs: number | null;
  status: RenameStatus;
  phase: RenamePhase;
  shard: number;
  afterUser: string | null;
  afterWatchedAt: Date | null;
  rowsUpdated: number;
  startedAt: Date;
}

const COLUMNS =
  'content_id, job_id, title, title_ts, status, phase, shard, after_user, after_watched_at, rows_updated, started_at';

function toJob(r: types.Row): RenameJob {
  return {
    contentId: uuidStr(r.content_id),
    jobId: String(r.job_id),
    title: str(r.title),
    titleTs: numOrNull(r.title_ts),
    status: (r.status ?? 'running') as RenameStatus,
    phase: (r.phase ?? 'history') as RenamePhase,
    shard: Number(r.shard ?? 0),
    afterUser: uuidOrNull(r.after_user),
    afterWatchedAt: (r.after_watched_at as Date | null) ?? null,
    rowsUpdated: Number(r.rows_updated ?? 0),
    startedAt: r.started_at as Date,
  };
}

/** content_copy_jobs: rename jobs, newest first per title (see cql/007). */
export class CopyJobsRepository extends Repository {
  /**
   * Starts a rename: the new title in `content` and the job that will carry it to every copy, in one logged batch
   * with one timestamp — either both exist or neither, so a title is never changed without a job that finishes
   * spreading it (and a crash right after leaves a job to resume).
   */
  async start(contentId: string, title: string, ts: number): Promise<RenameJob> {
    const at = new Date(Math.floor(ts / 1000));
    const jobId = types.TimeUuid.fromDate(at);
    const content = uuid(contentId);
    await this.client.batch(
      [
        { query: 'UPDATE content SET title = ? WHERE content_id = ?', params: [title, content] },
        {
          query:
            'INSERT INTO content_copy_jobs (content_id, job_id, title, status, phase, shard, rows_updated, started_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
          params: [content, jobId, title, 'running', 'history', 0, types.Long.ZERO, at, at],
        },
      ],
      { prepare: true, logged: true, timestamp: types.Long.fromNumber(ts), isIdempotent: true },
    );
    return {
      contentId,
      jobId: jobId.toString(),
      title,
      titleTs: null,
      status: 'running',
      phase: 'history',
      shard: 0,
      afterUser: null,
      afterWatchedAt: null,
      rowsUpdated: 0,
      startedAt: at,
    };
  }

  /** The newest job of a title (one row of one partition), or null. */
  async latest(contentId: string): Promise<RenameJob | null> {
    const rs = await this.client.execute(
      `SELECT ${COLUMNS} FROM content_copy_jobs WHERE content_id = ? LIMIT 1`,
      [uuid(contentId)],
      READ,
    );
    const r = rs.first();
    return r ? toJob(r) : null;
  }

  /**
   * Records progress (or the confirmed title timestamp, or the end) of one job. Each job owns its row, so a
   * checkpoint of an older job can never overwrite a newer job's progress.
   */
  async save(job: RenameJob): Promise<void> {
    await this.client.execute(
      'UPDATE content_copy_jobs SET title_ts = ?, status = ?, phase = ?, shard = ?, after_user = ?, after_watched_at = ?, rows_updated = ?, updated_at = ? WHERE content_id = ? AND job_id = ?',
      [
        job.titleTs === null ? null : types.Long.fromNumber(job.titleTs),
        job.status,
        job.phase,
        job.shard,
        job.afterUser ? uuid(job.afterUser) : null,
        job.afterWatchedAt,
        types.Long.fromNumber(job.rowsUpdated),
        new Date(),
        uuid(job.contentId),
        types.TimeUuid.fromString(job.jobId),
      ],
      IDEMPOTENT_WRITE,
    );
  }
}
