import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { census } from '../census.ts';
import { log, outDir } from '../paths.ts';
import type { Bench } from '../setup.ts';
import { stepBody } from '../workload.ts';
import type { Reads } from './reads.ts';
import type { Seeded } from './seeding.ts';
import type { Live } from './service.ts';

export type CensusResult = Awaited<ReturnType<typeof census>>;

/** Statement census through a counting proxy (real PostgreSQL only). */
export async function runCensus(b: Bench, s: Seeded, live: Live, reads: Reads): Promise<CensusResult | null> {
  const { o, databaseUrl } = b;
  if (!databaseUrl || !o.census) return null;
  log('statement census: the service once more, its database connection through a counting proxy');
  const pairs = live.nextPairs();
  const cases = s.stepPool.slice(0, 11);
  const { chainPersons } = s.prepared.seeded;
  const result = await census({ ...b.common, databaseUrl }, {
    step: (i) => ({ path: `/api/v1/cases/${cases[i]!.id}/events`, body: JSON.stringify({ ...stepBody(o.stepKind, cases[i]!.workflowId), expectedVersion: cases[i]!.version++ }) }),
    create: (i) => ({ path: '/api/v1/cases', body: JSON.stringify(pairs[i]) }),
    overdueList: reads.overduePaths[0]!,
    personChain: reads.hasChain ? (i) => `/api/v1/persons/${chainPersons[i % chainPersons.length]}/chain` : null,
  });
  writeFileSync(path.join(outDir, 'census.json'), `${JSON.stringify(result, null, 2)}\n`);
  for (const l of result.lines) log(`  ${l.request}: ${l.statements} statements, ${l.kbFromDb} KB from the database, ${l.responseKb} KB response`);
  return result;
}
