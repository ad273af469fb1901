import { types } from 'cassandra-driver';

/** Conversions between driver values and plain domain values, in one place. */
export const str = (v: unknown): string => (v == null ? '' : String(v));
export const uuidStr = (v: unknown): string => (v == null ? '' : (v as types.Uuid).toString());
export const uuidOrNull = (v: unknown): string | null => (v == null ? null : (v as types.Uuid).toString());
export const setToArray = (v: unknown): string[] =>
  v == null ? [] : Array.from(v as Iterable<string>).sort();
export const dateStr = (v: unknown): string | null => (v == null ? null : (v as types.LocalDate).toString());
export const numOrNull = (v: unknown): number | null => (v == null ? null : Number(v));
export const uuid = (s: string): types.Uuid => types.Uuid.fromString(s);

/** Options for single-partition reads the driver may safely retry or speculatively execute. */
export const READ = { prepare: true, isIdempotent: true } as const;
/** Options for writes whose effect is the same however often they are applied. */
export const IDEMPOTENT_WRITE = { prepare: true, isIdempotent: true } as const;
