import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { Localized } from '../definitions/definition.types.ts';
import type { Lang } from '../messages/lang.ts';
import { formatShanghai, shanghaiDate } from '../time/shanghai.ts';
import { inProject } from '../project-root.ts';

/** Templates of the pages: templates/pages/*.hbs, partials in templates/pages/partials/. */
const templatesDir = inProject('templates', 'pages');

// An environment of our own: helpers registered here do not leak into the notices' templates.
const hb = Handlebars.create();

/** 2026-09-20 in Beijing time. */
function fmtDate(v: Date | string | null | undefined): string {
  if (!v) return '';
  const d = typeof v === 'string' ? new Date(v) : v;
  return Number.isNaN(d.getTime()) ? String(v) : shanghaiDate(d);
}

/** 2026-09-20 14:05 in Beijing time. */
export function fmtDateTime(v: Date | string | null | undefined): string {
  if (!v) return '';
  const d = typeof v === 'string' ? new Date(v) : v;
  return Number.isNaN(d.getTime()) ? String(v) : formatShanghai(d, 'yyyy-MM-dd HH:mm');
}

export function loc(lang: Lang, v: Localized | string | null | undefined): string {
  if (!v) return '';
  if (typeof v === 'string') return v;
  return (lang === 'en' ? v.en : v.zh) || v.zh;
}

/** Keeps `{{name}}` tokens of interpolated texts: `{{t "共{n}件" "{n} cases" n=3}}`. */
function interpolate(s: string, hash: Record<string, unknown>): string {
  return s.replace(/\{(\w+)\}/g, (m, k: string) => (k in hash ? String(hash[k] ?? '') : m));
}

hb.registerHelper('t', function (this: unknown, zh: string, en: string, options: Handlebars.HelperOptions) {
  const lang = (options.data.root as { lang: Lang }).lang;
  return interpolate(lang === 'en' ? en : zh, options.hash ?? {});
});
hb.registerHelper('l', (v: Localized | string | null | undefined, options: Handlebars.HelperOptions) => loc((options.data.root as { lang: Lang }).lang, v));
hb.registerHelper('date', (v: Date | string | null | undefined) => fmtDate(v));
hb.registerHelper('datetime', (v: Date | string | null | undefined) => fmtDateTime(v));
hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
hb.registerHelper('ne', (a: unknown, b: unknown) => a !== b);
hb.registerHelper('not', (a: unknown) => !a);
hb.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean));
hb.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).find(Boolean) ?? false);
hb.registerHelper('inc', (n: number) => Number(n) + 1);
hb.registerHelper('gt', (a: number, b: number) => Number(a) > Number(b));
hb.registerHelper('includes', (list: unknown[] | undefined, v: unknown) => Array.isArray(list) && list.includes(v));
hb.registerHelper('kb', (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`));
/** Pre-rendered, already escaped HTML (the form renderer's output). */
hb.registerHelper('html', (s: string) => new hb.SafeString(s ?? ''));

const pages = new Map<string, Handlebars.TemplateDelegate>();
let layout: Handlebars.TemplateDelegate | undefined;

/** Compiles every page and partial once, at start. */
export function loadTemplates(dir = templatesDir): void {
  const partialsDir = path.join(dir, 'partials');
  for (const f of readdirSync(partialsDir).filter((f) => f.endsWith('.hbs'))) {
    hb.registerPartial(f.slice(0, -4), readFileSync(path.join(partialsDir, f), 'utf8'));
  }
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.hbs'))) {
    const tpl = hb.compile(readFileSync(path.join(dir, f), 'utf8'), { strict: false, preventIndent: true });
    if (f === 'layout.hbs') layout = tpl;
    else pages.set(f.slice(0, -4), tpl);
  }
}

/** Renders a page into the layout. */
export function render(name: string, ctx: Record<string, unknown>): string {
  const page = pages.get(name);
  if (!page || !layout) throw new Error(`no page template ${name}`);
  const body = page(ctx);
  return layout({ ...ctx, body });
}

export const SafeString = hb.SafeString;

export function escapeHtml(s: unknown): string {
  return hb.escapeExpression(String(s ?? ''));
}
