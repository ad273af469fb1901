/**
 * Cache hints (`@cacheControl`) at the cost of the fields that carry them.
 *
 * Apollo Server's cache-control plugin hooks `willResolveField` on every field of every response: a hook call, a
 * policy object and a closure per resolved field — ≈ 700 of them for a home screen — and, because a field-level
 * hook exists, Apollo wraps every resolver of the schema, which also keeps graphql-jit from inlining plain property
 * reads. Yet a field's contribution to the response's policy is static: it depends only on the field's and its
 * return type's hints (and on being a root field). Most fields contribute nothing (scalars, types that inherit).
 *
 * So this plugin computes each field's contribution once, exactly as Apollo's plugin does (same annotations, same
 * `defaultMaxAge` 0 rule for composite fields without hints and for root fields), wraps only the fields that do
 * contribute, and sets the header as Apollo's plugin does (`max-age=N, public|private`, `no-store` when not cacheable
 * or when the response has errors). A field counts when its resolver runs, as with Apollo's plugin.
 *
 * Resolvers that set hints at run time (`info.cacheControl`) must be listed in DYNAMIC_HINTS: they get Apollo's
 * full per-call treatment. In this schema that is only federation's `_entities` (a Content entity is public for five
 * minutes, a User private). tests/jit-executor.test.ts compares the headers with Apollo's own plugin.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  getNamedType,
  isCompositeType,
  isObjectType,
  type DirectiveNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import { defaultFieldResolver } from 'graphql';

type Scope = 'PUBLIC' | 'PRIVATE';
interface Hint {
  maxAge?: number;
  scope?: Scope;
  inheritMaxAge?: boolean;
}
interface Policy {
  maxAge?: number;
  scope?: Scope;
  restrict(h: Hint): void;
  replace(h: Hint): void;
}

/** Fields whose resolvers set cache hints at run time. */
export const DYNAMIC_HINTS = ['Query._entities'];

const POLICY = Symbol('the request’s overall cache policy');

function newPolicy(): Policy {
  return {
    maxAge: undefined,
    scope: undefined,
    restrict(h) {
      if (h.maxAge !== undefined && (this.maxAge === undefined || h.maxAge < this.maxAge))
        this.maxAge = h.maxAge;
      if (h.scope !== undefined && this.scope !== 'PRIVATE') this.scope = h.scope;
    },
    replace(h) {
      if (h.maxAge !== undefined) this.maxAge = h.maxAge;
      if (h.scope !== undefined) this.scope = h.scope;
    },
  };
}

// ---- annotations, as @apollo/server's cacheControl plugin reads them ----

function fromDirectives(directives: readonly DirectiveNode[] | undefined): Hint | undefined {
  const d = directives?.find((x) => x.name.value === 'cacheControl');
  if (!d?.arguments) return undefined;
  const arg = (name: string) => d.arguments!.find((a) => a.name.value === name)?.value;
  const scopeArg = arg('scope');
  const scopeString = scopeArg?.kind === 'EnumValue' ? scopeArg.value : undefined;
  const scope = scopeString === 'PUBLIC' || scopeString === 'PRIVATE' ? scopeString : undefined;
  const inherit = arg('inheritMaxAge');
  if (inherit?.kind === 'BooleanValue' && inherit.value) return { inheritMaxAge: true, scope };
  const maxAge = arg('maxAge');
  return { maxAge: maxAge?.kind === 'IntValue' ? parseInt(maxAge.value, 10) : undefined, scope };
}

export function typeHint(t: GraphQLCompositeType): Hint {
  const own = fromDirectives(t.astNode?.directives);
  if (own) return own;
  for (const node of t.extensionASTNodes ?? []) {
    const h = fromDirectives(node.directives);
    if (h) return h;
  }
  return {};
}

function fieldHint(f: GraphQLField<unknown, unknown>): Hint {
  return fromDirectives(f.astNode?.directives) ?? {};
}

/**
 * What a resolved field starts with (Apollo's willResolveField): its return type's hint, then its own; and whether
 * it inherits its parent's maxAge.
 */
function initialPolicy(field: GraphQLField<unknown, unknown>): {
  policy: Policy;
  inherit: boolean;
  composite: boolean;
} {
  const policy = newPolicy();
  let inherit = false;
  const target = getNamedType(field.type);
  const composite = isCompositeType(target);
  if (composite) {
    const a = typeHint(target);
    policy.replace(a);
    inherit = !!a.inheritMaxAge;
  }
  const f = fieldHint(field);
  if (f.inheritMaxAge && policy.maxAge === undefined) {
    inherit = true;
    if (f.scope) policy.replace({ scope: f.scope });
  } else policy.replace(f);
  return { policy, inherit, composite };
}

/** Apollo's didResolveField: no maxAge on a composite non-inheriting field or on a root field means defaultMaxAge (0). */
function finish(p: Policy, composite: boolean, inherit: boolean, root: boolean): Policy {
  if (p.maxAge === undefined && ((composite && !inherit) || root)) p.restrict({ maxAge: 0 });
  return p;
}

type Resolver = GraphQLFieldResolver<unknown, Record<symbol, Policy | undefined>>;

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  typeof (v as { then?: unknown } | null)?.then === 'function';

/**
 * Wraps, in place, the resolvers of the fields that contribute to the cache policy. Returns how many were wrapped.
 * Root fields are the fields of the root types (no field of this schema returns a root type).
 */
export function instrumentCachePolicy(schema: GraphQLSchema): number {
  const roots = new Set(
    [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean),
  );
  let wrapped = 0;
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const root = roots.has(type);
    for (const field of Object.values(type.getFields())) {
      const resolve = (field.resolve ?? defaultFieldResolver) as Resolver;
      if (DYNAMIC_HINTS.includes(`${type.name}.${field.name}`)) {
        field.resolve = ((source, args, ctx, info) => {
          const overall = ctx?.[POLICY];
          if (!overall) return resolve(source, args, ctx, info);
          const { policy, inherit, composite } = initialPolicy(field);
          (info as { cacheControl?: unknown }).cacheControl = {
            setCacheHint: (h: Hint) => policy.replace(h),
            cacheHint: policy,
            cacheHintFromType: typeHint,
          };
          const done = () => overall.restrict(finish(policy, composite, inherit, root));
          try {
            const result = resolve(source, args, ctx, info);
            if (isThenable(result)) return Promise.resolve(result).finally(done);
            done();
            return result;
          } catch (err) {
            done();
            throw err;
          }
        }) as Resolver;
        wrapped += 1;
        continue;
      }
      const { policy, inherit, composite } = initialPolicy(field);
      const contribution = finish(policy, composite, inherit, root);
      if (contribution.maxAge === undefined && contribution.scope === undefined) continue; // contributes nothing
      const hint: Hint = { maxAge: contribution.maxAge, scope: contribution.scope };
      field.resolve = ((source, args, ctx, info) => {
        ctx?.[POLICY]?.restrict(hint);
        return resolve(source, args, ctx, info);
      }) as Resolver;
      wrapped += 1;
    }
  }
  return wrapped;
}

const CACHEABLE = /^max-age=(\d+), (public|private)$/;

/**
 * The plugin that replaces Apollo's cache-control plugin (install it with ApolloServerPluginCacheControlDisabled):
 * hands the request's policy to the instrumented fields and writes the header exactly as Apollo's plugin does.
 */
export function staticCachePolicyPlugin(): ApolloServerPlugin<object> {
  return {
    async requestDidStart(requestContext) {
      const ctx = requestContext.contextValue as Record<symbol, unknown> | undefined;
      if (ctx && typeof ctx === 'object') {
        Object.defineProperty(ctx, POLICY, { value: requestContext.overallCachePolicy, configurable: true });
      }
      return {
        async willSendResponse({ response, overallCachePolicy }) {
          const existing = response.http.headers.get('cache-control');
          let kind: 'none' | 'uncacheable' | 'cacheable' | 'unparsable' = 'none';
          let hint: Hint = {};
          if (existing) {
            if (existing === 'no-store') kind = 'uncacheable';
            else {
              const m = CACHEABLE.exec(existing);
              if (!m) kind = 'unparsable';
              else {
                kind = 'cacheable';
                hint = { maxAge: +m[1], scope: m[2] === 'public' ? 'PUBLIC' : 'PRIVATE' };
              }
            }
          }
          if (kind === 'unparsable') return;
          const policy = newPolicy();
          policy.replace(overallCachePolicy);
          if (kind === 'cacheable') policy.restrict(hint);
          const cacheable = policy.maxAge !== undefined && policy.maxAge !== 0;
          if (
            cacheable &&
            kind !== 'uncacheable' &&
            response.body.kind === 'single' &&
            !response.body.singleResult.errors
          ) {
            response.http.headers.set(
              'cache-control',
              `max-age=${policy.maxAge}, ${(policy.scope ?? 'PUBLIC').toLowerCase()}`,
            );
          } else {
            response.http.headers.set('cache-control', 'no-store');
          }
        },
      };
    },
  };
}
