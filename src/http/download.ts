import { create } from 'content-disposition';

/**
 * Characters that change how a name reads without being seen: C0 and C1 controls, the bidi
 * embeddings, overrides and isolates ("invoice\u202Efdp.exe" shows as "invoiceexe.pdf"), the
 * directional marks, zero-width characters and the byte order mark; the quote would end a
 * Content-Disposition value.
 */
// eslint-disable-next-line no-control-regex
export const HIDDEN_IN_NAMES = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff"]/g;

/** Path separators and what Windows refuses in a file name: a saved file lands where it is saved, as named. */
const SEPARATORS = /[\\/:*?<>|]/g;

/** A name to save a file under: hidden characters and separators stripped, spaces collapsed, 120 characters at most. */
function downloadName(name: string): string {
  return name.replace(HIDDEN_IN_NAMES, '').replace(SEPARATORS, '').replace(/\s+/g, ' ').trim().slice(0, 120);
}

/**
 * The Content-Disposition of a file people save: the Chinese name as RFC 6266/5987 `filename*`
 * (UTF-8, percent-encoded) and `fallback`, plain ASCII, as `filename` for clients that read only
 * that. `inline` opens it in the browser (print), still with the name Save As offers.
 */
export function disposition(name: string, fallback: string, type: 'attachment' | 'inline' = 'attachment'): string {
  const ascii = downloadName(fallback).replace(/[^\x20-\x7e]/g, '') || 'download';
  return create(downloadName(name) || ascii, { type, fallback: ascii });
}
