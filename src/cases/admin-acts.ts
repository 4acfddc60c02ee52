import { ajv, fieldErrors } from '../definitions/ajv.ts';
import { withPlainText } from '../definitions/plain-text.ts';
import { AppError } from '../http/errors.ts';
import { authorize } from '../jurisdiction/authorize.ts';
import type { Lang } from '../messages/lang.ts';
import type { User } from '../users/user.repository.ts';

/**
 * History entries that never move the machine: the action they are
 * (who may: src/jurisdiction/access-rules.ts; `onCase`: asked of the case, not here) and what they carry.
 */
const acts = {
  COMMENT: { action: 'case.comment', schema: { type: 'object', additionalProperties: false, required: ['text'], properties: { text: { type: 'string', title: '意见', 'x-title-en': 'Comment', minLength: 1, maxLength: 2000 } } } },
  URGE: { action: 'case.urge', schema: { type: 'object', additionalProperties: false, required: ['text'], properties: { text: { type: 'string', title: '催办内容', 'x-title-en': 'Reminder', minLength: 1, maxLength: 2000 } } } },
  REASSIGN: { action: 'case.reassign', schema: { type: 'object', additionalProperties: false, required: ['userId'], properties: { userId: { type: 'string', title: '承办人', 'x-title-en': 'New holder', minLength: 1, maxLength: 64 }, reason: { type: 'string', title: '转办原因', 'x-title-en': 'Reason', maxLength: 2000 } } } },
  COPY_TO: { action: 'case.copy', schema: { type: 'object', additionalProperties: false, required: ['userId'], properties: { userId: { type: 'string', title: '抄送对象', 'x-title-en': 'Copy to', minLength: 1, maxLength: 64 }, note: { type: 'string', title: '说明', 'x-title-en': 'Note', maxLength: 2000 } } } },
  // 认领 / 退回队列 (ADR 0026): the claimer is the entry's actor, so a claim carries nothing.
  CLAIM: { action: 'case.claim', onCase: true, schema: { type: 'object', additionalProperties: false, properties: {} } },
  RELEASE: { action: 'case.release', onCase: true, schema: { type: 'object', additionalProperties: false, properties: { reason: { type: 'string', title: '退回原因', 'x-title-en': 'Reason', maxLength: 2000 } } } },
} as const;

const validators = new Map(Object.entries(acts).map(([type, a]) => [type, withPlainText(ajv.compile(a.schema))]));

export type AdminActType = keyof typeof acts;

/** Checks who makes an administrative act and its payload; throws the client-facing error. */
export function checkAdminAct(type: AdminActType, user: User, data: unknown, lang: Lang): Record<string, unknown> {
  // Claiming and releasing are judged against the case's queue and holder (src/cases/claim.ts).
  if (!('onCase' in acts[type])) authorize(user, acts[type].action);
  const validate = validators.get(type)!;
  if (!validate(data ?? {})) throw new AppError('VALIDATION_FAILED', { errors: fieldErrors(validate.errors, lang) });
  return (data ?? {}) as Record<string, unknown>;
}
