import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import { round, summarize } from './stats.ts';

/**
 * Notices rendered per second and their size (src/notices/notice.pdf.ts renderPdf), beside bare
 * pdfkit drawing the same text with the same font files. Steady state: the first renders (font
 * parsing, JIT) are timed apart and excluded. Runs in the bench process, no database involved.
 */
export interface NoticeResult {
  ms: number | null;
  p99Ms: number | null;
  perSecond: number | null;
  kb: number | null;
  pages: number | null;
  firstMs: number | null;
  baselineMs: number | null;
  baselineKb: number | null;
  baselineFontFileMs: number | null;
  ratio: number | null;
  renderer: string | null;
  note: string | null;
}

const SOURCE = `to: 张伟：
p: 你于2026年11月20日申请办理退役士兵自主就业一次性经济补助。经审查，申请材料尚不齐全，现一次性告知需要补正的全部内容。
h: 一、需要补正的材料
th: 序号 | 材料名称 | 补正要求
tr: 1 | 退出现役证明 | 原件及复印件各一份，复印件须加盖原部队公章
tr: 2 | 居民户口簿 | 户主页及本人页复印件，核对原件后退回
tr: 3 | 银行账户信息 | 本人名下一类银行账户，须写明开户行全称
h: 二、补正期限和方式
p: 请自收到本告知书之日起十五个工作日内，将上述材料送至所在村（社区）退役军人服务站。补正期间办理时限暂停计算。
p: 逾期未补正且无正当理由的，视为撤回申请。
note: 经办人：陈静　联系电话：0571-86881234`;

interface Block { type: string; text?: string; header?: string[]; rows?: string[][] }

function plainLines(blocks: Block[]): { text: string; bold: boolean }[] {
  const out: { text: string; bold: boolean }[] = [];
  for (const b of blocks) {
    if (b.type === 'table') for (const row of [b.header!, ...b.rows!]) out.push({ text: row.join('　'), bold: false });
    else if (b.text) out.push({ text: b.text, bold: b.type === 'h' });
  }
  return out;
}

const MM = 72 / 25.4;

/** Bare pdfkit: the same strings, its own line breaking, A4 with the GB/T 9704 margins. */
function bareRender(
  fonts: { song: unknown; songBold: unknown },
  doc: { organ: string; number: string; title: string; dateText: string },
  lines: { text: string; bold: boolean }[],
): Promise<Buffer> {
  const pdf = new PDFDocument({ size: 'A4', margins: { top: 37 * MM, left: 28 * MM, right: 26 * MM, bottom: 35 * MM }, compress: true });
  pdf.registerFont('song', fonts.song as never);
  pdf.registerFont('songBold', fonts.songBold as never);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (c: Buffer) => chunks.push(c));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  const width = 156 * MM;
  pdf.font('songBold').fontSize(24).fillColor('#d40000').text(doc.organ, { width, align: 'center' });
  pdf.font('song').fontSize(16).fillColor('black').text(doc.number, { width, align: 'right' });
  pdf.font('songBold').fontSize(22).text(doc.title, { width, align: 'center' });
  for (const l of lines) pdf.font(l.bold ? 'songBold' : 'song').fontSize(16).text(l.text, { width, indent: 32, lineGap: 6 });
  pdf.font('song').fontSize(16).text(doc.organ, { width, align: 'right' }).text(doc.dateText, { width, align: 'right' });
  pdf.end();
  return done;
}

async function timeRenders(
  render: () => Promise<Buffer>, warm: number, n: number,
): Promise<{ first: number; times: number[]; bytes: number; buf: Buffer }> {
  let t = performance.now();
  let buf = await render();
  const first = performance.now() - t;
  for (let i = 1; i < warm; i++) await render();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    t = performance.now();
    buf = await render();
    times.push(performance.now() - t);
  }
  return { first, times, bytes: buf.length, buf };
}

function pageCount(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
}

export async function benchNotice(repoRoot: string, samples: number): Promise<NoticeResult> {
  const empty: NoticeResult = {
    ms: null, p99Ms: null, perSecond: null, kb: null, pages: null, firstMs: null,
    baselineMs: null, baselineKb: null, baselineFontFileMs: null, ratio: null, renderer: null, note: null,
  };
  const rendererFile = path.join(repoRoot, 'src/notices/notice.pdf.ts');
  const markupFile = path.join(repoRoot, 'src/notices/markup.ts');
  const fontsFile = path.join(repoRoot, 'src/notices/fonts.ts');
  if (![rendererFile, markupFile, fontsFile].every(existsSync)) {
    return { ...empty, note: 'TODO: no notice renderer (src/notices/notice.pdf.ts renderPdf) in this tree yet' };
  }
  try {
    const renderer = await import(rendererFile) as { renderPdf?: (doc: unknown) => Promise<Buffer> };
    const markup = await import(markupFile) as { parseMarkup?: (s: string) => Block[] };
    const fonts = await import(fontsFile) as { fontFor?: (face: string) => unknown };
    if (typeof renderer.renderPdf !== 'function' || typeof markup.parseMarkup !== 'function' || typeof fonts.fontFor !== 'function') {
      return { ...empty, note: 'TODO: src/notices changed shape (renderPdf, parseMarkup, fontFor expected); update bench/notice.ts' };
    }
    const blocks = markup.parseMarkup(SOURCE);
    const doc = {
      organ: '新河区退役军人事务局', number: '新退役补〔2026〕0127号', title: '补正材料一次性告知书', dateText: '2026年11月24日',
      issuedAt: new Date('2026-11-24T02:00:00Z'), blocks, verifyUrl: 'https://vets.xinhe.gov.cn/v/0193f2a4-7c1e-7d2a-9b3c-5e8f1a2b3c4d',
    };
    const warm = Math.max(3, Math.floor(samples / 5));
    const svc = await timeRenders(() => renderer.renderPdf!(doc), warm, samples);
    // The same font files: parsed once per process (as the renderer does), and once per document
    // (pdfkit's plain way, a path). Headings: the renderer's 黑体 (there is no bold 宋体 face).
    const shared = { song: fonts.fontFor('song'), songBold: fonts.fontFor('hei') };
    const lines = plainLines(blocks);
    const base = await timeRenders(() => bareRender(shared, doc, lines), warm, samples);
    const req = createRequire(fileURLToPath(import.meta.url));
    const fontFile = (pkgFile: string) => { const [pkg, ...rest] = pkgFile.split('|'); return path.join(path.dirname(req.resolve(`${pkg}/package.json`)), rest.join('')); };
    let baselineFontFileMs: number | null = null;
    try {
      const files = { song: fontFile('@expo-google-fonts/noto-serif-sc|400Regular/NotoSerifSC_400Regular.ttf'), songBold: fontFile('@expo-google-fonts/noto-serif-sc|700Bold/NotoSerifSC_700Bold.ttf') };
      if (existsSync(files.song) && existsSync(files.songBold)) {
        const fromFiles = await timeRenders(
          () => bareRender(files, doc, lines), 1, Math.max(3, Math.floor(samples / 5)),
        );
        baselineFontFileMs = summarize(fromFiles.times).p50Ms;
      }
    } catch { /* font package layout changed; leave it out */ }
    const s = summarize(svc.times);
    const b = summarize(base.times);
    return {
      ms: s.p50Ms, p99Ms: s.p99Ms, perSecond: s.p50Ms ? round(1000 / s.p50Ms, 1) : null,
      kb: round(svc.bytes / 1024, 1), pages: pageCount(svc.buf),
      firstMs: round(svc.first, 1), baselineMs: b.p50Ms, baselineKb: round(base.bytes / 1024, 1), baselineFontFileMs,
      ratio: s.p50Ms && b.p50Ms ? round(s.p50Ms / b.p50Ms, 2) : null, renderer: 'src/notices/notice.pdf.ts renderPdf', note: null,
    };
  } catch (err) {
    return { ...empty, note: `TODO: notice renderer failed in this tree: ${(err as Error).message.split('\n')[0]}` };
  }
}
