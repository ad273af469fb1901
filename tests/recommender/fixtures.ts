import type { InteractionRow, ItemMeta } from '../../src/recommender/types';

export const NOW = new Date('2025-06-01T00:00:00Z');

/** A finished viewing unless overridden. */
export function row(
  userId: string,
  contentId: string,
  overrides: Partial<InteractionRow> = {},
): InteractionRow {
  return {
    userId,
    contentId,
    progressPct: 100,
    completed: true,
    rating: null,
    dismissed: false,
    watchCount: 1,
    lastAt: NOW,
    ...overrides,
  };
}

export function item(contentId: string, genre = 'Drama', tags: string[] = []): ItemMeta {
  return { contentId, title: `Title ${contentId}`, genre, tags };
}

/** Every user in `users` finishes every title in `titles`. */
export function group(users: string[], titles: string[]): InteractionRow[] {
  return users.flatMap((u) => titles.map((t) => row(u, t)));
}

export const range = (prefix: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}${i}`);
