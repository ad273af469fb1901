/** The per-request loaders (src/loaders/index.ts): how a batch of ids becomes single-partition reads. */
import { BATCH_CONCURRENCY, createLoaders } from '../src/loaders';
import type { Content } from '../src/domain/models';
import type { Repositories } from '../src/repositories';

/** Catalog reads that stay pending until released, recording how many were in flight at most. */
function pendingCatalog() {
  let inFlight = 0;
  let maxInFlight = 0;
  const waiting: Array<() => void> = [];
  const getById = async (id: string): Promise<Content | null> => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise<void>((resolve) => waiting.push(resolve));
    inFlight -= 1;
    if (id === 'boom') throw new Error('read failed');
    return id === 'missing' ? null : ({ id, title: `Title ${id}` } as Content);
  };
  /** Lets the loader dispatch its batch, then answers every read until none is left. */
  const releaseAll = async () => {
    do {
      await new Promise((r) => setImmediate(r));
      waiting.splice(0).forEach((resolve) => resolve());
    } while (inFlight > 0 || waiting.length > 0);
  };
  const repos = { catalog: { getById }, users: { getById: async () => null } } as unknown as Repositories;
  return { repos, releaseAll, maxInFlight: () => maxInFlight };
}

const idsOf = (n: number) => Array.from({ length: n }, (_, i) => `id-${i}`);

describe('content loader', () => {
  it('when a batch is within the cap, then every read is in flight at once', async () => {
    const { repos, releaseAll, maxInFlight } = pendingCatalog();
    const ids = idsOf(BATCH_CONCURRENCY);

    const loaded = createLoaders(repos).content.loadMany(ids);
    await releaseAll();
    const contents = await loaded;

    expect(maxInFlight()).toBe(BATCH_CONCURRENCY);
    expect(contents.map((c) => (c as Content).id)).toEqual(ids);
  });

  it('when a batch is larger than the cap, then at most the cap is in flight and results keep key order', async () => {
    const { repos, releaseAll, maxInFlight } = pendingCatalog();
    const ids = idsOf(BATCH_CONCURRENCY * 2 + 5);

    const loaded = createLoaders(repos).content.loadMany(ids);
    await releaseAll();
    const contents = await loaded;

    expect(maxInFlight()).toBe(BATCH_CONCURRENCY);
    expect(contents.map((c) => (c as Content).id)).toEqual(ids);
  });

  it('when one read fails and one id is unknown, then only that key errors and the unknown one is null', async () => {
    const { repos, releaseAll } = pendingCatalog();

    const loaded = createLoaders(repos).content.loadMany(['a', 'boom', 'missing']);
    await releaseAll();
    const [a, boom, missing] = await loaded;

    expect((a as Content).title).toBe('Title a');
    expect(boom).toBeInstanceOf(Error);
    expect(missing).toBeNull();
  });
});
