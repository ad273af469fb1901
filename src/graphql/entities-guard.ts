import {
  getNamedType,
  isNonNullType,
  isScalarType,
  isUnionType,
  Kind,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { badInput } from '../domain/errors';

/** A gateway sends one representation per entity it needs; a list longer than this is refused. */
export const MAX_REPRESENTATIONS = 1_000;

/**
 * `_entities(representations: [_Any!]!)` takes arbitrary JSON (`_Any`), so the scalars never check it: without this
 * guard a representation with an unknown `__typename`, a missing key or a malformed id reaches @apollo/subgraph or
 * the driver and fails as an INTERNAL_SERVER_ERROR. Here every representation is checked like an argument would be:
 * `__typename` names an entity, every `@key` field is present, and every scalar field it carries parses with that
 * field's scalar (so `id` must be a UUID). Anything else is BAD_USER_INPUT before any resolver or database call.
 */
export function guardEntityRepresentations(schema: GraphQLSchema): GraphQLSchema {
  const field = schema.getQueryType()?.getFields()._entities;
  const union = schema.getType('_Entity');
  if (!field?.resolve || !isUnionType(union)) return schema;
  const entities = new Map(union.getTypes().map((t) => [t.name, { type: t, keys: keyFields(t) }] as const));
  const names = [...entities.keys()].join(', ');
  const resolve = field.resolve;
  field.resolve = (source, args, context, info) => {
    const reps: unknown = args.representations;
    if (!Array.isArray(reps))
      throw badInput('`representations` must be a list.', { argument: 'representations' });
    if (reps.length > MAX_REPRESENTATIONS) {
      throw badInput(`At most ${MAX_REPRESENTATIONS} representations per request, got ${reps.length}.`, {
        argument: 'representations',
        max: MAX_REPRESENTATIONS,
      });
    }
    reps.forEach((rep, i) => {
      const where = `representations[${i}]`;
      if (typeof rep !== 'object' || rep === null || Array.isArray(rep)) {
        throw badInput(`${where} must be an object with __typename.`, { argument: 'representations' });
      }
      const r = rep as Record<string, unknown>;
      const entity = typeof r.__typename === 'string' ? entities.get(r.__typename) : undefined;
      if (!entity) {
        throw badInput(`${where}.__typename must be one of ${names}.`, { argument: 'representations' });
      }
      for (const key of entity.keys) {
        if (r[key] === undefined || r[key] === null) {
          throw badInput(`${where} lacks the key field \`${key}\` of ${entity.type.name}.`, {
            argument: 'representations',
          });
        }
      }
      const fields = entity.type.getFields();
      for (const [name, value] of Object.entries(r)) {
        const f = fields[name];
        if (!f) continue;
        const scalar = getNamedType(f.type);
        if (!isScalarType(scalar) || (value === null && !isNonNullType(f.type))) continue;
        try {
          scalar.parseValue(value);
        } catch (err) {
          throw badInput(`${where}.${name}: ${(err as Error).message}`, { argument: 'representations' });
        }
      }
    });
    return resolve(source, args, context, info);
  };
  return schema;
}

/** The top-level field names of a type's `@key(fields: "…")` directives (nested selections are not used here). */
function keyFields(type: GraphQLObjectType): string[] {
  const keys = new Set<string>();
  for (const node of [type.astNode, ...(type.extensionASTNodes ?? [])]) {
    for (const d of node?.directives ?? []) {
      if (d.name.value !== 'key') continue;
      const arg = d.arguments?.find((a) => a.name.value === 'fields');
      if (arg?.value.kind !== Kind.STRING) continue;
      // Only the top level: "id" or "id sku" → id, sku; "a { b }" → a.
      let depth = 0;
      for (const token of arg.value.value.match(/[{}]|[_A-Za-z][_0-9A-Za-z]*/g) ?? []) {
        if (token === '{') depth += 1;
        else if (token === '}') depth -= 1;
        else if (depth === 0) keys.add(token);
      }
    }
  }
  return [...keys];
}
