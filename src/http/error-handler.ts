import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fieldErrors } from '../definitions/ajv.ts';
import { message } from '../messages/catalogue.ts';
import type { ErrorCode } from '../messages/error.messages.ts';
import { AppError, errorStatus } from './errors.ts';
import { languageOf } from '../messages/lang.ts';

const DB_DOWN = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P03', '08006', '08001', '08003']);

function isDatabaseDown(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return (e.code !== undefined && DB_DOWN.has(e.code)) || /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(e.message ?? '');
}

/** A multipart body cut short or without its boundary: busboy's errors carry no status of their own. */
export function isMalformedMultipart(err: unknown): boolean {
  return /^(Unexpected end of (multipart data|form)|Multipart: Boundary not found|Malformed part header|Part terminated early)/.test((err as { message?: string }).message ?? '');
}

/** SQLSTATE class 22 (data exception): input the database cannot hold, such as a NUL character. */
export function isDataException(err: unknown): boolean {
  return /^22/.test((err as { code?: string }).code ?? '');
}

function send(reply: FastifyReply, req: FastifyRequest, code: ErrorCode, extras: AppError['extras'] = {}) {
  const lang = languageOf(req.headers['accept-language']);
  const { detail, retryAfter, ...rest } = extras;
  if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
  return reply.status(errorStatus[code]).type('application/json; charset=utf-8').send({ code, message: detail?.[lang] ?? message(lang, code), ...rest });
}

/** One place turns every failure into the documented error shape; 5xx details never leave the server. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    if (err instanceof AppError) return send(reply, req, err.code, err.extras);
    const lang = languageOf(req.headers['accept-language']);
    const fe = err as FastifyError;
    if (fe.validation) {
      const errors = fieldErrors(fe.validation as never, lang).map((e) => ({ ...e, path: `${fe.validationContext === 'body' ? '' : `/${fe.validationContext}`}${e.path}` }));
      return send(reply, req, fe.validationContext === 'body' ? 'VALIDATION_FAILED' : 'BAD_REQUEST', { errors });
    }
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return send(reply, req, 'PAYLOAD_TOO_LARGE');
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return send(reply, req, 'UNSUPPORTED_MEDIA_TYPE');
    if (fe.statusCode === 429) return send(reply, req, 'TOO_MANY_REQUESTS');
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) return send(reply, req, 'BAD_REQUEST', { detail: { zh: '请求格式不正确', en: fe.message } });
    if (isMalformedMultipart(err)) return send(reply, req, 'BAD_REQUEST', { detail: { zh: '上传内容格式不正确', en: 'The multipart body is malformed' } });
    if (isDataException(err)) {
      req.log.info({ err }, 'input the database refused');
      return send(reply, req, 'BAD_REQUEST', { detail: { zh: '请求中含有无法保存的字符或数值', en: 'The request holds characters or values that cannot be stored' } });
    }
    if (isDatabaseDown(err)) {
      req.log.warn({ err }, 'database unavailable');
      return send(reply, req, 'DATABASE_UNAVAILABLE');
    }
    req.log.error({ err }, 'unhandled error');
    return send(reply, req, 'INTERNAL');
  });
  app.setNotFoundHandler((req, reply) => send(reply, req, 'ROUTE_NOT_FOUND'));
}
