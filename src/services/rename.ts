import pLimit from 'p-limit';
import { HISTORY_SHARDS } from '../domain/ids';
import type { Repositories } from '../repositories';
import type { RenameJob } from '../repositories/jobs';
import { nowMicros } from './clock';
import type { RatingService } from './ratings';

export interface RenameOptions {
  /** Reverse-index rows per page (each page is one checkpoint). */
  pageSize?: number;
  /** Users whose rows are rewritten in parallel within a page. */
  concurrency?: number;
  /** Called after every checkpoint (tests use it to interrupt a job). */
  afterPage?: (job: RenameJob) => void | Promise<void>;
}

export interface RenameResult {
  /** Copies rewritten by the job, over all its runs (history, continue-watching, recommendation, leaderboard rows). */
  rowsUpdated: number;
  /** Whether this call continued an interrupted job instead of starting one. */
  resumed: boolean;
  /** Whether a newer rename of the same title overtook this one (its copies then carry the newer title). */
  superseded: boolean;
  jobId: string | null;
}

/**
 * renameContent's fan-out: the new title reaches every copy through the reverse indexes — history_by_content (16
 * shards per title) for history rows and the continue-watching rows of the same users, recommendations_by_content for
 * recommendation rows, and a new rating-aggregate version for the leaderboard rows. Only partition reads, paged by
 * clustering position; each page ends with a checkpoint in the job row, so an interrupted rename resumes where it
 * stopped.
 *
 * Ordering (why concurrent renames and watches converge, and the drift report finds nothing):
 *  1. The job row and content.title are written together (one logged batch).
 *  2. Only then the job takes its copy timestamp T, and re-reads content: if the title is not its own any more, a
 *     newer rename overtook it and it stops. Every copy it writes carries T. A rename whose content write landed later
 *     takes a later T, so among renames the newest title wins every copy, in any arrival order.
 *  3. A session that copied the old title either wrote its rows before step 2's index reads (the job finds and
 *     rewrites them; T is later than the session's own timestamp because the session ran before the new title was
 *     visible), or after — then its own re-check of content, made after its write, sees the new title and rewrites
 *     its copy itself (WriteServices.recordWatch).
 */
export class RenameService {
  constructor(
    private readonly repos: Repositories,
    private readonly ratings: RatingService,
    private readonly opts: RenameOptions = {},
  ) {}

  /** Renames a title (or resumes the interrupted rename to the same title) and spreads the title to every copy. */
  async rename(contentId: string, title: string): Promise<RenameResult> {
    const latest = await this.repos.copyJobs.latest(contentId);
    if (latest && latest.status === 'running' && latest.title === title) return this.run(latest, true);
    const current = await this.repos.catalog.titleVersion(contentId);
    if (current && current.title === title)
      return { rowsUpdated: 0, resumed: false, superseded: false, jobId: null };
    const job = await this.repos.copyJobs.start(contentId, title, nowMicros());
    return this.run(job, false);
  }

  /** Continues a job from its checkpoint (used by rename and by `npm run repair-titles`). */
  async resume(contentId: string): Promise<RenameResult | null> {
    const job = await this.repos.copyJobs.latest(contentId);
    return job && job.status === 'running' ? this.run(job, true) : null;
  }

  private async run(job: RenameJob, resumed: boolean): Promise<RenameResult> {
    const result = () => ({
      rowsUpdated: job.rowsUpdated,
      resumed,
      superseded: job.status === 'superseded',
      jobId: job.jobId,
    });
    if (job.titleTs === null) {
      const ts = nowMicros(); // after the content write was acknowledged, before the re-read (see the class comment)
      if (!(await this.stillCurrent(job))) return result();
      job.titleTs = ts;
      await this.repos.copyJobs.save(job);
    }
    const pageSize = this.opts.pageSize ?? 500;
    const limit = pLimit(this.opts.concurrency ?? 16);

    while (job.phase === 'history') {
      const sessions = await this.repos.history.indexedSessions(
        job.contentId,
        job.shard,
        job.afterUser && job.afterWatchedAt ? { userId: job.afterUser, watchedAt: job.afterWatchedAt } : null,
        pageSize,
      );
      const byUser = new Map<string, Date[]>();
      for (const s of sessions) byUser.set(s.userId, [...(byUser.get(s.userId) ?? []), s.watchedAt]);
      const counts = await Promise.all(
        [...byUser].map(([userId, at]) => limit(() => this.renameUserRows(job, userId, at))),
      );
      job.rowsUpdated += counts.reduce((a, b) => a + b, 0);
      if (sessions.length === pageSize) {
        const last = sessions[sessions.length - 1];
        job.afterUser = last.userId;
        job.afterWatchedAt = last.watchedAt;
      } else if (job.shard + 1 < HISTORY_SHARDS) {
        job.shard += 1;
        job.afterUser = null;
        job.afterWatchedAt = null;
      } else {
        job.phase = 'recommendations';
        job.afterUser = null;
        job.afterWatchedAt = null;
      }
      if (!(await this.checkpoint(job))) return result();
    }

    while (job.phase === 'recommendations') {
      const lists = await this.repos.recommendations.listsHolding(job.contentId, job.afterUser, pageSize);
      const done = await Promise.all(
        lists.map((l) =>
          limit(() =>
            this.repos.recommendations.renameIfStill(
              l.userId,
              l.rank,
              job.contentId,
              job.title,
              job.titleTs!,
            ),
          ),
        ),
      );
      job.rowsUpdated += done.filter(Boolean).length;
      if (lists.length === pageSize) job.afterUser = lists[lists.length - 1].userId;
      else {
        job.phase = 'leaderboards';
        job.afterUser = null;
      }
      if (!(await this.checkpoint(job))) return result();
    }

    if (job.phase === 'leaderboards') {
      const content = await this.repos.catalog.titleVersion(job.contentId);
      if (content) job.rowsUpdated += await this.ratings.republish(job.contentId, content.genre);
      job.phase = 'done';
      job.status = 'done';
      await this.repos.copyJobs.save(job);
    }
    return result();
  }

  /** One user's history rows of the title (one partition, one batch) and their continue-watching entry. */
  private async renameUserRows(job: RenameJob, userId: string, sessions: Date[]): Promise<number> {
    await this.repos.history.renameHistoryRows(userId, job.contentId, sessions, job.title, job.titleTs!);
    const entry = await this.repos.history.continueWatchingRow(userId, job.contentId);
    // Only a live entry: writing a title into a row that is gone would leave a title-only leftover.
    if (!entry || entry.progressPct === null) return sessions.length;
    await this.repos.history.renameContinueWatching(userId, job.contentId, job.title, job.titleTs!);
    return sessions.length + 1;
  }

  /** Saves progress; false when a newer rename overtook this one (the job is then marked superseded). */
  private async checkpoint(job: RenameJob): Promise<boolean> {
    if (!(await this.stillCurrent(job))) return false;
    await this.repos.copyJobs.save(job);
    await this.opts.afterPage?.(job);
    return true;
  }

  private async stillCurrent(job: RenameJob): Promise<boolean> {
    const current = await this.repos.catalog.titleVersion(job.contentId);
    if (current && current.title === job.title) return true;
    job.status = 'superseded';
    await this.repos.copyJobs.save(job);
    return false;
  }
}
