import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';

/** Where `npm run build:playground` writes the bundle (relative to the project root, also from dist/src). */
export const PLAYGROUND_DIST = path.resolve(
  __dirname,
  __dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..',
  'playground',
  'dist',
);
export const PLAYGROUND_PATH = '/playground/';
/**
 * What the page reads before it renders (`{ headers? }`: the Headers pane's initial contents, e.g. the development
 * token). JSON fetched by the page itself, not a script: another site can neither run nor read it (no CORS headers,
 * nosniff), and the page's CSP stays `script-src 'self'` without inline scripts.
 */
export const PLAYGROUND_CONFIG_FILE = 'config.json';
export interface PlaygroundPageConfig {
  headers?: Record<string, string>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
};

/**
 * The page may load only what the service itself serves: GraphiQL's fonts and icons are embedded in its CSS as data
 * URLs and it styles elements inline, so nothing else is needed. This also keeps the playground honest about
 * working offline (a browser refuses anything from elsewhere).
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "base-uri 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function wantsHtml(req: http.IncomingMessage): boolean {
  return (req.headers.accept ?? '').includes('text/html');
}

/**
 * Serves the self-hosted GraphiQL: `/playground/` and its assets, `/playground` → `/playground/`, and `/` →
 * `/playground/` for browsers. Returns false for any other path, so the caller handles it (`/graphql`, 404).
 */
export async function servePlayground(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  pathname: string,
  dir = PLAYGROUND_DIST,
  pageConfig: () => Promise<PlaygroundPageConfig> = async () => ({}),
): Promise<boolean> {
  if (pathname === '/' && req.method === 'GET' && wantsHtml(req)) {
    res.writeHead(302, { location: PLAYGROUND_PATH, 'content-type': 'text/plain; charset=utf-8' });
    res.end(`The GraphQL playground is at ${PLAYGROUND_PATH}; the endpoint is /graphql.\n`);
    return true;
  }
  if (pathname === '/playground') {
    res.writeHead(301, { location: PLAYGROUND_PATH });
    res.end();
    return true;
  }
  if (!pathname.startsWith(PLAYGROUND_PATH)) return false;

  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
    res.end('The playground is read-only: send queries to POST /graphql.\n');
    return true;
  }
  const name = pathname.slice(PLAYGROUND_PATH.length) || 'index.html';
  if (name === PLAYGROUND_CONFIG_FILE) {
    const body = JSON.stringify(await pageConfig());
    res.writeHead(200, {
      'content-type': TYPES['.json'],
      'content-length': String(Buffer.byteLength(body)),
      // It may hold a token: never stored by a cache, never sniffed as a script.
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'cross-origin-resource-policy': 'same-origin',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  }
  // Only plain file names of the bundle: no sub-directories, no dot files, no way out of `dir`.
  const type = TYPES[path.extname(name)];
  if (!/^[\w-]+(\.[\w-]+)+$/.test(name) || !type) return notFound(res, pathname);
  const file = path.join(dir, name);
  let body: Buffer;
  try {
    body = await fs.promises.readFile(file);
  } catch {
    if (name === 'index.html') {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '10' });
      res.end(
        'The playground is not built: run `npm run build:playground` (npm run build and npm test build it too).\n',
      );
      return true;
    }
    return notFound(res, pathname);
  }
  const headers: Record<string, string> = {
    'content-type': type,
    'content-length': String(body.length),
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  };
  if (name.endsWith('.html')) {
    headers['content-security-policy'] = CSP;
    headers['referrer-policy'] = 'no-referrer';
  }
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}

function notFound(res: http.ServerResponse, pathname: string): true {
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: `Not found: ${pathname}.` }));
  return true;
}
