import pg from 'pg';
import type { BaselineOutput, BaselineRun } from '../baseline.ts';
import { runBaseline } from '../database.ts';
import { httpLoad, type LoadJob, type LoadResult } from '../http-load.ts';
import { createJob, refreshVersions, stepJob } from '../load-jobs.ts';
import { log } from '../paths.ts';
import { login, startService, type RunningService } from '../service.ts';
import type { Bench } from '../setup.ts';
import { createSlice, type CreatePair } from '../workload.ts';
import type { Seeded } from './seeding.ts';

/** The service on the seeded database, logged in, with what the load scenarios need beside it. */
export interface Live {
  svc: RunningService;
  startupMs: number;
  svcSpawnedAt: number;
  clerk: string;
  supervisor: string;
  /** A connection of our own to see which PostgreSQL backends serve this database (their CPU time per operation). */
  monitor: pg.Client | undefined;
  /** The next unused slice of fresh person × item pairs (the embedded baseline has used the first ones). */
  nextPairs(): CreatePair[];
  /** The bare-pg baseline on PostgreSQL, one run at a time beside the service's. */
  pgBaseline(runs: BaselineRun[], createPairs?: CreatePair[]): Promise<BaselineOutput>;
}

/** 3. The service on the seeded database, warmed up. */
export async function startLive(b: Bench, s: Seeded): Promise<Live> {
  const { o, databaseUrl } = b;
  let nextSlice = databaseUrl ? 0 : o.connections.length;
  const nextPairs = () => createSlice(s.prepared.seeded.createPairs, nextSlice++, s.slices);
  let monitor: pg.Client | undefined;
  if (databaseUrl) {
    monitor = new pg.Client({ connectionString: databaseUrl });
    await monitor.connect();
  }
  const pgBaseline = (runs: BaselineRun[], createPairs: CreatePair[] = []): Promise<BaselineOutput> =>
    runBaseline({
      databaseUrl, poolSize: o.pool, stepKind: o.stepKind, runs, stepPool: s.stepPool, createPairs, slices: 1,
      dataKeyHex: b.dataKeyHex,
    });

  log('starting the service on the seeded database');
  const svcSpawnedAt = performance.now();
  const svc = await startService({ ...b.common, demo: !databaseUrl, cpuProfDir: o.cpuProf ? b.profDir : undefined });
  log(`  ready after ${svc.startupMs.toFixed(0)} ms`);
  const clerk = await login(svc.baseUrl, 'district-clerk', 'demo1234');
  const supervisor = await login(svc.baseUrl, 'supervisor', 'demo1234');
  const live = { svc, startupMs: svc.startupMs, svcSpawnedAt, clerk, supervisor, monitor, nextPairs, pgBaseline };
  try {
    await warmUp(b, s, live);
  } catch (err) {
    await stopLive(live);
    throw err;
  }
  return live;
}

/** A warm-up load, repeated until an answer has come: on a saturated machine a first one may take seconds. */
async function untilAnswered<T>(
  what: string, live: Live, connections: number, durationS: number, job: LoadJob<T>, after?: () => Promise<void>,
): Promise<void> {
  let w: LoadResult | undefined;
  for (let i = 0; i < 10 && !w?.ok && !w?.firstError; i++) {
    w = await httpLoad({ baseUrl: live.svc.baseUrl, cookie: live.clerk, connections, durationS, job });
    await after?.();
  }
  if (!w?.ok) throw new Error(`${what} gets no 2xx from the service: ${w?.firstError ?? 'no response'}`);
}

async function warmUp(b: Bench, s: Seeded, live: Live): Promise<void> {
  const { o } = b;
  log(`warming up the service for ${o.warmupS} s`);
  const job = stepJob(o.stepKind, o.stepApi, s.stepPool);
  const c = o.connections[0]!;
  await untilAnswered('the step load', live, c, Math.max(o.warmupS, 1), job, () => refreshVersions(live.svc.baseUrl, live.clerk, job.inFlight));
  await untilAnswered('case creation', live, c, 1, createJob(live.nextPairs()));
}

/** The service stops; its peak RSS (the kernel's high-water mark, and as sampled under load). */
export async function stopLive(live: Live): Promise<{ rssHwm: number | null; rssSampled: number }> {
  await live.monitor?.end();
  const rssHwm = live.svc.hwmMb();
  const rssSampled = live.svc.peakRssMb;
  await live.svc.stop();
  log(`service peak RSS ${rssHwm?.toFixed(0)} MB (sampled under load ${rssSampled.toFixed(0)} MB)`);
  return { rssHwm, rssSampled };
}
