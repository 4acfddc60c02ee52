import type { Executor } from '../db/database.ts';
import type { CompiledWorkflow } from '../engine/compile.ts';
import type { Holder } from '../engine/holding.ts';
import { AppError } from '../http/errors.ts';
import { message } from '../messages/catalogue.ts';
import type { Lang } from '../messages/lang.ts';
import { activeRolesAt, enabledUserIds } from '../users/user.repository.ts';
import { caseHolder, describeHolder } from './case-holder.ts';
import type { Case } from './case.types.ts';

/**
 * Which of these holders has someone active to read them (ADR 0026): a person whose account is not
 * disabled; a queue with an enabled user of its station in the role it waits for (clerks, or the
 * supervisors of a step escalated past the top).
 */
export async function activeHolders(db: Executor, holders: Holder[]): Promise<(h: Holder) => boolean> {
  const people = await enabledUserIds(db, holders.flatMap((h) => (h.kind === 'person' ? [h.userId] : [])));
  const staffed = new Set((await activeRolesAt(db, holders.flatMap((h) => (h.kind === 'queue' ? [h.stationPath] : []))))
    .map((r) => `${r.stationPath}|${r.role}`));
  return (h) => (h.kind === 'person' ? people.has(h.userId) : staffed.has(`${h.stationPath}|${h.supervisors ? 'supervisor' : 'clerk'}`));
}

/**
 * Refuses an act that only makes sense when someone reads it (催办) on a case whose holder nobody
 * active is: the supervisor is told whom it would have reached and to hand the case over first.
 */
export async function requireActiveHolder(db: Executor, wf: CompiledWorkflow, c: Case): Promise<void> {
  const holder = caseHolder(wf, c);
  if (!holder || (await activeHolders(db, [holder]))(holder)) return;
  const named = (await describeHolder(db, holder))!;
  const say = (lang: Lang) => {
    if (named.kind === 'person') return message(lang, 'QUEUE_HOLDER_DISABLED', { name: named.name });
    const station = named.stationName[lang];
    return message(lang, 'QUEUE_NO_HOLDER_AT', { station: named.supervisors ? message(lang, 'QUEUE_SUPERVISORS_OF', { station }) : station });
  };
  throw new AppError('QUEUE_NO_HOLDER', { detail: { zh: say('zh'), en: say('en') } });
}
