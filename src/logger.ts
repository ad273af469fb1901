import pino, { type DestinationStream, type Logger } from 'pino';

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
 * The one logger factory: JSON lines (pino); `npm run dev` pipes them through pino-pretty. Lines about a request carry
 * its `requestId` (the id clients see in `extensions.requestId` and `x-request-id`): the request line itself, and the
 * errors the GraphQL plugin and the HTTP handler log (src/http/operations.ts) — passed explicitly, not looked up.
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
  };
  return destination ? pino(options, destination) : pino(options);
}
