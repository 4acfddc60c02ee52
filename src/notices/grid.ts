/**
 * Column widths of a form's grid (markup `cell:` rows): as many label–value pairs across as its
 * widest row, every label column as wide as the widest label (at most half a pair), and a row
 * with fewer pairs stretching its last value to the right edge, as printed forms do.
 */
export function gridWidths(
  rows: [string, string][][], total: number, labelWidth: (label: string) => number,
): number[][] {
  const across = Math.max(1, ...rows.map((r) => r.length));
  const pair = total / across;
  const label = Math.min(pair * 0.5, Math.max(0, ...rows.flat().map(([l]) => labelWidth(l))));
  const value = pair - label;
  return rows.map((r) => r.flatMap((_, i) => (i < r.length - 1 ? [label, value] : [label, total - i * pair - label])));
}
