import { fileURLToPath } from 'node:url';
import type { FastifyError, FastifyInstance } from 'fastify';
import fastifyFormbody from '@fastify/formbody';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import { isDataException, isMalformedMultipart } from '../http/error-handler.ts';
import { AppError, errorText } from '../http/errors.ts';
import { MAX_ATTACHMENT_BYTES } from './store.ts';
import { loadTemplates, tr } from './view.ts';
import pageCsrf, { CSRF_FAILED, isCsrfRefusal } from './csrf.ts';
import { pageLang, posted, sendPage, type PageOptions } from './web.ts';
import sessionPages from './session.routes.ts';
import homePages from './home.routes.ts';
import personPages from './person.routes.ts';
import casePages from './case.routes.ts';
import supervisionPages from './supervision.routes.ts';
import policyPages from './policy.routes.ts';
import rosterPages from './roster.routes.ts';
import adminPages from './admin.routes.ts';

export const publicDir = fileURLToPath(new URL('../../public', import.meta.url));

/** Content-Security-Policy of the pages when nothing else (helmet) has set one: this site only. */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

/**
 * The clerks' and supervisors' pages: server-rendered HTML over the same services as the API.
 * Everything here is encapsulated: form and multipart bodies are parsed only for these routes
 * (the JSON API keeps taking JSON alone), every route is a page (a missing session goes to
 * /login), every POST carries the CSRF token, and errors come back as pages, not JSON.
 */
export default async function pagesPlugin(app: FastifyInstance, opts: PageOptions): Promise<void> {
  loadTemplates();

  app.addHook('onRoute', (route) => {
    const isAsset = route.url.startsWith('/assets/');
    route.config = { ...(route.config as object), page: true, ...(isAsset ? { public: true } : {}) };
    route.schema = { ...route.schema, hide: true };
  });

  await app.register(fastifyStatic, {
    root: publicDir, prefix: '/assets/', index: false, list: false, maxAge: '1h', decorateReply: false,
  });
  await app.register(fastifyFormbody, { bodyLimit: 256 * 1024 });
  await app.register(fastifyMultipart, {
    attachFieldsToBody: true, throwFileSizeLimit: false,
    limits: { fileSize: MAX_ATTACHMENT_BYTES, files: 12, fields: 600, parts: 620, fieldSize: 64 * 1024 },
  });

  // Every page POST carries the token, in the form or (from a script) a header.
  await app.register(pageCsrf, {
    secret: opts.secret, publicBaseUrl: opts.publicBaseUrl,
    tokenOf: (req) => posted(req).first('_csrf') ?? (req.headers['x-csrf-token'] as string | undefined),
  });

  app.addHook('onSend', async (_req, reply, payload) => {
    if (!reply.getHeader('content-security-policy')) reply.header('content-security-policy', CSP);
    reply.header('x-content-type-options', 'nosniff');
    // Not helmet's no-referrer: under it a browser posts the page's own forms with `Origin: null`,
    // which the CSRF check refuses. same-origin still tells other sites nothing.
    reply.header('referrer-policy', 'same-origin');
    return payload;
  });

  app.setErrorHandler(async (thrown: FastifyError | AppError, req, reply) => {
    const err = isCsrfRefusal(thrown) ? CSRF_FAILED : thrown;
    const lang = pageLang(req);
    let status = 500;
    let message = tr(lang, '系统内部错误，请稍后再试。', 'Something went wrong; try again later.');
    if (err instanceof AppError) {
      status = err.statusCode;
      message = err.code === 'NOT_FOUND' ? tr(lang, '未找到该页面，或它不在您的辖区内。', 'Not found, or not in your area.') : errorText(lang, err);
    } else if ((err as FastifyError).code === 'FST_ERR_CTP_BODY_TOO_LARGE' || (err as FastifyError).statusCode === 413) {
      status = 413;
      message = tr(lang, '提交的内容过大（单个文件不超过10MB）。', 'What you sent is too large (10 MB per file at most).');
    } else if ((err as FastifyError).statusCode === 429) {
      status = 429;
      message = tr(lang, '请求过于频繁，请稍后再试。', 'Too many requests; try again later.');
    } else if (isMalformedMultipart(err) || isDataException(err)) {
      // A cut-short upload or a value the database cannot hold (a NUL byte) is the sender's fault.
      status = 400;
      message = tr(lang, '提交的内容格式不正确，请重新提交。', 'What you sent is malformed; please send it again.');
    } else if ((err as FastifyError).statusCode && (err as FastifyError).statusCode! < 500) {
      status = (err as FastifyError).statusCode!;
      message = tr(lang, '请求格式不正确。', 'The request is malformed.');
    } else {
      req.log.error({ err }, 'page failed');
    }
    return sendPage(req, reply, opts, 'error', tr(lang, '出错了', 'Something went wrong'), { status, message }, status);
  });

  await app.register(sessionPages, opts);
  await app.register(homePages, opts);
  await app.register(personPages, opts);
  await app.register(casePages, opts);
  await app.register(supervisionPages, opts);
  await app.register(policyPages, opts);
  await app.register(rosterPages, opts);
  await app.register(adminPages, opts);
}
