/**
 * `npm run bench`: how fast the service is, against the physical limit of the same machine, in
 * the same run. See bench/README.md for what is measured and how.
 *
 *   npm run bench                      embedded PGlite, 100,000 cases
 *   DATABASE_URL=postgres://…/bench_x npm run bench   real PostgreSQL (a database named bench* is dropped and recreated)
 *   npm run bench -- --quick           ≈5,000 cases, short runs (under a minute on a quiet machine)
 *   npm run bench -- --million | --cases N | --sizes 10000,1000000 | --connections 16,64 | --pool 8
 *                    | --step comment | --step-api v1|v2 | --cpu-prof | --census | --keep | --no-write
 */
import os from 'node:os';
import { parseOptions } from './options.ts';
import { report, type SizeRun } from './results.ts';
import { runCreate } from './scenarios/create.ts';
import { runCensus } from './scenarios/census.ts';
import { runNotice, runRoster } from './scenarios/documents.ts';
import { summarizeProfile } from './scenarios/profile.ts';
import { runReads } from './scenarios/reads.ts';
import { firstStart, seedData, type Seeded } from './scenarios/seeding.ts';
import { startLive, stopLive } from './scenarios/service.ts';
import { runDepth, runSteps, stepNote } from './scenarios/steps.ts';
import { setUp, tearDown } from './setup.ts';

async function main(): Promise<void> {
  const b = await setUp(parseOptions(process.argv.slice(2)));
  try {
    const startupFirstMs = await firstStart(b);
    // --sizes: steps @16 at each smaller size, then the database grows and is measured again.
    const sizeRuns: SizeRun[] = [];
    let seeded: Seeded | undefined;
    for (const size of b.o.sizes.slice(0, -1)) {
      seeded = await seedData(b, size, seeded);
      const small = await startLive(b, seeded);
      const [pairing] = await runSteps(b, seeded, small, [16]);
      sizeRuns.push({ cases: size, pairing: pairing!, loadAverage: os.loadavg()[0]! });
      await stopLive(small);
    }
    seeded = await seedData(b, b.o.cases, seeded);
    const live = await startLive(b, seeded);
    const loadStartMs = performance.now();
    const stepPairings = await runSteps(b, seeded, live);
    const at16 = stepPairings.find((p) => p.connections === 16) ?? stepPairings[0]!;
    if (sizeRuns.length) sizeRuns.push({ cases: b.o.cases, pairing: at16, loadAverage: os.loadavg()[0]! });
    const depth = await runDepth(b, seeded, live);
    const reads = await runReads(b, seeded, live);
    const createPairings = await runCreate(b, seeded, live);
    const rss = await stopLive(live);
    const census = await runCensus(b, seeded, live, reads);
    const notice = await runNotice(b);
    const roster = await runRoster(b);
    const profile = summarizeProfile(b, live.startupMs, loadStartMs - live.svcSpawnedAt);
    report(b, {
      seeded, startupFirstMs, startupMs: live.startupMs, readyRssMb: live.svc.readyRssMb, stepNote: stepNote(b),
      stepPairings, createPairings, sizeRuns, depth, reads, rss, census, notice, roster, profile,
      wallS: performance.now() / 1000,
    });
  } finally {
    tearDown(b);
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
