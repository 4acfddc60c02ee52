import type { FastifyInstance } from 'fastify';
import { AppError } from '../http/errors.ts';
import { disposition } from '../http/download.ts';
import { caseInScope, verifyNotice, type Verification } from './notice.verify.ts';
import { findByCode, listNumbered, pdfOf, personNameOfCase } from './notice.service.ts';
import { NoticeList, NoticeVerification, VerificationAnswer } from './notice.schemas.ts';
import { Pdf } from '../http/response.schemas.ts';

/**
 * GET /cases/:id/notices and GET /notices/:code.pdf, under /api/v1; a session is required and the jurisdiction checked.
 */
export async function noticeApiRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { id: string } }>('/cases/:id/notices', {
    schema: {
      tags: ['notices'], summary: "A case's notices, in the order they were numbered",
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } },
      response: { 200: NoticeList },
    },
  }, async (req) => {
    if (!(await caseInScope(app.db, req.params.id, req.user!.stationPath))) throw new AppError('NOT_FOUND');
    const items = await listNumbered(app.db, req.params.id);
    return {
      items: items.map((n) => ({
        code: n.code, number: n.number, kind: n.kind, title: n.title, key: n.noticeKey,
        issuedAt: n.issuedAt.toISOString(), verifyUrl: (n.data as { verifyUrl: string }).verifyUrl,
      })),
    };
  });

  app.get<{ Params: { code: string }; Querystring: { download?: '1' } }>('/notices/:code.pdf', {
    schema: {
      tags: ['notices'], response: { 200: Pdf },
      summary: 'The PDF of a notice (the same bytes every time), named 「title-name.pdf」; `download=1` saves it instead of opening it',
      params: { type: 'object', required: ['code'], properties: { code: { type: 'string', pattern: '^\\d{4}-(?:[a-z]+(?:-[a-z]+)*-)?\\d{6}$' } } },
      querystring: { type: 'object', additionalProperties: false, properties: { download: { type: 'string', enum: ['1'] } } },
    },
  }, async (req, reply) => {
    const n = await findByCode(app.db, req.params.code, req.user!.stationPath, true);
    if (!n) throw new AppError('NOT_FOUND');
    const pdf = await pdfOf(app.db, n, app.clock.now());
    const person = await personNameOfCase(app.db, n.caseId);
    const name = disposition(`${n.title}-${person}.pdf`, `notice-${n.code}.pdf`, req.query.download ? 'attachment' : 'inline');
    return reply.type('application/pdf')
      .header('content-disposition', name)
      .header('cache-control', 'private, no-store')
      .send(pdf);
  });
}

const tokenParams = { type: 'object', required: ['token'], properties: { token: { type: 'string', pattern: '^[A-Za-z0-9_-]{16,64}$' } } } as const;

/** Public and unauthenticated: a per-address limit (tokens are 192 random bits; this only keeps scanners polite). */
const VERIFY_RATE = { max: 60, timeWindow: 60_000 };

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(v: Verification): string {
  const verdict = !v.genuine ? '未找到该文书：二维码无效或文书非本机关出具。'
    : v.unchanged === false ? '该文书由本机关出具，但存档内容校验未通过，请联系出具机关。'
      : '该文书由本机关出具，存档内容完整未被改动。请核对纸质文书与下列信息是否一致。';
  const rows = v.genuine ? [['文书', v.title!], ['出具日期', v.issuedDate!], ['出具机关', v.issuer!], ['当事人', v.name!]] : [];
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>文书核验</title><link rel="stylesheet" href="/assets/app.css"></head>
<body><main class="verify"><h1>文书核验</h1><p>${escapeHtml(verdict)}</p><table>${rows.map(([k, val]) => `<tr><th>${k}</th><td>${escapeHtml(val)}</td></tr>`).join('')}</table></main></body></html>`;
}

/**
 * GET /verify/:token is public: whether the notice is genuine and unchanged, with only its kind,
 * date, issuer and a masked name. JSON on request (Accept: application/json), HTML otherwise.
 * POST /verify/:token with a PDF body also says whether that file is the notice as issued.
 */
export async function verifyRoutes(app: FastifyInstance): Promise<void> {
  app.addContentTypeParser('application/pdf', { parseAs: 'buffer', bodyLimit: 5 * 1024 * 1024 }, (_req, body, done) => done(null, body));

  app.get<{ Params: { token: string } }>('/verify/:token', {
    config: { public: true, rateLimit: VERIFY_RATE },
    schema: { tags: ['notices'], summary: 'Verify a notice from its QR code (public)', params: tokenParams, response: { 200: VerificationAnswer('Genuine: JSON on request (Accept: application/json), a page otherwise'), 404: VerificationAnswer('No notice has this token') } },
  }, async (req, reply) => {
    const v = await verifyNotice(app.db, req.params.token);
    reply.header('cache-control', 'no-store').status(v.genuine ? 200 : 404);
    if (req.headers.accept?.includes('application/json')) return v;
    return reply.type('text/html; charset=utf-8').serializer((x: unknown) => x as string).send(page(v));
  });

  app.post<{ Params: { token: string }; Body: Buffer }>('/verify/:token', {
    config: { public: true, rateLimit: VERIFY_RATE },
    schema: { tags: ['notices'], summary: 'Check that a PDF file is the notice as issued (public)', params: tokenParams, response: { 200: NoticeVerification, 404: NoticeVerification } },
  }, async (req, reply) => {
    const v = await verifyNotice(app.db, req.params.token, Buffer.isBuffer(req.body) ? req.body : undefined);
    return reply.header('cache-control', 'no-store').status(v.genuine ? 200 : 404).send(v);
  });
}
