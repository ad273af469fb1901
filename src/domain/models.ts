/**
 * Plain domain objects: what repositories return and resolvers receive. UUIDs are strings, times are Dates;
 * no driver type ever leaves a repository.
 */
export type ContentType = 'MOVIE' | 'SERIES' | 'DOCUMENTARY';
export const CONTENT_TYPES: readonly ContentType[] = ['MOVIE', 'SERIES', 'DOCUMENTARY'];

export type ReasonKind =
  | 'BECAUSE_YOU_WATCHED'
  | 'SIMILAR_TASTE'
  | 'MATCHES_YOUR_GENRES'
  | 'TRENDING'
  | 'POPULAR_IN_GENRE'
  /** Written by the Spark engine (ALS): the watched titles with the closest item factors. */
  | 'MATRIX_FACTORIZATION';

export interface User {
  id: string;
  name: string;
  email: string;
  signupDate: string | null;
  preferredGenres: string[];
  preferredLanguage: string | null;
  externalId: string | null;
}

export interface Content {
  id: string;
  title: string;
  contentType: ContentType;
  genre: string;
  releaseYear: number | null;
  ratingAvg: number | null;
  ratingCount: number;
  tags: string[];
  externalId: string | null;
}

/**
 * The catalog fields a leaderboard row carries — enough to answer those fields of `Content` without reading the
 * catalog. Resolvers answer the other fields (releaseYear, tags, externalId) through the request's content loader.
 */
export interface ContentCard extends Pick<
  Content,
  'id' | 'title' | 'contentType' | 'genre' | 'ratingAvg' | 'ratingCount'
> {
  readonly card: true;
}

/** What a `Content` resolver receives: the catalog row, or a card copied from a leaderboard row. */
export type ContentSource = Content | ContentCard;

export const isCard = (c: ContentSource): c is ContentCard => 'card' in c;

export interface WatchEvent {
  userId: string;
  contentId: string;
  eventId: string | null;
  title: string;
  watchedAt: Date;
  progressPct: number;
  rating: number | null;
}

export interface ContinueWatchingEntry {
  userId: string;
  contentId: string;
  title: string;
  progressPct: number;
  lastWatchedAt: Date;
}

export interface Reason {
  kind: ReasonKind;
  text: string;
  /** Content ids from the user's own history. */
  becauseOf: string[];
}

export interface Recommendation {
  userId: string;
  rank: number;
  contentId: string;
  title: string;
  score: number;
  reason: Reason;
  generatedAt: Date | null;
}

export interface TopPick {
  scope: string;
  rank: number;
  contentId: string;
  title: string;
  genre: string;
  contentType: ContentType | null;
  ratingAvg: number;
  ratingCount: number;
}

export type ShelfKind = 'CONTINUE_WATCHING' | 'FOR_YOU' | 'TOP_PICKS' | 'RECENTLY_WATCHED' | 'GENRE';

export interface ShelfItem {
  contentId: string;
  title: string;
  progressPct: number | null;
  reason: Reason | null;
  /** On Top Picks and genre rows: the leaderboard row, which answers the item's `content` (null elsewhere). */
  leaderboardRow: TopPick | null;
}

export interface Shelf {
  id: string;
  kind: ShelfKind;
  title: string;
  genre: string | null;
  items: ShelfItem[];
}

export interface HomeScreenModel {
  shelves: Shelf[];
}

/** A page of a seek-paginated list: the items and the position after the last one, if more follow. */
export interface Page<T, P> {
  items: T[];
  hasNextPage: boolean;
  /** Seek position of each item (same order as items). */
  positions: P[];
}

/** An entry of User.similarUsers: the other user (already loaded) and the ids of the titles both liked. */
export interface SimilarUserModel {
  user: User;
  score: number;
  sharedContentIds: string[];
}
