import pino, { type Logger } from 'pino';

export type { Logger };

/** The one logger factory: JSON lines (pino); `npm run dev` pipes them through pino-pretty. */
export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { service: 'personalization-subgraph', ...bindings } });
}
