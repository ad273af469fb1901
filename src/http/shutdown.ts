import type http from 'node:http';

export interface DrainResult {
  /** true when connections were still busy at the deadline and were cut. */
  forced: boolean;
  ms: number;
}

/**
 * Stops accepting connections, lets in-flight requests finish (idle keep-alive connections are closed as soon as
 * they are idle; the handler answers with `Connection: close` while draining), and cuts whatever is still open at
 * the deadline.
 */
export function drainHttpServer(server: http.Server, deadlineMs: number): Promise<DrainResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    let forced = false;
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    const deadline = setTimeout(() => {
      forced = true;
      server.closeAllConnections();
    }, deadlineMs);
    const done = () => {
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve({ forced, ms: Date.now() - started });
    };
    if (!server.listening) {
      server.closeAllConnections();
      return done();
    }
    server.close(() => done());
    server.closeIdleConnections();
  });
}
