import { isUtf8 } from 'node:buffer';
import { CsvError, parse } from 'csv-parse/sync';
import type ExcelJS from 'exceljs';
import { AppError } from '../http/errors.ts';
import { WorkbookRefused, xlsxRows } from './xlsx-rows.ts';

/** A cell as read from the file: text, or a date or number when a spreadsheet stored one. */
export type Cell = string | number | boolean | Date | null;

export interface ParsedSheet {
  format: 'csv' | 'xlsx';
  headers: string[];
  /** Data rows with their line in the file (the header is line 1 unless blank lines precede it). */
  rows: { line: number; cells: Cell[] }[];
}

export const MAX_ROWS = 20_000;
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** Columns read from each row; a roster has about sixteen. */
const MAX_COLUMNS = 200;
/** Blank (formatted but empty) rows tolerated on top of MAX_ROWS before the file counts as too long. */
const MAX_BLANK_ROWS = 1_000;

function bad(zh: string, en: string): AppError {
  return new AppError('VALIDATION_FAILED', { errors: [{ path: '/file', message: `${zh} / ${en}` }] });
}

function tooLarge(zh: string, en: string): AppError {
  return new AppError('ROSTER_TOO_LARGE', { detail: { zh, en } });
}

const tooManyRows = () => tooLarge(`名册超过${MAX_ROWS}行：一次最多导入${MAX_ROWS}行，请分批导入`, `The roster has more than ${MAX_ROWS} rows: import at most ${MAX_ROWS} at a time`);

/** UTF-8 (with or without BOM) as it is; files saved by Excel on a Chinese Windows are GB18030 (GBK). */
function csvInput(bytes: Buffer): Buffer | string {
  return isUtf8(bytes) ? bytes : new TextDecoder('gb18030').decode(bytes);
}

/** Records read at most: past them the file is refused anyway, so the rest is never parsed. */
const MAX_RECORDS = MAX_ROWS + MAX_BLANK_ROWS + 1;
/** A spreadsheet has 16,384 columns (XFD): a wider row was not saved from one, and would be built whole. */
const SPREADSHEET_COLUMNS = 16_384;

const tooWide = () => tooLarge(`CSV文件中有一行超过${SPREADSHEET_COLUMNS}列，不像名册：请检查文件`, `A row of the CSV file has more than ${SPREADSHEET_COLUMNS} columns, which no spreadsheet holds: check the file`);

/**
 * RFC 4180 CSV: quoted cells with doubled quotes, commas and line breaks inside quotes, CRLF, LF or
 * CR; a quote inside an unquoted cell is kept as text; blank lines stay, as rows of one empty cell.
 * Cells past MAX_COLUMNS are dropped; a row wider than a spreadsheet is refused.
 */
export function csvRows(input: Buffer | string): string[][] {
  return parse(input, {
    bom: true, delimiter: ',', quote: '"', escape: '"', record_delimiter: ['\r\n', '\n', '\r'],
    relax_quotes: true, relax_column_count: true, skip_empty_lines: false, to: MAX_RECORDS,
    cast: (cell, { index }) => {
      if (index >= SPREADSHEET_COLUMNS) throw tooWide();
      return cell;
    },
    on_record: (cells: string[]) => (cells.length > MAX_COLUMNS ? cells.slice(0, MAX_COLUMNS) : cells),
  });
}

function blank(cells: Cell[]): boolean {
  return cells.every((c) => c === null || (typeof c === 'string' && c.trim() === ''));
}

/** The header (the first row that is not blank) and the data rows, refused as soon as there are too many. */
async function collect(format: 'csv' | 'xlsx', table: Iterable<{ line: number; cells: Cell[] }> | AsyncIterable<{ line: number; cells: Cell[] }>): Promise<ParsedSheet> {
  let headers: string[] | undefined;
  const rows: ParsedSheet['rows'] = [];
  let read = 0;
  for await (const row of table) {
    if (++read > MAX_ROWS + MAX_BLANK_ROWS) throw tooManyRows();
    if (blank(row.cells)) continue;
    if (!headers) {
      headers = row.cells.map((h) => (h === null ? '' : String(h).replace(/^\uFEFF/, '').trim()));
      continue;
    }
    if (rows.length === MAX_ROWS) throw tooManyRows();
    rows.push(row);
  }
  if (!headers) throw bad('文件中没有表头和数据', 'the file has no header row and no data');
  return { format, headers, rows };
}

/** The value of an exceljs cell: rich text joined, formulas by their result, hyperlinks by their text. */
function xlsxValue(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return null;
  if (v instanceof Date || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return xlsxValue((v as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
    if ('text' in v) return String((v as { text: unknown }).text);
    if ('error' in v) return null;
  }
  return String(v);
}

async function* xlsxTable(bytes: Buffer): AsyncGenerator<{ line: number; cells: Cell[] }> {
  for await (const row of xlsxRows(bytes)) {
    const cells: Cell[] = [];
    for (let c = 1; c < Math.min(row.values.length, MAX_COLUMNS + 1); c++) cells.push(xlsxValue(row.values[c]));
    yield { line: row.number, cells };
  }
}

async function parseXlsx(bytes: Buffer): Promise<ParsedSheet> {
  try {
    return await collect('xlsx', xlsxTable(bytes));
  } catch (err) {
    if (!(err instanceof WorkbookRefused)) throw err;
    if (err.reason === 'no-sheet') throw bad('Excel文件中没有工作表', 'the workbook has no sheet');
    if (err.reason === 'too-large') {
      throw tooLarge('Excel文件解压后内容过大或含有异常长的单元格，不像名册：请检查文件，或另存为CSV后导入', 'The workbook unpacks to too much data, or holds an unusually long cell: check the file or save it as CSV');
    }
    throw bad('无法读取该Excel文件（仅支持.xlsx格式）', 'cannot read this Excel file (.xlsx only)');
  }
}

function csvTable(input: Buffer | string): { line: number; cells: Cell[] }[] {
  try {
    return csvRows(input).map((cells, i) => ({ line: i + 1, cells }));
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    if (err.code === 'CSV_QUOTE_NOT_CLOSED') {
      throw bad('CSV文件中有引号没有闭合，请检查带引号的单元格', 'a quote in the CSV file is never closed: check the cells in quotes');
    }
    throw bad(`无法读取该CSV文件（第${err.lines}行格式有误）`, `cannot read this CSV file (line ${err.lines} is malformed)`);
  }
}

/**
 * Reads a roster: XLSX (by its zip signature or name), streamed, anything else as CSV; both stop
 * at the first row past MAX_ROWS.
 */
export async function parseRoster(fileName: string, bytes: Buffer): Promise<ParsedSheet> {
  if (bytes.length === 0) throw bad('文件为空', 'the file is empty');
  if (bytes.length > MAX_FILE_BYTES) throw bad('文件不能超过10MB', 'the file may be 10 MB at most');
  const zip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  if (zip || /\.xlsx$/i.test(fileName)) return parseXlsx(bytes);
  if (/\.xls$/i.test(fileName)) throw bad('不支持旧版.xls格式，请另存为.xlsx或CSV', 'old .xls files are not supported: save as .xlsx or CSV');
  return collect('csv', csvTable(csvInput(bytes)));
}
