import { addWorkingDays } from '../calendar/deadline.ts';
import type { CaseDeps } from '../cases/case.service.ts';
import { listStations } from '../stations/station.repository.ts';
import { listVersionsInForce } from '../definitions/workflow.repository.ts';
import { openCounts, stepStats, type StepStats } from './dashboard.repository.ts';

const REFUSING = new Set(['refused', 'not-accepted', 'not-eligible', 'revoked']);

type Counts = { open: number; overdue: number; dueSoon: number; idle: number; escalated: number };
const zero = (): Counts => ({ open: 0, overdue: 0, dueSoon: 0, idle: 0, escalated: 0 });
function add(into: Counts, c: Counts) {
  for (const k of Object.keys(into) as (keyof Counts)[]) into[k] += c[k];
}

/** Open cases per station (each station counts its whole subtree) and per item, inside the user's area. */
export async function stationReport(deps: CaseDeps, scopePath: string, soonDays: number, idleDays: number) {
  const now = deps.clock.now();
  const rows = await openCounts(
    deps.db, scopePath, now, addWorkingDays(now, soonDays, deps.calendar.current).at,
    new Date(now.getTime() - idleDays * 86_400_000),
  );
  const stations = (await listStations(deps.db)).filter((s) => s.path === scopePath || s.path.startsWith(`${scopePath}.`));
  const byStation = stations.map((s) => {
    const counts = zero();
    for (const r of rows) if (r.stationPath === s.path || r.stationPath.startsWith(`${s.path}.`)) add(counts, r);
    return {
      stationId: s.id, name: { zh: s.name_zh, en: s.name_en }, level: s.level, parentId: s.parent_id, ...counts,
    };
  });
  const items = new Map<string, Counts>();
  for (const r of rows) {
    if (!items.has(r.workflowId)) items.set(r.workflowId, zero());
    add(items.get(r.workflowId)!, r);
  }
  const byItem = [...items.entries()].sort().map(([workflowId, c]) => ({ workflowId, ...c }));
  return { generatedAt: now.toISOString(), soonDays, idleDays, byStation, byItem };
}

/** Where cases pile up: time per item and step, and how often each step returned or refused. */
export async function bottleneckReport(
  deps: CaseDeps, scopePath: string, from: Date, to: Date,
): Promise<(StepStats & { step: { zh: string; en: string }; returnedShare: number; refusedShare: number })[]> {
  const defs = await listVersionsInForce(deps.db, deps.clock.now());
  const refusing = defs.flatMap((d) => Object.entries(d.definition.machine.states)
    .filter(([, s]) => s.type === 'final' && REFUSING.has(s.meta.outcome ?? '')).map(([state]) => ({ workflowId: d.workflowId, state })));
  const stepNames = new Map(defs.flatMap((d) => Object.entries(d.definition.machine.states).map(([state, s]) => [`${d.workflowId}|${state}`, s.meta.step] as const)));
  const stats = await stepStats(deps.db, scopePath, from, to, refusing);
  return stats
    .filter((s) => defs.some((d) => d.workflowId === s.workflowId && d.definition.machine.states[s.state]?.type !== 'final'))
    .map((s) => ({
      ...s, step: stepNames.get(`${s.workflowId}|${s.state}`) ?? { zh: s.state, en: s.state },
      returnedShare: s.entries ? s.returned / s.entries : 0, refusedShare: s.entries ? s.refused / s.entries : 0,
    }));
}

/** A plain horizontal bar chart of the median and 90th-percentile hours per step. */
export function bottleneckSvg(rows: {
  workflowId: string; step: { zh: string }; medianHours: number | null; p90Hours: number | null;
}[]): string {
  const top = [...rows].filter((r) => r.p90Hours !== null).sort((a, b) => b.p90Hours! - a.p90Hours!).slice(0, 20);
  const max = Math.max(1, ...top.map((r) => r.p90Hours!));
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const height = 40 + top.length * 28;
  const bars = top.map((r, i) => {
    const y = 30 + i * 28;
    const w90 = (r.p90Hours! / max) * 420;
    const w50 = ((r.medianHours ?? 0) / max) * 420;
    return `<text x="8" y="${y + 14}" font-size="12">${esc(r.step.zh)}（${esc(r.workflowId)}）</text>`
      + `<rect x="330" y="${y}" width="${w90.toFixed(1)}" height="18" fill="#f4b183"><title>P90 ${r.p90Hours!.toFixed(1)} h</title></rect>`
      + `<rect x="330" y="${y + 4}" width="${w50.toFixed(1)}" height="10" fill="#c00000"><title>中位数 ${(r.medianHours ?? 0).toFixed(1)} h</title></rect>`
      + `<text x="${(336 + w90).toFixed(1)}" y="${y + 14}" font-size="11">${r.p90Hours!.toFixed(1)} h</text>`;
  }).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="820" height="${height}" role="img" aria-label="各环节办理用时（中位数与90分位，小时）">`
    + `<text x="8" y="18" font-size="14" font-weight="bold">各环节办理用时（深色：中位数；浅色：90分位；小时）</text>${bars}</svg>`;
}
