/**
 * The recommender batch job (`npm run recommend`): reads interactions, catalog and users from Cassandra by
 * token-range scans, trains the recommender core (src/recommender) and writes what it produced:
 *   model         the snapshot an online refresh scores with (popularity + titles, recommender_model_items), every
 *                 title's neighbour list (content_neighbors), then the pointer (recommender_models) with the blend
 *                 weights — the model is published before the lists so refreshRecommendations uses it at once;
 *   lists         per user, the ranked list with its reasons (recommendations, one atomic partition rewrite each),
 *                 in chunks that are checkpointed (recommender_run_chunks) so an interrupted run resumes;
 *   embeddings    a 32-dim vector per catalog title (content.embedding, behind the SAI cosine index);
 *   similar-users per user, the most similar users and the titles they share (similar_users).
 * A run is recorded in recommender_runs; `resume` continues the latest unfinished one, skipping its finished phases
 * and chunks (the model is retrained — it is deterministic for the same data — but nothing finished is rewritten).
 */
import crypto from 'node:crypto';
import { setImmediate as tick } from 'node:timers/promises';
import cliProgress from 'cli-progress';
import { types } from 'cassandra-driver';
import pLimit from 'p-limit';
import type { Repositories } from '../repositories';
import {
  EMBEDDING_WRITE_CONCURRENCY,
  SNAPSHOT_BUCKET_SIZE,
  type SnapshotItem,
} from '../repositories/recommender-model';
import {
  buildDataset,
  buildItemEmbeddings,
  modelNeighborLists,
  recommendForUser,
  similarUsers,
  type InteractionRow,
  type ItemMeta,
  type Recommendation,
  type TrainOptions,
  type UserMeta,
} from '../recommender';
import { scorerFor } from '../recommender/model';
import { datasetPopularity, type Popularity } from '../recommender/popularity';
import {
  chooseHyperparameters,
  chooseHyperparametersInWorker,
  trainWithHyperparameters,
  type Hyperparameters,
} from './parallel-train';

export const DEFAULT_LIST_SIZE = 50;
export const MAX_LIST_SIZE = 100;
export const DEFAULT_NEIGHBORS = 100;
export const DEFAULT_SIMILAR_USERS = 20;
export const DEFAULT_WRITE_CONCURRENCY = 32;
/** Users per checkpointed chunk (the chunk count is fixed when a run starts). */
export const DEFAULT_CHUNK_USERS = 250;
const MAX_CHUNKS = 4096;

export type Phase = 'model' | 'lists' | 'embeddings' | 'similar-users';
const PHASES: readonly Phase[] = ['model', 'lists', 'embeddings', 'similar-users'];

export class RecommendJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecommendJobError';
  }
}

export interface RecommendJobOptions {
  /** List length per user (default 50, at most 100). */
  listSize?: number;
  /** Only this user: trains on everything, writes (or prints) this user's list and similar users only. */
  userId?: string | null;
  /** Compute and print the lists with their reasons; write nothing. */
  dryRun?: boolean;
  /** Continue the latest unfinished run instead of starting a new one. */
  resume?: boolean;
  /** Writes in flight at once (default 32). */
  concurrency?: number;
  /** Neighbours persisted per title (default 100). */
  neighbors?: number;
  /** Similar users persisted per user (default 20). */
  similarUsers?: number;
  /** Users per checkpointed chunk (default 250). */
  chunkUsers?: number;
  /** Progress bars on stderr. */
  progress?: boolean;
  /** Where log lines and dry-run lists go (default: stderr for logs, stdout for lists). */
  log?: (line: string) => void;
  print?: (line: string) => void;
  /** Passed to trainRecommender (tests fix weights or λ; benchmarks may choose the collaborative model). */
  train?: TrainOptions;
  /** Run the validation search in a worker thread, overlapping the writes that need no model (default true). */
  workers?: boolean;
  /** Test seam: runs after each chunk's checkpoint; throwing simulates an interrupted run. */
  afterChunk?: (chunk: number) => void | Promise<void>;
}

export interface RecommendJobSummary {
  runId: string | null;
  resumed: boolean;
  dryRun: boolean;
  users: number;
  titles: number;
  interactions: number;
  /** Interaction rows left out: of users that are not live, or of titles not in the catalog. */
  interactionsIgnored: number;
  listSize: number;
  listsWritten: number;
  /** Users of chunks an interrupted run had already finished (not recomputed). */
  usersSkipped: number;
  chunks: number;
  chunksSkipped: number;
  phasesSkipped: Phase[];
  titlesWithNeighbors: number;
  embeddingsWritten: number;
  similarUserLists: number;
  collaborativeKind: string;
  weights: { collaborative: number; content: number; popularity: number };
  /**
   * Milliseconds per phase (those that ran): read; validation (the worker's λ + blend search) and train (wall clock
   * until the final model, which includes it); the writes of model, embeddings, similar-users (the last two, and the
   * model's snapshot, overlap the validation search) and lists; total (wall clock).
   */
  phaseMs: Record<string, number>;
  peakRssMb: number;
  peakHeapMb: number;
  /** Whether the validation search ran in a worker thread (false: on the main thread, or the worker failed). */
  validationInWorker: boolean;
  /** CPU time of the whole process (main thread and worker, user + system), in seconds. */
  cpuSeconds: number;
  /** Dry run: the lists that would have been written. */
  lists?: Array<{ userId: string; recommendations: Recommendation[] }>;
  /** Which engine ran (default single-machine): the Spark engine measures the Spark driver's JVM, not V8. */
  engine?: 'single-machine' | 'spark';
}

/** The chunk a user belongs to: a hash of the id, so membership does not depend on who else exists. */
export function chunkOf(userId: string, chunks: number): number {
  return crypto.createHash('md5').update(userId).digest().readUInt32BE(0) % chunks;
}

/** Peak memory: the OS's max RSS of the process, and the largest V8 heap seen by a sampler. */
class MemoryPeak {
  private heap = process.memoryUsage().heapUsed;
  private readonly timer: NodeJS.Timeout;
  constructor() {
    this.timer = setInterval(() => this.sample(), 200);
    this.timer.unref();
  }
  sample(): void {
    this.heap = Math.max(this.heap, process.memoryUsage().heapUsed);
  }
  stop(): { rssMb: number; heapMb: number } {
    this.sample();
    clearInterval(this.timer);
    // resourceUsage().maxRSS is in kilobytes.
    return { rssMb: process.resourceUsage().maxRSS / 1024, heapMb: this.heap / 1048576 };
  }
}

interface Bar {
  tick(n?: number): void;
  stop(): void;
}

/** A progress bar on stderr with items/s and ETA (a line every few seconds when stderr is not a terminal). */
function progressBar(label: string, unit: string, total: number, enabled: boolean, start = 0): Bar {
  if (!enabled || total === 0) return { tick() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} |{bar}| {percentage}% {value}/{total} ${unit} · {rate} ${unit}/s · ETA {eta_formatted}`,
      stream: process.stderr,
      noTTYOutput: !process.stderr.isTTY,
      notTTYSchedule: 5000,
      etaBuffer: 200,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  let done = start;
  bar.start(total, start, { rate: '0' });
  return {
    tick(n = 1) {
      done += n;
      const rate = Math.round((done - start) / Math.max(0.001, (Date.now() - started) / 1000));
      bar.update(done, { rate: rate.toLocaleString('en-US') });
    },
    stop() {
      bar.stop();
    },
  };
}

/** Runs `fn` over `items` with at most `concurrency` in flight. */
async function forEachLimited<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  const limit = pLimit(concurrency);
  await Promise.all(items.map((it) => limit(() => fn(it))));
}

interface RunState {
  runId: string;
  resumed: boolean;
  chunks: number;
  phasesDone: Set<string>;
  chunksDone: Set<number>;
  listSize: number;
  neighbors: number;
  similarUsers: number;
}

interface StoredOptions {
  listSize: number;
  neighbors: number;
  similarUsers: number;
}

/** Starts a new run or picks up the latest unfinished one (resume). */
async function openRun(
  repos: Repositories,
  opts: Required<Pick<RecommendJobOptions, 'resume'>> & StoredOptions,
  userCount: number,
  chunkUsers: number,
  log: (line: string) => void,
): Promise<RunState> {
  const runs = await repos.recommenderModel.recentRuns(20);
  const unfinished = runs.find((r) => r.status !== 'finished');
  if (opts.resume && unfinished) {
    const stored = JSON.parse(unfinished.options || '{}') as Partial<StoredOptions>;
    const state: RunState = {
      runId: unfinished.runId,
      resumed: true,
      chunks: unfinished.chunks,
      phasesDone: new Set(unfinished.phasesDone),
      chunksDone: await repos.recommenderModel.chunksDone(unfinished.runId),
      listSize: stored.listSize ?? opts.listSize,
      neighbors: stored.neighbors ?? opts.neighbors,
      similarUsers: stored.similarUsers ?? opts.similarUsers,
    };
    if (state.listSize !== opts.listSize)
      log(`resume: the run was started with --size ${state.listSize}; continuing with it`);
    await repos.recommenderModel.setRunStatus(state.runId, 'running', null);
    log(
      `resuming run ${state.runId}: phases done [${[...state.phasesDone].join(', ') || 'none'}], ` +
        `${state.chunksDone.size}/${state.chunks} list chunks done`,
    );
    return state;
  }
  if (opts.resume) log('resume: no unfinished run found; starting a new run');
  else if (unfinished)
    log(`note: run ${unfinished.runId} did not finish; pass --resume to continue it instead`);
  const runId = types.TimeUuid.now().toString();
  const chunks = Math.max(1, Math.min(MAX_CHUNKS, Math.ceil(userCount / chunkUsers)));
  const stored: StoredOptions = {
    listSize: opts.listSize,
    neighbors: opts.neighbors,
    similarUsers: opts.similarUsers,
  };
  await repos.recommenderModel.startRun({
    runId,
    options: JSON.stringify(stored),
    chunks,
    startedAt: new Date(),
  });
  return {
    runId,
    resumed: false,
    chunks,
    phasesDone: new Set(),
    chunksDone: new Set(),
    ...stored,
  };
}

/** The model snapshot: every catalog title in popularity order with what online scoring and reasons need. */
function snapshotItems(popularity: Popularity, catalog: ReadonlyMap<string, ItemMeta>): SnapshotItem[] {
  const out: SnapshotItem[] = [];
  for (const p of popularity.overall) {
    const meta = catalog.get(p.contentId);
    if (!meta) continue;
    out.push({
      contentId: p.contentId,
      title: meta.title,
      genre: meta.genre,
      tags: meta.tags,
      popularity: p.score,
    });
  }
  return out;
}

function toNewRecommendations(recs: Recommendation[], catalog: ReadonlyMap<string, ItemMeta>) {
  return recs.map((r) => ({
    contentId: r.contentId,
    title: catalog.get(r.contentId)?.title ?? '',
    score: r.score,
    reason: r.reason,
  }));
}

/** The dry-run rendering of one list. */
export function formatList(
  userId: string,
  recs: Recommendation[],
  catalog: ReadonlyMap<string, ItemMeta>,
): string[] {
  const name = (id: string) => catalog.get(id)?.title ?? id;
  const lines = [`user ${userId}: ${recs.length} recommendations`];
  for (const r of recs) {
    const because = r.reason.becauseOf.length
      ? ` [because of: ${r.reason.becauseOf.map(name).join('; ')}]`
      : '';
    lines.push(
      `  ${String(r.rank).padStart(3)}. ${name(r.contentId)} (score ${r.score.toFixed(4)}) ${r.reason.kind}: ${r.reason.text}${because}`,
    );
  }
  return lines;
}

export async function runRecommendJob(
  repos: Repositories,
  options: RecommendJobOptions = {},
): Promise<RecommendJobSummary> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const progress = options.progress ?? false;
  const concurrency = options.concurrency ?? DEFAULT_WRITE_CONCURRENCY;
  const requestedSize = options.listSize ?? DEFAULT_LIST_SIZE;
  if (!Number.isInteger(requestedSize) || requestedSize < 1 || requestedSize > MAX_LIST_SIZE)
    throw new RecommendJobError(
      `--size must be a whole number from 1 to ${MAX_LIST_SIZE}, got ${requestedSize}`,
    );
  const memory = new MemoryPeak();
  const cpuStart = process.cpuUsage();
  const phaseMs: Record<string, number> = {};
  const t0 = performance.now();
  const timed = async <T>(phase: string, fn: () => Promise<T> | T): Promise<T> => {
    const t = performance.now();
    try {
      return await fn();
    } finally {
      phaseMs[phase] = Math.round((phaseMs[phase] ?? 0) + performance.now() - t);
    }
  };

  // ---- read
  log('reading interactions, catalog and users (token-range scans)…');
  const [allRows, catalogList, users] = await timed('read', () =>
    Promise.all([
      repos.trainingData.scanInteractions({ concurrency: 8 }),
      repos.trainingData.scanCatalog({ concurrency: 4 }),
      repos.trainingData.scanUsers({ concurrency: 4 }),
    ]),
  );
  const catalog = new Map(catalogList.map((c) => [c.contentId, c]));
  const liveUsers = new Set(users.map((u) => u.userId));
  // Erased (or never created) users are not trained on, and titles that left the catalog are never recommended.
  const rows: InteractionRow[] = allRows.filter((r) => liveUsers.has(r.userId) && catalog.has(r.contentId));
  log(
    `read ${allRows.length.toLocaleString('en-US')} interactions (${(allRows.length - rows.length).toLocaleString('en-US')} ignored), ` +
      `${catalogList.length.toLocaleString('en-US')} titles, ${users.length.toLocaleString('en-US')} users in ${(phaseMs.read / 1000).toFixed(1)} s`,
  );

  let targets: UserMeta[] = users;
  if (options.userId) {
    const one = users.find((u) => u.userId === options.userId);
    if (!one) throw new RecommendJobError(`no user has the id ${options.userId}`);
    targets = [one];
  }
  const wholeRun = !options.dryRun && !options.userId;
  const run = wholeRun
    ? await openRun(
        repos,
        {
          resume: options.resume ?? false,
          listSize: requestedSize,
          neighbors: options.neighbors ?? DEFAULT_NEIGHBORS,
          similarUsers: options.similarUsers ?? DEFAULT_SIMILAR_USERS,
        },
        targets.length,
        options.chunkUsers ?? DEFAULT_CHUNK_USERS,
        log,
      )
    : null;
  const listSize = run?.listSize ?? requestedSize;

  const summary: RecommendJobSummary = {
    runId: run?.runId ?? null,
    resumed: run?.resumed ?? false,
    dryRun: options.dryRun ?? false,
    users: users.length,
    titles: catalogList.length,
    interactions: rows.length,
    interactionsIgnored: allRows.length - rows.length,
    listSize,
    listsWritten: 0,
    usersSkipped: 0,
    chunks: run?.chunks ?? 0,
    chunksSkipped: 0,
    phasesSkipped: run ? PHASES.filter((p) => run.phasesDone.has(p)) : [],
    titlesWithNeighbors: 0,
    embeddingsWritten: 0,
    similarUserLists: 0,
    collaborativeKind: '',
    weights: { collaborative: 0, content: 0, popularity: 0 },
    phaseMs,
    peakRssMb: 0,
    peakHeapMb: 0,
    cpuSeconds: 0,
    validationInWorker: false,
  };
  const finish = () => {
    phaseMs.total = Math.round(performance.now() - t0);
    const peak = memory.stop();
    summary.peakRssMb = Math.round(peak.rssMb);
    summary.peakHeapMb = Math.round(peak.heapMb);
    const cpu = process.cpuUsage(cpuStart);
    summary.cpuSeconds = Math.round((cpu.user + cpu.system) / 1e5) / 10;
    return summary;
  };
  const pending = (phase: Phase) => run !== null && !run.phasesDone.has(phase);
  const done = (phase: Phase) => repos.recommenderModel.markPhaseDone(run!.runId, phase);

  try {
    // ---- train: the validation search (λ, blend weights) in a worker thread …
    log(`training on ${rows.length.toLocaleString('en-US')} interactions…`);
    const trainStart = performance.now();
    summary.validationInWorker = options.workers ?? true;
    // Without a worker the search runs on this thread after the writes below (sequential, nothing overlaps).
    const inProcess = () => chooseHyperparameters(rows, catalogList, users, options.train);
    const hyperparameters: Promise<Hyperparameters> | null = summary.validationInWorker
      ? chooseHyperparametersInWorker(rows, catalogList, users, options.train).catch((err: Error) => {
          log(
            `note: training in a worker thread failed (${err.message.split('\n')[0]}); training in-process`,
          );
          summary.validationInWorker = false;
          return inProcess();
        })
      : null;
    hyperparameters?.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile

    // … while this thread writes what depends on the data alone.
    const dataset = buildDataset(rows, catalogList, users);
    if (pending('model')) {
      await timed('model', () =>
        repos.recommenderModel.writeSnapshot(
          run!.runId,
          snapshotItems(datasetPopularity(dataset, options.train?.popularity), catalog),
          concurrency,
        ),
      );
    }
    if (pending('embeddings')) {
      await timed('embeddings', async () => {
        const emb = buildItemEmbeddings(dataset);
        const bar = progressBar('embeddings', 'titles', catalogList.length, progress);
        await forEachLimited(catalogList, Math.min(concurrency, EMBEDDING_WRITE_CONCURRENCY), async (c) => {
          const i = emb.itemIndex.get(c.contentId);
          const v = i === undefined ? null : emb.vectors.subarray(i * emb.dim, (i + 1) * emb.dim);
          let norm = 0;
          for (let d = 0; v && d < v.length; d++) norm += v[d] * v[d];
          // A title without genre, tags or interactions has nothing to embed (and cosine is undefined for zero).
          if (v && norm > 0) {
            await repos.recommenderModel.writeEmbedding(c.contentId, v);
            summary.embeddingsWritten++;
          }
          bar.tick();
        });
        bar.stop();
        await done('embeddings');
      });
    }
    const similarTo = (userIds: readonly UserMeta[]) => {
      const similar = similarUsers(dataset, {
        k: run?.similarUsers ?? options.similarUsers ?? DEFAULT_SIMILAR_USERS,
      });
      return userIds.map((u) => ({ userId: u.userId, list: similar.get(u.userId) ?? [] }));
    };
    if (pending('similar-users')) {
      await timed('similar-users', async () => {
        const bar = progressBar('similar users', 'users', targets.length, progress);
        const at = new Date();
        await forEachLimited(similarTo(targets), concurrency, async ({ userId, list }) => {
          // Users without similar users are rewritten too (an empty list), so no older list survives.
          await repos.recommendations.replaceSimilarUsers(
            userId,
            list.map((s) => ({ otherUserId: s.userId, score: s.score, shared: s.shared })),
            at,
          );
          if (list.length > 0) summary.similarUserLists++;
          bar.tick();
        });
        bar.stop();
        await done('similar-users');
      });
    }

    const validationStart = hyperparameters ? trainStart : performance.now();
    const hyper = hyperparameters ? await hyperparameters : inProcess();
    phaseMs.validation = Math.round(performance.now() - validationStart);
    const model = await timed('train', () =>
      trainWithHyperparameters(rows, catalogList, users, options.train ?? {}, hyper),
    );
    // Wall-clock time of the training: from the worker's start (it overlapped the writes above), or of the
    // in-process search and the final fit.
    phaseMs.train = Math.round(performance.now() - validationStart);
    summary.collaborativeKind = model.collaborative.kind;
    summary.weights = { ...model.weights };
    log(
      `trained ${model.collaborative.kind} + content + popularity in ${(phaseMs.train / 1000).toFixed(1)} s; blend weights ` +
        `${model.weights.collaborative.toFixed(2)}/${model.weights.content.toFixed(2)}/${model.weights.popularity.toFixed(2)}` +
        (model.validation?.blend ? ` (chosen on ${model.validation.users} validation users)` : ''),
    );
    const scorer = scorerFor(model);
    const listFor = (u: UserMeta) => recommendForUser(model, u.userId, { n: listSize, scorer, userMeta: u });

    // ---- dry run: print, write nothing
    if (options.dryRun) {
      await timed('lists', () => {
        summary.lists = [];
        for (const u of targets) {
          const recs = listFor(u);
          summary.lists.push({ userId: u.userId, recommendations: recs });
          for (const line of formatList(u.userId, recs, catalog)) print(line);
        }
      });
      return finish();
    }

    // ---- one user: their list and similar users, nothing global
    if (options.userId) {
      const u = targets[0];
      await timed('lists', () =>
        repos.recommendations.replaceList(u.userId, toNewRecommendations(listFor(u), catalog)),
      );
      summary.listsWritten = 1;
      await timed('similar-users', async () => {
        const [{ list }] = similarTo([u]);
        await repos.recommendations.replaceSimilarUsers(
          u.userId,
          list.map((s) => ({ otherUserId: s.userId, score: s.score, shared: s.shared })),
        );
        summary.similarUserLists = list.length > 0 ? 1 : 0;
      });
      return finish();
    }

    // ---- model: neighbour lists, then the pointer that makes the snapshot written above current
    if (pending('model')) {
      await timed('model', async () => {
        const lists = modelNeighborLists(model, run!.neighbors);
        const bar = progressBar('neighbours', 'titles', catalogList.length, progress);
        const at = new Date();
        await forEachLimited(catalogList, concurrency, async (c) => {
          // Every catalog title is rewritten, an empty list included: no title keeps a list from an older model.
          await repos.recommenderModel.replaceNeighbors(c.contentId, lists.get(c.contentId) ?? [], at);
          bar.tick();
        });
        bar.stop();
        summary.titlesWithNeighbors = catalogList.filter((c) => lists.has(c.contentId)).length;
        const titles = catalogList.length;
        await repos.recommenderModel.publish({
          name: 'default',
          version: run!.runId,
          buckets: Math.ceil(titles / SNAPSHOT_BUCKET_SIZE),
          weights: model.weights,
          collaborativeKind: model.collaborative.kind,
          listSize,
          titles,
          trainedAt: new Date(),
        });
        await done('model');
      });
    }

    // ---- lists, chunk by chunk
    if (pending('lists')) {
      await timed('lists', async () => {
        const byChunk: UserMeta[][] = Array.from({ length: run!.chunks }, () => []);
        for (const u of targets) byChunk[chunkOf(u.userId, run!.chunks)].push(u);
        let skipped = 0;
        for (const c of run!.chunksDone) skipped += byChunk[c]?.length ?? 0;
        summary.usersSkipped = skipped;
        summary.chunksSkipped = run!.chunksDone.size;
        const bar = progressBar('lists', 'users', targets.length, progress, skipped);
        const limit = pLimit(concurrency);
        for (let chunk = 0; chunk < run!.chunks; chunk++) {
          if (run!.chunksDone.has(chunk)) continue;
          const writes: Promise<void>[] = [];
          const members = byChunk[chunk];
          for (let i = 0; i < members.length; i++) {
            const u = members[i];
            const recs = toNewRecommendations(listFor(u), catalog);
            writes.push(
              limit(async () => {
                await repos.recommendations.replaceList(u.userId, recs);
                bar.tick();
              }),
            );
            // Scoring is synchronous: let the driver send and receive between users, so writes overlap scoring.
            if (i % 4 === 3) await tick();
          }
          await Promise.all(writes);
          summary.listsWritten += members.length;
          await repos.recommenderModel.markChunkDone(run!.runId, chunk, members.length);
          await options.afterChunk?.(chunk);
        }
        bar.stop();
        await done('lists');
      });
    }

    await repos.recommenderModel.setRunStatus(run!.runId, 'finished', {
      users: users.length,
      titles: catalogList.length,
      interactions: rows.length,
    });
  } catch (err) {
    if (run) await repos.recommenderModel.setRunStatus(run.runId, 'failed', null).catch(() => undefined);
    throw err;
  }
  return finish();
}

/** The end-of-run report. */
export function formatSummary(s: RecommendJobSummary): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const sec = (ms: number | undefined) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(2)} s`);
  const lines = [
    s.dryRun
      ? 'recommend (dry run: nothing written)'
      : `recommend run ${s.runId ?? '(single user)'}${s.resumed ? ' (resumed)' : ''}`,
    `  users ${n(s.users)} · titles ${n(s.titles)} · interactions ${n(s.interactions)}` +
      (s.interactionsIgnored
        ? ` (+${n(s.interactionsIgnored)} ignored: erased users or titles not in the catalog)`
        : ''),
    `  model ${s.collaborativeKind} · blend weights collaborative ${s.weights.collaborative.toFixed(2)}, content ${s.weights.content.toFixed(2)}, popularity ${s.weights.popularity.toFixed(2)}`,
    `  lists written ${n(s.listsWritten)} (size ${s.listSize})` +
      (s.usersSkipped ? ` · ${n(s.usersSkipped)} users in ${s.chunksSkipped} finished chunks skipped` : '') +
      (s.phasesSkipped.length ? ` · phases already done: ${s.phasesSkipped.join(', ')}` : ''),
    `  neighbour lists ${n(s.titlesWithNeighbors)} · embeddings ${n(s.embeddingsWritten)} · similar-user lists ${n(s.similarUserLists)}`,
    '  time per phase: ' +
      ['read', 'train', 'model', 'lists', 'embeddings', 'similar-users']
        .filter((p) => s.phaseMs[p] !== undefined)
        .map(
          (p) =>
            `${p} ${sec(s.phaseMs[p])}${p === 'train' && s.phaseMs.validation !== undefined ? ` (validation search ${sec(s.phaseMs.validation)}${s.validationInWorker ? ', in a worker thread while the snapshot, embeddings and similar users were written' : ', on the main thread'})` : ''}`,
        )
        .join(' · ') +
      ` · total ${sec(s.phaseMs.total)}`,
    s.engine === 'spark'
      ? `  peak memory: Spark driver JVM + Python driver max RSS ${n(s.peakRssMb)} MB · their CPU time ${s.cpuSeconds.toFixed(1)} s (local mode: executors included)`
      : `  peak memory: max RSS ${n(s.peakRssMb)} MB, V8 heap ${n(s.peakHeapMb)} MB · CPU time of the job process ${s.cpuSeconds.toFixed(1)} s`,
  ];
  if (!s.dryRun && s.listsWritten > 0 && s.phaseMs.lists)
    lines.push(`  list throughput: ${n(Math.round(s.listsWritten / (s.phaseMs.lists / 1000)))} users/s`);
  return lines.join('\n');
}
