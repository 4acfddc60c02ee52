import type { FastifyError, FastifyInstance } from 'fastify';
import fastifyFormbody from '@fastify/formbody';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import { classifyError, type ClassifiedError } from '../http/error-classifier.ts';
import type { AppError } from '../http/errors.ts';
import { message, type MessageKey } from '../messages/catalogue.ts';
import { MAX_ATTACHMENT_BYTES } from '../attachments/file-check.ts';
import { loadTemplates } from './view.ts';
import pageCsrf from './csrf.ts';
import { pageLang, posted, sendPage, type PageOptions } from './web.ts';
import sessionPages from './session.routes.ts';
import homePages from './home.routes.ts';
import personPages from './person.routes.ts';
import casePages from './case.routes.ts';
import caseListPages from './case-list.routes.ts';
import supervisionPages from './supervision.routes.ts';
import policyPages from './policy.routes.ts';
import policyPublishPages from './policy-publish.routes.ts';
import rosterPages from './roster.routes.ts';
import adminPages from './admin.routes.ts';
import { inProject } from '../project-root.ts';

const publicDir = inProject('public');

/** Content-Security-Policy of the pages when nothing else (helmet) has set one: this site only. */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

/**
 * How an error page words a failure: an error of the service's own says what it says (a page not
 * found, or outside the area, is told as one); the framework's get a page's plainer wording, and
 * the database being down is, to a clerk, the service failing.
 */
function pageError(c: ClassifiedError): [status: number, text: MessageKey | undefined] {
  switch (c.cause) {
    case 'app': return [c.status, c.code === 'NOT_FOUND' ? 'PAGE_ERROR_NOT_FOUND' : undefined];
    case 'too-large': return [413, 'PAGE_ERROR_TOO_LARGE'];
    case 'rate-limit': return [429, 'PAGE_ERROR_TOO_MANY_REQUESTS'];
    case 'malformed': case 'unstorable': return [400, 'PAGE_ERROR_MALFORMED'];
    case 'validation': return [400, 'PAGE_ERROR_BAD_REQUEST'];
    case 'media-type': case 'bad-request': return [c.status, 'PAGE_ERROR_BAD_REQUEST'];
    case 'database-down': case 'internal': return [500, 'PAGE_ERROR_INTERNAL'];
  }
}

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
    const lang = pageLang(req);
    const c = classifyError(thrown, lang);
    const [status, key] = pageError(c);
    if (key === 'PAGE_ERROR_INTERNAL') req.log.error({ err: thrown }, 'page failed');
    const text = key ? message(lang, key) : c.extras.detail?.[lang] ?? message(lang, c.code);
    return sendPage(req, reply, 'error', message(lang, 'PAGE_ERROR_TITLE'), { status, message: text }, status);
  });

  await app.register(sessionPages, opts);
  await app.register(homePages);
  await app.register(personPages);
  await app.register(casePages);
  await app.register(caseListPages);
  await app.register(supervisionPages);
  await app.register(policyPages);
  await app.register(policyPublishPages);
  await app.register(rosterPages);
  await app.register(adminPages);
}
