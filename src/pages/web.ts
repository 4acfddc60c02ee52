import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../auth/auth.plugin.ts';
import { can } from '../jurisdiction/authorize.ts';
import type { Lang } from '../messages/lang.ts';
import { csrfToken } from './csrf.ts';
import { render } from './view.ts';

const LANG_COOKIE = 'lang';
export const COUNTER_COOKIE = 'counter';

/** Chinese unless the clerk chose English (`?lang=en`, remembered in a cookie). */
export function pageLang(req: FastifyRequest): Lang {
  const q = (req.query as { lang?: string } | undefined)?.lang;
  if (q === 'en' || q === 'zh') return q;
  return req.cookies?.[LANG_COOKIE] === 'en' ? 'en' : 'zh';
}

/** Each language as the html element's lang attribute spells it. */
const LANGUAGE_TAG: Record<Lang, string> = { zh: 'zh-CN', en: 'en' };
const OTHER_LANG: Record<Lang, { lang: Lang; label: string }> = {
  zh: { lang: 'en', label: 'English' },
  en: { lang: 'zh', label: '中文' },
};

// ---------------------------------------------------------------- posted forms

interface PostedFile {
  field: string;
  filename: string;
  bytes: Buffer;
  truncated: boolean;
}

export interface PostedForm {
  get(name: string): string[];
  first(name: string): string | undefined;
  files: PostedFile[];
}

interface MultipartPart {
  type: 'field' | 'file';
  fieldname: string;
  value?: unknown;
  filename?: string;
  _buf?: Buffer;
  file?: { truncated?: boolean };
}

/** Fields and files of a urlencoded or multipart body, alike. */
export function posted(req: FastifyRequest): PostedForm {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const fields = new Map<string, string[]>();
  const files: PostedFile[] = [];
  for (const [key, raw] of Object.entries(body)) {
    const list = Array.isArray(raw) ? raw : [raw];
    for (const v of list) {
      if (v && typeof v === 'object' && 'type' in (v as object)) {
        const p = v as MultipartPart;
        if (p.type === 'file') {
          if (p.filename) {
            files.push({
              field: key, filename: p.filename, bytes: p._buf ?? Buffer.alloc(0), truncated: p.file?.truncated === true,
            });
          }
        } else fields.set(key, [...(fields.get(key) ?? []), String(p.value ?? '')]);
      } else if (typeof v === 'string') fields.set(key, [...(fields.get(key) ?? []), v]);
    }
  }
  return { get: (n) => fields.get(n) ?? [], first: (n) => fields.get(n)?.[0], files };
}

// ---------------------------------------------------------------- the page frame

export interface PageOptions {
  secret: string;
  /** PUBLIC_BASE_URL: an origin page posts may come from besides the request's own. */
  publicBaseUrl: string;
  /** The demo district is seeded: the login page names the demo users and their password. */
  demo?: boolean;
}

/** What every page's layout needs: who is logged in, the language, the CSRF token, the session's end. */
async function frame(req: FastifyRequest, reply: FastifyReply, title: string): Promise<Record<string, unknown>> {
  const lang = pageLang(req);
  const q = (req.query as { lang?: string } | undefined)?.lang;
  if ((q === 'en' || q === 'zh') && req.cookies?.[LANG_COOKIE] !== q) {
    reply.setCookie(LANG_COOKIE, q, { path: '/', sameSite: 'lax', maxAge: 365 * 86400, secure: req.protocol === 'https' });
  }
  // The browser session's end, for the warning banner (an API token in a page request has none to extend).
  const session = req.authSession;
  const expiresAt = session?.kind === 'cookie' && req.cookies?.[SESSION_COOKIE] ? session.expiresAt.toISOString() : null;
  const path = req.url.split('?')[0] ?? '/';
  // The language link reloads the same page by GET; a page shown after a POST goes to its GET twin.
  const getPath = req.method === 'GET' ? path : path === '/search' ? '/' : path.replace(/\/(acts|attachments)$/, '');
  const langUrl = new URL(req.method === 'GET' ? req.url : getPath, 'http://x');
  const other = OTHER_LANG[lang];
  langUrl.searchParams.set('lang', other.lang);
  const user = req.user;
  return {
    lang,
    htmlLang: LANGUAGE_TAG[lang],
    title,
    // What the menu and the home page offer; the routes behind them check the same rules.
    user: user && {
      ...user,
      canRegister: can(user, 'person.register'),
      canImportRosters: can(user, 'roster.import'),
      canOversee: can(user, 'supervision.oversee'),
      canEditPolicy: can(user, 'policy.edit'),
      canManage: can(user, 'admin.manage'),
    },
    csrf: csrfToken(req, reply),
    sessionExpiresAt: expiresAt,
    serverNow: req.server.clock.now().toISOString(),
    counterMode: req.cookies?.[COUNTER_COOKIE] === '1',
    path,
    otherLang: { code: LANGUAGE_TAG[other.lang], label: other.label },
    langHref: `${langUrl.pathname}${langUrl.search}`,
    // Where the header's small forms (counter mode, stay logged in) come back to.
    returnPath: req.method === 'GET' ? req.url.replace(/([?&])lang=[^&]*&?/, '$1').replace(/[?&]$/, '') : getPath,
    nav: { home: path === '/', supervision: path.startsWith('/supervision'), newPerson: path === '/persons/new', rosters: path.startsWith('/rosters') },
  };
}

/** Sends a rendered page. */
export async function sendPage(
  req: FastifyRequest, reply: FastifyReply, name: string, title: string, ctx: Record<string, unknown>, status = 200,
): Promise<FastifyReply> {
  const base = await frame(req, reply, title);
  const html = render(name, { ...base, ...ctx });
  return reply.status(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
}

const SAME_SITE = 'http://same-site.invalid';
// Browsers drop tabs and newlines from a URL and read a backslash as "/", so "/\t/evil.example"
// is "//evil.example" to them. \p{Cc} is U+0000-U+001F and U+007F-U+009F.
const UNSAFE_IN_NEXT = /[\p{Cc}\\]/u;

/**
 * A safe place to go back to after logging in: a path on this site, nothing else (home otherwise).
 * Returned as the URL parser spells it, percent-encoded, so it always fits in a Location header.
 */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/') || UNSAFE_IN_NEXT.test(next)) return '/';
  const url = URL.parse(next, SAME_SITE);
  const path = url?.origin === SAME_SITE ? `${url.pathname}${url.search}${url.hash}` : '/';
  // Dot segments can leave two slashes in front ("/.//evil.example"): another site again.
  return path.startsWith('//') ? '/' : path;
}

export function see(reply: FastifyReply, url: string): FastifyReply {
  return reply.redirect(url, 303);
}
