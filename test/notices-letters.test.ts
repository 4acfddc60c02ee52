import { readFileSync } from 'node:fs';
import t from 'tap';
import type { WorkflowDefinition } from '../src/definitions/definition.types.ts';
import { lintDefinition } from '../src/definitions/linter.ts';
import { parseMarkup } from '../src/notices/markup.ts';
import { buildNoticeModel } from '../src/notices/notice-model.ts';
import { issuePoints } from '../src/definitions/issue-points.ts';
import { renderPdf } from '../src/notices/notice.pdf.ts';
import { noticeSettings } from '../src/notices/notice.settings.ts';
import { renderContent } from '../src/notices/notice.templates.ts';
import { build, login } from './helpers/build.ts';
import { archiveForm, dischargeIntake, openCase, send } from './helpers/fixtures.ts';
import { flat, readPdf, readText } from './helpers/notice-pdf.ts';

const definition = (id: string): WorkflowDefinition => JSON.parse(readFileSync(new URL(`../workflows/${id}.json`, import.meta.url), 'utf8'));
const ISSUED = new Date('2026-11-24T02:30:00Z');

/** One notice of a definition made from the given data and read back from its PDF (no service). */
async function printed(
  def: WorkflowDefinition, key: string, data: Record<string, unknown>, caseData: Record<string, unknown> = data,
  settings = noticeSettings(),
) {
  const p = issuePoints(def).find((x) => x.noticeKey === key)!;
  const notice = def.notices[key]!;
  const model = buildNoticeModel({
    definition: def, noticeKey: key, notice,
    event: { type: p.event, data, fromState: p.fromState, toState: p.toState }, caseData,
    materials: [], caseNo: '退报-2026-00001', appliedAt: ISSUED, dueAt: null, timerAt: null, personName: '何建平', addressee: '何建平',
    station: '东城镇退役军人服务站', organ: '新河区退役军人事务局', handler: '区局 陈静', number: '新退役〔2026〕第000001号',
    code: '2026-000001', verifyUrl: 'https://x.example/verify/a', issuedAt: ISSUED, settings,
  });
  const pdf = await renderPdf({ organ: '新河区退役军人事务局', number: '新退役〔2026〕第000001号', title: notice.title.zh, dateText: '2026年11月24日', issuedAt: ISSUED, blocks: parseMarkup(renderContent(notice.template, model)), verifyUrl: 'https://x.example/verify/a' });
  return { model, facts: readPdf(pdf) };
}

async function noticePdf(
  app: Awaited<ReturnType<typeof build>>, headers: Record<string, string>, caseId: string, title: string,
) {
  const items = (await app.inject({ url: `/api/v1/cases/${caseId}/notices`, headers })).json().items as { code: string; title: string; kind: string; issuedAt: string }[];
  const n = items.find((x) => x.title === title)!;
  const pdf = (await app.inject({ url: `/api/v1/notices/${n.code}.pdf`, headers })).rawPayload;
  return { kind: n.kind, issuedAt: new Date(n.issuedAt), text: readText(pdf), pages: readPdf(pdf).pages };
}

function shanghaiDay(at: Date): [number, number, number] {
  const l = new Date(at.getTime() + 8 * 3600_000);
  return [l.getUTCFullYear(), l.getUTCMonth(), l.getUTCDate()];
}

t.test('discharge reporting: the 报到登记表 is a form and the 户口登记介绍信 goes to the 派出所 with the particulars it registers by', async (t) => {
  const app = await build(t);
  const clerk = await login(app, 'district-clerk');
  const c = (await openCase(app, clerk, 'discharge-reporting', 'p-zhang-wei')).json();
  t.equal((await send(app, clerk, c.id, 'SUBMIT', dischargeIntake, 1)).statusCode, 200);

  const form = await noticePdf(app, clerk, c.id, '退役士兵报到登记表');
  const lines = form.text.split('\n').map((l) => l.trim());
  t.notOk(form.text.includes('收到你提交的'), 'not the receipt\'s text under a new title');
  // Labels and values are cells of one grid: pdftotext reads each cell as its own line, label before value.
  for (const [label, value] of [['姓名', '张伟'], ['性别', '男'], ['出生日期', '2002年3月15日'], ['士兵类别', '义务兵'], ['安置方式', '自主就业'],
    ['入伍时间', '2024年9月10日'], ['报到日期', '2026年9月20日'], ['案件编号', c.caseNo]]) {
    const at = lines.indexOf(label!);
    t.ok(at >= 0 && lines.slice(at + 1).includes(value!), `cell ${label}: ${value}`);
  }
  t.match(flat(form.text), /公民身份号码330102\*{8}\d{3}[\dX]/, 'the ID number masked in its cell');
  t.ok(['报到人签名', '经办人签名', '接收单位（盖章）'].every((b) => lines.includes(b)), 'signature boxes');
  t.equal(form.pages, 1);

  t.equal((await send(app, clerk, c.id, 'RECORD_ARCHIVE', archiveForm, 2)).statusCode, 200);
  const letter = await noticePdf(app, clerk, c.id, '户口登记介绍信');
  const text = flat(letter.text);
  t.equal(letter.kind, 'letter');
  t.match(text, /户口登记介绍信新河区公安分局东城派出所：兹有退役士兵张伟同志/, 'addressed to the 派出所 the clerk recorded, not to the veteran');
  t.notOk(text.includes('本机关已于'), 'not the completion notice\'s text');
  for (const p of ['姓名张伟', '性别男', '出生日期2002年3月15日', '士兵类别义务兵', '入伍时户口所在地浙江省新河区东城镇河西村', '入伍时间2024年9月10日',
    '批准退出现役时间2026年9月5日', '落户地址浙江省新河区东城镇河西村12号', '持信人：张伟（本人）', '《退役军人安置条例》第五十三条']) {
    t.ok(text.includes(p), `particular: ${p}`);
  }
  t.match(text, /公民身份号码330102\*{8}\d{3}[\dX]/, 'the ID number masked');
  const [, y, m, d] = /本介绍信有效期至(\d{4})年(\d+)月(\d+)日/.exec(text) ?? [];
  t.equal(Date.UTC(Number(y), Number(m) - 1, Number(d)) - Date.UTC(...shanghaiDay(letter.issuedAt)), 30 * 86_400_000, 'valid for the 30 days the definition gives');
  t.notOk(text.includes(dischargeIntake.idNumber), 'never the whole ID number (docs/adr/0015-letters.md)');
  t.equal(letter.pages, 1);
});

t.test('the 伤残鉴定介绍信 goes to the designated hospital with what the assessment needs', async (t) => {
  const def = definition('disability-pension');
  const samples = JSON.parse(readFileSync(new URL('../workflows/samples/disability-pension.json', import.meta.url), 'utf8'));
  const application = samples.forms.application[0];
  const referral = samples.forms.assessmentReferral;
  const { facts } = await printed(def, 'assessment-referral', referral, { ...application, ...referral });
  const text = flat(facts.text);
  t.match(text, /伤残鉴定介绍信杭州市第一人民医院（伤残鉴定定点医院）：兹介绍何建平同志于2026年10月12日前往你处进行残疾等级医学鉴定/);
  for (const p of ['性别男', '出生日期1983年9月9日', '申请类别伤残抚恤关系转入', '申报残疾性质因公', '现残疾等级8', '致残时间2018年8月3日', '上次评定日期2019年7月15日',
    '退役（移交）日期2026年6月30日', '左腿胫腓骨粉碎性骨折', '《军人抚恤优待条例》第二十八条', '残疾等级医学鉴定意见', '本介绍信有效期至2027年1月23日']) {
    t.ok(text.includes(p), `particular: ${p}`);
  }
  t.match(text, /公民身份号码330102\*{8}3710/, 'the ID number masked');
  // 三号 FangSong on 22 lines a page: the particulars take the letter onto a second page, and the
  // signature block goes there with the body's last lines, never alone.
  t.ok(facts.pages <= 2, `${facts.pages} page(s)`);
  const lastPage = facts.text.split('\f').filter((p) => p.trim()).at(-1)!;
  t.match(flat(lastPage), /有效期至.+新河区退役军人事务局/, 'the last page holds body text with the signature');

  // Sent again after an objection: to the hospital and on the date this step names, the rest as recorded.
  const reassessment = samples.forms.reassessment;
  const again = await printed(def, 'assessment-referral', reassessment, { ...application, ...referral, ...reassessment });
  t.match(flat(again.facts.text), /江川市第一人民医院：兹介绍何建平同志于2026年11月5日前往/);
  t.ok(flat(again.facts.text).includes('出生日期1983年9月9日'));
});

t.test('a letter addressed by a setting takes the body the service is configured with', async (t) => {
  const def = definition('disability-pension');
  def.notices['assessment-referral']!.addressee = { setting: 'legalAidCentre' };
  const { model } = await printed(def, 'assessment-referral', { hospitalName: '某医院' }, { hospitalName: '某医院' }, noticeSettings({ addressees: { legalAidCentre: '江川市新河区法律援助中心' } }));
  t.equal((model.letter as { addressee: string }).addressee, '江川市新河区法律援助中心');
});

t.test('the district hands over the army\'s 因公牺牲/病故 证明书 and issues none of its own (军人抚恤优待条例第十四条)', async (t) => {
  const def = definition('death-pension-survivors');
  t.notOk(Object.values(def.notices).some((n) => n.title.zh.endsWith('证明书')), 'no notice is itself a 证明书');
  const samples = JSON.parse(readFileSync(new URL('../workflows/samples/death-pension-survivors.json', import.meta.url), 'utf8'));
  const registration = samples.forms.registration.find((r: { deathType: string }) => r.deathType === 'duty');
  const { facts } = await printed(def, 'certificate', samples.forms.certificate, { ...registration, ...samples.forms.certificate });
  const text = flat(facts.text);
  t.match(text, /本机关将中国人民解放军某部政治工作部出具的《军人因公牺牲证明书》发给.+同志遗属/);
  t.ok(text.includes('证明书编号因公牺牲证字第2026036号') && text.includes('领取人签收'));
});

t.test('the 残疾军人证领取通知 names the province that issued the certificate, not the district', async (t) => {
  const def = definition('disability-pension');
  const samples = JSON.parse(readFileSync(new URL('../workflows/samples/disability-pension.json', import.meta.url), 'utf8'));
  const decision = [samples.forms.provinceDecision].flat()[0];
  const { facts } = await printed(def, 'certificate', decision);
  const text = flat(facts.text);
  t.ok(text.includes(`${decision.decisionBody}已以${decision.documentNumber}作出决定`), 'the deciding body and its document');
  t.ok(text.includes('所发证件已送达本机关') && text.includes(`残疾军人证编号${decision.certificateNumber}`));
  t.notOk(text.includes('本机关已于'), 'the district does not present the decision as its own');
});

t.test('the linter: a letter names an addressee that exists', async (t) => {
  const base = definition('discharge-reporting');
  const lint = (edit: (d: WorkflowDefinition) => void) => {
    const d = structuredClone(base);
    edit(d);
    return lintDefinition('workflows/discharge-reporting.json', d, undefined, undefined, 'en');
  };
  t.same(lint(() => {}), [], 'the item as it is passes');
  t.match(lint((d) => { delete d.notices.hukouLetter!.addressee; }), [{ path: '$.notices.hukouLetter', message: /a letter must name its addressee/ }]);
  t.match(lint((d) => { d.notices.hukouLetter!.addressee = { field: 'policeStaton' }; }), [{ path: '$.notices.hukouLetter.addressee.field', message: /"policeStaton" is in no form/ }]);
  t.match(lint((d) => { d.notices.hukouLetter!.addressee = { field: 'archiveReceivedDate' }; }), [{ path: '$.notices.hukouLetter.addressee.field', message: /in no form as text/ }], 'a date is no addressee');
  t.match(lint((d) => { d.notices.hukouLetter!.addressee = { setting: 'policeHeadquarters' }; }), [{ path: '$.notices.hukouLetter.addressee.setting', message: /not an addressee setting/ }]);
  t.match(lint((d) => { d.forms.archive!.required = (d.forms.archive!.required as string[]).filter((f) => f !== 'policeStation'); }),
    [{ path: '$.notices.hukouLetter.addressee.field', message: /archiveCheck\.RECORD_ARCHIVE issues this letter but its form does not require "policeStation"/ }]);
  t.match(lint((d) => { d.notices.completion!.addressee = { field: 'policeStation' }; }), [{ path: '$.notices.completion.addressee', message: /only a letter/ }]);
});
