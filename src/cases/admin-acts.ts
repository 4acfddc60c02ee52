import { ajv, fieldErrors } from '../definitions/ajv.ts';
import { withPlainText } from '../definitions/plain-text.ts';
import { AppError } from '../http/errors.ts';
import type { Lang } from '../messages/lang.ts';

/** History entries that never move the machine: who may make them and what they carry. */
const acts = {
  COMMENT: { roles: ['clerk', 'supervisor', 'policy', 'admin'], schema: { type: 'object', additionalProperties: false, required: ['text'], properties: { text: { type: 'string', title: '意见', 'x-title-en': 'Comment', minLength: 1, maxLength: 2000 } } } },
  URGE: { roles: ['supervisor', 'admin'], schema: { type: 'object', additionalProperties: false, required: ['text'], properties: { text: { type: 'string', title: '催办内容', 'x-title-en': 'Reminder', minLength: 1, maxLength: 2000 } } } },
  REASSIGN: { roles: ['clerk', 'supervisor', 'admin'], schema: { type: 'object', additionalProperties: false, required: ['userId'], properties: { userId: { type: 'string', title: '承办人', 'x-title-en': 'New holder', minLength: 1, maxLength: 64 }, reason: { type: 'string', title: '转办原因', 'x-title-en': 'Reason', maxLength: 2000 } } } },
  COPY_TO: { roles: ['clerk', 'supervisor', 'admin'], schema: { type: 'object', additionalProperties: false, required: ['userId'], properties: { userId: { type: 'string', title: '抄送对象', 'x-title-en': 'Copy to', minLength: 1, maxLength: 64 }, note: { type: 'string', title: '说明', 'x-title-en': 'Note', maxLength: 2000 } } } },
} as const;

const validators = new Map(Object.entries(acts).map(([type, a]) => [type, withPlainText(ajv.compile(a.schema))]));

export type AdminActType = keyof typeof acts;

/** Checks the role and payload of an administrative act; throws the client-facing error. */
export function checkAdminAct(type: AdminActType, role: string, data: unknown, lang: Lang): Record<string, unknown> {
  if (!(acts[type].roles as readonly string[]).includes(role)) throw new AppError('FORBIDDEN');
  const validate = validators.get(type)!;
  if (!validate(data ?? {})) throw new AppError('VALIDATION_FAILED', { errors: fieldErrors(validate.errors, lang) });
  return (data ?? {}) as Record<string, unknown>;
}
