import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inflateSync } from 'node:zlib';

/** Reads a PDF back the way a person's tools would: poppler's pdftotext, pdffonts and pdftoppm. */
export interface PdfFacts {
  text: string;
  pages: number;
  fonts: { name: string; type: string; embedded: boolean; subset: boolean; unicode: boolean }[];
  /** Glyph ids shown on the pages that are 0, the missing glyph (.notdef). */
  notdefGlyphs: number;
  /** Share of page 1's pixels that are not white, at 30 dpi. */
  inkRatio: number;
}

function withFile<T>(pdf: Buffer, fn: (file: string, dir: string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), 'notice-'));
  try {
    const file = path.join(dir, 'n.pdf');
    writeFileSync(file, pdf);
    return fn(file, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every glyph id drawn by text operators, from the inflated content streams (pdfkit writes hex strings). */
function shownGlyphIds(pdf: Buffer): number[] {
  const src = pdf.toString('latin1');
  const ids: number[] = [];
  const re = /stream\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(src))) {
    const start = m.index + m[0].length;
    const end = src.indexOf('endstream', start);
    let body: string;
    try {
      body = inflateSync(pdf.subarray(start, end)).toString('latin1');
    } catch {
      continue;
    }
    if (!/\bBT\b/.test(body)) continue;
    for (const tj of body.matchAll(/\[([^\]]*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj/g)) {
      for (const hex of (tj[1] ?? `<${tj[2]}>`).matchAll(/<([0-9a-fA-F]*)>/g)) {
        for (let i = 0; i + 4 <= hex[1]!.length; i += 4) ids.push(parseInt(hex[1]!.slice(i, i + 4), 16));
      }
    }
  }
  return ids;
}

/** The text alone (pdftotext). */
export function readText(pdf: Buffer): string {
  return execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: pdf, encoding: 'utf8' });
}

export function readPdf(pdf: Buffer): PdfFacts {
  return withFile(pdf, (file, dir) => {
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    const fontLines = execFileSync('pdffonts', [file], { encoding: 'utf8' }).split('\n').slice(2).filter((l) => l.trim());
    const fonts = fontLines.map((l) => {
      const cols = l.trim().split(/\s+/);
      // name type… encoding emb sub uni object ID
      const [emb, sub, uni] = cols.slice(-5, -2);
      return { name: cols[0]!, type: cols.slice(1, -6).join(' '), embedded: emb === 'yes', subset: sub === 'yes', unicode: uni === 'yes' };
    });
    execFileSync('pdftoppm', ['-r', '30', '-gray', '-f', '1', '-l', '1', file, path.join(dir, 'p')]);
    const pgm = readFileSync(path.join(dir, `p-${'1'.padStart(String(pagesOf(file)).length, '0')}.pgm`));
    return {
      text, pages: pagesOf(file), fonts, notdefGlyphs: shownGlyphIds(pdf).filter((g) => g === 0).length,
      inkRatio: inkRatio(pgm),
    };
  });
}

function pagesOf(file: string): number {
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  return Number(/Pages:\s+(\d+)/.exec(info)![1]);
}

/** Share of non-white pixels of a binary PGM (P5). */
function inkRatio(pgm: Buffer): number {
  const header = pgm.toString('latin1', 0, 64).split(/\s+/);
  const [w, h] = [Number(header[1]), Number(header[2])];
  const pixels = pgm.subarray(pgm.length - w * h);
  let ink = 0;
  for (const p of pixels) if (p < 200) ink++;
  return ink / pixels.length;
}

/** Text as pdftotext gives it, without the line breaks and spaces the layout adds. */
export function flat(text: string): string {
  return text.replace(/\s+/g, '');
}

interface PlacedText { text: string; font: string; top: number; left: number; width: number; height: number }
export interface PageLayout {
  height: number; texts: PlacedText[]; images: { top: number; left: number; width: number; height: number }[];
}

/** Where each piece of text and each image sits, page by page, with the text's font (poppler's pdftohtml -xml). */
export function readLayout(pdf: Buffer): PageLayout[] {
  return withFile(pdf, (file, dir) => {
    const xml = execFileSync('pdftohtml', ['-xml', '-stdout', '-q', file, path.join(dir, 'x')], { encoding: 'utf8' });
    const attrs = (tag: string) => Object.fromEntries([...tag.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const fonts = new Map([...xml.matchAll(/<fontspec [^>]*>/g)].map((m) => { const a = attrs(m[0]); return [a.id!, a.family!]; }));
    const box = (a: Record<string, string>) => ({
      top: Number(a.top), left: Number(a.left), width: Number(a.width), height: Number(a.height),
    });
    return [...xml.matchAll(/<page ([^>]*)>([\s\S]*?)<\/page>/g)].map((p) => ({
      height: Number(attrs(p[1]!).height),
      texts: [...p[2]!.matchAll(/<text ([^>]*)>([\s\S]*?)<\/text>/g)].map((m) => {
        const a = attrs(m[1]!);
        return { text: m[2]!.replace(/<[^>]+>/g, '').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"'), font: fonts.get(a.font!) ?? '', ...box(a) };
      }),
      images: [...p[2]!.matchAll(/<image [^>]*>/g)].map((m) => box(attrs(m[0]))),
    }));
  });
}

/** The images of a PDF as `pdfimages -list` gives them: page and type (image, smask…). */
export function listImages(pdf: Buffer): { page: number; type: string }[] {
  return withFile(pdf, (file) => execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' }).split('\n').slice(2).filter((l) => l.trim())
    .map((l) => { const c = l.trim().split(/\s+/); return { page: Number(c[0]), type: c[2]! }; }));
}
