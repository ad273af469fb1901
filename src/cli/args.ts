import { InvalidArgumentError } from 'commander';

/**
 * Option-value parsers shared by the CLIs. A bad value ends in commander's one-line
 * `error: option '--size <n>' argument '0' is invalid. must be …` — never a stack trace.
 */

/** A whole number from 1 to `max` (`_` allowed as a digit separator: 100_000). */
export function wholeNumber(max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const n = Number(value.replace(/_/g, ''));
    if (!Number.isInteger(n) || n < 1 || n > max)
      throw new InvalidArgumentError(
        max === Number.MAX_SAFE_INTEGER
          ? 'must be a positive whole number'
          : `must be a whole number from 1 to ${max.toLocaleString('en-US')}`,
      );
    return n;
  };
}

export const positiveInt = wholeNumber();

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
}

/** A share: a number from 0 to 1. */
export function share(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('must be a number from 0 to 1');
  return n;
}
