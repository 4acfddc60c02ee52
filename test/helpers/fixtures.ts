import type { FastifyInstance } from 'fastify';
import { makeIdNumber } from '../../src/personal-numbers/id-number.ts';

export const dischargeIntake = {
  name: '张伟', idNumber: makeIdNumber('330102', '2002-03-15', 131), dischargeDate: '2026-09-05', reportDate: '2026-09-20',
  soldierType: 'conscript', placementType: 'self-employment', partyMember: false,
  materials: ['discharge-certificate', 'unit-letter', 'id-card'],
};

export const archiveForm = {
  archiveReceivedDate: '2026-09-22', sealsIntact: true, hukouLetterNo: '新退役户〔2026〕88号', militaryRegistrationReminded: true,
  sex: 'male', birthDate: '2002-03-15', enlistmentDate: '2024-09-10',
  originalHukouPlace: '浙江省新河区东城镇河西村', registerAddress: '浙江省新河区东城镇河西村12号', policeStation: '新河区公安分局东城派出所',
};

/** Sends an event and returns the response; `version` defaults to the case's current one. */
export async function send(
  app: FastifyInstance, headers: Record<string, string>, caseId: string, type: string, data?: Record<string, unknown>,
  version?: number, extraHeaders: Record<string, string> = {},
) {
  let expectedVersion = version;
  if (expectedVersion === undefined) {
    const current = await app.inject({ url: `/api/v1/cases/${caseId}`, headers });
    expectedVersion = current.json().version;
  }
  return app.inject({ method: 'POST', url: `/api/v1/cases/${caseId}/events`, headers: { ...headers, ...extraHeaders }, payload: { type, data, expectedVersion } });
}

export async function openCase(
  app: FastifyInstance, headers: Record<string, string>, workflowId: string, personId: string,
) {
  return app.inject({ method: 'POST', url: '/api/v1/cases', headers, payload: { workflowId, personId } });
}
