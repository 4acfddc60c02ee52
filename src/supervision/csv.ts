/** Excel on Chinese Windows reads a CSV as GBK unless it starts with a UTF-8 byte-order mark. */
export const CSV_BOM = '\uFEFF';

/** One CSV line: quoted cells, and cells a spreadsheet would run as formulas escaped. */
export function csvLine(row: (string | number | null)[]): string {
  const cell = (v: string | number | null) => {
    let s = v === null ? '' : String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return row.map(cell).join(',') + '\r\n';
}

/** CSV for spreadsheets: UTF-8 with BOM, quoted cells, and cells a spreadsheet would run as formulas escaped. */
export function toCsv(header: string[], rows: (string | number | null)[][]): string {
  return CSV_BOM + [header, ...rows].map(csvLine).join('');
}
