/**
 * Write timestamps (µs since the epoch) for statements that carry an explicit client timestamp. Strictly increasing
 * within the process, so two writes issued in the same millisecond still have a defined order (a tie would be broken
 * by comparing the values, i.e. arbitrarily).
 */
let last = 0;

export function nowMicros(): number {
  const t = Date.now() * 1000;
  last = t > last ? t : last + 1;
  return last;
}

export const microsToDate = (ts: number): Date => new Date(Math.floor(ts / 1000));
