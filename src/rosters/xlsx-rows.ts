import { Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import type JSZip from 'jszip';
import { onFirstUse } from '../lazy/on-first-use.ts';

const exceljs = onFirstUse<typeof ExcelJS>('exceljs');
const jszip = onFirstUse<typeof JSZip>('jszip');

/**
 * Decompressed bytes one workbook may unpack in all: a 20,000-row roster of 16 columns unpacks to
 * ≈15 MB; the parser takes about a second per 3 MB, so this also bounds the time a file can take.
 */
const MAX_XML_BYTES = 32 * 1024 * 1024;
/** Shared strings are kept in memory while the sheet is read, so they get a smaller share. */
const MAX_SHARED_STRINGS_BYTES = 16 * 1024 * 1024;
/** Workbook, relations and styles: a few kilobytes in a real file. */
const MAX_SMALL_PART_BYTES = 4 * 1024 * 1024;
/**
 * The XML parser holds everything between two tags at once; a cell holds at most 32,767
 * characters (an Excel limit), so a longer run is a crafted file, not a roster.
 */
const MAX_BYTES_BETWEEN_TAGS = 256 * 1024;

/** Why a workbook is refused; the caller turns it into the client's error. */
export class WorkbookRefused extends Error {
  constructor(readonly reason: 'unreadable' | 'too-large' | 'no-sheet') {
    super(reason);
  }
}

interface SheetRow {
  number: number;
  /** Sparse, 1-based: cell values by column. */
  values: ExcelJS.CellValue[];
}

/**
 * The parts of exceljs' streaming reader used here. Its own `parse()` walks the zip in file
 * order and writes a sheet that comes before the shared strings (as Excel saves them) to a temp
 * file whole, with no bound on its unpacked size; so the entries are opened here, in the order
 * the reader needs, each through a byte budget, and handed to the reader's part parsers.
 */
interface PartParsers {
  model?: { sheets?: { id: number; rId: string; state?: string }[] };
  workbookRels?: { Id: string; Target: string }[];
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncGenerator<unknown>;
  _parseWorksheet(chunks: AsyncIterable<string>, sheetNo: string): Generator<{ value: AsyncIterable<SheetRow> }>;
}

/** Text of one zip entry, decoded as a stream (a character split between chunks stays whole), within the budgets. */
async function* boundedText(
  file: JSZip.JSZipObject, budget: { left: number }, partLimit: number,
): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let part = 0;
  let run = 0;
  for await (const chunk of new Readable().wrap(file.nodeStream('nodebuffer')) as AsyncIterable<Buffer>) {
    part += chunk.length;
    budget.left -= chunk.length;
    if (part > partLimit || budget.left < 0) throw new WorkbookRefused('too-large');
    let from = 0;
    for (let i = chunk.indexOf(0x3c); i >= 0; i = chunk.indexOf(0x3c, i + 1)) {
      if (run + i - from > MAX_BYTES_BETWEEN_TAGS) throw new WorkbookRefused('too-large');
      run = 0;
      from = i + 1;
    }
    run += chunk.length - from;
    if (run > MAX_BYTES_BETWEEN_TAGS) throw new WorkbookRefused('too-large');
    yield decoder.decode(chunk, { stream: true });
  }
  const tail = decoder.decode();
  if (tail) yield tail;
}

/**
 * The rows of a workbook's first visible sheet that has any, streamed: rows are parsed as they
 * are unpacked and nothing of the sheet is kept, so a caller that stops early stops the work.
 */
export async function* xlsxRows(bytes: Buffer): AsyncGenerator<SheetRow> {
  let zip: JSZip;
  try {
    zip = await jszip().loadAsync(bytes);
  } catch {
    throw new WorkbookRefused('unreadable');
  }
  const budget = { left: MAX_XML_BYTES };
  const reader = new (exceljs().stream.xlsx.WorkbookReader)(Readable.from([]), {
    worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore',
  }) as unknown as PartParsers;
  const part = (name: string, limit = MAX_SMALL_PART_BYTES) => {
    const file = zip.file(name);
    return file ? Readable.from(boundedText(file, budget, limit)) : undefined;
  };
  const rels = part('xl/_rels/workbook.xml.rels');
  const book = part('xl/workbook.xml');
  if (!rels || !book) throw new WorkbookRefused('unreadable');
  try {
    await reader._parseRels(rels);
    await reader._parseWorkbook(book);
    const styles = part('xl/styles.xml');
    if (styles) await reader._parseStyles(styles);
    const strings = part('xl/sharedStrings.xml', MAX_SHARED_STRINGS_BYTES);
    if (strings) for await (const _ of reader._parseSharedStrings(strings)) { /* cached by the reader */ }
  } catch (err) {
    throw err instanceof WorkbookRefused ? err : new WorkbookRefused('unreadable');
  }
  const targets = new Map((reader.workbookRels ?? []).map((r) => [r.Id, `xl/${r.Target.replace(/^(\s|\/xl\/)+/, '')}`]));
  for (const sheet of reader.model?.sheets ?? []) {
    const file = sheet.state === 'hidden' || sheet.state === 'veryHidden' ? null : zip.file(targets.get(sheet.rId) ?? '');
    if (!file) continue;
    const [{ value: rows }] = [...reader._parseWorksheet(boundedText(file, budget, MAX_XML_BYTES), String(sheet.id))];
    let found = false;
    try {
      for await (const row of rows) {
        const values = row.values;
        if (values.some((v) => v !== null && v !== undefined && v !== '')) found = true;
        yield { number: row.number, values };
      }
    } catch (err) {
      throw err instanceof WorkbookRefused ? err : new WorkbookRefused('unreadable');
    }
    if (found) return;
  }
  throw new WorkbookRefused('no-sheet');
}
