import { readFileSync } from 'node:fs';
import { bilingual } from '../messages/localized.ts';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Reads the electronic seal (NOTICE_SEAL_IMAGE) once, at start. It must be a PNG with transparency:
 * the seal lies over the signature and date, which must show through it; a bad file stops the start
 * instead of the first notice.
 */
export function loadSeal(file: string): Buffer {
  let png: Buffer;
  try {
    png = readFileSync(file);
  } catch (err) {
    throw new Error(bilingual('NOTICE_SEAL_UNREADABLE', { file, detail: (err as Error).message }));
  }
  if (png.length < 33 || !png.subarray(0, 8).equals(PNG) || png.toString('latin1', 12, 16) !== 'IHDR') {
    throw new Error(bilingual('NOTICE_SEAL_NOT_PNG', { file }));
  }
  // Colour types 4 and 6 carry alpha; a palette or grey image is transparent only with a tRNS chunk.
  const colourType = png[25]!;
  if (colourType !== 4 && colourType !== 6 && !png.includes('tRNS', 33, 'latin1')) {
    throw new Error(bilingual('NOTICE_SEAL_OPAQUE', { file }));
  }
  return png;
}
