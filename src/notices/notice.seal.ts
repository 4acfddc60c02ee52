import { readFileSync } from 'node:fs';

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
    throw new Error(`NOTICE_SEAL_IMAGE：无法读取印章图片 ${file} / cannot read the seal image: ${(err as Error).message}`);
  }
  if (png.length < 33 || !png.subarray(0, 8).equals(PNG) || png.toString('latin1', 12, 16) !== 'IHDR') {
    throw new Error(`NOTICE_SEAL_IMAGE：${file} 不是 PNG 图片 / is not a PNG image`);
  }
  // Colour types 4 and 6 carry alpha; a palette or grey image is transparent only with a tRNS chunk.
  const colourType = png[25]!;
  if (colourType !== 4 && colourType !== 6 && !png.includes('tRNS', 33, 'latin1')) {
    throw new Error(`NOTICE_SEAL_IMAGE：${file} 没有透明背景，会遮住署名和日期 / has no transparency and would hide the signature and date`);
  }
  return png;
}
