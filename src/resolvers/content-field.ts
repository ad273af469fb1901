import { cardOf, type LeaderboardRow } from '../domain/leaderboards';
import type { ContentSource, ShelfItem, TopPick } from '../domain/models';
import type { Context } from '../context';

/** Every `content` field on a shelf row resolves through the request's content loader: one batch per request. */
export function contentField(
  parent: { contentId: string },
  _args: unknown,
  ctx: Context,
): Promise<ContentSource | null> {
  return ctx.loaders.content.load(parent.contentId);
}

/** A leaderboard row answers its title's catalog fields itself (see `cardOf`); the loader only when it cannot. */
function leaderboardContent(
  row: LeaderboardRow,
  ctx: Context,
): ContentSource | Promise<ContentSource | null> {
  return cardOf(row) ?? ctx.loaders.content.load(row.contentId);
}

export function topPickContent(pick: TopPick, _args: unknown, ctx: Context) {
  return leaderboardContent(pick, ctx);
}

/** A home-screen item from a leaderboard is answered by its row; the other shelves' items go through the loader. */
export function shelfItemContent(item: ShelfItem, _args: unknown, ctx: Context) {
  return item.leaderboardRow ? leaderboardContent(item.leaderboardRow, ctx) : contentField(item, _args, ctx);
}
