import { createHash } from 'node:crypto';
import { dataKeys, decryptField, encryptField } from '../crypto/data-key.ts';
import type { Executor } from '../db/database.ts';
import { newId } from '../db/ids.ts';
import type { CompiledWorkflow } from '../engine/compile.ts';
import { start } from '../engine/engine.ts';
import { AppError } from '../http/errors.ts';
import { authorize } from '../jurisdiction/authorize.ts';
import { maskText } from '../http/mask.ts';
import { issueNotice } from '../notices/notice.service.ts';
import { parseIdNumber } from '../personal-numbers/id-number.ts';
import { requestTransfer } from '../persons/person-transfer.repository.ts';
import { findPerson, personSecretColumns, type Person } from '../persons/person.repository.ts';
import { prefillData } from '../cases/case-inputs.ts';
import { appendEvents } from '../cases/case-event.repository.ts';
import { sealSnapshot } from '../cases/case.repository.ts';
import type { CaseDeps } from '../cases/case.service.ts';
import { takeCaseNumbers } from '../cases/case-number.ts';
import { timingOnEntry } from '../cases/step-timing.ts';
import { findUserById, type User } from '../users/user.repository.ts';
import { withImportSlot } from './import-slots.ts';
import { rosterFields } from './roster.fields.ts';
import { parseRoster } from './roster.parse.ts';
import {
  discardPreview, findRosterInArea, insertPersons, insertRoster, insertRosterCases, listRostersInArea, lockImportPeriod,
  lockRoster, markRosterCommitted, settleRosterRows, shownRosterRows, storedRosterRows, type RosterRowStatus,
  type RowOutcome,
} from './roster.repository.ts';
import { recordsOf, resolveMapping, validateRecords, type CheckedRow, type RosterRecord } from './roster.validate.ts';
import { personFacts, prefillValues } from '../definitions/prefill.ts';

export const PERIOD_PATTERN = '^\\d{4}(-[A-Za-z0-9]{1,8})?$';

export interface UploadInput {
  workflowId: string;
  period: string;
  fileName: string;
  bytes: Buffer;
  mapping?: Record<string, string>;
  defaults?: Record<string, unknown>;
  personAttributes?: Record<string, unknown>;
}

/** Rosters larger than this are committed by a background job (202 + GET /api/v1/jobs/:id). */
export const SYNC_COMMIT_ROWS = 200;

const CHUNK = 500;

const PENDING_REGISTRATION = '已提交登记申请，待核验；核验通过后请重新导入本行';

async function workflowFor(deps: CaseDeps, db: Executor, workflowId: string, now: Date): Promise<CompiledWorkflow> {
  const wf = await deps.registry.inForce(db, workflowId, now);
  if (!wf) throw new AppError('NO_PUBLISHED_VERSION');
  const first = start(wf, {});
  if (first.effects.some((e) => e.type === 'startCase')) {
    throw new AppError('VALIDATION_FAILED', { errors: [{ path: '/workflowId', message: '该事项的第一步会启动子案件，不能按名册批量建立 / this item cannot be opened from a roster' }] });
  }
  return wf;
}

function aad(rosterId: string, line: number): string {
  return `roster_rows:${rosterId}:${line}`;
}

/** The uploaded file's name may say whose list it is, or hold a number: stored sealed, shown masked. */
const fileNameAad = (rosterId: string) => `rosters.file_name:${rosterId}`;

function shownFileName(rosterId: string, stored: string): string {
  return maskText(decryptField(dataKeys(), stored, fileNameAad(rosterId)));
}

function counts(rows: CheckedRow[]) {
  return {
    valid: rows.filter((r) => r.status === 'valid').length,
    duplicate: rows.filter((r) => r.status === 'duplicate').length,
    error: rows.filter((r) => r.status === 'error').length,
  };
}

/**
 * Reads a roster, maps its columns, checks every row and stores the preview: nothing else is
 * written until the roster is committed.
 */
export async function uploadRoster(deps: CaseDeps, user: User, input: UploadInput) {
  authorize(user, 'roster.import');
  const now = deps.clock.now();
  const wf = await workflowFor(deps, deps.db, input.workflowId, now);
  const { id, unmapped } = await withImportSlot(() => storePreview(deps, user, wf, input, now));
  return { ...(await rosterView(deps.db, user, id))!, unmappedColumns: unmapped };
}

async function storePreview(
  deps: CaseDeps, user: User, wf: CompiledWorkflow, input: UploadInput, now: Date,
): Promise<{ id: string; unmapped: string[] }> {
  const sheet = await parseRoster(input.fileName, input.bytes);
  const { columns, applied, unmapped } = resolveMapping(wf, sheet.headers, input.mapping);
  const records = recordsOf(sheet, columns);
  const defaults = input.defaults ?? {};
  const rows = await validateRecords(deps.db, {
    wf, user, period: input.period, records, defaults, personAttributes: input.personAttributes ?? {}, now,
  });
  const id = newId(now.getTime());
  const c = counts(rows);
  const keys = dataKeys();
  const roster = {
    id, workflow_id: wf.definition.id, period: input.period, file_name: encryptField(keys, input.fileName.slice(0, 200), fileNameAad(id)), file_sha256: createHash('sha256').update(input.bytes).digest('hex'),
    format: sheet.format, mapping: JSON.stringify(applied), defaults: JSON.stringify({ ...defaults, ...(input.personAttributes ? { '@personAttributes': input.personAttributes } : {}) }),
    headers: JSON.stringify(sheet.headers), status: 'preview' as const, row_count: rows.length, valid_count: c.valid, duplicate_count: c.duplicate, error_count: c.error,
    created_count: null, station_id: user.stationId, station_path: user.stationPath, uploaded_by: user.id,
    created_at: now,
  };
  const stored = rows.map((r, i) => ({
    roster_id: id, row_no: r.line, data_enc: encryptField(keys, JSON.stringify(records[i]!.values), aad(id, r.line)),
    display: JSON.stringify(r.display), status: r.status, errors: JSON.stringify(r.errors),
    person_id: r.person?.id ?? null, case_id: null,
  }));
  await deps.db.transaction().execute((trx) => insertRoster(trx, roster, stored));
  return { id, unmapped };
}

export async function findRoster(db: Executor, user: User, id: string) {
  return findRosterInArea(db, id, user.stationPath);
}

/** The roster with its per-row results (names and masked ID numbers only), in file order. */
export async function rosterView(
  db: Executor, user: User, id: string, opts: { status?: string; offset?: number; limit?: number } = {},
) {
  const r = await findRoster(db, user, id);
  if (!r) return undefined;
  const rows = await shownRosterRows(db, id, {
    status: opts.status as RosterRowStatus | undefined, offset: opts.offset ?? 0, limit: opts.limit ?? 5000,
  });
  return {
    id: r.id, workflowId: r.workflow_id, period: r.period, fileName: shownFileName(r.id, r.file_name), format: r.format,
    status: r.status,
    mapping: r.mapping, headers: r.headers, defaults: Object.fromEntries(Object.entries(r.defaults as Record<string, unknown>).filter(([k]) => !k.startsWith('@'))),
    counts: {
      rows: r.row_count, valid: r.valid_count, duplicate: r.duplicate_count, error: r.error_count,
      created: r.created_count,
    },
    uploadedBy: r.uploaded_by, createdAt: r.created_at.toISOString(),
    committedAt: r.committed_at?.toISOString() ?? null,
    rows: rows.map((x) => ({
      row: x.row_no, status: x.status, ...(x.display as object), errors: x.errors, personId: x.person_id,
      caseId: x.case_id, caseNo: x.case_no,
    })),
  };
}

/** The fields a roster of an item can fill, for a mapping form. */
export async function rosterFieldsOf(deps: CaseDeps, workflowId: string) {
  const wf = await workflowFor(deps, deps.db, workflowId, deps.clock.now());
  return rosterFields(wf.definition).map((f) => ({
    key: f.key, title: f.title, titleEn: f.titleEn, form: f.form, aliases: f.aliases,
  }));
}

/**
 * Creates the cases of every valid row in one transaction: checked again inside it (someone may
 * have registered a person or opened a case since the preview), new persons registered, cases
 * and their START entries written in bulk. All or nothing; rows whose case already exists for
 * the item, subject and period are skipped, so committing the same list again creates nothing.
 */
export async function commitRoster(
  deps: CaseDeps, user: User, rosterId: string, progress?: (p: Record<string, unknown>) => Promise<void>,
) {
  authorize(user, 'roster.import');
  const now = deps.clock.now();
  const keys = dataKeys();
  const result = await deps.db.transaction().execute(async (trx) => {
    const roster = await findRoster(trx, user, rosterId);
    if (!roster) throw new AppError('NOT_FOUND');
    if (await lockRoster(trx, rosterId) !== 'preview') throw new AppError('EVENT_NOT_ALLOWED', { detail: { zh: '该名册已经导入或已作废', en: 'This roster was already committed or discarded' } });
    await lockImportPeriod(trx, roster.workflow_id, roster.period);
    const wf = await workflowFor(deps, trx, roster.workflow_id, now);
    const stored = await storedRosterRows(trx, rosterId);
    const records: RosterRecord[] = stored.map((r) => ({
      line: r.row_no, values: JSON.parse(decryptField(keys, r.data_enc, aad(rosterId, r.row_no))),
    }));
    const { '@personAttributes': personAttributes, ...defaults } = roster.defaults as Record<string, unknown>;
    const rows = await validateRecords(trx, {
      wf, user, period: roster.period, records, defaults,
      personAttributes: (personAttributes ?? {}) as Record<string, unknown>, now,
    });
    const valid = rows.filter((r) => r.status === 'valid');
    // A number held outside the uploader's area: the holding station is asked for the file, as when
    // a clerk registers it; the row waits for that and is imported again afterwards.
    for (const r of valid.filter((x) => x.heldElsewhere)) {
      const held = r.heldElsewhere!;
      await requestTransfer(trx, {
        id: newId(now.getTime()), personId: held.id, from: { id: held.stationId, path: held.stationPath },
        to: { id: r.station!.id, path: r.station!.path }, name: r.name, user, now,
      });
    }
    const todo = valid.filter((r) => !r.heldElsewhere);

    // New persons, in bulk, through the repository's encryption of ID numbers and phones.
    const persons = new Map<number, Omit<Person, 'createdAt'>>();
    const fresh: Parameters<typeof insertPersons>[1] = [];
    for (const r of todo) {
      if (r.person) continue;
      const facts = parseIdNumber(r.idNumber)!;
      const p = {
        id: newId(now.getTime()), name: r.name, idNumber: r.idNumber, sex: facts.sex, birthDate: facts.birthDate,
        phone: r.phone, stationId: r.station!.id, stationPath: r.station!.path, attributes: r.attributes,
      };
      persons.set(r.line, p);
      fresh.push({
        id: p.id, name: p.name, ...personSecretColumns(p.id, p.idNumber, p.phone), sex: p.sex, birth_date: p.birthDate,
        station_id: p.stationId, station_path: p.stationPath, attributes: JSON.stringify(p.attributes),
        created_by: user.id, created_at: now,
      });
    }
    await insertPersons(trx, fresh);

    // The cases: the same start as a clerk's, data pre-filled from the person file plus the row.
    const planned: { row: CheckedRow; id: string; personId: string; stationId: string; stationPath: string; data: Record<string, unknown>; snapshot: ReturnType<typeof start>['snapshot']; effects: ReturnType<typeof start>['effects'] }[] = [];
    for (const r of todo) {
      let base: Record<string, unknown>;
      let personId: string;
      let stationId: string;
      let stationPath: string;
      const p = persons.get(r.line);
      if (p) {
        base = prefillValues(wf.definition, personFacts(p));
        ({ id: personId, stationId, stationPath } = p);
      } else {
        const full = (await findPerson(trx, r.person!.id, user.stationPath))!;
        base = await prefillData(trx, wf.definition, full);
        ({ id: personId, stationId, stationPath } = full);
      }
      const data = { ...base, ...r.data };
      const started = start(wf, data);
      planned.push({
        row: r, id: newId(now.getTime()), personId, stationId, stationPath, data, snapshot: started.snapshot,
        effects: started.effects,
      });
    }
    // Numbered in roster order; a row the database then skips (a case opened meanwhile) leaves its number unused.
    const numbers = await takeCaseNumbers(trx, wf.definition, now, planned.length);
    const created = new Set<string>();
    for (let i = 0; i < planned.length; i += CHUNK) {
      const chunk = planned.slice(i, i + CHUNK);
      const inserted = await insertRosterCases(trx, chunk.map((c, j) => {
        const t = timingOnEntry(wf, null, c.snapshot, now, deps.calendar.current)!;
        const done = c.snapshot.status === 'done';
        return {
          id: c.id, case_no: numbers[i + j]!, workflow_id: wf.definition.id, workflow_version: wf.definition.version,
          parent_case_id: null,
          person_id: c.personId, applicant_id: null, payee_id: null, agent: null, station_id: c.stationId,
          station_path: c.stationPath, state: c.snapshot.value, status: done ? 'closed' as const : 'open' as const,
          exclusive: !wf.definition.allowConcurrentCases, outcome: c.snapshot.context.outcome, version: 1,
          snapshot: JSON.stringify(sealSnapshot(c.id, c.snapshot)), step_level: t.stepLevel, due_at: t.dueAt,
          due_uncertain: t.dueUncertain, timer_at: t.timerAt, step_entered_at: t.stepEnteredAt,
          paused_state: t.pausedState, paused_working_days: t.pausedWorkingDays, overdue_at: t.overdueAt,
          escalated_at: t.escalatedAt, escalated_to: t.escalatedTo, assignee_id: null, created_by: user.id,
          created_at: now, updated_at: now, closed_at: done ? now : null, last_event_at: now, period: roster.period,
          roster_id: rosterId,
        };
      }));
      for (const id of inserted) created.add(id);
      await appendEvents(trx, chunk.filter((c) => created.has(c.id)).map((c) => ({
        caseId: c.id,
        event: { seq: 1, kind: 'machine', type: 'START', payload: { data: c.data, parentCaseId: null, rosterId, rosterRow: c.row.line }, actorId: user.id, fromState: null, toState: c.snapshot.value, at: now },
      })));
    }
    // Notices the first step issues (none of the 22 items does today), through the notices service.
    for (const c of planned) {
      if (!created.has(c.id)) continue;
      for (const e of c.effects) {
        if (e.type !== 'issueNotice') continue;
        await issueNotice(trx, deps.db, {
          caseId: c.id, eventSeq: 1, noticeKey: e.notice, wf, person: { id: c.personId, name: c.row.name },
          snapshot: c.snapshot, actorId: user.id, now,
        });
      }
    }

    const outcome = new Map<number, RowOutcome>();
    for (const r of rows) {
      outcome.set(r.line, { status: r.status, errors: r.errors, personId: r.person?.id ?? null, caseId: null });
    }
    for (const r of valid.filter((x) => x.heldElsewhere)) outcome.set(r.line, { status: 'error', errors: [{ field: 'person.idNumber', message: PENDING_REGISTRATION }], personId: null, caseId: null });
    for (const c of planned) {
      if (created.has(c.id)) outcome.set(c.row.line, { status: 'created', errors: [], personId: c.personId, caseId: c.id });
      else outcome.set(c.row.line, { status: 'duplicate', errors: [{ field: 'person.idNumber', message: '导入时发现已有该人员的同一事项案件，未重复创建' }], personId: c.personId, caseId: null });
    }
    await settleRosterRows(trx, rosterId, [...outcome.entries()]);
    const final = [...outcome.values()];
    const n = (s: string) => final.filter((o) => o.status === s).length;
    await markRosterCommitted(trx, rosterId, { created: created.size, duplicates: n('duplicate'), errors: n('error') }, user.id, now);
    return { rosterId, created: created.size, duplicates: n('duplicate'), errors: n('error'), newPersons: fresh.length };
  });
  // Never inside the transaction: the job's progress is written through another connection.
  await progress?.({ phase: 'done', created: result.created });
  return result;
}

/** A background job's commit, by the uploader who asked for it. */
export async function commitRosterAs(
  deps: CaseDeps, userId: string, rosterId: string, progress: (p: Record<string, unknown>) => Promise<void>,
) {
  const user = await findUserById(deps.db, userId);
  if (!user) throw new Error('the uploader no longer exists');
  return commitRoster(deps, user, rosterId, progress);
}

export async function discardRoster(deps: CaseDeps, user: User, rosterId: string): Promise<void> {
  authorize(user, 'roster.import');
  const r = await findRoster(deps.db, user, rosterId);
  if (!r) throw new AppError('NOT_FOUND');
  if (!await discardPreview(deps.db, rosterId)) throw new AppError('EVENT_NOT_ALLOWED', { detail: { zh: '该名册已经导入或已作废', en: 'This roster was already committed or discarded' } });
}

export async function listRosters(db: Executor, user: User, limit = 50) {
  const rows = await listRostersInArea(db, user.stationPath, limit);
  return rows.map((r) => ({
    id: r.id, workflowId: r.workflow_id, period: r.period, fileName: shownFileName(r.id, r.file_name), status: r.status,
    createdAt: r.created_at.toISOString(),
    counts: {
      rows: r.row_count, valid: r.valid_count, duplicate: r.duplicate_count, error: r.error_count,
      created: r.created_count,
    },
  }));
}
