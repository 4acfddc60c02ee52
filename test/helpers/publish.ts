import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { login } from './build.ts';

/**
 * Publishes a draft as the service requires, by two policy users (ADR 0033): `policy` requests it,
 * `policy-2` checks what was requested and approves it. Answers the approval's response, or the
 * request's when the request was refused (a draft with findings: 422).
 */
export async function publishByTwo(
  app: FastifyInstance, workflowId: string, version: number,
  opts: { effectiveFrom?: string; requester?: Record<string, string>; approver?: Record<string, string> } = {},
): Promise<LightMyRequestResponse> {
  const requester = opts.requester ?? await login(app, 'policy');
  const approver = opts.approver ?? await login(app, 'policy-2');
  const base = `/api/v1/workflows/${workflowId}/versions/${version}`;
  const requested = await app.inject({
    method: 'POST', url: `${base}/publication-request`, headers: requester, payload: opts.effectiveFrom ? { effectiveFrom: opts.effectiveFrom } : {},
  });
  if (requested.statusCode !== 201) return requested;
  const seen = (await app.inject({ url: base, headers: approver })).json() as { draftSha256: string };
  return app.inject({ method: 'POST', url: `${base}/publish`, headers: approver, payload: { draftSha256: seen.draftSha256 } });
}

/** Set-up: `headers`' user asks for the draft's publication; anything but a 201 stops the test. */
export async function requestPublication(
  app: FastifyInstance, workflowId: string, version: number, headers: Record<string, string>,
): Promise<void> {
  const r = await app.inject({ method: 'POST', url: `/api/v1/workflows/${workflowId}/versions/${version}/publication-request`, headers, payload: {} });
  if (r.statusCode !== 201) throw new Error(`setup request: ${r.body}`);
}
