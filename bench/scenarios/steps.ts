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
export async function runSteps(b: Bench, s: Seeded, live: Live): Promise<Pairing[]> {
  const { o, databaseUrl } = b;
  const { svc, clerk } = live;
  // The baseline stepped the same cases: the service goes on from the versions it left.
  const adoptVersions = (out: BaselineOutput) => {
    const byId = new Map(out.stepPool.map((c) => [c.id, c.version]));
    for (const c of s.stepPool) c.version = byId.get(c.id) ?? c.version;
  };
  const pairings: Pairing[] = [];
  for (const [i, c] of o.connections.entries()) {
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
