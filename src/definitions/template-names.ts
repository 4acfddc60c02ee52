import { readdirSync } from 'node:fs';
import { inProject } from '../project-root.ts';

/** The notice templates there are: templates/notices/<name>.hbs, read once. */
let names: readonly string[] | undefined;

/** What a definition's notice may name as its template; the renderer loads these same files. */
export function noticeTemplateNames(): readonly string[] {
  return (names ??= readdirSync(inProject('templates', 'notices')).filter((f) => f.endsWith('.hbs')).map((f) => f.slice(0, -4)).sort());
}
