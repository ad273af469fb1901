import { GraphQLError, GraphQLScalarType, type ValueNode } from 'graphql';
import {
  DateResolver,
  DateTimeResolver,
  EmailAddressResolver,
  NonNegativeIntResolver,
  PositiveIntResolver,
  UUIDResolver,
} from 'graphql-scalars';

/**
 * graphql-scalars' scalars, with input errors marked BAD_USER_INPUT and a message that names the scalar, so a
 * malformed id fails in the scalar (before any resolver or database call) with a code clients can switch on.
 */
function withInputCode(base: GraphQLScalarType, hint: string): GraphQLScalarType {
  const wrap =
    <A extends unknown[], R>(fn: (...args: A) => R) =>
    (...args: A): R => {
      try {
        return fn(...args);
      } catch (err) {
        throw new GraphQLError(
          `Invalid ${base.name}: ${(err as Error).message.replace(/^Value is not a valid \w+: ?/, '')} ${hint}`.trim(),
          {
            extensions: { code: 'BAD_USER_INPUT' },
          },
        );
      }
    };
  const config = base.toConfig();
  return new GraphQLScalarType({
    ...config,
    parseValue: wrap(config.parseValue!),
    parseLiteral: wrap((node: ValueNode, variables?: Record<string, unknown> | null) =>
      config.parseLiteral!(node, variables),
    ),
  });
}

export const scalarResolvers = {
  UUID: withInputCode(UUIDResolver, '(expected a UUID like aaaa1111-1111-1111-1111-111111111111)'),
  DateTime: DateTimeResolver,
  Date: withInputCode(DateResolver, '(expected YYYY-MM-DD)'),
  EmailAddress: withInputCode(EmailAddressResolver, ''),
  NonNegativeInt: withInputCode(NonNegativeIntResolver, ''),
  PositiveInt: withInputCode(PositiveIntResolver, ''),
};
