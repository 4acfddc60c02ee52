import type { Test } from 'tap';
import fc from 'fast-check';
import { sql } from 'kysely';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { build, login, OWN_ORIGIN } from './build.ts';
import { dischargeIntake } from './fixtures.ts';
import { allRoutes } from './routes.ts';

/*
 * Property-based tests (fast-check) of every route with malformed, oversized, wrongly typed and
 * hostile requests: never a 5xx, never a stack trace or a file path in the answer, always a 4xx
 * with a message (JSON {code, message} from the API, an error page from the pages), and the
 * database exactly as it was after every refused request. Runs are seeded and bounded
 * (FUZZ_RUNS scales them; FC_SEED replays a failure).
 */
export const SCALE = Number(process.env.FUZZ_RUNS ?? 1);
export const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);

const HOSTILE = [
  "' OR '1'='1", "1'; DROP TABLE case_events; --", "'); DELETE FROM persons; --", '1 UNION SELECT password_hash FROM users', "' || pg_sleep(5) || '",
  // eslint-disable-next-line no-template-curly-in-string -- a template-injection probe: the ${…} is the payload
  '{{constructor.constructor("return process")()}}', '{{#each this}}{{this}}{{/each}}', '${process.exit(1)}', '#{7*7}', '<%= 7*7 %>', '{{7*7}}',
  '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'javascript:alert(1)', '../../../../etc/passwd', '..\\..\\windows\\win.ini', '%2e%2e%2f',
  '\u0000', 'a\u0000b', '\u202eevil\u202c', '\u200b\u200c\u200d\ufeff', '\ud800', 'x\udfffy', 'Ａ１２３', '３３０１０２２００２０３１５１３１０', '330102200203151310\u0000',
  '１３８００１３８０００', '\u0130\u0131', '👨‍👩‍👧‍👦', '𠮷'.repeat(50), 'ﷺ', '\r\nSet-Cookie: sid=evil', '%0d%0aX-Injected: 1', '__proto__', 'constructor', 'prototype',
  'NaN', 'Infinity', '-1', '0', '1e309', '-0', '9'.repeat(400), 'null', 'true', '[]', '{}', '', ' ', '\t\n', 'x'.repeat(5000), 'SUBMIT', 'DEADLINE', 'MIGRATE',
];

export const hostileString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }) },
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 31), 1e308) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 4 }) },
);

/** Numbers that coercion turns into something else: Infinity, NaN, -0, hex read as 16, a 20-digit integer rounded. */
export const HOSTILE_NUMBERS = ['1e999', 'Infinity', 'NaN', '-0', '0x10', '12345678901234567890'];
/**
 * More of them, for the parameters typed as numbers: exponents, signs, blanks and a trailing point
 * that ajv reads as digits.
 */
export const MORE_HOSTILE_NUMBERS = ['-1e999', '-Infinity', '1e1', ' 5', '5.', '+5'];

/**
 * What the pages read from a query string by hand (src/pages/); the API's parameters come from its
 * OpenAPI document.
 */
export const PAGE_QUERY = ['lang', 'next', 'bye', 'done', 'saved', 'acted', 'uploaded', 'reveal', 'registered', 'name', 'version', 'preview', 'published', 'batch', 'job',
  'due', 'stationId', 'workflowId', 'stepLevel', 'assigneeId', 'minAgeDays', 'soonDays', 'idleDays', 'cursor', 'from', 'to'];

interface Parameter { in: string; name: string; schema?: { type?: string } }

/**
 * Each API route's query and path parameters, from the OpenAPI document the route schemas make
 * ("GET /api/v1/cases/:id" → parameters).
 */
export function apiParameters(app: FastifyInstance): Map<string, Parameter[]> {
  const spec = app.swagger() as { paths: Record<string, Record<string, { parameters?: Parameter[] }>> };
  const out = new Map<string, Parameter[]>();
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const params = (op.parameters ?? []).filter((p) => p.in === 'query' || p.in === 'path');
      if (params.length) out.set(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`, params);
    }
  }
  return out;
}

/** Field names the routes know, so objects get past "unknown field" and reach deeper checks. */
const KNOWN_FIELDS = ['username', 'password', 'name', 'idNumber', 'phone', 'stationId', 'attributes', 'relations', 'workflowId', 'personId', 'applicantId', 'payeeId',
  'agent', 'type', 'data', 'expectedVersion', 'caseIds', 'userId', 'text', 'reason', 'source', 'holidays', 'workdays', 'definition', 'note', 'events', 'effectiveFrom',
  'toVersion', 'mapping', 'dryRun', 'key', 'value', 'unit', 'policyDocument', '_csrf', 'next', 'on', '__proto__', 'constructor'];

export const hostileObject = fc.dictionary(
  fc.oneof(fc.constantFrom(...KNOWN_FIELDS), hostileString), hostileValue, { maxKeys: 6 },
);

const BAD_JSON = ['{', '{"a":', '{"a":1,}', "{'a':1}", '[1,2', 'nul', 'tru', '{"a":NaN}', '{"a":undefined}', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}',
  '\ufeff{"a":1}', '{"a":"\\ud800"}', '{"a":"\\u0000"}', '"just a string"', '12345', '{"a":1}{"b":2}', '{"a":1e99999}', `${'['.repeat(5000)}${']'.repeat(5000)}`,
  `{"a":${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}}`, '\u0000\u0001\u0002', '<?xml version="1.0"?><a/>', 'a=1&b=2', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--'];

export const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
  'application/xml', 'application/json; charset=utf-16', 'application/pdf', 'image/png', 'application/json; charset=latin1', 'nonsense', '*/*', ''];

export const body = fc.oneof(
  { weight: 3, arbitrary: hostileObject.map((o) => JSON.stringify(o)) },
  { weight: 2, arbitrary: fc.constantFrom(...BAD_JSON) },
  { weight: 1, arbitrary: hostileValue.map((v) => JSON.stringify(v) ?? 'undefined') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

export type Auth = 'clerk' | 'admin' | 'none' | 'garbage-cookie' | 'garbage-bearer';

export interface World {
  app: FastifyInstance;
  auth: Record<'clerk' | 'admin', Record<string, string>>;
  realParams: Record<string, string[]>;
  routes: { method: string; url: string; page: boolean }[];
}

/**
 * A fingerprint of every table, leaving out what may change on its own (PDFs rendered after
 * commit) or on purpose on a refusal (the login counters).
 */
async function fingerprint(app: FastifyInstance): Promise<string> {
  const tables = (await sql<{ table_name: string }>`select table_name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely%' and table_name not like 'login\\_%' order by table_name`.execute(app.db)).rows.map((r) => r.table_name);
  const skip: Record<string, string[]> = {
    notices: ['pdf', 'sha256', 'rendered_at', 'render_attempts', 'render_error'],
  };
  const parts = tables.map((name) => {
    const drop = skip[name] ? sql`- ${sql.raw(`array[${skip[name].map((c) => `'${c}'`).join(',')}]`)}` : sql``;
    return sql`select ${name} || ':' || coalesce(md5(string_agg((to_jsonb(t) ${drop})::text, '|' order by (to_jsonb(t) ${drop})::text)), '-') as f from ${sql.table(name)} t`;
  });
  const rows = (await sql<{ f: string }>`${sql.join(parts, sql` union all `)}`.execute(app.db)).rows;
  return rows.map((r) => r.f).sort().join(',');
}

/** encodeURIComponent that sends a lone surrogate as the invalid UTF-8 it would be on the wire instead of throwing. */
export function encode(s: string): string {
  return Array.from(s).map((ch) => (/^[\ud800-\udfff]$/.test(ch) ? '%ED%A0%80' : encodeURIComponent(ch))).join('');
}

export function fill(url: string, params: (name: string) => string): string {
  return url.replace(/:([A-Za-z]+)(\.pdf)?/g, (_m, name: string, ext = '') => `${params(name)}${ext}`);
}

const STACK = /\n\s+at\s|\bat [\w.<>]+ \(|node_modules|\/work\/|\.ts:\d+|\.js:\d+:\d+|[A-Z][a-z]+Error:\s/;

/** The checks every answer must pass; returns a description of what is wrong, or null. */
export function judge(r: LightMyRequestResponse, page: boolean): string | null {
  if (r.statusCode >= 500) return `status ${r.statusCode}: ${r.body.slice(0, 300)}`;
  if (STACK.test(r.body)) return `a stack trace or path in the answer: ${r.body.slice(0, 300)}`;
  if (r.statusCode >= 400) {
    const type = String(r.headers['content-type'] ?? '');
    if (type.includes('application/json')) {
      let b: { code?: unknown; message?: unknown };
      try { b = r.json(); } catch { return `unparseable error body: ${r.body.slice(0, 200)}`; }
      if (typeof b.code !== 'string' || typeof b.message !== 'string' || b.message.length === 0) return `error without code and message: ${r.body.slice(0, 200)}`;
    } else if (type.includes('text/html')) {
      if (!page && !r.body.includes('<')) return 'an empty error page';
    } else if (r.statusCode !== 404 || r.body.length > 0) {
      return `error with content type "${type}": ${r.body.slice(0, 200)}`;
    }
  }
  return null;
}

export async function setup(t: Test): Promise<World> {
  const app = await build(t);
  const clerk = await login(app, 'district-clerk');
  const admin = await login(app, 'admin');
  const opened = (await app.inject({ method: 'POST', url: '/api/v1/cases', headers: clerk, payload: { workflowId: 'discharge-reporting', personId: 'p-zhang-wei' } })).json();
  await app.inject({ method: 'POST', url: `/api/v1/cases/${opened.id}/events`, headers: clerk, payload: { type: 'SUBMIT', data: dischargeIntake, expectedVersion: 1 } });
  const notice = (await app.inject({ url: `/api/v1/cases/${opened.id}/notices`, headers: clerk })).json().items[0];
  const realParams: Record<string, string[]> = {
    id: [opened.id, 'p-zhang-wei', 'discharge-reporting', 'u-admin'], version: ['1', '2'], year: ['2026', '2031'], code: [notice.code],
    token: [notice.verifyUrl.split('/verify/')[1]], type: ['SUBMIT', 'RECORD_ARCHIVE', 'COMMENT'],
  };
  const routes = allRoutes(app)
    .filter((r) => !/^GET \/docs\/.+/.test(r) && !r.endsWith(' *') && !r.includes('/assets/'))
    .map((r) => {
      const [method, url] = r.split(' ') as [string, string];
      return { method, url, page: !url.startsWith('/api/') && !['/health', '/ready', '/docs'].includes(url) && !url.startsWith('/verify/') };
    });
  return { app, auth: { clerk, admin }, realParams, routes };
}

let relogins = 0;
export async function send(w: World, opts: InjectOptions, auth: Auth): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { ...(opts.headers as Record<string, string>) };
  if (auth === 'clerk' || auth === 'admin') Object.assign(headers, w.auth[auth]);
  if (auth === 'garbage-cookie') headers.cookie = 'sid=%00%ff; csrf=\u0000';
  if (auth === 'garbage-bearer') headers.authorization = 'Bearer \' OR 1=1 --';
  const r = await w.app.inject({ ...opts, headers, remoteAddress: `10.1.${(relogins >> 8) & 255}.${relogins & 255}` });
  // A fuzzed request that logs the test's own session out: log in again (from a new address, past the rate limit).
  if (r.statusCode < 400 && (auth === 'clerk' || auth === 'admin') && (opts.method === 'DELETE' || String(opts.url).startsWith('/logout'))) {
    relogins++;
    const again = await w.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: auth === 'clerk' ? 'district-clerk' : 'admin', password: 'demo1234' }, remoteAddress: `10.2.${(relogins >> 8) & 255}.${relogins & 255}` });
    w.auth[auth] = { cookie: `sid=${again.cookies.find((c) => c.name === 'sid')!.value}`, origin: OWN_ORIGIN, 'accept-language': 'zh-CN' };
  }
  return r;
}

/** The next transaction id: it moves only when some transaction wrote (or tried to write) something. */
async function nextXid(app: FastifyInstance): Promise<string> {
  return (await sql<{ x: string }>`select pg_snapshot_xmax(pg_current_snapshot())::text as x`.execute(app.db)).rows[0]!.x;
}

/**
 * Knows what the database held after the last request. A refused request must leave it as it was:
 * if no transaction id was used since, nothing can have been written; if one was (a rolled-back
 * attempt, a failed-login count), every table is compared.
 */
export class DbState {
  private constructor(private readonly app: FastifyInstance, private xid: string, private print: string) {}
  static async of(app: FastifyInstance): Promise<DbState> {
    return new DbState(app, await nextXid(app), await fingerprint(app));
  }
  /** After an answer with this status: null, or what is wrong. */
  async after(status: number): Promise<string | null> {
    const xid = await nextXid(this.app);
    if (xid === this.xid) return null;
    const print = await fingerprint(this.app);
    const changed = print !== this.print;
    this.xid = xid;
    this.print = print;
    return status >= 400 && changed ? `refused with ${status} but the database changed` : null;
  }
}

/** Runs one request and checks the answer and, if it was refused, that nothing was written. */
export async function check(
  w: World, state: DbState, opts: InjectOptions, auth: Auth, page: boolean,
): Promise<string | null> {
  const r = await send(w, opts, auth);
  return judge(r, page) ?? (await state.after(r.statusCode));
}
