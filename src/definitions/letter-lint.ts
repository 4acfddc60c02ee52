import { NOTICE_DEFAULTS } from '../notices/notice.settings.ts';
import type { JsonSchema, WorkflowDefinition } from './definition.types.ts';

/**
 * A letter goes to the body that acts on it, so it must say which: a form field the clerk fills
 * (the 派出所, the hospital) that some form of the item declares as text, or a setting the service
 * knows. An addressee or a validity on anything but a letter would be printed nowhere.
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
    else if ('setting' in to && !(to.setting in NOTICE_DEFAULTS.addressees)) {
      out.push({ path: `${base}.addressee.setting`, message: `"${to.setting}" is not an addressee setting (${Object.keys(NOTICE_DEFAULTS.addressees).join(', ')})` });
    }
  }
  return out;
}
