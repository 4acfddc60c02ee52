import { readdirSync, readFileSync } from 'node:fs';
import t from 'tap';
import type { Remedy, WorkflowDefinition } from '../src/definitions/definition.types.ts';
import { ADVERSE_NOTICE_KINDS, takenTransition } from '../src/definitions/transitions.ts';
import { parseMarkup } from '../src/notices/markup.ts';
import { codeOf, printedNumber } from '../src/notices/notice-format.ts';
import { buildNoticeModel } from '../src/notices/notice-model.ts';
import { issuePoints } from '../src/definitions/issue-points.ts';
import { sampleForm } from '../src/notices/notice-samples.ts';
import { renderPdf } from '../src/notices/notice.pdf.ts';
import { noticeSettings } from '../src/notices/notice.settings.ts';
import { renderContent } from '../src/notices/notice.templates.ts';
import { flat, readPdf } from './helpers/notice-pdf.ts';

const definitions: WorkflowDefinition[] = readdirSync(new URL('../workflows/', import.meta.url))
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(new URL(`../workflows/${f}`, import.meta.url), 'utf8')));
const settings = noticeSettings({ reviewBody: '新河区人民政府', court: '新河区人民法院', petitionReviewBody: '江川市退役军人事务局', petitionRecheckBody: '江川市人民政府' });
t.setTimeout(280_000);

/** What the printed route must say for each kind, and what it must not. */
function expected(remedy: Remedy, data: Record<string, unknown>): { says: string[]; never: string[] } {
  switch (remedy.kind) {
    case 'administrative':
      return remedy.reviewFirst
        ? { says: ['应当自收到', '日内向新河区人民政府申请行政复议', '对行政复议决定不服的', '向新河区人民法院提起行政诉讼'], never: ['也可以'] }
        : { says: ['日内向新河区人民政府申请行政复议', '也可以', '个月内向新河区人民法院提起行政诉讼'], never: ['复查', '复核'] };
    case 'external':
      return { says: [`如对${data.decisionBody}作出的决定不服`, `向${data.reviewBody}申请行政复议`, `向${data.court}提起行政诉讼`], never: ['新河区人民政府申请', '新河区人民法院'] };
    case 'petition':
      return remedy.next === 'review'
        ? { says: ['请求江川市退役军人事务局复查', '向江川市人民政府请求复核', '三十日内'], never: ['申请行政复议', '提起行政诉讼'] }
        : { says: ['向江川市人民政府请求复核'], never: ['申请行政复议', '提起行政诉讼'] };
    case 'none':
      return { says: [remedy.reason.zh], never: ['申请行政复议', '提起行政诉讼'] };
  }
}

t.test('every adverse notice of every item prints exactly the route its transition names', async (t) => {
  let checked = 0;
  const kinds = new Set<string>();
  for (const def of definitions) {
    for (const [i, p] of issuePoints(def).entries()) {
      const notice = def.notices[p.noticeKey]!;
      const remedy = p.fromState ? takenTransition(def, p.fromState, p.event, p.toState)?.remedy : undefined;
      if (ADVERSE_NOTICE_KINDS.has(notice.kind)) t.ok(remedy, `${def.id} ${p.fromState}.${p.event} → ${p.noticeKey} names a remedy`);
      if (!remedy) continue;
      const data = sampleForm(p.form ? def.forms[p.form] : undefined);
      const model = buildNoticeModel({
        definition: def, noticeKey: p.noticeKey, notice,
        event: { type: p.event, data, fromState: p.fromState, toState: p.toState },
        caseData: data, materials: [], caseNo: '退报-2026-00001', appliedAt: new Date('2026-11-20T01:00:00Z'),
        dueAt: null, timerAt: null, personName: '王建华', addressee: '王建华', station: '桥头村退役军人服务站', organ: '新河区退役军人事务局',
        handler: '区局 陈静', number: printedNumber('新退役', settings.series[notice.kind]!, 2026, i + 1), code: codeOf(notice.kind, 2026, i + 1), verifyUrl: 'http://127.0.0.1:3000/verify/x', issuedAt: new Date('2026-11-24T02:30:00Z'), settings,
      });
      const content = renderContent(notice.template, model);
      const pdf = await renderPdf({ organ: '新河区退役军人事务局', number: model.number as string, title: notice.title.zh, dateText: '2026年11月24日', issuedAt: new Date('2026-11-24T02:30:00Z'), blocks: parseMarkup(content), verifyUrl: 'http://127.0.0.1:3000/verify/x' });
      // A route that runs over a page break is read without the page's footer (— 1 —) in it.
      const text = flat(readPdf(pdf).text.replace(/—\s*\d+\s*—/g, ''));
      const { says, never } = expected(remedy, data);
      const where = `${def.id} ${p.fromState}.${p.event} → ${p.noticeKey} (${remedy.kind})`;
      for (const s of says) t.ok(text.includes(flat(s)), `${where} says ${s}`);
      for (const s of never) t.notOk(text.includes(flat(s)), `${where} does not say ${s}`);
      checked++;
      kinds.add(remedy.kind + (remedy.kind === 'administrative' && remedy.reviewFirst ? '+reviewFirst' : '') + (remedy.kind === 'petition' ? `:${remedy.next}` : ''));
    }
  }
  t.ok(checked > 40, `${checked} notices checked`);
  t.same([...kinds].sort(), ['administrative', 'administrative+reviewFirst', 'external', 'none', 'petition:review'], 'every kind in use is printed');
});
