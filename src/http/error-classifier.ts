import type { FastifyError } from 'fastify';
import { fieldErrors } from '../definitions/ajv.ts';
import { catalogue } from '../messages/catalogue.ts';
import type { ErrorCode } from '../messages/error.messages.ts';
import type { Lang } from '../messages/lang.ts';
import { AppError, errorStatus, type ErrorExtras } from './errors.ts';

/** Why a request failed, as far as the handlers word it differently (a page says more about an upload than the API). */
type ErrorCause =
  | 'app' | 'validation' | 'too-large' | 'media-type' | 'rate-limit' | 'malformed' | 'unstorable' | 'bad-request' | 'database-down' | 'internal';

export interface ClassifiedError {
  cause: ErrorCause;
  code: ErrorCode;
  status: number;
  extras: ErrorExtras;
}

const DB_DOWN = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P03', '08006', '08001', '08003']);

function isDatabaseDown(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return (e.code !== undefined && DB_DOWN.has(e.code)) || /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(e.message ?? '');
}

/** A multipart body cut short or without its boundary: busboy's errors carry no status of their own. */
function isMalformedMultipart(err: unknown): boolean {
  return /^(Unexpected end of (multipart data|form)|Multipart: Boundary not found|Malformed part header|Part terminated early)/.test((err as { message?: string }).message ?? '');
}

/** SQLSTATE class 22 (data exception): input the database cannot hold, such as a NUL character. */
function isDataException(err: unknown): boolean {
  return /^22/.test((err as { code?: string }).code ?? '');
}

function classified(cause: ErrorCause, code: ErrorCode, extras: ErrorExtras = {}): ClassifiedError {
  return { cause, code, status: errorStatus[code], extras };
}

/**
 * The one reading of a thrown error, for the API's JSON and the pages alike: what the client did
 * wrong (or that the service failed), as a catalogue code with its status and details.
 */
export function classifyError(err: unknown, lang: Lang): ClassifiedError {
  if (err instanceof AppError) return classified('app', err.code, err.extras);
  const fe = err as FastifyError;
  // @fastify/csrf-protection's refusals (the page forms' tokens, ADR 0006).
  if (/^FST_CSRF_/.test(fe.code ?? '')) return classified('app', 'FORBIDDEN', { detail: catalogue.PAGE_CSRF_FAILED });
  if (fe.validation) {
    const errors = fieldErrors(fe.validation as never, lang).map((e) => ({ ...e, path: `${fe.validationContext === 'body' ? '' : `/${fe.validationContext}`}${e.path}` }));
    return classified('validation', fe.validationContext === 'body' ? 'VALIDATION_FAILED' : 'BAD_REQUEST', { errors });
  }
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || fe.statusCode === 413) return classified('too-large', 'PAYLOAD_TOO_LARGE');
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return classified('media-type', 'UNSUPPORTED_MEDIA_TYPE');
  if (fe.statusCode === 429) return classified('rate-limit', 'TOO_MANY_REQUESTS');
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) return classified('bad-request', 'BAD_REQUEST', { detail: { zh: '请求格式不正确', en: fe.message } });
  if (isMalformedMultipart(err)) return classified('malformed', 'BAD_REQUEST', { detail: { zh: '上传内容格式不正确', en: 'The multipart body is malformed' } });
  if (isDataException(err)) return classified('unstorable', 'BAD_REQUEST', { detail: { zh: '请求中含有无法保存的字符或数值', en: 'The request holds characters or values that cannot be stored' } });
  if (isDatabaseDown(err)) return classified('database-down', 'DATABASE_UNAVAILABLE');
  return classified('internal', 'INTERNAL');
}
