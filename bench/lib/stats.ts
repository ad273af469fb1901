/** Percentiles and medians over plain arrays (latencies in ms, with sub-millisecond resolution). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export interface LatencySummary {
  count: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
}

export function summarize(latencies: number[], seconds: number): LatencySummary {
  const s = Float64Array.from(latencies).sort();
  let sum = 0;
  for (const v of s) sum += v;
  const r = (v: number) => Math.round(v * 1000) / 1000;
  return {
    count: s.length,
    rps: Math.round(s.length / seconds),
    p50: r(percentile(s, 50)),
    p90: r(percentile(s, 90)),
    p99: r(percentile(s, 99)),
    mean: r(sum / Math.max(1, s.length)),
  };
}

export function median(values: number[]): number {
  const s = [...values].filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
