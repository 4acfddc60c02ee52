/**
 * Renders a form's fields through the widget templates of templates/pages/form/, one partial per
 * widget, autoescaped. An environment of its own, loaded on first use: forms are rendered outside
 * pages too (the policy editor's preview, tests), and the pages take the result as finished HTML.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { JsonSchema } from '../definitions/definition.types.ts';
import { MAX_ATTACHMENT_BYTES } from '../attachments/file-check.ts';
import { message } from '../messages/catalogue.ts';
import type { Lang } from '../messages/lang.ts';
import { objectFields, type FileThumb, type RenderContext, type UploadBox } from './form-fields.ts';
import { inProject } from '../project-root.ts';

export type { RenderContext };

const formDir = inProject('templates', 'pages', 'form');

interface Templates {
  form: Handlebars.TemplateDelegate;
  uploads: Handlebars.TemplateDelegate;
}

let templates: Templates | undefined;

/** Line breaks and the indentation after them only lay the templates out; they are not part of the HTML. */
function readTemplate(file: string): string {
  return readFileSync(path.join(formDir, file), 'utf8').replace(/\n\s*/g, '');
}

function load(): Templates {
  if (templates) return templates;
  const hb = Handlebars.create();
  for (const f of readdirSync(formDir).filter((x) => x.endsWith('.hbs'))) hb.registerPartial(f.slice(0, -4), readTemplate(f));
  const compile = (name: string) => hb.compile(readTemplate(`${name}.hbs`), { strict: false });
  templates = { form: compile('form'), uploads: compile('uploads') };
  return templates;
}

/** The fixed words of the widgets, in the page's language. */
function texts(lang: Lang) {
  return {
    errorPrefix: message(lang, 'FORM_ERROR_PREFIX'), required: message(lang, 'FORM_REQUIRED'), conditional: message(lang, 'FORM_CONDITIONAL'),
    opensInNewWindow: message(lang, 'FILE_OPENS_IN_NEW_WINDOW'), maxBytes: MAX_ATTACHMENT_BYTES,
  };
}

/** The fields of a form (no <form> element: the page supplies it, with the CSRF token and buttons). */
export function renderForm(schema: JsonSchema, data: Record<string, unknown>, ctx: RenderContext): string {
  return load().form({ fields: objectFields(schema, '', data, ctx), texts: texts(ctx.lang) });
}

/** File boxes outside the form's fields: one per material of the step, with its files, and one for other papers. */
export interface Uploads {
  materials: { title: string; received?: string; files: FileThumb[]; upload: UploadBox }[];
  other: UploadBox;
}

export function renderUploads(uploads: Uploads, lang: Lang): string {
  return load().uploads({ ...uploads, texts: texts(lang) });
}
