/**
 * npm run cassandra -- start [--nodes 1|3] | stop | status | wipe | logs [--node N] [--lines 100] [--follow]
 *
 * A local, real Apache Cassandra for development and tests (see src/cassandra/local.ts). Defaults come from
 * LOCAL_CASSANDRA_DIR, LOCAL_CASSANDRA_CACHE_DIR, LOCAL_CASSANDRA_VERSION, LOCAL_CASSANDRA_HEAP and
 * LOCAL_CASSANDRA_NODES (src/cassandra/local-options.ts).
 */
import { promises as fsp } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { LocalCassandra, LocalCassandraError, type LocalCassandraOptions } from '../cassandra/local';
import { localCassandraOptionsFromEnv } from '../cassandra/local-options';
import { positiveInt } from './args';

const out = (line = '') => process.stdout.write(`${line}\n`);

function parseNodes(value: string): 1 | 3 {
  if (value === '1') return 1;
  if (value === '3') return 3;
  throw new InvalidArgumentError('must be 1 or 3');
}

function launcher(overrides: Partial<LocalCassandraOptions> = {}): LocalCassandra {
  return new LocalCassandra({ ...localCassandraOptionsFromEnv(), ...overrides });
}

async function start(opts: { nodes?: 1 | 3 }): Promise<void> {
  const cassandra = launcher(opts.nodes ? { nodes: opts.nodes } : {});
  const abort = new AbortController();
  const onSigint = () => {
    process.stderr.write('\n[cassandra] interrupted: stopping what this start launched …\n');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    const result = await cassandra.start({ signal: abort.signal });
    for (const n of result.nodes) {
      out(
        `node${n.node}  ${n.address}:${n.port}  pid ${n.pid}  ${n.startedByUs ? 'started' : 'already running'}  log ${n.logFile}`,
      );
    }
    const what = result.nodes.length === 1 ? '1 node' : `${result.nodes.length} nodes`;
    out(
      `ready: ${what} in ${(result.elapsedMs / 1000).toFixed(1)} s — contact points ${result.contactPoints.join(',')}, port ${result.port}, localDataCenter datacenter1`,
    );
    out('stop with: npm run cassandra -- stop');
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}

async function status(): Promise<void> {
  const cassandra = launcher();
  const nodes = await cassandra.status();
  for (const n of nodes) {
    const state = !n.running
      ? 'not running'
      : n.cqlReady
        ? 'running, CQL ready'
        : 'running, CQL not answering';
    out(`node${n.node}  ${n.address}:${n.port}  pid ${n.pid ?? '-'}  ${state}  log ${n.logFile}`);
  }
  if (nodes.every((n) => !n.running)) out(`no node is running from ${cassandra.baseDir}`);
}

async function logs(opts: { node: number; lines: number; follow?: boolean }): Promise<void> {
  const cassandra = launcher();
  const file = cassandra.logFile(opts.node);
  let offset: number;
  try {
    const fh = await fsp.open(file, 'r');
    try {
      const { size } = await fh.stat();
      const start = Math.max(0, size - 4 * 1024 * 1024);
      const buf = Buffer.alloc(size - start);
      await fh.read(buf, 0, buf.length, start);
      const lines = buf.toString('utf8').split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      for (const line of lines.slice(-opts.lines)) out(line);
      offset = size;
    } finally {
      await fh.close();
    }
  } catch {
    throw new LocalCassandraError(
      `no log yet for node${opts.node} at ${file}`,
      'start it first: npm run cassandra -- start',
    );
  }
  if (!opts.follow) return;
  await new Promise<never>(() => {
    process.on('SIGINT', () => process.exit(0));
    const timer = setInterval(async () => {
      try {
        const { size } = await fsp.stat(file);
        if (size < offset) offset = 0; // truncated / recreated (wipe + start)
        if (size === offset) return;
        const fh = await fsp.open(file, 'r');
        try {
          const buf = Buffer.alloc(size - offset);
          const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
          offset += bytesRead;
          process.stdout.write(buf.subarray(0, bytesRead));
        } finally {
          await fh.close();
        }
      } catch {
        /* the file may be gone for a moment (wipe); keep polling */
      }
    }, 500);
    timer.ref();
  });
}

export function buildProgram(): Command {
  const program = new Command('cassandra')
    .description('a local, real Apache Cassandra (1 or 3 nodes on 127.0.0.x) for development and tests')
    .showHelpAfterError();
  program
    .command('start')
    .description('start the nodes (reusing healthy ones) and wait until they accept CQL connections')
    .option(
      '--nodes <n>',
      '1 node on 127.0.0.1, or 3 nodes on 127.0.0.1-3 (default: LOCAL_CASSANDRA_NODES or 1)',
      parseNodes,
    )
    .action(start);
  program
    .command('stop')
    .description('stop the nodes started from this directory (SIGTERM, then SIGKILL)')
    .action(async () => {
      await launcher().stop();
    });
  program
    .command('fetch')
    .description('resolve the Cassandra jars with Maven into the cache (skipped when already there)')
    .action(async () => {
      const lib = await launcher().ensureJars();
      out(`jars ready in ${lib}`);
    });
  program.command('status').description('show each node: pid, running, CQL ready, log file').action(status);
  program
    .command('wipe')
    .description('stop the nodes and delete their data, logs and config (the jar cache stays)')
    .action(async () => {
      await launcher().wipe();
    });
  program
    .command('logs')
    .description("print the end of a node's system.log")
    .option('--node <n>', 'node number', positiveInt, 1)
    .option('--lines <n>', 'how many lines', positiveInt, 100)
    .option('--follow', 'keep printing new lines (Ctrl-C to end)')
    .action(logs);
  return program;
}

async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof LocalCassandraError) {
      process.stderr.write(`error: ${e.summary}\n`);
      if (e.details) process.stderr.write(`${e.details}\n`);
      if (e.hint) process.stderr.write(`fix: ${e.hint}\n`);
      return e.code === 'ABORTED' ? 130 : 1;
    }
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv).then((code) => process.exit(code));
}
