/**
 * Runs functions one at a time per key within this process (a promise chain per key). Used in front of the per-title
 * compare-and-set: concurrent raters of one title in one process queue here instead of all racing the same Paxos
 * round (which would only make most of them lose and retry). Correctness never depends on it — other processes are
 * serialized by the conditional batch itself — it only removes needless contention.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(fn, fn);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
