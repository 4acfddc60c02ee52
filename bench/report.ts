import type { NoticeResult } from './notice.ts';
import type { Pairing } from './load-jobs.ts';
import type { ReadResult } from './reads.ts';
import { round } from './stats.ts';

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

export function headline(kindNote: string, pairings: Pairing[]) {
  const runs = pairings.map(pairingFigures);
  const main = runs.find((r) => r.connections === 16) ?? runs[0]!;
  return {
    kind: kindNote, connections: main.connections, service: main.service, baseline: main.baseline, ratio: main.ratio,
    p50Ms: main.p50Ms, p99Ms: main.p99Ms, baselineP50Ms: main.baselineP50Ms, baselineP99Ms: main.baselineP99Ms, runs,
  };
}

export function readFigures(route: string | null, r: ReadResult | null) {
  if (!r || !route) return null;
  return {
    route, p50Ms: r.p50Ms, p99Ms: r.p99Ms, meanMs: r.meanMs, samples: r.count, errors: r.errors, avgKb: r.avgKb,
    ...(r.firstError ? { firstError: r.firstError } : {}),
  };
}

function fmt(v: number | null | undefined, digits = 1): string {
  if (v === null || v === undefined) return '—';
  return v.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function printTable(r: {
  machine: { cores: number; loadAverage: (number | null)[] }; database: string; wallS: number | null;
  sizes: {
    runs: {
      cases: number; service: number | null; baseline: number | null; ratio: number | null; p99Ms: number | null;
    }[];
    throughputRatio: number | null;
  } | null;
  historyDepth: {
    shallowEntries: number; deepEntries: number; shallow: number; deep: number;
    ratio: number | null; deepP99Ms: number | null;
  } | null;
  census: { pageViews: Record<'home' | 'supervision', { request: string; statements: number; kbFromDb: number } | null> | null } | null; databaseVersion: string; cases: number; poolSize: number;
  steps: ReturnType<typeof headline>; create: ReturnType<typeof headline>;
  overdueList: {
    route: string; openListVillage: { p50Ms: number | null; p99Ms: number | null };
    p50Ms: number | null; p99Ms: number | null;
    sqlP50Ms: number | null; sqlP99Ms: number | null; sqlNoIndexP50Ms: number | null;
    sqlTown: { p50Ms: number | null; p99Ms: number | null };
    sqlDistrict: { p50Ms: number | null; p99Ms: number | null };
    indexesUsed: Record<'village' | 'town' | 'district', string[]>;
    town: { p50Ms: number | null; p99Ms: number | null }; district: { p50Ms: number | null; p99Ms: number | null };
  };
  personFile: { p50Ms: number | null; p99Ms: number | null } | null;
  personChain: { p50Ms: number | null; p99Ms: number | null } | null;
  notice: NoticeResult; rssMb: number | null; startupMs: number | null; startupFirstMs: number | null;
  targets: { target: string; value: number | null; limit: string; met: boolean | null }[];
}): void {
  const rows: string[][] = [['figure', 'service', 'baseline', 'ratio', 'p50 ms', 'p99 ms', 'baseline p50/p99 ms']];
  for (const [name, h] of [['steps/s', r.steps], ['cases created/s', r.create]] as const) {
    for (const run of h.runs) {
      rows.push([`${name} @${run.connections}`, fmt(run.service), fmt(run.baseline), fmt(run.ratio, 2), fmt(run.p50Ms, 2), fmt(run.p99Ms, 2), `${fmt(run.baselineP50Ms, 2)} / ${fmt(run.baselineP99Ms, 2)}`]);
    }
  }
  for (const run of r.sizes?.runs ?? []) {
    rows.push([`steps/s @16, ${run.cases.toLocaleString('en')} cases`, fmt(run.service), fmt(run.baseline), fmt(run.ratio, 2), '', fmt(run.p99Ms, 2), '']);
  }
  if (r.sizes) rows.push(['steps/s, largest vs smallest size', '', '', fmt(r.sizes.throughputRatio, 2), '', '', '']);
  const d = r.historyDepth;
  if (d) rows.push([`steps/s @16, ${d.deepEntries} vs ${d.shallowEntries} entries`, fmt(d.deep), fmt(d.shallow), fmt(d.ratio, 2), '', fmt(d.deepP99Ms, 2), '']);
  const listName = r.overdueList.route.includes('due=overdue') ? 'overdue list' : 'open-case list';
  rows.push([`${listName}, village (API)`, '', '', '', fmt(r.overdueList.p50Ms, 2), fmt(r.overdueList.p99Ms, 2), '']);
  rows.push([`${listName}, town (API)`, '', '', '', fmt(r.overdueList.town.p50Ms, 2), fmt(r.overdueList.town.p99Ms, 2), '']);
  rows.push([`${listName}, district (API)`, '', '', '', fmt(r.overdueList.district.p50Ms, 2), fmt(r.overdueList.district.p99Ms, 2), '']);
  if (listName === 'overdue list') rows.push(['open-case list, village (API)', '', '', '', fmt(r.overdueList.openListVillage.p50Ms, 2), fmt(r.overdueList.openListVillage.p99Ms, 2), '']);
  const used = r.overdueList.indexesUsed;
  rows.push([`overdue query, village (SQL, ${used.village.join('+') || 'no index'})`, '', '', '', fmt(r.overdueList.sqlP50Ms, 2), fmt(r.overdueList.sqlP99Ms, 2), `no index: ${fmt(r.overdueList.sqlNoIndexP50Ms, 2)}`]);
  rows.push([`overdue query, town (SQL, ${used.town.join('+') || 'no index'})`, '', '', '', fmt(r.overdueList.sqlTown.p50Ms, 2), fmt(r.overdueList.sqlTown.p99Ms, 2), '']);
  rows.push([`overdue query, district (SQL, ${used.district.join('+') || 'no index'})`, '', '', '', fmt(r.overdueList.sqlDistrict.p50Ms, 2), fmt(r.overdueList.sqlDistrict.p99Ms, 2), '']);
  for (const v of Object.values(r.census?.pageViews ?? {})) {
    if (v) rows.push([`${v.request}: KB from the database`, fmt(v.kbFromDb), '', '', '', '', `${fmt(v.statements)} statements`]);
  }
  if (r.personFile) rows.push(['person file (API)', '', '', '', fmt(r.personFile.p50Ms, 2), fmt(r.personFile.p99Ms, 2), '']);
  if (r.personChain) rows.push(['person chain (API)', '', '', '', fmt(r.personChain.p50Ms, 2), fmt(r.personChain.p99Ms, 2), '']);
  const n = r.notice;
  rows.push(['notice render (ms, KB)', n.ms === null ? 'n/a' : `${fmt(n.ms, 2)} ms ${fmt(n.kb)} KB`, n.baselineMs === null ? '' : `${fmt(n.baselineMs, 2)} ms ${fmt(n.baselineKb)} KB`, fmt(n.ratio, 2), fmt(n.ms, 2), fmt(n.p99Ms, 2), '']);
  rows.push(['peak RSS (MB)', fmt(r.rssMb, 0), '', '', '', '', '']);
  rows.push(['start-up to /ready (ms)', `${fmt(r.startupMs, 0)} (first ${fmt(r.startupFirstMs, 0)})`, '', '', '', '', '']);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => [...row[i]!].length)));
  const line = (row: string[]) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log();
  console.log(`${r.cases.toLocaleString('en')} cases · ${r.database} (${r.databaseVersion}) · pool ${r.poolSize} · ${r.machine.cores} cores · load average ${r.machine.loadAverage.map((x) => fmt(x)).join(' → ')} · ${fmt(r.wallS, 0)} s`);
  console.log(line(rows[0]!));
  console.log(widths.map((w) => '─'.repeat(w)).join('  '));
  for (const row of rows.slice(1)) console.log(line(row));
  console.log();
  console.log('targets:');
  for (const tg of r.targets) console.log(`  ${tg.met === null ? '·' : tg.met ? '✓' : '✗'} ${tg.target}: ${fmt(tg.value, 2)} (${tg.limit})`);
  console.log();
}
