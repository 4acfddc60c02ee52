import type { Clock } from '../clock.ts';
import { countCases, listCases, type CaseListFilters } from '../cases/case-list.service.ts';
import type { CaseDeps } from '../cases/case.service.ts';
import { AppError } from '../http/errors.ts';
import { maskIdNumber, maskPhone } from '../http/mask.ts';
import { message, type MessageKey } from '../messages/catalogue.ts';
import type { Lang } from '../messages/lang.ts';
import { personsByIds } from '../persons/person.service.ts';
import { listStations } from '../stations/station.service.ts';
import { formatShanghai } from '../time/shanghai.ts';
import { displayNames } from '../users/user.repository.ts';
import type { User } from '../users/user.repository.ts';

/** Cases read per page: an export of any size holds one page of rows at a time. */
const PAGE = 200;

const COLUMNS: MessageKey[] = [
  'EXPORT_COL_NAME', 'EXPORT_COL_ID_NUMBER', 'EXPORT_COL_PHONE', 'EXPORT_COL_ITEM', 'EXPORT_COL_STEP', 'EXPORT_COL_STATUS',
  'EXPORT_COL_STATION', 'EXPORT_COL_HOLDER', 'EXPORT_COL_ASSIGNEE', 'EXPORT_COL_ESCALATED', 'EXPORT_COL_DUE',
  'EXPORT_COL_OVERDUE', 'EXPORT_COL_DAYS', 'EXPORT_COL_OPENED', 'EXPORT_COL_LAST', 'EXPORT_COL_CASE_NO', 'EXPORT_COL_CASE',
];

export type ExportFilters = Omit<CaseListFilters, 'cursor' | 'limit'>;

export interface CaseExport {
  header: string[];
  /** The rows, read page by page from the case list as it is iterated. */
  rows: AsyncIterable<string[]>;
}

/**
 * The case list as filtered (the rows of `listCases`, page by page), for a spreadsheet: persons by
 * name with their ID number and phone masked as lists mask them, items, steps and stations by
 * title, status in words, times in Beijing time. More than `maxRows` cases are refused before
 * anything is sent. Masked data is not a reveal, so nothing goes to the reveal log (as with lists).
 */
export async function caseExport(
  deps: CaseDeps, user: User, f: ExportFilters, lang: Lang, maxRows: number,
): Promise<CaseExport> {
  // One instant for the whole export, so that "overdue" and "days at step" mean the same on every page.
  const at = deps.clock.now();
  const fixed: CaseDeps = { ...deps, clock: { now: () => at } satisfies Clock };
  const n = await countCases(fixed, user, f);
  if (n > maxRows) {
    const vars = { n, max: maxRows };
    throw new AppError('EXPORT_TOO_MANY', { detail: { zh: message('zh', 'EXPORT_TOO_MANY_DETAIL', vars), en: message('en', 'EXPORT_TOO_MANY_DETAIL', vars) } });
  }
  const defs = new Map((await deps.registry.definitionsInForce(deps.db, at)).map((d) => [d.id, d]));
  const stations = new Map((await listStations(deps.db)).map((s) => [s.id, lang === 'zh' ? s.name_zh : s.name_en]));
  const word = (key: MessageKey) => message(lang, key);
  const time = (iso: string | null, pattern: string) => (iso ? formatShanghai(new Date(iso), pattern) : '');

  async function* rows(): AsyncGenerator<string[]> {
    let cursor: string | undefined;
    do {
      const page = await listCases(fixed, user, { ...f, cursor, limit: PAGE });
      const found = await personsByIds(deps.db, page.items.map((c) => c.personId), user.stationPath);
      const persons = new Map(found.map((p) => [p.id, p]));
      const assignees = await displayNames(deps.db, page.items.flatMap((c) => (c.assigneeId ? [c.assigneeId] : [])));
      for (const c of page.items) {
        const p = persons.get(c.personId);
        const def = defs.get(c.workflowId);
        const wf = c.workflowVersion === def?.version
          ? def : (await deps.registry.get(deps.db, c.workflowId, c.workflowVersion))?.definition;
        yield [
          p?.name ?? '', p ? maskIdNumber(p.idNumber) : '', p?.phone ? maskPhone(p.phone) : '',
          (wf ?? def)?.title[lang] ?? c.workflowId, c.status === 'open' ? wf?.machine.states[c.state]?.meta.step?.[lang] ?? '' : '',
          word(c.status === 'open' ? 'EXPORT_STATUS_OPEN' : 'EXPORT_STATUS_CLOSED'),
          p ? stations.get(p.stationId) ?? '' : '', c.holderStationId ? stations.get(c.holderStationId) ?? '' : '',
          c.assigneeId ? assignees.get(c.assigneeId) ?? '' : '', c.escalatedTo ? word('EXPORT_YES') : '',
          time(c.dueAt, 'yyyy-MM-dd HH:mm'), c.status === 'open' ? word(c.overdue ? 'EXPORT_YES' : 'EXPORT_NO') : '',
          c.daysInStep === null ? '' : String(c.daysInStep), time(c.createdAt, 'yyyy-MM-dd HH:mm'),
          time(c.lastEventAt, 'yyyy-MM-dd HH:mm'), c.caseNo, c.id,
        ];
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  return { header: COLUMNS.map(word), rows: rows() };
}
