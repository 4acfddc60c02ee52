/**
 * Renders one sample notice of each kind to PNG for the README:
 *   node --import tsx src/notices/render-samples.ts docs/notices
 * Needs poppler-utils (pdftoppm). Data comes from the specimen generator (notice-samples.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkflowDefinition } from '../definitions/definition.types.ts';
import { parseMarkup } from './markup.ts';
import { codeOf, printedNumber } from './notice-format.ts';
import { buildNoticeModel } from './notice-model.ts';
import { issuePoints } from '../definitions/issue-points.ts';
import { sampleForm } from './notice-samples.ts';
import { renderPdf } from './notice.pdf.ts';
import { noticeSettings } from './notice.settings.ts';
import { renderContent } from './notice.templates.ts';

export const SAMPLES: {
  kind: string; workflow: string; notice: string; name: string; data?: Record<string, unknown>;
}[] = [
  { kind: 'receipt', workflow: 'discharge-reporting', notice: 'receipt', name: '吉𠮷' },
  { kind: 'accepted', workflow: 'discharge-reporting', notice: 'accepted', name: '王堃' },
  { kind: 'correction', workflow: 'discharge-reporting', notice: 'correction', name: '张喆', data: { missing: ['unit-letter', 'id-card'], note: '部队行政介绍信未加盖公章，请补盖后提交。' } },
  { kind: 'refusal', workflow: 'hardship-assistance', notice: 'not-eligible', name: '刘䶮', data: { reason: '经入户核查，你家庭人均月收入高于本区帮扶标准，且未发现因病、因灾等特殊困难情形。', legalBasis: '《退役军人保障法》第五十五条、《新河区困难退役军人帮扶援助实施办法》第五条' } },
  { kind: 'completion', workflow: 'self-employment-subsidy', notice: 'payment', name: '陈镕', data: { voucherNumber: '付字〔2026〕0318号' } },
  { kind: 'public-notice', workflow: 'hardship-assistance', notice: 'public-notice', name: '赵赟', data: { opinion: '情况属实，同意给予临时帮扶。', noticePlace: '桥头村村务公开栏' } },
  { kind: 'letter', workflow: 'discharge-reporting', notice: 'hukouLetter', name: '周珺', data: { name: '周珺', idNumber: '330102200402111370', reportDate: '2026-09-20', dischargeDate: '2026-09-05', soldierType: 'conscript', placementType: 'self-employment', sex: 'female', birthDate: '2004-02-11', enlistmentDate: '2024-09-10' } },
  { kind: 'form', workflow: 'discharge-reporting', notice: 'registrationForm', name: '李昇', data: { name: '李昇', sex: 'male', birthDate: '2004-02-11', enlistmentDate: '2024-09-10' } },
];

async function renderSamples(outDir: string): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const settings = noticeSettings({ contactPhone: '0571-86001234' });
  const issuedAt = new Date('2026-11-24T02:30:00Z');
  const written: string[] = [];
  for (const [i, s] of SAMPLES.entries()) {
    const def: WorkflowDefinition = JSON.parse(readFileSync(new URL(`../../workflows/${s.workflow}.json`, import.meta.url), 'utf8'));
    const p = issuePoints(def).find((x) => x.noticeKey === s.notice)!;
    const data = { ...sampleForm(p.form ? def.forms[p.form] : undefined), ...s.data };
    const notice = def.notices[s.notice]!;
    const number = printedNumber('新退役', settings.series[notice.kind], 2026, 123 + i);
    const verifyUrl = `https://tyjr.xinhe.example.gov.cn/verify/${'Yk3v9Qx2LmPZ8wR4tN6sHcJ1aB5dE7f'}${i}`;
    const model = buildNoticeModel({
      definition: def, noticeKey: s.notice, notice,
      event: { type: p.event, data, fromState: p.fromState, toState: p.toState }, caseData: data,
      materials: def.materials.filter((m) => m.required).map((m) => m.id),
      caseNo: '退报-2026-00123', appliedAt: new Date('2026-11-20T01:00:00Z'),
      dueAt: new Date('2026-12-01T15:59:59Z'),
      timerAt: s.kind === 'public-notice' || s.kind === 'correction' ? new Date('2026-12-01T15:59:59Z') : null,
      personName: s.name, addressee: s.name, station: '桥头村退役军人服务站', organ: '新河区退役军人事务局', handler: '区局 陈静', number,
      code: codeOf(notice.kind, 2026, 123 + i), verifyUrl, issuedAt, settings,
    });
    const content = renderContent(notice.template, model);
    const pdf = await renderPdf({ organ: '新河区退役军人事务局', number, title: notice.title.zh, dateText: '2026年11月24日', issuedAt, blocks: parseMarkup(content), verifyUrl });
    const base = path.join(outDir, s.kind);
    writeFileSync(`${base}.pdf`, pdf);
    execFileSync('pdftoppm', ['-r', '60', '-png', '-f', '1', '-l', '1', '-singlefile', `${base}.pdf`, base]);
    rmSync(`${base}.pdf`);
    written.push(`${base}.png`);
  }
  return written;
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  console.log((await renderSamples(process.argv[2] ?? 'docs/notices')).join('\n'));
}
