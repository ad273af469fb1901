/**
 * No Docker engine runs where these specifications run, so they check the container files' structure instead:
 * docker-compose.yml parsed as YAML (with Compose's merge keys and ${VAR:-default} interpolation) and the Dockerfile
 * read stage by stage. The subgraph's environment is fed through the service's own config loader.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { loadConfig } from '../src/config';

const ROOT = path.resolve(__dirname, '..');
const NODES = ['cassandra1', 'cassandra2', 'cassandra3'];

interface Service {
  image?: string;
  build?: string | { context: string; dockerfile?: string };
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  healthcheck?: {
    test: string | string[];
    interval?: string;
    timeout?: string;
    retries?: number;
    start_period?: string;
    disable?: boolean;
  };
  depends_on?: string[] | Record<string, { condition: string }>;
  ports?: Array<string | { target: number; published?: string | number }>;
  restart?: string;
  volumes?: string[];
}

const compose = YAML.parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), {
  merge: true,
}) as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
};
const services = compose.services;

/** Compose's interpolation of ${VAR}, ${VAR:-default}, ${VAR-default} and ${VAR:?error} against `hostEnv`. */
function interpolate(value: string, hostEnv: Record<string, string>): string {
  return value.replace(
    /\$\{(\w+)(?:(:?)([-?])([^}]*))?\}/g,
    (_m, name: string, colon: string, op: string, arg: string) => {
      const set = hostEnv[name] !== undefined && (colon !== ':' || hostEnv[name] !== '');
      if (set) return hostEnv[name];
      if (op === '-') return arg;
      if (op === '?') throw new Error(`${name} must be set: ${arg}`);
      return '';
    },
  );
}

/** A service's environment as the container sees it, on a machine whose shell sets nothing (`hostEnv`). */
function envOf(service: Service, hostEnv: Record<string, string> = {}): Record<string, string> {
  const raw = service.environment ?? {};
  const pairs = Array.isArray(raw)
    ? raw.map((kv) => kv.split(/=(.*)/s, 2) as [string, string])
    : Object.entries(raw).map(([k, v]) => [k, v === null ? '' : String(v)]);
  return Object.fromEntries(pairs.map(([k, v]) => [k, interpolate(v, hostEnv)]));
}

function dependsOn(service: Service): Record<string, string> {
  const d = service.depends_on ?? {};
  return Array.isArray(d)
    ? Object.fromEntries(d.map((n) => [n, 'service_started']))
    : Object.fromEntries(Object.entries(d).map(([n, v]) => [n, v.condition]));
}

function commandOf(service: Service): string {
  return Array.isArray(service.command) ? service.command.join(' ') : (service.command ?? '');
}

/** The Dockerfile as stages of instructions (continuation lines joined, comments dropped). */
function dockerfileStages(): Array<{ from: string; name?: string; instructions: string[] }> {
  const text = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\r?\n/g, ' ');
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages: Array<{ from: string; name?: string; instructions: string[] }> = [];
  for (const line of lines) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stages.push({ from: from[1], name: from[2], instructions: [] });
    else stages.at(-1)?.instructions.push(line.replace(/\s+/g, ' '));
  }
  return stages;
}

describe('docker-compose.yml', () => {
  it('when it is parsed, then it defines three Cassandra nodes, a migrate job and the subgraph', () => {
    expect(Object.keys(services).sort()).toEqual([...NODES, 'migrate', 'subgraph']);
  });

  it('when the Cassandra nodes are read, then each runs the official Cassandra 5.0 image with its own data volume', () => {
    for (const node of NODES) {
      expect(services[node].image).toMatch(/^cassandra:5\.0(\.\d+)?$/);
      expect(services[node].volumes).toEqual([`${node}-data:/var/lib/cassandra`]);
      expect(compose.volumes).toHaveProperty(`${node}-data`);
    }
  });

  it('when the Cassandra nodes are read, then each has a health check that asks the node a CQL question', () => {
    for (const node of NODES) {
      const hc = services[node].healthcheck!;
      expect(hc.disable).not.toBe(true);
      expect([hc.test].flat().join(' ')).toMatch(/cqlsh .*-e .*SELECT/);
      expect(hc.retries).toBeGreaterThanOrEqual(10);
      expect(hc.start_period).toBeDefined();
    }
  });

  it('when the nodes start, then they form one cluster and each joins only after the previous one is healthy', () => {
    const envs = NODES.map((n) => envOf(services[n]));
    expect(new Set(envs.map((e) => e.CASSANDRA_CLUSTER_NAME)).size).toBe(1);
    for (const env of envs) expect(NODES).toEqual(expect.arrayContaining(env.CASSANDRA_SEEDS.split(',')));
    expect(dependsOn(services.cassandra1)).toEqual({});
    expect(dependsOn(services.cassandra2)).toEqual({ cassandra1: 'service_healthy' });
    expect(dependsOn(services.cassandra3)).toEqual({ cassandra2: 'service_healthy' });
  });

  it('when the migrate job runs, then it waits for every node to be healthy, migrates, seeds and is not restarted', () => {
    const migrate = services.migrate;
    expect(dependsOn(migrate)).toEqual(Object.fromEntries(NODES.map((n) => [n, 'service_healthy'])));
    expect(commandOf(migrate)).toMatch(/node dist\/src\/cli\/migrate\.js && node dist\/src\/cli\/seed\.js/);
    expect(
      fs.existsSync(path.join(ROOT, 'src/cli/migrate.ts')) &&
        fs.existsSync(path.join(ROOT, 'src/cli/seed.ts')),
    ).toBe(true);
    expect(migrate.restart).toBe('no');
  });

  it('when the subgraph starts, then it waits for the migrate job to succeed and for every node to be healthy', () => {
    expect(dependsOn(services.subgraph)).toEqual({
      migrate: 'service_completed_successfully',
      ...Object.fromEntries(NODES.map((n) => [n, 'service_healthy'])),
    });
  });

  it('when the subgraph and the migrate job are built, then both use the Dockerfile at the project root', () => {
    for (const name of ['subgraph', 'migrate']) {
      const build = services[name].build!;
      const context = typeof build === 'string' ? build : build.context;
      const dockerfile = typeof build === 'string' ? 'Dockerfile' : (build.dockerfile ?? 'Dockerfile');
      expect(path.resolve(ROOT, context, dockerfile)).toBe(path.join(ROOT, 'Dockerfile'));
    }
    expect(services.migrate.image).toBe(services.subgraph.image);
  });

  it('when ports are published, then only the subgraph is, on the port it listens on', () => {
    const { PORT } = envOf(services.subgraph);
    expect(services.subgraph.ports).toEqual([`${PORT}:${PORT}`]);
    for (const name of [...NODES, 'migrate']) expect(services[name].ports).toBeUndefined();
  });

  it("when the subgraph's environment goes through the service's config schema on a machine that sets nothing, then it is a valid production config", () => {
    const config = loadConfig(envOf(services.subgraph));
    expect(config.nodeEnv).toBe('production');
    expect(config.host).toBe('0.0.0.0');
    expect(config.cursorSecret.length).toBeGreaterThanOrEqual(16);
    expect(config.auth.jwtSecret?.length).toBeGreaterThanOrEqual(32);
  });

  it('when the subgraph connects, then its contact points are the three compose nodes and the keyspace has RF=3', () => {
    const { cassandra } = loadConfig(envOf(services.subgraph));
    expect(cassandra.contactPoints?.map((p) => p.split(':')[0]).sort()).toEqual(NODES);
    expect(cassandra.replicationFactor).toBe(3);
    expect(cassandra.localDataCenter).toBe(envOf(services.cassandra1).CASSANDRA_DC);
  });

  it('when the migrate job reads its environment, then it targets the same cluster, keyspace and replication as the subgraph', () => {
    const job = loadConfig(envOf(services.migrate));
    const subgraph = loadConfig(envOf(services.subgraph));
    expect(job.cassandra).toEqual(subgraph.cassandra);
  });

  it('when the shell sets nothing, then the subgraph serves the playground (a local try-out)', () => {
    expect(loadConfig(envOf(services.subgraph)).playgroundEnabled).toBe(true);
  });

  it('when the shell sets PLAYGROUND_ENABLED=false, then the subgraph runs without the playground', () => {
    expect(loadConfig(envOf(services.subgraph, { PLAYGROUND_ENABLED: 'false' })).playgroundEnabled).toBe(
      false,
    );
  });
});

describe('Dockerfile', () => {
  const stages = dockerfileStages();
  const runtime = stages.at(-1)!;

  it('when it is read, then it has a build stage and a separate runtime stage on the same Node base image', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    expect(stages[0].from).toBe(stages[1].from);
    expect(stages[0].from).toMatch(/^node:/);
  });

  it('when the build stage runs, then it installs from the lock file and builds the code and the playground', () => {
    const build = stages[0].instructions;
    expect(build).toContain('RUN npm ci --ignore-scripts --no-audit --no-fund');
    expect(build).toContain('RUN npm run build');
    expect(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.build).toMatch(
      /playground\/build\.ts/,
    );
  });

  it('when the runtime stage installs dependencies, then it uses npm ci --omit=dev', () => {
    expect(runtime.instructions.filter((i) => i.startsWith('RUN npm '))).toEqual([
      expect.stringMatching(/^RUN npm ci --omit=dev\b/),
    ]);
  });

  it('when the runtime stage is assembled, then it copies the compiled code, schema, migrations and playground bundle', () => {
    const copies = runtime.instructions.filter((i) => i.startsWith('COPY')).join('\n');
    for (const needed of ['schema.graphql', 'cql', '/app/dist', '/app/playground/dist', 'package.json'])
      expect(copies).toContain(needed);
  });

  it('when the container runs, then it runs as a non-root user', () => {
    const users = runtime.instructions.filter((i) => i.startsWith('USER '));
    expect(users).toHaveLength(1);
    expect(users[0]).not.toMatch(/^USER (root|0)(:|$)/);
    const userIndex = runtime.instructions.indexOf(users[0]);
    expect(runtime.instructions.findIndex((i) => i.startsWith('CMD'))).toBeGreaterThan(userIndex);
  });

  it('when the container runs, then a health check asks the service for /health', () => {
    expect(runtime.instructions.find((i) => i.startsWith('HEALTHCHECK'))).toMatch(
      /HEALTHCHECK .*CMD .*\/health/,
    );
  });

  it('when the container starts, then it runs the compiled server, which is built from src/main.ts', () => {
    expect(runtime.instructions.find((i) => i.startsWith('CMD'))).toMatch(/dist\/src\/main\.js/);
    expect(fs.existsSync(path.join(ROOT, 'src/main.ts'))).toBe(true);
  });

  it('when the container starts, then the heap is capped as `npm start` caps it (the service holds no large state)', () => {
    const cmd = runtime.instructions.find((i) => i.startsWith('CMD'))!;
    const start = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts
      .start as string;
    const flag = /--max-old-space-size=\d+/.exec(start)?.[0];
    expect(flag).toBeDefined();
    expect(cmd).toContain(`"${flag}"`);
  });

  it('when the image is built, then the build context leaves out node_modules and local state', () => {
    const ignored = fs
      .readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
      .split(/\r?\n/)
      .map((l) => l.trim());
    expect(ignored).toEqual(
      expect.arrayContaining(['node_modules', 'dist', 'playground/dist', '.cassandra', '.env', '.git']),
    );
  });
});
