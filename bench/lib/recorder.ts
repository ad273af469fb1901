/** A driver request tracker that records every statement (text, parameters, whether prepared) while switched on. */
import { tracker } from 'cassandra-driver';

const RequestTrackerBase = (tracker as unknown as { RequestTracker: new () => tracker.RequestTracker })
  .RequestTracker;

export interface Recorded {
  query: string;
  params: unknown[];
  prepared: boolean;
  fetchSize: number | undefined;
  ok: boolean;
}

export class RecordingTracker extends RequestTrackerBase implements tracker.RequestTracker {
  recording = false;
  readonly statements: Recorded[] = [];
  private readonly seen = new WeakSet<object>();

  override onSuccess(_h: unknown, query: unknown, params?: unknown, execOptions?: unknown): void {
    this.add(query, params, execOptions, true);
  }

  override onError(_h: unknown, query: unknown, params?: unknown, execOptions?: unknown): void {
    this.add(query, params, execOptions, false);
  }

  private add(query: unknown, params: unknown, execOptions: unknown, ok: boolean) {
    if (!this.recording) return;
    if (execOptions && typeof execOptions === 'object') {
      if (this.seen.has(execOptions)) return; // a retry or speculative attempt of the same statement
      this.seen.add(execOptions);
    }
    const o = execOptions as { isPrepared?: () => boolean; getFetchSize?: () => number } | undefined;
    this.statements.push({
      query: Array.isArray(query) ? `BATCH(${query.length})` : String(query),
      params: Array.isArray(params) ? params : [],
      prepared: o?.isPrepared?.() ?? false,
      fetchSize: o?.getFetchSize?.(),
      ok,
    });
  }

  override shutdown(): void {}

  take(): Recorded[] {
    return this.statements.splice(0, this.statements.length);
  }
}

/** `table:partition key` of a single-table statement, taking the first bound value as the partition key. */
export function partitionOf(s: Recorded): string {
  const table =
    /\bFROM\s+(\w+)/i.exec(s.query)?.[1] ?? /\b(?:INTO|UPDATE)\s+(\w+)/i.exec(s.query)?.[1] ?? '?';
  return `${table}:${String(s.params[0]).toLowerCase()}`;
}
