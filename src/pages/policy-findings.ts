/**
 * The policy page's findings beside what they name: one group per step (its moves within it), per
 * form (its fields within it), per notice, material or other part, each in the item's own words;
 * and the lines of the definition's JSON they are at, numbered as in the editor.
 */
import type { FindingView } from '../definitions/finding.ts';
import { placeOf, type PlaceKind } from '../definitions/finding-place.ts';
import type { Lang } from '../messages/lang.ts';

interface FindingItem {
  message: string;
  path: string;
  line?: number;
  href?: string;
}

interface FindingGroup {
  id: string;
  title: string;
  items: FindingItem[];
  parts: { title: string; items: FindingItem[] }[];
}

/** The order of the groups: what the item is, then its steps and moves, its forms, notices, materials. */
const KIND_ORDER: PlaceKind[] = ['json', 'item', 'legalBasis', 'step', 'move', 'event', 'form', 'field', 'notice', 'material'];

const jsonLineId = (line: number): string => `json-L${line}`;

function item(f: FindingView): FindingItem {
  const line = f.at.line;
  return { message: f.message, path: f.path, ...(line ? { line, href: `#${jsonLineId(line)}` } : {}) };
}

/** The group a finding belongs to, and the part within it (a move of a step, a field of a form). */
function groupOf(f: FindingView, def: unknown, lang: Lang): { key: string; title: string; part?: string } {
  const { kind, step, form } = f.at;
  if ((kind === 'move' || kind === 'step') && step) {
    return { key: `step:${step}`, title: placeOf(def, `$.machine.states.${step}`).label[lang], ...(kind === 'move' ? { part: f.at.label } : {}) };
  }
  if ((kind === 'field' || kind === 'form') && form) {
    return { key: `form:${form}`, title: placeOf(def, `$.forms.${form}`).label[lang], ...(kind === 'field' ? { part: f.at.label } : {}) };
  }
  return { key: `${kind}:${f.at.label}`, title: f.at.label };
}

export function findingGroups(findings: FindingView[], def: unknown, lang: Lang): FindingGroup[] {
  const groups = new Map<string, FindingGroup & { rank: number }>();
  for (const f of findings) {
    const { key, title, part } = groupOf(f, def, lang);
    let g = groups.get(key);
    if (!g) {
      const kind = f.at.kind === 'move' ? 'step' : f.at.kind === 'field' ? 'form' : f.at.kind;
      g = { id: `finding-${groups.size + 1}`, title, items: [], parts: [], rank: KIND_ORDER.indexOf(kind) };
      groups.set(key, g);
    }
    if (!part) g.items.push(item(f));
    else {
      const p = g.parts.find((x) => x.title === part) ?? g.parts[g.parts.push({ title: part, items: [] }) - 1]!;
      p.items.push(item(f));
    }
  }
  return [...groups.values()].sort((a, b) => a.rank - b.rank).map(({ rank: _rank, ...g }) => g);
}

interface JsonLine {
  n: number;
  text: string;
  id?: string;
  findings: string[];
}

/** Lines of context shown above and below each finding's line. */
const CONTEXT = 2;

/**
 * The definition's text around each finding's line, numbered; runs that touch are one excerpt.
 * (The whole text is in the editor above; a numbered copy of every line would double the page.)
 */
export function jsonExcerpts(text: string, findings: FindingView[]): JsonLine[][] {
  const lines = text.split('\n');
  const at = new Map<number, string[]>();
  for (const f of findings) if (f.at.line) at.set(f.at.line, [...(at.get(f.at.line) ?? []), f.message]);
  const around = (n: number) => Array.from({ length: 2 * CONTEXT + 1 }, (_, i) => n - CONTEXT + i);
  const shown = [...new Set([...at.keys()].flatMap(around))]
    .filter((n) => n >= 1 && n <= lines.length).sort((a, b) => a - b);
  const excerpts: JsonLine[][] = [];
  let last = -1;
  for (const n of shown) {
    if (n !== last + 1) excerpts.push([]);
    const here = at.get(n);
    excerpts.at(-1)!.push({ n, text: lines[n - 1]!, findings: here ?? [], ...(here ? { id: jsonLineId(n) } : {}) });
    last = n;
  }
  return excerpts;
}
