import t from 'tap';
import { readFileSync } from 'node:fs';
import { build, login } from './helpers/build.ts';
import { archiveForm, dischargeIntake, openCase, send } from './helpers/fixtures.ts';
import { publishByTwo } from './helpers/publish.ts';

const file = JSON.parse(readFileSync(new URL('../workflows/discharge-reporting.json', import.meta.url), 'utf8'));
const { $schema: _, ...published } = file;

/** The version-1 definition with a shorter window deadline and a new required material. */
function revised() {
  const d = structuredClone(published);
  d.machine.states.reception.meta.sla = { workingDays: 2 };
  d.materials.push({ id: 'photo', title: { zh: '近期免冠照片', en: 'Recent photo' }, required: true });
  d.machine.states.reception.meta.materials.push('photo');
  d.forms.intake.properties.materials.items.enum.push('photo');
  for (const f of ['resubmission', 'correction']) d.forms[f].properties[f === 'correction' ? 'missing' : 'materials'].items.enum.push('photo');
  return d;
}

const doc = { issuer: '新河区退役军人事务局', number: '新退役〔2026〕12号', date: '2026-11-20' };

t.test('drafts, lint, diff, publish, and new cases on the new version only', async (t) => {
  const app = await build(t);
  const policy = await login(app, 'policy');
  const clerk = await login(app, 'district-clerk');
  const oldCase = (await openCase(app, clerk, 'discharge-reporting', 'p-zhang-wei')).json();
  t.equal(oldCase.workflowVersion, 1);

  const broken = structuredClone(published);
  broken.machine.states.reception.on.RETURN.target = 'nowhere';
  const draft1 = await app.inject({ method: 'POST', url: '/api/v1/workflows/discharge-reporting/versions', headers: policy, payload: { definition: broken, note: '试改' } });
  t.equal(draft1.statusCode, 201, 'a broken draft is still stored');
  t.equal(draft1.json().version, 2);
  t.ok(draft1.json().findings.some((f: { path: string }) => f.path === '$.machine.states.reception.on.RETURN.target'), 'with the finding and its JSON path');
  const refused = await publishByTwo(app, 'discharge-reporting', 2);
  t.equal(refused.statusCode, 422, 'and cannot be published (not even requested)');
  t.ok(refused.json().errors.length > 0);

  const clerkDraft = await app.inject({ method: 'POST', url: '/api/v1/workflows/discharge-reporting/versions', headers: clerk, payload: { definition: revised(), note: '越权修改' } });
  t.equal(clerkDraft.statusCode, 403, 'only policy staff edit');
  const noNote = await app.inject({ method: 'POST', url: '/api/v1/workflows/discharge-reporting/versions', headers: policy, payload: { definition: revised() } });
  t.equal(noNote.statusCode, 422, 'a change needs its note');

  const draft = await app.inject({ method: 'POST', url: '/api/v1/workflows/discharge-reporting/versions', headers: policy, payload: { definition: revised(), note: '窗口报到时限缩短为2个工作日，增加照片', policyDocument: doc } });
  t.equal(draft.statusCode, 201);
  t.same(draft.json().findings, []);
  const v = draft.json().version;

  const diff = (await app.inject({ url: `/api/v1/workflows/discharge-reporting/versions/${v}/diff`, headers: clerk })).json();
  t.equal(diff.from, 1);
  const texts = diff.changes.map((c: { text: { zh: string } }) => c.text.zh);
  t.ok(texts.includes('「窗口报到」时限由1个工作日改为2个工作日'), 'the diff says the deadline changed');
  t.ok(texts.includes('新增必交材料「近期免冠照片」'), 'and that a required material was added');

  const sim = await app.inject({
    method: 'POST', url: `/api/v1/workflows/discharge-reporting/versions/${v}/simulate`, headers: clerk,
    payload: {
      startAt: '2026-11-24T09:00:00+08:00',
      events: [
        { type: 'SUBMIT', data: { ...dischargeIntake, materials: [...dischargeIntake.materials, 'photo'] } },
        { type: 'RECORD_ARCHIVE', data: archiveForm },
      ],
    },
  });
  const steps = sim.json().steps;
  t.same(steps.map((s: { state: string }) => s.state), ['reception', 'archiveCheck', 'completed'], 'a simulated walk');
  t.equal(steps[0].dueAt, new Date('2026-11-26T23:59:59.999+08:00').toISOString(), 'with the new deadline');
  t.ok(steps[1].notices.some((n: { key: string }) => n.key === 'accepted'));
  const badSim = (await app.inject({ method: 'POST', url: `/api/v1/workflows/discharge-reporting/versions/${v}/simulate`, headers: clerk, payload: { events: [{ type: 'SUBMIT', data: dischargeIntake }] } })).json();
  t.equal(badSim.steps[0].rejected.code, 'GUARD_FAILED', 'the simulation shows the new material is missing');
  const paths = (await app.inject({ url: `/api/v1/workflows/discharge-reporting/versions/${v}/paths`, headers: clerk })).json().paths;
  t.ok(paths.length >= 4 && paths.every((p: { final: string }) => ['completed', 'notAccepted', 'withdrawn'].includes(p.final)), 'every path ends in a final state');
  t.equal(await app.db.selectFrom('cases').select('id').where('workflow_id', '=', 'discharge-reporting').execute().then((r) => r.length), 1, 'nothing touched real cases');

  const pub = await publishByTwo(app, 'discharge-reporting', v);
  t.equal(pub.statusCode, 200, pub.body.slice(0, 200));
  t.match(pub.json().impact.summary, { open: 1, stateMissing: 0 });
  t.equal((await publishByTwo(app, 'discharge-reporting', v)).statusCode, 409, 'publishing twice is refused');

  const versions = (await app.inject({ url: '/api/v1/workflows/discharge-reporting/versions', headers: clerk })).json().versions;
  t.match(versions[0], {
    version: v, status: 'published', note: '窗口报到时限缩短为2个工作日，增加照片', authorName: /孙磊/, policyDocument: doc,
    publication: { status: 'approved', requestedByName: /孙磊/, closedByName: /钱芳/ },
  }, 'published by two people, both named');
  t.equal(versions.find((x: { version: number }) => x.version === 1).status, 'retired');
  t.equal(versions.find((x: { version: number }) => x.version === 2).status, 'draft');

  const after = (await app.inject({ url: `/api/v1/cases/${oldCase.id}`, headers: clerk })).json();
  t.equal(after.workflowVersion, 1, 'a running case stays on its version');
  t.equal((await send(app, clerk, oldCase.id, 'SUBMIT', dischargeIntake)).statusCode, 200, 'and its old rules');
  const newCase = (await openCase(app, clerk, 'discharge-reporting', 'p-li-jun')).json();
  t.equal(newCase.workflowVersion, v, 'a new case uses the new version');
  t.equal((await send(app, clerk, newCase.id, 'SUBMIT', { ...dischargeIntake, name: '李军' })).json().code, 'GUARD_FAILED', 'and its new material');

  const exported = await app.inject({ url: `/api/v1/workflows/discharge-reporting/versions/${v}/export`, headers: clerk });
  const body = JSON.parse(exported.body);
  t.equal(body.$schema, '../src/definitions/definition.schema.json', 'the export is a workflows/*.json file');
  t.same(Object.keys(body), Object.keys(file), 'with the same layout as the repository files');
  t.equal(body.version, v);
});

t.test('moving running cases: a dry run that matches the real run; a removed state needs a mapping', async (t) => {
  const app = await build(t);
  const policy = await login(app, 'policy');
  const clerk = await login(app, 'district-clerk');
  const atWindow = (await openCase(app, clerk, 'discharge-reporting', 'p-zhang-wei')).json();
  const atArchive = (await openCase(app, clerk, 'discharge-reporting', 'p-li-jun')).json();
  await send(app, clerk, atArchive.id, 'SUBMIT', { ...dischargeIntake, name: '李军' });

  const renamed = revised();
  renamed.machine.states.fileCheck = renamed.machine.states.archiveCheck;
  delete renamed.machine.states.archiveCheck;
  type Transitions = { on?: Record<string, { target?: string } | { target?: string }[]> };
  for (const state of Object.values(renamed.machine.states) as Transitions[]) {
    for (const t of Object.values(state.on ?? {}).flat()) if (t.target === 'archiveCheck') t.target = 'fileCheck';
  }
  const v = (await app.inject({ method: 'POST', url: '/api/v1/workflows/discharge-reporting/versions', headers: policy, payload: { definition: renamed, note: '档案环节更名' } })).json().version;
  t.equal((await publishByTwo(app, 'discharge-reporting', v)).statusCode, 200);

  const blocked = (await app.inject({ method: 'POST', url: '/api/v1/workflows/discharge-reporting/migrations', headers: policy, payload: { toVersion: v, dryRun: true } })).json();
  t.equal(blocked.blocked, 1, 'the case in a removed state blocks the migration');
  t.match(blocked.fates.find((f: { caseId: string }) => f.caseId === atArchive.id), { fate: 'blocked', fromState: 'archiveCheck' });
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/workflows/discharge-reporting/migrations', headers: policy, payload: { toVersion: v, dryRun: false } })).statusCode, 422);

  const mapping = { archiveCheck: 'fileCheck' };
  const dry = (await app.inject({ method: 'POST', url: '/api/v1/workflows/discharge-reporting/migrations', headers: policy, payload: { toVersion: v, mapping, dryRun: true } })).json();
  t.equal(dry.blocked, 0);
  const run = await app.inject({ method: 'POST', url: '/api/v1/workflows/discharge-reporting/migrations', headers: policy, payload: { toVersion: v, mapping, dryRun: false } });
  t.equal(run.statusCode, 202);
  await app.jobs.drain();
  const job = (await app.inject({ url: run.json().statusUrl, headers: policy })).json();
  t.equal(job.status, 'succeeded', JSON.stringify(job.error));
  t.same(job.result.fates, dry.fates, 'the real run did what the dry run said');
  t.equal(job.result.migrated, 2);
  const moved = (await app.inject({ url: `/api/v1/cases/${atArchive.id}`, headers: clerk })).json();
  t.match(moved, { workflowVersion: v, state: 'fileCheck' });
  t.match(moved.history.at(-1), { type: 'MIGRATE', from: 'archiveCheck', to: 'fileCheck', payload: { fromVersion: 1, toVersion: v } });
  t.equal((await app.inject({ url: `/api/v1/cases/${atWindow.id}`, headers: clerk })).json().workflowVersion, v);
  t.equal((await send(app, clerk, atArchive.id, 'RECORD_ARCHIVE', archiveForm)).json().state, 'completed', 'a moved case runs on under the new version');
  t.equal((await app.inject({ url: run.json().statusUrl, headers: clerk })).statusCode, 404, "someone else's job is not visible");
});

t.test('dated local standards with their policy documents', async (t) => {
  const app = await build(t);
  const policy = await login(app, 'policy');
  const clerk = await login(app, 'district-clerk');
  const add = (effectiveFrom: string, value: number, number: string) => app.inject({
    method: 'POST', url: '/api/v1/standards', headers: policy,
    payload: {
      key: 'conscript-family-allowance-annual', value, unit: 'fen/year', effectiveFrom, note: '义务兵家庭优待金年标准',
      policyDocument: { ...doc, number },
    },
  });
  t.equal((await add('2025-01-01', 1_362_300, '新退役〔2025〕3号')).statusCode, 201);
  t.equal((await add('2026-01-01', 1_420_000, '新退役〔2026〕2号')).statusCode, 201);
  t.equal((await add('2026-01-01', 1, 'x')).statusCode, 422, 'one value per standard and date');
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/standards', headers: clerk, payload: {} })).statusCode, 422);
  const in2025 = (await app.inject({ url: '/api/v1/standards?key=conscript-family-allowance-annual&on=2025-12-31', headers: clerk })).json().items;
  t.match(in2025, [{ value: 1_362_300, effectiveFrom: '2025-01-01', policyDocument: { number: '新退役〔2025〕3号' } }]);
  const now = (await app.inject({ url: '/api/v1/standards?on=2026-11-24', headers: clerk })).json().items;
  t.match(now, [{ value: 1_420_000, author: /孙磊/ }]);
});
