import type { Db } from '../db/database.ts';
import type { Localized, Stage } from './definition.types.ts';
import { listVersionsInForce } from './workflow.repository.ts';

const STAGES: Stage[] = ['enlistment', 'service', 'discharge'];

export interface ChainItem {
  workflowId: string;
  version: number;
  stage: Stage;
  order: number;
  title: Localized;
  initiation: string;
}

/** The items in force along the soldier's chain: enlistment → service → discharge, then catalogue order. */
export async function chainItems(db: Db, now: Date): Promise<ChainItem[]> {
  const rows = await listVersionsInForce(db, now);
  return rows
    .map((r) => ({
      workflowId: r.workflowId, version: r.version, stage: r.definition.stage, order: r.definition.order,
      title: r.definition.title, initiation: r.definition.initiation,
    }))
    .sort((a, b) => STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage) || a.order - b.order);
}
