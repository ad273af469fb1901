/**
 * Structured, true reasons. The component with the largest contribution (weight × normalised score) to an
 * item's blended score decides the kind; every cited `becauseOf` title comes from the user's own history and
 * actually supports the claim:
 *  - collaborative → BECAUSE_YOU_WATCHED: the watched titles with the largest contribution
 *    (implicit weight × item-item weight) towards the item; SIMILAR_TASTE when no few titles explain it
 *    (the cited ones carry less than a third of the positive collaborative evidence): the signal then comes
 *    from the overall overlap of the user's history with other viewers';
 *  - content → MATCHES_YOUR_GENRES: the item's genre is among the user's genres (declared or finished/liked),
 *    citing the liked titles of that genre (or sharing a tag);
 *  - popularity → POPULAR_IN_GENRE when the item's genre is one of the user's genres, TRENDING otherwise.
 * Cold start: MATCHES_YOUR_GENRES (popular in a preferred genre) or TRENDING.
 */
import { normalizeLabel } from './content-based';
import type { CollaborativeSource, ScoringContext, UserHistory } from './scoring';
import { COLLABORATIVE, CONTENT, type Reason } from './types';

export const MAX_BECAUSE_OF = 3;
/** A watched title is cited only if it contributes at least this share of the strongest one. */
export const MIN_CITED_SHARE = 0.25;
/** BECAUSE_YOU_WATCHED needs the cited titles to carry at least this share of the positive evidence. */
export const MIN_EXPLAINED_SHARE = 1 / 3;
/** TRENDING says "Trending now" only for titles in this top share of the popularity ranking. */
export const TRENDING_TOP_SHARE = 0.1;

export interface ReasonContext {
  readonly ctx: ScoringContext;
  readonly history: UserHistory;
  readonly collaborative: CollaborativeSource;
  /** Normalised genres the user declared or finished/liked titles of. */
  readonly userGenres: ReadonlySet<string>;
}

export function userGenres(ctx: ScoringContext, history: UserHistory): Set<string> {
  const genres = new Set(history.preferredGenres.map(normalizeLabel));
  for (let p = 0; p < history.items.length; p++) {
    const i = history.items[p];
    const genre = i >= 0 ? ctx.itemMeta[i]?.genre : undefined;
    if (genre && history.profileWeights[p] > 0) genres.add(normalizeLabel(genre));
  }
  return genres;
}

function titleOf(ctx: ScoringContext, i: number): string {
  return ctx.itemMeta[i]?.title ?? 'a title you watched';
}

function listTitles(titles: string[]): string {
  return titles.length <= 1
    ? (titles[0] ?? '')
    : `${titles.slice(0, -1).join(', ')} and ${titles[titles.length - 1]}`;
}

/** Watched titles ordered by their contribution towards `item`, with the total positive contribution. */
export function collaborativeContributions(
  rc: ReasonContext,
  item: number,
): { entries: { historyPos: number; contribution: number }[]; positiveTotal: number } {
  const { history } = rc;
  const entries: { historyPos: number; contribution: number }[] = [];
  let positiveTotal = 0;
  for (let p = 0; p < history.items.length; p++) {
    const from = history.items[p];
    if (from < 0 || history.weights[p] <= 0) continue;
    const contribution = history.weights[p] * rc.collaborative.weight(from, item);
    if (contribution > 0) {
      entries.push({ historyPos: p, contribution });
      positiveTotal += contribution;
    }
  }
  entries.sort((a, b) => b.contribution - a.contribution || a.historyPos - b.historyPos);
  return { entries, positiveTotal };
}

export function collaborativeReason(rc: ReasonContext, item: number): Reason | null {
  const { entries, positiveTotal } = collaborativeContributions(rc, item);
  if (entries.length === 0) return null;
  const cited = entries
    .slice(0, MAX_BECAUSE_OF)
    .filter((e) => e.contribution >= MIN_CITED_SHARE * entries[0].contribution);
  const becauseOf = cited.map((e) => rc.history.contentIds[e.historyPos]);
  const titles = cited.map((e) => titleOf(rc.ctx, rc.history.items[e.historyPos]));
  const explained = cited.reduce((s, e) => s + e.contribution, 0) / positiveTotal;
  if (explained < MIN_EXPLAINED_SHARE) {
    return {
      kind: 'SIMILAR_TASTE',
      text: `Viewers who share your taste in ${listTitles(titles.slice(0, 2))} also watch this`,
      becauseOf,
    };
  }
  return {
    kind: 'BECAUSE_YOU_WATCHED',
    text: `Because you watched ${listTitles(titles.slice(0, 2))}`,
    becauseOf,
  };
}

/** Liked titles of the user (profile weight > 0) that satisfy `match`, strongest first. */
function likedTitles(rc: ReasonContext, match: (i: number) => boolean): string[] {
  const { history } = rc;
  const picks: { p: number; w: number }[] = [];
  for (let p = 0; p < history.items.length; p++) {
    const i = history.items[p];
    if (i >= 0 && history.profileWeights[p] > 0 && match(i)) picks.push({ p, w: history.profileWeights[p] });
  }
  picks.sort((a, b) => b.w - a.w || a.p - b.p);
  return picks.slice(0, MAX_BECAUSE_OF).map((x) => history.contentIds[x.p]);
}

export function contentReason(rc: ReasonContext, item: number): Reason | null {
  const meta = rc.ctx.itemMeta[item];
  if (!meta) return null;
  const genreKey = meta.genre ? normalizeLabel(meta.genre) : '';
  if (genreKey && rc.userGenres.has(genreKey)) {
    return {
      kind: 'MATCHES_YOUR_GENRES',
      text: `Matches your interest in ${meta.genre}`,
      becauseOf: likedTitles(rc, (i) => normalizeLabel(rc.ctx.itemMeta[i]?.genre ?? '') === genreKey),
    };
  }
  const tags = new Set(meta.tags.map(normalizeLabel));
  let sharedTag: string | null = null;
  const becauseOf = likedTitles(rc, (i) => {
    for (const t of rc.ctx.itemMeta[i]?.tags ?? []) {
      if (tags.has(normalizeLabel(t))) {
        sharedTag ??= t;
        return true;
      }
    }
    return false;
  });
  if (becauseOf.length === 0 || sharedTag === null) return null;
  return { kind: 'MATCHES_YOUR_GENRES', text: `Matches the ${sharedTag} titles you enjoyed`, becauseOf };
}

export function popularityReason(rc: ReasonContext, item: number): Reason {
  const meta = rc.ctx.itemMeta[item];
  const genreKey = meta?.genre ? normalizeLabel(meta.genre) : '';
  if (meta && genreKey && rc.userGenres.has(genreKey)) {
    return {
      kind: 'POPULAR_IN_GENRE',
      text: `Popular in ${meta.genre}`,
      becauseOf: likedTitles(rc, (i) => normalizeLabel(rc.ctx.itemMeta[i]?.genre ?? '') === genreKey),
    };
  }
  return trendingReason(rc.ctx, item);
}

export function trendingReason(ctx: ScoringContext, item: number): Reason {
  const n = ctx.itemIds.length;
  const text =
    ctx.popScore[item] <= 0
      ? 'Something new to try'
      : ctx.popRank[item] < Math.max(10, Math.ceil(TRENDING_TOP_SHARE * n))
        ? 'Trending now'
        : 'Watched by others recently';
  return { kind: 'TRENDING', text, becauseOf: [] };
}

/** Reason for an item of a cold-start list (no positive history). */
export function coldStartReason(
  ctx: ScoringContext,
  preferredGenres: ReadonlySet<string>,
  item: number,
): Reason {
  const genre = ctx.itemMeta[item]?.genre;
  if (genre && preferredGenres.has(normalizeLabel(genre))) {
    return {
      kind: 'MATCHES_YOUR_GENRES',
      text: `Popular in ${genre}, one of your favourite genres`,
      becauseOf: [],
    };
  }
  return trendingReason(ctx, item);
}

/**
 * @param contributions weight_c · norm_c[item] for the three components (COMPONENTS order)
 */
export function explain(rc: ReasonContext, item: number, contributions: readonly number[]): Reason {
  let dominant = -1;
  let best = 0;
  for (let c = 0; c < 3; c++) {
    if (contributions[c] > best) {
      best = contributions[c];
      dominant = c;
    }
  }
  if (dominant === COLLABORATIVE) return collaborativeReason(rc, item) ?? popularityReason(rc, item);
  if (dominant === CONTENT) return contentReason(rc, item) ?? popularityReason(rc, item);
  return popularityReason(rc, item);
}
