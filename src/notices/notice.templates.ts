import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { noticeTemplateNames } from '../definitions/template-names.ts';
import { parseMarkup } from './markup.ts';
import { inProject } from '../project-root.ts';

const templatesFolder = inProject('templates', 'notices') + '/';

/** A template needs a field the step did not supply; the step fails with it named. */
export class MissingNoticeField extends Error {
  constructor(readonly template: string, readonly field: string) {
    super(`notice template "${template}" needs "${field}"`);
  }
}

// An isolated, strict environment: no global helpers or partials, and a missing field throws.
const hbs = Handlebars.create();
const compiled = new Map<string, HandlebarsTemplateDelegate>();

function load(): void {
  for (const name of noticeTemplateNames()) {
    const source = readFileSync(`${templatesFolder}${name}.hbs`, 'utf8');
    compiled.set(name, hbs.compile(source, { strict: true, noEscape: true, knownHelpersOnly: true }));
  }
}
load();

export function templateNames(): string[] {
  return [...compiled.keys()];
}

/** Renders a notice's text (markup, see markup.ts) and checks that it lays out. */
export function renderContent(template: string, model: Record<string, unknown>): string {
  const fn = compiled.get(template);
  if (!fn) throw new Error(`no notice template "${template}" in templates/notices`);
  let out: string;
  try {
    out = fn(model);
  } catch (err) {
    const m = /"([^"]+)" not defined in/.exec((err as Error).message);
    if (m) throw new MissingNoticeField(template, m[1]!);
    throw err;
  }
  const content = out.split('\n').map((l) => l.trim()).filter(Boolean).join('\n');
  parseMarkup(content);
  return content;
}
