import { ageOn, shanghaiDate } from '../time/shanghai.ts';
import type { Executor } from '../db/database.ts';
import { isoDay } from '../db/dates.ts';
import { ruleErrors } from '../definitions/form-rules.ts';
import type { CompiledWorkflow } from '../engine/compile.ts';
import { AppError } from '../http/errors.ts';
import { maskIdNumber } from '../http/mask.ts';
import { parseIdNumber } from '../personal-numbers/id-number.ts';
import { idNumberHash } from '../persons/person.repository.ts';
import { listStations, type Station } from '../stations/station.repository.ts';
import { inSubtree } from '../jurisdiction/within-area.ts';
import type { User } from '../users/user.repository.ts';
import { completedItemsOf, itemCasesOf, personsByIdHash } from './roster.repository.ts';
import { autoField, convertCell, prefillSource, rosterField, rosterFields, SUBJECT_ID, SUBJECT_NAME, SUBJECT_PHONE, SUBJECT_STATION } from './roster.fields.ts';
import type { Cell, ParsedSheet } from './roster.parse.ts';

/** One row of a roster as stored: its line in the file and the cells of the mapped columns, by field. */
export interface RosterRecord {
  line: number;
  values: Record<string, Cell>;
}

interface RowError {
  field: string;
  message: string;
}

/** An existing person as far as a roster needs one (ID numbers stay encrypted; the roster has them). */
interface KnownPerson {
  id: string;
  name: string;
  stationId: string;
  stationPath: string;
  sex: 'male' | 'female';
  birthDate: string;
  attributes: Record<string, unknown>;
}

export interface CheckedRow {
  line: number;
  status: 'valid' | 'duplicate' | 'error';
  errors: RowError[];
  idNumber: string;
  name: string;
  phone: string | null;
  /** The item's fields from the row and the roster's common values. */
  data: Record<string, unknown>;
  /** The person file: found, or to be registered at `station`. */
  person?: KnownPerson;
  /** The file of this ID number outside the uploader's area: never shown, only asked for at commit. */
  heldElsewhere?: KnownPerson;
  station?: Station;
  attributes: Record<string, unknown>;
  display: { name: string; idMasked: string; station: string | null };
}

/** Person-file fields a roster can fill through an item field that is prefilled from them (def.prefill). */
const PERSON_ATTRIBUTES = new Set(['category', 'hukouType', 'soldierType', 'enlistmentDate', 'dischargeDate', 'placementType', 'disabilityGrade', 'postedToTibetOrXinjiang', 'politicalStatus']);

/**
 * What a new person on an item's roster is, when the roster itself cannot say: the recruiting
 * office's list of conscripts lists serving conscripts. A request may give more (personAttributes).
 */
export const ROSTER_PERSON_DEFAULTS: Record<string, Record<string, unknown>> = {
  'conscript-family-allowance': { category: 'serving', soldierType: 'conscript' },
  'enlistment-send-off': { category: 'serving', soldierType: 'conscript' },
  'festival-visit': { category: 'serving' },
  'glory-plaque': { category: 'serving' },
  'military-family-registration': { category: 'serving' },
};

/** Maps the file's columns to fields: the explicit mapping first (an empty target skips a column), then titles. */
export function resolveMapping(
  wf: CompiledWorkflow, headers: string[], explicit: Record<string, string> = {},
): { columns: (string | null)[]; applied: Record<string, string>; unmapped: string[] } {
  const def = wf.definition;
  for (const [header, key] of Object.entries(explicit)) {
    if (key && !rosterField(def, key)) throw new AppError('VALIDATION_FAILED', { errors: [{ path: `/mapping/${header}`, message: `没有这个字段：${key} / no such field` }] });
  }
  const columns = headers.map((h) => (h in explicit ? explicit[h] || null : autoField(def, h) ?? null));
  const seen = new Map<string, string>();
  const applied: Record<string, string> = {};
  const unmapped: string[] = [];
  columns.forEach((key, i) => {
    const h = headers[i]!;
    if (!key) {
      if (h) unmapped.push(h);
      return;
    }
    if (seen.has(key)) {
      throw new AppError('VALIDATION_FAILED', { errors: [{ path: `/mapping/${h}`, message: `“${h}”和“${seen.get(key)}”对应同一字段（${rosterField(def, key)!.title}），请在对应关系中指定其一 / two columns map to one field` }] });
    }
    seen.set(key, h);
    applied[h] = key;
  });
  const subjectIdKeys = [SUBJECT_ID, ...Object.entries(def.prefill ?? {}).filter(([, s]) => s === 'idNumber').map(([k]) => k)];
  if (!subjectIdKeys.some((k) => seen.has(k))) {
    throw new AppError('VALIDATION_FAILED', { errors: [{ path: '/mapping', message: '名册中须有“公民身份号码”列（或在对应关系中指定）/ the roster needs a citizen ID number column' }] });
  }
  return { columns, applied, unmapped };
}

/** The mapped cells of each row, keyed by field; dates already as YYYY-MM-DD (they are stored as JSON). */
export function recordsOf(sheet: ParsedSheet, columns: (string | null)[]): RosterRecord[] {
  return sheet.rows.map((r) => {
    const values: Record<string, Cell> = {};
    columns.forEach((key, i) => {
      if (!key) return;
      const c = r.cells[i] ?? null;
      values[key] = c instanceof Date ? `${c.getUTCFullYear()}-${String(c.getUTCMonth() + 1).padStart(2, '0')}-${String(c.getUTCDate()).padStart(2, '0')}` : c;
    });
    return { line: r.line, values };
  });
}

function stationKey(s: string): string {
  return s.replace(/\s/g, '').replace(/退役军人服务站$/, '').replace(/服务站$/, '');
}

/** What was typed in the ID number column, for a masked display when it is not a valid number. */
function rawId(values: Record<string, Cell>, keys: string[]): string {
  for (const k of keys) {
    const v = values[k];
    if (v !== null && v !== undefined && String(v).trim()) return String(v).replace(/\s/g, '');
  }
  return '';
}

const DONE_OUTCOMES = ['completed', 'granted', 'transferred'];

export interface ValidateInput {
  wf: CompiledWorkflow;
  user: User;
  period: string;
  records: RosterRecord[];
  defaults: Record<string, unknown>;
  personAttributes: Record<string, unknown>;
  now: Date;
}

/**
 * Checks every row in bulk (a handful of queries for the whole file): field values, the ID
 * number's check digit, the same person twice in the file (a person outside the uploader's
 * jurisdiction is checked as a new one), villages that are not the uploader's, required fields (e.g. the payee's bank
 * account), eligibility, and cases that already exist for the item, subject and period.
 */
export async function validateRecords(db: Executor, v: ValidateInput): Promise<CheckedRow[]> {
  const def = v.wf.definition;
  const fields = rosterFields(def);
  const subjectFrom = (source: string) => [
    ...Object.entries(def.prefill ?? {}).filter(([, s]) => s === source).map(([k]) => k),
  ];
  const idKeys = [SUBJECT_ID, ...subjectFrom('idNumber')];
  const nameKeys = [SUBJECT_NAME, ...subjectFrom('name')];
  const mapped = new Set(v.records.flatMap((r) => Object.keys(r.values)));

  // Forms the roster fills (a mapped column or a common value): their required fields must be in every row.
  const touched = new Set<string>();
  for (const key of [...mapped, ...Object.keys(v.defaults)]) {
    const f = rosterField(def, key);
    if (f?.form && !idKeys.includes(key) && !nameKeys.includes(key)) touched.add(f.form);
  }
  const required: string[] = [];
  for (const formId of touched) {
    const form = def.forms[formId];
    for (const key of form.required ?? []) {
      const t = form.properties?.[key]?.type;
      if (t === 'array' || t === 'object' || required.includes(key)) continue;
      required.push(key);
    }
  }

  const stations = (await listStations(db)).filter((s) => s.level === 'village');
  const stationsByKey = new Map<string, Station[]>();
  for (const s of stations) {
    for (const k of new Set([s.id, stationKey(s.name_zh), s.name_zh])) {
      stationsByKey.set(k, [...(stationsByKey.get(k) ?? []), s]);
    }
  }
  const ownVillage = v.user.stationLevel === 'village' ? stations.find((s) => s.id === v.user.stationId) : undefined;

  const rows: CheckedRow[] = [];
  // The station as the row names it, kept beside the row until the person file is looked up.
  const stationCells = new Map<CheckedRow, string>();
  const firstLine = new Map<string, number>();
  for (const r of v.records) {
    const errors: RowError[] = [];
    const data: Record<string, unknown> = {};
    let idNumber = '';
    let name = '';
    let phone: string | null = null;
    let stationCell = '';
    for (const [key, cell] of Object.entries(r.values)) {
      if (key === SUBJECT_STATION) {
        stationCell = cell === null ? '' : String(cell).trim();
        continue;
      }
      const out = convertCell(def, key, cell);
      const field = fields.find((f) => f.key === key)!;
      if (out.error) {
        errors.push({ field: key, message: `${field.title}：${out.error}` });
        continue;
      }
      if (out.value === undefined) continue;
      if (idKeys.includes(key)) idNumber ||= out.value as string;
      if (nameKeys.includes(key)) name ||= out.value as string;
      if (key === SUBJECT_PHONE) phone = out.value as string;
      if (rosterField(def, key)!.form) data[key] = out.value;
    }
    for (const [key, value] of Object.entries(v.defaults)) if (data[key] === undefined) data[key] = value;
    const facts = idNumber ? parseIdNumber(idNumber) : null;
    if (!idNumber) {
      if (!errors.some((e) => idKeys.includes(e.field))) errors.push({ field: SUBJECT_ID, message: '公民身份号码：未填写' });
    } else if (!facts && !errors.some((e) => idKeys.includes(e.field))) {
      errors.push({ field: SUBJECT_ID, message: '公民身份号码：号码不正确（校验位或出生日期不符）' });
    }
    if (facts) {
      const earlier = firstLine.get(idNumber);
      if (earlier !== undefined) errors.push({ field: SUBJECT_ID, message: `与第${earlier}行为同一人（公民身份号码重复）` });
      else firstLine.set(idNumber, r.line);
    }
    // Subject fields prefilled from the person (conscriptName ← name) are the subject's own.
    for (const k of idKeys) if (k !== SUBJECT_ID && rosterField(def, k)?.form && idNumber) data[k] = idNumber;
    for (const k of nameKeys) if (k !== SUBJECT_NAME && rosterField(def, k)?.form && name) data[k] = name;
    const attributes: Record<string, unknown> = { ...(ROSTER_PERSON_DEFAULTS[def.id] ?? {}), ...v.personAttributes };
    for (const [key, value] of Object.entries(data)) {
      const source = prefillSource(def, key);
      if (source && PERSON_ATTRIBUTES.has(source)) attributes[source] = value;
    }
    const row: CheckedRow = {
      line: r.line, status: 'valid', errors, idNumber, name, phone, data, attributes,
      display: { name: name || '', idMasked: maskIdNumber(idNumber || rawId(r.values, idKeys)), station: stationCell || null },
    };
    rows.push(row);
    stationCells.set(row, stationCell);
  }

  // The person file, in bulk by the keyed hash of the ID number (numbers are encrypted at rest).
  const valid = rows.filter((r) => r.idNumber && parseIdNumber(r.idNumber));
  const byHash = new Map<string, KnownPerson>();
  for (const p of await personsByIdHash(db, [...new Set(valid.map((r) => idNumberHash(r.idNumber)))])) {
    byHash.set(p.id_number_hash, {
      id: p.id, name: p.name, stationId: p.station_id, stationPath: p.station_path, sex: p.sex,
      birthDate: isoDay(p.birth_date), attributes: p.attributes as unknown as Record<string, unknown>,
    });
  }
  const personIds = [...byHash.values()].map((p) => p.id);
  const existing = new Map<string, { period: string | null; status: string; exclusive: boolean }[]>();
  for (const c of await itemCasesOf(db, def.id, personIds, v.period)) {
    existing.set(c.person_id, [...(existing.get(c.person_id) ?? []), c]);
  }
  const completed = new Map<string, string[]>();
  if (v.wf.eligibility) {
    for (const d of await completedItemsOf(db, personIds, DONE_OUTCOMES)) {
      completed.set(d.person_id, [...(completed.get(d.person_id) ?? []), d.workflow_id]);
    }
  }

  for (const row of rows) {
    const stationCell = stationCells.get(row) ?? '';
    if (!row.idNumber || !parseIdNumber(row.idNumber)) continue;
    const found = byHash.get(idNumberHash(row.idNumber));
    // Outside the uploader's area a person does not exist: the row reads as a new person's, and
    // committing it asks the holding station for the file (src/persons/person-transfer.service.ts).
    const person = found && inSubtree(found.stationPath, v.user.stationPath) ? found : undefined;
    if (found && !person) row.heldElsewhere = found;
    if (person) {
      row.person = person;
      row.display.station = stations.find((s) => s.id === person.stationId)?.name_zh ?? row.display.station;
      if (row.name && row.name !== person.name) row.errors.push({ field: SUBJECT_NAME, message: `姓名与已登记的“${person.name}”不一致，请核对公民身份号码` });
      row.name ||= person.name;
      row.display.name ||= person.name;
      row.attributes = { ...row.attributes, ...person.attributes };
    } else {
      if (!row.name) row.errors.push({ field: SUBJECT_NAME, message: '姓名：新登记人员须填写姓名' });
      let station: Station | undefined;
      if (stationCell) {
        const candidates = stationsByKey.get(stationCell) ?? stationsByKey.get(stationKey(stationCell)) ?? [];
        const inside = candidates.filter((s) => inSubtree(s.path, v.user.stationPath));
        if (inside.length === 1) station = inside[0];
        else if (inside.length > 1) row.errors.push({ field: SUBJECT_STATION, message: `村（社区）“${stationCell}”有重名，请填写服务站全称` });
        else if (candidates.length > 0) row.errors.push({ field: SUBJECT_STATION, message: `村（社区）“${stationCell}”不在本辖区` });
        else row.errors.push({ field: SUBJECT_STATION, message: `没有名为“${stationCell}”的村（社区）服务站` });
      } else if (ownVillage) station = ownVillage;
      else row.errors.push({ field: SUBJECT_STATION, message: '村（社区）：新登记人员须填写所在村（社区）' });
      if (station) {
        row.station = station;
        row.display.station = station.name_zh;
      }
    }
    // Required fields of the forms the roster fills; those the person file already holds are taken from it.
    for (const key of required) {
      if (row.data[key] !== undefined && row.data[key] !== '') continue;
      const source = prefillSource(def, key);
      if (source && (row.attributes[source] !== undefined || ['name', 'idNumber', 'sex', 'birthDate'].includes(source))) continue;
      if (row.errors.some((e) => e.field === key)) continue;
      row.errors.push({ field: key, message: `${rosterField(def, key)!.title}：未填写` });
    }
    // The forms' cross-field rules, as the step that takes this row will apply them.
    for (const formId of touched) {
      for (const e of ruleErrors(def.forms[formId]!, row.data, shanghaiDate(v.now), 'zh')) row.errors.push({ field: e.path.slice(1), message: e.message });
    }
    if (row.errors.length) continue;
    const cases = person ? existing.get(person.id) ?? [] : [];
    if (cases.some((c) => c.period === v.period)) {
      row.status = 'duplicate';
      row.errors.push({ field: SUBJECT_ID, message: `本期（${v.period}）已有该人员的案件，不再重复创建` });
      continue;
    }
    if (cases.some((c) => c.status === 'open' && c.exclusive)) {
      row.errors.push({ field: SUBJECT_ID, message: '该人员已有在办的同一事项案件' });
      continue;
    }
    if (v.wf.eligibility) {
      const facts = parseIdNumber(row.idNumber)!;
      const subject = {
        person: {
          ...row.attributes, sex: person?.sex ?? facts.sex, birthDate: person?.birthDate ?? facts.birthDate,
          age: ageOn(person?.birthDate ?? facts.birthDate, v.now),
        },
        completedItems: person ? completed.get(person.id) ?? [] : [],
      };
      if (!v.wf.eligibility(subject)) row.errors.push({ field: SUBJECT_ID, message: `不符合条件：${def.eligibility!.message.zh}` });
    }
  }
  for (const row of rows) if (row.status === 'valid' && row.errors.length) row.status = 'error';
  return rows;
}
