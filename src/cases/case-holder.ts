import type { CompiledWorkflow } from '../engine/compile.ts';
import { actingLevel, type StoredSnapshot } from '../engine/engine.ts';
import { holderOf, type HeldCase, type Holder } from '../engine/holding.ts';

/** Who holds the case's open step as its row stands (ADR 0019); null when closed or nobody acts on the step. */
export function caseHolder(wf: CompiledWorkflow, c: HeldCase & { snapshot: StoredSnapshot }): Holder | null {
  if (c.snapshot.status === 'done') return null;
  return holderOf(c, actingLevel(wf.definition.machine.states[c.snapshot.value]!));
}
