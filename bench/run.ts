/**
 * `npm run bench`: how fast the service is, against the physical limit of the same machine, in
 * the same run. See bench/README.md for what is measured and how.
 *
 *   npm run bench                      embedded PGlite, 100,000 cases
 *   DATABASE_URL=postgres://…/bench_x npm run bench   real PostgreSQL (a database named bench* is dropped and recreated)
 *   npm run bench -- --quick           ≈5,000 cases, short runs (under a minute on a quiet machine)
 *   npm run bench -- --million | --cases N | --connections 16,64 | --pool 8 | --step comment
 *                    | --cpu-prof | --census | --keep | --no-write
 */
import { parseOptions } from './options.ts';
import { report } from './results.ts';
import { runCreate } from './scenarios/create.ts';
import { runCensus } from './scenarios/census.ts';
import { runNotice, runRoster } from './scenarios/documents.ts';
import { summarizeProfile } from './scenarios/profile.ts';
import { runReads } from './scenarios/reads.ts';
import { firstStart, seedData } from './scenarios/seeding.ts';
import { startLive, stopLive } from './scenarios/service.ts';
import { runSteps, stepNote } from './scenarios/steps.ts';
import { setUp, tearDown } from './setup.ts';

async function main(): Promise<void> {
  const b = await setUp(parseOptions(process.argv.slice(2)));
  try {
    const startupFirstMs = await firstStart(b);
    const seeded = await seedData(b);
    const live = await startLive(b, seeded);
    const loadStartMs = performance.now();
    const stepPairings = await runSteps(b, seeded, live);
    const reads = await runReads(b, seeded, live);
    const createPairings = await runCreate(b, seeded, live);
    const rss = await stopLive(live);
    const census = await runCensus(b, seeded, live, reads);
    const notice = await runNotice(b);
    const roster = await runRoster(b);
    const profile = summarizeProfile(b, live.startupMs, loadStartMs - live.svcSpawnedAt);
    report(b, {
      seeded, startupFirstMs, startupMs: live.startupMs, readyRssMb: live.svc.readyRssMb, stepNote: stepNote(b),
      stepPairings, createPairings, reads, rss, census, notice, roster, profile,
    });
  } finally {
    tearDown(b);
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
