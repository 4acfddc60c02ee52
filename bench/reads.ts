import type pg from 'pg';
import { round, summarize, type LatencySummary } from './stats.ts';

export interface ReadResult extends LatencySummary {
  errors: number;
  avgKb: number | null;
  firstError?: string;
}

/**
 * One client, one request at a time (what a supervisor opening a page sees): rotates over the
 * given paths, discards `warmup` requests, then times `samples` of them.
 */
export async function sampleReads(o: {
  baseUrl: string; cookie: string; paths: string[]; samples: number; warmup: number;
}): Promise<ReadResult> {
  const latencies: number[] = [];
  let errors = 0; let bytes = 0;
  let firstError: string | undefined;
  for (let i = 0; i < o.warmup + o.samples; i++) {
    const path = o.paths[i % o.paths.length]!;
    const t = performance.now();
    const res = await fetch(`${o.baseUrl}${path}`, { headers: { cookie: o.cookie, 'accept-language': 'zh-CN' } });
    const body = await res.text();
    const elapsed = performance.now() - t;
    if (i < o.warmup) continue;
    if (res.status >= 200 && res.status < 300) {
      latencies.push(elapsed);
      bytes += Buffer.byteLength(body);
    } else {
      errors++;
      firstError ??= `${res.status} ${path} ${body.slice(0, 200)}`;
    }
  }
  return {
    ...summarize(latencies), errors, avgKb: latencies.length ? round(bytes / latencies.length / 1024, 1) : null,
    ...(firstError ? { firstError } : {}),
  };
}

/**
 * The overdue list: what GET /api/v1/cases?due=overdue[&stationId=…] runs (src/cases/case-list.repository.ts
 * dashboardCases): a station on the partial index cases_open_due_idx, a wide area (a town, the district)
 * on cases_open_due_order_idx in due-date order (migration 20261204T0020).
 */
const OVERDUE_SQL = `select * from cases
  where (station_path = $1 or station_path like $2) and status = 'open' and due_at < now()
  order by due_at, id limit 50`;

/** What GET /api/v1/cases?status=open&stationId=… runs: the open cases of a station, newest first. */
const LIST_SQL = `select * from cases where (station_path = $1 or station_path like $2) and status = $3 order by id desc limit $4`;

function literal(sqlText: string, params: unknown[]): string {
  return sqlText.replace(/\$(\d+)/g, (_, n) => {
    const v = params[Number(n) - 1];
    return typeof v === 'number' ? String(v) : `'${String(v).replaceAll("'", "''")}'`;
  });
}

export interface SqlProbeResult {
  overdue: LatencySummary;
  /** The same query for one town (rotating) and the whole district. */
  overdueTown: LatencySummary;
  overdueDistrict: LatencySummary;
  overdueNoIndex: LatencySummary;
  /** The indexes each scope's plan reads (from EXPLAIN), e.g. { district: ['cases_open_due_order_idx'] }. */
  overdueIndexes: Record<'village' | 'town' | 'district', string[]>;
  explain: string;
}

/** The indexes a plan reads. */
function indexesIn(plan: string): string[] {
  return [...new Set([...plan.matchAll(/Index (?:Only )?Scan(?: Backward)? (?:using|on) (\S+)/g)].map((m) => m[1]!))];
}

/**
 * Times the overdue query straight on the database for a village, a town and the district, and for a
 * village without the partial indexes (dropped inside a transaction that is rolled back), and keeps
 * EXPLAIN (ANALYZE, BUFFERS) of it and of the list query the API runs.
 */
export async function sqlProbes(pool: pg.Pool, villagePaths: string[], samples: number): Promise<SqlProbeResult> {
  const params = (path: string) => [path, `${path}.%`];
  const townOf = (village: string) => village.split('.').slice(0, 2).join('.');
  const townPaths = [...new Set(villagePaths.map(townOf))];
  const time = async (client: pg.Pool | pg.PoolClient, n: number, paths = villagePaths) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const path = paths[i % paths.length]!;
      const t = performance.now();
      await client.query(OVERDUE_SQL, params(path));
      out.push(performance.now() - t);
    }
    return out;
  };
  await time(pool, 20);
  const overdue = summarize(await time(pool, samples));
  const overdueTown = summarize(await time(pool, Math.ceil(samples / 5), townPaths));
  const overdueDistrict = summarize(await time(pool, Math.ceil(samples / 5), ['xinhe']));
  const explainOf = async (client: pg.Pool | pg.PoolClient, text: string, p: unknown[]) =>
    (await client.query(`explain (analyze, buffers) ${literal(text, p)}`)).rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
  const village = villagePaths[0]!;
  const town = townOf(village);
  let explain = '';
  const overdueIndexes = { village: [] as string[], town: [] as string[], district: [] as string[] };
  for (const [scope, label, p] of [['village', 'one village station', village], ['town', 'one town station', town], ['district', 'whole district', 'xinhe']] as const) {
    const plan = await explainOf(pool, OVERDUE_SQL, params(p));
    overdueIndexes[scope] = indexesIn(plan);
    explain += `-- overdue list (GET /api/v1/cases?due=overdue), ${label}\n${plan}\n\n`;
  }
  for (const [label, p] of [['one village station', village], ['one town station', town], ['whole district', 'xinhe']] as const) {
    explain += `-- open-case list (GET /api/v1/cases?status=open), ${label}\n${await explainOf(pool, LIST_SQL, [...params(p), 'open', 50])}\n\n`;
  }
  // Without the partial indexes on open cases (dropped inside a transaction that is rolled back).
  const partial = (await pool.query<{ indexname: string }>(`select indexname from pg_indexes where tablename = 'cases' and indexdef ilike '%where%status%open%'`)).rows.map((r) => r.indexname);
  const client = await pool.connect();
  let overdueNoIndex: LatencySummary;
  try {
    await client.query('begin');
    for (const name of partial) await client.query(`drop index "${name}"`);
    await time(client, 2);
    overdueNoIndex = summarize(await time(client, Math.max(5, Math.floor(samples / 20))));
    explain += `-- overdue list, one village station, without the partial indexes on open cases (${partial.join(', ')}), dropped in a rolled-back transaction\n${await explainOf(client, OVERDUE_SQL, params(village))}\n`;
  } finally {
    await client.query('rollback');
    client.release();
  }
  return { overdue, overdueTown, overdueDistrict, overdueNoIndex, overdueIndexes, explain };
}
