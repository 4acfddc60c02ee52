import type { StateConfig, WorkflowDefinition } from '../src/definitions/definition.types.ts';
import { readWorkflowFiles } from '../src/definitions/workflow-files.ts';
import { personFacts, prefillValues } from '../src/definitions/prefill.ts';

/**
 * The step the load repeats: a targetless (self) transition of a district-level state, sent by
 * the district clerk. Each is a real machine step: role and level checked, form validated by
 * ajv, xstate transition, snapshot rewritten, history appended; the case stays where it is, so
 * it can be sent again and again and every request is a 2xx.
 */
export interface LoopStep {
  workflowId: string;
  state: string;
  event: string;
  data: Record<string, unknown>;
}

export const LOOP_STEPS: LoopStep[] = [
  { workflowId: 'social-insurance-transfer', state: 'coordination', event: 'COORDINATE', data: { contactedBody: 'social-insurance', note: '已与区社保经办机构电话协调，约定下周办结转移接续。' } },
  { workflowId: 'rural-veteran-elderly-subsidy', state: 'paying', event: 'CONFIRM_YEAR', data: { year: 2026, method: 'data-match', confirmedDate: '2026-11-20' } },
  { workflowId: 'disability-pension', state: 'paying', event: 'CONFIRM_YEAR', data: { year: 2026, method: 'face-recognition', confirmedDate: '2026-11-20', nursingStillDue: false } },
  { workflowId: 'job-placement', state: 'scoring', event: 'RECORD_ALLOWANCE', data: { month: '2026-10', amountFen: 268000, batchNumber: 'XH-2026-10-017' } },
];

/** The administrative act used with `--step comment`: no machine step, same locked, versioned write. */
const COMMENT_STEP = { event: 'COMMENT', data: { text: '已电话联系本人，说明后续办理安排。' } };

export type StepKind = 'machine' | 'comment';

/** `POST /api/v2/cases/:id/events` answers compactly (what the pages use); v1 answers the whole case view. */
export type StepApi = 'v1' | 'v2';

export function stepPath(api: StepApi, caseId: string): string {
  return `/api/${api}/cases/${caseId}/events`;
}

export function stepBody(kind: StepKind, workflowId: string): { type: string; data: Record<string, unknown> } {
  if (kind === 'comment') return { type: COMMENT_STEP.event, data: COMMENT_STEP.data };
  const loop = LOOP_STEPS.find((l) => l.workflowId === workflowId)!;
  return { type: loop.event, data: loop.data };
}

/** A case the step load may use; `version` is kept current client-side. */
export interface StepCase {
  id: string;
  workflowId: string;
  version: number;
}

/** A person and an item they are eligible for and have no open case of: one case creation. */
export interface CreatePair {
  personId: string;
  workflowId: string;
}

export function loadDefinitions(): Map<string, WorkflowDefinition> {
  const { files, findings } = readWorkflowFiles();
  if (findings.length) throw new Error(`workflow definitions have lint findings: ${findings.length}`);
  return new Map(files.map((f) => [f.definition.id, f.definition]));
}

export interface PathStep {
  event: string;
  from: string;
  to: string;
}

/** Shortest event path from the initial state to every reachable state (guards ignored). */
export function shortestPaths(def: WorkflowDefinition): Map<string, PathStep[]> {
  const states = def.machine.states as Record<string, StateConfig>;
  const paths = new Map<string, PathStep[]>([[def.machine.initial, []]]);
  const queue = [def.machine.initial];
  while (queue.length) {
    const from = queue.shift()!;
    for (const [event, t] of Object.entries(states[from]!.on ?? {})) {
      for (const tr of Array.isArray(t) ? t : [t]) {
        const to = tr.target;
        if (!to || paths.has(to)) continue;
        paths.set(to, [...paths.get(from)!, { event, from, to }]);
        queue.push(to);
      }
    }
  }
  return paths;
}

/** The fields a definition pre-fills from the person file (what openCase puts in the first snapshot). */
export function prefill(def: WorkflowDefinition, person: {
  name: string; idNumber: string; sex: string; birthDate: string; phone: string | null;
  attributes: Record<string, unknown>;
}): Record<string, unknown> {
  return prefillValues(def, personFacts(person));
}

/** The k-th of n disjoint slices of the creation pairs: each creation run gets fresh persons × items. */
export function createSlice(pairs: CreatePair[], k: number, n: number): CreatePair[] {
  const len = Math.floor(pairs.length / n);
  const out: CreatePair[] = [];
  for (let i = k; i < pairs.length && out.length < len; i += n) out.push(pairs[i]!);
  return out;
}
