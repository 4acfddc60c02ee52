import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pairing } from './load-jobs.ts';
import type { NoticeResult } from './notice.ts';
import { benchDir, log, outDir, repoRoot } from './paths.ts';
import { headline, printTable, readFigures } from './report.ts';
import type { RosterResult } from './roster.ts';
import type { CensusResult } from './scenarios/census.ts';
import { CREATE_NOTE } from './scenarios/create.ts';
import type { Profile } from './scenarios/profile.ts';
import type { Reads } from './scenarios/reads.ts';
import type { Seeded } from './scenarios/seeding.ts';
import type { Bench } from './setup.ts';
import { round } from './stats.ts';

/** Everything the scenarios measured, to be reported. */
export interface Measured {
  seeded: Seeded;
  startupFirstMs: number;
  startupMs: number;
  readyRssMb: number | null;
  stepNote: string;
  stepPairings: Pairing[];
  createPairings: Pairing[];
  reads: Reads;
  rss: { rssHwm: number | null; rssSampled: number };
  census: CensusResult | null;
  notice: NoticeResult;
  roster: RosterResult;
  profile: Profile | null;
}

/** 5. Report: results.json's figures, then the targets they are held to. */
function results(b: Bench, m: Measured) {
  const { o, databaseUrl, databaseKind, cores } = b;
  const { seeded, databaseVersion, probes } = m.seeded.prepared;
  const { overdue, town, district, openList, personFile, chain } = m.reads;
  const { rssHwm, rssSampled } = m.rss;
  const censusResult = m.census;
  const profile = m.profile;
  const steps = headline(m.stepNote, m.stepPairings);
  const create = headline(CREATE_NOTE, m.createPairings);
  const r = {
    benchmark: 'npm run bench',
    date: new Date().toISOString().slice(0, 10),
    mode: o.quick ? 'quick' : 'full',
    machine: {
      cores, cpu: os.cpus()[0]?.model.trim() ?? 'unknown', memoryGb: round(os.totalmem() / 2 ** 30, 1), node: process.version, os: `${os.platform()} ${os.release()} ${os.arch()}`,
      // Other work on the machine during the run (1-minute load average at start and end): above the
      // core count, figures are noisy.
      loadAverage: [round(b.loadAtStart, 1), round(os.loadavg()[0]!, 1)],
    },
    database: databaseKind,
    databaseVersion: databaseUrl ? databaseVersion : `PGlite (${databaseVersion})`,
    poolSize: o.pool,
    cases: seeded.cases,
    data: {
      persons: seeded.persons, stations: seeded.stations, items: seeded.workflowsUsed,
      openCases: seeded.openCases, overdueCases: seeded.overdueCases,
      historyEntries: seeded.events, relations: seeded.relations, stepCases: m.seeded.stepPool.length,
      seedS: round(seeded.seedMs / 1000, 1),
    },
    steps,
    create,
    overdueList: {
      route: m.reads.overdueRoute, station: 'village (rotating over all)', p50Ms: overdue.p50Ms, p99Ms: overdue.p99Ms, avgKb: overdue.avgKb, errors: overdue.errors,
      town: { p50Ms: town.p50Ms, p99Ms: town.p99Ms }, district: { p50Ms: district.p50Ms, p99Ms: district.p99Ms },
      sqlP50Ms: probes.overdue.p50Ms, sqlP99Ms: probes.overdue.p99Ms, sqlNoIndexP50Ms: probes.overdueNoIndex.p50Ms,
      openListVillage: { route: 'GET /api/v1/cases?status=open&stationId=<village>&limit=50', p50Ms: openList.p50Ms, p99Ms: openList.p99Ms },
    },
    personFile: readFigures('GET /api/v1/persons/:id', personFile),
    personChain: readFigures('GET /api/v1/persons/:id/chain', chain),
    notice: m.notice,
    roster: m.roster,
    rssMb: round(rssHwm ?? rssSampled, 0),
    rssSampledUnderLoadMb: round(rssSampled, 0),
    rssAtReadyMb: round(m.readyRssMb, 0),
    startupMs: round(m.startupMs, 0),
    startupFirstMs: round(m.startupFirstMs, 0),
    ...(m.seeded.baselineBootMs !== null ? { embeddedBootMs: round(m.seeded.baselineBootMs, 0) } : {}),
    census: censusResult ? {
      baselineStatementsPerStep: 5, startupStatements: censusResult.startupStatements,
      requests: censusResult.lines.map((l) => ({ ...l, top: l.top.slice(0, 6) })),
    } : null,
    targets: [] as { target: string; value: number | null; limit: string; met: boolean | null; note?: string }[],
    notes: b.notes,
    ...(profile
      ? {
          profile: {
            startup: { ...profile.startup, spots: profile.startup.spots.slice(0, 10) },
            load: { ...profile.load, spots: profile.load.spots.slice(0, 10) },
          },
        }
      : {}),
  };
  const isPg = databaseKind === 'postgresql';
  const t = (target: string, value: number | null, limit: string, met: boolean | null, note?: string) =>
    r.targets.push({ target, value, limit, met: value === null ? null : met, ...(note ? { note } : {}) });
  t('steps/s vs bare-pg baseline @16', steps.ratio, '≥ 0.75', steps.ratio !== null && steps.ratio >= 0.75);
  t('step p99 @16 (ms)', steps.p99Ms, '< 30', steps.p99Ms !== null && steps.p99Ms < 30);
  t('throughput at 1,000,000 cases vs 10,000', null, 'within 10%', null, 'compare two runs: --cases 10000 and --million (bench/out/results-<db>-<cases>.json)');
  t('overdue list p99 through the API (ms)', overdue.p99Ms, '< 15 at 1,000,000 cases', overdue.p99Ms !== null && overdue.p99Ms < 15, seeded.cases < 1_000_000 ? `measured at ${seeded.cases.toLocaleString('en')} cases` : undefined);
  t('notice median (ms)', m.notice.ms, '< 25', m.notice.ms !== null && m.notice.ms < 25);
  t('notice size (KB)', m.notice.kb, '< 150', m.notice.kb !== null && m.notice.kb < 150);
  t(`roster import at ${m.roster.rows.toLocaleString('en')} rows (rows/s)`, m.roster.rowsPerSecond, 'reported', null);
  t('RSS under load (MB)', r.rssMb, isPg ? '< 300' : '< 300 (the target is for PostgreSQL; embedded includes PGlite)', isPg ? r.rssMb !== null && r.rssMb < 300 : null);
  t('start-up to ready (ms)', r.startupMs, isPg ? '< 1500' : '< 4000 (second start)', r.startupMs !== null && r.startupMs < (isPg ? 1500 : 4000));
  return r;
}

/** The table on the console, bench/out/results-<db>-<cases>.json, the size comparison and bench/results.json. */
export function report(b: Bench, m: Measured): void {
  const r = results(b, m);
  const { databaseKind } = b;
  printTable(r);
  const json = `${JSON.stringify(r, null, 2)}\n`;
  writeFileSync(path.join(outDir, `results-${databaseKind}-${r.cases}.json`), json);
  // Throughput against size: every size run of this database kind kept in bench/out (the 1,000,000 vs 10,000 target).
  const sizes = readdirSync(outDir).map((f) => new RegExp(`^results-${databaseKind}-(\\d+)\\.json$`).exec(f)).filter((x): x is RegExpExecArray => x !== null)
    .map((x) => JSON.parse(readFileSync(path.join(outDir, x[0]), 'utf8')) as { cases: number; date: string; steps: { service: number; baseline: number } })
    .sort((a, c) => a.cases - c.cases);
  if (sizes.length > 1) {
    console.log(`steps/s @16 by size (${databaseKind}, bench/out): ${sizes.map((s) => `${s.cases.toLocaleString('en')}: ${s.steps.service} (baseline ${s.steps.baseline}, ${s.date})`).join('; ')}`);
  }
  if (b.o.write) {
    writeFileSync(path.join(benchDir, 'results.json'), json);
    log('wrote bench/results.json');
  }
  log(`EXPLAIN plans in ${path.relative(repoRoot, m.seeded.explainFile)}; service log in ${path.relative(repoRoot, b.logFile)}`);
}
