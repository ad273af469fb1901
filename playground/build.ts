/**
 * Bundles the GraphiQL playground (playground/src) into playground/dist with esbuild: index.html, app.js, app.css.
 * Everything GraphiQL needs comes from node_modules at build time, so the page loads nothing from the internet.
 *
 *   npm run build:playground            build it
 *   tsx playground/build.ts --if-stale  build only when dist is missing or its inputs changed (npm run build, tests)
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const PLAYGROUND_ROOT = __dirname;
export const PLAYGROUND_DIST = path.join(PLAYGROUND_ROOT, 'dist');
const SRC = path.join(PLAYGROUND_ROOT, 'src');
const STAMP = 'build-info.json';

/** A hash of everything the bundle is made of: our sources, this script and the bundled packages' versions. */
function inputsHash(): string {
  const hash = crypto.createHash('sha256');
  const files = fs
    .readdirSync(SRC)
    .sort()
    .map((f) => path.join(SRC, f));
  for (const file of [...files, __filename]) {
    hash.update(path.basename(file)).update(fs.readFileSync(file));
  }
  for (const pkg of ['graphiql', '@graphiql/toolkit', 'react', 'react-dom', 'graphql', 'esbuild']) {
    const { version } = JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as {
      version: string;
    };
    hash.update(`${pkg}@${version}`);
  }
  return hash.digest('hex');
}

export interface PlaygroundBuild {
  built: boolean;
  ms: number;
  files: Record<string, number>;
}

function listing(dir: string): Record<string, number> {
  return Object.fromEntries(
    fs
      .readdirSync(dir)
      .sort()
      .map((f) => [f, fs.statSync(path.join(dir, f)).size]),
  );
}

/** Builds the bundle into `outDir` (replacing what was there). */
export async function buildPlayground(outDir = PLAYGROUND_DIST): Promise<PlaygroundBuild> {
  const t0 = Date.now();
  const { build } = await import('esbuild');
  const tmp = `${outDir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  await build({
    entryPoints: { app: path.join(SRC, 'main.tsx') },
    outdir: tmp,
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    // Only reached with a subscriptionUrl, which the playground does not pass.
    external: ['graphql-ws'],
    legalComments: 'none',
    logLevel: 'warning',
  });
  fs.copyFileSync(path.join(SRC, 'index.html'), path.join(tmp, 'index.html'));
  fs.writeFileSync(
    path.join(tmp, STAMP),
    `${JSON.stringify({ inputs: inputsHash(), builtAt: new Date().toISOString() }, null, 2)}\n`,
  );
  // Swap in one step, so a server reading dist never sees a half-written bundle for long.
  for (let attempt = 1; ; attempt++) {
    try {
      fs.rmSync(outDir, { recursive: true, force: true });
      fs.renameSync(tmp, outDir);
      break;
    } catch (err) {
      // Another process (a parallel test run) swapped in its bundle meanwhile: built from the same inputs, it will do.
      if (playgroundFresh(outDir)) {
        fs.rmSync(tmp, { recursive: true, force: true });
        break;
      }
      if (attempt === 5) {
        fs.rmSync(tmp, { recursive: true, force: true });
        throw err;
      }
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
  return { built: true, ms: Date.now() - t0, files: listing(outDir) };
}

/** Whether `outDir` holds a bundle built from the current inputs. */
export function playgroundFresh(outDir = PLAYGROUND_DIST): boolean {
  try {
    const stamp = JSON.parse(fs.readFileSync(path.join(outDir, STAMP), 'utf8')) as { inputs?: string };
    return (
      stamp.inputs === inputsHash() &&
      ['index.html', 'app.js', 'app.css'].every((f) => fs.existsSync(path.join(outDir, f)))
    );
  } catch {
    return false;
  }
}

/** Builds the bundle only when it is missing or stale: a few milliseconds when it is up to date. */
export async function ensurePlayground(outDir = PLAYGROUND_DIST): Promise<PlaygroundBuild> {
  const t0 = Date.now();
  if (playgroundFresh(outDir)) return { built: false, ms: Date.now() - t0, files: listing(outDir) };
  return buildPlayground(outDir);
}

if (require.main === module) {
  const ifStale = process.argv.includes('--if-stale');
  (ifStale ? ensurePlayground() : buildPlayground()).then(
    (r) => {
      const files = Object.entries(r.files)
        .map(([f, size]) => `${f} ${(size / 1024).toFixed(0)} kB`)
        .join(', ');
      process.stderr.write(
        r.built
          ? `[playground] built ${path.relative(process.cwd(), PLAYGROUND_DIST)} in ${r.ms} ms: ${files}\n`
          : `[playground] ${path.relative(process.cwd(), PLAYGROUND_DIST)} is up to date\n`,
      );
    },
    (err: Error) => {
      process.stderr.write(`error: building the playground failed: ${err.message}\n`);
      process.exit(1);
    },
  );
}
