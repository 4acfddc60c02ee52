import type { FastifyInstance } from 'fastify';
import { sendSystemEvent } from '../../src/cases/case.service.ts';
import { makeIdNumber } from '../../src/personal-numbers/id-number.ts';
import { send } from './fixtures.ts';
import { loadSamples } from './paths.ts';
import { luhnComplete } from './rosters.ts';

/**
 * A veteran of 桥头村 (number `seq`) whose 老年生活补助 case is taken to `paying` through the API, so a
 * payment batch has a line for it. `users` holds the login headers of village-clerk, town-clerk,
 * district-clerk and district-clerk-2. Answers the case as opened and as it ended.
 */
export async function payingElderlySubsidy(
  app: FastifyInstance, users: Record<string, Record<string, string>>, seq: number,
): Promise<{ opened: { id: string; workflowVersion: number }; done: { state: string; workflowVersion: number } }> {
  const s = loadSamples('rural-veteran-elderly-subsidy').forms as Record<string, Record<string, unknown>>;
  const name = `老兵${seq}`;
  const idNumber = makeIdNumber('330102', '1958-06-15', 401 + seq * 2);
  const person = await app.inject({ method: 'POST', url: '/api/v1/persons', headers: users['village-clerk']!, payload: { name, idNumber, attributes: { category: 'veteran', hukouType: 'rural', soldierType: 'conscript', enlistmentDate: '1976-12-20', dischargeDate: '1980-01-05', placementType: 'self-employment' } } });
  if (person.statusCode !== 201) throw new Error(`person: ${person.statusCode} ${person.body.slice(0, 400)}`);
  const opened = (await app.inject({ method: 'POST', url: '/api/v1/cases', headers: users['district-clerk']!, payload: { workflowId: 'rural-veteran-elderly-subsidy', personId: person.json().id } })).json();
  const step = async (user: string, type: string, data: Record<string, unknown>) => {
    const r = await send(app, users[user]!, opened.id, type, data);
    if (r.statusCode !== 200) throw new Error(`${type}: ${r.statusCode} ${r.body.slice(0, 400)}`);
    return r.json();
  };
  await step('village-clerk', 'SUBMIT', { ...s.application, name, idNumber, compulsoryServiceYears: 2 });
  await step('town-clerk', 'APPROVE', s.review!);
  const verified = await step('district-clerk', 'VERIFY', { ...s.verification, compulsoryServiceYearsVerified: 2 });
  if (!(await sendSystemEvent(app.caseDeps, opened.id, 'DEADLINE', verified.version))) throw new Error('the publicity period did not end');
  const done = await step('district-clerk-2', 'APPROVE', {
    compulsoryServiceYears: 2, rateYear: 2026, ratePerServiceYearFen: 6_000, monthlyAmountFen: 12_000, startMonth: '2024-05',
    paymentChannel: 'social-security-card', bankName: '中国农业银行新河支行', bankAccount: luhnComplete(`62220300000000${String(seq).padStart(4, '0')}`),
  });
  return { opened, done };
}
