import { countingProxy, newCounters, throughProxy } from './counting-proxy.ts';
import { login, startService, type ServiceOptions } from './service.ts';

/**
 * Statement census (real PostgreSQL only): the service runs once more with its database
 * connection through a counting TCP proxy, and a few requests of each kind are sent one at a
 * time. Counts the statements (Bind or simple Query messages: a named statement is parsed once per
 * connection, then only bound) and bytes per request: the round
 * trips that, more than anything in the process, decide how a step compares to the five
 * statements of the baseline, and the bytes a page view reads from the database.
 */
export interface CensusLine {
  request: string;
  statements: number;
  kbToDb: number;
  kbFromDb: number;
  responseKb: number;
  /** The status of the first request that failed, if any did (its figures are then not the page's). */
  failed?: string;
  top: { perRequest: number; sql: string }[];
}

/** One kind of request the census counts, sent by the district clerk or the supervisor. */
export interface CensusRequest {
  name: string;
  as: 'clerk' | 'supervisor';
  /** The i-th request (0 warms up, 1…n are counted). */
  send: (i: number) => { path: string; body?: string };
}

export async function census(
  svcOpts: ServiceOptions & { databaseUrl: string }, requests: CensusRequest[], n = 10,
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
    const cookies = { clerk, supervisor };
    for (const r of requests) {
      const send = (i: number) => {
        const { path, body } = r.send(i);
        const headers: Record<string, string> = { cookie: cookies[r.as] };
        if (body !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'x-requested-with': 'bench' });
        return fetch(`${svc.baseUrl}${path}`, { method: body === undefined ? 'GET' : 'POST', headers, body });
      };
      await (await send(0)).arrayBuffer();
      c.texts.clear();
      const s0 = c.statements; const o0 = c.bytesOut; const i0 = c.bytesIn;
      let bytes = 0;
      let failed: string | undefined;
      for (let i = 1; i <= n; i++) {
        const res = await send(i);
        bytes += (await res.arrayBuffer()).byteLength;
        if (res.status >= 400) failed ??= `${res.status}`;
      }
      const top = [...c.texts.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([sql, k]) => ({ perRequest: Math.round((k / n) * 10) / 10, sql }));
      lines.push({
        request: r.name, statements: Math.round(((c.statements - s0) / n) * 10) / 10,
        kbToDb: Math.round((c.bytesOut - o0) / n / 102.4) / 10, kbFromDb: Math.round((c.bytesIn - i0) / n / 102.4) / 10,
        responseKb: Math.round(bytes / n / 102.4) / 10, top, ...(failed ? { failed } : {}),
      });
    }
  } finally {
    await svc.stop();
    proxy.close();
  }
  return { startupStatements, lines };
}
