/**
 * Child processes of the benchmark: each pinned to a CPU with `taskset` when it exists (server and raw reference on
 * one core, the load generator on the other), speaking one line of JSON on stdout when ready / when done.
 * Every child is stopped by its own pid.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BENCH_DIST } from './build';
import { REPO_ROOT } from './cassandra';

/**
 * The V8 flags `npm start` (and the Dockerfile) run the service with — read from package.json, so the benchmark's
 * server process is sized as deployed (the heap cap is what keeps its RSS near the live heap under load).
 */
export const SERVICE_NODE_FLAGS: string[] =
  (
    JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      scripts: { start: string };
    }
  ).scripts.start.match(/--max-old-space-size=\d+|--max-semi-space-size=\d+/g) ?? [];

export const HAS_TASKSET = spawnSync('taskset', ['-V']).status === 0;
export const CPUS = os.cpus().length;
/** Server and raw-driver reference on CPU 0, load generator on the last CPU (Cassandra is not pinned). */
export const SERVER_CPU = '0';
export const LOAD_CPU = String(Math.max(0, CPUS - 1));
let inputs = 0;

export interface Child {
  pid: number;
  proc: ChildProcess;
  /** The first JSON line the child prints (its "ready" message). */
  ready: Promise<Record<string, unknown>>;
  /** The last JSON line the child printed before exiting with 0. */
  result: Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Process placement for every child: pinned with taskset (default) and/or a raised priority (`nice`). */
export const placement = {
  pin: HAS_TASKSET && process.env.BENCH_PIN !== '0',
  /** A negative nice value (root) makes the benchmark's processes win wake-ups over other work on a shared machine. */
  nice: process.env.BENCH_NICE ? Number(process.env.BENCH_NICE) : 0,
  /** Children run the esbuild-transpiled JavaScript (bench/lib/build.ts) once it is built; BENCH_TSX=1: through tsx. */
  compiled: false,
};

export function spawnChild(
  script: string,
  opts: { cpu?: string; env?: Record<string, string>; nodeArgs?: string[]; input?: unknown } = {},
): Child {
  const compiled = path.join(BENCH_DIST, 'bench', script.replace(/\.ts$/, '.js'));
  let args = placement.compiled
    ? [...(opts.nodeArgs ?? []), compiled]
    : [...(opts.nodeArgs ?? []), '--import', 'tsx', path.join(REPO_ROOT, 'bench', script)];
  let cmd = process.execPath;
  if (placement.nice) [cmd, args] = ['nice', ['-n', String(placement.nice), cmd, ...args]];
  if (placement.pin && opts.cpu !== undefined) [cmd, args] = ['taskset', ['-c', opts.cpu, cmd, ...args]];
  let inputFile = '';
  if (opts.input !== undefined) {
    inputFile = path.join(os.tmpdir(), `bench-input-${process.pid}-${++inputs}.json`);
    fs.writeFileSync(inputFile, JSON.stringify(opts.input));
  }
  const proc = spawn(cmd, args, {
    cwd: REPO_ROOT,
    // NODE_ENV=production as deployed (Dockerfile): graphql-js skips its development-mode checks.
    env: { ...process.env, NODE_ENV: 'production', ...opts.env, BENCH_INPUT_FILE: inputFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const lines: Array<Record<string, unknown>> = [];
  let onReady: (v: Record<string, unknown>) => void;
  let onReadyFail: (e: Error) => void;
  const ready = new Promise<Record<string, unknown>>((res, rej) => ((onReady = res), (onReadyFail = rej)));
  proc.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    let i: number;
    while ((i = out.indexOf('\n')) >= 0) {
      const line = out.slice(0, i).trim();
      out = out.slice(i + 1);
      if (line.startsWith('{')) {
        try {
          const v = JSON.parse(line) as Record<string, unknown>;
          lines.push(v);
          if (lines.length === 1) onReady(v);
        } catch {
          /* not ours */
        }
      }
    }
  });
  proc.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    if (err.length > 20_000) err = err.slice(-10_000);
  });
  const result = new Promise<Record<string, unknown>>((res, rej) => {
    proc.on('exit', (code, signal) => {
      if (inputFile) fs.rmSync(inputFile, { force: true });
      const tail = err
        .split('\n')
        .filter((l) => !l.includes('nodedir'))
        .slice(-15)
        .join('\n');
      if (lines.length === 0)
        onReadyFail(new Error(`${script} exited (${code ?? signal}) before it was ready:\n${tail}`));
      if (code === 0 && lines.length) res(lines[lines.length - 1]);
      else rej(new Error(`${script} exited with ${code ?? signal}:\n${tail}`));
    });
  });
  result.catch(() => undefined);
  ready.catch(() => undefined);
  return {
    pid: proc.pid!,
    proc,
    ready,
    result,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM'); // by pid: this child only
      const t = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Runs a child to completion and returns its last JSON line. */
export async function runChild(script: string, opts: Parameters<typeof spawnChild>[1] = {}) {
  const c = spawnChild(script, opts);
  return c.result;
}

/** Resident set size of a process in bytes (Linux /proc). */
export function rssBytes(pid: number): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** CPU time (user + system) a process has used so far, in ms (Linux /proc; 10 ms resolution). */
export function cpuMs(pid: number): number | null {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // after "pid (comm) ": state is field 3, utime 14 and stime 15 → indexes 11 and 12 here
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}
