import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { manualClock } from '../src/clock.ts';
import { loadConfig } from '../src/config.ts';
import { parseMarkup } from '../src/notices/markup.ts';
import { codeOf, printedNumber } from '../src/notices/notice-format.ts';
import { renderPdf, type NoticeDocument } from '../src/notices/notice.pdf.ts';
import { loadSeal } from '../src/notices/notice.seal.ts';
import { parseSeries } from '../src/notices/notice.settings.ts';
import { build, login } from './helpers/build.ts';
import { dischargeIntake, openCase, send } from './helpers/fixtures.ts';
import { flat, listImages, readLayout, readPdf, readText } from './helpers/notice-pdf.ts';
import { sealPng } from './helpers/seal-png.ts';

// The document's form under GB/T 9704-2012 (issue #15 §6): 文号, faces, seal, and the signature block
// that never stands alone on a page.
t.setTimeout(300_000);
const issuedAt = new Date('2026-11-24T02:30:00Z');
const ORGAN = '新河区退役军人事务局';
const DATE = '2026年11月24日';

function doc(body: string, extra: Partial<NoticeDocument> = {}): NoticeDocument {
  return { organ: ORGAN, number: '新退役告〔2026〕7号', title: '不予受理告知书', dateText: DATE, issuedAt, blocks: parseMarkup(body), verifyUrl: 'http://127.0.0.1:3000/verify/x', ...extra };
}

/** loadConfig on these variables alone: env-schema also reads the process's own (DATABASE_URL in a PostgreSQL run). */
function configOf(env: Record<string, string>) {
  const saved = process.env.DATABASE_URL;
  delete process.env.DATABASE_URL;
  try {
    return loadConfig(env);
  } finally {
    if (saved !== undefined) process.env.DATABASE_URL = saved;
  }
}

const dir = mkdtempSync(path.join(tmpdir(), 'seal-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const sealFile = path.join(dir, 'seal.png');
writeFileSync(sealFile, sealPng());

t.test('the 文号 has no 第 and no padding; each kind numbers in its own series', async (t) => {
  t.equal(printedNumber('新退役', '受', 2026, 123), '新退役受〔2026〕123号');
  t.equal(printedNumber('新退役', '收', 2026, 1), '新退役收〔2026〕1号');
  t.equal(codeOf('public-notice', 2026, 5), '2026-public-notice-000005');
  t.equal(codeOf('', 2026, 5), '2026-000005', 'a notice numbered before the series keeps its code');

  t.match(parseSeries('refusal=不, letter = 函信'), { series: { refusal: '不', letter: '函信', other: '函' } }, 'pairs with spaces; the rest keep their default');
  t.same(parseSeries('refusal=不'), { series: { receipt: '收', accepted: '受', correction: '补', refusal: '不', decision: '决', letter: '介', completion: '办', 'public-notice': '公', other: '函' } });
  t.match(parseSeries('refusal=受'), { problems: [/accepted、refusal 共用代字"受"/] }, 'two kinds may not share a mark');
  t.match(parseSeries('verdict=判,receipt=R'), { problems: [/没有"verdict"这种文书/, /receipt 的代字须为一至四个汉字/] });
  t.throws(() => configOf({ NOTICE_SERIES: 'refusal=受' }), /配置错误.*共用代字/, 'a bad series stops the start');

  const app = await build(t, { clock: manualClock('2026-11-24T02:30:00Z') });
  const clerk = await login(app, 'district-clerk');
  const numbers: string[] = [];
  for (const personId of ['p-zhang-wei', 'p-li-jun']) {
    const c = (await openCase(app, clerk, 'discharge-reporting', personId)).json();
    t.equal((await send(app, clerk, c.id, 'SUBMIT', dischargeIntake, 1)).statusCode, 200);
    const items = (await app.inject({ url: `/api/v1/cases/${c.id}/notices`, headers: clerk })).json().items as { code: string; number: string; kind: string }[];
    for (const n of items) t.equal(n.code, codeOf(n.kind, 2026, Number(/(\d+)号$/.exec(n.number)![1])), `${n.number} has the code ${n.code}`);
    numbers.push(...items.map((n) => n.number));
    const pdf = (await app.inject({ url: `/api/v1/notices/${items[0]!.code}.pdf`, headers: clerk })).rawPayload;
    t.ok(flat(readText(pdf)).includes(flat(items[0]!.number)), 'the PDF prints that number');
  }
  t.ok(numbers.every((n) => /^新退役[\p{Script=Han}]{1,4}〔2026〕[1-9]\d*号$/u.test(n) && !n.includes('第')), numbers.join(' '));
  t.ok(numbers.includes('新退役收〔2026〕1号') && numbers.includes('新退役收〔2026〕2号'), 'receipts: 1, 2');
  t.ok(numbers.includes('新退役受〔2026〕1号') && numbers.includes('新退役受〔2026〕2号'), 'acceptances count apart: 1, 2');
});

t.test('body, number and signature in FangSong, organ and title in the 小标宋 stand-in, all embedded subsets', async (t) => {
  const pdf = await renderPdf(doc('to: 张伟：\np: 经审查，你的申请材料齐全。\nh: 一、救济途径'));
  const [page] = readLayout(pdf);
  const fontOf = (s: string) => page!.texts.find((x) => x.text.includes(s))?.font ?? '';
  for (const s of ['经审查，你的申请材料齐全。', '张伟：', '新退役告〔2026〕7号', DATE]) t.match(fontOf(s), /\+FandolFang/, `${s} in FandolFang`);
  t.match(page!.texts.find((x) => x.text === ORGAN && x.top < 200)?.font, /\+NotoSerifSC-Black/, 'the organ in Noto Serif SC Black');
  t.match(fontOf('不予受理告知书'), /\+NotoSerifSC-Black/, 'the title too');
  t.match(fontOf('一、救济途径'), /\+SourceHanSansSC/, 'a first-level heading in 黑体');
  const fonts = readPdf(pdf).fonts;
  t.ok(fonts.some((f) => /^[A-Z]{6}\+FandolFang-Regular$/.test(f.name)) && fonts.some((f) => /^[A-Z]{6}\+NotoSerifSC-Black$/.test(f.name)), fonts.map((f) => f.name).join(' '));
  t.ok(fonts.every((f) => f.embedded && f.subset && f.unicode), 'every face embedded as a subset');
  t.ok(pdf.length < 150 * 1024, `${pdf.length} bytes`);
});

t.test('the seal: （印章） without one; with one, an image over the signature and date', async (t) => {
  const body = 'to: 张伟：\np: 经审查，你的申请材料齐全。';
  const bare = await renderPdf(doc(body));
  t.ok(flat(readText(bare)).includes('（印章）'), 'its place is marked');
  t.same(listImages(bare), [], 'and no image');

  const sealed = await renderPdf(doc(body, { seal: loadSeal(sealFile) }));
  t.notOk(flat(readText(sealed)).includes('（印章）'));
  t.same(listImages(sealed).map((i) => `${i.page}:${i.type}`), ['1:image', '1:smask'], 'one image with its transparency, on page 1');
  const [page] = readLayout(sealed);
  const seal = page!.images[0]!;
  const date = page!.texts.find((x) => x.text === DATE)!;
  const organ = page!.texts.filter((x) => x.text === ORGAN).at(-1)!;
  const inside = (b: typeof date) => b.left >= seal.left && b.left + b.width <= seal.left + seal.width
    && b.top >= seal.top && b.top + b.height <= seal.top + seal.height;
  t.ok(inside(date), 'the seal covers the date');
  t.ok(organ.top > seal.top && organ.top < seal.top + seal.height, 'and presses on the signature');
  t.ok(Math.abs(date.left + date.width / 2 - (seal.left + seal.width / 2)) < 2, 'centred on the date');
  t.ok((organ.top + date.top + date.height) / 2 > seal.top + seal.height / 2, 'signature and date a little below its centre');

  t.throws(() => loadSeal(path.join(dir, 'missing.png')), /无法读取印章图片/);
  writeFileSync(path.join(dir, 'seal.jpg'), Buffer.from('\xff\xd8\xff\xe0 not a png', 'latin1'));
  t.throws(() => loadSeal(path.join(dir, 'seal.jpg')), /不是 PNG 图片/);
  const opaque = sealPng();
  opaque[25] = 2; // colour type RGB: no alpha
  writeFileSync(path.join(dir, 'opaque.png'), opaque);
  t.throws(() => loadSeal(path.join(dir, 'opaque.png')), /没有透明背景/);
  t.throws(() => configOf({ NOTICE_SEAL_IMAGE: sealFile }), /演示模式不加盖电子印章/, 'never in demo mode (embedded, DEMO unset)');
  t.equal(configOf({ NOTICE_SEAL_IMAGE: sealFile, DEMO: 'false' }).notices?.sealImage, sealFile);
});

t.test('a service with a seal configured seals the notices it issues', async (t) => {
  const app = await build(t, { clock: manualClock('2026-11-24T02:30:00Z'), config: { notices: { sealImage: sealFile } } });
  const clerk = await login(app, 'district-clerk');
  const c = (await openCase(app, clerk, 'discharge-reporting', 'p-zhang-wei')).json();
  t.equal((await send(app, clerk, c.id, 'SUBMIT', dischargeIntake, 1)).statusCode, 200);
  await app.notices.renderJob.idle();
  const [n] = (await app.inject({ url: `/api/v1/cases/${c.id}/notices`, headers: clerk })).json().items as { code: string }[];
  const pdf = (await app.inject({ url: `/api/v1/notices/${n!.code}.pdf`, headers: clerk })).rawPayload;
  t.ok(listImages(pdf).some((i) => i.type === 'image'), 'the job embedded the seal');
  t.notOk(flat(readText(pdf)).includes('（印章）'));
});

t.test('the signature block, seal and QR code never stand alone on a page, and no page is empty', async (t) => {
  const problems: string[] = [];
  const seen = new Set<number>();
  const seal = loadSeal(sealFile);
  // From bodies that end mid-page one to those that end at the bottom of page two, a line at a time,
  // without a seal and with one (it reaches further down than the （印章） mark).
  for (let lines = 6; lines <= 36; lines++) {
    for (const sealed of [false, true]) {
      const body = ['to: 张伟：', ...Array.from({ length: lines }, (_, i) => `p: 第${i + 1}行甲乙丙丁戊己庚辛壬癸甲乙丙丁戊己庚辛壬`), 'note: 经办人：陈静'].join('\n');
      const layout = readLayout(await renderPdf(doc(body, sealed ? { seal } : {})));
      seen.add(layout.length);
      const last = layout.at(-1)!;
      const texts = last.texts.map((x) => x.text).join('');
      const where = `${lines} lines${sealed ? ', sealed' : ''}, ${layout.length} page(s)`;
      if (!texts.includes(DATE) || !texts.includes('扫码核验') || !texts.includes('（经办人：陈静）')) problems.push(`${where}: the closing block is split`);
      if (sealed ? last.images.length !== 1 || layout.some((p) => p !== last && p.images.length) : !texts.includes('（印章）')) problems.push(`${where}: the seal is not with the date`);
      // The 版心 ends 262 mm down the 297 mm page.
      if (sealed && last.images[0]!.top + last.images[0]!.height > (last.height * 262) / 297 + 2) problems.push(`${where}: the seal runs past the type area`);
      if (!/第\d+行/.test(texts)) problems.push(`${where}: the last page has no body text`);
      layout.forEach((p, i) => {
        if (!p.texts.some((x) => !/^—\s*\d+\s*—$/.test(x.text))) problems.push(`${where}: page ${i + 1} is empty`);
        if (!p.texts.some((x) => x.text === `— ${i + 1} —`)) problems.push(`${where}: page ${i + 1} has no number`);
      });
    }
  }
  t.same(problems, []);
  t.ok(seen.has(1) && seen.has(2), `notices of ${[...seen].join(', ')} pages were tried`);
});
