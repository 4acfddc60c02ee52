import type { JsonSchema, Localized, Sla, StateConfig, WorkflowDefinition } from '../definitions/definition.types.ts';

export interface Change {
  area: 'item' | 'step' | 'deadline' | 'field' | 'material' | 'notice' | 'event' | 'transition';
  change: 'added' | 'removed' | 'changed';
  /** JSON path in the new definition (or the old one, for removals). */
  path: string;
  text: Localized;
  before?: unknown;
  after?: unknown;
}

function slaText(s: Sla | undefined): Localized {
  if (!s) return { zh: '无时限', en: 'no time limit' };
  if ('workingDays' in s) return { zh: `${s.workingDays}个工作日`, en: `${s.workingDays} working days` };
  if ('calendarDays' in s) return { zh: `${s.calendarDays}日`, en: `${s.calendarDays} days` };
  return { zh: `${s.before}前`, en: `before ${s.before}` };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function keyed<T>(a: Record<string, T>, b: Record<string, T>) {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.map((k) => [k, a[k], b[k]] as const);
}

function transitionsText(s: StateConfig | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [e, t] of Object.entries(s?.on ?? {})) out[e] = (Array.isArray(t) ? t : [t]).map((x) => x.target ?? '(same)').join(' | ');
  return out;
}

/**
 * What a draft changes against another version, said the way policy staff speak: steps, levels,
 * deadlines, form fields, materials, notices and routes added, removed or changed.
 */
export function diffDefinitions(from: WorkflowDefinition, to: WorkflowDefinition): Change[] {
  const out: Change[] = [];
  const push = (c: Change) => out.push(c);
  if (!same(from.title, to.title)) push({ area: 'item', change: 'changed', path: '$.title', text: { zh: `事项名称改为「${to.title.zh}」`, en: `Title is now "${to.title.en}"` }, before: from.title, after: to.title });
  if (!same(from.eligibility, to.eligibility)) push({ area: 'item', change: 'changed', path: '$.eligibility', text: { zh: '申请条件已修改', en: 'Eligibility changed' }, before: from.eligibility, after: to.eligibility });
  if (!same(from.legalBasis, to.legalBasis)) push({ area: 'item', change: 'changed', path: '$.legalBasis', text: { zh: '政策依据已修改', en: 'Legal basis changed' }, before: from.legalBasis, after: to.legalBasis });

  for (const [name, a, b] of keyed(from.machine.states, to.machine.states)) {
    const path = `$.machine.states.${name}`;
    const title = (b ?? a)!.meta.step;
    if (!a) { push({ area: 'step', change: 'added', path, text: { zh: `新增环节「${title.zh}」`, en: `New step "${title.en}"` }, after: b }); continue; }
    if (!b) { push({ area: 'step', change: 'removed', path, text: { zh: `删除环节「${title.zh}」`, en: `Step "${title.en}" removed` }, before: a }); continue; }
    if (!same(a.meta.step, b.meta.step)) push({ area: 'step', change: 'changed', path: `${path}.meta.step`, text: { zh: `环节「${a.meta.step.zh}」更名为「${b.meta.step.zh}」`, en: `Step "${a.meta.step.en}" renamed "${b.meta.step.en}"` }, before: a.meta.step, after: b.meta.step });
    if (a.meta.level !== b.meta.level) push({ area: 'step', change: 'changed', path: `${path}.meta.level`, text: { zh: `「${title.zh}」改由${b.meta.level}办理`, en: `"${title.en}" now done at ${b.meta.level} level` }, before: a.meta.level, after: b.meta.level });
    if (!same(a.meta.sla, b.meta.sla)) {
      push({ area: 'deadline', change: 'changed', path: `${path}.meta.sla`, text: { zh: `「${title.zh}」时限由${slaText(a.meta.sla).zh}改为${slaText(b.meta.sla).zh}`, en: `"${title.en}" time limit ${slaText(a.meta.sla).en} → ${slaText(b.meta.sla).en}` }, before: a.meta.sla, after: b.meta.sla });
    }
    if (!same(a.meta.timer, b.meta.timer)) push({ area: 'deadline', change: 'changed', path: `${path}.meta.timer`, text: { zh: `「${title.zh}」期限由${slaText(a.meta.timer).zh}改为${slaText(b.meta.timer).zh}`, en: `"${title.en}" period ${slaText(a.meta.timer).en} → ${slaText(b.meta.timer).en}` }, before: a.meta.timer, after: b.meta.timer });
    if (Boolean(a.meta.fourEyes) !== Boolean(b.meta.fourEyes)) push({ area: 'step', change: 'changed', path: `${path}.meta.fourEyes`, text: { zh: `「${title.zh}」${b.meta.fourEyes ? '须由另一人审批' : '不再要求另一人审批'}`, en: `"${title.en}" ${b.meta.fourEyes ? 'now needs a second person' : 'no longer needs a second person'}` } });
    for (const [event, ta, tb] of keyed(transitionsText(a), transitionsText(b))) {
      if (ta !== tb) push({ area: 'transition', change: ta === undefined ? 'added' : tb === undefined ? 'removed' : 'changed', path: `${path}.on.${event}`, text: { zh: `「${title.zh}」的操作 ${event}：${ta ?? '无'} → ${tb ?? '无'}`, en: `"${title.en}" ${event}: ${ta ?? 'none'} → ${tb ?? 'none'}` }, before: ta, after: tb });
    }
  }

  for (const [formId, a, b] of keyed<JsonSchema>(from.forms, to.forms)) {
    const pa = (a?.properties ?? {}) as Record<string, JsonSchema>;
    const pb = (b?.properties ?? {}) as Record<string, JsonSchema>;
    const ra = new Set((a?.required as string[] | undefined) ?? []);
    const rb = new Set((b?.required as string[] | undefined) ?? []);
    for (const [field, fa, fb] of keyed(pa, pb)) {
      const path = `$.forms.${formId}.properties.${field}`;
      const label = String((fb ?? fa)!.title ?? field);
      if (!fa) push({ area: 'field', change: 'added', path, text: { zh: `表单「${formId}」新增${rb.has(field) ? '必填' : ''}字段「${label}」`, en: `Form "${formId}": new ${rb.has(field) ? 'required ' : ''}field "${label}"` }, after: fb });
      else if (!fb) push({ area: 'field', change: 'removed', path, text: { zh: `表单「${formId}」删除字段「${label}」`, en: `Form "${formId}": field "${label}" removed` }, before: fa });
      else if (!same(fa, fb) || ra.has(field) !== rb.has(field)) push({ area: 'field', change: 'changed', path, text: { zh: `表单「${formId}」字段「${label}」已修改${ra.has(field) !== rb.has(field) ? (rb.has(field) ? '（改为必填）' : '（改为选填）') : ''}`, en: `Form "${formId}": field "${label}" changed` }, before: fa, after: fb });
    }
  }

  const ma = Object.fromEntries(from.materials.map((m) => [m.id, m]));
  const mb = Object.fromEntries(to.materials.map((m) => [m.id, m]));
  for (const [id, a, b] of keyed(ma, mb)) {
    const path = `$.materials[${to.materials.findIndex((m) => m.id === id)}]`;
    const t = (b ?? a)!.title;
    if (!a) push({ area: 'material', change: 'added', path, text: { zh: `新增${b!.required ? '必交' : b!.condition ? '条件' : '选交'}材料「${t.zh}」`, en: `New ${b!.required ? 'required' : 'optional'} material "${t.en}"` }, after: b });
    else if (!b) push({ area: 'material', change: 'removed', path: `$.materials`, text: { zh: `不再收取材料「${t.zh}」`, en: `Material "${t.en}" no longer collected` }, before: a });
    else if (!same(a, b)) push({ area: 'material', change: 'changed', path, text: { zh: `材料「${t.zh}」${a.required !== b.required ? (b.required ? '改为必交' : '改为选交') : '已修改'}`, en: `Material "${t.en}" ${a.required !== b.required ? (b.required ? 'now required' : 'now optional') : 'changed'}` }, before: a, after: b });
  }

  for (const [key, a, b] of keyed(from.notices, to.notices)) {
    const t = (b ?? a)!.title;
    if (!same(a, b)) push({ area: 'notice', change: !a ? 'added' : !b ? 'removed' : 'changed', path: `$.notices.${key}`, text: { zh: `${!a ? '新增' : !b ? '删除' : '修改'}文书「${t.zh}」`, en: `Notice "${t.en}" ${!a ? 'added' : !b ? 'removed' : 'changed'}` }, before: a, after: b });
  }
  for (const [type, a, b] of keyed(from.events, to.events)) {
    if (!a || !b) push({ area: 'event', change: !a ? 'added' : 'removed', path: `$.events.${type}`, text: { zh: `${!a ? '新增' : '删除'}操作「${(b ?? a)!.label.zh}」`, en: `Action "${(b ?? a)!.label.en}" ${!a ? 'added' : 'removed'}` } });
  }
  return out;
}
