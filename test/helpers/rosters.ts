import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { luhnComplete } from '../../src/definitions/formats.ts';
import { makeIdNumber } from '../../src/personal-numbers/id-number.ts';

/** A recruiting office's list of new conscripts (义务兵家庭优待金), as a clerk would receive it. */
export const ROSTER_HEADERS = ['序号', '姓名', '公民身份号码', '村（社区）', '批准入伍日期', '征兵批次', '入伍时户籍类型', '大学生士兵', '在西藏、新疆服役',
  '领取人姓名', '领取人与义务兵关系', '领取人公民身份号码', '领取人手机号码', '开户银行', '银行账号', '账户户名'];

/** The one column whose header is not a field's title: mapped by hand. */
export const ROSTER_MAPPING = { 银行账号: 'bankAccount' };

export const ROSTER_DEFAULTS = { listDocumentNumber: '新征办〔2026〕12号' };

export { luhnComplete };

const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗';
const GIVEN = ['浩然', '子轩', '宇航', '俊杰', '志强', '明辉', '建军', '海涛', '晨阳', '博文'];

function day(base: string, plus: number): string {
  const d = new Date(`${base}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + plus);
  return d.toISOString().slice(0, 10);
}

export interface RosterSpec {
  rows: number;
  /** Row index (0-based) → what is wrong with it; the rest are valid. */
  faults?: (i: number) => 'check-digit' | 'duplicate' | 'station' | 'bank' | null;
  /** Row index → a fixed person (an existing one). */
  fixed?: Map<number, { name: string; idNumber: string; village: string }>;
  villages?: string[];
  enlistmentDate?: string | ((i: number) => string);
  tibet?: (i: number) => boolean;
  college?: (i: number) => boolean;
  /** Offset of the birth dates, so two rosters have different people. */
  seed?: number;
}

/** The deliberate errors of the test: bad check digits, duplicates, wrong station, missing bank account. */
export function standardFaults(i: number): 'check-digit' | 'duplicate' | 'station' | 'bank' | null {
  const r = i % 100;
  return r === 7 ? 'check-digit' : r === 13 ? 'duplicate' : r === 29 ? 'station' : r === 41 ? 'bank' : null;
}

export function conscriptRows(spec: RosterSpec): string[][] {
  const villages = spec.villages ?? ['桥头村', '河西社区', '山下村'];
  const rows: string[][] = [];
  const ids: string[] = [];
  for (let i = 0; i < spec.rows; i++) {
    const fault = spec.faults?.(i) ?? null;
    const fixed = spec.fixed?.get(i);
    const name = fixed?.name ?? `${SURNAMES[i % SURNAMES.length]}${GIVEN[Math.floor(i / SURNAMES.length) % GIVEN.length]}`;
    let id = fixed?.idNumber ?? makeIdNumber('330102', day('1998-01-01', (spec.seed ?? 0) + i), 111 + ((i * 2) % 800));
    if (fault === 'check-digit') id = `${id.slice(0, 17)}${id[17] === '0' ? '1' : '0'}`;
    if (fault === 'duplicate' && i > 0) id = ids[i - 1]!;
    ids.push(id);
    const village = fault === 'station' ? '外区某村' : fixed?.village ?? villages[i % villages.length]!;
    const enlisted = typeof spec.enlistmentDate === 'function' ? spec.enlistmentDate(i) : spec.enlistmentDate ?? '2026-09-10';
    const payee = `${name[0]}${['建华', '国强', '秀英', '桂兰'][i % 4]}`;
    const payeeId = makeIdNumber('330102', day('1970-01-01', (spec.seed ?? 0) + i), 121 + ((i * 2) % 800));
    const account = fault === 'bank' ? '' : luhnComplete(`622848${String(100000000000 + (spec.seed ?? 0) * 10000 + i).slice(-12)}`);
    rows.push([
      String(i + 1), name, id, village, enlisted, '下半年', i % 3 ? '农村' : '城镇', spec.college?.(i) ? '是' : '否', spec.tibet?.(i) ? '是' : '否',
      payee, i % 2 ? '父亲' : '母亲', payeeId, `139${String(57000000 + i).padStart(8, '0')}`, '中国农业银行新河支行', account, payee,
    ]);
  }
  return rows;
}

export function csvBytes(headers: string[], rows: string[][]): Buffer {
  const cell = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  return Buffer.from(`\uFEFF${[headers, ...rows].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`, 'utf8');
}

/** The same roster as a workbook: dates as real date cells, ID and account numbers as text. */
export async function xlsxBytes(headers: string[], rows: string[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('名册');
  ws.addRow(headers);
  const dateCol = headers.indexOf('批准入伍日期');
  for (const r of rows) ws.addRow(r.map((v, i) => (i === dateCol && /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T00:00:00Z`) : v)));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A multipart/form-data body for app.inject. */
export function multipart(
  fields: Record<string, string>, file: { name: string; bytes: Buffer; type?: string },
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----roster${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`, 'utf8'));
  parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${file.name}"\r\ncontent-type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`, 'utf8'));
  parts.push(file.bytes, Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8'));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/**
 * A workbook of `rows` one-cell rows under one header, streamed to a temp file by exceljs' writer
 * (the red team's 9 MB file).
 */
export async function tinyRowsXlsx(rows: number): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'roster-'));
  const file = join(dir, 'tiny-rows.xlsx');
  try {
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false, useStyles: false });
    const ws = wb.addWorksheet('名册');
    ws.addRow(['姓名']).commit();
    for (let i = 0; i < rows; i++) ws.addRow([i]).commit();
    ws.commit();
    await wb.commit();
    return await readFile(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A small workbook whose sheet XML is `head`, then `filler` repeated up to `bytes`, then `tail`:
 * compressed to a few hundred kilobytes, it unpacks to as much as one asks.
 */
export async function craftedXlsx(head: string, filler: string, bytes: number, tail: string): Promise<Buffer> {
  const zip = await JSZip.loadAsync(await xlsxBytes(['姓名'], []));
  const block = filler.repeat(Math.ceil(65536 / filler.length));
  function* sheet() {
    yield head;
    for (let n = 0; n < bytes; n += block.length) yield block;
    yield tail;
  }
  zip.file('xl/worksheets/sheet1.xml', Readable.from(sheet()));
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 1 }, streamFiles: true });
}

/** The start of a sheet: its header row, then an open second row. */
export const SHEET_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
  + '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row><row r="2">';
export const SHEET_TAIL = '</row></sheetData></worksheet>';
