import { issuePoints } from './issue-points.ts';
import { ADDRESSEE_SETTINGS } from './addressees.ts';
import type { JsonSchema, WorkflowDefinition } from './definition.types.ts';

/**
 * A letter goes to the body that acts on it, so it must say which: a text field that the form of
 * every step issuing the letter requires (the clerk names the 派出所 or hospital each time a letter is
 * written), or a setting the service knows. An addressee or a validity on anything but a letter
 * would be printed nowhere.
 */
export function letterFindings(def: WorkflowDefinition): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  const textFields = new Set(Object.values(def.forms).flatMap((form) => Object.entries((form.properties ?? {}) as Record<string, JsonSchema>)
    .filter(([, prop]) => prop.type === 'string' && !prop.format).map(([key]) => key)));
  for (const [key, n] of Object.entries(def.notices)) {
    const base = `$.notices.${key}`;
    if (n.kind !== 'letter') {
      if (n.addressee) out.push({ path: `${base}.addressee`, message: 'only a letter (kind "letter") has an addressee' });
      if (n.validity) out.push({ path: `${base}.validity`, message: 'only a letter (kind "letter") has a validity' });
      continue;
    }
    const to = n.addressee;
    if (!to) out.push({ path: base, message: 'a letter must name its addressee: a form field ({ "field": … }) or a setting ({ "setting": … })' });
    else if ('field' in to && !textFields.has(to.field)) out.push({ path: `${base}.addressee.field`, message: `field "${to.field}" is in no form as text` });
    else if ('field' in to) {
      for (const p of issuePoints(def).filter((x) => x.noticeKey === key)) {
        const required = (p.form ? def.forms[p.form]?.required : undefined) as string[] | undefined;
        if (!required?.includes(to.field)) out.push({ path: `${base}.addressee.field`, message: `${p.fromState ?? '(start)'}.${p.event} issues this letter but its form does not require "${to.field}"` });
      }
    }
    else if ('setting' in to && !(to.setting in ADDRESSEE_SETTINGS)) {
      out.push({ path: `${base}.addressee.setting`, message: `"${to.setting}" is not an addressee setting (${Object.keys(ADDRESSEE_SETTINGS).join(', ')})` });
    }
  }
  return out;
}
