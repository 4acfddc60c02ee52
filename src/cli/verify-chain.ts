import { chainProblem } from '../cases/history-chain.ts';

/** What `npm run verify` reads besides the replay's columns to check a case's hash chain. */
export const CHAIN_CASE_COLUMNS = ['history_hash'] as const;
export const CHAIN_EVENT_COLUMNS = ['actor_id', 'at', 'prior_timing', 'hash'] as const;

interface ChainEventRow {
  seq: number; kind: string; type: string; payload: Record<string, unknown>; actor_id: string | null;
  from_state: string | null; to_state: string | null; at: Date; prior_timing: unknown; hash: string | null;
}

/** The first break in a case's hash chain, its history in seq order with payloads opened; null when it holds. */
export function chainMismatch(caseId: string, head: string | null, events: ChainEventRow[]): string | null {
  return chainProblem(caseId, events.map((e) => ({
    seq: e.seq, kind: e.kind, type: e.type, payload: e.payload, actorId: e.actor_id, fromState: e.from_state,
    toState: e.to_state, at: e.at, priorTiming: e.prior_timing, hash: e.hash,
  })), head);
}
