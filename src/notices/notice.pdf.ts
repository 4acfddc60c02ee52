import PDFDocument from 'pdfkit';
import qrcode from 'qrcode-generator';
import { fontFor, type Face } from './fonts.ts';
import { gridWidths } from './grid.ts';
import { breakLines, placeLine, textWidth, type TextStyle } from './layout.ts';
import type { Block } from './markup.ts';

/** What the renderer needs; all of it stored with the notice, so a reprint gives the same bytes. */
export interface NoticeDocument {
  organ: string;
  number: string;
  title: string;
  /** 成文日期, e.g. 2026年11月24日. */
  dateText: string;
  issuedAt: Date;
  blocks: Block[];
  verifyUrl: string;
}

const MM = 72 / 25.4;
// GB/T 9704-2012: A4, 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm, 22 lines of 28 characters.
const BOX = { left: 28 * MM, top: 37 * MM, width: 156 * MM, height: 225 * MM };
const PITCH = BOX.height / 22;
const BODY: TextStyle = { face: 'song', size: 16, spacing: BOX.width / 28 - 16 };
const HEADING: TextStyle = { ...BODY, face: 'songBold' };
const TITLE: TextStyle = { face: 'songBold', size: 22, spacing: 0 };
const ORGAN: TextStyle = { face: 'songBold', size: 24, spacing: 2 };
const SMALL: TextStyle = { face: 'song', size: 14, spacing: 0 };
const TABLE: TextStyle = { face: 'song', size: 13, spacing: 0 };
const TINY: TextStyle = { face: 'song', size: 6.5, spacing: 0 };
const RED = '#d40000';
const CHAR = BOX.width / 28;

/** An A4 document with our faces registered and fixed metadata (the same bytes every time), and its bytes when ended. */
function openPdf(info: { title: string; subject: string; author: string; at: Date }): { pdf: PDFKit.PDFDocument; done: Promise<Buffer> } {
  const pdf = new PDFDocument({
    size: 'A4', margin: 0, autoFirstPage: false, bufferPages: true, compress: true, pdfVersion: '1.7',
    info: { Title: info.title, Author: info.author, Subject: info.subject, Creator: 'veterans-service-checklists', Producer: 'PDFKit', CreationDate: info.at, ModDate: info.at },
  });
  for (const face of ['song', 'songBold', 'hei', 'heiBold'] as Face[]) pdf.registerFont(face, fontFor(face) as never);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (c: Buffer) => chunks.push(c));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  return { pdf, done };
}

/**
 * Lays a notice out on A4 in the manner of GB/T 9704 (告知书 form): red issuing organ and rule,
 * number at the upper right, title, addressee, body, signature and date, QR check code, 附注,
 * page numbers. Deterministic: creation date and document id come from the notice itself.
 */
export function renderPdf(doc: NoticeDocument): Promise<Buffer> {
  const { pdf, done } = openPdf({ title: `${doc.title} ${doc.number}`, subject: doc.title, author: doc.organ, at: doc.issuedAt });
  new Layout(pdf).draw(doc);
  pdf.end();
  return done;
}

/**
 * Several notices in one PDF, in the order given, each laid out as renderPdf lays it out (its own
 * page numbers), the fonts embedded once; `duplex` starts every notice on a front side.
 */
export function renderPdfBatch(docs: NoticeDocument[], meta: { title: string; author: string; at: Date }, opts: { duplex?: boolean } = {}): Promise<Buffer> {
  const { pdf, done } = openPdf({ title: meta.title, subject: meta.title, author: meta.author, at: meta.at });
  for (const doc of docs) {
    if (opts.duplex && pdf.bufferedPageRange().count % 2 === 1) pdf.addPage({ size: 'A4', margin: 0 });
    new Layout(pdf).draw(doc);
  }
  if (docs.length === 0) pdf.addPage({ size: 'A4', margin: 0 });
  pdf.end();
  return done;
}

class Layout {
  private y = 0;
  private pages = 0;
  /** The first page of this notice in the document (several notices may share one: renderPdfBatch). */
  private readonly firstPage: number;

  constructor(private readonly pdf: PDFKit.PDFDocument) {
    this.firstPage = pdf.bufferedPageRange().count;
  }

  draw(doc: NoticeDocument): void {
    this.newPage();
    this.header(doc);
    const notes = doc.blocks.filter((b) => b.type === 'note');
    for (const block of doc.blocks) {
      if (block.type === 'note') continue;
      if (block.type === 'gap') this.y += PITCH;
      else if (block.type === 'table') this.table(block.header, block.rows);
      else if (block.type === 'kv') this.pairs(block.pairs);
      else if (block.type === 'grid') this.grid(block.rows);
      else if (block.type === 'sign') this.signBoxes(block.boxes);
      else this.paragraph(block.text, block.type === 'h' ? HEADING : BODY, block.type === 'to' ? 0 : 2 * CHAR);
    }
    this.signature(doc);
    for (const n of notes) if (n.type === 'note') this.paragraph(`（${n.text}）`, SMALL, 2 * CHAR, PITCH * 0.8);
    this.pageNumbers();
  }

  private newPage(): void {
    this.pdf.addPage({ size: 'A4', margin: 0 });
    this.pages += 1;
    this.y = BOX.top;
  }

  /** Makes room for `height` points, starting a new page when the 版心 is full. */
  private room(height: number): void {
    if (this.y + height > BOX.top + BOX.height + 0.5) this.newPage();
  }

  private text(text: string, style: TextStyle, x: number, baseline: number, color = 'black'): number {
    const { runs, width } = placeLine(text, style);
    this.pdf.fillColor(color);
    for (const r of runs) {
      this.pdf.font(r.face).fontSize(style.size).text(r.text, x + r.dx, baseline, { lineBreak: false, baseline: 'alphabetic', characterSpacing: style.spacing });
    }
    return width;
  }

  private centred(text: string, style: TextStyle, baseline: number, color?: string): void {
    this.text(text, style, BOX.left + (BOX.width - textWidth(text, style)) / 2, baseline, color);
  }

  /** Red organ name and rule, the number at the upper right above the rule, then the title. */
  private header(doc: NoticeDocument): void {
    this.centred(doc.organ, ORGAN, this.y + 22, RED);
    this.y += 30;
    const numberWidth = textWidth(doc.number, BODY);
    this.text(doc.number, BODY, BOX.left + BOX.width - numberWidth, this.y + 16);
    this.y += 24;
    this.pdf.save().lineWidth(1.2).strokeColor(RED).moveTo(BOX.left, this.y).lineTo(BOX.left + BOX.width, this.y).stroke().restore();
    this.y += 12;
    for (const line of breakLines(doc.title, TITLE, BOX.width, BOX.width)) {
      this.centred(line.join(''), TITLE, this.y + 24);
      this.y += 32;
    }
    this.y += 8;
  }

  private paragraph(text: string, style: TextStyle, indent: number, pitch = PITCH): void {
    const lines = breakLines(text, style, BOX.width - indent, BOX.width);
    lines.forEach((line, i) => {
      this.room(pitch);
      this.text(line.join(''), style, BOX.left + (i === 0 ? indent : 0), this.y + pitch * 0.72);
      this.y += pitch;
    });
  }

  private row(cells: string[], widths: number[], faces: Face[]): void {
    const pad = 3;
    const lineH = 17;
    const wrapped = cells.map((c, i) => breakLines(c, { ...TABLE, face: faces[i]! }, widths[i]! - 2 * pad, widths[i]! - 2 * pad));
    const height = Math.max(...wrapped.map((l) => l.length)) * lineH + 2 * pad;
    this.room(height);
    let x = BOX.left;
    wrapped.forEach((lines, i) => {
      lines.forEach((line, j) => this.text(line.join(''), { ...TABLE, face: faces[i]! }, x + pad, this.y + pad + j * lineH + 13));
      this.pdf.save().lineWidth(0.5).rect(x, this.y, widths[i]!, height).stroke().restore();
      x += widths[i]!;
    });
    this.y += height;
  }

  private table(header: string[], rows: string[][]): void {
    const widths = columnWidths([header, ...rows], TABLE, BOX.width, 3);
    this.y += 3;
    this.row(header, widths, header.map(() => 'songBold'));
    for (const r of rows) this.row(r, widths, r.map(() => 'song'));
    this.y += 6;
  }

  /** A results table: label and value, two pairs to a row while both values are short. */
  private pairs(pairs: [string, string][]): void {
    const labelW = Math.min(BOX.width * 0.3, Math.max(...pairs.map(([l]) => textWidth(l, TABLE))) + 8);
    const half = BOX.width / 2;
    const shortLabel = half * 0.45;
    const fitsHalf = ([l, v]: [string, string]) => textWidth(l, TABLE) + 8 <= shortLabel && textWidth(v, TABLE) + 8 <= half - shortLabel;
    this.y += 3;
    for (let i = 0; i < pairs.length; i++) {
      const a = pairs[i]!;
      const b = pairs[i + 1];
      if (b && fitsHalf(a) && fitsHalf(b)) {
        this.row([a[0], a[1], b[0], b[1]], [shortLabel, half - shortLabel, shortLabel, half - shortLabel], ['songBold', 'song', 'songBold', 'song']);
        i++;
      } else {
        this.row(a, [labelW, BOX.width - labelW], ['songBold', 'song']);
      }
    }
    this.y += 6;
  }

  /** A form's grid of labelled cells, labels in bold. */
  private grid(rows: [string, string][][]): void {
    const widths = gridWidths(rows, BOX.width, (l) => textWidth(l, { ...TABLE, face: 'songBold' }) + 8);
    this.y += 3;
    rows.forEach((r, i) => this.row(r.flat(), widths[i]!, r.flatMap((): Face[] => ['songBold', 'song'])));
    this.y += 6;
  }

  /** Boxes left blank for a signature or seal: the label at the top, the date line at the foot. */
  private signBoxes(labels: string[]): void {
    const height = 3 * PITCH;
    const width = BOX.width / labels.length;
    const date = '年　　月　　日';
    this.room(height);
    labels.forEach((label, i) => {
      const x = BOX.left + i * width;
      this.pdf.save().lineWidth(0.5).rect(x, this.y, width, height).stroke().restore();
      this.text(label, { ...TABLE, face: 'songBold' }, x + 3, this.y + 16);
      this.text(date, TABLE, x + width - textWidth(date, TABLE) - 6, this.y + height - 8);
    });
    this.y += height + 6;
  }

  /** 署名 centred over the date, the date four characters in from the right; the QR check code to the left. */
  private signature(doc: NoticeDocument): void {
    const qrSize = 54;
    const height = Math.max(2 * PITCH, qrSize + 10);
    this.y += PITCH * 0.5;
    this.room(height);
    const top = this.y;
    const dateWidth = textWidth(doc.dateText, BODY);
    const dateRight = BOX.left + BOX.width - 4 * CHAR;
    const centre = dateRight - dateWidth / 2;
    const organWidth = textWidth(doc.organ, BODY);
    const organX = Math.min(centre - organWidth / 2, BOX.left + BOX.width - organWidth);
    this.text(doc.organ, BODY, organX, top + PITCH * 0.72);
    this.text(doc.dateText, BODY, dateRight - dateWidth, top + PITCH * 1.72);
    this.qr(doc.verifyUrl, BOX.left, top, qrSize);
    this.text(`扫码核验 ${doc.verifyUrl}`, TINY, BOX.left, top + qrSize + 8);
    this.y = top + height;
  }

  private qr(url: string, x: number, y: number, size: number): void {
    const code = qrcode(0, 'M');
    code.addData(url);
    code.make();
    const n = code.getModuleCount();
    const cell = size / n;
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) if (code.isDark(r, c)) this.pdf.rect(x + c * cell, y + r * cell, cell + 0.02, cell + 0.02);
    }
    this.pdf.fillColor('black').fill();
  }

  /** 4号 page numbers "— 1 —" 7 mm below the 版心: odd pages right, even pages left, one character in. */
  private pageNumbers(): void {
    const range = this.pdf.bufferedPageRange();
    for (let i = 0; i < range.count - this.firstPage; i++) {
      this.pdf.switchToPage(range.start + this.firstPage + i);
      const label = `— ${i + 1} —`;
      const w = textWidth(label, SMALL);
      const x = (i + 1) % 2 === 1 ? BOX.left + BOX.width - CHAR - w : BOX.left + CHAR;
      this.text(label, SMALL, x, BOX.top + BOX.height + 7 * MM + 10);
    }
  }
}

/** Column widths in proportion to each column's widest cell, within the total. */
function columnWidths(rows: string[][], style: TextStyle, total: number, pad: number): number[] {
  const cols = Math.max(...rows.map((r) => r.length));
  const natural = Array.from({ length: cols }, (_, i) => Math.max(...rows.map((r) => textWidth(r[i] ?? '', style))) + 2 * pad);
  const min = Array.from({ length: cols }, (_, i) => Math.min(natural[i]!, textWidth(rows[0]![i] ?? '', style) + 2 * pad + 4));
  const sum = natural.reduce((a, b) => a + b, 0);
  if (sum <= total) return natural.map((w) => (w / sum) * total);
  // Too wide: keep narrow columns whole and share the rest among the wide ones.
  const fixed = natural.map((w, i) => (w <= total / cols ? w : Math.max(min[i]!, 0)));
  const wide = natural.map((w) => w > total / cols);
  const left = total - fixed.reduce((s, w, i) => s + (wide[i] ? 0 : w), 0);
  const wideSum = natural.reduce((s, w, i) => s + (wide[i] ? w : 0), 0);
  return natural.map((w, i) => (wide[i] ? (w / wideSum) * left : fixed[i]!));
}
