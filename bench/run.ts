/**
 * `npm run bench`: how fast the service is, against the physical limit of the same machine, in
 * the same run. See bench/README.md for what is measured and how.
 *
 *   npm run bench                      embedded PGlite, 100,000 cases
 *   DATABASE_URL=postgres://…/bench_x npm run bench   real PostgreSQL (a database named bench* is dropped and recreated)
 *   npm run bench -- --quick           ≈5,000 cases, short runs (under a minute on a quiet machine)
 *   npm run bench -- --million | --cases N | --connections 16,64 | --pool 8 | --step comment | --cpu-prof | --census | --keep | --no-write
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { BaselineOutput, BaselinePlan, BaselineRun, BaselineRunResult } from './baseline.ts';
import { httpLoad, ItemQueue, type LoadJob, type LoadResult } from './http-load.ts';
import { census } from './census.ts';
import { benchNotice, type NoticeResult } from './notice.ts';
import { benchRosterImport } from './roster.ts';
import { hotSpots, type ProfileSummary } from './profile.ts';
import { seedAndProbe, type Prepared } from './prepare.ts';
import { sampleReads, type ReadResult } from './reads.ts';
import { login, startService, type RunningService } from './service.ts';
import { backendCpu, processCpuMs, round } from './stats.ts';
import { createSlice, loadDefinitions, stepBody, type CreatePair, type StepCase, type StepKind } from './workload.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const benchDir = path.join(repoRoot, 'bench');
const outDir = path.join(benchDir, 'out');

interface Options {
  quick: boolean;
  cases: number;
  connections: number[];
  pool: number;
  stepS: number;
  createS: number;
  warmupS: number;
  samples: number;
  noticeSamples: number;
  stepKind: StepKind;
  cpuProf: boolean;
  census: boolean;
  keep: boolean;
  write: boolean;
}

const USAGE = `usage: npm run bench -- [--quick] [--cases N | --million] [--connections 16,64] [--pool N]
       [--duration S] [--create-duration S] [--warmup S] [--samples N] [--step machine|comment]
       [--cpu-prof] [--census | --no-census] [--keep] [--no-write]
Real PostgreSQL when DATABASE_URL is set (a database whose name starts with "bench" is dropped and
recreated; any other must be empty), the embedded PGlite otherwise (a temporary data folder).`;

function parseOptions(argv: string[]): Options {
  const quick = argv.includes('--quick');
  const o: Options = {
    quick, cases: quick ? 5_000 : 100_000, connections: [16, 64], pool: process.env.DATABASE_URL ? 8 : 1, stepS: quick ? 2 : 15, createS: quick ? 1.5 : 8, warmupS: quick ? 0.5 : 3,
    samples: quick ? 50 : 500, noticeSamples: quick ? 15 : 60, stepKind: 'machine', cpuProf: false, census: !quick, keep: false, write: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    const num = () => {
      const n = Number(next().replaceAll('_', '').replaceAll(',', ''));
      if (!Number.isFinite(n) || n <= 0) throw new Error(`${a} needs a positive number`);
      return n;
    };
    switch (a) {
      case '--quick': break;
      case '--million': o.cases = 1_000_000; break;
      case '--cases': o.cases = Math.floor(num()); break;
      case '--connections': o.connections = next().split(',').map(Number).filter((n) => n > 0); break;
      case '--pool': o.pool = Math.floor(num()); break;
      case '--duration': o.stepS = num(); break;
      case '--create-duration': o.createS = num(); break;
      case '--warmup': o.warmupS = num(); break;
      case '--samples': o.samples = Math.floor(num()); break;
      case '--step': {
        const k = next();
        if (k !== 'machine' && k !== 'comment') throw new Error('--step is machine or comment');
        o.stepKind = k;
        break;
      }
      case '--cpu-prof': o.cpuProf = true; break;
      case '--census': o.census = true; break;
      case '--no-census': o.census = false; break;
      case '--keep': o.keep = true; break;
      case '--no-write': o.write = false; break;
      case '--help': case '-h': console.log(USAGE); process.exit(0); break;
      default: throw new Error(`unknown option ${a}\n${USAGE}`);
    }
  }
  if (o.connections.length === 0) throw new Error('--connections needs at least one number');
  return o;
}

const t0 = performance.now();
function log(msg: string): void {
  console.log(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${msg}`);
}

/** With DATABASE_URL: a bench* database is dropped and created afresh; any other must be empty. */
async function prepareDatabase(url: string): Promise<void> {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (/^bench/i.test(name)) {
    const admin = new URL(url);
    admin.pathname = '/postgres';
    const c = new pg.Client({ connectionString: admin.toString() });
    await c.connect();
    try {
      await c.query(`drop database if exists "${name.replaceAll('"', '""')}" with (force)`);
      await c.query(`create database "${name.replaceAll('"', '""')}"`);
    } finally {
      await c.end();
    }
    return;
  }
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query(`select count(*)::int as n from information_schema.tables where table_schema = 'public'`);
    if (r.rows[0].n > 0) {
      throw new Error(`DATABASE_URL points at "${name}", which has tables. The benchmark seeds its own data: use an empty database, or one whose name starts with "bench" (it is dropped and recreated).`);
    }
  } finally {
    await c.end();
  }
}

/** A pool straight to PostgreSQL, for seeding and SQL probes. */
async function openDirect(databaseUrl: string, max: number): Promise<{ pool: pg.Pool; close: () => Promise<void> }> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max });
  return { pool, close: () => pool.end() };
}

/** DATA_DIR/data-key, written by the service on its first start (absent in trees without encryption at rest). */
function embeddedKey(dataDir: string): Buffer | undefined {
  const file = path.join(dataDir, 'data-key');
  if (!existsSync(file)) return undefined;
  const t = readFileSync(file, 'utf8').trim();
  return /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
}

function runBaseline(plan: BaselinePlan): Promise<BaselineOutput> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-baseline-'));
  const planFile = path.join(dir, 'plan.json');
  const outFile = path.join(dir, 'out.json');
  writeFileSync(planFile, JSON.stringify(plan));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(benchDir, 'baseline.ts'), planFile, outFile], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => {
      try {
        if (code !== 0) throw new Error(`the baseline script exited with code ${code}`);
        resolve(JSON.parse(readFileSync(outFile, 'utf8')) as BaselineOutput);
      } catch (err) {
        reject(err);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

/** Steps through the API; versions are kept on the StepCase objects, shared with the baseline. */
function stepJob(kind: StepKind, cases: StepCase[]): LoadJob<StepCase> & { inFlight: Set<StepCase> } {
  const q = new ItemQueue(cases);
  const inFlight = new Set<StepCase>();
  return {
    inFlight,
    take() {
      const c = q.take();
      if (c) inFlight.add(c);
      return c;
    },
    request(c) {
      return { method: 'POST', path: `/api/v1/cases/${c.id}/events`, body: JSON.stringify({ ...stepBody(kind, c.workflowId), expectedVersion: c.version }) };
    },
    done(c, status, body) {
      inFlight.delete(c);
      q.put(c);
      if (status === 200) {
        c.version++;
        return true;
      }
      if (status === 409) {
        try {
          const v = (JSON.parse(body) as { currentVersion?: number }).currentVersion;
          if (typeof v === 'number') c.version = v;
        } catch { /* keep */ }
      }
      return false;
    },
  };
}

function createJob(pairs: CreatePair[]): LoadJob<CreatePair> {
  const q = new ItemQueue(pairs);
  return {
    take: () => q.take(),
    request: (p) => ({ method: 'POST', path: '/api/v1/cases', body: JSON.stringify({ workflowId: p.workflowId, personId: p.personId }) }),
    done: (_p, status) => status === 201,
  };
}

/** Cases whose request was cut off at the end of a run may or may not have moved: ask the API. */
async function refreshVersions(baseUrl: string, cookie: string, cases: Iterable<StepCase>): Promise<void> {
  for (const c of cases) {
    const res = await fetch(`${baseUrl}/api/v1/cases/${c.id}`, { headers: { cookie } });
    const body = await res.json() as { version?: number };
    if (typeof body.version === 'number') c.version = body.version;
  }
}

interface ServiceRun extends LoadResult {
  serviceCpuMs: number | null;
  dbCpuMs: number | null;
}

async function serviceLoad<T>(svc: RunningService, cookie: string, connections: number, durationS: number, job: LoadJob<T>, monitor: pg.Client | undefined): Promise<ServiceRun> {
  const db = monitor ? backendCpu((q) => monitor.query<{ pid: number }>(q)) : undefined;
  await db?.start();
  const cpu0 = processCpuMs(svc.pid);
  svc.sampling(true);
  const r = await httpLoad({ baseUrl: svc.baseUrl, cookie, connections, durationS, job });
  svc.sampling(false);
  const cpu1 = processCpuMs(svc.pid);
  const dbCpuMs = db ? await db.stop() : null;
  return { ...r, serviceCpuMs: cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : null, dbCpuMs };
}

interface Pairing {
  connections: number;
  service: ServiceRun;
  baseline: BaselineRunResult;
}

function pairingFigures(p: Pairing) {
  const perOp = (ms: number | null, n: number) => (ms === null || n === 0 ? null : round(ms / n, 3));
  return {
    connections: p.connections,
    service: round(p.service.perSecond, 1),
    baseline: round(p.baseline.perSecond, 1),
    ratio: p.baseline.perSecond > 0 ? round(p.service.perSecond / p.baseline.perSecond, 3) : null,
    p50Ms: p.service.latency.p50Ms,
    p99Ms: p.service.latency.p99Ms,
    baselineP50Ms: p.baseline.latency.p50Ms,
    baselineP99Ms: p.baseline.latency.p99Ms,
    serviceStatus: p.service.statusCounts,
    serviceOk: p.service.ok,
    serviceErrors: p.service.errors,
    baselineOk: p.baseline.ok,
    baselineErrors: p.baseline.errors,
    cpuMsPerOp: {
      service: perOp(p.service.serviceCpuMs, p.service.ok),
      loadClient: perOp(p.service.clientCpuMs, p.service.ok),
      database: perOp(p.service.dbCpuMs, p.service.ok),
      baselineScript: perOp(p.baseline.cpuMs, p.baseline.ok),
      baselineDatabase: perOp(p.baseline.dbCpuMs, p.baseline.ok),
    },
    ...(p.service.firstError ? { serviceFirstError: p.service.firstError } : {}),
    ...(p.baseline.firstError ? { baselineFirstError: p.baseline.firstError } : {}),
  };
}

function headline(kindNote: string, pairings: Pairing[]) {
  const runs = pairings.map(pairingFigures);
  const main = runs.find((r) => r.connections === 16) ?? runs[0]!;
  return {
    kind: kindNote, connections: main.connections, service: main.service, baseline: main.baseline, ratio: main.ratio,
    p50Ms: main.p50Ms, p99Ms: main.p99Ms, baselineP50Ms: main.baselineP50Ms, baselineP99Ms: main.baselineP99Ms, runs,
  };
}

function readFigures(route: string | null, r: ReadResult | null) {
  if (!r || !route) return null;
  return { route, p50Ms: r.p50Ms, p99Ms: r.p99Ms, meanMs: r.meanMs, samples: r.count, errors: r.errors, avgKb: r.avgKb, ...(r.firstError ? { firstError: r.firstError } : {}) };
}

async function probe(baseUrl: string, cookie: string, p: string): Promise<boolean> {
  const res = await fetch(`${baseUrl}${p}`, { headers: { cookie } });
  await res.arrayBuffer();
  return res.status === 200;
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  mkdirSync(outDir, { recursive: true });
  const databaseKind = process.env.DATABASE_URL ? 'postgresql' : 'embedded';
  const cores = os.cpus().length;
  log(`bench: ${o.cases.toLocaleString('en')} cases, ${databaseKind} database, ${cores} cores, pool ${o.pool}, connections ${o.connections.join('/')}, ${o.quick ? 'quick' : 'full'} run`);
  const definitions = loadDefinitions();
  const secret = randomBytes(24).toString('hex');
  const dataKeyHex = randomBytes(32).toString('hex');
  const databaseUrl = process.env.DATABASE_URL;
  let dataDir: string | undefined;
  if (databaseUrl) await prepareDatabase(databaseUrl);
  else dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-pglite-'));
  const logFile = path.join(outDir, 'service.log');
  rmSync(logFile, { force: true });
  const profDir = path.join(outDir, 'profile');
  if (o.cpuProf) rmSync(profDir, { recursive: true, force: true });
  const common = { repoRoot, databaseUrl, dataDir, poolSize: o.pool, sessionSecret: secret, dataKey: dataKeyHex, logFile };
  // To start the service again on the benchmark's database by hand (bench/out is not committed).
  if (databaseUrl) writeFileSync(path.join(outDir, 'service.env'), `DATABASE_URL=${databaseUrl}\nDATA_KEY=${dataKeyHex}\nSESSION_SECRET=${secret}\nPUBLIC_BASE_URL=http://127.0.0.1:3000\n`, { mode: 0o600 });
  const notes: string[] = [];
  const loadAtStart = os.loadavg()[0]!;
  if (!databaseUrl && o.pool === 1) {
    notes.push('Embedded runs use DB_POOL_SIZE=1 (service and baseline): PGlite runs one statement at a time anyway, and with several pool connections pglite-socket interleaves the extended-protocol messages of different connections (errors "portal does not exist", wrong sessions → 401/500, hangs); see bench/repro-pglite-socket.ts.');
  }

  try {
    // 1. First start on an empty database: migrations, the 22 items, the demo district and users.
    log('first start of the service on an empty database (migrations, 22 items, demo district)');
    const first = await startService({ ...common, demo: true });
    const startupFirstMs = first.startupMs;
    await first.stop();
    log(`  ready after ${startupFirstMs.toFixed(0)} ms`);

    // 2. Seed in bulk, straight into the database; then VACUUM ANALYZE and the SQL probes.
    // Enough fresh person × item pairs for the fastest creation rate we expect (the baseline's), per run.
    const perRunPairs = Math.ceil((databaseUrl ? 2500 : 1000) * (o.createS + o.warmupS + 1));
    const slices = o.connections.length * 2 + 2;
    const createPersons = Math.ceil((perRunPairs * slices) / 9);
    const samples = o.samples;
    log(`seeding ${o.cases.toLocaleString('en')} cases and ${createPersons.toLocaleString('en')} persons without cases (for case creation)`);
    const now = new Date();
    let prepared: Prepared;
    let baselineBootMs: number | null = null;
    let embeddedBaseline: BaselineRunResult[] = [];
    let stepPool: StepCase[];
    if (databaseUrl) {
      const direct = await openDirect(databaseUrl, 3);
      try {
        prepared = await seedAndProbe(direct.pool, { cases: o.cases, createPersons, now, definitions, streams: 3, dataKey: Buffer.from(dataKeyHex, 'hex'), log }, samples);
      } finally {
        await direct.close();
      }
      stepPool = prepared.seeded.stepPool;
    } else {
      // PGlite is single-process and each opening of the folder costs seconds: the baseline script
      // seeds the folder (with the key the service keeps beside it), then runs the baseline on it, before the service opens it.
      log(`baseline (bare node + pg on the same PGlite data folder, in its own process): seeding, then steps at ${o.connections.join('/')} connections, then case creation`);
      const runs: BaselineRun[] = [];
      for (const c of o.connections) runs.push({ kind: 'steps', connections: c, warmupS: o.warmupS, durationS: o.stepS });
      o.connections.forEach((c, i) => runs.push({ kind: 'create', connections: c, warmupS: Math.min(1, o.warmupS), durationS: o.createS, slice: i }));
      const key = embeddedKey(dataDir!);
      const out = await runBaseline({
        dataDir, poolSize: o.pool, stepKind: o.stepKind, runs, stepPool: [], createPairs: [], slices,
        seed: { cases: o.cases, createPersons, now: now.toISOString(), ...(key ? { dataKeyHex: key.toString('hex') } : {}), samples },
      });
      prepared = out.prepared!;
      baselineBootMs = out.bootMs;
      embeddedBaseline = out.results;
      stepPool = out.stepPool;
      for (const r of out.results) log(`  baseline ${r.kind} @${r.connections}: ${r.perSecond.toFixed(0)}/s, p50 ${r.latency.p50Ms} ms, p99 ${r.latency.p99Ms} ms${r.errors ? `, ${r.errors} errors` : ''}`);
    }
    const { seeded, databaseVersion, probes } = prepared;
    const explainFile = path.join(outDir, `explain-${databaseKind}-${o.cases}.txt`);
    writeFileSync(explainFile, probes.explain);
    if (stepPool.length < 4 * Math.max(...o.connections)) notes.push(`only ${stepPool.length} cases for the step load: raise --cases`);
    const pairsForSlice = (k: number) => createSlice(seeded.createPairs, k, slices);
    // 2 × connections + 2 disjoint slices: one per creation run (baseline and service), the warm-up and the census.
    // The embedded baseline has used slices 0 … connections-1 already.
    let nextSlice = databaseUrl ? 0 : o.connections.length;

    const stepPairings: Pairing[] = [];
    const createPairings: Pairing[] = [];
    // A connection of our own to see which PostgreSQL backends serve this database (their CPU time per operation).
    let monitor: pg.Client | undefined;
    if (databaseUrl) {
      monitor = new pg.Client({ connectionString: databaseUrl });
      await monitor.connect();
    }
    const measureDb = monitor;
    const pgBaseline = (runs: BaselineRun[], createPairs: CreatePair[] = []): Promise<BaselineOutput> =>
      runBaseline({ databaseUrl, poolSize: o.pool, stepKind: o.stepKind, runs, stepPool, createPairs, slices: 1, dataKeyHex });
    const adoptVersions = (out: BaselineOutput) => {
      const byId = new Map(out.stepPool.map((c) => [c.id, c.version]));
      for (const c of stepPool) c.version = byId.get(c.id) ?? c.version;
    };

    // 3. The service on the seeded database.
    log('starting the service on the seeded database');
    const svcSpawnedAt = performance.now();
    const svc = await startService({ ...common, demo: !databaseUrl, cpuProfDir: o.cpuProf ? profDir : undefined });
    const startupMs = svc.startupMs;
    log(`  ready after ${startupMs.toFixed(0)} ms`);
    const clerk = await login(svc.baseUrl, 'district-clerk', 'demo1234');
    const supervisor = await login(svc.baseUrl, 'supervisor', 'demo1234');

    log(`warming up the service for ${o.warmupS} s`);
    {
      const job = stepJob(o.stepKind, stepPool);
      const w = await httpLoad({ baseUrl: svc.baseUrl, cookie: clerk, connections: o.connections[0]!, durationS: o.warmupS, job });
      await refreshVersions(svc.baseUrl, clerk, job.inFlight);
      if (w.ok === 0) throw new Error(`the step load gets no 2xx from the service: ${w.firstError ?? 'no response'}`);
      const cw = await httpLoad({ baseUrl: svc.baseUrl, cookie: clerk, connections: o.connections[0]!, durationS: 1, job: createJob(pairsForSlice(nextSlice++)) });
      if (cw.ok === 0) throw new Error(`case creation gets no 2xx from the service: ${cw.firstError ?? 'no response'}`);
    }

    const loadStartMs = performance.now();
    const stepNote = o.stepKind === 'machine'
      ? 'machine self-transition sent by the district clerk (COORDINATE, CONFIRM_YEAR, RECORD_ALLOWANCE on cases in states that loop): role/level check, ajv form validation, xstate transition, snapshot rewrite, history append'
      : 'administrative act COMMENT by the district clerk: same locked, versioned write and history append, no machine step';
    for (const [i, c] of o.connections.entries()) {
      let baseline: BaselineRunResult;
      if (databaseUrl) {
        const out = await pgBaseline([{ kind: 'steps', connections: c, warmupS: o.warmupS, durationS: o.stepS }]);
        adoptVersions(out);
        baseline = out.results[0]!;
      } else {
        baseline = embeddedBaseline.filter((r) => r.kind === 'steps')[i]!;
      }
      const job = stepJob(o.stepKind, stepPool);
      const service = await serviceLoad(svc, clerk, c, o.stepS, job, measureDb);
      await refreshVersions(svc.baseUrl, clerk, job.inFlight);
      stepPairings.push({ connections: c, service, baseline });
      log(`steps @${c}: service ${service.perSecond.toFixed(0)}/s (p50 ${service.latency.p50Ms} ms, p99 ${service.latency.p99Ms} ms${service.errors ? `, ${service.errors} non-2xx` : ''}) | baseline ${baseline.perSecond.toFixed(0)}/s (p50 ${baseline.latency.p50Ms}, p99 ${baseline.latency.p99Ms} ms) | ratio ${(service.perSecond / baseline.perSecond).toFixed(2)}`);
    }

    // Reads on the seeded data (before case creation adds to it), one request at a time.
    log('reads: the overdue list of a station (supervisor), the person file and chain');
    const readSamples = { samples: o.samples, warmup: 20 };
    const villagePaths = seeded.villages.map((v) => `/api/v1/cases?status=open&stationId=${v.id}&limit=50`);
    const v0 = seeded.villages[0]!.id;
    const overdueRoute = (await probe(svc.baseUrl, supervisor, `/api/v1/cases?due=overdue&stationId=${v0}&limit=50`))
      ? 'GET /api/v1/cases?due=overdue&stationId=<village>&limit=50' : 'GET /api/v1/cases?status=open&stationId=<village>&limit=50';
    const overduePaths = overdueRoute.includes('due=overdue') ? seeded.villages.map((v) => `/api/v1/cases?due=overdue&stationId=${v.id}&limit=50`) : villagePaths;
    if (!overdueRoute.includes('due=overdue')) notes.push('No overdue filter on GET /api/v1/cases in this tree: overdueList times the open-case list of one village station (newest first, 50), the closest route; overdueList.sqlP50Ms/sqlP99Ms time the overdue query itself.');
    const overdue = await sampleReads({ baseUrl: svc.baseUrl, cookie: supervisor, paths: overduePaths, ...readSamples });
    const listOf = (station: string | null) => (overdueRoute.includes('due=overdue') ? `/api/v1/cases?due=overdue&limit=50` : '/api/v1/cases?status=open&limit=50') + (station ? `&stationId=${station}` : '');
    const town = await sampleReads({ baseUrl: svc.baseUrl, cookie: supervisor, paths: seeded.towns.map(listOf), samples: Math.ceil(o.samples / 5), warmup: 5 });
    const district = await sampleReads({ baseUrl: svc.baseUrl, cookie: supervisor, paths: [listOf(null)], samples: Math.ceil(o.samples / 5), warmup: 5 });
    const openList = overdueRoute.includes('due=overdue') ? await sampleReads({ baseUrl: svc.baseUrl, cookie: supervisor, paths: villagePaths, samples: Math.ceil(o.samples / 2), warmup: 5 }) : overdue;
    const personFile = await sampleReads({ baseUrl: svc.baseUrl, cookie: supervisor, paths: seeded.chainPersons.map((id) => `/api/v1/persons/${id}`), ...readSamples });
    const hasChain = await probe(svc.baseUrl, supervisor, `/api/v1/persons/${seeded.chainPersons[0]}/chain`);
    const chain = hasChain ? await sampleReads({ baseUrl: svc.baseUrl, cookie: supervisor, paths: seeded.chainPersons.map((id) => `/api/v1/persons/${id}/chain`), ...readSamples }) : null;
    if (!hasChain) notes.push('No GET /api/v1/persons/:id/chain in this tree: personChain is null; personFile times the person file (details, relations, all cases).');
    log(`  overdue list@village p50 ${overdue.p50Ms} ms p99 ${overdue.p99Ms} ms; person file p50 ${personFile.p50Ms} ms p99 ${personFile.p99Ms} ms${chain ? `; chain p50 ${chain.p50Ms} ms p99 ${chain.p99Ms} ms` : ''}`);

    for (const [i, c] of o.connections.entries()) {
      let baseline: BaselineRunResult;
      if (databaseUrl) {
        const out = await pgBaseline([{ kind: 'create', connections: c, warmupS: Math.min(1, o.warmupS), durationS: o.createS, slice: 0 }], pairsForSlice(nextSlice++));
        baseline = out.results[0]!;
      } else {
        baseline = embeddedBaseline.filter((r) => r.kind === 'create')[i]!;
      }
      const service = await serviceLoad(svc, clerk, c, o.createS, createJob(pairsForSlice(nextSlice++)), measureDb);
      if (service.exhausted || baseline.exhausted) notes.push(`case creation @${c} ran out of fresh person × item pairs: the figure is a lower bound`);
      createPairings.push({ connections: c, service, baseline });
      log(`create @${c}: service ${service.perSecond.toFixed(0)}/s (p50 ${service.latency.p50Ms} ms, p99 ${service.latency.p99Ms} ms${service.errors ? `, ${service.errors} non-2xx` : ''}) | baseline ${baseline.perSecond.toFixed(0)}/s (p50 ${baseline.latency.p50Ms}, p99 ${baseline.latency.p99Ms} ms) | ratio ${(service.perSecond / baseline.perSecond).toFixed(2)}`);
    }

    await monitor?.end();
    const rssHwm = svc.hwmMb();
    const rssSampled = svc.peakRssMb;
    await svc.stop();
    log(`service peak RSS ${rssHwm?.toFixed(0)} MB (sampled under load ${rssSampled.toFixed(0)} MB)`);

    // Statement census through a counting proxy (real PostgreSQL only).
    let censusResult: Awaited<ReturnType<typeof census>> | null = null;
    if (databaseUrl && o.census) {
      log('statement census: the service once more, its database connection through a counting proxy');
      const pairs = pairsForSlice(nextSlice++);
      const cases = stepPool.slice(0, 11);
      censusResult = await census({ ...common, databaseUrl }, {
        step: (i) => ({ path: `/api/v1/cases/${cases[i]!.id}/events`, body: JSON.stringify({ ...stepBody(o.stepKind, cases[i]!.workflowId), expectedVersion: cases[i]!.version++ }) }),
        create: (i) => ({ path: '/api/v1/cases', body: JSON.stringify(pairs[i]) }),
        overdueList: overduePaths[0]!,
        personChain: hasChain ? (i) => `/api/v1/persons/${seeded.chainPersons[i % seeded.chainPersons.length]}/chain` : null,
      });
      writeFileSync(path.join(outDir, 'census.json'), `${JSON.stringify(censusResult, null, 2)}\n`);
      for (const l of censusResult.lines) log(`  ${l.request}: ${l.statements} statements, ${l.kbFromDb} KB from the database, ${l.responseKb} KB response`);
    }

    // 4. Notices, in this process (no database).
    log('notices: renderer vs bare pdfkit');
    const notice: NoticeResult = await benchNotice(repoRoot, o.noticeSamples);
    if (notice.note) notes.push(notice.note);
    log(notice.ms !== null ? `  ${notice.ms} ms per notice (p99 ${notice.p99Ms}), ${notice.kb} KB, ${notice.pages} page(s); bare pdfkit ${notice.baselineMs} ms, ${notice.baselineKb} KB` : `  ${notice.note}`);

    // 4b. Roster import (issue #9): a recruiting office's list checked and committed, on a database of its own.
    const rosterRows = o.quick ? 2_000 : 10_000;
    log(`roster import: ${rosterRows.toLocaleString('en')} rows`);
    const roster = await benchRosterImport(rosterRows, databaseUrl, dataKeyHex);
    log(`  ${roster.rowsPerSecond} rows/s (check ${roster.previewRowsPerSecond}/s, commit ${roster.commitRowsPerSecond}/s); the same file again ${roster.reimportMs} ms, nothing created`);

    let profile: { startup: ProfileSummary; load: ProfileSummary } | null = null;
    if (o.cpuProf) {
      const files = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(profDir, f)).sort((a, b) => statSync(b).size - statSync(a).size);
      if (files[0]) {
        // The profile starts with the process: start-up until /ready, then the load after the warm-up.
        profile = { startup: hotSpots(files[0], repoRoot, { toMs: startupMs }), load: hotSpots(files[0], repoRoot, { fromMs: loadStartMs - svcSpawnedAt }) };
        writeFileSync(path.join(outDir, 'profile-summary.json'), `${JSON.stringify(profile, null, 2)}\n`);
        log(`CPU profile: ${path.relative(repoRoot, files[0])}; summary in bench/out/profile-summary.json`);
      }
    }

    // 5. Report.
    const steps = headline(stepNote, stepPairings);
    const create = headline('POST /api/v1/cases by the district clerk for a fresh person and an item they are eligible for (10 items); baseline: lock person, insert case and START entry', createPairings);
    const results = {
      benchmark: 'npm run bench',
      date: new Date().toISOString().slice(0, 10),
      mode: o.quick ? 'quick' : 'full',
      machine: {
        cores, cpu: os.cpus()[0]?.model.trim() ?? 'unknown', memoryGb: round(os.totalmem() / 2 ** 30, 1), node: process.version, os: `${os.platform()} ${os.release()} ${os.arch()}`,
        // Other work on the machine during the run (1-minute load average at start and end): above the core count, figures are noisy.
        loadAverage: [round(loadAtStart, 1), round(os.loadavg()[0]!, 1)],
      },
      database: databaseKind,
      databaseVersion: databaseUrl ? databaseVersion : `PGlite (${databaseVersion})`,
      poolSize: o.pool,
      cases: seeded.cases,
      data: {
        persons: seeded.persons, stations: seeded.stations, items: seeded.workflowsUsed, openCases: seeded.openCases, overdueCases: seeded.overdueCases,
        historyEntries: seeded.events, relations: seeded.relations, stepCases: stepPool.length, seedS: round(seeded.seedMs / 1000, 1),
      },
      steps,
      create,
      overdueList: {
        route: overdueRoute, station: 'village (rotating over all)', p50Ms: overdue.p50Ms, p99Ms: overdue.p99Ms, avgKb: overdue.avgKb, errors: overdue.errors,
        town: { p50Ms: town.p50Ms, p99Ms: town.p99Ms }, district: { p50Ms: district.p50Ms, p99Ms: district.p99Ms },
        sqlP50Ms: probes.overdue.p50Ms, sqlP99Ms: probes.overdue.p99Ms, sqlNoIndexP50Ms: probes.overdueNoIndex.p50Ms,
        openListVillage: { route: 'GET /api/v1/cases?status=open&stationId=<village>&limit=50', p50Ms: openList.p50Ms, p99Ms: openList.p99Ms },
      },
      personFile: readFigures('GET /api/v1/persons/:id', personFile),
      personChain: readFigures('GET /api/v1/persons/:id/chain', chain),
      notice,
      roster,
      rssMb: round(rssHwm ?? rssSampled, 0),
      rssSampledUnderLoadMb: round(rssSampled, 0),
      rssAtReadyMb: round(svc.readyRssMb, 0),
      startupMs: round(startupMs, 0),
      startupFirstMs: round(startupFirstMs, 0),
      ...(baselineBootMs !== null ? { embeddedBootMs: round(baselineBootMs, 0) } : {}),
      census: censusResult ? {
        baselineStatementsPerStep: 5, startupStatements: censusResult.startupStatements,
        requests: censusResult.lines.map((l) => ({ ...l, top: l.top.slice(0, 6) })),
      } : null,
      targets: [] as { target: string; value: number | null; limit: string; met: boolean | null; note?: string }[],
      notes,
      ...(profile ? { profile: { startup: { ...profile.startup, spots: profile.startup.spots.slice(0, 10) }, load: { ...profile.load, spots: profile.load.spots.slice(0, 10) } } } : {}),
    };
    const isPg = databaseKind === 'postgresql';
    const t = (target: string, value: number | null, limit: string, met: boolean | null, note?: string) => results.targets.push({ target, value, limit, met: value === null ? null : met, ...(note ? { note } : {}) });
    t('steps/s vs bare-pg baseline @16', steps.ratio, '≥ 0.75', steps.ratio !== null && steps.ratio >= 0.75);
    t('step p99 @16 (ms)', steps.p99Ms, '< 30', steps.p99Ms !== null && steps.p99Ms < 30);
    t('throughput at 1,000,000 cases vs 10,000', null, 'within 10%', null, 'compare two runs: --cases 10000 and --million (bench/out/results-<db>-<cases>.json)');
    t('overdue list p99 through the API (ms)', overdue.p99Ms, '< 15 at 1,000,000 cases', overdue.p99Ms !== null && overdue.p99Ms < 15, seeded.cases < 1_000_000 ? `measured at ${seeded.cases.toLocaleString('en')} cases` : undefined);
    t('notice median (ms)', notice.ms, '< 25', notice.ms !== null && notice.ms < 25);
    t('notice size (KB)', notice.kb, '< 150', notice.kb !== null && notice.kb < 150);
    t(`roster import at ${roster.rows.toLocaleString('en')} rows (rows/s)`, roster.rowsPerSecond, 'reported', null);
    t('RSS under load (MB)', results.rssMb, isPg ? '< 300' : '< 300 (the target is for PostgreSQL; embedded includes PGlite)', isPg ? results.rssMb !== null && results.rssMb < 300 : null);
    t('start-up to ready (ms)', results.startupMs, isPg ? '< 1500' : '< 4000 (second start)', results.startupMs !== null && results.startupMs < (isPg ? 1500 : 4000));

    printTable(results);
    const json = `${JSON.stringify(results, null, 2)}\n`;
    writeFileSync(path.join(outDir, `results-${databaseKind}-${seeded.cases}.json`), json);
    // Throughput against size: every size run of this database kind kept in bench/out (the 1,000,000 vs 10,000 target).
    const sizes = readdirSync(outDir).map((f) => new RegExp(`^results-${databaseKind}-(\\d+)\\.json$`).exec(f)).filter((m): m is RegExpExecArray => m !== null)
      .map((m) => JSON.parse(readFileSync(path.join(outDir, m[0]), 'utf8')) as { cases: number; date: string; steps: { service: number; baseline: number } })
      .sort((a, b) => a.cases - b.cases);
    if (sizes.length > 1) {
      console.log(`steps/s @16 by size (${databaseKind}, bench/out): ${sizes.map((r) => `${r.cases.toLocaleString('en')}: ${r.steps.service} (baseline ${r.steps.baseline}, ${r.date})`).join('; ')}`);
    }
    if (o.write) {
      writeFileSync(path.join(benchDir, 'results.json'), json);
      log('wrote bench/results.json');
    }
    log(`EXPLAIN plans in ${path.relative(repoRoot, explainFile)}; service log in ${path.relative(repoRoot, logFile)}`);
  } finally {
    if (dataDir && !o.keep) rmSync(dataDir, { recursive: true, force: true });
    else if (dataDir) log(`kept the data folder ${dataDir}`);
  }
}

function fmt(v: number | null | undefined, digits = 1): string {
  if (v === null || v === undefined) return '—';
  return v.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

function printTable(r: {
  machine: { cores: number }; database: string; databaseVersion: string; cases: number; poolSize: number;
  steps: ReturnType<typeof headline>; create: ReturnType<typeof headline>;
  overdueList: { route: string; openListVillage: { p50Ms: number | null; p99Ms: number | null }; p50Ms: number | null; p99Ms: number | null; sqlP50Ms: number | null; sqlP99Ms: number | null; sqlNoIndexP50Ms: number | null; town: { p50Ms: number | null; p99Ms: number | null }; district: { p50Ms: number | null; p99Ms: number | null } };
  personFile: { p50Ms: number | null; p99Ms: number | null } | null; personChain: { p50Ms: number | null; p99Ms: number | null } | null;
  notice: NoticeResult; rssMb: number | null; startupMs: number | null; startupFirstMs: number | null;
  targets: { target: string; value: number | null; limit: string; met: boolean | null }[];
}): void {
  const rows: string[][] = [['figure', 'service', 'baseline', 'ratio', 'p50 ms', 'p99 ms', 'baseline p50/p99 ms']];
  for (const [name, h] of [['steps/s', r.steps], ['cases created/s', r.create]] as const) {
    for (const run of h.runs) {
      rows.push([`${name} @${run.connections}`, fmt(run.service), fmt(run.baseline), fmt(run.ratio, 2), fmt(run.p50Ms, 2), fmt(run.p99Ms, 2), `${fmt(run.baselineP50Ms, 2)} / ${fmt(run.baselineP99Ms, 2)}`]);
    }
  }
  const listName = r.overdueList.route.includes('due=overdue') ? 'overdue list' : 'open-case list';
  rows.push([`${listName}, village (API)`, '', '', '', fmt(r.overdueList.p50Ms, 2), fmt(r.overdueList.p99Ms, 2), '']);
  rows.push([`${listName}, town (API)`, '', '', '', fmt(r.overdueList.town.p50Ms, 2), fmt(r.overdueList.town.p99Ms, 2), '']);
  rows.push([`${listName}, district (API)`, '', '', '', fmt(r.overdueList.district.p50Ms, 2), fmt(r.overdueList.district.p99Ms, 2), '']);
  if (listName === 'overdue list') rows.push(['open-case list, village (API)', '', '', '', fmt(r.overdueList.openListVillage.p50Ms, 2), fmt(r.overdueList.openListVillage.p99Ms, 2), '']);
  rows.push(['overdue query, village (SQL)', '', '', '', fmt(r.overdueList.sqlP50Ms, 2), fmt(r.overdueList.sqlP99Ms, 2), `no index: ${fmt(r.overdueList.sqlNoIndexP50Ms, 2)}`]);
  if (r.personFile) rows.push(['person file (API)', '', '', '', fmt(r.personFile.p50Ms, 2), fmt(r.personFile.p99Ms, 2), '']);
  if (r.personChain) rows.push(['person chain (API)', '', '', '', fmt(r.personChain.p50Ms, 2), fmt(r.personChain.p99Ms, 2), '']);
  const n = r.notice;
  rows.push(['notice render (ms, KB)', n.ms === null ? 'n/a' : `${fmt(n.ms, 2)} ms ${fmt(n.kb)} KB`, n.baselineMs === null ? '' : `${fmt(n.baselineMs, 2)} ms ${fmt(n.baselineKb)} KB`, fmt(n.ratio, 2), fmt(n.ms, 2), fmt(n.p99Ms, 2), '']);
  rows.push(['peak RSS (MB)', fmt(r.rssMb, 0), '', '', '', '', '']);
  rows.push(['start-up to /ready (ms)', `${fmt(r.startupMs, 0)} (first ${fmt(r.startupFirstMs, 0)})`, '', '', '', '', '']);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => [...row[i]!].length)));
  const line = (row: string[]) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log();
  console.log(`${r.cases.toLocaleString('en')} cases · ${r.database} (${r.databaseVersion}) · pool ${r.poolSize} · ${r.machine.cores} cores`);
  console.log(line(rows[0]!));
  console.log(widths.map((w) => '─'.repeat(w)).join('  '));
  for (const row of rows.slice(1)) console.log(line(row));
  console.log();
  console.log('targets:');
  for (const tg of r.targets) console.log(`  ${tg.met === null ? '·' : tg.met ? '✓' : '✗'} ${tg.target}: ${fmt(tg.value, 2)} (${tg.limit})`);
  console.log();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
