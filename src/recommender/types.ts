/**
 * Shared shapes of the recommender core. The core is pure (no I/O): the batch job feeds it rows read from
 * `interactions_by_user`, catalog metadata and user profiles, and persists what it returns.
 */
import type { ReasonKind as DomainReasonKind } from '../domain/models';

/** One row of `interactions_by_user`: everything a user did with one title. */
export interface InteractionRow {
  userId: string;
  contentId: string;
  /** 0–100, null when unknown. */
  progressPct: number | null;
  completed: boolean;
  /** 1–5, null when the user did not rate the title. */
  rating: number | null;
  dismissed: boolean;
  watchCount: number;
  lastAt: Date;
}

export type ContentType = 'MOVIE' | 'SERIES' | 'DOCUMENTARY';

export interface ItemMeta {
  contentId: string;
  title: string;
  genre: string;
  tags: string[];
  releaseYear?: number | null;
  contentType?: ContentType | null;
}

export interface UserMeta {
  userId: string;
  preferredGenres: string[];
}

/** The API's reason kinds (schema.graphql `ReasonKind`); MATRIX_FACTORIZATION is written by the Spark engine only. */
export type ReasonKind = DomainReasonKind;

export interface Reason {
  kind: ReasonKind;
  text: string;
  /** Content ids taken from the user's own history that support the reason (may be empty). */
  becauseOf: string[];
}

export interface Recommendation {
  contentId: string;
  /** 1-based. */
  rank: number;
  score: number;
  reason: Reason;
}

/** One entry of a persisted neighbour list (`content_neighbors`): watching the owner title supports `contentId`. */
export interface Neighbor {
  contentId: string;
  weight: number;
}

/** The three scorers the blend mixes, in a fixed order used by the typed-array code. */
export const COMPONENTS = ['collaborative', 'content', 'popularity'] as const;
export type ComponentName = (typeof COMPONENTS)[number];
export const COLLABORATIVE = 0;
export const CONTENT = 1;
export const POPULARITY = 2;

export type BlendWeights = Record<ComponentName, number>;
