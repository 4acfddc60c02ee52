import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { census } from '../census.ts';
import { log, outDir } from '../paths.ts';
import type { Bench } from '../setup.ts';
import { stepBody, stepPath } from '../workload.ts';
import type { Reads } from './reads.ts';
import type { Seeded } from './seeding.ts';
import type { Live } from './service.ts';

/** The census lines of the two page views held to < 50 KB from the database. */
export const PAGE_VIEWS = { home: 'GET / (clerk home page)', supervision: 'GET /supervision' } as const;

export type CensusResult = Awaited<ReturnType<typeof census>>;

/** Statement census through a counting proxy (real PostgreSQL only). */
export async function runCensus(b: Bench, s: Seeded, live: Live, reads: Reads): Promise<CensusResult | null> {
  const { o, databaseUrl } = b;
  if (!databaseUrl || !o.census) return null;
  log('statement census: the service once more, its database connection through a counting proxy');
  const pairs = live.nextPairs();
  const cases = s.stepPool.slice(0, 11);
  const { chainPersons } = s.prepared.seeded;
  const chain = reads.hasChain ? chainPersons : [];
  const result = await census({ ...b.common, databaseUrl }, [
    {
      name: `POST /api/${o.stepApi}/cases/:id/events (step)`, as: 'clerk',
      send: (i) => ({
        path: stepPath(o.stepApi, cases[i]!.id),
        body: JSON.stringify({ ...stepBody(o.stepKind, cases[i]!.workflowId), expectedVersion: cases[i]!.version++ }),
      }),
    },
    { name: 'POST /api/v1/cases (create)', as: 'clerk', send: (i) => ({ path: '/api/v1/cases', body: JSON.stringify(pairs[i]) }) },
    { name: 'GET overdue list (village)', as: 'supervisor', send: () => ({ path: reads.overduePaths[0]! }) },
    ...(chain.length ? [{ name: 'GET /api/v1/persons/:id/chain', as: 'supervisor' as const, send: (i: number) => ({ path: `/api/v1/persons/${chain[i % chain.length]}/chain` }) }] : []),
    // The pages the issue holds to < 50 KB read from the database per view.
    { name: PAGE_VIEWS.home, as: 'clerk', send: () => ({ path: '/' }) },
    { name: PAGE_VIEWS.supervision, as: 'supervisor', send: () => ({ path: '/supervision' }) },
  ]);
  writeFileSync(path.join(outDir, 'census.json'), `${JSON.stringify(result, null, 2)}\n`);
  for (const l of result.lines) log(`  ${l.request}: ${l.statements} statements, ${l.kbFromDb} KB from the database, ${l.responseKb} KB response`);
  return result;
}
