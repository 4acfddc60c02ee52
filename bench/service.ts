import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { processMemoryMb } from './stats.ts';

const require = createRequire(import.meta.url);

export interface ServiceOptions {
  repoRoot: string;
  databaseUrl?: string;
  dataDir?: string;
  poolSize: number;
  sessionSecret: string;
  /** DATA_KEY for real PostgreSQL (the embedded database keeps its own beside the data). */
  dataKey?: string;
  logFile: string;
  /** DEMO=true (the demo district and users); otherwise the service's default (on for embedded only). */
  demo?: boolean;
  /** More environment for this start (e.g. background sweeps off for the statement census). */
  extraEnv?: Record<string, string>;
  /** Folder for `--cpu-prof` output; no profiling when absent. */
  cpuProfDir?: string;
}

export interface RunningService {
  pid: number;
  baseUrl: string;
  /** From spawn to the first 200 on /ready. */
  startupMs: number;
  /** RSS right after /ready answered, before any load, in MB. */
  readyRssMb: number | null;
  /** Highest RSS sampled (every 50 ms) while `sampling` is on, in MB. */
  peakRssMb: number;
  sampling(on: boolean): void;
  /** The kernel's high-water mark of RSS over the whole life of the process, in MB. */
  hwmMb(): number | null;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/**
 * node's arguments in package.json's `start` script (the heap cap, the compiled entry point): the one place
 * they are written, so the benchmark measures the process `npm start` runs.
 */
function startArgs(repoRoot: string): string[] {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const [command, ...args] = pkg.scripts.start.trim().split(/\s+/);
  if (command !== 'node' || args.some((a) => /[$&|;<>'"`]/.test(a))) {
    throw new Error(`package.json's start script is not a plain "node …" command the benchmark can run: ${pkg.scripts.start}`);
  }
  return args;
}

/**
 * Starts the real service (package.json's `start` script, as `npm start` runs it) as a child
 * process and times it from spawn to the first 200 on /ready (polled every 20 ms).
 */
export async function startService(o: ServiceOptions): Promise<RunningService> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env, PORT: String(port), HOST: '127.0.0.1', SESSION_SECRET: o.sessionSecret, LOG_LEVEL: 'warn',
    DB_POOL_SIZE: String(o.poolSize),
  };
  delete env.DEMO;
  if (o.demo) env.DEMO = 'true';
  Object.assign(env, o.extraEnv ?? {});
  delete env.DATABASE_URL;
  delete env.DATA_DIR;
  delete env.CLOCK;
  delete env.DATA_KEY;
  if (o.databaseUrl) env.DATABASE_URL = o.databaseUrl;
  if (o.databaseUrl && o.dataKey) env.DATA_KEY = o.dataKey;
  // Required with DATABASE_URL: where the notices' QR codes point (the benchmark's own address).
  if (o.databaseUrl) env.PUBLIC_BASE_URL ??= `http://127.0.0.1:${port}`;
  if (o.dataDir) env.DATA_DIR = o.dataDir;
  // As `npm start` does: its prestart builds the compiled copy (or finds it up to date), then it runs that.
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'tsconfig.build.json'], { cwd: o.repoRoot });
  const args = startArgs(o.repoRoot);
  if (o.cpuProfDir) args.unshift('--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`);
  const log = createWriteStream(o.logFile, { flags: 'a' });
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: o.repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  const baseUrl = `http://127.0.0.1:${port}`;
  let startupMs = -1;
  const deadline = Date.now() + 180_000;
  while (startupMs < 0) {
    if (child.exitCode !== null) throw new Error(`the service exited with code ${child.exitCode} while starting; see ${o.logFile}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the service was not ready within 180 s; see ${o.logFile}`);
    }
    try {
      const res = await fetch(`${baseUrl}/ready`);
      await res.arrayBuffer();
      if (res.status === 200) {
        startupMs = performance.now() - t0;
        break;
      }
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 20));
  }
  const pid = child.pid!;
  let timer: NodeJS.Timeout | undefined;
  const svc: RunningService = {
    pid, baseUrl, startupMs, readyRssMb: processMemoryMb(pid)?.rss ?? null, peakRssMb: 0,
    sampling(on) {
      if (timer) clearInterval(timer);
      timer = undefined;
      if (!on) return;
      timer = setInterval(() => {
        const m = processMemoryMb(pid);
        if (m && m.rss > svc.peakRssMb) svc.peakRssMb = m.rss;
      }, 50);
      timer.unref();
    },
    hwmMb: () => processMemoryMb(pid)?.hwm ?? null,
    async stop() {
      svc.sampling(false);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 8_000);
        await exited(child);
        clearTimeout(killer);
      }
      log.end();
    },
  };
  return svc;
}

/** Logs in through the API and returns the Cookie header value. */
export async function login(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }),
  });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`login as ${username} failed: ${res.status} ${body}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('sid='));
  if (!cookie) throw new Error('login set no sid cookie');
  return cookie;
}
