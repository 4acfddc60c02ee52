import type { JsonSchema, Material, WorkflowDefinition } from '../definitions/definition.types.ts';
import { choiceLabel } from '../definitions/choice-labels.ts';
import { message } from '../messages/catalogue.ts';
import type { Field, NoticeFacts } from './notice-facts.ts';
import { letterParts } from './letter-model.ts';
import { correctionTerms } from './correction-terms.ts';
import { markupSafe } from './markup.ts';
import { ADVERSE_NOTICE_KINDS, takenTransition } from '../definitions/transitions.ts';
import { chineseDate, chineseDateTime, chineseIsoDate, maskValue, yuan } from './notice-format.ts';
import { remedySentence } from './remedies.ts';
import { isMoney } from '../definitions/money-fields.ts';

type Props = Record<string, JsonSchema>;

/** Fields that have a place of their own on a notice rather than in the list of results. */
const DECISION_FIELDS = new Set(['reasonCode', 'reason', 'legalBasis', 'decisionBody', 'reviewBody', 'court', 'documentNumber', 'decisionDate']);
const CORRECTION_FIELDS = new Set(['missing', 'note']);
const NEVER_LISTED = new Set(['materials', 'noticePlace', 'publicNoticeRequired']);

function formOf(def: WorkflowDefinition, state: string | null, event: string): JsonSchema | undefined {
  if (!state) return undefined;
  const formId = def.machine.states[state]?.meta.events?.[event]?.form;
  return formId ? def.forms[formId] : undefined;
}

/** One form value as a notice prints it: labels for codes, yuan for fen, Chinese dates, masked personal data. */
function formatValue(key: string, prop: JsonSchema, value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  if (prop['x-sensitive'] && typeof value === 'string') return maskValue(key, value);
  if (typeof value === 'boolean') return message('zh', value ? 'NOTICE_YES' : 'NOTICE_NO');
  const label = Array.isArray(value) ? undefined : choiceLabel(prop, value, 'zh');
  if (label) return label;
  if (typeof value === 'number') {
    if (isMoney(prop)) return yuan(value);
    if (/Percent$/.test(key)) return `${value}%`;
    return String(value);
  }
  if (typeof value === 'string') {
    if (prop.format === 'date' || /^\d{4}-\d{2}(-\d{2})?$/.test(value)) return chineseIsoDate(value);
    return value;
  }
  if (Array.isArray(value)) {
    const items = (prop.items ?? {}) as JsonSchema;
    return value.map((v) => {
      if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        return String(o.name ?? o.title ?? Object.values(o).find((x) => typeof x === 'string') ?? '');
      }
      return choiceLabel(prop, v, 'zh') ?? (formatValue(key, items, v) || String(v));
    }).filter(Boolean).join('、');
  }
  return '';
}

/** The fields of a form that the data fills, in the form's order, printable. */
function fieldsOf(form: JsonSchema | undefined, data: Record<string, unknown>, skip: Set<string>): Field[] {
  const props = (form?.properties ?? {}) as Props;
  const out: Field[] = [];
  for (const [key, prop] of Object.entries(props)) {
    if (skip.has(key) || NEVER_LISTED.has(key) || !(key in data)) continue;
    const value = formatValue(key, prop, data[key]);
    // Amounts are kept in fen and printed in yuan: the form's "（分）" would mislead.
    const label = String(prop.title ?? key).replace(/[（(](分|元)[）)]/g, '');
    if (value) out.push({ label: markupSafe(label), value: markupSafe(value) });
  }
  return out;
}

function materialTitle(def: WorkflowDefinition, id: string): Material | undefined {
  return def.materials.find((m) => m.id === id);
}

/** The item's legal basis, articles grouped under their instrument: 《A》第八条、第九条，《B》第五条. */
function legalBasisOf(def: WorkflowDefinition): string {
  const byInstrument = new Map<string, string[]>();
  for (const b of def.legalBasis) {
    const name = b.instrument.replace(/[《》]/g, '');
    byInstrument.set(name, [...(byInstrument.get(name) ?? []), b.article]);
  }
  return [...byInstrument].map(([name, articles]) => `《${name}》${[...new Set(articles)].join('、')}`).join('，');
}

/** Drops undefined entries so that a strict template fails on a field that is really missing. */
function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? markupSafe(v.trim()) : undefined;
}

/**
 * The data a notice template sees. Values are formatted and made markup-safe here, so that the
 * templates stay plain; what a notice needs but the step did not supply is left out, and the
 * strict template then fails the step instead of printing a blank.
 */
export function buildNoticeModel(f: NoticeFacts): Record<string, unknown> {
  const def = f.definition;
  const d = f.event.data;
  const form = formOf(def, f.event.fromState, f.event.type);
  const formProps = (form?.properties ?? {}) as Props;
  const toState = def.machine.states[f.event.toState];
  const isRefusal = f.notice.kind === 'refusal';

  const received = f.materials.map((id) => materialTitle(def, id)).filter((m): m is Material => !!m)
    .map((m, i) => ({ no: i + 1, title: markupSafe(m.title.zh), original: message('zh', m.originalSeen ? 'NOTICE_ORIGINAL_SEEN' : 'NOTICE_COPY') }));

  // The clerk picks what is missing from the item's checklist
  // (the correction form's `missing`); all of it is told at once.
  const missingIds = [...new Set(Array.isArray(d.missing) ? (d.missing as string[]) : [])];
  const missing = missingIds.map((id, i) => {
    const m = materialTitle(def, id);
    return { no: i + 1, title: markupSafe(m?.title.zh ?? id), requirement: message('zh', m?.originalSeen ? 'NOTICE_BRING_ORIGINAL' : 'NOTICE_BRING_COPY') };
  });
  const correctionNotes = fieldsOf(form, d, new Set([...CORRECTION_FIELDS, ...DECISION_FIELDS]));
  if (text(d.note)) correctionNotes.push({ label: message('zh', 'NOTICE_OTHER_CORRECTIONS'), value: text(d.note)! });

  const reasonCode = typeof d.reasonCode === 'string' ? d.reasonCode : undefined;
  const reasonLabel = reasonCode && formProps.reasonCode ? formatValue('reasonCode', formProps.reasonCode, reasonCode) : undefined;
  const external = text(d.decisionBody);
  const decision = defined({
    // A notice the machine issues by itself (a timer's) has no form: its definition states why.
    reason: text(d.reason) ?? (f.notice.reason ? markupSafe(f.notice.reason.zh) : undefined),
    reasonLabel: reasonLabel && reasonLabel !== '其他' ? markupSafe(reasonLabel) : null,
    // A refusal names the basis the step gave; other adverse notices fall back to the item's own.
    legalBasis: text(d.legalBasis) ?? text(f.notice.legalBasis)
      ?? (isRefusal ? undefined : markupSafe(legalBasisOf(def))),
    decisionBody: external ?? null,
    documentNumber: text(d.documentNumber) ?? null,
    decisionDate: typeof d.decisionDate === 'string' ? chineseIsoDate(d.decisionDate) : null,
  });
  // The route is the one the transition names (the linter makes every adverse one name it); a
  // notice without one prints none, and an adverse template's strict `remedies` then fails the step.
  const remedy = f.event.fromState
    ? takenTransition(def, f.event.fromState, f.event.type, f.event.toState)?.remedy
    : undefined;
  const remedies = remedy
    ? markupSafe(remedySentence(remedy, f.settings, f.notice.title.zh, {
      decisionBody: external, reviewBody: text(d.reviewBody), court: text(d.court),
    }))
    : undefined;

  const periodEnd = f.timerAt ?? f.dueAt;
  const resultFields = fieldsOf(form, d, new Set([...DECISION_FIELDS, ...CORRECTION_FIELDS]));
  const publicContent = resultFields.filter((x) => !/意见|说明|备注/.test(x.label));

  return {
    notice: { key: f.noticeKey, kind: f.notice.kind, title: markupSafe(f.notice.title.zh) },
    decisionPhrase: markupSafe(f.notice.title.zh.replace(/（[^）]*）/g, '').replace(/(告知书|通知书|决定书|通知)$/, '')),
    number: f.number,
    code: f.code,
    organ: f.organ,
    item: markupSafe(def.title.zh),
    caseNo: f.caseNo,
    personName: markupSafe(f.personName),
    addressee: markupSafe(f.addressee),
    station: markupSafe(f.station),
    handler: markupSafe(f.handler),
    contactPhone: f.settings.contactPhone ?? null,
    issuedDate: chineseDate(f.issuedAt),
    issuedDateTime: chineseDateTime(f.issuedAt),
    appliedDate: chineseDate(f.appliedAt),
    // 不予受理 answers an application; a decision on a running payment or an ex-officio item does not.
    appliedPhrase: def.initiation === 'application' ? message('zh', 'NOTICE_APPLIED_ON', { date: chineseDate(f.appliedAt) }) : '的',
    step: markupSafe(def.events[f.event.type]?.label.zh ?? f.event.type),
    nextStep: toState && toState.type !== 'final' ? markupSafe(toState.meta.step.zh) : null,
    isFinal: toState?.type === 'final',
    dueDate: f.dueAt && toState?.type !== 'final' ? chineseDate(f.dueAt) : null,
    itemLegalBasis: markupSafe(legalBasisOf(def)),
    fields: f.notice.kind === 'decision' ? [...resultFields, ...(f.lateness ?? [])] : resultFields,
    materials: { received, missing },
    correction: defined({
      items: missing, notes: correctionNotes, ...correctionTerms(def, f.event.toState, f.timerAt),
    }),
    decision,
    remedies: remedies ?? (ADVERSE_NOTICE_KINDS.has(f.notice.kind) ? undefined : null),
    publicNotice: {
      rows: [{ no: 1, name: markupSafe(f.personName), station: markupSafe(f.station), content: publicContent.map((x) => `${x.label}：${x.value}`).join('；') || markupSafe(def.title.zh) }],
      from: chineseDate(f.issuedAt),
      to: periodEnd ? chineseDate(periodEnd) : null,
      place: text(d.noticePlace) ?? markupSafe(f.station),
    },
    verifyUrl: f.verifyUrl,
    ...letterParts(f, formatValue),
  };
}
