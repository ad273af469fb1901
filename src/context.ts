import crypto from 'node:crypto';
import type { Config } from './config';
import { CursorCodec } from './domain/cursor';
import { createLoaders, type Loaders } from './loaders';
import type { Logger } from './logger';
import type { Repositories } from './repositories';

/** Long-lived parts, built once at start-up and injected (tests build them around a test keyspace). */
export interface AppDeps {
  config: Config;
  repos: Repositories;
  log: Logger;
}

/** What every resolver receives: the long-lived parts plus this request's own loaders and id. */
export interface Context extends AppDeps {
  loaders: Loaders;
  cursors: CursorCodec;
  requestId: string;
}

export function createContextFactory(deps: AppDeps): (requestId?: string) => Context {
  const cursors = new CursorCodec(deps.config.cursorSecret);
  return (requestId = crypto.randomUUID()) => ({
    ...deps,
    cursors,
    requestId,
    loaders: createLoaders(deps.repos),
  });
}
