import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pairing } from './load-jobs.ts';
import type { NoticeResult } from './notice.ts';
import { benchDir, log, outDir, repoRoot } from './paths.ts';
import { headline, printTable, readFigures } from './report.ts';
import type { RosterResult } from './roster.ts';
import { CREATE_NOTE } from './scenarios/create.ts';
import { PAGE_VIEWS, type CensusResult } from './scenarios/census.ts';
import type { Profile } from './scenarios/profile.ts';
import type { Reads } from './scenarios/reads.ts';
import type { Seeded } from './scenarios/seeding.ts';
import type { DepthResult } from './scenarios/steps.ts';
import type { Bench } from './setup.ts';
import { round } from './stats.ts';

/** Steps @16 at one size of a database that grows in the run (--sizes). */
export interface SizeRun {
  cases: number;
  pairing: Pairing;
  loadAverage: number;
}

/** Everything the scenarios measured, to be reported. */
export interface Measured {
  seeded: Seeded;
  startupFirstMs: number;
  startupMs: number;
  readyRssMb: number | null;
  stepNote: string;
  stepPairings: Pairing[];
  createPairings: Pairing[];
  sizeRuns: SizeRun[];
  depth: DepthResult | null;
  /** The whole run, from the process's start. */
  wallS: number;
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
  const steps = { route: `POST /api/${o.stepApi}/cases/:id/events`, ...headline(m.stepNote, m.stepPairings) };
  const create = headline(CREATE_NOTE, m.createPairings);
  const sizeRuns = m.sizeRuns.map(({ cases, pairing: { service, baseline }, loadAverage }) => ({
    cases, service: round(service.perSecond, 1), baseline: round(baseline.perSecond, 1),
    ratio: baseline.perSecond > 0 ? round(service.perSecond / baseline.perSecond, 3) : null,
    p99Ms: service.latency.p99Ms, loadAverage: round(loadAverage, 1),
  }));
  const [smallest, largest] = [sizeRuns[0], sizeRuns.at(-1)];
  const sizes = smallest && largest && smallest !== largest ? {
    connections: 16, runs: sizeRuns,
    // The service at the largest size against itself at the smallest, same run; and the same for its ratio to the
    // baseline (which also steps both sizes), steadier when the machine's load changes between them.
    throughputRatio: round(largest.service! / smallest.service!, 3),
    baselineRatioChange: largest.ratio !== null && smallest.ratio ? round(largest.ratio / smallest.ratio, 3) : null,
  } : null;
  const page = (name: string) => m.census?.lines.find((l) => l.request === name) ?? null;
  const pageViews = m.census ? {
    home: page(PAGE_VIEWS.home), supervision: page(PAGE_VIEWS.supervision),
  } : null;
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
    wallS: round(m.wallS, 1),
    steps,
    create,
    sizes,
    historyDepth: m.depth,
    overdueList: {
      route: m.reads.overdueRoute, station: 'village (rotating over all)', p50Ms: overdue.p50Ms, p99Ms: overdue.p99Ms, avgKb: overdue.avgKb, errors: overdue.errors,
      town: { p50Ms: town.p50Ms, p99Ms: town.p99Ms }, district: { p50Ms: district.p50Ms, p99Ms: district.p99Ms },
      sqlP50Ms: probes.overdue.p50Ms, sqlP99Ms: probes.overdue.p99Ms, sqlNoIndexP50Ms: probes.overdueNoIndex.p50Ms,
      sqlTown: { p50Ms: probes.overdueTown.p50Ms, p99Ms: probes.overdueTown.p99Ms },
      sqlDistrict: { p50Ms: probes.overdueDistrict.p50Ms, p99Ms: probes.overdueDistrict.p99Ms },
      indexesUsed: probes.overdueIndexes,
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
      baselineStatementsPerStep: 5, startupStatements: censusResult.startupStatements, pageViews,
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
  const at64 = r.steps.runs.find((x) => x.connections === 64);
  const atCases = seeded.cases < 1_000_000 ? `measured at ${seeded.cases.toLocaleString('en')} cases` : undefined;
  t('steps/s vs bare-pg baseline @16', steps.ratio, '≥ 0.75', steps.ratio !== null && steps.ratio >= 0.75);
  t('steps/s vs bare-pg baseline @64', at64?.ratio ?? null, '≥ 0.75 (no worse than the floor @16)', at64?.ratio != null && at64.ratio >= 0.75);
  t('step p99 @16 (ms)', steps.p99Ms, '< 30', steps.p99Ms !== null && steps.p99Ms < 30);
  t('cases created/s vs bare-pg baseline @16', create.ratio, '≥ 0.5', create.ratio !== null && create.ratio >= 0.5);
  t(`steps/s at ${largest?.cases.toLocaleString('en') ?? '1,000,000'} cases vs ${smallest?.cases.toLocaleString('en') ?? '10,000'}, same run`, sizes?.throughputRatio ?? null, '≥ 0.9 (within 10%, 1,000,000 vs 10,000)',
    sizes !== null && largest!.cases >= 1_000_000 ? sizes.throughputRatio! >= 0.9 : null,
    sizes === null ? 'run with DATABASE_URL=… --sizes 10000,1000000' : largest!.cases < 1_000_000 ? 'the target is for 1,000,000 cases' : undefined);
  t(`steps/s on cases with ${m.depth?.deepEntries ?? 50} history entries vs ${m.depth?.shallowEntries ?? 'a few'}`, m.depth?.ratio ?? null, '≥ 0.9 (within 10%)', m.depth?.ratio != null && m.depth.ratio >= 0.9);
  t('overdue list p99 through the API, village (ms)', overdue.p99Ms, '< 15 at 1,000,000 cases', overdue.p99Ms !== null && overdue.p99Ms < 15, atCases);
  t('overdue list p99 through the API, town (ms)', town.p99Ms, '< 15 at 1,000,000 cases', town.p99Ms !== null && town.p99Ms < 15, atCases);
  t('overdue list p99 through the API, district (ms)', district.p99Ms, '< 15 at 1,000,000 cases', district.p99Ms !== null && district.p99Ms < 15, atCases);
  t('clerk home page, read from the database per view (KB)', pageViews?.home?.kbFromDb ?? null, '< 50', (pageViews?.home?.kbFromDb ?? Infinity) < 50, pageViews ? undefined : 'statement census: PostgreSQL runs');
  t('/supervision, read from the database per view (KB)', pageViews?.supervision?.kbFromDb ?? null, '< 50', (pageViews?.supervision?.kbFromDb ?? Infinity) < 50, pageViews ? undefined : 'statement census: PostgreSQL runs');
  t('notice median (ms)', m.notice.ms, '< 25', m.notice.ms !== null && m.notice.ms < 25);
  t('notice size (KB)', m.notice.kb, '< 150', m.notice.kb !== null && m.notice.kb < 150);
  t(`roster import at ${m.roster.rows.toLocaleString('en')} rows (rows/s)`, m.roster.rowsPerSecond, 'reported', null);
  t('peak RSS under load (MB)', r.rssMb, isPg ? '< 300' : '< 300 (the target is for PostgreSQL; embedded includes PGlite)', isPg ? r.rssMb !== null && r.rssMb < 300 : null);
  t('start-up to ready, second start (ms)', r.startupMs, isPg ? '< 1500' : '< 3000', r.startupMs !== null && r.startupMs < (isPg ? 1500 : 3000));
  if (o.quick && !isPg) t('--quick embedded run, wall time (s)', r.wallS, '< 60', r.wallS !== null && r.wallS < 60);
  return r;
}

/** The table on the console, bench/out/results-<db>-<cases>.json and bench/results.json. */
export function report(b: Bench, m: Measured): void {
  const r = results(b, m);
  const { databaseKind } = b;
  printTable(r);
  const json = `${JSON.stringify(r, null, 2)}\n`;
  writeFileSync(path.join(outDir, `results-${databaseKind}-${r.cases}.json`), json);
  if (b.o.write) {
    writeFileSync(path.join(benchDir, 'results.json'), json);
    log('wrote bench/results.json');
  }
  log(`EXPLAIN plans in ${path.relative(repoRoot, m.seeded.explainFile)}; service log in ${path.relative(repoRoot, b.logFile)}`);
}
