import fs from 'node:fs';

/** A child's input: JSON in the file named by BENCH_INPUT_FILE (too large for an environment variable). */
export function readInput<T>(): T {
  const file = process.env.BENCH_INPUT_FILE;
  if (!file) throw new Error('BENCH_INPUT_FILE is not set (this script is started by bench/run.ts)');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}
