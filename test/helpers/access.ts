import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { newId } from '../../src/db/ids.ts';
import { makeIdNumber } from '../../src/personal-numbers/id-number.ts';
import { insertPerson } from '../../src/persons/person.repository.ts';
import { conscriptRows, csvBytes, multipart, ROSTER_DEFAULTS, ROSTER_HEADERS, ROSTER_MAPPING } from './rosters.ts';

/*
 * What the access matrices (test/access-matrix*.test.ts) share: the roles, who they are, and the
 * records inside (@Q, 桥头村 qiaotou in 东城镇) or outside (@S, 山下村 shanxia in 西山镇) a jurisdiction.
 */
export type Role = 'anon' | 'village' | 'town' | 'district' | 'townSup' | 'sup' | 'policy' | 'admin' | 'xishan';
export const ROLES: Role[] = ['anon', 'village', 'town', 'district', 'townSup', 'sup', 'policy', 'admin', 'xishan'];
export const USERNAME: Record<Exclude<Role, 'anon'>, string> = {
  village: 'village-clerk', town: 'town-clerk', district: 'district-clerk', townSup: 'town-supervisor', sup: 'supervisor', policy: 'policy', admin: 'admin', xishan: 'xishan-clerk',
};

export type Target = 'Q' | 'S';

/** Enough of a matrix's context to make records: the app and a counter that keeps ID numbers apart. */
export interface Maker {
  app: FastifyInstance;
  seq: () => number;
}

export const villageOf = { Q: 'qiaotou', S: 'shanxia' } as const;

/** A veteran registered straight in the database (not through the route under test). */
export async function freshVeteran(c: Maker, target: Target): Promise<string> {
  const id = newId();
  const n = c.seq();
  await insertPerson(c.app.db, {
    id, name: `测试${n}`, idNumber: makeIdNumber('330102', '1985-05-05', n), sex: 'male', birthDate: '1985-05-05', phone: null, stationId: villageOf[target],
    stationPath: target === 'Q' ? 'xinhe.dongcheng.qiaotou' : 'xinhe.xishan.shanxia', attributes: { category: 'veteran', hukouType: 'rural', soldierType: 'conscript', placementType: 'self-employment' },
  }, 'u-admin', new Date());
  return id;
}

export const uploaderOf = { Q: 'village', S: 'xishan' } as const;
const villageNameOf = { Q: '桥头村', S: '山下村' } as const;

/** A roster of one new conscript of the target's village, uploaded (a preview) through the API by a clerk. */
export async function uploadOne(c: Maker, h: Record<string, string>, target: Target): Promise<LightMyRequestResponse> {
  const rows = conscriptRows({ rows: 1, villages: [villageNameOf[target]], seed: 20_000 + c.seq() * 3 });
  const body = multipart({ workflowId: 'conscript-family-allowance', period: '2026', mapping: JSON.stringify(ROSTER_MAPPING), defaults: JSON.stringify(ROSTER_DEFAULTS) }, { name: 'list.csv', bytes: csvBytes(ROSTER_HEADERS, rows) });
  return c.app.inject({ method: 'POST', url: '/api/v1/rosters', headers: { ...h, ...body.headers }, payload: body.payload });
}

export async function freshRoster(
  c: Maker & { headers: Record<(typeof uploaderOf)[Target], Record<string, string>> }, target: Target,
): Promise<string> {
  const r = await uploadOne(c, c.headers[uploaderOf[target]], target);
  if (r.statusCode !== 201) throw new Error(`setup roster: ${r.body.slice(0, 400)}`);
  return r.json().id;
}
