import autocannon from 'autocannon';
import { summarize, type LatencySummary } from './stats.ts';

/** What one load run does with its items (a case to step, a person to open a case for). */
export interface LoadJob<T> {
  /** The next free item; undefined when the supply is exhausted. */
  take(): T | undefined;
  request(item: T): { method: 'POST' | 'GET'; path: string; body?: string };
  /** Called with every response; returns true when it counts (2xx) and puts the item back if it can be reused. */
  done(item: T, status: number, body: string): boolean;
}

export interface LoadResult {
  connections: number;
  ok: number;
  errors: number;
  statusCounts: Record<string, number>;
  elapsedS: number;
  perSecond: number;
  latency: LatencySummary;
  exhausted: boolean;
  clientCpuMs: number;
  firstError?: string;
}

interface Ctx { item?: unknown; t?: number }

/**
 * Closed-loop load through the real HTTP server with autocannon: `connections` keep-alive
 * connections, one request in flight on each. Each request is built when it is sent (current
 * expectedVersion, a fresh person), latency is timed per request here with sub-millisecond
 * resolution, and only 2xx responses count.
 */
export async function httpLoad<T>(o: {
  baseUrl: string; cookie: string; connections: number; durationS: number; job: LoadJob<T>;
}): Promise<LoadResult> {
  const latencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  let ok = 0; let errors = 0; let exhausted = false;
  let firstError: string | undefined;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await autocannon({
    url: o.baseUrl,
    connections: o.connections,
    pipelining: 1,
    duration: o.durationS,
    timeout: 30,
    // A cookie write needs the proof a script sent it, as every API client gives (ADR 0006).
    headers: { 'content-type': 'application/json', cookie: o.cookie, 'accept-language': 'zh-CN', 'x-requested-with': 'bench' },
    requests: [{
      method: 'POST',
      setupRequest: ((req: Record<string, unknown>, ctx: Ctx) => {
        const item = o.job.take();
        if (item === undefined) {
          exhausted = true;
          ctx.item = undefined;
          return { ...req, method: 'GET', path: '/health', body: undefined };
        }
        const r = o.job.request(item);
        ctx.item = item;
        ctx.t = performance.now();
        return { ...req, method: r.method, path: r.path, body: r.body };
      }) as never,
      onResponse: ((status: number, body: string, ctx: Ctx) => {
        if (ctx.item === undefined) return;
        const elapsed = performance.now() - ctx.t!;
        statusCounts[status] = (statusCounts[status] ?? 0) + 1;
        if (o.job.done(ctx.item as T, status, body)) {
          ok++;
          latencies.push(elapsed);
        } else {
          errors++;
          firstError ??= `${status} ${body.slice(0, 300)}`;
        }
      }) as never,
    }],
  });
  const elapsedS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  errors += result.errors + result.timeouts;
  return {
    connections: o.connections, ok, errors, statusCounts, elapsedS, perSecond: ok / elapsedS,
    latency: summarize(latencies), exhausted, clientCpuMs: (cpu.user + cpu.system) / 1000,
    ...(firstError ? { firstError } : {}),
  };
}

/** A FIFO of reusable items: an item is out while its request is in flight, so no two requests race for one case. */
export class ItemQueue<T> {
  private items: T[];
  private head = 0;
  constructor(items: T[]) {
    this.items = [...items];
  }
  take(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++]!;
    if (this.head > 65_536 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
  put(item: T): void {
    this.items.push(item);
  }
  get size(): number {
    return this.items.length - this.head;
  }
}
