import { badInput } from './errors';

export interface PageLimits {
  defaultFirst: number;
  maxFirst: number;
}

/** Validates a `first` argument: a default when omitted, BAD_USER_INPUT when negative or above the maximum. */
export function pageSize(first: number | null | undefined, limits: PageLimits, argument = 'first'): number {
  if (first === null || first === undefined) return limits.defaultFirst;
  if (!Number.isInteger(first) || first < 0) {
    throw badInput(`\`${argument}\` must be a whole number of 0 or more, got ${first}.`, { argument });
  }
  if (first > limits.maxFirst) {
    throw badInput(`\`${argument}\` must be at most ${limits.maxFirst}, got ${first}.`, {
      argument,
      max: limits.maxFirst,
    });
  }
  return first;
}
