import { countingProxy, newCounters, throughProxy } from './counting-proxy.ts';
import { login, startService, type ServiceOptions } from './service.ts';

/**
 * Statement census (real PostgreSQL only): the service runs once more with its database
 * connection through a counting TCP proxy, and a few requests of each kind are sent one at a
 * time. Counts the statements (Parse or simple Query messages) and bytes per request: the round
 * trips that, more than anything in the process, decide how a step compares to the five
 * statements of the baseline.
 */
export interface CensusLine {
  request: string;
  statements: number;
  kbToDb: number;
  kbFromDb: number;
  responseKb: number;
  top: { perRequest: number; sql: string }[];
}

export interface CensusRequests {
  step: (i: number) => { path: string; body: string };
  create: (i: number) => { path: string; body: string };
  overdueList: string;
  personChain: ((i: number) => string) | null;
}

export async function census(
  svcOpts: ServiceOptions & { databaseUrl: string }, requests: CensusRequests, n = 10,
): Promise<{ startupStatements: number; lines: CensusLine[] }> {
  const c = newCounters();
  const u = new URL(svcOpts.databaseUrl);
  const proxy = await countingProxy({ host: u.hostname, port: Number(u.port || 5432) }, c);
  // Background work (deadline sweeper, notice rendering) off, so only the requests' own statements are counted.
  const svc = await startService({ ...svcOpts, databaseUrl: throughProxy(svcOpts.databaseUrl, proxy), extraEnv: { SWEEP_INTERVAL_SECONDS: '0', NOTICE_SWEEP_SECONDS: '86400' } });
  const startupStatements = c.statements;
  // Wait until nothing more is sent (start-up work that runs after /ready).
  for (let last = -1, i = 0; i < 100 && last !== c.statements; i++) {
    last = c.statements;
    await new Promise((r) => setTimeout(r, 300));
  }
  const lines: CensusLine[] = [];
  try {
    const clerk = await login(svc.baseUrl, 'district-clerk', 'demo1234');
    const supervisor = await login(svc.baseUrl, 'supervisor', 'demo1234');
    const measure = async (name: string, send: (i: number) => Promise<Response>) => {
      await (await send(0)).arrayBuffer();
      c.texts.clear();
      const s0 = c.statements; const o0 = c.bytesOut; const i0 = c.bytesIn;
      let bytes = 0;
      for (let i = 1; i <= n; i++) bytes += (await (await send(i)).arrayBuffer()).byteLength;
      const top = [...c.texts.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([sql, k]) => ({ perRequest: Math.round((k / n) * 10) / 10, sql }));
      lines.push({
        request: name, statements: Math.round(((c.statements - s0) / n) * 10) / 10,
        kbToDb: Math.round((c.bytesOut - o0) / n / 102.4) / 10, kbFromDb: Math.round((c.bytesIn - i0) / n / 102.4) / 10,
        responseKb: Math.round(bytes / n / 102.4) / 10, top,
      });
    };
    const post = (r: { path: string; body: string }) => fetch(`${svc.baseUrl}${r.path}`, { method: 'POST', headers: { cookie: clerk, 'content-type': 'application/json', 'x-requested-with': 'bench' }, body: r.body });
    await measure('POST /api/v1/cases/:id/events (step)', (i) => post(requests.step(i)));
    await measure('POST /api/v1/cases (create)', (i) => post(requests.create(i)));
    await measure('GET overdue list', () => fetch(`${svc.baseUrl}${requests.overdueList}`, { headers: { cookie: supervisor } }));
    if (requests.personChain) {
      const chain = requests.personChain;
      await measure('GET /api/v1/persons/:id/chain', (i) => fetch(`${svc.baseUrl}${chain(i)}`, { headers: { cookie: supervisor } }));
    }
  } finally {
    await svc.stop();
    proxy.close();
  }
  return { startupStatements, lines };
}
