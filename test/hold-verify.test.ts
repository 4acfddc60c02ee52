import t from 'tap';
import { login } from './helpers/build.ts';
import { archiveForm, dischargeIntake, openCase, send } from './helpers/fixtures.ts';
import { ownedDatabase } from './helpers/owner.ts';
import { runTool } from './helpers/processes.ts';

// `npm run verify` checks that every step was made by whoever held it then, as the history alone
// says (ADR 0019): 转办 to a person, escalation, and the level's queue otherwise.
t.test('verify derives each step\'s holder from the history and reports a step by someone else', async (t) => {
  let caseId = '';
  const owned = await ownedDatabase(t, async (app) => {
    const [district, village, sup] = await Promise.all(['district-clerk', 'village-clerk', 'supervisor'].map((u) => login(app, u)));
    const c = (await openCase(app, district, 'discharge-reporting', 'p-zhang-wei')).json();
    caseId = c.id;
    // The district's first step, handed to the village clerk, who takes it.
    t.equal((await send(app, sup, c.id, 'REASSIGN', { userId: 'u-village-clerk' })).statusCode, 200);
    const submitted = await send(app, village, c.id, 'SUBMIT', dischargeIntake);
    t.equal(submitted.statusCode, 200, submitted.body.slice(0, 300));
    // The next step escalated past the top: the district's supervisors hold it, and one takes it.
    const esc = await app.inject({ method: 'POST', url: '/api/v1/supervision/escalate', headers: sup, payload: { caseIds: [c.id], reason: '档案久未到' } });
    t.match(esc.json().results, [{ ok: true }]);
    t.equal((await send(app, district, c.id, 'COMMENT', { text: '档案已催' })).statusCode, 200);
    const archived = await send(app, sup, c.id, 'RECORD_ARCHIVE', archiveForm);
    t.equal(archived.statusCode, 200, archived.body.slice(0, 300));
  });

  const good = await runTool('verify', owned.env);
  t.equal(good.code, 0, `the hand-over and the escalation replay: ${good.stdout}${good.stderr}`);
  t.notMatch(good.stdout, /MISMATCH/);

  // A forged step: the town clerk, who never held the case, "submitted" it (the owner, past the triggers).
  await owned.asOwner(async (q) => {
    await q('alter table case_events disable trigger case_events_no_update');
    await q(`update case_events set actor_id = 'u-town-clerk' where case_id = $1 and type = 'SUBMIT'`, [caseId]);
    await q('alter table case_events enable trigger case_events_no_update');
  });
  const bad = await runTool('verify', owned.env);
  t.equal(bad.code, 1, 'verify fails');
  t.match(bad.stdout, new RegExp(`${caseId}.*第3条（SUBMIT）的办理人东城镇 李强当时不持有该环节（持有者：桥头村 王芳）`),
    'and says in Chinese who made the step and who held it');
});
