import { ADDRESSEE_SETTINGS } from './addressees.ts';
import type { WorkflowDefinition } from './definition.types.ts';
import type { Report } from './finding.ts';
import { issuePoints } from './issue-points.ts';

/**
 * A letter goes to the body that acts on it, so it must say which: a text field that the form of
 * every step issuing the letter requires (the clerk names the 派出所 or hospital each time a letter is
 * written), or a setting the service knows. An addressee or a validity on anything but a letter
 * would be printed nowhere.
 */
export function lintLetters(def: WorkflowDefinition, report: Report): void {
  const textFields = new Set(Object.values(def.forms)
    .flatMap((form) => Object.entries(form.properties ?? {}))
    .filter(([, prop]) => prop.type === 'string' && !prop.format)
    .map(([key]) => key));
  for (const [key, n] of Object.entries(def.notices)) {
    const base = `$.notices.${key}`;
    if (n.kind !== 'letter') {
      if (n.addressee) report(`${base}.addressee`, 'LINT_ADDRESSEE_NOT_LETTER');
      if (n.validity) report(`${base}.validity`, 'LINT_VALIDITY_NOT_LETTER');
      continue;
    }
    const to = n.addressee;
    if (!to) report(base, 'LINT_LETTER_NO_ADDRESSEE');
    else if ('field' in to && !textFields.has(to.field)) report(`${base}.addressee.field`, 'LINT_ADDRESSEE_FIELD_NOT_TEXT', { field: to.field });
    else if ('field' in to) {
      for (const p of issuePoints(def).filter((x) => x.noticeKey === key)) {
        const required = p.form ? def.forms[p.form]?.required : undefined;
        if (!required?.includes(to.field)) report(`${base}.addressee.field`, 'LINT_ADDRESSEE_NOT_REQUIRED', { step: `${p.fromState ?? '(start)'}.${p.event}`, field: to.field });
      }
    } else if ('setting' in to && !(to.setting in ADDRESSEE_SETTINGS)) {
      report(`${base}.addressee.setting`, 'LINT_ADDRESSEE_SETTING_UNKNOWN', { setting: to.setting, known: Object.keys(ADDRESSEE_SETTINGS).join(', ') });
    }
  }
}
