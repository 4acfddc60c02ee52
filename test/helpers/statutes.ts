import { readFileSync } from 'node:fs';
import type { Instrument } from '../../src/definitions/instruments.ts';

/**
 * The statute texts of docs/laws/ split into articles. Layout (docs/laws/README.md): a header up to
 * `<!-- INFO END -->`, `#` headings, and each article opening a line with `第N条 `; a paragraph opening
 * with `（一）` is an item (项) of the paragraph (款) before it.
 */
export interface Statute {
  header: string;
  /** 第N条 → its 款, each the 款's own paragraph followed by its 项. */
  articles: Map<string, string[][]>;
}

export const LAWS_DIR = new URL('../../docs/laws/', import.meta.url);
const ARTICLE = /^(第[零一二三四五六七八九十百]+条)\s+(.*)$/;
const ITEM = /^（[一二三四五六七八九十]+）/;
const DIGITS = '一二三四五六七八九十';

function parseStatute(markdown: string): Statute {
  const [header, body = ''] = markdown.split('<!-- INFO END -->');
  const articles = new Map<string, string[][]>();
  let current: string[][] | undefined;
  for (const raw of body.split('\n')) {
    const line = raw.trim();
    const m = ARTICLE.exec(line);
    if (m) articles.set(m[1]!, (current = [[m[2]!]]));
    else if (line.startsWith('#')) current = undefined;
    else if (line && current) {
      if (ITEM.test(line)) current.at(-1)!.push(line);
      else current.push([line]);
    }
  }
  return { header: header!, articles };
}

const cache = new Map<string, Statute>();
export function statuteOf(instrument: Instrument): Statute | undefined {
  if (!instrument.file) return undefined;
  if (!cache.has(instrument.file)) cache.set(instrument.file, parseStatute(readFileSync(new URL(instrument.file, LAWS_DIR), 'utf8')));
  return cache.get(instrument.file);
}

/** Whitespace is the only thing a quotation may differ in. */
export const flat = (s: string) => s.replace(/\s+/g, '');

/**
 * The text at a reference such as 第三十条 or 第三十条第二款, flattened; undefined when the statute
 * has no such article or paragraph.
 */
export function textAt(statute: Statute, ref: string): string | undefined {
  const m = /^(第[零一二三四五六七八九十百]+条)(?:第([一二三四五六七八九十])款)?$/.exec(ref);
  const article = m && statute.articles.get(m[1]!);
  if (!article) return undefined;
  const paragraphs = m[2] ? article[DIGITS.indexOf(m[2])] : article.flat();
  return paragraphs && flat(paragraphs.flat().join(''));
}

export interface Citation {
  instrument: string;
  articles: string[];
  /** Character offset in the scanned text. */
  at: number;
}

const CITATION = /《([^《》]+)》((?:（[^（）]+）)?)((?:第[零一二三四五六七八九十百]+条(?:第[一二三四五六七八九十]+款)?(?:第[一二三四五六七八九十]+项)?[、和及]?)+)/g;

/** Every 《名称》（版本）第N条、第M条 in a text; items (项) are dropped, paragraphs (款) kept. */
export function citationsIn(text: string): Citation[] {
  return [...text.matchAll(CITATION)].map((m) => ({
    instrument: `${m[1]}${m[2]}`,
    articles: [...m[3]!.matchAll(/第[零一二三四五六七八九十百]+条(?:第[一二三四五六七八九十]+款)?/g)].map((a) => a[0]),
    at: m.index!,
  }));
}
