import {
  defaultFieldResolver,
  isObjectType,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { forbidden, unauthenticated } from '../domain/errors';

/**
 * WHO MAY SEE WHAT — the whole authorization policy of the API, in one place.
 *
 * A request's viewer comes from its bearer token (src/auth/jwt.ts): anonymous (no token), a user (`sub` = their user
 * id) or an administrator (`scope` contains `admin`). The tables below say, for every root field and every field of
 * `User`, who may use it; `applyAccessPolicy` enforces them on the schema, so no resolver carries a check of its own
 * and every way to reach a `User` (`user(id)`, `_entities`, `similarUsers { user }`, mutation payloads…) is covered
 * by the same field rules, checked against the id of the user the field belongs to.
 *
 * Fail closed: a root field missing from its table is admin-only, a `User` field missing from USER_FIELD_ACCESS is
 * private to its user, and tests/authorization.test.ts fails until the new field is classified here.
 */

export type Viewer =
  | { readonly kind: 'anonymous' }
  | {
      readonly kind: 'user';
      readonly userId: string;
      readonly admin: boolean;
      readonly scopes: readonly string[];
    };

export type UserViewer = Extract<Viewer, { kind: 'user' }>;

export const ANONYMOUS: Viewer = Object.freeze({ kind: 'anonymous' });

/** User ids compare in canonical form: lower case, without the braces the UUID scalar tolerates. */
export function normalizeUserId(id: string): string {
  return id
    .trim()
    .replace(/^\{(.*)\}$/, '$1')
    .toLowerCase();
}

/** Who may use a root field. `self`: the user named by argument `userArg` (or an admin). */
export type RootRule = { access: 'public' } | { access: 'admin' } | { access: 'self'; userArg: string };

/** Who may read a field of `User`. `self`: the user the object is (or an admin). */
export type UserFieldAccess = 'public' | 'self';

const PUBLIC: RootRule = { access: 'public' };
const ADMIN: RootRule = { access: 'admin' };
const SELF: RootRule = { access: 'self', userArg: 'userId' };

export const QUERY_ACCESS: Readonly<Record<string, RootRule>> = {
  // The catalog is public.
  content: PUBLIC,
  contents: PUBLIC,
  contentByExternalId: PUBLIC,
  topPicks: PUBLIC,
  contentByGenre: PUBLIC,
  // A user by id: the entity and its public fields; every other field checks the viewer (USER_FIELD_ACCESS).
  user: PUBLIC,
  // Lookups by private attributes would be oracles ("does this e-mail have an account?") and listings of private
  // preferences: administration only. A viewer knows their own id (the token's `sub`).
  userByEmail: ADMIN,
  userByExternalId: ADMIN,
  usersWhoLike: ADMIN,
  // Federation: the SDL, and entity resolution — which returns entities whose fields check the viewer as above.
  _service: PUBLIC,
  _entities: PUBLIC,
};

export const MUTATION_ACCESS: Readonly<Record<string, RootRule>> = {
  // A new account gets its id here, so no token can name it yet: accounts are provisioned by an administrator
  // (or the identity service, with an admin token).
  createUser: ADMIN,
  updatePreferences: SELF,
  changeEmail: SELF,
  recordWatch: SELF,
  updateProgress: SELF,
  rateContent: SELF,
  dismissRecommendation: SELF,
  // A user may erase their own account.
  deleteUser: SELF,
  refreshRecommendations: SELF,
  // Catalog administration.
  upsertContent: ADMIN,
  renameContent: ADMIN,
};

export const USER_FIELD_ACCESS: Readonly<Record<string, UserFieldAccess>> = {
  // The public profile: what another viewer sees of a similar user, and what an anonymous `user(id)` answers.
  id: 'public',
  name: 'public',
  // Everything else about a person is theirs.
  email: 'self',
  signupDate: 'self',
  preferredGenres: 'self',
  preferredLanguage: 'self',
  externalId: 'self',
  recentlyWatched: 'self',
  continueWatching: 'self',
  forYou: 'self',
  homeScreen: 'self',
  similarUsers: 'self',
};

/**
 * Types whose every field is public: the catalog. tests/authorization.test.ts checks that nothing else can be reached
 * from a public root field without passing a `User` field or root field that checks the viewer.
 */
export const PUBLIC_TYPES: readonly string[] = [
  'Content',
  'ContentConnection',
  'ContentEdge',
  'TopPick',
  'PageInfo',
  '_Service',
];

/** The request's viewer and the checks resolvers (and applyAccessPolicy) call: `ctx.auth`. */
export class AccessPolicy {
  constructor(readonly viewer: Viewer = ANONYMOUS) {}

  get isAdmin(): boolean {
    return this.viewer.kind === 'user' && this.viewer.admin;
  }

  /** The viewer's own user id; null when anonymous. */
  get userId(): string | null {
    return this.viewer.kind === 'user' ? this.viewer.userId : null;
  }

  isSelf(userId: unknown): boolean {
    return typeof userId === 'string' && this.userId !== null && normalizeUserId(userId) === this.userId;
  }

  /** UNAUTHENTICATED unless the request carries a valid token. */
  requireViewer(what = 'This field'): UserViewer {
    if (this.viewer.kind !== 'user') {
      throw unauthenticated(
        `${what} needs a bearer token (Authorization: Bearer <token>); anonymous requests see the public catalog and public profiles only.`,
      );
    }
    return this.viewer;
  }

  /** The viewer is the user `userId` or an admin: UNAUTHENTICATED without a token, FORBIDDEN for someone else. */
  requireSelfOrAdmin(userId: unknown, what = 'This field'): void {
    this.requireViewer(what);
    if (this.isAdmin || this.isSelf(userId)) return;
    throw forbidden(
      `${what} belongs to another user: a token reads and changes only its own user's data (the admin scope: anyone's).`,
    );
  }

  /** The viewer has the admin scope: UNAUTHENTICATED without a token, FORBIDDEN without the scope. */
  requireAdmin(what = 'This field'): void {
    this.requireViewer(what);
    if (!this.isAdmin) throw forbidden(`${what} needs the admin scope.`);
  }
}

const guarded = new WeakSet<GraphQLSchema>();

type Resolver = GraphQLFieldResolver<unknown, { auth: AccessPolicy }, Record<string, unknown>>;

function guardRoot(type: GraphQLObjectType | null | undefined, table: Readonly<Record<string, RootRule>>) {
  if (!type) return;
  for (const field of Object.values(type.getFields())) {
    const rule = table[field.name] ?? ADMIN; // not classified yet: administrators only
    if (rule.access === 'public') continue;
    const resolve: Resolver = field.resolve ?? defaultFieldResolver;
    const what = `${type.name}.${field.name}`;
    field.resolve =
      rule.access === 'admin'
        ? (source, args, ctx, info) => (ctx.auth.requireAdmin(what), resolve(source, args, ctx, info))
        : (source, args, ctx, info) => (
            ctx.auth.requireSelfOrAdmin(args[rule.userArg], what),
            resolve(source, args, ctx, info)
          );
  }
}

/**
 * Enforces the tables on a built schema (in place; returns it): root fields by their rule, and every non-public field
 * of `User` against the id of the user object it is read from.
 */
export function applyAccessPolicy(schema: GraphQLSchema): GraphQLSchema {
  if (guarded.has(schema)) return schema; // once per schema: the checks are not stacked
  guarded.add(schema);
  guardRoot(schema.getQueryType(), QUERY_ACCESS);
  guardRoot(schema.getMutationType(), MUTATION_ACCESS);
  const user = schema.getType('User');
  if (isObjectType(user)) {
    for (const field of Object.values(user.getFields())) {
      if ((USER_FIELD_ACCESS[field.name] ?? 'self') === 'public') continue;
      const resolve: Resolver = field.resolve ?? defaultFieldResolver;
      const what = `User.${field.name}`;
      field.resolve = (source, args, ctx, info) => (
        ctx.auth.requireSelfOrAdmin((source as { id?: unknown } | null)?.id, what),
        resolve(source, args, ctx, info)
      );
    }
  }
  return schema;
}
