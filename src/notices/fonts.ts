import { createRequire } from 'node:module';
import path from 'node:path';
import type { Font } from 'fontkit';
import { onFirstUse } from '../lazy/on-first-use.ts';

const require = createRequire(import.meta.url);
const fontkit = onFirstUse<typeof import('fontkit')>('fontkit');

/** The faces a notice uses, by role; each is an npm package's file, parsed once per process. */
export type Face = 'fang' | 'title' | 'song' | 'hei' | 'heiBold';

const FILES: Record<Face, [pkg: string, file: string]> = {
  // FandolFang (CFF, GPL with the font exception: embedding allowed): 仿宋 for body, number, signature and tables
  // (GB/T 9704); all of GB 2312, not the rarer name characters. Vendored unmodified as a local npm package (ADR 0010).
  fang: ['fandol-fang', 'FandolFang-Regular.otf'],
  // Noto Serif SC Black (OFL): the open stand-in for 小标宋, the face of the organ's name and the title.
  title: ['@expo-google-fonts/noto-serif-sc', '900Black/NotoSerifSC_900Black.ttf'],
  // Noto Serif SC: 宋体 for page numbers, and the first stand-in for a character FangSong lacks (堃, 镕, 珺…).
  song: ['@expo-google-fonts/noto-serif-sc', '400Regular/NotoSerifSC_400Regular.ttf'],
  // Source Han Sans SC (CFF): 黑体 for headings and table labels, and the last stand-in (CJK Ext-B such as 𠮷).
  hei: ['node-source-han-sans-sc', 'SourceHanSansSC-Regular.otf'],
  heiBold: ['node-source-han-sans-sc', 'SourceHanSansSC-Bold.otf'],
};

/** Which faces stand in, in order, for a character a face lacks: the nearest in style first. */
const FALLBACK: Record<Face, Face[]> = { fang: ['song', 'hei'], title: ['heiBold'], song: ['hei'], hei: [], heiBold: [] };

const cache = new Map<Face, Font>();

function fileOf(face: Face): string {
  const [pkg, file] = FILES[face];
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
}

/**
 * The parsed fontkit font for a face. Shared by every document: pdfkit reuses its glyph cache,
 * which makes rendering several times faster than opening the file per document.
 */
export function fontFor(face: Face): Font {
  let font = cache.get(face);
  if (!font) {
    font = fontkit().openSync(fileOf(face)) as Font;
    trimSubsetSubrs(font);
    cache.set(face, font);
  }
  return font;
}

/** The subroutine bias of a CFF INDEX depends only on how many entries it has (CFF Type 2 charstrings). */
function biasBracket(count: number): number {
  return count < 1240 ? 0 : count < 33900 ? 1240 : 33900;
}

type Subset = { subsetSubrs?: (subrs: unknown[], used: Record<number, boolean>) => Uint8Array[] };

/**
 * fontkit keeps every unused subroutine of a CFF font as a stub, and Source Han Sans has up to
 * 26,017 local subroutines in one font dict: ~50 KB per document for a single fallback glyph.
 * Dropping the unused tail, but never below the size that keeps the subroutine bias, leaves
 * every reference valid and the subset a few kilobytes.
 */
function trimSubsetSubrs(font: Font): void {
  const f = font as unknown as { createSubset: () => Subset; 'CFF '?: unknown };
  if (!f['CFF ']) return;
  const create = f.createSubset.bind(font);
  f.createSubset = () => {
    const subset = create();
    const original = subset.subsetSubrs?.bind(subset);
    if (original) {
      subset.subsetSubrs = (subrs, used) => {
        const out = original(subrs, used);
        const lastUsed = Math.max(-1, ...Object.keys(used).map(Number));
        const keep = Math.max(lastUsed + 1, biasBracket(out.length));
        return out.length > keep ? out.slice(0, keep) : out;
      };
    }
    return subset;
  };
}

export interface Run {
  face: Face;
  text: string;
}

/** Splits text into runs of one face: each character goes to the face, or its fallback, that has a glyph for it. */
export function runsOf(text: string, face: Face): Run[] {
  const runs: Run[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const f = cp < 0x80 ? face : faceWith(cp, face) ?? face;
    const last = runs[runs.length - 1];
    if (last && last.face === f) last.text += ch;
    else runs.push({ face: f, text: ch });
  }
  return runs;
}

/** The face, or the first stand-in, that has a glyph for a character. */
function faceWith(cp: number, face: Face): Face | undefined {
  return [face, ...FALLBACK[face]].find((f) => fontFor(f).hasGlyphForCodePoint(cp));
}

/** Characters that no face has: printing them would show the missing glyph. */
export function unprintable(text: string, face: Face = 'fang'): string[] {
  const out = new Set<string>();
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || /\s/.test(ch)) continue;
    if (!faceWith(cp, face)) out.add(ch);
  }
  return [...out];
}
