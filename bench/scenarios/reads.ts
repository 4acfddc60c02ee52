import { log } from '../paths.ts';
import { sampleReads, type ReadResult } from '../reads.ts';
import type { Bench } from '../setup.ts';
import type { Seeded } from './seeding.ts';
import type { Live } from './service.ts';

export interface Reads {
  overdueRoute: string;
  overduePaths: string[];
  overdue: ReadResult;
  town: ReadResult;
  district: ReadResult;
  openList: ReadResult;
  personFile: ReadResult;
  hasChain: boolean;
  chain: ReadResult | null;
}

async function probe(baseUrl: string, cookie: string, p: string): Promise<boolean> {
  const res = await fetch(`${baseUrl}${p}`, { headers: { cookie } });
  await res.arrayBuffer();
  return res.status === 200;
}

/** Reads on the seeded data (before case creation adds to it), one request at a time. */
export async function runReads(b: Bench, s: Seeded, live: Live): Promise<Reads> {
  const { o } = b;
  const { svc, supervisor } = live;
  const { seeded } = s.prepared;
  log('reads: the overdue list of a station (supervisor), the person file and chain');
  const readSamples = { samples: o.samples, warmup: 20 };
  const villagePaths = seeded.villages.map((v) => `/api/v1/cases?status=open&stationId=${v.id}&limit=50`);
  const v0 = seeded.villages[0]!.id;
  const overdueRoute = (await probe(svc.baseUrl, supervisor, `/api/v1/cases?due=overdue&stationId=${v0}&limit=50`))
    ? 'GET /api/v1/cases?due=overdue&stationId=<village>&limit=50' : 'GET /api/v1/cases?status=open&stationId=<village>&limit=50';
  const overduePaths = overdueRoute.includes('due=overdue') ? seeded.villages.map((v) => `/api/v1/cases?due=overdue&stationId=${v.id}&limit=50`) : villagePaths;
  if (!overdueRoute.includes('due=overdue')) b.notes.push('No overdue filter on GET /api/v1/cases in this tree: overdueList times the open-case list of one village station (newest first, 50), the closest route; overdueList.sqlP50Ms/sqlP99Ms time the overdue query itself.');
  const overdue = await sampleReads({ baseUrl: svc.baseUrl, cookie: supervisor, paths: overduePaths, ...readSamples });
  const listOf = (station: string | null) => (overdueRoute.includes('due=overdue') ? `/api/v1/cases?due=overdue&limit=50` : '/api/v1/cases?status=open&limit=50') + (station ? `&stationId=${station}` : '');
  const town = await sampleReads({
    baseUrl: svc.baseUrl, cookie: supervisor, paths: seeded.towns.map(listOf),
    samples: Math.ceil(o.samples / 5), warmup: 5,
  });
  const district = await sampleReads({
    baseUrl: svc.baseUrl, cookie: supervisor, paths: [listOf(null)], samples: Math.ceil(o.samples / 5), warmup: 5,
  });
  const openList = overdueRoute.includes('due=overdue') ? await sampleReads({ baseUrl: svc.baseUrl, cookie: supervisor, paths: villagePaths, samples: Math.ceil(o.samples / 2), warmup: 5 }) : overdue;
  const personFile = await sampleReads({ baseUrl: svc.baseUrl, cookie: supervisor, paths: seeded.chainPersons.map((id) => `/api/v1/persons/${id}`), ...readSamples });
  const hasChain = await probe(svc.baseUrl, supervisor, `/api/v1/persons/${seeded.chainPersons[0]}/chain`);
  const chain = hasChain ? await sampleReads({ baseUrl: svc.baseUrl, cookie: supervisor, paths: seeded.chainPersons.map((id) => `/api/v1/persons/${id}/chain`), ...readSamples }) : null;
  if (!hasChain) b.notes.push('No GET /api/v1/persons/:id/chain in this tree: personChain is null; personFile times the person file (details, relations, all cases).');
  log(`  overdue list@village p50 ${overdue.p50Ms} ms p99 ${overdue.p99Ms} ms; person file p50 ${personFile.p50Ms} ms p99 ${personFile.p99Ms} ms${chain ? `; chain p50 ${chain.p50Ms} ms p99 ${chain.p99Ms} ms` : ''}`);
  return { overdueRoute, overduePaths, overdue, town, district, openList, personFile, hasChain, chain };
}
