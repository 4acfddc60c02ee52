import type { WorkflowDefinition } from '../definitions/definition.types.ts';
import { issuePoints } from '../definitions/issue-points.ts';
import { message } from '../messages/catalogue.ts';
import { templateNames } from './notice.templates.ts';

/** What a refusal states, so the step that issues one must require it (行政许可法 art. 38, 行政复议法 art. 20). */
const REFUSAL_FIELDS = ['reason', 'legalBasis'] as const;

/** Fields of the issuing step's form that a template prints unconditionally. */
const TEMPLATE_FIELDS: Record<string, readonly string[]> = { refusal: ['reason'] };

/**
 * Problems with a definition's notices, for the linter and tests: a template that does not exist,
 * a notice that no step issues, a step whose form does not require what its notice must print (a
 * refusal's reason, basis and appeal route; the 补正 date comes from the machine's timer).
 */
export function noticeProblems(def: WorkflowDefinition): string[] {
  const problems: string[] = [];
  const templates = new Set(templateNames());
  const points = issuePoints(def);
  for (const [key, n] of Object.entries(def.notices)) {
    if (!templates.has(n.template)) problems.push(message('en', 'LINT_NOTICE_NO_TEMPLATE', { notice: key, template: n.template }));
    if (!points.some((p) => p.noticeKey === key)) problems.push(message('en', 'LINT_NOTICE_NOT_ISSUED', { notice: key }));
  }
  for (const p of points) {
    const notice = def.notices[p.noticeKey];
    if (!notice) continue;
    const required = (p.form ? (def.forms[p.form]?.required as string[] | undefined) : undefined) ?? [];
    const needs = new Set([...(notice.kind === 'refusal' ? REFUSAL_FIELDS : []), ...(TEMPLATE_FIELDS[notice.template] ?? [])]);
    // A notice that states its own reason (a timer's, with no form) does not take it from the form.
    if (notice.reason) needs.delete('reason');
    const lacking = [...needs].filter((f) => !required.includes(f));
    if (lacking.length) problems.push(message('en', 'LINT_NOTICE_FORM_LACKS', { step: `${p.fromState ?? '(start)'}.${p.event}`, notice: p.noticeKey, fields: lacking.join(', ') }));
  }
  return problems;
}
