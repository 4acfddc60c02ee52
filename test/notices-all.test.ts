import { readdirSync, readFileSync } from 'node:fs';
import t from 'tap';
import { appendEvent } from '../src/cases/case-event.repository.ts';
import { manualClock } from '../src/clock.ts';
import type { WorkflowDefinition } from '../src/definitions/definition.types.ts';
import type { CompiledWorkflow } from '../src/engine/compile.ts';
import type { StoredSnapshot } from '../src/engine/engine.ts';
import { issuePoints, type IssuePoint } from '../src/definitions/issue-points.ts';
import { sampleForm } from '../src/notices/notice-samples.ts';
import { issueNotice } from '../src/notices/notice.service.ts';
import { build, login } from './helpers/build.ts';
import { openCase } from './helpers/fixtures.ts';
import { flat, readPdf, readText } from './helpers/notice-pdf.ts';

t.setTimeout(600_000);
const NOW = '2026-11-24T02:30:00Z';
// More than the distinct issue points (203), so some are issued twice at once.
const TOTAL = 240;

const definitions: WorkflowDefinition[] = readdirSync(new URL('../workflows/', import.meta.url))
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(new URL(`../workflows/${f}`, import.meta.url), 'utf8')));

/** Runs tasks with at most `limit` of them under way at once; results in task order. */
async function runAll<T>(limit: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

t.test(`every notice of every workflow, ${TOTAL} issued at once: consecutive numbers, PDFs made after commit, all verified`, async (t) => {
  const clock = manualClock(NOW);
  const app = await build(t, { clock, config: { dbPoolSize: 16 } });
  const clerk = await login(app, 'district-clerk');
  const c = (await openCase(app, clerk, 'discharge-reporting', 'p-zhang-wei')).json();
  const snapshot = (await app.db.selectFrom('cases').select('snapshot').where('id', '=', c.id).executeTakeFirstOrThrow()).snapshot as unknown as { value: string };
  // A 补正 notice prints the timer of the step the case waits in; the case row holds it.
  await app.db.updateTable('cases').set({ timer_at: new Date('2026-12-24T15:59:59Z') }).where('id', '=', c.id).execute();

  const specs: { wf: CompiledWorkflow; p: IssuePoint }[] = [];
  for (const def of definitions) {
    const wf = (await app.registry.get(app.db, def.id, def.version))!;
    t.ok(wf, `${def.id}@${def.version} is stored`);
    for (const p of issuePoints(def)) specs.push({ wf, p });
  }
  const distinct = specs.length;
  for (let i = 0; specs.length < TOTAL; i++) specs.push(specs[i]!);
  const person = { id: 'p-zhang-wei', name: '张伟' };

  // All at once on PostgreSQL; the embedded database runs one transaction at a time anyway, so there a
  // few at a time keep 200 waiters from outliving the pool's connection timeout.
  const inFlight = app.databaseKind === 'postgresql' ? TOTAL : 8;
  // The step each notice belongs to, written first and one after another: each history entry's hash
  // links to the one before it (src/cases/history-chain.ts), so one case's entries are appended in seq
  // order, as the case's row lock orders them in the service. The 200 issuances then race each other.
  const last = (await app.db.selectFrom('case_events').select((eb) => eb.fn.max('seq').as('seq')).where('case_id', '=', c.id).executeTakeFirstOrThrow()).seq as number;
  const datas = specs.map(({ wf, p }) => sampleForm(p.form ? wf.definition.forms[p.form] : undefined));
  for (const [i, { p }] of specs.entries()) {
    await appendEvent(app.db, c.id, { seq: last + 1 + i, kind: 'machine', type: p.event, payload: { data: datas[i] }, actorId: 'u-district-clerk', fromState: p.fromState, toState: p.toState, at: clock.now() });
  }
  const started = performance.now();
  const ids = await runAll(inFlight, specs.map(({ wf, p }, i) => () => app.db.transaction().execute(async (trx) => {
    const data = datas[i]!;
    const seq = last + 1 + i;
    return issueNotice(trx, app.db, {
      caseId: c.id, eventSeq: seq, noticeKey: p.noticeKey, wf, person,
      snapshot: {
        ...(snapshot as object as StoredSnapshot), value: p.toState,
        context: { data, materials: wf.definition.materials.map((m) => m.id), outcome: null },
      },
      actorId: 'u-district-clerk', now: clock.now(),
    });
  })));
  const issueMs = performance.now() - started;
  await app.notices.renderJob.idle();
  const renderMs = performance.now() - started;
  t.comment(`${TOTAL} notices (${distinct} distinct, ${inFlight} at a time) issued in ${issueMs.toFixed(0)} ms; all PDFs made ${renderMs.toFixed(0)} ms after the start (${app.databaseKind})`);

  const rows = await app.db.selectFrom('notices').select(['id', 'series', 'serial', 'code', 'number', 'verify_token', 'pdf', 'sha256', 'title', 'kind'])
    .where('case_id', '=', c.id).orderBy('series').orderBy('serial').execute();
  t.equal(rows.length, TOTAL);
  t.same(new Set(ids).size, TOTAL);
  // Each kind's series on its own: 1, 2, 3… without a gap or a double, however the issues interleaved.
  const bySeries = new Map<string, typeof rows>();
  for (const r of rows) bySeries.set(r.series, [...(bySeries.get(r.series) ?? []), r]);
  t.ok(bySeries.size > 1, `${bySeries.size} series`);
  for (const [series, list] of bySeries) t.same(list.map((r) => r.serial), list.map((_, i) => i + 1), `${series}: ${list.length} consecutive numbers`);
  t.ok(rows.every((r) => r.series === r.kind), 'each in the series of its kind');
  t.ok(rows.every((r) => r.pdf && r.sha256), 'every PDF made by the job');

  const problems: string[] = [];
  let onePageMax = 0;
  const fullyRead = new Set<string>();
  for (const [i, r] of rows.entries()) {
    // Distinct addresses: the public verify route is rate-limited per address.
    const remoteAddress = `127.0.${i >> 8}.${(i & 255) || 1}`;
    const v = (await app.inject({ url: `/verify/${r.verify_token}`, headers: { accept: 'application/json' }, remoteAddress })).json();
    if (!(v.genuine && v.unchanged && v.title === r.title && v.name === '张*')) problems.push(`${r.code}: verify ${JSON.stringify(v)}`);
    const res = await app.inject({ url: `/api/v1/notices/${r.code}.pdf`, headers: clerk });
    if (!res.rawPayload.equals(r.pdf!)) problems.push(`${r.code}: served bytes differ`);
    const text = flat(readText(res.rawPayload));
    if (!text.includes(flat(r.number!)) || !text.includes('张伟') || !text.includes(flat(r.title))) problems.push(`${r.code} ${r.title}: text`);
    if (r.kind === 'correction' && !text.includes('请于2026年12月24日前')) problems.push(`${r.code}: the timer's date`);
    // Fonts, glyphs and ink once per kind of document (notices-render.test.ts checks every one).
    const kind = `${r.kind}:${r.title}`;
    if (fullyRead.has(kind) && i % 10 !== 0) continue;
    fullyRead.add(kind);
    const facts = readPdf(res.rawPayload);
    if (facts.notdefGlyphs !== 0 || !facts.fonts.every((f) => f.embedded && f.subset) || facts.inkRatio < 0.01) problems.push(`${r.code}: glyphs/fonts/ink`);
    if (facts.pages === 1) onePageMax = Math.max(onePageMax, r.pdf!.length);
  }
  t.same(problems, [], 'every notice renders, extracts and verifies');
  t.ok(onePageMax < 150 * 1024, `largest one-page notice ${(onePageMax / 1024).toFixed(1)} KB`);
});
