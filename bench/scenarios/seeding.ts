import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BaselineRun, BaselineRunResult } from '../baseline.ts';
import { embeddedKey, openDirect, runBaseline } from '../database.ts';
import { log, outDir } from '../paths.ts';
import { seedAndProbe, type Prepared } from '../prepare.ts';
import type { SeedResult } from '../seed.ts';
import { startService } from '../service.ts';
import type { Bench } from '../setup.ts';
import type { StepCase } from '../workload.ts';

export interface Seeded {
  prepared: Prepared;
  /** The embedded baseline's own start (it runs before the service, in its own process). */
  baselineBootMs: number | null;
  /** The embedded baseline's runs, done while seeding; with PostgreSQL each runs beside its service run. */
  embeddedBaseline: BaselineRunResult[];
  stepPool: StepCase[];
  /**
   * 2 × connections + 2 disjoint slices of fresh pairs: one per creation run (baseline and
   * service), the warm-up and the census.
   */
  slices: number;
  explainFile: string;
}

/** 1. First start on an empty database: migrations, the 22 items, the demo district and users. */
export async function firstStart(b: Bench): Promise<number> {
  log('first start of the service on an empty database (migrations, 22 items, demo district)');
  const first = await startService({ ...b.common, demo: true });
  await first.stop();
  log(`  ready after ${first.startupMs.toFixed(0)} ms`);
  return first.startupMs;
}

/** The step pool's cases and the history-depth pool, 100 quick, 512 otherwise (the last seeding only). */
function deepCases(b: Bench, last: boolean): number {
  return last ? (b.o.quick ? 100 : 512) : 0;
}
const DEEP_ENTRIES = 50;

/** Two seedings of one database (`--sizes`) as one: the totals, every step case, the newest fresh persons. */
function grown(prev: SeedResult, next: SeedResult): SeedResult {
  return {
    ...next,
    persons: prev.persons + next.persons, cases: prev.cases + next.cases, openCases: prev.openCases + next.openCases,
    overdueCases: prev.overdueCases + next.overdueCases, events: prev.events + next.events,
    relations: prev.relations + next.relations,
    workflowsUsed: Math.max(prev.workflowsUsed, next.workflowsUsed), stepPool: [...prev.stepPool, ...next.stepPool],
    deepPool: [...prev.deepPool, ...next.deepPool], chainPersons: [...prev.chainPersons, ...next.chainPersons],
    seedMs: prev.seedMs + next.seedMs,
  };
}

/**
 * 2. Seed in bulk, straight into the database, up to `total` cases (on top of `prior`, an earlier
 * seeding of the same database, with --sizes); then VACUUM ANALYZE and the SQL probes.
 */
export async function seedData(b: Bench, total: number, prior?: Seeded): Promise<Seeded> {
  const { o, databaseUrl } = b;
  const cases = total - (prior?.prepared.seeded.cases ?? 0);
  const last = total === o.cases;
  // Enough fresh person × item pairs for the fastest creation rate we expect (the baseline's), per run.
  const perRunPairs = Math.ceil((databaseUrl ? 2500 : 1000) * (o.createS + o.warmupS + 1));
  const slices = o.connections.length * 2 + 2;
  const createPersons = Math.ceil((perRunPairs * slices) / 9);
  const samples = o.samples;
  log(`seeding ${cases.toLocaleString('en')} cases${prior ? ` more (${total.toLocaleString('en')} in all)` : ''} and ${createPersons.toLocaleString('en')} persons without cases (for case creation)`);
  const now = new Date();
  let seeded: Omit<Seeded, 'slices' | 'explainFile'>;
  const deep = { deepCases: deepCases(b, last), deepEntries: DEEP_ENTRIES };
  if (databaseUrl) {
    const direct = await openDirect(databaseUrl, 3);
    try {
      const prepared = await seedAndProbe(direct.pool, { cases, createPersons, now, definitions: b.definitions, streams: 3, dataKey: Buffer.from(b.dataKeyHex, 'hex'), log, ...deep }, samples);
      if (prior) prepared.seeded = grown(prior.prepared.seeded, prepared.seeded);
      seeded = { prepared, baselineBootMs: null, embeddedBaseline: [], stepPool: prepared.seeded.stepPool };
    } finally {
      await direct.close();
    }
  } else {
    // PGlite is single-process and each opening of the folder costs seconds: the baseline script
    // seeds the folder (with the key the service keeps beside it), then runs the baseline on it,
    // before the service opens it.
    log(`baseline (bare node + pg on the same PGlite data folder, in its own process): seeding, then steps at ${o.connections.join('/')} connections, then case creation`);
    const runs: BaselineRun[] = [];
    for (const c of o.connections) runs.push({ kind: 'steps', connections: c, warmupS: o.warmupS, durationS: o.stepS });
    o.connections.forEach((c, i) => runs.push({ kind: 'create', connections: c, warmupS: Math.min(1, o.warmupS), durationS: o.createS, slice: i }));
    const key = embeddedKey(b.dataDir!);
    const out = await runBaseline({
      dataDir: b.dataDir, poolSize: o.pool, stepKind: o.stepKind, runs, stepPool: [], createPairs: [], slices,
      seed: { cases, createPersons, now: now.toISOString(), ...(key ? { dataKeyHex: key.toString('hex') } : {}), samples, ...deep },
    });
    seeded = {
      prepared: out.prepared!, baselineBootMs: out.bootMs, embeddedBaseline: out.results, stepPool: out.stepPool,
    };
    for (const r of out.results) log(`  baseline ${r.kind} @${r.connections}: ${r.perSecond.toFixed(0)}/s, p50 ${r.latency.p50Ms} ms, p99 ${r.latency.p99Ms} ms${r.errors ? `, ${r.errors} errors` : ''}`);
  }
  const explainFile = path.join(outDir, `explain-${b.databaseKind}-${total}.txt`);
  writeFileSync(explainFile, seeded.prepared.probes.explain);
  if (last && seeded.stepPool.length < 4 * Math.max(...o.connections)) b.notes.push(`only ${seeded.stepPool.length} cases for the step load: raise --cases`);
  return { ...seeded, slices, explainFile };
}
