import type { WorkflowDefinition } from './definition.types.ts';
import type { Report } from './finding.ts';
import { issuePoints } from './issue-points.ts';
import { noticeTemplateNames } from './template-names.ts';
import { REFUSING_OUTCOMES } from './transitions.ts';

/** What a refusal states, so the step that issues one must require it (行政许可法 art. 38, 行政复议法 art. 20). */
const REFUSAL_FIELDS = ['reason', 'legalBasis'] as const;

/** Fields of the issuing step's form that a template prints unconditionally. */
const TEMPLATE_FIELDS: Record<string, readonly string[]> = { refusal: ['reason'] };

/**
 * The notices as the renderer will need them: a template that exists, a step that issues each, and
 * an issuing step whose form requires what the notice must print (a refusal's reason and basis; the
 * 补正 date comes from the machine's timer). A move that ends the case refused is held to its
 * reason and basis by the machine's own check (LINT_REFUSAL_FORM), not told twice here.
 */
export function lintNotices(def: WorkflowDefinition, report: Report): void {
  const templates = new Set(noticeTemplateNames());
  const points = issuePoints(def);
  for (const [key, n] of Object.entries(def.notices)) {
    if (!templates.has(n.template)) report(`$.notices.${key}.template`, 'LINT_NOTICE_NO_TEMPLATE', { notice: key, template: n.template });
    if (!points.some((p) => p.noticeKey === key)) report(`$.notices.${key}`, 'LINT_NOTICE_NOT_ISSUED', { notice: key });
  }
  for (const p of points) {
    const notice = def.notices[p.noticeKey];
    if (!notice) continue;
    const required = (p.form ? def.forms[p.form]?.required : undefined) ?? [];
    const target = def.machine.states[p.toState];
    const endsRefused = target?.type === 'final' && REFUSING_OUTCOMES.has(target.meta.outcome ?? '');
    const needs = new Set([...(notice.kind === 'refusal' ? REFUSAL_FIELDS : []), ...(TEMPLATE_FIELDS[notice.template] ?? [])]);
    if (endsRefused) for (const f of REFUSAL_FIELDS) needs.delete(f);
    // A notice that states its own reason (a timer's, with no form) does not take it from the form.
    if (notice.reason) needs.delete('reason');
    const lacking = [...needs].filter((f) => !required.includes(f));
    if (lacking.length === 0) continue;
    const path = p.fromState ? `$.machine.states.${p.fromState}.meta.events.${p.event}` : `$.notices.${p.noticeKey}`;
    report(path, 'LINT_NOTICE_FORM_LACKS', { step: `${p.fromState ?? '(start)'}.${p.event}`, notice: p.noticeKey, fields: lacking.join(', ') });
  }
}
