import { mintToken } from '../../src/auth/jwt';
import type { Viewer } from '../../src/auth/policy';
import { benchConfig } from './env';

/** The GraphQL operations the benchmark sends (with `$id` as the only variable). */
export const RECENTLY_WATCHED = `query RecentlyWatched($id: UUID!) {
  user(id: $id) {
    recentlyWatched(first: 20) {
      edges { cursor node { title watchedAt progressPct rating } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

export const HOME_SCREEN = `query HomeScreen($id: UUID!) {
  user(id: $id) {
    homeScreen(itemsPerShelf: 10) {
      shelves {
        id kind title genre
        items { title progressPct reason { kind text } content { id title genre ratingAvg } }
      }
    }
  }
}`;

export const body = (query: string, id: string) => JSON.stringify({ query, variables: { id } });

/** One request of the load: its body and the `authorization` header of the user it asks about. */
export interface BenchRequest {
  body: string;
  authorization: string;
}

/** Bearer tokens for the sampled users (the service's own HS256 minting, the bench configuration's secret). */
export async function tokens(ids: string[]): Promise<Map<string, string>> {
  const auth = benchConfig('bench_s').auth;
  const out = new Map<string, string>();
  for (const id of ids) out.set(id, `Bearer ${await mintToken(auth, { userId: id, expiresIn: '4h' })}`);
  return out;
}

export function requests(query: string, ids: string[], auth: Map<string, string>): BenchRequest[] {
  return ids.map((id) => ({ body: body(query, id), authorization: auth.get(id)! }));
}

export const viewerOf = (userId: string): Viewer => ({
  kind: 'user',
  userId: userId.toLowerCase(),
  admin: false,
  scopes: [],
});
