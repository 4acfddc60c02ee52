import { readdirSync, readFileSync } from 'node:fs';
import t from 'tap';
import type { WorkflowDefinition } from '../src/definitions/definition.types.ts';
import { fontFor, unprintable } from '../src/notices/fonts.ts';
import { lintDefinition } from '../src/definitions/linter.ts';
import { parseMarkup } from '../src/notices/markup.ts';
import { codeOf, printedNumber } from '../src/notices/notice-format.ts';
import { buildNoticeModel } from '../src/notices/notice-model.ts';
import type { NoticeFacts } from '../src/notices/notice-facts.ts';
import { issuePoints } from '../src/definitions/issue-points.ts';
import { RARE_NAMES, sampleForm } from '../src/notices/notice-samples.ts';
import { renderPdf } from '../src/notices/notice.pdf.ts';
import { noticeSettings } from '../src/notices/notice.settings.ts';
import { MissingNoticeField, renderContent, templateNames } from '../src/notices/notice.templates.ts';
import { flat, readPdf } from './helpers/notice-pdf.ts';

const definitions: WorkflowDefinition[] = readdirSync(new URL('../workflows/', import.meta.url))
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(new URL(`../workflows/${f}`, import.meta.url), 'utf8')));
const settings = noticeSettings({ contactPhone: '0571-86001234' });
t.setTimeout(240_000);
const issuedAt = new Date('2026-11-24T02:30:00Z');

function thrown(fn: () => unknown): MissingNoticeField | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof MissingNoticeField) return err;
    throw err;
  }
  return undefined;
}

function factsFor(def: WorkflowDefinition, p: ReturnType<typeof issuePoints>[number], i: number): NoticeFacts {
  const form = p.form ? def.forms[p.form] : undefined;
  const data = sampleForm(form);
  return {
    definition: def, noticeKey: p.noticeKey, notice: def.notices[p.noticeKey]!,
    event: { type: p.event, data, fromState: p.fromState, toState: p.toState },
    caseData: data, materials: def.materials.map((m) => m.id),
    caseNo: '退报-2026-00001', appliedAt: new Date('2026-11-20T01:00:00Z'),
    // A 补正 notice prints its waiting step's timer: the end of 20 November in Shanghai.
    dueAt: new Date('2026-12-01T15:59:59Z'), timerAt: def.notices[p.noticeKey]!.kind === 'correction' ? new Date('2026-11-20T15:59:59Z') : null,
    personName: RARE_NAMES[i % RARE_NAMES.length]!, addressee: RARE_NAMES[i % RARE_NAMES.length]!,
    station: '桥头村退役军人服务站', organ: '新河区退役军人事务局', handler: '区局 陈静',
    number: printedNumber('新退役', settings.series[def.notices[p.noticeKey]!.kind], 2026, i + 1), code: codeOf(def.notices[p.noticeKey]!.kind, 2026, i + 1),
    verifyUrl: `http://127.0.0.1:3000/verify/sample-token-${String(i).padStart(4, '0')}-abcdefghijklmnop`, issuedAt, settings,
  };
}

t.test('every template exists, every notice is issued by a step, every refusal step requires its reason and basis', async (t) => {
  t.same(templateNames().sort(), ['accepted', 'certificate-collection', 'certificate-handover', 'completion', 'correction', 'letter-assessment', 'letter-hukou', 'public-notice', 'receipt', 'refusal', 'registration-form']);
  const noticeFindings = (def: WorkflowDefinition) => lintDefinition(def.id, def, undefined, undefined, 'en').filter((f) => f.code.startsWith('LINT_NOTICE_'));
  for (const def of definitions) t.same(noticeFindings(def), [], def.id);
  const broken = structuredClone(definitions.find((d) => d.id === 'discharge-reporting')!);
  broken.notices.completion!.template = 'no-such-template';
  t.match(noticeFindings(broken), [{ path: '$.notices.completion.template', message: /no template templates\/notices\/no-such-template.hbs/ }], 'a notice whose template does not exist is caught');
});

t.test('every GB 2312 hanzi and the rare name characters have a glyph', async (t) => {
  const dec = new TextDecoder('gbk');
  let all = '';
  for (let r = 0xb0; r <= 0xf7; r++) {
    for (let c = 0xa1; c <= 0xfe; c++) if (!(r === 0xd7 && c > 0xf9)) all += dec.decode(new Uint8Array([r, c]));
  }
  t.equal([...all].length, 6763);
  t.same([...all].filter((c) => !fontFor('fang').hasGlyphForCodePoint(c.codePointAt(0)!)), [], 'the FangSong body face alone covers GB 2312');
  t.same(unprintable(all), [], 'and with its stand-ins');
  t.same(unprintable(all, 'title'), [], 'and the 小标宋 stand-in of titles');
  t.same(unprintable('𠮷䶮堃喆昇镕赟珺龑'), []);
  // A document with all of them: no character may come out as the missing glyph.
  const blocks = parseMarkup(`to: 全部字符：\np: ${all}𠮷䶮堃喆昇镕赟珺龑`);
  const pdf = await renderPdf({ organ: '新河区退役军人事务局', number: '新退役收〔2026〕1号', title: '字库测试', dateText: '2026年11月24日', issuedAt, blocks, verifyUrl: 'http://127.0.0.1:3000/verify/x' });
  const facts = readPdf(pdf);
  t.equal(facts.notdefGlyphs, 0, 'no glyph id 0');
  t.ok(facts.pages >= 10, `${facts.pages} pages`);
  const text = flat(facts.text);
  t.ok([...'𠮷䶮堃喆昇镕赟珺龑'].every((c) => text.includes(c)), 'rare characters extract as text');
  t.ok(text.includes(all.slice(0, 200)), 'GB 2312 text extracts in order');
  t.ok(facts.fonts.every((f) => f.embedded && f.subset), 'fonts embedded as subsets');
});

t.test('every notice of the 22 workflows renders from realistic data', async (t) => {
  let i = 0;
  const sizes: number[] = [];
  for (const def of definitions) {
    for (const p of issuePoints(def)) {
      const facts = factsFor(def, p, i++);
      const label = `${def.id}.${p.noticeKey} via ${p.fromState}.${p.event}`;
      const model = buildNoticeModel(facts);
      const notice = facts.notice;
      const content = renderContent(notice.template, model);
      const pdf = await renderPdf({ organ: facts.organ, number: facts.number, title: notice.title.zh, dateText: '2026年11月24日', issuedAt, blocks: parseMarkup(content), verifyUrl: facts.verifyUrl });
      const read = readPdf(pdf);
      const text = flat(read.text);
      if (read.pages === 1) sizes.push(pdf.length);
      const problems: string[] = [];
      if (!text.includes(flat(facts.number))) problems.push('number');
      if (!text.includes(facts.addressee)) problems.push('name');
      if (!text.includes(flat(notice.title.zh))) problems.push('title');
      if (!text.includes('2026年11月24日')) problems.push('date');
      if (read.notdefGlyphs !== 0) problems.push('missing glyphs');
      if (!read.fonts.every((f) => f.embedded && f.subset && f.unicode)) problems.push('fonts');
      if (read.inkRatio < 0.01) problems.push('blank page');
      if (read.pages === 1 && pdf.length >= 150 * 1024) problems.push(`size ${pdf.length}`);
      const d = facts.event.data;
      if (notice.kind === 'refusal') {
        // The route itself depends on the transition's remedy: test/notices-remedies.test.ts checks it.
        for (const s of [d.reason, d.legalBasis, '救济途径']) if (!text.includes(flat(String(s)))) problems.push(`refusal: ${String(s).slice(0, 12)}`);
      }
      if (notice.kind === 'correction') {
        for (const id of d.missing as string[]) if (!text.includes(flat(def.materials.find((m) => m.id === id)!.title.zh))) problems.push(`missing ${id}`);
        if (!text.includes('请于2026年11月20日前')) problems.push('correction deadline');
        const withdraws = def.machine.states[p.toState]!.on?.DEADLINE;
        const ends = def.machine.states[(Array.isArray(withdraws) ? withdraws[0] : withdraws)?.target ?? '']?.type === 'final';
        if (text.includes('视为撤回') !== ends) problems.push(`视为撤回 printed: ${text.includes('视为撤回')}, the timer ends the case: ${ends}`);
      }
      const fields = model.fields as { label: string; value: string }[];
      if (notice.template === 'completion' && fields.length && !text.includes(flat(fields[0]!.value).slice(0, 10))) problems.push('result');
      t.same(problems, [], `${label}: ${read.pages} page(s), ${(pdf.length / 1024).toFixed(0)} KB`);
    }
  }
  t.ok(i >= 150, `${i} notices rendered`);
  t.ok(Math.max(...sizes) < 150 * 1024, `one-page notices at most ${(Math.max(...sizes) / 1024).toFixed(0)} KB`);
});

t.test('printing again gives the same bytes', async (t) => {
  const def = definitions.find((d) => d.id === 'discharge-reporting')!;
  const p = issuePoints(def).find((x) => x.noticeKey === 'refusal')!;
  const facts = factsFor(def, p, 0);
  const content = renderContent('refusal', buildNoticeModel(facts));
  const doc = { organ: facts.organ, number: facts.number, title: facts.notice.title.zh, dateText: '2026年11月24日', issuedAt, blocks: parseMarkup(content), verifyUrl: facts.verifyUrl };
  const [a, b] = [await renderPdf(doc), await renderPdf(doc)];
  t.ok(a.equals(b));
});

t.test('a strict template fails on a missing field instead of printing a blank', async (t) => {
  const def = definitions.find((d) => d.id === 'discharge-reporting')!;
  const p = issuePoints(def).find((x) => x.noticeKey === 'correction')!;
  const facts = factsFor(def, p, 0);
  const model = buildNoticeModel({ ...facts, timerAt: null });
  t.equal(thrown(() => renderContent('correction', model))?.field, 'deadline', 'no timer, no date to state: no notice');
  const refusal = issuePoints(def).find((x) => x.noticeKey === 'refusal')!;
  const rf = factsFor(def, refusal, 0);
  const { legalBasis: __, ...noBasis } = rf.event.data;
  t.equal(thrown(() => renderContent('refusal', buildNoticeModel({ ...rf, event: { ...rf.event, data: noBasis } })))?.field, 'legalBasis', 'no basis, no refusal');
});
