/**
 * A local, real Apache Cassandra (default 5.0.8) for development, tests and benchmarks — without Docker.
 *
 * The server jars come from Maven Central (`cassandra-all` + its runtime dependencies, resolved once into a
 * cache outside the git tree); each node is a detached `java … CassandraDaemon` with its own directory under
 * `baseDir` (`node1`..`node3`: conf, data, commitlog, logs, pid file). One node listens on 127.0.0.1, three
 * nodes on 127.0.0.1/.2/.3 with fixed, balanced tokens. Nothing here does I/O at import time.
 *
 * Facts (flags, yaml, timings) were measured on this project's machines: 1 node is ready ~7 s after launch,
 * 3 nodes ~23 s, the cold jar resolution takes ~45 s.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  constants as fsConstants,
  existsSync,
  openSync,
  promises as fsp,
  readFileSync,
} from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

export const DEFAULT_CASSANDRA_VERSION = '5.0.8';
/** The line Cassandra logs once the native (CQL) transport listens. */
export const CQL_READY_MARKER = 'Starting listening for CQL clients';
/** Balanced Murmur3 tokens for 3 nodes with `num_tokens: 1`. */
export const NODE_TOKENS = ['-9223372036854775808', '-3074457345618258603', '3074457345618258602'] as const;
export const DEFAULT_JAVA17_HOMES: readonly string[] = [
  '/usr/lib/jvm/java-17-openjdk-amd64',
  '/usr/lib/jvm/java-17-openjdk-arm64',
  '/usr/lib/jvm/java-17-openjdk',
];
const DAEMON_CLASS = 'org.apache.cassandra.service.CassandraDaemon';
const MAX_NODES = 3;
const PID_FILE = 'cassandra.pid';
const LAUNCH_FILE = 'launch.json';
const LOCK_FILE = '.launcher.lock';
/** Jars that must be present after resolution (a sanity check that Maven gave us the whole runtime). */
const REQUIRED_JAR_PREFIXES = [
  'jamm-',
  'logback-classic-',
  'jna-',
  'netty-all-',
  'snakeyaml-',
  'jvector-',
  'lucene-core-',
  'agrona-',
  'chronicle-queue-',
  'ohc-core-',
  'zstd-jni-',
  'lz4-java-',
  'snappy-java-',
];

/**
 * JPMS flags: conf/jvm17-server.options (cassandra-5.0) + the 3 JDK-only flags bin/cassandra.in.sh adds when
 * javac exists + the 2 rmi.transport.tcp flags build.xml's _jvm17_arg_items adds.
 */
export const JVM17_MODULE_FLAGS: readonly string[] = [
  '-Djdk.attach.allowAttachSelf=true',
  '--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED',
  '--add-exports=java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED',
  '--add-exports=java.management/com.sun.jmx.remote.security=ALL-UNNAMED',
  '--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED',
  '--add-exports=java.rmi/sun.rmi.server=ALL-UNNAMED',
  '--add-exports=java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED',
  '--add-exports=java.sql/java.sql=ALL-UNNAMED',
  '--add-exports=java.base/java.lang.ref=ALL-UNNAMED',
  '--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED',
  '--add-exports=jdk.attach/sun.tools.attach=ALL-UNNAMED',
  '--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED',
  '--add-opens=java.base/java.lang.module=ALL-UNNAMED',
  '--add-opens=java.base/jdk.internal.loader=ALL-UNNAMED',
  '--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED',
  '--add-opens=java.base/jdk.internal.reflect=ALL-UNNAMED',
  '--add-opens=java.base/jdk.internal.math=ALL-UNNAMED',
  '--add-opens=java.base/jdk.internal.module=ALL-UNNAMED',
  '--add-opens=java.base/jdk.internal.util.jar=ALL-UNNAMED',
  '--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
  '--add-opens=java.base/java.io=ALL-UNNAMED',
  '--add-opens=java.base/java.lang.reflect=ALL-UNNAMED',
  '--add-opens=java.base/java.lang=ALL-UNNAMED',
  '--add-opens=java.base/java.util=ALL-UNNAMED',
  '--add-opens=java.base/java.nio=ALL-UNNAMED',
  '--add-opens=java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED',
  '--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED',
];

// ---------------------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------------------

export interface LocalCassandraOptions {
  /** Cassandra version on Maven Central (`org.apache.cassandra:cassandra-all`). Default '5.0.8'. */
  version: string;
  /** 1 node on 127.0.0.1; 3 nodes on 127.0.0.1, .2, .3 with fixed tokens. */
  nodes: 1 | 3;
  /** Per-node directories `<baseDir>/node1..3`. Project default: `<repo>/.cassandra` (git-ignored). */
  baseDir: string;
  /** Jar cache `<cacheDir>/cassandra-<version>/lib`. Project default: `~/.cache/personalization-subgraph`. */
  cacheDir: string;
  /** JVM heap (-Xms/-Xmx), e.g. '1G'. */
  heap: string;
  /** CQL port on every node address. Default 9042. */
  nativePort?: number;
  /** Internode port on every node address. Default 7000. */
  storagePort?: number;
  /** JMX port of node 1 on 127.0.0.1; node N uses jmxBasePort + 100·(N-1). Default 7199. */
  jmxBasePort?: number;
  /** How long one node (or the group of non-seed nodes) may take to become ready. Default 240 000 ms. */
  startTimeoutMs?: number;
  /** SIGTERM → SIGKILL grace period in stop(). Default 60 000 ms. */
  stopGraceMs?: number;
  /** Progress lines. Default: console.error with a '[cassandra]' prefix. */
  log?: (line: string) => void;
  /** Use exactly `<javaHome>/bin/java` (no lookup). */
  javaHome?: string;
  /** Environment for the java/mvn lookup (JAVA_HOME, PATH) and for the launched processes. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Java 17 installations preferred when the java on PATH is not 17. Default DEFAULT_JAVA17_HOMES. */
  java17Homes?: readonly string[];
  /** Test/dev start-up speed-ups (skip gossip settle wait, no superuser delay, unsafesystem). Default true. */
  fastStart?: boolean;
  /** -Dcassandra.skip_sync=true: no fsync at all — throw-away test data only. Default false. */
  skipSync?: boolean;
}

export type LocalCassandraErrorCode =
  | 'INVALID_OPTIONS'
  | 'JAVA_MISSING'
  | 'JAVA_VERSION'
  | 'MAVEN_MISSING'
  | 'JARS'
  | 'PORT_IN_USE'
  | 'ADDRESS_UNAVAILABLE'
  | 'INCOMPATIBLE_NODE'
  | 'CLUSTER_SIZE'
  | 'NODE_EXITED'
  | 'START_TIMEOUT'
  | 'LAUNCH_FAILED'
  | 'LOCKED'
  | 'ABORTED';

/**
 * A failure with a one-line `summary`, an optional `hint` (the fix) and optional `details` (log or Maven
 * output). `message` is the summary followed by the details, so printing only `message` loses nothing.
 */
export class LocalCassandraError extends Error {
  override readonly name = 'LocalCassandraError';
  readonly summary: string;
  readonly details?: string;
  readonly code?: LocalCassandraErrorCode;

  constructor(
    message: string,
    readonly hint?: string,
    extra: { details?: string; code?: LocalCassandraErrorCode } = {},
  ) {
    super(extra.details ? `${message}\n${extra.details}` : message);
    this.summary = message;
    this.details = extra.details;
    this.code = extra.code;
  }
}

export interface LocalCassandraNodeInfo {
  node: number;
  address: string;
  port: number;
  pid: number;
  /** true when this start() launched the node, false when it reused a running one. */
  startedByUs: boolean;
  logFile: string;
}

export interface LocalCassandraStartResult {
  contactPoints: string[];
  port: number;
  /** true when this call launched at least one node. */
  startedByUs: boolean;
  pids: number[];
  nodes: LocalCassandraNodeInfo[];
  elapsedMs: number;
}

export interface LocalCassandraNodeStatus {
  node: number;
  address: string;
  port: number;
  pid: number | null;
  running: boolean;
  cqlReady: boolean;
  logFile: string;
}

export interface JavaInfo {
  path: string;
  major: number;
  version: string;
}

// ---------------------------------------------------------------------------------------------------------
// Pure helpers (exported for tests and tools)
// ---------------------------------------------------------------------------------------------------------

export function nodeAddress(node: number): string {
  return `127.0.0.${node}`;
}

function yamlString(value: string): string {
  return JSON.stringify(value); // a JSON string is a valid double-quoted YAML scalar
}

/**
 * cassandra.yaml for one node. Unknown keys are fatal in Cassandra: every key here exists in 5.0's Config.
 * All nodes use the same seed (node 1 on the storage port) and `storage_compatibility_mode: NONE`.
 */
export function renderCassandraYaml(p: {
  node: number;
  nodeDir: string;
  nativePort: number;
  storagePort: number;
  clusterName?: string;
}): string {
  if (!Number.isInteger(p.node) || p.node < 1 || p.node > MAX_NODES) throw new RangeError(`node ${p.node}`);
  const ip = nodeAddress(p.node);
  const d = p.nodeDir;
  return `# generated by src/cassandra/local.ts — rewritten on every launch
cluster_name: ${yamlString(p.clusterName ?? 'Test Cluster')}
num_tokens: 1
initial_token: ${NODE_TOKENS[p.node - 1]}
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
auto_bootstrap: false
endpoint_snitch: SimpleSnitch
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "${nodeAddress(1)}:${p.storagePort}"
listen_address: ${ip}
rpc_address: ${ip}
storage_port: ${p.storagePort}
native_transport_port: ${p.nativePort}
start_native_transport: true
commitlog_sync: periodic
commitlog_sync_period: 10000ms
commitlog_segment_size: 16MiB
commitlog_total_space: 512MiB
commitlog_disk_access_mode: legacy
data_file_directories:
  - ${yamlString(path.join(d, 'data'))}
commitlog_directory: ${yamlString(path.join(d, 'commitlog'))}
saved_caches_directory: ${yamlString(path.join(d, 'saved_caches'))}
hints_directory: ${yamlString(path.join(d, 'hints'))}
cdc_raw_directory: ${yamlString(path.join(d, 'cdc_raw'))}
storage_compatibility_mode: NONE
concurrent_reads: 8
concurrent_writes: 8
concurrent_counter_writes: 4
concurrent_materialized_view_writes: 2
concurrent_compactors: 1
memtable_flush_writers: 1
memtable_heap_space: 128MiB
memtable_offheap_space: 128MiB
key_cache_size: 16MiB
counter_cache_size: 8MiB
file_cache_size: 64MiB
networking_cache_size: 32MiB
index_summary_capacity: 16MiB
prepared_statements_cache_size: 8MiB
auto_snapshot: false
`;
}

/** logback config: everything at INFO to `${cassandra.logdir}/system.log` and to stdout (→ logs/stdout.log). */
export function renderLogbackXml(): string {
  return `<configuration scan="false">
  <appender name="SYSTEMLOG" class="ch.qos.logback.core.FileAppender">
    <file>\${cassandra.logdir}/system.log</file>
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %logger{0} - %msg%n</pattern></encoder>
  </appender>
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <filter class="ch.qos.logback.classic.filter.ThresholdFilter"><level>INFO</level></filter>
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %logger{0} - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="SYSTEMLOG"/><appender-ref ref="STDOUT"/></root>
  <logger name="org.apache.cassandra" level="INFO"/>
</configuration>
`;
}

/** The full java argument list (JVM flags, classpath, main class) for one node. */
export function buildJvmArgs(p: {
  nodeDir: string;
  libDir: string;
  jammJar: string;
  heap: string;
  jmxPort: number;
  fastStart?: boolean;
  skipSync?: boolean;
}): string[] {
  const d = p.nodeDir;
  const logs = path.join(d, 'logs');
  const conf = path.join(d, 'conf');
  const args = [
    // heap (cassandra-env.sh would size it at 6 GB on a 24 GiB machine)
    `-Xms${p.heap}`,
    `-Xmx${p.heap}`,
    // conf/jvm-server.options (cassandra-5.0)
    '-ea',
    '-da:net.openhft...',
    '-XX:+UseThreadPriorities',
    '-XX:+HeapDumpOnOutOfMemoryError',
    `-XX:HeapDumpPath=${logs}`,
    '-Xss256k',
    '-XX:+AlwaysPreTouch',
    '-XX:+UseTLAB',
    '-XX:+ResizeTLAB',
    '-XX:+UseNUMA',
    '-XX:+PerfDisableSharedMem',
    '-Djava.net.preferIPv4Stack=true',
    '-Dchronicle.analytics.disable=true',
    // conf/jvm17-server.options: G1 + netty
    '-XX:+UseG1GC',
    '-XX:+ParallelRefProcEnabled',
    '-XX:MaxTenuringThreshold=1',
    '-XX:G1HeapRegionSize=16m',
    '-XX:G1RSetUpdatingPauseTimePercent=5',
    '-XX:MaxGCPauseMillis=300',
    '-XX:InitiatingHeapOccupancyPercent=70',
    '-Dio.netty.tryReflectionSetAccessible=true',
    '-Dio.netty.allocator.useCacheForAllThreads=true',
    '-Dio.netty.allocator.maxOrder=11',
    ...JVM17_MODULE_FLAGS,
    // conf/cassandra-env.sh
    `-Xlog:gc=info,heap*=trace,age*=debug,safepoint=info,promotion*=trace:file=${path.join(logs, 'gc.log')}:time,uptime,pid,tid,level:filecount=10,filesize=10485760`,
    `-javaagent:${p.jammJar}`,
    '-XX:OnOutOfMemoryError=kill -9 %p',
    `-Dcassandra.jmx.local.port=${p.jmxPort}`,
    '-Dcom.sun.management.jmxremote.authenticate=false',
    // bin/cassandra launch_service()
    `-Dlogback.configurationFile=${path.join(conf, 'logback.xml')}`,
    `-Dcassandra.logdir=${logs}`,
    `-Dcassandra.storagedir=${d}`,
    '-Dcassandra-foreground=yes', // otherwise the daemon closes stdout/stderr
    // explicit config + per-node dirs + JDK >= 18 safety (harmless on 17)
    `-Dcassandra.config=file://${path.join(conf, 'cassandra.yaml')}`,
    `-Dcassandra.triggers_dir=${path.join(d, 'triggers')}`,
    `-Djava.io.tmpdir=${path.join(d, 'tmp')}`,
    `-Djna.tmpdir=${path.join(d, 'tmp')}`,
    '-Djava.security.manager=allow',
  ];
  if (p.fastStart ?? true) {
    args.push(
      '-Dcassandra.skip_wait_for_gossip_to_settle=0', // Gossiper.waitToSettle(): skip the >= 8 s poll
      '-Dcassandra.superuser_setup_delay_ms=0', // CassandraRoleManager default-role set-up (10 s)
      '-Dcassandra.unsafesystem=true', // no schema-table flush after each DDL
    );
  }
  if (p.skipSync) args.push('-Dcassandra.skip_sync=true');
  args.push('-cp', `${conf}${path.delimiter}${path.join(p.libDir, '*')}`, DAEMON_CLASS);
  return args;
}

function pomXml(version: string): string {
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.personalization-subgraph</groupId>
  <artifactId>cassandra-server-runtime</artifactId>
  <version>1.0.0</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.cassandra</groupId>
      <artifactId>cassandra-all</artifactId>
      <version>${version}</version>
    </dependency>
  </dependencies>
</project>
`;
}

// ---------------------------------------------------------------------------------------------------------
// Small OS helpers
// ---------------------------------------------------------------------------------------------------------

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function errCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e
    ? String((e as { code: unknown }).code)
    : undefined;
}

function errMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    const st = await fsp.stat(file);
    if (!st.isFile()) return false;
    await fsp.access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `which`: the first executable `cmd` on env.PATH. */
export async function findOnPath(cmd: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, cmd);
    if (await isExecutable(candidate)) return candidate;
  }
  return null;
}

/** Alive = signal 0 succeeds and (on Linux) the process is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if (errCode(e) !== 'EPERM') return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ..." — comm may contain spaces/parens, the state follows the last ')'
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return existsSync('/proc/self') ? false : true; // no /proc (macOS): trust kill(0)
  }
}

async function readCmdline(pid: number): Promise<string[] | null> {
  try {
    const raw = await fsp.readFile(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter((s) => s.length > 0);
  } catch {
    return null;
  }
}

/** A pid is one of our nodes when it is alive and (where /proc exists) runs CassandraDaemon on that node dir. */
async function isOurNodeProcess(pid: number, nodeDir: string): Promise<boolean> {
  if (!isAlive(pid)) return false;
  const cmdline = await readCmdline(pid);
  if (cmdline === null) return !existsSync('/proc/self');
  return cmdline.includes(DAEMON_CLASS) && cmdline.includes(`-Dcassandra.storagedir=${nodeDir}`);
}

type BindProbe = 'free' | 'in-use' | 'unavailable' | 'denied';

/** Try to listen on host:port (like the server would). */
function probeBind(host: string, port: number): Promise<BindProbe> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (e) => {
      const code = errCode(e);
      resolve(code === 'EADDRINUSE' ? 'in-use' : code === 'EACCES' ? 'denied' : 'unavailable');
    });
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve('free')));
  });
}

/** true when a TCP connection to host:port succeeds. */
export function canConnect(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.removeAllListeners();
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The pid listening on a TCP port: /proc/net/tcp{,6} socket inodes → /proc/<pid>/fd, else `ss -ltnp`. */
export async function findListeningPid(port: number): Promise<number | null> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = await fsp.readFile(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== '0A') continue; // 0A = LISTEN
      const localPort = parseInt(f[1].split(':').pop() ?? '', 16);
      if (localPort === port && f[9] !== '0') inodes.add(f[9]);
    }
  }
  if (inodes.size > 0) {
    const wanted = new Set([...inodes].map((i) => `socket:[${i}]`));
    let pids: string[] = [];
    try {
      pids = (await fsp.readdir('/proc')).filter((p) => /^\d+$/.test(p));
    } catch {
      /* no /proc */
    }
    for (const pid of pids) {
      let fds: string[];
      try {
        fds = await fsp.readdir(`/proc/${pid}/fd`);
      } catch {
        continue;
      }
      for (const fd of fds) {
        try {
          if (wanted.has(await fsp.readlink(`/proc/${pid}/fd/${fd}`))) return Number(pid);
        } catch {
          /* fd closed meanwhile */
        }
      }
    }
  }
  // fallback: ss (iproute2) shows the owner when we may see it
  const ss = await new Promise<string>((resolve) => {
    execFile('ss', ['-H', '-ltnp', `sport = :${port}`], { timeout: 5000 }, (_e, stdout) =>
      resolve(String(stdout ?? '')),
    );
  });
  const m = /pid=(\d+)/.exec(ss);
  return m ? Number(m[1]) : null;
}

async function tailFile(file: string, lines: number, fromOffset = 0): Promise<string> {
  try {
    const fh = await fsp.open(file, 'r');
    try {
      const { size } = await fh.stat();
      const maxBytes = 256 * 1024;
      const start = Math.max(fromOffset, size - maxBytes);
      const buf = Buffer.alloc(Math.max(0, size - start));
      await fh.read(buf, 0, buf.length, start);
      const all = buf.toString('utf8').split('\n');
      if (all.length > 0 && all[all.length - 1] === '') all.pop();
      return all.slice(-lines).join('\n');
    } finally {
      await fh.close();
    }
  } catch {
    return '';
  }
}

async function fileSize(file: string): Promise<number> {
  try {
    return (await fsp.stat(file)).size;
  } catch {
    return 0;
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

// ---------------------------------------------------------------------------------------------------------
// Java
// ---------------------------------------------------------------------------------------------------------

const JAVA_HINT =
  'install Java 17 (apt-get install openjdk-17-jre-headless) or set JAVA_HOME to a Java 17 installation';

async function javaVersion(
  javaPath: string,
  env: NodeJS.ProcessEnv,
): Promise<{ major: number; version: string }> {
  const output = await new Promise<string>((resolve, reject) => {
    execFile(javaPath, ['-version'], { env, timeout: 30_000 }, (e, stdout, stderr) => {
      if (e) reject(e);
      else resolve(`${stderr}\n${stdout}`);
    });
  });
  const m = /version "([^"]+)"/.exec(output);
  if (!m) throw new Error(`unexpected "java -version" output: ${output.trim().split('\n')[0]}`);
  const parts = m[1].split(/[.+_-]/);
  const major = parts[0] === '1' ? Number(parts[1]) : Number(parts[0]);
  return { major, version: m[1] };
}

/**
 * Finds Java: `javaHome` option → `$JAVA_HOME/bin/java` → `java` on PATH (with a Java 17 from `java17Homes`
 * preferred when that one is not 17). Requires 17; newer works with a warning; older is an error.
 */
export async function resolveJava(
  opts: {
    javaHome?: string;
    env?: NodeJS.ProcessEnv;
    java17Homes?: readonly string[];
    log?: (line: string) => void;
  } = {},
): Promise<JavaInfo> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? (() => {});
  const probe = async (javaPath: string, origin: string): Promise<JavaInfo> => {
    try {
      return { path: javaPath, ...(await javaVersion(javaPath, env)) };
    } catch (e) {
      throw new LocalCassandraError(
        `cannot run ${javaPath} -version (${origin}): ${errMessage(e)}`,
        JAVA_HINT,
        {
          code: 'JAVA_MISSING',
        },
      );
    }
  };
  const accept = (java: JavaInfo, origin: string): JavaInfo => {
    if (java.major < 17) {
      throw new LocalCassandraError(
        `Java ${java.version} at ${java.path} (${origin}) is too old: this launcher needs Java 17`,
        JAVA_HINT,
        { code: 'JAVA_VERSION' },
      );
    }
    if (java.major > 17) {
      log(`warning: using Java ${java.version} (${java.path}); Cassandra 5.0 supports Java 11 and 17 only`);
    }
    return java;
  };
  const fromHome = async (home: string, origin: string): Promise<JavaInfo> => {
    const javaPath = path.join(home, 'bin', 'java');
    if (!(await isExecutable(javaPath))) {
      throw new LocalCassandraError(`Java not found: ${origin} has no bin/java (${javaPath})`, JAVA_HINT, {
        code: 'JAVA_MISSING',
      });
    }
    return accept(await probe(javaPath, origin), origin);
  };
  const preferred17 = async (): Promise<JavaInfo | null> => {
    for (const home of opts.java17Homes ?? DEFAULT_JAVA17_HOMES) {
      const javaPath = path.join(home, 'bin', 'java');
      if (!(await isExecutable(javaPath))) continue;
      try {
        const java = { path: javaPath, ...(await javaVersion(javaPath, env)) };
        if (java.major === 17) return java;
      } catch {
        /* try the next one */
      }
    }
    return null;
  };

  if (opts.javaHome) return fromHome(opts.javaHome, `javaHome=${opts.javaHome}`);
  if (env.JAVA_HOME) return fromHome(env.JAVA_HOME, `JAVA_HOME=${env.JAVA_HOME}`);
  const onPath = await findOnPath('java', env);
  if (onPath) {
    const java = await probe(onPath, 'java on PATH');
    if (java.major === 17) return java;
    const java17 = await preferred17();
    if (java17) {
      log(`java on PATH is ${java.version}; using Java 17 from ${java17.path}`);
      return java17;
    }
    return accept(java, 'java on PATH');
  }
  const java17 = await preferred17();
  if (java17) return java17;
  throw new LocalCassandraError(
    'Java not found: JAVA_HOME is not set and there is no java on PATH',
    JAVA_HINT,
    {
      code: 'JAVA_MISSING',
    },
  );
}

// ---------------------------------------------------------------------------------------------------------
// The launcher
// ---------------------------------------------------------------------------------------------------------

interface LaunchRecord {
  version: string;
  address: string;
  nativePort: number;
  storagePort: number;
  jmxPort: number;
  pid: number;
  startedAt: string;
}

interface Launched {
  node: number;
  pid: number;
  child: ChildProcess;
  exit: { code: number | null; signal: NodeJS.Signals | null } | null;
  spawnError: Error | null;
  systemLogOffset: number;
}

interface NodeWait {
  node: number;
  launched: Launched | null; // null: a running node we reuse but which is not answering yet
  pid: number;
}

export class LocalCassandra {
  readonly version: string;
  readonly nodes: 1 | 3;
  readonly baseDir: string;
  readonly cacheDir: string;
  readonly heap: string;
  readonly nativePort: number;
  readonly storagePort: number;
  readonly jmxBasePort: number;
  readonly startTimeoutMs: number;
  readonly stopGraceMs: number;
  private readonly log: (line: string) => void;
  private readonly opts: LocalCassandraOptions;

  constructor(opts: LocalCassandraOptions) {
    const bad = (what: string) =>
      new LocalCassandraError(`invalid local Cassandra option: ${what}`, undefined, {
        code: 'INVALID_OPTIONS',
      });
    if (!/^[0-9A-Za-z][0-9A-Za-z._-]*$/.test(opts.version))
      throw bad(`version ${JSON.stringify(opts.version)}`);
    if (opts.nodes !== 1 && opts.nodes !== 3) throw bad(`nodes must be 1 or 3 (got ${String(opts.nodes)})`);
    if (!/^\d+[KkMmGg]?$/.test(opts.heap)) throw bad(`heap ${JSON.stringify(opts.heap)} (e.g. '1G', '512M')`);
    for (const [name, value] of [
      ['nativePort', opts.nativePort],
      ['storagePort', opts.storagePort],
      ['jmxBasePort', opts.jmxBasePort],
    ] as const) {
      if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > 65535 - 200)) {
        throw bad(`${name} ${value}`);
      }
    }
    if (!opts.baseDir || !opts.cacheDir) throw bad('baseDir and cacheDir are required');
    this.opts = opts;
    this.version = opts.version;
    this.nodes = opts.nodes;
    this.baseDir = path.resolve(opts.baseDir); // absolute: it ends up in a file:// URL and in yaml
    this.cacheDir = path.resolve(opts.cacheDir);
    this.heap = opts.heap;
    this.nativePort = opts.nativePort ?? 9042;
    this.storagePort = opts.storagePort ?? 7000;
    this.jmxBasePort = opts.jmxBasePort ?? 7199;
    this.startTimeoutMs = opts.startTimeoutMs ?? 240_000;
    this.stopGraceMs = opts.stopGraceMs ?? 60_000;
    this.log = opts.log ?? ((line) => console.error(`[cassandra] ${line}`));
  }

  /** `<cacheDir>/cassandra-<version>/lib` */
  get libDir(): string {
    return path.join(this.cacheDir, `cassandra-${this.version}`, 'lib');
  }

  nodeDir(node: number): string {
    return path.join(this.baseDir, `node${node}`);
  }

  /** `<baseDir>/node<N>/logs/system.log` */
  logFile(node: number): string {
    return path.join(this.nodeDir(node), 'logs', 'system.log');
  }

  /** `<baseDir>/node<N>/logs/stdout.log` (JVM stdout + stderr, including start-up failures). */
  stdoutLogFile(node: number): string {
    return path.join(this.nodeDir(node), 'logs', 'stdout.log');
  }

  jmxPort(node: number): number {
    return this.jmxBasePort + 100 * (node - 1);
  }

  private get env(): NodeJS.ProcessEnv {
    return this.opts.env ?? process.env;
  }

  // ----- jars --------------------------------------------------------------------------------------------

  /**
   * Resolves cassandra-all:<version> and its runtime dependencies into `libDir` with Maven (skipped when
   * cassandra-all-<version>.jar is there). Downloads into a temp dir and renames, so an interrupted
   * resolution never looks complete.
   */
  async ensureJars(opts: { signal?: AbortSignal } = {}): Promise<string> {
    const lib = this.libDir;
    const marker = path.join(lib, `cassandra-all-${this.version}.jar`);
    if (existsSync(marker)) return lib;
    const coordinate = `org.apache.cassandra:cassandra-all:${this.version}`;
    const mvn = await findOnPath('mvn', this.env);
    if (!mvn) {
      throw new LocalCassandraError(
        `Maven (mvn) not found on PATH: it is needed once to resolve ${coordinate} into ${lib}`,
        'apt-get install maven',
        { code: 'MAVEN_MISSING' },
      );
    }
    const versionDir = path.dirname(lib);
    await fsp.mkdir(versionDir, { recursive: true });
    const work = await fsp.mkdtemp(path.join(versionDir, '.resolve-'));
    const started = Date.now();
    try {
      const pom = path.join(work, 'pom.xml');
      const out = path.join(work, 'lib');
      await fsp.writeFile(pom, pomXml(this.version));
      this.log(
        `resolving ${coordinate} + runtime dependencies with Maven into ${lib} (≈45 s with a cold ~/.m2)`,
      );
      const args = [
        '-B',
        '-ntp',
        '-f',
        pom,
        'org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies',
        '-DincludeScope=runtime',
        `-DoutputDirectory=${out}`,
      ];
      const { code, output } = await this.runLogged(mvn, args, work, opts.signal, 'Maven');
      if (code !== 0) {
        const errors = output
          .split('\n')
          .filter((l) => l.includes('[ERROR]'))
          .map((l) => l.trimEnd()) // -B (batch mode) prints no colours
          .filter(
            (l) =>
              !/\[ERROR\]\s*$|-> \[Help|Re-run Maven|For more information|full stack trace|\[Help 1\]/.test(
                l,
              ),
          );
        const tail = (errors.length > 0 ? errors : output.trim().split('\n')).slice(-8).join('\n');
        const notFound = /Could not find artifact|could not be resolved|was not found in/i.test(output);
        const network =
          /UnknownHost|Could not transfer|Connection (refused|timed out)|Network is unreachable/i.test(
            output,
          );
        throw new LocalCassandraError(
          `could not resolve ${coordinate} with Maven (exit ${code ?? 'signal'})`,
          notFound && !network
            ? `check the version (LOCAL_CASSANDRA_VERSION): ${this.version} is not on Maven Central; e.g. ${DEFAULT_CASSANDRA_VERSION}`
            : network
              ? 'Maven Central must be reachable (configure a proxy or mirror in ~/.m2/settings.xml) and retry'
              : `run it yourself to see the whole output: mvn ${args.join(' ')}`,
          { code: 'JARS', details: indent(tail) },
        );
      }
      const jars = (await fsp.readdir(out).catch(() => [] as string[])).filter((f) => f.endsWith('.jar'));
      const missing = [`cassandra-all-${this.version}.jar`, ...REQUIRED_JAR_PREFIXES].filter(
        (want) => !jars.some((j) => (want.endsWith('.jar') ? j === want : j.startsWith(want))),
      );
      if (missing.length > 0) {
        throw new LocalCassandraError(
          `Maven resolved ${coordinate} but these jars are missing: ${missing.join(', ')}`,
          'check ~/.m2/settings.xml (mirrors, excluded dependencies) and retry',
          { code: 'JARS' },
        );
      }
      try {
        await fsp.rename(out, lib);
      } catch (e) {
        // another process finished first: fine if its result is complete
        if (!existsSync(marker)) throw e;
      }
      let bytes = 0;
      for (const j of jars) bytes += (await fsp.stat(path.join(lib, j)).catch(() => ({ size: 0 }))).size;
      this.log(
        `jars: ${jars.length} files, ${Math.round(bytes / 1e6)} MB in ${lib} (${formatSeconds(Date.now() - started)})`,
      );
      return lib;
    } finally {
      await fsp.rm(work, { recursive: true, force: true });
    }
  }

  private runLogged(
    cmd: string,
    args: string[],
    cwd: string,
    signal: AbortSignal | undefined,
    what: string,
  ): Promise<{ code: number | null; output: string }> {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const child = spawn(cmd, args, { cwd, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      const collect = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (output.length > 2_000_000) output = output.slice(-1_000_000);
      };
      child.stdout?.on('data', collect);
      child.stderr?.on('data', collect);
      const heartbeat = setInterval(
        () => this.log(`${what} still working (${formatSeconds(Date.now() - started)})`),
        15_000,
      );
      const onAbort = () => child.kill('SIGTERM');
      signal?.addEventListener('abort', onAbort, { once: true });
      const finish = () => {
        clearInterval(heartbeat);
        signal?.removeEventListener('abort', onAbort);
      };
      child.once('error', (e) => {
        finish();
        reject(
          new LocalCassandraError(`cannot run ${cmd}: ${e.message}`, 'apt-get install maven', {
            code: 'MAVEN_MISSING',
          }),
        );
      });
      child.once('close', (code) => {
        finish();
        if (signal?.aborted) {
          reject(new LocalCassandraError(`${what} interrupted`, undefined, { code: 'ABORTED' }));
        } else resolve({ code, output });
      });
    });
  }

  private async findJammJar(lib: string): Promise<string> {
    const jamm = (await fsp.readdir(lib)).filter((f) => /^jamm-.*\.jar$/.test(f)).sort();
    if (jamm.length === 0) {
      throw new LocalCassandraError(
        `the jar cache ${lib} is incomplete (no jamm-*.jar)`,
        `delete ${path.dirname(lib)} and start again to resolve the jars anew`,
        { code: 'JARS' },
      );
    }
    return path.join(lib, jamm[jamm.length - 1]);
  }

  // ----- pid files & state -------------------------------------------------------------------------------

  private async readPid(node: number): Promise<number | null> {
    try {
      const pid = parseInt((await fsp.readFile(path.join(this.nodeDir(node), PID_FILE), 'utf8')).trim(), 10);
      return Number.isInteger(pid) && pid > 0 ? pid : null;
    } catch {
      return null;
    }
  }

  private async readLaunchRecord(node: number): Promise<LaunchRecord | null> {
    try {
      return JSON.parse(
        await fsp.readFile(path.join(this.nodeDir(node), LAUNCH_FILE), 'utf8'),
      ) as LaunchRecord;
    } catch {
      return null;
    }
  }

  private async clearPidFiles(node: number): Promise<void> {
    await fsp.rm(path.join(this.nodeDir(node), PID_FILE), { force: true });
    await fsp.rm(path.join(this.nodeDir(node), LAUNCH_FILE), { force: true });
  }

  /** Node numbers to look at: 1..nodes plus any node dir that exists in baseDir. */
  private async knownNodes(): Promise<number[]> {
    const set = new Set<number>();
    for (let i = 1; i <= this.nodes; i++) set.add(i);
    for (let i = 1; i <= MAX_NODES; i++) if (existsSync(this.nodeDir(i))) set.add(i);
    return [...set].sort((a, b) => a - b);
  }

  /** pid → node for every live node process recorded in this baseDir's pid files. */
  private async ourPids(): Promise<Map<number, number>> {
    const map = new Map<number, number>();
    for (let i = 1; i <= MAX_NODES; i++) {
      const pid = await this.readPid(i);
      if (pid !== null && (await isOurNodeProcess(pid, this.nodeDir(i)))) map.set(pid, i);
    }
    return map;
  }

  async status(): Promise<LocalCassandraNodeStatus[]> {
    const result: LocalCassandraNodeStatus[] = [];
    for (const node of await this.knownNodes()) {
      const pid = await this.readPid(node);
      const running = pid !== null && (await isOurNodeProcess(pid, this.nodeDir(node)));
      const record = running ? await this.readLaunchRecord(node) : null;
      const address = nodeAddress(node);
      const port = record?.nativePort ?? this.nativePort;
      result.push({
        node,
        address,
        port,
        pid: running ? pid : null,
        running,
        cqlReady: running && (await canConnect(address, port)),
        logFile: this.logFile(node),
      });
    }
    return result;
  }

  // ----- lock ----------------------------------------------------------------------------------------------

  private async withLock<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await fsp.mkdir(this.baseDir, { recursive: true });
    const lock = path.join(this.baseDir, LOCK_FILE);
    const deadline = Date.now() + this.startTimeoutMs + 300_000;
    let announced = false;
    for (;;) {
      try {
        await fsp.writeFile(lock, `${process.pid}\n`, { flag: 'wx' });
        break;
      } catch (e) {
        if (errCode(e) !== 'EEXIST') throw e;
      }
      const holder = parseInt((await fsp.readFile(lock, 'utf8').catch(() => '')).trim(), 10);
      const age = Date.now() - ((await fsp.stat(lock).catch(() => null))?.mtimeMs ?? Date.now());
      if ((!Number.isInteger(holder) && age > 5000) || (Number.isInteger(holder) && !isAlive(holder))) {
        await fsp.rm(lock, { force: true }); // stale
        continue;
      }
      if (signal?.aborted) throw new LocalCassandraError('interrupted', undefined, { code: 'ABORTED' });
      if (Date.now() > deadline) {
        throw new LocalCassandraError(
          `another launcher (pid ${holder}) has been holding ${lock} for too long`,
          `wait for it to finish, or remove ${lock} if pid ${holder} is not a launcher`,
          { code: 'LOCKED' },
        );
      }
      if (!announced) {
        this.log(`waiting for another launcher (pid ${holder}) working on ${this.baseDir}`);
        announced = true;
      }
      await sleep(500);
    }
    try {
      return await fn();
    } finally {
      await fsp.rm(lock, { force: true });
    }
  }

  // ----- start -------------------------------------------------------------------------------------------

  /**
   * Starts the configured nodes and resolves once every one accepts CQL connections. Healthy nodes already
   * running from this baseDir are reused. The seed (node 1) starts first; the others start together after
   * it is ready. Any failure kills what this call launched.
   */
  async start(opts: { signal?: AbortSignal } = {}): Promise<LocalCassandraStartResult> {
    const started = Date.now();
    return this.withLock(async () => {
      const launched: Launched[] = [];
      try {
        const nodes = await this.startLocked(launched, opts.signal);
        return {
          contactPoints: nodes.map((n) => n.address),
          port: this.nativePort,
          startedByUs: nodes.some((n) => n.startedByUs),
          pids: nodes.map((n) => n.pid),
          nodes,
          elapsedMs: Date.now() - started,
        };
      } catch (e) {
        await this.killLaunched(launched);
        throw e;
      }
    }, opts.signal);
  }

  private async startLocked(launched: Launched[], signal?: AbortSignal): Promise<LocalCassandraNodeInfo[]> {
    const wanted = Array.from({ length: this.nodes }, (_, i) => i + 1);
    const reuse = new Map<number, number>(); // node → pid
    const toLaunch: number[] = [];

    // 1. what is already running from this baseDir
    for (const node of wanted) {
      const pid = await this.readPid(node);
      if (pid !== null && (await isOurNodeProcess(pid, this.nodeDir(node)))) {
        const record = await this.readLaunchRecord(node);
        if (
          record &&
          (record.nativePort !== this.nativePort ||
            record.storagePort !== this.storagePort ||
            record.version !== this.version)
        ) {
          throw new LocalCassandraError(
            `node${node} (pid ${pid}) is running Cassandra ${record.version} with CQL port ${record.nativePort} and storage port ${record.storagePort}, but ${this.version} with ${this.nativePort}/${this.storagePort} was asked for`,
            'stop it first: npm run cassandra -- stop',
            { code: 'INCOMPATIBLE_NODE' },
          );
        }
        reuse.set(node, pid);
      } else {
        if (pid !== null) await this.clearPidFiles(node); // stale pid file
        toLaunch.push(node);
      }
    }

    // 2. pre-flight for what we will launch: the data's ring, addresses and ports (before the slow jar step)
    if (toLaunch.length > 0) await this.checkClusterSize();
    if (toLaunch.length > 0) await this.checkPorts(toLaunch);

    // 3. java + jars + config files
    let java: JavaInfo | null = null;
    let lib = '';
    let jamm = '';
    if (toLaunch.length > 0) {
      java = await resolveJava({
        javaHome: this.opts.javaHome,
        env: this.env,
        java17Homes: this.opts.java17Homes,
        log: this.log,
      });
      lib = await this.ensureJars({ signal });
      jamm = await this.findJammJar(lib);
      for (const node of toLaunch) await this.writeNodeConfig(node);
    }

    const launchOne = async (node: number): Promise<NodeWait> => {
      const l = await this.launch(node, java as JavaInfo, lib, jamm);
      launched.push(l);
      return { node, launched: l, pid: l.pid };
    };
    const reuseOne = (node: number): NodeWait => {
      const pid = reuse.get(node) as number;
      this.log(`node${node}: already running (pid ${pid}), reusing it`);
      return { node, launched: null, pid };
    };

    // 4. the seed first …
    const infos: LocalCassandraNodeInfo[] = [];
    const seed = toLaunch.includes(1) ? await launchOne(1) : reuseOne(1);
    await this.waitAll([seed], signal);
    infos.push(this.info(seed));
    // … 5. then the others together
    if (wanted.length > 1) {
      const others: NodeWait[] = [];
      for (const node of wanted.slice(1))
        others.push(toLaunch.includes(node) ? await launchOne(node) : reuseOne(node));
      await this.waitAll(others, signal);
      infos.push(...others.map((w) => this.info(w)));
    }
    if (toLaunch.length > 0 && this.nodes === 1 && existsSync(this.nodeDir(2))) {
      const extra = await this.ourPids();
      const running = [...extra.values()].filter((n) => n > 1);
      if (running.length > 0)
        this.log(`note: node(s) ${running.join(', ')} of an earlier 3-node start still run`);
    }
    return infos;
  }

  private info(w: NodeWait): LocalCassandraNodeInfo {
    return {
      node: w.node,
      address: nodeAddress(w.node),
      port: this.nativePort,
      pid: w.pid,
      startedByUs: w.launched !== null,
      logFile: this.logFile(w.node),
    };
  }

  private async checkPorts(nodes: number[]): Promise<void> {
    const ours = await this.ourPids();
    for (const node of nodes) {
      const address = nodeAddress(node);
      const checks: Array<[string, number, string]> = [
        [address, this.nativePort, 'CQL'],
        [address, this.storagePort, 'storage'],
        ['127.0.0.1', this.jmxPort(node), 'JMX'],
      ];
      for (const [host, port, what] of checks) {
        const probe = await probeBind(host, port);
        if (probe === 'free') continue;
        if (probe === 'unavailable' || probe === 'denied') {
          throw new LocalCassandraError(
            probe === 'denied'
              ? `cannot bind ${host}:${port} (${what} port of node${node}): permission denied`
              : `cannot bind ${host} (node${node}): the address is not available on this machine`,
            host === '127.0.0.1' || probe === 'denied'
              ? 'choose other ports (nativePort / storagePort / jmxBasePort)'
              : `add the loopback alias (Linux: ip addr add ${host}/8 dev lo; macOS: sudo ifconfig lo0 alias ${host} up) or use 1 node`,
            { code: 'ADDRESS_UNAVAILABLE' },
          );
        }
        throw await this.portInUseError(host, port, what, node, ours);
      }
    }
  }

  private async portInUseError(
    host: string,
    port: number,
    what: string,
    node: number,
    ours: Map<number, number>,
  ): Promise<LocalCassandraError> {
    const where = `${host}:${port} (${what} port of node${node})`;
    const pid = await findListeningPid(port);
    if (pid === null) {
      return new LocalCassandraError(
        `${where} is already in use by a process this user cannot see`,
        `find it with: ss -ltnp 'sport = :${port}'; or set CASSANDRA_CONTACT_POINTS to use the server there`,
        { code: 'PORT_IN_USE' },
      );
    }
    const ourNode = ours.get(pid);
    if (ourNode !== undefined) {
      return new LocalCassandraError(
        `${where} is already in use by pid ${pid}, our own node${ourNode} from ${this.baseDir}`,
        'stop it with: npm run cassandra -- stop (then start again with the settings you want)',
        { code: 'PORT_IN_USE' },
      );
    }
    const cmdline = (await readCmdline(pid)) ?? [];
    const storageDir = cmdline.find((a) => a.startsWith('-Dcassandra.storagedir='))?.split('=')[1];
    const isCassandra = cmdline.includes(DAEMON_CLASS) || cmdline.some((a) => /cassandra/i.test(a));
    const program = cmdline.length > 0 ? path.basename(cmdline[0]) : 'unknown program';
    const owner = isCassandra
      ? `a Cassandra not started from ${this.baseDir}${storageDir ? ` (its dir: ${storageDir})` : ''}`
      : `${program}, not one of our nodes`;
    return new LocalCassandraError(
      `${where} is already in use by pid ${pid}: ${owner}`,
      isCassandra
        ? `use that server with CASSANDRA_CONTACT_POINTS=${host}:${this.nativePort}, or stop it (kill ${pid}${storageDir ? `, or npm run cassandra -- stop with LOCAL_CASSANDRA_DIR=${path.dirname(storageDir)}` : ''})`
        : `stop pid ${pid}, or choose other ports (LOCAL_CASSANDRA_PORT, LOCAL_CASSANDRA_STORAGE_PORT, LOCAL_CASSANDRA_JMX_PORT); to use a server that is already running set CASSANDRA_CONTACT_POINTS`,
      { code: 'PORT_IN_USE' },
    );
  }

  private async writeNodeConfig(node: number): Promise<void> {
    const d = this.nodeDir(node);
    for (const sub of [
      'conf',
      'data',
      'commitlog',
      'saved_caches',
      'hints',
      'cdc_raw',
      'logs',
      'triggers',
      'tmp',
    ]) {
      await fsp.mkdir(path.join(d, sub), { recursive: true });
    }
    await fsp.writeFile(
      path.join(d, 'conf', 'cassandra.yaml'),
      renderCassandraYaml({ node, nodeDir: d, nativePort: this.nativePort, storagePort: this.storagePort }),
    );
    await fsp.writeFile(path.join(d, 'conf', 'logback.xml'), renderLogbackXml());
  }

  private async launch(node: number, java: JavaInfo, lib: string, jamm: string): Promise<Launched> {
    const d = this.nodeDir(node);
    const address = nodeAddress(node);
    const args = buildJvmArgs({
      nodeDir: d,
      libDir: lib,
      jammJar: jamm,
      heap: this.heap,
      jmxPort: this.jmxPort(node),
      fastStart: this.opts.fastStart,
      skipSync: this.opts.skipSync,
    });
    const systemLogOffset = await fileSize(this.logFile(node));
    const out = openSync(this.stdoutLogFile(node), 'w');
    let child: ChildProcess;
    try {
      child = spawn(java.path, args, {
        cwd: d,
        detached: true, // own process group: a Ctrl-C in the terminal does not reach the node
        stdio: ['ignore', out, out],
        env: { ...this.env, MALLOC_ARENA_MAX: '4' },
      });
    } finally {
      closeSync(out);
    }
    if (child.pid === undefined) {
      const error = await new Promise<Error>((resolve) => {
        child.once('error', resolve);
        setTimeout(() => resolve(new Error('no pid')), 1000);
      });
      throw new LocalCassandraError(`cannot launch ${java.path}: ${error.message}`, JAVA_HINT, {
        code: 'LAUNCH_FAILED',
      });
    }
    const l: Launched = { node, pid: child.pid, child, exit: null, spawnError: null, systemLogOffset };
    child.once('exit', (code, signal) => (l.exit = { code, signal }));
    child.once('error', (e) => (l.spawnError = e));
    child.unref();
    await fsp.writeFile(path.join(d, PID_FILE), `${child.pid}\n`);
    const record: LaunchRecord = {
      version: this.version,
      address,
      nativePort: this.nativePort,
      storagePort: this.storagePort,
      jmxPort: this.jmxPort(node),
      pid: child.pid,
      startedAt: new Date().toISOString(),
    };
    await fsp.writeFile(path.join(d, LAUNCH_FILE), `${JSON.stringify(record, null, 2)}\n`);
    this.log(
      `node${node}: launched pid ${child.pid} on ${address}:${this.nativePort} (storage ${this.storagePort}, JMX 127.0.0.1:${this.jmxPort(node)}), log ${this.logFile(node)}`,
    );
    return l;
  }

  /** Waits for all nodes; the first failure cancels the other waits. */
  private async waitAll(waits: NodeWait[], signal?: AbortSignal): Promise<void> {
    const cancel = { cancelled: false };
    const deadline = Date.now() + this.startTimeoutMs;
    const promises = waits.map((w) => this.waitReady(w, deadline, cancel, signal));
    for (const p of promises) p.catch(() => {}); // the first rejection is the one reported
    try {
      await Promise.all(promises);
    } finally {
      cancel.cancelled = true;
    }
  }

  private async waitReady(
    w: NodeWait,
    deadline: number,
    cancel: { cancelled: boolean },
    signal?: AbortSignal,
  ): Promise<void> {
    const address = nodeAddress(w.node);
    const since = Date.now();
    const systemLog = this.logFile(w.node);
    let offset = w.launched?.systemLogOffset ?? 0;
    let carry = '';
    let markerSeen = w.launched === null; // a reused node: its old log says nothing, the port decides
    let nextProgress = since + 15_000;
    for (;;) {
      if (cancel.cancelled) throw new LocalCassandraError('cancelled', undefined, { code: 'ABORTED' });
      if (signal?.aborted) {
        throw new LocalCassandraError(`start of node${w.node} interrupted`, undefined, { code: 'ABORTED' });
      }
      const exited = w.launched ? w.launched.exit !== null || w.launched.spawnError !== null : false;
      if (exited || !isAlive(w.pid)) {
        const how = w.launched?.spawnError
          ? `could not be started (${w.launched.spawnError.message})`
          : w.launched?.exit
            ? `exited during start-up (${w.launched.exit.signal ? `signal ${w.launched.exit.signal}` : `exit code ${w.launched.exit.code}`})`
            : 'exited during start-up';
        const tail =
          (await tailFile(this.stdoutLogFile(w.node), 40)) ||
          (await tailFile(systemLog, 40, w.launched?.systemLogOffset ?? 0));
        throw new LocalCassandraError(
          `node${w.node} (pid ${w.pid}) ${how}; last lines of ${this.stdoutLogFile(w.node)}:`,
          `fix the cause shown in the log; full log: ${systemLog}`,
          { code: 'NODE_EXITED', details: tail ? indent(tail) : '    (log is empty)' },
        );
      }
      if (!markerSeen) {
        const size = await fileSize(systemLog);
        if (size < offset) offset = 0; // truncated/rotated
        if (size > offset) {
          const fh = await fsp.open(systemLog, 'r');
          try {
            const buf = Buffer.alloc(Math.min(size - offset, 4 * 1024 * 1024));
            const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
            offset += bytesRead;
            const text = carry + buf.subarray(0, bytesRead).toString('utf8');
            markerSeen = text.includes(CQL_READY_MARKER);
            carry = text.slice(-CQL_READY_MARKER.length);
          } finally {
            await fh.close();
          }
        }
      }
      if (markerSeen && (await canConnect(address, this.nativePort))) {
        this.log(
          `node${w.node}: ready on ${address}:${this.nativePort} after ${formatSeconds(Date.now() - since)}`,
        );
        return;
      }
      if (Date.now() > deadline) {
        const tail = await tailFile(systemLog, 40, w.launched?.systemLogOffset ?? 0);
        throw new LocalCassandraError(
          `node${w.node} (pid ${w.pid}) was not ready on ${address}:${this.nativePort} after ${formatSeconds(this.startTimeoutMs)}${w.launched ? '' : ' (a node that was already running)'}; last lines of ${systemLog}:`,
          w.launched
            ? 'look at the log; on a slow machine raise startTimeoutMs'
            : 'stop it with npm run cassandra -- stop and start again',
          { code: 'START_TIMEOUT', details: tail ? indent(tail) : '    (log is empty)' },
        );
      }
      if (Date.now() > nextProgress) {
        this.log(`node${w.node}: still starting (${formatSeconds(Date.now() - since)})`);
        nextProgress += 15_000;
      }
      await sleep(250);
    }
  }

  /** Kill what one start() launched (its own process groups), quickly; used on failures. */
  private async killLaunched(launched: Launched[]): Promise<void> {
    const signalGroup = (l: Launched, sig: NodeJS.Signals) => {
      try {
        process.kill(-l.pid, sig);
      } catch {
        try {
          process.kill(l.pid, sig);
        } catch {
          /* gone */
        }
      }
    };
    const gone = (l: Launched) => l.exit !== null || l.spawnError !== null || !isAlive(l.pid);
    await Promise.all(
      launched.map(async (l) => {
        if (!gone(l)) {
          signalGroup(l, 'SIGTERM');
          const until = Date.now() + 10_000;
          while (!gone(l) && Date.now() < until) await sleep(100);
          if (!gone(l)) signalGroup(l, 'SIGKILL');
          const hard = Date.now() + 5_000;
          while (!gone(l) && Date.now() < hard) await sleep(100);
          this.log(`node${l.node}: stopped pid ${l.pid}, which this failed start had launched`);
        }
        await this.clearPidFiles(l.node);
      }),
    );
  }

  /**
   * A node's system tables remember the ring it belonged to: node1 of a former 3-node cluster, started alone,
   * would think two thirds of every keyspace's ranges are owned by dead peers and fail every quorum read for them.
   * So the node directories that hold data must be exactly the ones asked for (or none).
   */
  private async checkClusterSize(): Promise<void> {
    const withData: number[] = [];
    for (let i = 1; i <= MAX_NODES; i++) {
      if (existsSync(path.join(this.nodeDir(i), 'data', 'system'))) withData.push(i);
    }
    const wanted = Array.from({ length: this.nodes }, (_, i) => i + 1);
    if (withData.length > 0 && withData.join(',') !== wanted.join(',')) {
      const had =
        withData.length === 1
          ? 'a 1-node cluster'
          : `a ${withData.length}-node cluster (node${withData.join(', node')})`;
      throw new LocalCassandraError(
        `${this.baseDir} holds the data of ${had}, but ${this.nodes === 1 ? '1 node was' : `${this.nodes} nodes were`} asked for`,
        `start it with --nodes ${withData.length} (LOCAL_CASSANDRA_NODES=${withData.length}), use another LOCAL_CASSANDRA_DIR, or delete that data: npm run cassandra -- wipe`,
        { code: 'CLUSTER_SIZE' },
      );
    }
  }

  // ----- stop / wipe -------------------------------------------------------------------------------------

  /** SIGTERM every node of this baseDir (by its pid file), SIGKILL after stopGraceMs. Never kills by name. */
  async stop(): Promise<void> {
    const nodes = await this.knownNodes();
    await Promise.all(nodes.map((n) => this.stopNode(n)));
  }

  private async stopNode(node: number): Promise<void> {
    const pid = await this.readPid(node);
    if (pid === null) return;
    if (!(await isOurNodeProcess(pid, this.nodeDir(node)))) {
      await this.clearPidFiles(node); // stale: the process is gone (or the pid now belongs to someone else)
      return;
    }
    const since = Date.now();
    this.log(`node${node}: stopping pid ${pid}`);
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    const until = Date.now() + this.stopGraceMs;
    while (isAlive(pid) && Date.now() < until) await sleep(200);
    if (isAlive(pid)) {
      this.log(
        `node${node}: pid ${pid} ignored SIGTERM for ${formatSeconds(this.stopGraceMs)}, sending SIGKILL`,
      );
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
      const hard = Date.now() + 10_000;
      while (isAlive(pid) && Date.now() < hard) await sleep(100);
    }
    await this.clearPidFiles(node);
    this.log(`node${node}: stopped (${formatSeconds(Date.now() - since)})`);
  }

  /** stop() and delete the node directories (data, logs, config); the jar cache stays. */
  async wipe(): Promise<void> {
    await this.withLock(async () => {
      await this.stop();
      for (let i = 1; i <= MAX_NODES; i++) {
        if (existsSync(this.nodeDir(i))) {
          await fsp.rm(this.nodeDir(i), { recursive: true, force: true });
          this.log(`node${i}: deleted ${this.nodeDir(i)}`);
        }
      }
    });
  }
}
