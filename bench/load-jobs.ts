import type pg from 'pg';
import type { BaselineRunResult } from './baseline.ts';
import { httpLoad, ItemQueue, type LoadJob, type LoadResult } from './http-load.ts';
import type { RunningService } from './service.ts';
import { backendCpu, processCpuMs } from './stats.ts';
import { stepBody, stepPath, type CreatePair, type StepApi, type StepCase, type StepKind } from './workload.ts';

/** Steps through the API; versions are kept on the StepCase objects, shared with the baseline. */
export function stepJob(
  kind: StepKind, api: StepApi, cases: StepCase[],
): LoadJob<StepCase> & { inFlight: Set<StepCase> } {
  const q = new ItemQueue(cases);
  const inFlight = new Set<StepCase>();
  return {
    inFlight,
    take() {
      const c = q.take();
      if (c) inFlight.add(c);
      return c;
    },
    request(c) {
      return { method: 'POST', path: stepPath(api, c.id), body: JSON.stringify({ ...stepBody(kind, c.workflowId), expectedVersion: c.version }) };
    },
    done(c, status, body) {
      inFlight.delete(c);
      q.put(c);
      if (status === 200) {
        c.version++;
        return true;
      }
      if (status === 409) {
        try {
          const v = (JSON.parse(body) as { currentVersion?: number }).currentVersion;
          if (typeof v === 'number') c.version = v;
        } catch { /* keep */ }
      }
      return false;
    },
  };
}

export function createJob(pairs: CreatePair[]): LoadJob<CreatePair> {
  const q = new ItemQueue(pairs);
  return {
    take: () => q.take(),
    request: (p) => ({ method: 'POST', path: '/api/v1/cases', body: JSON.stringify({ workflowId: p.workflowId, personId: p.personId }) }),
    done: (_p, status) => status === 201,
  };
}

/** Cases whose request was cut off at the end of a run may or may not have moved: ask the API. */
export async function refreshVersions(baseUrl: string, cookie: string, cases: Iterable<StepCase>): Promise<void> {
  for (const c of cases) {
    const res = await fetch(`${baseUrl}/api/v1/cases/${c.id}`, { headers: { cookie } });
    const body = await res.json() as { version?: number };
    if (typeof body.version === 'number') c.version = body.version;
  }
}

export interface ServiceRun extends LoadResult {
  serviceCpuMs: number | null;
  dbCpuMs: number | null;
}

export async function serviceLoad<T>(
  svc: RunningService, cookie: string, connections: number, durationS: number, job: LoadJob<T>,
  monitor: pg.Client | undefined,
): Promise<ServiceRun> {
  const db = monitor ? backendCpu((q) => monitor.query<{ pid: number }>(q)) : undefined;
  await db?.start();
  const cpu0 = processCpuMs(svc.pid);
  svc.sampling(true);
  const r = await httpLoad({ baseUrl: svc.baseUrl, cookie, connections, durationS, job });
  svc.sampling(false);
  const cpu1 = processCpuMs(svc.pid);
  const dbCpuMs = db ? await db.stop() : null;
  return { ...r, serviceCpuMs: cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : null, dbCpuMs };
}

export interface Pairing {
  connections: number;
  service: ServiceRun;
  baseline: BaselineRunResult;
}
