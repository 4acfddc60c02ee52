import { readFileSync } from 'node:fs';

/** Latency summary of one run, in milliseconds (nearest-rank percentiles over every sample). */
export interface LatencySummary {
  count: number;
  p50Ms: number | null;
  p99Ms: number | null;
  meanMs: number | null;
  maxMs: number | null;
}

export function round(x: number | null | undefined, digits = 2): number | null {
  if (x === null || x === undefined || !Number.isFinite(x)) return null;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function percentile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function summarize(samples: number[]): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (const s of sorted) sum += s;
  return {
    count: sorted.length,
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    meanMs: round(sorted.length ? sum / sorted.length : null),
    maxMs: round(sorted.length ? sorted[sorted.length - 1]! : null),
  };
}

const TICKS = 100; // USER_HZ on Linux

/** CPU time (user + system) a process has used, in ms; null when it is gone or /proc is absent. */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
  } catch {
    return null;
  }
}

/** Resident set size and its high-water mark, in MB, from /proc/<pid>/status. */
export function processMemoryMb(pid: number): { rss: number; hwm: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/**
 * CPU time of the PostgreSQL backends serving one database over a window: the server is shared
 * (other databases, other clients), so only the backends connected to ours count. Backends that
 * start in the window count from zero; ones that end in it are lost (pools keep theirs open).
 */
export function backendCpu(
  query: (sql: string) => Promise<{ rows: { pid: number }[] }>,
): { start(): Promise<void>; stop(): Promise<number | null> } {
  let before = new Map<number, number>();
  const pids = async () => (await query('select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()')).rows.map((r) => Number(r.pid));
  return {
    async start() {
      before = new Map((await pids()).map((pid) => [pid, processCpuMs(pid) ?? 0]));
    },
    async stop() {
      let total = 0;
      for (const pid of await pids()) {
        const now = processCpuMs(pid);
        if (now !== null) total += now - (before.get(pid) ?? 0);
      }
      return total;
    },
  };
}
