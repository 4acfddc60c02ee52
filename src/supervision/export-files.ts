import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { CSV_BOM, csvLine } from './csv.ts';

type Rows = AsyncIterable<(string | number | null)[]>;

/** A CSV file produced as its rows arrive: UTF-8 with BOM, formula-like cells escaped. */
export function csvStream(header: string[], rows: Rows): Readable {
  return Readable.from((async function* lines() {
    yield CSV_BOM + csvLine(header);
    for await (const row of rows) yield csvLine(row);
  })());
}

/**
 * An XLSX workbook of one sheet written by exceljs' streaming writer as its rows arrive (each row
 * committed at once, inline strings: a cell's text is data, never a formula); an error while
 * reading rows ends the stream with that error.
 */
export function xlsxStream(sheetName: string, header: string[], rows: Rows): Readable {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: true });
  const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  void (async () => {
    const head = sheet.addRow(header);
    head.font = { bold: true };
    head.commit();
    for await (const row of rows) sheet.addRow(row).commit();
    sheet.commit();
    await workbook.commit();
  })().catch((err: unknown) => out.destroy(err as Error));
  return out;
}
