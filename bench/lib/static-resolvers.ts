/**
 * Fixed answers for P5, the HTTP + GraphQL layer alone: the service's schema (type definitions, scalars, access
 * policy, federation) with resolvers that return a page computed once — the same 20 history entries, with the same
 * signed cursors, that the service's own resolvers produce over bench/lib/static-repos.ts. Our server and stock
 * `startStandaloneServer` serve the same schema with these resolvers, so what differs between them is only the layer:
 * HTTP, Apollo's pipeline, execution, serialization — not pagination, cursor signing or repositories.
 */
import { CursorCodec } from '../../src/domain/cursor';
import type { Resolvers } from '../../src/generated/graphql';
import { scalarResolvers } from '../../src/resolvers/scalars';
import { STATIC_EVENTS, STATIC_USER } from './static-repos';

export function staticResolvers(cursorSecret: string): Resolvers {
  const codec = new CursorCodec(cursorSecret);
  const page = (first: number) => {
    const items = STATIC_EVENTS.slice(0, first);
    const edges = items.map((node) => ({
      node,
      cursor: codec.encode(`history:${STATIC_USER.id}`, [node.watchedAt.getTime(), node.contentId]),
    }));
    return {
      edges,
      pageInfo: { hasNextPage: STATIC_EVENTS.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    };
  };
  const pages = new Map<number, ReturnType<typeof page>>();
  return {
    ...scalarResolvers,
    Query: { user: () => STATIC_USER },
    User: {
      recentlyWatched: (_user, { first }) => {
        const n = first ?? 20;
        let p = pages.get(n);
        if (!p) pages.set(n, (p = page(n)));
        return p as never;
      },
    },
  };
}
