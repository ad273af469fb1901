/**
 * npm run schema:print [-- file] — writes the subgraph SDL exactly as a gateway or `rover` sees it: the answer of
 * `{ _service { sdl } }`, executed in-process (no database, no server). To stdout, or to the file given.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { graphql } from 'graphql';
import { buildSchema } from '../server';

/** The SDL this subgraph reports to a gateway through `_service { sdl }`. */
export async function subgraphSdl(): Promise<string> {
  const result = await graphql({ schema: buildSchema(), source: '{ _service { sdl } }' });
  if (result.errors?.length)
    throw new Error(`_service { sdl } failed: ${result.errors.map((e) => e.message).join('; ')}`);
  const sdl = (result.data as { _service: { sdl: string } })._service.sdl;
  return sdl.endsWith('\n') ? sdl : `${sdl}\n`;
}

if (require.main === module) {
  new Command('schema:print')
    .description('Print the subgraph SDL (_service { sdl }) for composition, e.g. rover supergraph compose')
    .argument('[file]', 'write the SDL to this file instead of stdout')
    .action(async (file?: string) => {
      const sdl = await subgraphSdl();
      if (file) {
        fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
        fs.writeFileSync(file, sdl);
        process.stderr.write(`wrote ${file} (${sdl.length} bytes)\n`);
      } else {
        process.stdout.write(sdl);
      }
    })
    .parseAsync()
    .catch((err: Error) => {
      process.stderr.write(`error: ${err.message}\n`);
      process.exit(1);
    });
}
