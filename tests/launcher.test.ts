/**
 * Specifications of the local Cassandra launcher (src/cassandra/local.ts) that run without disturbing a real
 * node that may be up on 9042: every test uses a temp baseDir/cacheDir and free ports. The start/stop life
 * cycle runs against a fake `java` (a small node script behaving like CassandraDaemon: it logs the readiness
 * line and listens on the CQL port), injected through the `javaHome` option.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fsp, readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CQL_READY_MARKER,
  LocalCassandra,
  LocalCassandraError,
  NODE_TOKENS,
  buildJvmArgs,
  renderCassandraYaml,
  type LocalCassandraOptions,
} from '../src/cassandra/local';
import { localCassandraOptionsFromEnv } from '../src/cassandra/local-options';
import { freePort } from './support/ports';

jest.setTimeout(30_000);

const tmpDirs: string[] = [];
async function tmpDir(prefix: string): Promise<string> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), `launcher-${prefix}-`));
  tmpDirs.push(dir);
  return dir;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function expectLauncherError(promise: Promise<unknown>): Promise<LocalCassandraError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LocalCassandraError);
  return error as LocalCassandraError;
}

/** A fake JAVA_HOME whose bin/java reports `version` and otherwise pretends to be CassandraDaemon. */
async function fakeJavaHome(version = '17.0.99'): Promise<string> {
  const home = await tmpDir('java');
  await fsp.mkdir(path.join(home, 'bin'));
  const script = `#!${process.execPath}
const fs = require('fs');
const net = require('net');
const args = process.argv.slice(2);
if (args.includes('-version')) {
  process.stderr.write('openjdk version "${version}" 2099-01-01\\n');
  process.exit(0);
}
if (!args.includes('org.apache.cassandra.service.CassandraDaemon')) process.exit(64);
const get = (prefix) => (args.find((a) => a.startsWith(prefix)) || '').slice(prefix.length);
const logdir = get('-Dcassandra.logdir=');
const yaml = fs.readFileSync(get('-Dcassandra.config=file://'), 'utf8');
const port = Number(/native_transport_port: (\\d+)/.exec(yaml)[1]);
const host = /rpc_address: (\\S+)/.exec(yaml)[1];
console.log('INFO fake CassandraDaemon starting on ' + host + ':' + port);
const mode = process.env.FAKE_JAVA_MODE || 'ok';
if (mode === 'crash') {
  console.log('Exception (org.apache.cassandra.exceptions.ConfigurationException) encountered during startup: fake failure');
  process.exit(3);
}
if (mode === 'hang') {
  setInterval(() => {}, 1000);
  return;
}
const server = net.createServer((s) => s.destroy());
server.listen(port, host, () => {
  fs.appendFileSync(logdir + '/system.log', 'INFO  [main] PipelineConfigurator - ${CQL_READY_MARKER} on /' + host + ':' + port + ' (unencrypted)...\\n');
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;
  await fsp.writeFile(path.join(home, 'bin', 'java'), script, { mode: 0o755 });
  return home;
}

/** A jar cache that looks complete (start() does not run Maven then). */
async function fakeJarCache(version = '5.0.8'): Promise<string> {
  const cacheDir = await tmpDir('cache');
  const lib = path.join(cacheDir, `cassandra-${version}`, 'lib');
  await fsp.mkdir(lib, { recursive: true });
  await fsp.writeFile(path.join(lib, `cassandra-all-${version}.jar`), '');
  await fsp.writeFile(path.join(lib, 'jamm-0.4.0.jar'), '');
  return cacheDir;
}

/** Options with a temp baseDir and free ports, so that nothing touches 9042/7000/7199. */
async function isolatedOptions(
  overrides: Partial<LocalCassandraOptions> = {},
): Promise<LocalCassandraOptions> {
  return {
    version: '5.0.8',
    nodes: 1,
    baseDir: await tmpDir('base'),
    cacheDir: await tmpDir('cache'),
    heap: '256M',
    nativePort: await freePort(),
    storagePort: await freePort(),
    jmxBasePort: await freePort(),
    stopGraceMs: 5_000,
    log: () => {},
    ...overrides,
  };
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});
afterAll(async () => {
  for (const dir of tmpDirs) await fsp.rm(dir, { recursive: true, force: true });
});

describe('cassandra.yaml generation', () => {
  it('when rendering node 2 of 3, then it listens on 127.0.0.2 with the second token and node 1 as seed', () => {
    const yaml = renderCassandraYaml({ node: 2, nodeDir: '/x/node2', nativePort: 9042, storagePort: 7000 });
    expect(yaml).toMatch(/^listen_address: 127\.0\.0\.2$/m);
    expect(yaml).toMatch(/^rpc_address: 127\.0\.0\.2$/m);
    expect(yaml).toMatch(/^initial_token: -3074457345618258603$/m);
    expect(yaml).toMatch(/^num_tokens: 1$/m);
    expect(yaml).toMatch(/^ {6}- seeds: "127\.0\.0\.1:7000"$/m);
    expect(yaml).toMatch(/^auto_bootstrap: false$/m);
    expect(yaml).toMatch(/^storage_compatibility_mode: NONE$/m);
    expect(yaml).toContain('commitlog_directory: "/x/node2/commitlog"');
    expect(yaml).toContain('  - "/x/node2/data"');
  });

  it('when the ports are not the defaults, then the yaml and the seed list use them', () => {
    const yaml = renderCassandraYaml({ node: 3, nodeDir: '/x/node3', nativePort: 19042, storagePort: 17000 });
    expect(yaml).toMatch(/^native_transport_port: 19042$/m);
    expect(yaml).toMatch(/^storage_port: 17000$/m);
    expect(yaml).toMatch(/- seeds: "127\.0\.0\.1:17000"$/m);
    expect(yaml).toMatch(new RegExp(`^initial_token: ${NODE_TOKENS[2]}$`, 'm'));
  });

  it('when rendering all three nodes, then the tokens differ and every node has the same seed', () => {
    const yamls = [1, 2, 3].map((node) =>
      renderCassandraYaml({ node, nodeDir: `/x/node${node}`, nativePort: 9042, storagePort: 7000 }),
    );
    const tokens = yamls.map((y) => /^initial_token: (\S+)$/m.exec(y)?.[1]);
    expect(tokens).toEqual([...NODE_TOKENS]);
    for (const y of yamls) expect(y).toContain('- seeds: "127.0.0.1:7000"');
  });

  it('when a node number outside 1..3 is asked for, then it throws', () => {
    expect(() => renderCassandraYaml({ node: 4, nodeDir: '/x', nativePort: 1, storagePort: 2 })).toThrow(
      RangeError,
    );
  });
});

describe('JVM arguments', () => {
  it('when building the args for node 2, then heap, JMX port, config URL, agent and fast-start flags are there', () => {
    const args = buildJvmArgs({
      nodeDir: '/b/node2',
      libDir: '/c/lib',
      jammJar: '/c/lib/jamm-0.4.0.jar',
      heap: '1G',
      jmxPort: 7299,
    });
    expect(args).toEqual(
      expect.arrayContaining(['-Xms1G', '-Xmx1G', '-XX:+UseG1GC', '-Dcassandra-foreground=yes']),
    );
    expect(args).toContain('-Dcassandra.jmx.local.port=7299');
    expect(args).toContain('-Dcassandra.config=file:///b/node2/conf/cassandra.yaml');
    expect(args).toContain('-Dcassandra.storagedir=/b/node2');
    expect(args).toContain('-Dcassandra.logdir=/b/node2/logs');
    expect(args).toContain('-Dlogback.configurationFile=/b/node2/conf/logback.xml');
    expect(args).toContain('-javaagent:/c/lib/jamm-0.4.0.jar');
    expect(args).toContain('-Djava.security.manager=allow');
    expect(args).toContain('--add-opens=java.base/sun.nio.ch=ALL-UNNAMED');
    expect(args).toContain('-Dcassandra.skip_wait_for_gossip_to_settle=0');
    expect(args).toContain('-Dcassandra.superuser_setup_delay_ms=0');
    expect(args).toContain('-Dcassandra.unsafesystem=true');
    expect(args).not.toContain('-Dcassandra.skip_sync=true');
    expect(args.slice(-3)).toEqual([
      '-cp',
      '/b/node2/conf:/c/lib/*',
      'org.apache.cassandra.service.CassandraDaemon',
    ]);
  });
});

describe('status', () => {
  it('when the baseDir is empty, then every node is reported as not running', async () => {
    const opts = await isolatedOptions({ nodes: 3 });
    const status = await new LocalCassandra(opts).status();
    expect(status.map((s) => [s.node, s.address, s.pid, s.running, s.cqlReady])).toEqual([
      [1, '127.0.0.1', null, false, false],
      [2, '127.0.0.2', null, false, false],
      [3, '127.0.0.3', null, false, false],
    ]);
    expect(status[1].logFile).toBe(path.join(opts.baseDir, 'node2', 'logs', 'system.log'));
    expect(await fsp.readdir(opts.baseDir)).toEqual([]);
  });

  it('when a pid file names a process that is not a Cassandra node of this dir, then the node is not running', async () => {
    const opts = await isolatedOptions();
    await fsp.mkdir(path.join(opts.baseDir, 'node1'), { recursive: true });
    await fsp.writeFile(path.join(opts.baseDir, 'node1', 'cassandra.pid'), `${process.pid}\n`);
    const [node1] = await new LocalCassandra(opts).status();
    expect(node1.running).toBe(false);
    expect(node1.pid).toBeNull();
  });
});

describe('start: pre-flight errors', () => {
  it('when the CQL port is already taken, then it fails naming the port and the pid holding it, before any jar work', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as net.AddressInfo).port;
    const opts = await isolatedOptions({ nativePort: port });

    const error = await expectLauncherError(new LocalCassandra(opts).start());

    expect(error.code).toBe('PORT_IN_USE');
    expect(error.summary).toContain(`127.0.0.1:${port}`);
    expect(error.summary).toContain(`pid ${process.pid}`);
    expect(error.summary).toContain('not one of our nodes');
    expect(error.hint).toMatch(/CASSANDRA_CONTACT_POINTS/);
    expect(existsSync(path.join(opts.baseDir, 'node1', 'cassandra.pid'))).toBe(false);
    expect(await fsp.readdir(opts.cacheDir)).toEqual([]); // no Maven run was attempted
  });

  it('when the directory holds data of a 3-node cluster and 1 node is asked for, then it refuses before launching', async () => {
    const opts = await isolatedOptions({ nodes: 1 });
    for (const n of [1, 2, 3])
      await fsp.mkdir(path.join(opts.baseDir, `node${n}`, 'data', 'system'), { recursive: true });

    const error = await expectLauncherError(new LocalCassandra(opts).start());

    expect(error.code).toBe('CLUSTER_SIZE');
    expect(error.summary).toMatch(/holds the data of a 3-node cluster/);
    expect(error.hint).toMatch(/--nodes 3/);
    expect(error.hint).toMatch(/npm run cassandra -- wipe/);
    expect(existsSync(path.join(opts.baseDir, 'node1', 'cassandra.pid'))).toBe(false);
  });

  it('when there is no java on PATH and no JAVA_HOME, then it fails with the package to install', async () => {
    const opts = await isolatedOptions({ env: { PATH: '/nonexistent/bin' }, java17Homes: [] });
    const error = await expectLauncherError(new LocalCassandra(opts).start());
    expect(error.code).toBe('JAVA_MISSING');
    expect(error.summary).toMatch(/Java not found/);
    expect(error.hint).toMatch(/openjdk-17-jre-headless/);
    expect(error.hint).toMatch(/JAVA_HOME/);
  });

  it('when JAVA_HOME points nowhere, then it fails naming JAVA_HOME', async () => {
    const opts = await isolatedOptions({ env: { PATH: '/nonexistent/bin', JAVA_HOME: '/nonexistent/jdk' } });
    const error = await expectLauncherError(new LocalCassandra(opts).start());
    expect(error.code).toBe('JAVA_MISSING');
    expect(error.summary).toContain('JAVA_HOME=/nonexistent/jdk');
  });

  it('when the java found is older than 17, then it fails with the version it found', async () => {
    const opts = await isolatedOptions({ javaHome: await fakeJavaHome('11.0.2') });
    const error = await expectLauncherError(new LocalCassandra(opts).start());
    expect(error.code).toBe('JAVA_VERSION');
    expect(error.summary).toContain('11.0.2');
  });

  it('when Maven is not on PATH, then resolving the jars fails with how to install it', async () => {
    const opts = await isolatedOptions({ env: { PATH: '/nonexistent/bin' } });
    const error = await expectLauncherError(new LocalCassandra(opts).ensureJars());
    expect(error.code).toBe('MAVEN_MISSING');
    expect(error.hint).toBe('apt-get install maven');
  });
});

describe('jar resolution', () => {
  it('when the version does not exist on Maven Central, then it fails about resolving cassandra-all and leaves no jar dir', async () => {
    const opts = await isolatedOptions({ version: '0.0.1' });
    const error = await expectLauncherError(new LocalCassandra(opts).ensureJars());
    expect(error.code).toBe('JARS');
    expect(error.summary).toContain('org.apache.cassandra:cassandra-all:0.0.1');
    expect(error.details).toMatch(/\[ERROR\]/);
    expect(error.hint).toMatch(/0\.0\.1 is not on Maven Central/);
    // neither lib/ nor a half-written temp dir is left behind
    expect(await fsp.readdir(path.join(opts.cacheDir, 'cassandra-0.0.1'))).toEqual([]);
  }, 240_000);
});

describe('start / status / stop life cycle (fake java)', () => {
  async function fakeCluster(overrides: Partial<LocalCassandraOptions> = {}) {
    const lines: string[] = [];
    const opts = await isolatedOptions({
      javaHome: await fakeJavaHome(),
      cacheDir: await fakeJarCache(),
      log: (line) => lines.push(line),
      ...overrides,
    });
    const cassandra = new LocalCassandra(opts);
    cleanups.push(() => cassandra.stop());
    return { cassandra, opts, lines };
  }

  it('when started twice, then the second start reuses the running node and stop ends it', async () => {
    const { cassandra, opts } = await fakeCluster();

    const first = await cassandra.start();
    expect(first).toMatchObject({ contactPoints: ['127.0.0.1'], port: opts.nativePort, startedByUs: true });
    const [pid] = first.pids;
    expect(isAlive(pid)).toBe(true);
    const pidFile = path.join(opts.baseDir, 'node1', 'cassandra.pid');
    expect((await fsp.readFile(pidFile, 'utf8')).trim()).toBe(String(pid));
    expect(await cassandra.status()).toEqual([
      expect.objectContaining({ node: 1, pid, running: true, cqlReady: true }),
    ]);

    const second = await cassandra.start();
    expect(second.startedByUs).toBe(false);
    expect(second.pids).toEqual([pid]);

    await cassandra.stop();
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(pidFile)).toBe(false);
    expect((await cassandra.status())[0].running).toBe(false);
  });

  it('when the node exits during start-up, then the error carries the end of its log and no pid file stays', async () => {
    const { cassandra, opts } = await fakeCluster({ env: { ...process.env, FAKE_JAVA_MODE: 'crash' } });
    const error = await expectLauncherError(cassandra.start());
    expect(error.code).toBe('NODE_EXITED');
    expect(error.summary).toMatch(/node1 \(pid \d+\) exited during start-up \(exit code 3\)/);
    expect(error.details).toContain('fake failure');
    expect(error.message).toContain('fake failure');
    expect(existsSync(path.join(opts.baseDir, 'node1', 'cassandra.pid'))).toBe(false);
  });

  it('when the node does not become ready in time, then start fails and kills the node it launched', async () => {
    const { cassandra, opts, lines } = await fakeCluster({
      env: { ...process.env, FAKE_JAVA_MODE: 'hang' },
      startTimeoutMs: 1_500,
    });
    const error = await expectLauncherError(cassandra.start());
    expect(error.code).toBe('START_TIMEOUT');
    const launchedPid = Number(/launched pid (\d+)/.exec(lines.join('\n'))?.[1]);
    expect(launchedPid).toBeGreaterThan(0);
    expect(isAlive(launchedPid)).toBe(false);
    expect(existsSync(path.join(opts.baseDir, 'node1', 'cassandra.pid'))).toBe(false);
  });

  it('when 3 nodes start, then the seed is ready before the others launch and all three are contact points', async () => {
    const { cassandra, lines } = await fakeCluster({ nodes: 3 });
    const result = await cassandra.start();
    expect(result.contactPoints).toEqual(['127.0.0.1', '127.0.0.2', '127.0.0.3']);
    expect(result.pids).toHaveLength(3);
    const seedReady = lines.findIndex((l) => l.startsWith('node1: ready'));
    const node2Launched = lines.findIndex((l) => l.startsWith('node2: launched'));
    expect(seedReady).toBeGreaterThanOrEqual(0);
    expect(node2Launched).toBeGreaterThan(seedReady);
    await cassandra.stop();
    for (const pid of result.pids) expect(isAlive(pid)).toBe(false);
  });

  it('when a node runs with other ports than asked for, then start refuses and says to stop it first', async () => {
    const { cassandra, opts } = await fakeCluster();
    await cassandra.start();
    const other = new LocalCassandra({ ...opts, nativePort: await freePort() });
    const error = await expectLauncherError(other.start());
    expect(error.code).toBe('INCOMPATIBLE_NODE');
    expect(error.hint).toContain('npm run cassandra -- stop');
  });

  it('when a pid file names a process that is not our node, then stop leaves that process alone', async () => {
    const opts = await isolatedOptions();
    const sleeper: ChildProcess = spawn('sleep', ['30'], { stdio: 'ignore' });
    cleanups.push(() => void sleeper.kill('SIGKILL'));
    const pid = sleeper.pid as number;
    await fsp.mkdir(path.join(opts.baseDir, 'node1'), { recursive: true });
    await fsp.writeFile(path.join(opts.baseDir, 'node1', 'cassandra.pid'), `${pid}\n`);

    await new LocalCassandra(opts).stop();

    expect(isAlive(pid)).toBe(true);
    expect(existsSync(path.join(opts.baseDir, 'node1', 'cassandra.pid'))).toBe(false);
  });

  it('when wiped, then the node dirs are gone and the jar cache stays', async () => {
    const { cassandra, opts } = await fakeCluster();
    const { pids } = await cassandra.start();
    await cassandra.wipe();
    expect(isAlive(pids[0])).toBe(false);
    expect(existsSync(path.join(opts.baseDir, 'node1'))).toBe(false);
    expect(existsSync(path.join(opts.cacheDir, 'cassandra-5.0.8', 'lib', 'cassandra-all-5.0.8.jar'))).toBe(
      true,
    );
  });
});

describe('options from the environment', () => {
  it('when nothing is set, then the project defaults apply', () => {
    const opts = localCassandraOptionsFromEnv({}, { repoRoot: '/repo' });
    expect(opts).toEqual({
      version: '5.0.8',
      nodes: 1,
      heap: '1G',
      baseDir: path.join('/repo', '.cassandra'),
      cacheDir: path.join(os.homedir(), '.cache', 'personalization-subgraph'),
    });
  });

  it('when the variables are set, then they are used', () => {
    const opts = localCassandraOptionsFromEnv(
      {
        LOCAL_CASSANDRA_DIR: 'rel/dir',
        LOCAL_CASSANDRA_CACHE_DIR: '/abs/cache',
        LOCAL_CASSANDRA_VERSION: '5.0.7',
        LOCAL_CASSANDRA_HEAP: '512m',
        LOCAL_CASSANDRA_NODES: '3',
        LOCAL_CASSANDRA_PORT: '19043',
        LOCAL_CASSANDRA_STORAGE_PORT: '17001',
        LOCAL_CASSANDRA_JMX_PORT: '17299',
      },
      { repoRoot: '/repo', cwd: '/work' },
    );
    expect(opts).toEqual({
      version: '5.0.7',
      nodes: 3,
      heap: '512M',
      baseDir: '/work/rel/dir',
      cacheDir: '/abs/cache',
      nativePort: 19043,
      storagePort: 17001,
      jmxBasePort: 17299,
    });
  });

  it('when a variable has a bad value, then the error names the variable', () => {
    let caught: unknown;
    try {
      localCassandraOptionsFromEnv({ LOCAL_CASSANDRA_NODES: '2' }, { repoRoot: '/repo' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(LocalCassandraError);
    expect((caught as LocalCassandraError).summary).toContain('LOCAL_CASSANDRA_NODES');
    expect((caught as LocalCassandraError).summary).toContain('must be 1 or 3');
  });

  it('when a port is not a port number, then the error names the variable', () => {
    for (const value of ['0', '70000', 'abc', '90.5']) {
      expect(() =>
        localCassandraOptionsFromEnv({ LOCAL_CASSANDRA_PORT: value }, { repoRoot: '/repo' }),
      ).toThrow(/LOCAL_CASSANDRA_PORT.*must be a port number/);
    }
  });

  it('when run from the source tree, then the repo root is the directory with package.json', () => {
    const opts = localCassandraOptionsFromEnv({});
    expect(existsSync(path.join(path.dirname(opts.baseDir), 'package.json'))).toBe(true);
  });
});
