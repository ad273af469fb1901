import cliProgress from 'cli-progress';
import type { Content } from '../domain/models';
import { leaderboardsFrom } from '../domain/leaderboards';
import type { Repositories } from '../repositories';

export interface Progress {
  tick(phase: string, n?: number): void;
  stop(): void;
  /** Rows written so far. */
  readonly done: number;
}

/**
 * A progress bar on stderr (rows, rows/s, ETA) for long bulk writes. On a non-terminal (CI logs) it prints a line
 * every few seconds instead of redrawing; `enabled: false` silences it (tests).
 */
export function createProgress(total: number, enabled: boolean): Progress {
  const bar = new cliProgress.SingleBar(
    {
      format: '{phase} |{bar}| {percentage}% {value}/{total} rows · {rate} rows/s · ETA {eta_formatted}',
      stream: process.stderr,
      noTTYOutput: !process.stderr.isTTY,
      notTTYSchedule: 5000,
      etaBuffer: 500,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  let done = 0;
  if (enabled) bar.start(total, 0, { phase: 'starting', rate: '0' });
  return {
    tick(phase, n = 1) {
      done += n;
      if (enabled && (done % 250 < n || done === total)) {
        const rate = Math.round(done / Math.max(0.001, (Date.now() - started) / 1000));
        bar.update(done, { phase, rate: rate.toLocaleString('en-US') });
      }
    },
    stop() {
      if (enabled) bar.stop();
    },
    get done() {
      return done;
    },
  };
}

/** Per-title rating sums, accumulated while rows stream by. */
export class RatingTally {
  private readonly sums = new Map<string, { sum: number; count: number }>();

  add(contentId: string, rating: number): void {
    const a = this.sums.get(contentId) ?? { sum: 0, count: 0 };
    a.sum += rating;
    a.count += 1;
    this.sums.set(contentId, a);
  }

  get total(): number {
    let n = 0;
    for (const a of this.sums.values()) n += a.count;
    return n;
  }

  /** The content rows with their exact mean and count. */
  apply(contents: Content[]): Content[] {
    return contents.map((c) => {
      const a = this.sums.get(c.id);
      return { ...c, ratingAvg: a ? a.sum / a.count : null, ratingCount: a?.count ?? 0 };
    });
  }
}

/** Rewrites the leaderboards ('ALL' and one per genre) from the catalog's rating aggregates. */
export async function writeLeaderboards(repos: Repositories, contents: Content[]): Promise<number> {
  const boards = leaderboardsFrom(contents);
  for (const [scope, picks] of boards) await repos.catalog.replaceLeaderboard(scope, picks);
  return boards.size;
}
