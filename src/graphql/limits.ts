import type { ApolloServerPlugin } from '@apollo/server';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { GraphQLError, type ParseOptions, type ValidationContext, type ValidationRule } from 'graphql';

/** Caps on one GraphQL document (GRAPHQL_MAX_* settings). */
export interface GraphQLLimits {
  /** Nesting depth of selections (fragments counted where they are spread). */
  maxDepth: number;
  /** Aliased fields in one operation (`__typename` aliases excepted). */
  maxAliases: number;
  /** Directives in one operation. */
  maxDirectives: number;
  /** Lexical tokens in the whole document; checked while parsing, so a huge document is never fully parsed. */
  maxTokens: number;
  /**
   * graphql-armor's static cost: 2 per object field, 1 per scalar, ×1.5 per nesting level, × a literal `first`.
   * The README's home-screen query costs ≈ 100, `recentlyWatched(first: 100)` ≈ 7,400, `forYou(first: 100)` with
   * reasons ≈ 8,100 (a `first` passed as a variable is not multiplied).
   */
  maxCost: number;
}

type Limit = 'depth' | 'aliases' | 'directives' | 'cost';

/**
 * graphql-armor reports through callbacks; this one turns its finding into a validation error the client sees as
 * `GRAPHQL_VALIDATION_FAILED` (HTTP 400) with `extensions.limit` naming the cap and `extensions.max` its value.
 */
function reject(limit: Limit, max: number) {
  return (ctx: ValidationContext | null, error: GraphQLError) => {
    ctx?.reportError(
      new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { limit, max } }),
    );
  };
}

/**
 * graphql-js only notices at execution that the schema has no root type for an operation ("Schema is not configured
 * to execute subscription operation." — an INTERNAL_SERVER_ERROR); refused here as a validation error instead.
 */
export const SupportedOperationTypesRule: ValidationRule = (context) => ({
  OperationDefinition(node) {
    const schema = context.getSchema();
    const root =
      node.operation === 'query'
        ? schema.getQueryType()
        : node.operation === 'mutation'
          ? schema.getMutationType()
          : schema.getSubscriptionType();
    if (!root) {
      context.reportError(
        new GraphQLError(`This service does not support ${node.operation} operations.`, { nodes: [node] }),
      );
    }
  },
});

/** Validation rules Apollo runs after the specified ones, before any resolver. */
export function limitValidationRules(l: GraphQLLimits): ValidationRule[] {
  const common = { exposeLimits: true, propagateOnRejection: false } as const;
  return [
    SupportedOperationTypesRule,
    maxDepthRule({ ...common, n: l.maxDepth, onReject: [reject('depth', l.maxDepth)] }),
    maxAliasesRule({ ...common, n: l.maxAliases, onReject: [reject('aliases', l.maxAliases)] }),
    maxDirectivesRule({ ...common, n: l.maxDirectives, onReject: [reject('directives', l.maxDirectives)] }),
    costLimitRule({ ...common, maxCost: l.maxCost, onReject: [reject('cost', l.maxCost)] }),
  ] as ValidationRule[];
}

/** graphql-js stops lexing after `maxTokens` tokens ("Document contains more than N tokens"): GRAPHQL_PARSE_FAILED. */
export function limitParseOptions(l: GraphQLLimits): ParseOptions {
  return { maxTokens: l.maxTokens };
}

/**
 * With introspection off, "Did you mean …?" suggestions would leak the schema field by field: removed from every
 * error message.
 */
export function maskSuggestionsPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            if (error.message.includes('Did you mean')) {
              (error as { message: string }).message = error.message.replace(/ ?Did you mean .+\?$/, '');
            }
          }
        },
      };
    },
  };
}
