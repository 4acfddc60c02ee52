import type { Localized, WorkflowDefinition } from '../definitions/definition.types.ts';
import type { LastChange } from '../http/errors.ts';

export type { LastChange };

/** History entries that are not steps of the item. */
export const ACT_LABELS: Record<string, Localized> = {
  START: { zh: '创建案件', en: 'Case opened' },
  COMMENT: { zh: '填写意见', en: 'Comment' },
  URGE: { zh: '催办', en: 'Urged' },
  REASSIGN: { zh: '转办', en: 'Handed over' },
  COPY_TO: { zh: '抄送', en: 'Copied' },
  ESCALATE: { zh: '升级督办', en: 'Escalated' },
  ATTACH: { zh: '上传材料', en: 'Files attached' },
  DEADLINE: { zh: '期限届满', en: 'Time limit reached' },
  MIGRATE: { zh: '迁移到新版本', en: 'Moved to a new version' },
  RECALL: { zh: '撤回', en: 'Taken back' },
  CLAIM: { zh: '认领', en: 'Claimed' },
  RELEASE: { zh: '退回队列', en: 'Released to the queue' },
};

/** A history entry as both the service (rows) and the pages (the case view) hold it. */
export interface HistoryEntry {
  seq: number;
  kind: string;
  type: string;
  actor: string | null;
  actorName: string | null;
  from: string | null;
  at: string;
}

/** Where the case stands now: its step, or null once closed. */
export function stepNow(
  def: WorkflowDefinition, state: string, open: boolean,
): { name: string; title: Localized } | null {
  return open ? { name: state, title: def.machine.states[state]?.meta.step ?? { zh: state, en: state } } : null;
}

/**
 * The change that matters among the entries after `sinceVersion`: the last step taken (it is what
 * moved the case away from the form), else the last act; entries by `exceptActor` (the reader's own
 * uploads) are passed over.
 */
export function lastChange(
  def: WorkflowDefinition, history: HistoryEntry[], sinceVersion: number, exceptActor?: string,
): LastChange | undefined {
  const later = history.filter((h) => h.seq > sinceVersion && (exceptActor === undefined || h.actor !== exceptActor));
  const e = later.findLast((h) => h.kind === 'machine' && h.type !== 'START') ?? later.at(-1);
  if (!e) return undefined;
  const label = ACT_LABELS[e.type] ?? def.events[e.type]?.label ?? { zh: e.type, en: e.type };
  const step = e.from ? def.machine.states[e.from]?.meta.step ?? null : null;
  return { seq: e.seq, type: e.type, label, step, actorName: e.actorName, at: e.at };
}
