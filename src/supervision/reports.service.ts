import { addWorkingDays } from '../calendar/deadline.ts';
import type { CaseDeps } from '../cases/case.service.ts';
import type { Localized } from '../definitions/definition.types.ts';
import { listStations } from '../stations/station.repository.ts';
import { stationInArea } from '../stations/station.service.ts';
import { message } from '../messages/catalogue.ts';
import type { Lang } from '../messages/lang.ts';
import type { User } from '../users/user.repository.ts';
import { openCounts, openStepAges, stepStats, type StepStats } from './dashboard.repository.ts';

const REFUSING = new Set(['refused', 'not-accepted', 'not-eligible', 'revoked']);

type Counts = { open: number; overdue: number; dueSoon: number; idle: number; escalated: number };
const zero = (): Counts => ({ open: 0, overdue: 0, dueSoon: 0, idle: 0, escalated: 0 });
function add(into: Counts, c: Counts) {
  for (const k of Object.keys(into) as (keyof Counts)[]) into[k] += c[k];
}

/** The area a report covers: a station of the user's area (with those below it), or the whole area. */
async function scopeOf(deps: CaseDeps, user: User, stationId: string | undefined): Promise<string> {
  return stationId ? (await stationInArea(deps.db, stationId, user.stationPath)).path : user.stationPath;
}

/** Open cases per station (each counts its whole subtree) and per item, in the user's area or one station's. */
export async function stationReport(
  deps: CaseDeps, user: User, f: { stationId?: string; soonDays: number; idleDays: number },
) {
  const { soonDays, idleDays } = f;
  const scopePath = await scopeOf(deps, user, f.stationId);
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

export type BottleneckRow = StepStats & {
  item: Localized;
  step: Localized;
  returnedShare: number;
  refusedShare: number;
  /** Cases at this step now, and how long they have sat in it (hours; null when none). */
  open: number;
  openMedianHours: number | null;
  openP90Hours: number | null;
};

/**
 * Where cases pile up, per item and step: the time finished steps took (entered in the period), how
 * often a step returned or refused, and how long the cases still open there have sat so far; a step
 * nobody has finished yet still shows its waiting cases.
 */
export async function bottleneckReport(
  deps: CaseDeps, user: User, f: { stationId?: string; from: Date; to: Date },
): Promise<BottleneckRow[]> {
  const scopePath = await scopeOf(deps, user, f.stationId);
  const now = deps.clock.now();
  const defs = new Map((await deps.registry.definitionsInForce(deps.db, now)).map((d) => [d.id, d]));
  const refusing = [...defs.values()].flatMap((d) => Object.entries(d.machine.states)
    .filter(([, s]) => s.type === 'final' && REFUSING.has(s.meta.outcome ?? '')).map(([state]) => ({ workflowId: d.id, state })));
  const stats = await stepStats(deps.db, scopePath, f.from, f.to, refusing);
  const ages = await openStepAges(deps.db, scopePath, now);
  const rows = new Map<string, BottleneckRow>();
  const row = (workflowId: string, state: string): BottleneckRow | undefined => {
    const key = `${workflowId}|${state}`;
    const def = defs.get(workflowId);
    const s = def?.machine.states[state];
    if (s?.type === 'final') return undefined;
    if (!rows.has(key)) {
      rows.set(key, {
        workflowId, state, item: def?.title ?? { zh: workflowId, en: workflowId },
        step: s?.meta.step ?? { zh: state, en: state },
        entries: 0, medianHours: null, p90Hours: null, returned: 0, refused: 0, returnedShare: 0, refusedShare: 0,
        open: 0, openMedianHours: null, openP90Hours: null,
      });
    }
    return rows.get(key);
  };
  for (const s of stats) {
    const r = row(s.workflowId, s.state);
    if (r) {
      const share = (n: number) => (s.entries ? n / s.entries : 0);
      Object.assign(r, s, { returnedShare: share(s.returned), refusedShare: share(s.refused) });
    }
  }
  for (const a of ages) {
    const r = row(a.workflowId, a.state);
    if (r) Object.assign(r, { open: a.open, openMedianHours: a.medianHours, openP90Hours: a.p90Hours });
  }
  return [...rows.values()].sort((a, b) => a.workflowId.localeCompare(b.workflowId) || a.state.localeCompare(b.state));
}

/** The longest of a step's times: the 90th percentile of finished steps or of the open cases' wait. */
export function worstHours(r: Pick<BottleneckRow, 'p90Hours' | 'openP90Hours'>): number {
  return Math.max(r.p90Hours ?? 0, r.openP90Hours ?? 0);
}

const hours = (h: number | null) => (h === null ? null : h.toFixed(1));

/** The report as CSV rows, item and step by title in the reader's language. */
export function bottleneckCsv(
  rows: BottleneckRow[], lang: Lang,
): { header: string[]; rows: (string | number | null)[][] } {
  const keys = ['REPORT_CSV_ITEM', 'REPORT_CSV_STEP', 'REPORT_CSV_ENTRIES', 'REPORT_CSV_MEDIAN', 'REPORT_CSV_P90', 'REPORT_CSV_OPEN',
    'REPORT_CSV_OPEN_MEDIAN', 'REPORT_CSV_OPEN_P90', 'REPORT_CSV_RETURNED', 'REPORT_CSV_REFUSED'] as const;
  return {
    header: keys.map((k) => message(lang, k)),
    rows: rows.map((r) => [
      r.item[lang], r.step[lang], r.entries, hours(r.medianHours), hours(r.p90Hours), r.open, hours(r.openMedianHours),
      hours(r.openP90Hours), r.returned, r.refused,
    ]),
  };
}

/**
 * A horizontal bar chart of the 20 slowest steps: per step a bar of the finished steps (median dark
 * over 90th percentile light) and one of the open cases' time so far, labelled by item and step title.
 */
export function bottleneckSvg(rows: BottleneckRow[], lang: Lang): string {
  const top = rows.filter((r) => worstHours(r) > 0).sort((a, b) => worstHours(b) - worstHours(a)).slice(0, 20);
  const max = Math.max(1, ...top.map(worstHours));
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const rowHeight = 62;
  const bar = (y: number, label: string, median: number | null, p90: number | null, dark: string, light: string) => {
    const w90 = ((p90 ?? 0) / max) * 560;
    const w50 = ((median ?? 0) / max) * 560;
    const figures = p90 === null ? message(lang, 'REPORT_CHART_NONE') : `${median!.toFixed(1)} / ${p90.toFixed(1)} h`;
    return `<text x="16" y="${y + 12}" font-size="11">${esc(label)}</text>`
      + `<rect x="150" y="${y}" width="${w90.toFixed(1)}" height="16" fill="${light}"/>`
      + `<rect x="150" y="${y + 4}" width="${w50.toFixed(1)}" height="8" fill="${dark}"/>`
      + `<text x="${(156 + w90).toFixed(1)}" y="${y + 12}" font-size="11">${esc(figures)}</text>`;
  };
  const bars = top.map((r, i) => {
    const y = 34 + i * rowHeight;
    return `<text x="8" y="${y + 12}" font-size="12" font-weight="bold">${esc(r.item[lang])} · ${esc(r.step[lang])}</text>`
      + bar(y + 18, message(lang, 'REPORT_CHART_FINISHED'), r.medianHours, r.p90Hours, '#c00000', '#f4b183')
      + bar(y + 38, message(lang, 'REPORT_CHART_OPEN', { n: r.open }), r.openMedianHours, r.openP90Hours, '#1f4e79', '#9dc3e6');
  }).join('');
  const title = esc(message(lang, 'REPORT_CHART_TITLE'));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="860" height="${44 + top.length * rowHeight}" role="img" aria-label="${title}">`
    + `<text x="8" y="18" font-size="13" font-weight="bold">${title}</text>${bars}</svg>`;
}
