import { HIDDEN_IN_NAMES } from '../http/download.ts';

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const MAX_THUMBNAIL_BYTES = 64 * 1024;

export type AttachmentMime = 'application/pdf' | 'image/jpeg' | 'image/png';

/** What the first bytes say the file is; only PDF, JPEG and PNG are taken. */
export function sniffMime(b: Buffer): AttachmentMime | null {
  if (b.length >= 5 && b.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  return null;
}

/*
 * An upload is what it says only if it is whole: the first bytes name the type, the last bytes
 * close it. A file that merely starts with "%PDF-" (an HTML page, a script) is not a PDF.
 */

const TAIL = 1024;
const JPEG_END = Buffer.from([0xff, 0xd9]);
/** The IEND chunk: length 0, type, CRC. */
const PNG_END = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

/**
 * A PDF's skeleton (ISO 32000 §7.5): the header with a version, and at the end "startxref", the
 * offset of the cross-reference section inside the file, and "%%EOF". Readers look for these in
 * the last kilobyte, so some trailing bytes are allowed after them.
 */
function isWholePdf(b: Buffer): boolean {
  if (!/^%PDF-[12]\.\d/.test(b.subarray(0, 8).toString('latin1'))) return false;
  const tail = b.subarray(Math.max(0, b.length - TAIL)).toString('latin1');
  const last = [...tail.matchAll(/startxref\s+(\d{1,10})\s+%%EOF/g)].pop();
  const offset = last ? Number(last[1]) : b.length;
  // The offset must land on a classic "xref" table or on a cross-reference stream object.
  return offset < b.length && /^\s*(xref|\d+\s+\d+\s+obj)/.test(b.subarray(offset, offset + 32).toString('latin1'));
}

function endsWith(b: Buffer, end: Buffer): boolean {
  // Scanners and phones sometimes pad a file with NULs or a newline after its last marker.
  let last = b.length;
  while (last > 0 && (b[last - 1] === 0 || b[last - 1] === 0x0a || b[last - 1] === 0x0d)) last--;
  return last >= end.length && b.subarray(last - end.length, last).equals(end);
}

/** The type of an uploaded file if it is a whole PDF, JPEG or PNG; null for anything else. */
export function wholeFileType(b: Buffer): AttachmentMime | null {
  const mime = sniffMime(b);
  if (mime === 'application/pdf') return isWholePdf(b) ? mime : null;
  if (mime === 'image/jpeg') return endsWith(b, JPEG_END) ? mime : null;
  if (mime === 'image/png') return b.subarray(12, 16).toString('latin1') === 'IHDR' && endsWith(b, PNG_END) ? mime : null;
  return null;
}

/** A file name safe to show and to send back in Content-Disposition: its last path part, without hidden characters. */
export function cleanFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(HIDDEN_IN_NAMES, '').trim().slice(0, 120);
  return cleaned || 'file';
}
