import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'cassandra-driver';
import { isAlive } from '../src/cassandra/local';
import { LENA } from '../src/seed/demo-data';
import { createTestApp, type TestApp } from './support/app';
import { freePort } from './support/ports';

const ROOT = path.resolve(__dirname, '..');
const QUERY = JSON.stringify({ query: `{ user(id: "${LENA}") { name } }` });

/**
 * A request whose headers and half of its body are sent now, the rest on `finish()`: it is in flight (the server is
 * reading it) for as long as the test wants.
 */
function halfSentRequest(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  let raw = '';
  const closed = new Promise<string>((resolve) => {
    socket.on('data', (d) => (raw += d.toString()));
    socket.on('close', () => resolve(raw));
    socket.on('error', () => undefined);
  });
  const half = Math.floor(QUERY.length / 2);
  socket.write(
    `POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(QUERY)}\r\n\r\n${QUERY.slice(0, half)}`,
  );
  return {
    finish: () => socket.write(QUERY.slice(half)),
    /** Everything the server sent, once it closed the connection. */
    closed,
  };
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

describe('graceful shutdown of the HTTP server', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ seed: true });
  });
  afterAll(() => app.close());

  it('when stop is called with a request in flight, then new connections are refused and the request is still answered', async () => {
    const port = Number(new URL(app.url).port);
    const req = halfSentRequest(port);
    await until(() => app.server.ops.inFlight === 1, 'the request to be in flight');
    const stopped = app.server.stop({ deadlineMs: 30_000 });
    expect(await canConnect(port)).toBe(false);
    req.finish();
    const raw = await req.closed;
    expect(raw).toMatch(/^HTTP\/1\.1 200/);
    expect(raw).toContain('"name":"Lena Fischer"');
    expect(raw.toLowerCase()).toContain('connection: close');
    expect((await stopped).forced).toBe(false);
  });
});

describe('graceful shutdown deadline', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ seed: false });
  });
  afterAll(() => app.close());

  it('when a request is still unfinished at the shutdown deadline, then its connection is cut and stop completes', async () => {
    const port = Number(new URL(app.url).port);
    const req = halfSentRequest(port); // never finished
    await until(() => app.server.ops.inFlight === 1, 'the request to be in flight');
    const result = await app.server.stop({ deadlineMs: 200 });
    expect(result.forced).toBe(true);
    expect(await req.closed).toBe('');
  });
});

describe('npm start and SIGTERM', () => {
  it('when the process gets SIGTERM with a request in flight, then it answers the request, closes the driver and exits 0', async () => {
    const keyspace = `t_${crypto.randomBytes(6).toString('hex')}`;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        PORT: '0',
        LOG_LEVEL: 'info',
        CASSANDRA_CONTACT_POINTS: process.env.TEST_CASSANDRA_CONTACT_POINTS,
        CASSANDRA_REPLICATION_FACTOR: '1',
        CASSANDRA_KEYSPACE: keyspace,
        SEED_DEMO_DATA: 'true',
        SHUTDOWN_DEADLINE_MS: '20000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d.toString()));
    child.stderr.on('data', (d) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await until(
        () => /GraphQL endpoint: (\S+)/.test(stdout) || child.exitCode !== null,
        'the server to listen',
      );
      const url = /GraphQL endpoint: (\S+)/.exec(stdout)?.[1];
      if (!url) throw new Error(`the service did not start:\n${stderr}`);
      const port = Number(new URL(url).port);
      const req = halfSentRequest(port);
      await until(
        async () =>
          /^graphql_requests_in_flight 1$/m.test(
            await (await fetch(url.replace('/graphql', '/metrics'))).text(),
          ),
        'the request to be in flight',
      );
      child.kill('SIGTERM');
      await until(async () => !(await canConnect(port)), 'the listener to close');
      req.finish();
      expect(await req.closed).toMatch(/^HTTP\/1\.1 200[\s\S]*"name":"Lena Fischer"/);
      expect(await exited).toBe(0);
      expect(stdout + stderr).toMatch(/"msg":"shutdown complete"/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      const client = new Client({
        contactPoints: process.env.TEST_CASSANDRA_CONTACT_POINTS!.split(','),
        localDataCenter: 'datacenter1',
      });
      await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => undefined);
      await client.shutdown();
    }
  });
});

describe('npm start interrupted during start-up', () => {
  it('when Ctrl-C arrives while the local Cassandra is booting, then the node it launched is stopped and it exits 130', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interrupted-start-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'test',
      PORT: '0',
      LOCAL_CASSANDRA_DIR: dir,
      LOCAL_CASSANDRA_HEAP: '256M',
      LOCAL_CASSANDRA_PORT: String(await freePort()),
      LOCAL_CASSANDRA_STORAGE_PORT: String(await freePort()),
      LOCAL_CASSANDRA_JMX_PORT: String(await freePort()),
    };
    delete env.CASSANDRA_CONTACT_POINTS; // the built-in local Cassandra, as on a fresh machine
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let cassandraPid = 0;
    try {
      await until(() => {
        cassandraPid = Number(/launched pid (\d+)/.exec(stderr)?.[1] ?? 0);
        return cassandraPid > 0 || child.exitCode !== null;
      }, 'the local Cassandra to be launched');
      expect(cassandraPid).toBeGreaterThan(0);
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      await until(() => !isAlive(cassandraPid), 'the launched node to be gone');
      expect(stderr).toContain('start-up interrupted');
      expect(fs.existsSync(path.join(dir, 'node1', 'cassandra.pid'))).toBe(false);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      if (cassandraPid && isAlive(cassandraPid)) process.kill(-cassandraPid, 'SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
