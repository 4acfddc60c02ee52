/**
 * Notice markup: what a template (templates/notices/*.hbs) produces and the PDF renderer lays
 * out. One block per line, each line starting with a directive; blank lines are ignored:
 *
 *   to: 张伟：              addressee, flush left
 *   p: 你于……                body paragraph, first line indented two characters
 *   h: 一、补正事项          heading (Hei face), indented two characters
 *   note: 经办人：……          附注 under the date, in parentheses
 *   th: 序号 | 姓名 | 内容    starts a table (header row); `tr:` lines add rows
 *   kv: 发放金额 | 1,200.00元  one label and value of a results table (consecutive lines form one table,
 *                            two pairs to a row where the values are short)
 *   cell: 姓名 | 陈宇航 | 性别 | 男   one row of a form's grid: labels and values in turn (consecutive lines
 *                            form one grid; a row with fewer pairs stretches its last value to the edge)
 *   sign: 报到人签名 | 经办人签名   a row of boxes left empty for signatures, seals and dates
 *   gap:                     one blank line
 */
export type Block =
  | { type: 'to' | 'p' | 'h' | 'note'; text: string }
  | { type: 'table'; header: string[]; rows: string[][] }
  | { type: 'kv'; pairs: [string, string][] }
  | { type: 'grid'; rows: [string, string][][] }
  | { type: 'sign'; boxes: string[] }
  | { type: 'gap' };

// `s`: a value's own characters never end a line (only \n does), whatever they are.
const DIRECTIVE = /^(to|p|h|note|th|tr|kv|cell|sign|gap):\s?(.*)$/s;

class MarkupError extends Error {}

export function parseMarkup(source: string): Block[] {
  const blocks: Block[] = [];
  source.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const m = DIRECTIVE.exec(line);
    if (!m) throw new MarkupError(`line ${i + 1}: no directive: ${line.slice(0, 40)}`);
    const [, kind, rest] = m as unknown as [string, string, string];
    const text = rest.trim();
    if (kind === 'gap') blocks.push({ type: 'gap' });
    else if (kind === 'kv') {
      const [label = '', ...value] = cells(text);
      const last = blocks[blocks.length - 1];
      if (last?.type === 'kv') last.pairs.push([label, value.join('｜')]);
      else blocks.push({ type: 'kv', pairs: [[label, value.join('｜')]] });
    } else if (kind === 'cell') {
      const c = cells(text);
      const row = Array.from({ length: Math.ceil(c.length / 2) }, (_, j) => [c[2 * j] ?? '', c[2 * j + 1] ?? ''] as [string, string]);
      const last = blocks[blocks.length - 1];
      if (last?.type === 'grid') last.rows.push(row);
      else blocks.push({ type: 'grid', rows: [row] });
    } else if (kind === 'sign') blocks.push({ type: 'sign', boxes: cells(text) });
    else if (kind === 'th') blocks.push({ type: 'table', header: cells(text), rows: [] });
    else if (kind === 'tr') {
      const table = blocks[blocks.length - 1];
      if (table?.type !== 'table') throw new MarkupError(`line ${i + 1}: a row outside a table`);
      table.rows.push(cells(text));
    } else if (text) blocks.push({ type: kind as 'to' | 'p' | 'h' | 'note', text });
  });
  return blocks;
}

function cells(text: string): string[] {
  return text.split('|').map((c) => c.trim());
}

/**
 * Makes a value safe to place inside one markup line or table cell: line breaks of any kind
 * (U+2028 too) and other controls become one space, bidi and zero-width format characters go.
 * Input is refused with these at the edge (src/definitions/plain-text.ts); this keeps a value
 * stored before that, or from elsewhere, from breaking a notice.
 */
export function markupSafe(value: string): string {
  return value.replace(/\s*[\p{Cc}\p{Zl}\p{Zp}\u0085]+\s*/gu, ' ').replace(/(?![\u200c\u200d])\p{Cf}/gu, '').replace(/\|/g, '｜');
}
