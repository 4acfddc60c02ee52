import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import PDFDocument from 'pdfkit';

export interface Upload {
  field: string;
  filename: string;
  type: string;
  bytes: Buffer;
}

/**
 * A browser, as far as server-rendered pages care: keeps cookies, picks up the CSRF token from
 * the last page, posts forms urlencoded or multipart.
 */
export class PageClient {
  readonly cookies = new Map<string, string>();
  csrf: string | undefined;

  constructor(readonly app: FastifyInstance) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private absorb(res: LightMyRequestResponse): LightMyRequestResponse {
    for (const c of res.cookies as { name: string; value: string; expires?: Date; maxAge?: number }[]) {
      if (!c.value || (c.expires && c.expires.getTime() < Date.now()) || c.maxAge === 0) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (m) this.csrf = m[1];
    return res;
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return this.absorb(await this.app.inject({ url, headers: { cookie: this.cookieHeader(), ...headers } }));
  }

  /** Follows one redirect (303) with a GET, as a browser would. */
  async follow(res: LightMyRequestResponse): Promise<LightMyRequestResponse> {
    if (res.statusCode !== 303 && res.statusCode !== 302) return res;
    return this.get(String(res.headers.location));
  }

  async post(
    url: string, fields: Record<string, string | string[] | undefined>,
    opts: { csrf?: string | null; headers?: Record<string, string> } = {},
  ): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams();
    const token = opts.csrf === undefined ? this.csrf : opts.csrf;
    if (token) body.append('_csrf', token);
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) continue;
      for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    }
    return this.absorb(await this.app.inject({
      method: 'POST', url, payload: body.toString(),
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', ...opts.headers },
    }));
  }

  async postMultipart(
    url: string, fields: Record<string, string | string[] | undefined>, files: Upload[] = [],
  ): Promise<LightMyRequestResponse> {
    const boundary = `----pages${Math.random().toString(16).slice(2)}`;
    const parts: Buffer[] = [];
    const add = (head: string, body: Buffer) => parts.push(Buffer.from(`--${boundary}\r\n${head}\r\n\r\n`), body, Buffer.from('\r\n'));
    if (this.csrf) add('Content-Disposition: form-data; name="_csrf"', Buffer.from(this.csrf));
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) continue;
      for (const one of Array.isArray(v) ? v : [v]) add(`Content-Disposition: form-data; name="${k}"`, Buffer.from(one));
    }
    for (const f of files) add(`Content-Disposition: form-data; name="${f.field}"; filename="${f.filename}"\r\nContent-Type: ${f.type}`, f.bytes);
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    return this.absorb(await this.app.inject({
      method: 'POST', url, payload: Buffer.concat(parts),
      headers: { cookie: this.cookieHeader(), 'content-type': `multipart/form-data; boundary=${boundary}` },
    }));
  }

  async login(username: string): Promise<LightMyRequestResponse> {
    await this.get('/login');
    const res = await this.post('/login', { username, password: 'demo1234', next: '/' });
    if (res.statusCode !== 303) throw new Error(`login ${username}: ${res.statusCode}`);
    return this.follow(res);
  }
}

/** The text of an element found by id (a crude reader for assertions). */
export function textOf(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  if (start < 0) return '';
  return html.slice(start, start + 2000).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
}

export function errorSummary(html: string): string {
  const m = /<div class="error-summary"[\s\S]*?<\/div>/.exec(html);
  return m ? m[0].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ') : '';
}

/** The value attribute of an input, by id. */
export function inputValue(html: string, id: string): string | undefined {
  const m = new RegExp(`<input[^>]*id="${id}"[^>]*>`).exec(html);
  if (!m) return undefined;
  return /value="([^"]*)"/.exec(m[0])?.[1];
}

/** A small but whole PDF (header, objects, cross-reference table, trailer), as a scanner would upload. */
export async function wholePdf(): Promise<Buffer> {
  const doc = new PDFDocument();
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve) => doc.on('end', resolve));
  doc.text('scan');
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
