/**
 * The Spark engine of the recommender (`npm run recommend -- --engine spark`, `npm run evaluate -- --engine spark`):
 * the Python environment (a venv under the ignored `.cache/`, rebuilt when spark/requirements.txt changes), the
 * spark-submit command line (the spark-cassandra-connector package, the Cassandra connection from the project's own
 * config, Spark/Ivy caches under `.cache/`), streaming of Spark's progress, and the run bookkeeping the API reads
 * (recommender_runs, the published model pointer) around spark/recommend_job.py, which computes and writes the rest.
 */
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { types } from 'cassandra-driver';
import type { CassandraConfig } from '../config';
import { findRepoRoot } from '../cassandra/local-options';
import type { Repositories } from '../repositories';
import { SNAPSHOT_BUCKET_SIZE } from '../repositories/recommender-model';
import type { InteractionRow, ItemMeta, UserMeta } from '../recommender';
import {
  DEFAULT_LIST_SIZE,
  DEFAULT_NEIGHBORS,
  DEFAULT_SIMILAR_USERS,
  MAX_LIST_SIZE,
  RecommendJobError,
  type RecommendJobSummary,
} from './recommend';

/** The connector build for Spark 3.5 / Scala 2.12 (Spark 4 has no released connector yet). */
export const CONNECTOR_PACKAGE = 'com.datastax.spark:spark-cassandra-connector_2.12:3.5.1';
export const DEFAULT_MASTER = 'local[2]';

/** ALS and blend settings of the Spark job (defaults in spark/recommend_job.py, tuned on the synthetic data). */
export interface AlsOptions {
  rank?: number;
  iterations?: number;
  reg?: number;
  alpha?: number;
  /** Weight of normalised popularity in the blend (the rest is ALS). */
  popWeight?: number;
}

export interface SparkOptions {
  /** local[N], spark://host:7077, yarn, … (default local[2]). */
  master?: string;
  /** Extra `--conf k=v` settings; they override the ones derived from the project config. */
  conf?: readonly string[];
  als?: AlsOptions;
  /** Where progress and log lines go (default: stderr). */
  log?: (line: string) => void;
  /** The repository root (default: found from this file). */
  root?: string;
}

export class SparkEngineError extends RecommendJobError {
  constructor(
    message: string,
    readonly fix?: string,
  ) {
    super(fix ? `${message}\nfix: ${fix}` : message);
    this.name = 'SparkEngineError';
  }
}

interface SparkEnv {
  root: string;
  python: string;
  sparkHome: string;
  env: NodeJS.ProcessEnv;
}

const say = (line: string) => process.stderr.write(`${line}\n`);

function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function commandWorks(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return r.status === 0;
}

/**
 * The venv `.cache/spark-venv` with spark/requirements.txt installed; re-used while the requirements' hash matches
 * the one recorded after the last successful install. Needs python3 (with the venv module) and Java 17.
 */
export function ensureSparkEnv(log: (line: string) => void = say, root = findRepoRoot(__dirname)): SparkEnv {
  const requirements = path.join(root, 'spark', 'requirements.txt');
  const venv = path.join(root, '.cache', 'spark-venv');
  const stamp = path.join(venv, '.requirements.sha256');
  const python = path.join(venv, 'bin', 'python');
  if (!commandWorks('java', ['-version']))
    throw new SparkEngineError(
      'java was not found on PATH: Spark needs a Java 17 runtime',
      'install it (Debian/Ubuntu: apt-get install openjdk-17-jre-headless) or put its bin/ on PATH',
    );
  const hash = sha256(requirements);
  const current = fs.existsSync(stamp) ? fs.readFileSync(stamp, 'utf8').trim() : null;
  if (current !== hash || !fs.existsSync(python)) {
    if (!commandWorks('python3', ['--version']))
      throw new SparkEngineError(
        'python3 was not found on PATH: the Spark engine runs PySpark',
        'install Python 3.9–3.11 (Debian/Ubuntu: apt-get install python3 python3-venv)',
      );
    log(`[spark] creating the Python environment ${path.relative(root, venv)} (pyspark, ≈ 470 MB, once)…`);
    const t0 = Date.now();
    fs.rmSync(venv, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(venv), { recursive: true });
    const mk = spawnSync('python3', ['-m', 'venv', venv], { encoding: 'utf8' });
    if (mk.status !== 0)
      throw new SparkEngineError(
        `python3 -m venv failed: ${(mk.stderr || mk.stdout).trim().split('\n').slice(-2).join(' ')}`,
        'install the venv module (Debian/Ubuntu: apt-get install python3-venv)',
      );
    const pip = spawnSync(
      python,
      ['-m', 'pip', 'install', '--disable-pip-version-check', '-q', '-r', requirements],
      {
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    if (pip.status !== 0)
      throw new SparkEngineError(
        `pip install -r spark/requirements.txt failed (exit ${pip.status})`,
        'check the network access to PyPI (or PIP_INDEX_URL), then run the command again',
      );
    fs.writeFileSync(stamp, `${hash}\n`);
    log(`[spark] Python environment ready in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  const sparkHome = path.join(
    venv,
    'lib',
    fs.readdirSync(path.join(venv, 'lib')).find((d) => d.startsWith('python')) ?? 'python3',
    'site-packages',
    'pyspark',
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SPARK_HOME: sparkHome,
    PYSPARK_PYTHON: python,
    PYSPARK_DRIVER_PYTHON: python,
    PATH: `${path.join(venv, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
  };
  return { root, python, sparkHome, env };
}

/** host[:port] → [host, port]. */
function splitHostPort(contactPoint: string): [string, number | null] {
  const m = /^(.*):(\d+)$/.exec(contactPoint);
  return m ? [m[1], Number(m[2])] : [contactPoint, null];
}

/**
 * The connector's connection settings from the project's Cassandra config (never hard-coded): hosts, port, local DC,
 * keyspace-independent consistency for reads and writes, credentials and TLS when configured. The Python job's
 * writer reads the same keys.
 */
export function connectionConf(
  cassandra: CassandraConfig,
  contactPoints: readonly string[],
): Record<string, string> {
  const hosts = contactPoints.map(splitHostPort);
  const port = hosts.find(([, p]) => p !== null)?.[1] ?? 9042;
  const conf: Record<string, string> = {
    'spark.cassandra.connection.host': hosts.map(([h]) => h).join(','),
    'spark.cassandra.connection.port': String(port),
    'spark.cassandra.connection.localDC': cassandra.localDataCenter,
    'spark.cassandra.input.consistency.level': cassandra.consistency,
    'spark.cassandra.output.consistency.level': cassandra.consistency,
  };
  if (cassandra.username !== undefined) {
    conf['spark.cassandra.auth.username'] = cassandra.username;
    conf['spark.cassandra.auth.password'] = cassandra.password ?? '';
  }
  if (cassandra.tls) conf['spark.cassandra.connection.ssl.enabled'] = 'true';
  return conf;
}

/**
 * Defaults that keep the job a polite neighbour of the serving path; every one can be overridden with --conf:
 * the connector's read split size and per-task write limits, few shuffle partitions in local mode.
 */
function defaultConf(root: string, master: string): Record<string, string> {
  const cache = path.join(root, '.cache');
  const conf: Record<string, string> = {
    'spark.jars.ivy': path.join(cache, 'ivy'),
    'spark.ui.showConsoleProgress': 'true',
    'spark.ui.enabled': 'false',
    'spark.driver.extraJavaOptions': `-Dlog4j2.configurationFile=${pathToFileUrl(path.join(root, 'spark', 'log4j2.properties'))}`,
    'spark.cassandra.input.split.sizeInMB': '64',
    'spark.cassandra.output.concurrent.writes': '8',
    'spark.cassandra.output.throughputMBPerSec': '8',
  };
  if (master.startsWith('local')) {
    conf['spark.sql.shuffle.partitions'] = '8';
    // ALS checkpoints its lineage here (on a cluster: pass --conf spark.checkpoint.dir=hdfs://… or s3a://…).
    conf['spark.checkpoint.dir'] = path.join(cache, 'spark-checkpoints');
    conf['spark.cleaner.referenceTracking.cleanCheckpoints'] = 'true';
  }
  return conf;
}

function pathToFileUrl(p: string): string {
  return `file:${p}`;
}

function parseConf(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new SparkEngineError(`--conf expects key=value, got "${pair}"`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

function alsArgs(als: AlsOptions = {}): string[] {
  const out: string[] = [];
  if (als.rank !== undefined) out.push('--rank', String(als.rank));
  if (als.iterations !== undefined) out.push('--iterations', String(als.iterations));
  if (als.reg !== undefined) out.push('--reg', String(als.reg));
  if (als.alpha !== undefined) out.push('--alpha', String(als.alpha));
  if (als.popWeight !== undefined) out.push('--pop-weight', String(als.popWeight));
  return out;
}

/**
 * Spark's stderr, line by line: the job's own lines and warnings pass through; the console progress bar (redrawn with
 * \r) becomes one `[spark] stage …` line per stage and at most one every 5 s; Ivy's resolution chatter is dropped.
 */
function progressFilter(log: (line: string) => void) {
  let buffer = '';
  let lastStage = '';
  let lastAt = 0;
  const handle = (raw: string) => {
    const line = raw.trimEnd();
    if (!line.trim()) return;
    const stage =
      /\[Stage (\d+):[^\]]*\]/.exec(line) ?? /\[Stage (\d+):.*\((\d+) \+ (\d+)\) \/ (\d+)\]/.exec(line);
    if (stage) {
      const now = Date.now();
      if (stage[1] !== lastStage || now - lastAt > 5000) {
        const counts = /\((\d+) \+ (\d+)\) \/ (\d+)\]/.exec(line);
        log(
          `[spark] stage ${stage[1]}` +
            (counts ? `: ${counts[1]}/${counts[3]} tasks done, ${counts[2]} running` : ''),
        );
        lastStage = stage[1];
        lastAt = now;
      }
      return;
    }
    if (
      /^(\t|:: |Ivy Default Cache|The jars for the packages|confs: |\s+found |downloading |\s+\[SUCCESSFUL|-+$|\s+\|)/.test(
        line,
      )
    )
      return;
    if (/^\s*\|?\s*(conf|default)\s*\|/.test(line) || / added as a dependency$/.test(line)) return;
    log(line);
  };
  return {
    write(chunk: string) {
      buffer += chunk;
      const parts = buffer.split(/[\r\n]/);
      buffer = parts.pop() ?? '';
      for (const p of parts) handle(p);
    },
    end() {
      if (buffer) handle(buffer);
      buffer = '';
    },
  };
}

/** Runs spark-submit with the job; resolves when it exits 0, otherwise rejects with the last lines it printed. */
async function sparkSubmit(
  env: SparkEnv,
  master: string,
  conf: Record<string, string>,
  jobArgs: string[],
  withConnector: boolean,
  log: (line: string) => void,
): Promise<void> {
  const sparkDir = path.join(env.root, 'spark');
  const args = ['--master', master, '--name', 'personalization-recommend'];
  if (withConnector) args.push('--packages', CONNECTOR_PACKAGE);
  args.push(
    '--py-files',
    [path.join(sparkDir, 'recommender_core.py'), path.join(sparkDir, 'cassandra_writes.py')].join(','),
  );
  for (const [k, v] of Object.entries(conf)) args.push('--conf', `${k}=${v}`);
  args.push(path.join(sparkDir, 'recommend_job.py'), ...jobArgs);
  const submit = path.join(env.sparkHome, 'bin', 'spark-submit');
  const childEnv: NodeJS.ProcessEnv = { ...env.env };
  // In local mode the driver binds to loopback (no "hostname resolves to a loopback address" detour).
  if (master.startsWith('local') && !childEnv.SPARK_LOCAL_IP) childEnv.SPARK_LOCAL_IP = '127.0.0.1';
  // Shuffle and broadcast files of the local driver/executors under the ignored .cache/ (a cluster manager sets its own).
  if (!childEnv.SPARK_LOCAL_DIRS) {
    childEnv.SPARK_LOCAL_DIRS = path.join(env.root, '.cache', 'spark-tmp');
    fs.mkdirSync(childEnv.SPARK_LOCAL_DIRS, { recursive: true });
  }
  const tail: string[] = [];
  const keep = (line: string) => {
    tail.push(line);
    if (tail.length > 30) tail.shift();
    log(line);
  };
  await new Promise<void>((resolve, reject) => {
    const child = spawn(submit, args, { env: childEnv, cwd: env.root, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = progressFilter(keep);
    const err = progressFilter(keep);
    child.stdout.setEncoding('utf8').on('data', (c: string) => out.write(c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => err.write(c));
    child.on('error', (e) =>
      reject(
        new SparkEngineError(
          `spark-submit could not start: ${e.message}`,
          'delete .cache/spark-venv and run again',
        ),
      ),
    );
    child.on('close', (code, signal) => {
      out.end();
      err.end();
      if (code === 0) resolve();
      else {
        const why = tail.filter((l) => /error|exception|failed/i.test(l)).slice(-5);
        reject(
          new SparkEngineError(
            `the Spark job failed (${signal ?? `exit ${code}`})${why.length ? `:\n  ${why.join('\n  ')}` : ''}`,
          ),
        );
      }
    });
  });
}

export interface SparkRecommendOptions extends SparkOptions {
  listSize?: number;
  neighbors?: number;
  similarUsers?: number;
}

/**
 * A full run on Spark: records the run (recommender_runs) like the single-machine job, runs the Spark job (snapshot,
 * neighbours, embeddings, similar users, lists), then publishes the model pointer and finishes the run. Returns the
 * same summary the single-machine job prints.
 */
export async function runSparkRecommendJob(
  repos: Repositories,
  cassandra: CassandraConfig,
  contactPoints: readonly string[],
  options: SparkRecommendOptions = {},
): Promise<RecommendJobSummary> {
  const log = options.log ?? say;
  const t0 = performance.now();
  const listSize = options.listSize ?? DEFAULT_LIST_SIZE;
  if (!Number.isInteger(listSize) || listSize < 1 || listSize > MAX_LIST_SIZE)
    throw new RecommendJobError(`--size must be a whole number from 1 to ${MAX_LIST_SIZE}, got ${listSize}`);
  const neighbors = options.neighbors ?? DEFAULT_NEIGHBORS;
  const similarUsers = options.similarUsers ?? DEFAULT_SIMILAR_USERS;
  const env = ensureSparkEnv(log, options.root);
  const master = options.master ?? DEFAULT_MASTER;
  const conf = {
    ...defaultConf(env.root, master),
    ...connectionConf(cassandra, contactPoints),
    ...parseConf(options.conf ?? []),
  };
  const runId = types.TimeUuid.now().toString();
  await repos.recommenderModel.startRun({
    runId,
    options: JSON.stringify({ listSize, neighbors, similarUsers, engine: 'spark', master }),
    chunks: 1,
    startedAt: new Date(),
  });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spark-recommend-'));
  const summaryFile = path.join(tmp, 'summary.json');
  try {
    log(`[spark] submitting to ${master} (run ${runId}, keyspace ${cassandra.keyspace})`);
    await sparkSubmit(
      env,
      master,
      conf,
      [
        '--mode',
        'run',
        '--keyspace',
        cassandra.keyspace,
        '--run-id',
        runId,
        '--summary-out',
        summaryFile,
        '--list-size',
        String(listSize),
        '--neighbors',
        String(neighbors),
        '--similar-users',
        String(similarUsers),
        ...(cassandra.tlsCaFile ? ['--tls-ca-file', cassandra.tlsCaFile] : []),
        ...alsArgs(options.als),
      ],
      true,
      log,
    );
    const s = JSON.parse(fs.readFileSync(summaryFile, 'utf8')) as SparkJobSummary;
    const weights = { collaborative: 1 - s.popWeight, content: 0, popularity: s.popWeight };
    // The model pointer last: refreshRecommendations switches to this run's snapshot and neighbour lists at once.
    await repos.recommenderModel.publish({
      name: 'default',
      version: runId,
      buckets: Math.ceil(s.titles / SNAPSHOT_BUCKET_SIZE),
      weights,
      collaborativeKind: 'als',
      listSize,
      titles: s.titles,
      trainedAt: new Date(),
    });
    for (const phase of ['model', 'embeddings', 'similar-users', 'lists'])
      await repos.recommenderModel.markPhaseDone(runId, phase);
    await repos.recommenderModel.setRunStatus(runId, 'finished', {
      users: s.users,
      titles: s.titles,
      interactions: s.interactions,
    });
    const phaseMs: Record<string, number> = { ...s.phaseMs, total: Math.round(performance.now() - t0) };
    return {
      runId,
      resumed: false,
      dryRun: false,
      users: s.users,
      titles: s.titles,
      interactions: s.interactions,
      interactionsIgnored: s.interactionsIgnored,
      listSize,
      listsWritten: s.listsWritten,
      usersSkipped: 0,
      chunks: 1,
      chunksSkipped: 0,
      phasesSkipped: [],
      titlesWithNeighbors: s.titlesWithNeighbors,
      embeddingsWritten: s.embeddingsWritten,
      similarUserLists: s.similarUserLists,
      collaborativeKind: `als (Spark ${master}, rank ${s.als.rank}, ${s.als.iterations} iterations, λ ${s.als.reg}, α ${s.als.alpha})`,
      weights,
      phaseMs,
      peakRssMb: s.peakRssMb,
      peakHeapMb: 0,
      validationInWorker: false,
      cpuSeconds: s.cpuSeconds,
      engine: 'spark',
    };
  } catch (err) {
    await repos.recommenderModel.setRunStatus(runId, 'failed', null).catch(() => undefined);
    throw err;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** What spark/recommend_job.py writes to --summary-out in run mode. */
interface SparkJobSummary {
  users: number;
  titles: number;
  interactions: number;
  interactionsIgnored: number;
  listsWritten: number;
  titlesWithNeighbors: number;
  embeddingsWritten: number;
  similarUserLists: number;
  phaseMs: Record<string, number>;
  peakRssMb: number;
  cpuSeconds: number;
  popWeight: number;
  als: { rank: number; iterations: number; reg: number; alpha: number };
}

/**
 * Evaluation on Spark: trains the Spark job's model on `train` (the TS evaluator's training split) in evaluate mode
 * (no Cassandra) and returns each requested user's top k content ids.
 */
export async function sparkTopK(
  train: readonly InteractionRow[],
  items: readonly ItemMeta[],
  users: readonly UserMeta[],
  evaluateUsers: readonly string[],
  k: number,
  options: SparkOptions = {},
): Promise<{ lists: Map<string, string[]>; ms: number; params: Record<string, number> }> {
  const log = options.log ?? say;
  const env = ensureSparkEnv(log, options.root);
  const master = options.master ?? DEFAULT_MASTER;
  const conf = { ...defaultConf(env.root, master), ...parseConf(options.conf ?? []) };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spark-evaluate-'));
  try {
    fs.writeFileSync(
      path.join(tmp, 'input.json'),
      JSON.stringify({
        rows: train.map((r) => ({
          userId: r.userId,
          contentId: r.contentId,
          progressPct: r.progressPct,
          completed: r.completed,
          rating: r.rating,
          dismissed: r.dismissed,
          watchCount: r.watchCount,
          lastAtMs: r.lastAt.getTime(),
        })),
        items: items.map((i) => ({ content_id: i.contentId, title: i.title, genre: i.genre, tags: i.tags })),
        users: users.map((u) => ({ userId: u.userId, preferredGenres: u.preferredGenres })),
        evaluateUsers,
      }),
    );
    const out = path.join(tmp, 'lists.json');
    const t0 = performance.now();
    await sparkSubmit(
      env,
      master,
      conf,
      [
        '--mode',
        'evaluate',
        '--input-dir',
        tmp,
        '--summary-out',
        out,
        '--k',
        String(k),
        ...alsArgs(options.als),
      ],
      false,
      log,
    );
    const result = JSON.parse(fs.readFileSync(out, 'utf8')) as {
      lists: Record<string, string[]>;
      params: Record<string, number>;
    };
    return {
      lists: new Map(Object.entries(result.lists)),
      ms: performance.now() - t0,
      params: result.params,
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
