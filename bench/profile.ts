import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

interface HotSpot {
  selfPct: number;
  selfMs: number;
  fn: string;
}

function label(n: ProfileNode, root: string): string {
  const url = n.callFrame.url.replace(/^file:\/\//, '').replace(root, '');
  const where = url ? `${url.replace(/^.*node_modules\//, 'node_modules/')}:${n.callFrame.lineNumber + 1}` : '';
  return `${n.callFrame.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
}

export interface ProfileSummary {
  windowMs: number;
  busyMs: number;
  spots: HotSpot[];
  byArea: Record<string, number>;
}

/**
 * Self time per function from a V8 .cpuprofile (node --cpu-prof), busiest first; idle excluded.
 * `fromMs`/`toMs` (from the start of the profile) keep one window, e.g. start-up or the load.
 */
export function hotSpots(
  file: string, root: string, window: { fromMs?: number; toMs?: number } = {}, top = 25,
): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  const from = (window.fromMs ?? 0) * 1000;
  const to = (window.toMs ?? Infinity) * 1000;
  let t = 0;
  p.samples.forEach((id, i) => {
    t += p.timeDeltas[i] ?? 0;
    if (t >= from && t < to) self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  });
  const totals = new Map<string, number>();
  const areas: Record<string, number> = {};
  let busy = 0;
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    if (n.callFrame.functionName === '(idle)' || n.callFrame.functionName === '(program)') continue;
    busy += us;
    const key = label(n, root);
    totals.set(key, (totals.get(key) ?? 0) + us);
    const url = n.callFrame.url;
    const area = !url ? (n.callFrame.functionName.startsWith('(') ? n.callFrame.functionName : 'node internals')
      : url.includes('node_modules/') ? url.replace(/^.*node_modules\/((@[^/]+\/)?[^/]+).*$/, '$1')
        : url.startsWith('node:') ? 'node internals' : url.includes('/src/') ? 'service code (src/)' : 'other';
    areas[area] = (areas[area] ?? 0) + us / 1000;
  }
  const spots = [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([fn, us]) => ({ fn, selfMs: Math.round(us / 1000), selfPct: Math.round((us / busy) * 1000) / 10 }));
  const byArea = Object.fromEntries(Object.entries(areas).sort((a, b) => b[1] - a[1]).slice(0, 15)
    .map(([k, v]) => [k, Math.round((v / (busy / 1000)) * 1000) / 10]));
  return {
    windowMs: (Math.min(to, p.endTime - p.startTime) - from) / 1000, busyMs: Math.round(busy / 1000), spots, byArea,
  };
}
