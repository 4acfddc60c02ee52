import type { BaselineOutput, BaselineRunResult } from '../baseline.ts';
import { refreshVersions, serviceLoad, stepJob, type Pairing } from '../load-jobs.ts';
import { log } from '../paths.ts';
import type { Bench } from '../setup.ts';
import type { Seeded } from './seeding.ts';
import type { Live } from './service.ts';

export function stepNote(b: Bench): string {
  return b.o.stepKind === 'machine'
    ? 'machine self-transition sent by the district clerk (COORDINATE, CONFIRM_YEAR, RECORD_ALLOWANCE on cases in states that loop): role/level check, ajv form validation, xstate transition, snapshot rewrite, history append'
    : 'administrative act COMMENT by the district clerk: same locked, versioned write and history append, no machine step';
}

/** Steps through the API at each connection count, each beside its baseline run. */
export async function runSteps(b: Bench, s: Seeded, live: Live, connections = b.o.connections): Promise<Pairing[]> {
  const { o, databaseUrl } = b;
  const { svc, clerk } = live;
  // The baseline stepped the same cases: the service goes on from the versions it left.
  const adoptVersions = (out: BaselineOutput) => {
    const byId = new Map(out.stepPool.map((c) => [c.id, c.version]));
    for (const c of s.stepPool) c.version = byId.get(c.id) ?? c.version;
  };
  const pairings: Pairing[] = [];
  for (const [i, c] of connections.entries()) {
    let baseline: BaselineRunResult;
    if (databaseUrl) {
      const out = await live.pgBaseline([{ kind: 'steps', connections: c, warmupS: o.warmupS, durationS: o.stepS }]);
      adoptVersions(out);
      baseline = out.results[0]!;
    } else {
      baseline = s.embeddedBaseline.filter((r) => r.kind === 'steps')[i]!;
    }
    const job = stepJob(o.stepKind, o.stepApi, s.stepPool);
    const service = await serviceLoad(svc, clerk, c, o.stepS, job, live.monitor);
    await refreshVersions(svc.baseUrl, clerk, job.inFlight);
    pairings.push({ connections: c, service, baseline });
    log(`steps @${c}: service ${service.perSecond.toFixed(0)}/s (p50 ${service.latency.p50Ms} ms, p99 ${service.latency.p99Ms} ms${service.errors ? `, ${service.errors} non-2xx` : ''}) | baseline ${baseline.perSecond.toFixed(0)}/s (p50 ${baseline.latency.p50Ms}, p99 ${baseline.latency.p99Ms} ms) | ratio ${(service.perSecond / baseline.perSecond).toFixed(2)}`);
  }
  return pairings;
}

export interface DepthResult {
  connections: number;
  /** Mean history entries of the step pool's cases at the start, and of the deep ones. */
  shallowEntries: number;
  deepEntries: number;
  shallow: number;
  deep: number;
  /** deep / shallow steps per second: 1 when a step's cost does not grow with the case's history. */
  ratio: number | null;
  shallowP99Ms: number | null;
  deepP99Ms: number | null;
  errors: number;
}

/**
 * A step's cost against the case's history: the step pool's cases (a few entries each) and cases with
 * 50 entries, stepped by the service @16 in turns (short, deep, short, deep; half the step duration each),
 * so both see the same machine.
 */
export async function runDepth(b: Bench, s: Seeded, live: Live): Promise<DepthResult | null> {
  const { o } = b;
  const deepPool = s.prepared.seeded.deepPool;
  const c = o.connections.includes(16) ? 16 : o.connections[0]!;
  if (deepPool.length < 4 * c) return null;
  const mean = (xs: { version: number }[]) => Math.round((xs.reduce((a, x) => a + x.version, 0) / xs.length) * 10) / 10;
  const shallowEntries = mean(s.stepPool);
  const deepEntries = mean(deepPool);
  const sum = { shallow: { ok: 0, s: 0, p99: [] as number[] }, deep: { ok: 0, s: 0, p99: [] as number[] } };
  let errors = 0;
  for (const kind of ['shallow', 'deep', 'shallow', 'deep'] as const) {
    const job = stepJob(o.stepKind, o.stepApi, kind === 'deep' ? deepPool : s.stepPool);
    const r = await serviceLoad(live.svc, live.clerk, c, o.stepS / 2, job, undefined);
    await refreshVersions(live.svc.baseUrl, live.clerk, job.inFlight);
    sum[kind].ok += r.ok;
    sum[kind].s += r.elapsedS;
    if (r.latency.p99Ms !== null) sum[kind].p99.push(r.latency.p99Ms);
    errors += r.errors;
  }
  const perS = (k: 'shallow' | 'deep') => (sum[k].s > 0 ? sum[k].ok / sum[k].s : 0);
  const result = {
    connections: c, shallowEntries, deepEntries, shallow: Math.round(perS('shallow')), deep: Math.round(perS('deep')),
    ratio: perS('shallow') > 0 ? Math.round((perS('deep') / perS('shallow')) * 1000) / 1000 : null,
    shallowP99Ms: sum.shallow.p99.length ? Math.max(...sum.shallow.p99) : null,
    deepP99Ms: sum.deep.p99.length ? Math.max(...sum.deep.p99) : null, errors,
  };
  log(`history depth @${c}: ${result.shallow}/s on cases with ${shallowEntries} entries, ${result.deep}/s with ${deepEntries} | ratio ${result.ratio}`);
  return result;
}
