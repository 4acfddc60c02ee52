import { fontFor, runsOf, type Face } from './fonts.ts';

/** One line of text placed by the layout, as runs of one face each with their x offsets. */
export interface PlacedRun {
  face: Face;
  text: string;
  dx: number;
}

export interface TextStyle {
  face: Face;
  size: number;
  /** Extra advance after every glyph (PDF Tc), to fit the GB/T 9704 grid of 28 characters a line. */
  spacing: number;
}

/** Not at the start of a line (行首禁则). */
const NO_START = new Set([...'，。、；：？！）》」』】〕〉”’…—%,.;:?!)]}·']);
/** Not at the end of a line (行尾禁则). */
const NO_END = new Set([...'（《「『【〔〈“‘([{']);

const widthCache = new Map<string, number>();

/** Width of one unit (a character, or a run of Latin letters and digits) at a style. */
function unitWidth(unit: string, style: TextStyle): number {
  const key = `${style.face}\u0000${unit}`;
  let em = widthCache.get(key);
  if (em === undefined) {
    em = 0;
    for (const run of runsOf(unit, style.face)) {
      const font = fontFor(run.face);
      em += font.layout(run.text).advanceWidth / font.unitsPerEm;
    }
    if (widthCache.size > 50_000) widthCache.clear();
    widthCache.set(key, em);
  }
  return em * style.size + [...unit].length * style.spacing;
}

export function textWidth(text: string, style: TextStyle): number {
  return units(text).reduce((w, u) => w + unitWidth(u, style), 0);
}

/** Splits text into units that a line may not break inside: Latin words and numbers stay whole. */
function units(text: string): string[] {
  return text.match(/[A-Za-z0-9][A-Za-z0-9.,:/@\-_%+#&=?~']*|[\s\S]/gu) ?? [];
}

/**
 * Breaks text into lines no wider than `width` (the first line `firstWidth`), keeping closing
 * punctuation off a line's start (it may hang one character past the edge) and opening
 * punctuation off a line's end.
 */
export function breakLines(text: string, style: TextStyle, firstWidth: number, width: number): string[][] {
  const lines: string[][] = [[]];
  let used = 0;
  let limit = firstWidth;
  const em = style.size + style.spacing;
  const newLine = (carried: string[] = []) => {
    lines.push(carried);
    used = carried.reduce((s, u) => s + unitWidth(u, style), 0);
    limit = width;
  };
  for (const unit of units(text)) {
    const w = unitWidth(unit, style);
    let line = lines[lines.length - 1]!;
    if (used + w > limit + 0.01 && line.length > 0) {
      // Closing punctuation hangs into the margin rather than starting a line.
      if (NO_START.has([...unit][0]!) && used + w <= limit + em) {
        line.push(unit);
        used += w;
        continue;
      }
      const carried: string[] = [];
      while (line.length > 1 && NO_END.has(line[line.length - 1]!)) carried.unshift(line.pop()!);
      newLine(carried);
      line = lines[lines.length - 1]!;
    }
    if (w > limit && [...unit].length > 1) {
      // A word wider than a whole line is cut into characters.
      for (const ch of unit) {
        const cw = unitWidth(ch, style);
        if (used + cw > limit && lines[lines.length - 1]!.length > 0) newLine();
        lines[lines.length - 1]!.push(ch);
        used += cw;
      }
      continue;
    }
    line.push(unit);
    used += w;
  }
  return lines;
}

/** Runs of one face for a line, with each run's offset from the line's start. */
export function placeLine(lineUnits: string[] | string, style: TextStyle): { runs: PlacedRun[]; width: number } {
  const text = typeof lineUnits === 'string' ? lineUnits : lineUnits.join('');
  const runs: PlacedRun[] = [];
  let x = 0;
  for (const run of runsOf(text, style.face)) {
    runs.push({ face: run.face, text: run.text, dx: x });
    x += textWidth(run.text, { ...style, face: run.face });
  }
  return { runs, width: x };
}
