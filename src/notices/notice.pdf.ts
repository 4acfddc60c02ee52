import { onFirstUse } from '../lazy/on-first-use.ts';
import qrcode from 'qrcode-generator';
import { message } from '../messages/catalogue.ts';
import { fontFor, type Face } from './fonts.ts';
import { gridWidths } from './grid.ts';
import { breakLines, placeLine, textWidth, type TextStyle } from './layout.ts';
import type { Block } from './markup.ts';

const pdfkit = onFirstUse<typeof import('pdfkit')>('pdfkit');

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
  /**
   * The electronic seal (PNG with transparency) pressed over the signature and date; without one （印章） marks its place.
   */
  seal?: Buffer;
}

const MM = 72 / 25.4;
// GB/T 9704-2012: A4, 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm, 22 lines of 28 characters.
const BOX = { left: 28 * MM, top: 37 * MM, width: 156 * MM, height: 225 * MM };
const BOTTOM = BOX.top + BOX.height + 0.5;
const PITCH = BOX.height / 22;
// GB/T 9704: number, body, signature and date in 3号仿宋, the organ and the title in 小标宋, first-level
// headings in 黑体, page numbers in 4号宋体.
const BODY: TextStyle = { face: 'fang', size: 16, spacing: BOX.width / 28 - 16 };
const HEADING: TextStyle = { ...BODY, face: 'hei' };
const TITLE: TextStyle = { face: 'title', size: 22, spacing: 0 };
const ORGAN: TextStyle = { face: 'title', size: 24, spacing: 2 };
const NOTE: TextStyle = { face: 'fang', size: 14, spacing: 0 };
const PAGE_NUMBER: TextStyle = { face: 'song', size: 14, spacing: 0 };
const TABLE: TextStyle = { face: 'fang', size: 13, spacing: 0 };
const TINY: TextStyle = { face: 'fang', size: 6.5, spacing: 0 };
const RED = '#d40000';
const CHAR = BOX.width / 28;
/** The seal's printed size, 42 mm: a layout choice (the seal rules are not in the laws folder; 2026-12-02). */
const SEAL = 42 * MM;
const QR = 54;
/** Body lines that go with the signature block to a new page, so that page is never the block alone. */
const CARRIED_LINES = 2;

/**
 * An A4 document with our faces registered and fixed metadata (the same bytes every time), and its bytes when ended.
 */
function openPdf(
  info: { title: string; subject: string; author: string; at: Date },
): { pdf: PDFKit.PDFDocument; done: Promise<Buffer> } {
  const PDFDocument = pdfkit();
  const pdf = new PDFDocument({
    size: 'A4', margin: 0, autoFirstPage: false, bufferPages: true, compress: true, pdfVersion: '1.7',
    info: { Title: info.title, Author: info.author, Subject: info.subject, Creator: 'veterans-service-checklists', Producer: 'PDFKit', CreationDate: info.at, ModDate: info.at },
  });
  for (const face of ['fang', 'title', 'song', 'hei', 'heiBold'] as Face[]) pdf.registerFont(face, fontFor(face) as never);
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
export function renderPdfBatch(
  docs: NoticeDocument[], meta: { title: string; author: string; at: Date }, opts: { duplex?: boolean } = {},
): Promise<Buffer> {
  const { pdf, done } = openPdf({ title: meta.title, subject: meta.title, author: meta.author, at: meta.at });
  for (const doc of docs) {
    if (opts.duplex && pdf.bufferedPageRange().count % 2 === 1) pdf.addPage({ size: 'A4', margin: 0 });
    new Layout(pdf).draw(doc);
  }
  if (docs.length === 0) pdf.addPage({ size: 'A4', margin: 0 });
  pdf.end();
  return done;
}

/** A piece of a notice placed whole: a line of text, a table row, a space, the signature block. */
interface Piece {
  /** How far the next piece starts below this one. */
  height: number;
  /** Room it needs on its page, when it reaches below its height (the seal does). */
  extent?: number;
  /** Space between pieces: dropped at the top of a page. */
  blank?: boolean;
  draw: (top: number) => void;
}

interface Placed {
  piece: Piece;
  page: number;
  top: number;
}

class Layout {
  private pages = 0;
  /** The first page of this notice in the document (several notices may share one: renderPdfBatch). */
  private readonly firstPage: number;

  constructor(private readonly pdf: PDFKit.PDFDocument) {
    this.firstPage = pdf.bufferedPageRange().count;
  }

  draw(doc: NoticeDocument): void {
    this.newPage();
    const start = this.header(doc);
    const body: Piece[] = [];
    for (const block of doc.blocks) {
      if (block.type === 'note') continue;
      if (block.type === 'gap') body.push(space(PITCH));
      else if (block.type === 'table') body.push(...this.table(block.header, block.rows));
      else if (block.type === 'kv') body.push(...this.pairs(block.pairs));
      else if (block.type === 'grid') body.push(...this.grid(block.rows));
      else if (block.type === 'sign') body.push(this.signBoxes(block.boxes));
      else body.push(...this.paragraph(block.text, block.type === 'h' ? HEADING : BODY, block.type === 'to' ? 0 : 2 * CHAR));
    }
    const notes = doc.blocks.flatMap((n) => (n.type === 'note' ? this.paragraph(`（${n.text}）`, NOTE, 2 * CHAR, PITCH * 0.8) : []));
    for (const p of place(start, body, [this.signature(doc), ...notes])) {
      while (this.pages <= p.page) this.newPage();
      p.piece.draw(p.top);
    }
    this.pageNumbers();
  }

  private newPage(): void {
    this.pdf.addPage({ size: 'A4', margin: 0 });
    this.pages += 1;
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

  /**
   * Red organ name and rule, the number at the upper right above
   * the rule, then the title; returns where the body starts.
   */
  private header(doc: NoticeDocument): number {
    let y = BOX.top;
    this.centred(doc.organ, ORGAN, y + 22, RED);
    y += 30;
    const numberWidth = textWidth(doc.number, BODY);
    this.text(doc.number, BODY, BOX.left + BOX.width - numberWidth, y + 16);
    y += 24;
    this.pdf.save().lineWidth(1.2).strokeColor(RED)
      .moveTo(BOX.left, y).lineTo(BOX.left + BOX.width, y)
      .stroke().restore();
    y += 12;
    for (const line of breakLines(doc.title, TITLE, BOX.width, BOX.width)) {
      this.centred(line.join(''), TITLE, y + 24);
      y += 32;
    }
    return y + 8;
  }

  private paragraph(text: string, style: TextStyle, indent: number, pitch = PITCH): Piece[] {
    return breakLines(text, style, BOX.width - indent, BOX.width).map((line, i) => ({
      height: pitch,
      draw: (top: number) => this.text(line.join(''), style, BOX.left + (i === 0 ? indent : 0), top + pitch * 0.72),
    }));
  }

  private row(cells: string[], widths: number[], faces: Face[]): Piece {
    const pad = 3;
    const lineH = 17;
    const wrapped = cells.map((c, i) => breakLines(
      c, { ...TABLE, face: faces[i]! }, widths[i]! - 2 * pad, widths[i]! - 2 * pad,
    ));
    const height = Math.max(...wrapped.map((l) => l.length)) * lineH + 2 * pad;
    return {
      height,
      draw: (top: number) => {
        let x = BOX.left;
        wrapped.forEach((lines, i) => {
          lines.forEach((line, j) => this.text(line.join(''), { ...TABLE, face: faces[i]! }, x + pad, top + pad + j * lineH + 13));
          this.pdf.save().lineWidth(0.5).rect(x, top, widths[i]!, height).stroke().restore();
          x += widths[i]!;
        });
      },
    };
  }

  /** Header cells in 黑体: FangSong has no bold. */
  private table(header: string[], rows: string[][]): Piece[] {
    const widths = columnWidths([header, ...rows], TABLE, BOX.width, 3);
    return [space(3), this.row(header, widths, header.map(() => 'hei')), ...rows.map((r) => this.row(r, widths, r.map(() => 'fang'))), space(6)];
  }

  /** A form's grid of labelled cells, labels in 黑体. */
  private grid(rows: [string, string][][]): Piece[] {
    const widths = gridWidths(rows, BOX.width, (l) => textWidth(l, { ...TABLE, face: 'hei' }) + 8);
    return [space(3), ...rows.map((r, i) => this.row(r.flat(), widths[i]!, r.flatMap((): Face[] => ['hei', 'fang']))), space(6)];
  }

  /** Boxes left blank for a signature or seal: the label at the top, the date line at the foot. */
  private signBoxes(labels: string[]): Piece {
    const height = 3 * PITCH;
    const width = BOX.width / labels.length;
    const date = message('zh', 'NOTICE_DATE_TO_FILL');
    return {
      height,
      draw: (top: number) => labels.forEach((label, i) => {
        const x = BOX.left + i * width;
        this.pdf.save().lineWidth(0.5).rect(x, top, width, height).stroke().restore();
        this.text(label, { ...TABLE, face: 'hei' }, x + 3, top + 16);
        this.text(date, TABLE, x + width - textWidth(date, TABLE) - 6, top + height - 8);
      }),
    };
  }

  /** A results table: label and value, two pairs to a row while both values are short. */
  private pairs(pairs: [string, string][]): Piece[] {
    const labelW = Math.min(BOX.width * 0.3, Math.max(...pairs.map(([l]) => textWidth(l, { ...TABLE, face: 'hei' }))) + 8);
    const half = BOX.width / 2;
    const shortLabel = half * 0.45;
    const fitsHalf = ([l, v]: [string, string]) => textWidth(l, { ...TABLE, face: 'hei' }) + 8 <= shortLabel && textWidth(v, TABLE) + 8 <= half - shortLabel;
    const out: Piece[] = [space(3)];
    for (let i = 0; i < pairs.length; i++) {
      const a = pairs[i]!;
      const b = pairs[i + 1];
      if (b && fitsHalf(a) && fitsHalf(b)) {
        out.push(this.row([a[0], a[1], b[0], b[1]], [shortLabel, half - shortLabel, shortLabel, half - shortLabel], ['hei', 'fang', 'hei', 'fang']));
        i++;
      } else {
        out.push(this.row(a, [labelW, BOX.width - labelW], ['hei', 'fang']));
      }
    }
    out.push(space(6));
    return out;
  }

  /**
   * 署名 centred over the date, the date four characters in from the right, the seal pressing on both
   * (GB/T 9704-2012 §7.3.5.1, not in the laws folder: the seal centred on the date, the signature and
   * date a little below its centre, its top within a line of the body); the QR check code to the left.
   */
  private signature(doc: NoticeDocument): Piece {
    const dateWidth = textWidth(doc.dateText, BODY);
    const dateRight = BOX.left + BOX.width - 4 * CHAR;
    const centre = dateRight - dateWidth / 2;
    const organWidth = textWidth(doc.organ, BODY);
    const organX = Math.min(centre - organWidth / 2, BOX.left + BOX.width - organWidth);
    const organLine = 1.5 * PITCH;
    const dateLine = organLine + PITCH;
    // Between the middles of the two lines, raised a tenth of the seal.
    const sealMiddle = (organLine + dateLine) / 2 + PITCH * 0.72 - BODY.size * 0.35 - SEAL * 0.1;
    const qrTop = PITCH * 0.5;
    const height = Math.max(dateLine + PITCH, qrTop + QR + 12);
    return {
      height,
      // Only a real seal reaches below the date; the （印章） mark sits above the signature.
      extent: doc.seal ? Math.max(height, sealMiddle + SEAL / 2) : height,
      draw: (top: number) => {
        const sealMark = message('zh', 'NOTICE_SEAL_MARK');
        if (!doc.seal) this.text(sealMark, BODY, centre - textWidth(sealMark, BODY) / 2, top + PITCH * 0.9, RED);
        this.text(doc.organ, BODY, organX, top + organLine + PITCH * 0.72);
        this.text(doc.dateText, BODY, dateRight - dateWidth, top + dateLine + PITCH * 0.72);
        // Drawn after the text: the seal lies over the signature and date (上压下).
        if (doc.seal) {
          this.pdf.image(doc.seal, centre - SEAL / 2, top + sealMiddle - SEAL / 2, { width: SEAL, height: SEAL });
        }
        this.qr(doc.verifyUrl, BOX.left, top + qrTop, QR);
        this.text(message('zh', 'NOTICE_SCAN_TO_VERIFY', { url: doc.verifyUrl }), TINY, BOX.left, top + qrTop + QR + 8);
      },
    };
  }

  private qr(url: string, x: number, y: number, size: number): void {
    const code = qrcode(0, 'M');
    code.addData(url);
    code.make();
    const n = code.getModuleCount();
    const cell = size / n;
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        if (code.isDark(r, c)) this.pdf.rect(x + c * cell, y + r * cell, cell + 0.02, cell + 0.02);
      }
    }
    this.pdf.fillColor('black').fill();
  }

  /** 4号 page numbers "— 1 —" 7 mm below the 版心: odd pages right, even pages left, one character in. */
  private pageNumbers(): void {
    const range = this.pdf.bufferedPageRange();
    for (let i = 0; i < range.count - this.firstPage; i++) {
      this.pdf.switchToPage(range.start + this.firstPage + i);
      const label = `— ${i + 1} —`;
      const w = textWidth(label, PAGE_NUMBER);
      const x = (i + 1) % 2 === 1 ? BOX.left + BOX.width - CHAR - w : BOX.left + CHAR;
      this.text(label, PAGE_NUMBER, x, BOX.top + BOX.height + 7 * MM + 10);
    }
  }
}

function space(height: number): Piece {
  return { height, blank: true, draw: () => {} };
}

/**
 * Pages the pieces (page 0 from `start`, the others from the 版心's top). The closing pieces (signature
 * block, seal, QR and 附注) stay together: where they do not fit under the body, they go to the next page
 * with the body's last lines, so no page holds the signature alone and none is left empty.
 */
function place(start: number, body: Piece[], closing: Piece[]): Placed[] {
  const placed: Placed[] = [];
  let page = 0;
  let y = start;
  const put = (piece: Piece) => {
    if (piece.blank && y === BOX.top) return;
    if (y + (piece.extent ?? piece.height) > BOTTOM && y > BOX.top) {
      page += 1;
      y = BOX.top;
      if (piece.blank) return;
    }
    placed.push({ piece, page, top: y });
    y += piece.height;
  };
  body.forEach(put);
  let offset = 0;
  let together = 0;
  for (const p of closing) {
    together = Math.max(together, offset + (p.extent ?? p.height));
    offset += p.height;
  }
  // 附注 too long to keep with the signature on one page: only the signature block is kept whole.
  const kept = together + CARRIED_LINES * PITCH <= BOX.height ? together : (closing[0]!.extent ?? closing[0]!.height);
  if (y + kept > BOTTOM) {
    const lines = placed.filter((p) => p.page === page && !p.piece.blank);
    // Leave at least one line where it was: a page is never emptied of body text.
    const carried = lines.slice(lines.length - Math.min(CARRIED_LINES, Math.max(0, lines.length - 1)));
    placed.splice(carried.length ? placed.indexOf(carried[0]!) : placed.length);
    page += 1;
    y = BOX.top;
    for (const c of carried) put(c.piece);
  }
  closing.forEach(put);
  return placed;
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
