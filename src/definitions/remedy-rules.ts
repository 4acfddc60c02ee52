import type { WorkflowDefinition } from './definition.types.ts';
import type { Report } from './finding.ts';
import { requiredFields } from './form-rules.ts';
import { isAdverse, noticesOf, transitionsOf } from './transitions.ts';

/**
 * The remedy a transition names must fit the decision: there when it is adverse, told on a notice,
 * the decider's own route (a body above the district names its review body and court on the form).
 */
export function lintRemedies(def: WorkflowDefinition, report: Report): void {
  for (const [name, state] of Object.entries(def.machine.states)) {
    if (state.type === 'final') continue;
    const meta = state.meta;
    for (const [type, t, suffix] of transitionsOf(state)) {
      if (!def.machine.states[t.target ?? name]) continue;
      const path = `$.machine.states.${name}${suffix}.remedy`;
      const formId = meta.events?.[type]?.form;
      const required = requiredFields(formId ? def.forms[formId] : undefined);
      const remedy = t.remedy;
      const adverse = isAdverse(def, name, t);
      if (!remedy) {
        if (adverse) report(path, 'LINT_MISSING_REMEDY');
        continue;
      }
      if (noticesOf(def, name, t).length === 0) report(path, 'LINT_REMEDY_NO_NOTICE');
      if (meta.external && adverse && remedy.kind !== 'external') report(path, 'LINT_REMEDY_EXTERNAL_BODY');
      if (remedy.kind === 'external') {
        if (!meta.external) report(path, 'LINT_REMEDY_EXTERNAL_STEP');
        for (const field of ['decisionBody', 'reviewBody', 'court']) if (!required.includes(field)) report(path, 'LINT_REMEDY_EXTERNAL_FORM', { field });
      }
      if (remedy.kind === 'administrative' && remedy.reviewFirst && !remedy.note) report(path, 'LINT_REVIEW_FIRST_NOTE');
    }
  }
}
