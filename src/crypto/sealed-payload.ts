import { openJson, sealJson } from './sealed-data.ts';

/** A history entry's payload as stored: personal data sealed for this case, entry and field (sealed-data.ts). */
export function sealPayload(caseId: string, seq: number, payload: Record<string, unknown>): Record<string, unknown> {
  return sealJson(payload, `case_events.payload:${caseId}:${seq}:`);
}

/** Every reader of `case_events.payload` goes through here. */
export function openPayload(caseId: string, seq: number, stored: unknown): Record<string, unknown> {
  return openJson(stored as Record<string, unknown>, `case_events.payload:${caseId}:${seq}:`);
}
