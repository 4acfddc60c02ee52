import type { BaselineRunResult } from '../baseline.ts';
import { createJob, serviceLoad, type Pairing } from '../load-jobs.ts';
import { log } from '../paths.ts';
import type { Bench } from '../setup.ts';
import type { Seeded } from './seeding.ts';
import type { Live } from './service.ts';

export const CREATE_NOTE = 'POST /api/v1/cases by the district clerk for a fresh person and an item they are eligible for (10 items); baseline: lock person, insert case and START entry';

/** Case creation for fresh person × item pairs at each connection count, each beside its baseline run. */
export async function runCreate(b: Bench, s: Seeded, live: Live): Promise<Pairing[]> {
  const { o, databaseUrl } = b;
  const pairings: Pairing[] = [];
  for (const [i, c] of o.connections.entries()) {
    let baseline: BaselineRunResult;
    if (databaseUrl) {
      const out = await live.pgBaseline([{ kind: 'create', connections: c, warmupS: Math.min(1, o.warmupS), durationS: o.createS, slice: 0 }], live.nextPairs());
      baseline = out.results[0]!;
    } else {
      baseline = s.embeddedBaseline.filter((r) => r.kind === 'create')[i]!;
    }
    const service = await serviceLoad(live.svc, live.clerk, c, o.createS, createJob(live.nextPairs()), live.monitor);
    if (service.exhausted || baseline.exhausted) b.notes.push(`case creation @${c} ran out of fresh person × item pairs: the figure is a lower bound`);
    pairings.push({ connections: c, service, baseline });
    log(`create @${c}: service ${service.perSecond.toFixed(0)}/s (p50 ${service.latency.p50Ms} ms, p99 ${service.latency.p99Ms} ms${service.errors ? `, ${service.errors} non-2xx` : ''}) | baseline ${baseline.perSecond.toFixed(0)}/s (p50 ${baseline.latency.p50Ms}, p99 ${baseline.latency.p99Ms} ms) | ratio ${(service.perSecond / baseline.perSecond).toFixed(2)}`);
  }
  return pairings;
}
