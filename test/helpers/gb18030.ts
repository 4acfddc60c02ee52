/**
 * Encodes text as GB18030/GBK (Excel's CSV on Chinese Windows) for tests: ASCII as is, others by
 * the decoder's table.
 */
let table: Map<string, Buffer> | undefined;

export function encodeGb18030(text: string): Buffer {
  if (!table) {
    table = new Map();
    const dec = new TextDecoder('gb18030');
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) continue;
        const bytes = Buffer.from([lead, trail]);
        const ch = dec.decode(bytes);
        if (ch.length === 1 && ch !== '\uFFFD' && !table.has(ch)) table.set(ch, bytes);
      }
    }
  }
  const out: Buffer[] = [];
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) out.push(Buffer.from(ch, 'latin1'));
    else {
      const b = table.get(ch);
      if (!b) throw new Error(`no GB18030 two-byte code for ${ch}`);
      out.push(b);
    }
  }
  return Buffer.concat(out);
}
