import pino, { type DestinationStream, type Logger } from 'pino';
import { currentScope } from './observability/request-scope';

export type { Logger };

/**
 * Paths removed from every log line, whatever code logs them: personal data and secrets must never reach the logs.
 * (The request log line never includes queries, variables, headers or bodies in the first place.)
 */
export const REDACTED_PATHS = [
  'email',
  '*.email',
  'variables',
  '*.variables',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers',
  '*.headers',
  'password',
  '*.password',
];

/**
 * The one logger factory: JSON lines (pino); `npm run dev` pipes them through pino-pretty. Every line written while a
 * request is handled carries its `requestId` (the id clients see in `extensions.requestId` and `x-request-id`).
 */
export function createLogger(
  level: string,
  bindings: Record<string, unknown> = {},
  destination?: DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'personalization-subgraph', ...bindings },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    mixin() {
      const scope = currentScope();
      return scope ? { requestId: scope.requestId } : {};
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
