/**
 * Look-ahead prefetch for `user(id)`: the shelf reads a query asks for under the user are issued together with the
 * user's own read, instead of after it.
 *
 * GraphQL resolves `user(id) { homeScreen { … } }` level by level: the user row first, then the shelves, then the
 * catalog. But most of those reads need nothing from the user row — only its id, which the query already has — so
 * waiting for the row stacks a round trip in front of every shelf. Here `Query.user` looks at its own selection
 * (fields, fragments, @skip/@include with their variables) and starts exactly the reads the selected fields will
 * make: the same repository calls with the same arguments, so the statements and their number are unchanged
 * (one per partition). The resolvers then find them started:
 *
 *  - `homeScreen(itemsPerShelf)`: Continue Watching, For You, Top Picks and Recently Watched (the genre rows need
 *    the user's preferred genres, so they still follow the user row), and, when the query asks for `content` on the
 *    items, each title through the request's content loader as soon as its shelf is back (not the Top Picks, whose
 *    leaderboard rows answer their content themselves);
 *  - the first page of `recentlyWatched(first)`, `continueWatching(first)` and `forYou(first)` (no `after`: a cursor
 *    is validated by its resolver first).
 *
 * A started read is handed to the first resolver call with the same arguments and then forgotten (take-once), so it
 * never stands in for a read issued later in the request. Only for the viewer's own user (or an admin): a request
 * refused by the access policy starts nothing. When the user does not exist the prefetched reads find empty
 * partitions and are dropped.
 */
import {
  getDirectiveValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  type FieldNode,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from 'graphql';
import type { Context } from '../context';
import { cardOf } from '../domain/leaderboards';
import type { TopPick } from '../domain/models';
import { pageSize } from '../domain/pagination';
import type { Repositories } from '../repositories';
import { CatalogRepository } from '../repositories/catalog';
import { HistoryRepository, type HistoryPosition } from '../repositories/history';
import { RecommendationsRepository } from '../repositories/recommendations';
import { DEFAULT_ITEMS_PER_SHELF, MAX_ITEMS_PER_SHELF, userShelfReads } from '../services/home-screen';

type Reads = Map<string, Promise<unknown>>;
const STATE = Symbol('prefetch state');
const READS = Symbol('prefetched reads');
/** The started reads, and the request's repositories that issue them (without the take-once layer). */
type WithState = { [STATE]?: { reads: Reads; base: Repositories } };

const key = (kind: string, args: unknown[]) =>
  `${kind}|${args.map((a) => String(a).toLowerCase()).join('|')}`;

/** The read started under `kind/args`, handed over once; otherwise `read()` now. */
function take<T>(reads: Reads, kind: string, args: unknown[], read: () => Promise<T>): Promise<T> {
  if (reads.size) {
    const k = key(kind, args);
    const p = reads.get(k);
    if (p) {
      reads.delete(k);
      return p as Promise<T>;
    }
  }
  return read();
}

/*
 * The take-once layer as subclasses of the repositories, one class each, defined once. A request's copy is made from
 * the class's prototype (like `Repository.withClient`), so every request's copies share one hidden class: an earlier
 * version used `Object.create(theRequestsRepository)`, which turned a fresh object into a prototype on every request
 * — new hidden classes each time, property accesses on them megamorphic, and ≈ 10 % of a home screen's CPU.
 */
class PrefetchingHistory extends HistoryRepository {
  declare [READS]: Reads;
  override recentlyWatched(userId: string, limit: number, after: HistoryPosition | null) {
    return after
      ? super.recentlyWatched(userId, limit, after)
      : take(this[READS], 'rw', [userId, limit], () => super.recentlyWatched(userId, limit, null));
  }
  override continueWatching(userId: string, limit: number) {
    return take(this[READS], 'cw', [userId, limit], () => super.continueWatching(userId, limit));
  }
}

class PrefetchingRecommendations extends RecommendationsRepository {
  declare [READS]: Reads;
  override forYou(userId: string, limit: number, afterRank: number | null) {
    return afterRank !== null
      ? super.forYou(userId, limit, afterRank)
      : take(this[READS], 'fy', [userId, limit], () => super.forYou(userId, limit, null));
  }
}

class PrefetchingCatalog extends CatalogRepository {
  declare [READS]: Reads;
  override topPicks(scope: string, limit: number) {
    return take(this[READS], 'tp', [scope, limit], () => super.topPicks(scope, limit));
  }
}

/** A copy of the request's repository `repo` with the take-once layer of `cls` over `reads`. */
function prefetching<T extends object>(cls: { prototype: T }, repo: object, reads: Reads): T {
  const copy = Object.create(cls.prototype) as T & { [READS]: Reads };
  Object.assign(copy, repo);
  copy[READS] = reads;
  return copy;
}

/**
 * The request's repositories, with the four shelf reads served from what `prefetchUserReads` started (take-once).
 * Everything else is the request's repositories themselves. In-memory stand-ins (tests, the benchmark's) have no
 * reads to overlap and are returned as they are.
 */
export function prefetchingRepositories(base: Repositories): Repositories {
  if (
    !(base.history instanceof HistoryRepository) ||
    !(base.recommendations instanceof RecommendationsRepository) ||
    !(base.catalog instanceof CatalogRepository)
  ) {
    return base;
  }
  const reads: Reads = new Map();
  // A literal, not `{ ...base, history, … }`: see src/context.ts on spreads in per-request objects.
  const repos: Repositories & WithState = {
    users: base.users,
    ratings: base.ratings,
    copyJobs: base.copyJobs,
    copies: base.copies,
    erasure: base.erasure,
    recommenderModel: base.recommenderModel,
    trainingData: base.trainingData,
    history: prefetching(PrefetchingHistory, base.history, reads),
    recommendations: prefetching(PrefetchingRecommendations, base.recommendations, reads),
    catalog: prefetching(PrefetchingCatalog, base.catalog, reads),
    [STATE]: { reads, base },
  };
  return repos;
}

/** Starts `read` under `kind/args` for the request, unless the same read is already waiting. */
function start<T>(reads: Reads, kind: string, args: unknown[], read: () => Promise<T>): Promise<T> | null {
  const k = key(kind, args);
  if (reads.has(k)) return null;
  const p = read();
  p.catch(() => undefined); // a prefetched read nobody takes (unknown user) must not be an unhandled rejection
  reads.set(k, p);
  return p;
}

/** The fields selected under a selection set, through fragments, honouring @skip/@include. */
function fieldsOf(
  set: SelectionSetNode | undefined,
  info: GraphQLResolveInfo,
  out: FieldNode[] = [],
): FieldNode[] {
  for (const sel of set?.selections ?? []) {
    if (!included(sel, info)) continue;
    if (sel.kind === Kind.FIELD) out.push(sel);
    else if (sel.kind === Kind.INLINE_FRAGMENT) fieldsOf(sel.selectionSet, info, out);
    else fieldsOf(info.fragments[sel.name.value]?.selectionSet, info, out);
  }
  return out;
}

function included(node: Parameters<typeof getDirectiveValues>[1], info: GraphQLResolveInfo): boolean {
  if (!node.directives?.length) return true;
  if (getDirectiveValues(GraphQLSkipDirective, node, info.variableValues)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, info.variableValues)?.if !== false;
}

/** Whether `path` (field names) is selected below the given fields. */
function selects(fields: FieldNode[], path: string[], info: GraphQLResolveInfo): boolean {
  if (path.length === 0) return true;
  return fields.some(
    (f) => f.name.value === path[0] && selects(fieldsOf(f.selectionSet, info), path.slice(1), info),
  );
}

/** A literal or variable argument's value (undefined when absent or not a plain scalar). */
function arg(field: FieldNode, name: string, info: GraphQLResolveInfo): unknown {
  const a = field.arguments?.find((x) => x.name.value === name);
  if (!a) return undefined;
  const v = a.value;
  if (v.kind === Kind.VARIABLE) return info.variableValues[v.name.value];
  if (v.kind === Kind.INT) return Number(v.value);
  if (v.kind === Kind.NULL) return null;
  if (v.kind === Kind.STRING) return v.value;
  return Symbol.for('unsupported');
}

/** A page size as the field's resolver will compute it, or null when the resolver would refuse it. */
function size(first: unknown, limits: { defaultFirst: number; maxFirst: number }): number | null {
  if (first !== undefined && first !== null && typeof first !== 'number') return null;
  try {
    return pageSize(first as number | null | undefined, limits);
  } catch {
    return null;
  }
}

export function prefetchUserReads(ctx: Context, info: GraphQLResolveInfo, userId: string): void {
  const state = (ctx.repos as WithState)[STATE];
  if (!state || info.operation.operation !== 'query') return;
  if (!(ctx.auth.isAdmin || ctx.auth.isSelf(userId))) return;
  const { reads, base } = state;
  const id = userId.toLowerCase();
  type Items = Array<{ contentId: string }>;
  const loadContent = (items: Items) => void ctx.loaders.content.loadMany(items.map((i) => i.contentId));
  const then = <T>(p: Promise<T> | null, f: (v: T) => void) => void p?.then(f, () => undefined);
  // The same calls the resolvers make, routed through `start` (repositories shaped like the shared ones).
  const starting = {
    history: {
      continueWatching: (u: string, l: number) =>
        start(reads, 'cw', [u, l], () => base.history.continueWatching(u, l)),
      recentlyWatched: (u: string, l: number) =>
        start(reads, 'rw', [u, l], () => base.history.recentlyWatched(u, l, null)),
    },
    recommendations: {
      forYou: (u: string, l: number) =>
        start(reads, 'fy', [u, l], () => base.recommendations.forYou(u, l, null)),
    },
    catalog: {
      topPicks: (sc: string, l: number) => start(reads, 'tp', [sc, l], () => base.catalog.topPicks(sc, l)),
    },
  };
  for (const field of fieldsOf(info.fieldNodes[0]?.selectionSet, info)) {
    const sub = () => fieldsOf(field.selectionSet, info);
    const first = () => size(arg(field, 'first', info), ctx.config.pagination);
    switch (field.name.value) {
      case 'homeScreen': {
        const n = size(arg(field, 'itemsPerShelf', info), {
          defaultFirst: DEFAULT_ITEMS_PER_SHELF,
          maxFirst: MAX_ITEMS_PER_SHELF,
        });
        if (n === null) break;
        const [cw, fy, tp, rw] = userShelfReads(starting as unknown as Repositories, id, n) as unknown as [
          Promise<Items> | null,
          Promise<{ items: Items }> | null,
          Promise<TopPick[]> | null,
          Promise<{ items: Items }> | null,
        ];
        if (selects(sub(), ['shelves', 'items', 'content'], info)) {
          then(cw, loadContent);
          then(fy, (r) => loadContent(r.items));
          // A top pick answers its content from the leaderboard row (cardOf); only a row that cannot is looked up.
          then(tp, (picks) => loadContent(picks.filter((p) => !cardOf(p))));
          then(rw, (r) => loadContent(r.items));
        }
        break;
      }
      case 'recentlyWatched': {
        const n = arg(field, 'after', info) ? null : first();
        if (n === null) break;
        const p = starting.history.recentlyWatched(id, n) as Promise<{ items: Items }> | null;
        if (selects(sub(), ['edges', 'node', 'content'], info)) then(p, (r) => loadContent(r.items));
        break;
      }
      case 'continueWatching': {
        const n = first();
        if (n === null) break;
        const p = starting.history.continueWatching(id, n) as Promise<Items> | null;
        if (selects(sub(), ['content'], info)) then(p, loadContent);
        break;
      }
      case 'forYou': {
        const n = arg(field, 'after', info) ? null : first();
        if (n !== null) starting.recommendations.forYou(id, n);
        break;
      }
      default:
    }
  }
}
