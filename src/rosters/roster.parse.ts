import ExcelJS from 'exceljs';
import { AppError } from '../http/errors.ts';

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

function bad(zh: string, en: string): AppError {
  return new AppError('VALIDATION_FAILED', { errors: [{ path: '/file', message: `${zh} / ${en}` }] });
}

/** UTF-8 (with or without BOM); files saved by Excel on a Chinese Windows are GB18030 (GBK). */
export function decodeText(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

/** RFC 4180 CSV: quoted cells with doubled quotes, commas and line breaks inside quotes, CRLF or LF. */
export function parseCsvText(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') { cell += '"'; i += 2; continue; }
        quoted = false; i++; continue;
      }
      cell += ch; i++; continue;
    }
    if (ch === '"' && cell === '') { quoted = true; i++; continue; }
    if (ch === ',') { row.push(cell); cell = ''; i++; continue; }
    if (ch === '\r' || ch === '\n') {
      row.push(cell); rows.push(row); row = []; cell = '';
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    cell += ch; i++;
  }
  if (cell !== '' || row.length > 0) { row.push(cell); rows.push(row); }
  return rows;
}

function blank(cells: Cell[]): boolean {
  return cells.every((c) => c === null || (typeof c === 'string' && c.trim() === ''));
}

function sheetOf(format: 'csv' | 'xlsx', table: Cell[][]): ParsedSheet {
  let start = 0;
  while (start < table.length && blank(table[start]!)) start++;
  if (start >= table.length) throw bad('文件中没有表头和数据', 'the file has no header row and no data');
  const headers = table[start]!.map((h) => (h === null ? '' : String(h).replace(/^\uFEFF/, '').trim()));
  const rows: ParsedSheet['rows'] = [];
  for (let i = start + 1; i < table.length; i++) {
    const cells = table[i]!;
    if (blank(cells)) continue;
    rows.push({ line: i + 1, cells });
    if (rows.length > MAX_ROWS) throw bad(`一次最多导入${MAX_ROWS}行，请分批导入`, `at most ${MAX_ROWS} rows per import; split the file`);
  }
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

async function parseXlsx(bytes: Buffer): Promise<ParsedSheet> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw bad('无法读取该Excel文件（仅支持.xlsx格式）', 'cannot read this Excel file (.xlsx only)');
  }
  const ws = wb.worksheets.find((w) => w.state !== 'hidden' && w.actualRowCount > 0) ?? wb.worksheets[0];
  if (!ws) throw bad('Excel文件中没有工作表', 'the workbook has no sheet');
  if (ws.rowCount > MAX_ROWS + 50) throw bad(`一次最多导入${MAX_ROWS}行，请分批导入`, `at most ${MAX_ROWS} rows per import; split the file`);
  const width = ws.columnCount;
  const table: Cell[][] = [];
  for (let r = 1; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const cells: Cell[] = [];
    for (let c = 1; c <= width; c++) cells.push(xlsxValue(row.getCell(c).value));
    table.push(cells);
  }
  return sheetOf('xlsx', table);
}

/** Reads a roster: XLSX (by its zip signature or name) with exceljs, anything else as CSV. */
export async function parseRoster(fileName: string, bytes: Buffer): Promise<ParsedSheet> {
  if (bytes.length === 0) throw bad('文件为空', 'the file is empty');
  if (bytes.length > MAX_FILE_BYTES) throw bad('文件不能超过10MB', 'the file may be 10 MB at most');
  const zip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  if (zip || /\.xlsx$/i.test(fileName)) return parseXlsx(bytes);
  if (/\.xls$/i.test(fileName)) throw bad('不支持旧版.xls格式，请另存为.xlsx或CSV', 'old .xls files are not supported: save as .xlsx or CSV');
  return sheetOf('csv', parseCsvText(decodeText(bytes)));
}
