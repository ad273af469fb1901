import pLimit from 'p-limit';
import type { Repositories } from '../repositories';
import { COPY_TABLES, ringSlices, type CopyTable, type TitleCopy } from '../repositories/copies';
import { nowMicros } from './clock';
import type { WriteServices } from './writes';

/** A copy whose title differs from the catalog's (contentTitle null: the title no longer exists). */
export interface Drift extends TitleCopy {
  contentTitle: string | null;
}

export interface DriftScan {
  /** Copies compared. */
  checked: number;
  drift: Drift[];
  byTable: Record<CopyTable, number>;
}

export interface ScanOptions {
  /** Token-ring slices per table (default 64). */
  slices?: number;
  /** Slices scanned at once (default 8). */
  concurrency?: number;
  /** Called after every slice, with slices done and the total (over all tables). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Scans every table that copies a title (watch_history, continue_watching, recommendations, top_picks_by_scope)
 * slice by slice over the token ring and compares each copy with the catalog's current title (one cached
 * single-partition read per distinct title).
 */
export async function scanDrift(repos: Repositories, opts: ScanOptions = {}): Promise<DriftScan> {
  const slices = ringSlices(opts.slices ?? 64);
  const limit = pLimit(opts.concurrency ?? 8);
  const titles = new Map<string, Promise<string | null>>();
  const titleOf = (id: string) => {
    let t = titles.get(id);
    if (!t) {
      t = repos.catalog.titleVersion(id).then((v) => v?.title ?? null);
      titles.set(id, t);
    }
    return t;
  };
  const total = slices.length * COPY_TABLES.length;
  let done = 0;
  let checked = 0;
  const drift: Drift[] = [];
  const byTable = Object.fromEntries(COPY_TABLES.map((t) => [t, 0])) as Record<CopyTable, number>;
  await Promise.all(
    COPY_TABLES.flatMap((table) =>
      slices.map((slice) =>
        limit(async () => {
          const copies = await repos.copies.scan(table, slice);
          for (const copy of copies) {
            checked += 1;
            const contentTitle = await titleOf(copy.contentId);
            if (contentTitle !== copy.title) {
              drift.push({ ...copy, contentTitle });
              byTable[table] += 1;
            }
          }
          opts.onProgress?.(++done, total);
        }),
      ),
    ),
  );
  drift.sort(
    (a, b) => a.table.localeCompare(b.table) || JSON.stringify(a.key).localeCompare(JSON.stringify(b.key)),
  );
  return { checked, drift, byTable };
}

export interface RepairResult {
  /** Copies rewritten with the catalog's title. */
  fixed: number;
  /** Copies left alone: fixed meanwhile, gone, or of a title that no longer exists. */
  skipped: number;
}

/**
 * Rewrites drifted copies with the catalog's current title. The write timestamp is taken BEFORE the catalog is read,
 * so a rename that lands while the repair runs (and that the repair did not see) carries a later timestamp and wins —
 * the repair can never put an outdated title back. Leaderboard rows are re-published through a new rating-aggregate
 * version (their only writer); a leaderboard row still wrong after that sits at a stale position and is deleted.
 */
export async function repairDrift(
  repos: Repositories,
  services: WriteServices,
  drift: Drift[],
  opts: { concurrency?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<RepairResult> {
  const limit = pLimit(opts.concurrency ?? 16);
  let fixed = 0;
  let skipped = 0;
  let done = 0;
  const tick = () => opts.onProgress?.(++done, drift.length);
  const boards = new Map<string, Drift[]>();
  await Promise.all(
    drift.map((d) =>
      limit(async () => {
        if (d.table === 'top_picks_by_scope') {
          boards.set(d.contentId, [...(boards.get(d.contentId) ?? []), d]);
          return;
        }
        const ts = nowMicros();
        const now = await repos.catalog.titleVersion(d.contentId);
        if (now && now.title !== d.title && (await repos.copies.rewrite(d, now.title, ts))) fixed += 1;
        else skipped += 1;
        tick();
      }),
    ),
  );
  for (const [contentId, rows] of boards) {
    const content = await repos.catalog.titleVersion(contentId);
    if (!content) {
      skipped += rows.length;
      rows.forEach(tick);
      continue;
    }
    await services.ratings.republish(contentId, content.genre);
    for (const row of rows) {
      const still = await repos.copies.leaderboardTitle(row.key.scope, Number(row.key.rating_avg), contentId);
      if (still !== null && still !== content.title)
        await repos.copies.deleteLeaderboardRow(
          row.key.scope,
          Number(row.key.rating_avg),
          contentId,
          nowMicros(),
        );
      fixed += 1;
      tick();
    }
  }
  return { fixed, skipped };
}

/** Finishes every rename job that was interrupted (found by a token-range scan of content_copy_jobs). */
export async function resumeRenames(
  repos: Repositories,
  services: WriteServices,
  slices = 16,
): Promise<{ resumed: number; rowsUpdated: number }> {
  let resumed = 0;
  let rowsUpdated = 0;
  for (const slice of ringSlices(slices)) {
    for (const job of await repos.copies.unfinishedRenames(slice)) {
      const r = await services.renames.resume(job.contentId);
      if (r) {
        resumed += 1;
        rowsUpdated += r.rowsUpdated;
      }
    }
  }
  return { resumed, rowsUpdated };
}
