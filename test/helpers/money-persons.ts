import type { FastifyInstance } from 'fastify';
import { makeIdNumber } from '../../src/personal-numbers/id-number.ts';
import { login } from './build.ts';
import { send } from './fixtures.ts';

/** A veteran's file as the prefill and photo tests need it: phone, placement and political status held. */
export const VETERAN = {
  category: 'veteran', hukouType: 'rural', soldierType: 'conscript', enlistmentDate: '2008-12-01', dischargeDate: '2010-12-01',
  placementType: 'self-employment', politicalStatus: 'party-member',
};

export const PHONE = '13912345678';

export function idNumberOf(seq: number): string {
  return makeIdNumber('330102', '1990-04-12', seq);
}

/** Registers 周海军 (ID by `seq`) in 桥头村 through the API; returns the person's id. */
export async function register(app: FastifyInstance, seq: number, attrs: Record<string, unknown>): Promise<string> {
  const clerk = await login(app, 'village-clerk');
  const res = await app.inject({
    method: 'POST', url: '/api/v1/persons', headers: clerk,
    payload: { name: '周海军', idNumber: idNumberOf(seq), phone: PHONE, attributes: attrs },
  });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json().id as string;
}

/** 建档立卡 through the API (village collects, town enters, district checks): what 优待证 requires first. */
export async function establishProfile(app: FastifyInstance, personId: string, seq: number): Promise<void> {
  const village = await login(app, 'village-clerk');
  const opened = await app.inject({ method: 'POST', url: '/api/v1/cases', headers: village, payload: { workflowId: 'veteran-profile', personId } });
  if (opened.statusCode !== 201) throw new Error(opened.body);
  const id = opened.json().id as string;
  const steps: [string, string, Record<string, unknown>][] = [
    ['village-clerk', 'SUBMIT', {
      name: '周海军', idNumber: idNumberOf(seq), politicalStatus: 'party-member', education: 'senior', enlistmentDate: '2008-12-01', dischargeDate: '2010-12-01',
      serviceBranch: '陆军', placementType: 'self-employment', livingConditions: 'ordinary', materials: ['id-card', 'discharge-certificate', 'photo'],
    }],
    ['town-clerk', 'APPROVE', { opinion: '信息属实' }],
    ['district-clerk', 'APPROVE', { opinion: '同意建档' }],
  ];
  for (const [user, type, data] of steps) {
    const res = await send(app, await login(app, user), id, type, data);
    if (res.statusCode !== 200) throw new Error(`${type}: ${res.body}`);
  }
}

/** A JPEG padded to `bytes` with a comment segment (COM) right after its start marker; the picture is unchanged. */
export function padJpeg(jpeg: Buffer, bytes: number): Buffer {
  const body = bytes - jpeg.length - 4;
  const head = Buffer.from([0xff, 0xfe, (body + 2) >> 8, (body + 2) & 0xff]);
  return Buffer.concat([jpeg.subarray(0, 2), head, Buffer.alloc(body, 0x20), jpeg.subarray(2)]);
}
