import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { message } from '../messages/catalogue.ts';
import type { ErrorCode } from '../messages/error.messages.ts';
import { languageOf } from '../messages/lang.ts';
import { classifyError } from './error-classifier.ts';
import { errorStatus, type AppError } from './errors.ts';

function send(reply: FastifyReply, req: FastifyRequest, code: ErrorCode, extras: AppError['extras'] = {}) {
  const lang = languageOf(req.headers['accept-language']);
  const { detail, retryAfter, ...rest } = extras;
  if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
  return reply.status(errorStatus[code]).type('application/json; charset=utf-8').send({ code, message: detail?.[lang] ?? message(lang, code), ...rest });
}

/** One place turns every failure into the documented error shape; 5xx details never leave the server. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    const c = classifyError(err, languageOf(req.headers['accept-language']));
    if (c.cause === 'unstorable') req.log.info({ err }, 'input the database refused');
    else if (c.cause === 'database-down') req.log.warn({ err }, 'database unavailable');
    else if (c.cause === 'internal') req.log.error({ err }, 'unhandled error');
    return send(reply, req, c.code, c.extras);
  });
  app.setNotFoundHandler((req, reply) => send(reply, req, 'ROUTE_NOT_FOUND'));
}
