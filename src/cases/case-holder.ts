import type { Executor } from '../db/database.ts';
import type { CompiledWorkflow } from '../engine/compile.ts';
import { actingLevel, type StoredSnapshot } from '../engine/engine.ts';
import { holderOf, type HeldCase, type Holder, type HoldingLevel } from '../engine/holding.ts';
import { message } from '../messages/catalogue.ts';
import type { Lang } from '../messages/lang.ts';
import { stationsByPaths, type Station } from '../stations/station.repository.ts';
import { displayNames } from '../users/user.repository.ts';

/** Who holds the case's open step as its row stands (ADR 0019); null when closed or nobody acts on the step. */
export function caseHolder(wf: CompiledWorkflow, c: HeldCase & { snapshot: StoredSnapshot }): Holder | null {
  if (c.snapshot.status === 'done') return null;
  return holderOf(c, actingLevel(wf.definition.machine.states[c.snapshot.value]!));
}

/** A holder as the case view names it. */
export type HolderView =
  | { kind: 'person'; userId: string; name: string }
  | { kind: 'queue'; stationId: string; stationName: { zh: string; en: string }; level: HoldingLevel; supervisors: boolean };

/**
 * The holder with the names a person reads: the user's, or the station's (found among `stations`
 * when the caller has read them already).
 */
export async function describeHolder(
  db: Executor, holder: Holder | null, stations?: Station[],
): Promise<HolderView | null> {
  return holder && (await describeHolders(db, [holder], stations))[0]!;
}

/** Several holders named at once: one read of the users' names and one of the stations', whatever their number. */
export async function describeHolders(db: Executor, holders: Holder[], known?: Station[]): Promise<HolderView[]> {
  const userIds = holders.flatMap((h) => (h.kind === 'person' ? [h.userId] : []));
  const paths = holders.flatMap((h) => (h.kind === 'queue' ? [h.stationPath] : []));
  const names = userIds.length ? await displayNames(db, userIds) : new Map<string, string>();
  const stations = new Map((known ?? await stationsByPaths(db, paths)).map((s) => [s.path, s]));
  return holders.map((holder): HolderView => {
    if (holder.kind === 'person') return { kind: 'person', userId: holder.userId, name: names.get(holder.userId) ?? holder.userId };
    const station = stations.get(holder.stationPath);
    const id = holder.stationPath.split('.').at(-1)!;
    return {
      kind: 'queue', stationId: station?.id ?? id, stationName: station ? { zh: station.name_zh, en: station.name_en } : { zh: id, en: id },
      level: holder.level, supervisors: holder.supervisors,
    };
  });
}

/**
 * Whether the user is the holder or one of the queue's staff (the page then says why they have no
 * move, not who else has it).
 */
export function heldByUser(
  h: Holder | HolderView, user: { id: string; role: string; stationLevel: string },
): boolean {
  if (h.kind === 'person') return h.userId === user.id;
  return h.level === user.stationLevel && (!h.supervisors || user.role === 'supervisor');
}

/** "东城镇退役军人服务站", "区退役军人事务局督办人员", or the person's name. */
export function holderName(h: HolderView, lang: Lang): string {
  if (h.kind === 'person') return h.name;
  return h.supervisors ? message(lang, 'HOLD_QUEUE_SUPERVISORS', { station: h.stationName[lang] }) : h.stationName[lang];
}
