import type { Level, Localized, Sla, StateConfig, WorkflowDefinition } from '../definitions/definition.types.ts';
import { message } from '../messages/catalogue.ts';
import type { Lang } from '../messages/lang.ts';

/** Fill and border of a step's box by the level that does it; text stays dark on every fill. */
export const LEVEL_COLOURS: Record<Level | 'none', { fill: string; stroke: string; label: Localized }> = {
  village: { fill: '#e4f2e1', stroke: '#2e7d32', label: { zh: '村（社区）', en: 'village' } },
  town: { fill: '#e1edf9', stroke: '#1565c0', label: { zh: '镇（街道）', en: 'town' } },
  district: { fill: '#fdf1d6', stroke: '#a66300', label: { zh: '区', en: 'district' } },
  city: { fill: '#f0e4f7', stroke: '#6a1b9a', label: { zh: '市', en: 'city' } },
  province: { fill: '#fbe3e3', stroke: '#b71c1c', label: { zh: '省', en: 'province' } },
  none: { fill: '#eeeeee', stroke: '#555555', label: { zh: '未定层级', en: 'no level' } },
};

const BOX_W = 190;
const BOX_H = 70;
const GAP_X = 70;
const GAP_Y = 70;
const PAD = 20;
const LEGEND_H = 34;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function short(s: string, max: number): string {
  return [...s].length > max ? `${[...s].slice(0, max - 1).join('')}…` : s;
}

function slaText(s: Sla | undefined, lang: Lang): string {
  if (!s) return '';
  if ('workingDays' in s) return message(lang, 'DIAGRAM_WORKING_DAYS', { n: s.workingDays });
  if ('calendarDays' in s) return message(lang, 'DIAGRAM_CALENDAR_DAYS', { n: s.calendarDays });
  return message(lang, 'DIAGRAM_BEFORE', { date: s.before });
}

/** Every transition of a state as [event, target] (a transition without target stays in the state). */
function edgesOf(name: string, state: StateConfig): [string, string][] {
  const out: [string, string][] = [];
  for (const [event, t] of Object.entries(state.on ?? {})) {
    for (const one of Array.isArray(t) ? t : [t]) out.push([event, one?.target ?? name]);
  }
  return out;
}

/** Layers by breadth-first depth from the initial state; states it never reaches go in a last layer. */
export function layersOf(def: Pick<WorkflowDefinition, 'machine'>): string[][] {
  const states = def.machine.states;
  const depth = new Map<string, number>();
  const order: string[] = [];
  if (states[def.machine.initial]) {
    depth.set(def.machine.initial, 0);
    order.push(def.machine.initial);
  }
  for (let i = 0; i < order.length; i++) {
    const name = order[i]!;
    for (const [, target] of edgesOf(name, states[name]!)) {
      if (!states[target] || depth.has(target)) continue;
      depth.set(target, depth.get(name)! + 1);
      order.push(target);
    }
  }
  const layers: string[][] = [];
  for (const name of order) (layers[depth.get(name)!] ??= []).push(name);
  const unreached = Object.keys(states).filter((s) => !depth.has(s));
  if (unreached.length) layers.push(unreached);
  return layers;
}

/**
 * The state machine as an SVG picture: steps in layers by distance from the start, each box
 * coloured by its level with its time limit written in it, arrows labelled with the events.
 * Pure: the same definition gives the same string.
 */
export function stateDiagram(def: Pick<WorkflowDefinition, 'machine' | 'events' | 'title'>, lang: 'zh' | 'en' = 'zh'): string {
  const states = def.machine.states;
  const layers = layersOf(def);
  const widest = Math.max(1, ...layers.map((l) => l.length));
  const width = PAD * 2 + widest * BOX_W + (widest - 1) * GAP_X;
  const height = PAD * 2 + LEGEND_H + layers.length * BOX_H + Math.max(0, layers.length - 1) * GAP_Y;
  const pos = new Map<string, { x: number; y: number; layer: number }>();
  layers.forEach((layer, li) => {
    const rowW = layer.length * BOX_W + (layer.length - 1) * GAP_X;
    const x0 = (width - rowW) / 2;
    layer.forEach((name, i) => pos.set(name, {
      x: x0 + i * (BOX_W + GAP_X), y: PAD + LEGEND_H + li * (BOX_H + GAP_Y), layer: li,
    }));
  });

  // One arrow per pair of states, labelled with every event that takes it.
  const pairs = new Map<string, { from: string; to: string; events: string[] }>();
  for (const name of Object.keys(states)) {
    for (const [event, target] of edgesOf(name, states[name]!)) {
      if (!pos.has(target)) continue;
      const key = `${name}\u0000${target}`;
      const p = pairs.get(key) ?? { from: name, to: target, events: [] };
      if (!p.events.includes(event)) p.events.push(event);
      pairs.set(key, p);
    }
  }

  const title = lang === 'en' ? def.title.en || def.title.zh : def.title.zh;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" class="state-diagram" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="diagram-title" font-family="'Source Han Sans SC','Microsoft YaHei','PingFang SC',sans-serif">`);
  parts.push(`<title id="diagram-title">${esc(message(lang, 'DIAGRAM_TITLE', { title }))}</title>`);
  parts.push('<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#333333"/></marker></defs>');

  // Legend: the levels used.
  const used = [...new Set(Object.values(states).map((s) => s.meta.level ?? 'none'))];
  let lx = PAD;
  for (const level of (['village', 'town', 'district', 'city', 'province', 'none'] as const).filter((l) => used.includes(l))) {
    const c = LEVEL_COLOURS[level];
    const text = lang === 'en' ? c.label.en : c.label.zh;
    parts.push(`<g class="legend" data-level="${level}"><rect x="${lx}" y="${PAD}" width="16" height="16" rx="3" fill="${c.fill}" stroke="${c.stroke}"/><text x="${lx + 22}" y="${PAD + 13}" font-size="13" fill="#1a1a1a">${esc(text)}</text></g>`);
    lx += 34 + [...text].length * (lang === 'en' ? 8 : 14);
  }

  // Arrows first, so boxes sit on top of their ends.
  const labels: string[] = [];
  for (const p of pairs.values()) {
    const a = pos.get(p.from)!;
    const b = pos.get(p.to)!;
    const label = esc(p.events.join(' / '));
    if (p.from === p.to) {
      const x = a.x + BOX_W;
      const y = a.y + BOX_H / 2;
      parts.push(`<path class="edge" data-from="${p.from}" data-to="${p.to}" d="M${x},${y - 12} C${x + 34},${y - 30} ${x + 34},${y + 30} ${x},${y + 12}" fill="none" stroke="#333333" stroke-width="1.4" marker-end="url(#arrow)"/>`);
      labels.push(`<text x="${x + 30}" y="${y + 4}" font-size="11" fill="#1a1a1a" stroke="#ffffff" stroke-width="3" paint-order="stroke">${label}</text>`);
      continue;
    }
    const up = b.layer < a.layer;
    const same = b.layer === a.layer;
    // Back up to an earlier step (a return) is dashed; an arrow into a final state never is.
    const dashed = up && states[p.to]!.type !== 'final';
    let d: string;
    let lx: number, ly: number;
    if (!up && !same) {
      const x1 = a.x + BOX_W / 2; const y1 = a.y + BOX_H; const x2 = b.x + BOX_W / 2; const y2 = b.y;
      d = `M${x1},${y1} L${x2},${y2}`;
      lx = x1 + (x2 - x1) * 0.35; ly = y1 + (y2 - y1) * 0.35;
    } else if (same) {
      const adjacent = Math.abs(a.x - b.x) <= BOX_W + GAP_X + 1;
      if (adjacent) {
        const right = b.x > a.x;
        const x1 = right ? a.x + BOX_W : a.x; const x2 = right ? b.x : b.x + BOX_W;
        const y = a.y + BOX_H / 2 + (right ? -8 : 8);
        d = `M${x1},${y} L${x2},${y}`;
        lx = Math.min(x1, x2) + 2; ly = y + (right ? -4 : 14);
      } else {
        // Over the boxes between them: an arch above the row.
        const x1 = a.x + BOX_W / 2 + 20; const x2 = b.x + BOX_W / 2 - 20; const y = a.y;
        d = `M${x1},${y} C${x1},${y - GAP_Y * 0.7} ${x2},${y - GAP_Y * 0.7} ${x2},${y}`;
        lx = (x1 + x2) / 2 - 20; ly = y - GAP_Y * 0.55;
      }
    } else {
      // Going back up: a curve out to the side, so it does not hide the arrows going down.
      const x1 = a.x + 24; const y1 = a.y; const x2 = b.x + BOX_W - 24; const y2 = b.y + BOX_H;
      const side = b.x >= a.x ? 1 : -1;
      d = `M${x1},${y1} C${x1 - 50 * side},${y1 - GAP_Y * 0.6} ${x2 + 50 * side},${y2 + GAP_Y * 0.6} ${x2},${y2}`;
      lx = x1 - 10; ly = y1 - 10;
    }
    parts.push(`<path class="edge" data-from="${p.from}" data-to="${p.to}" d="${d}" fill="none" stroke="#333333" stroke-width="1.4"${dashed ? ' stroke-dasharray="5 3"' : ''} marker-end="url(#arrow)"/>`);
    labels.push(`<text x="${lx + 4}" y="${ly}" font-size="11" fill="#1a1a1a" stroke="#ffffff" stroke-width="3" paint-order="stroke">${label}</text>`);
  }

  for (const [name, p] of pos) {
    const s = states[name]!;
    const c = LEVEL_COLOURS[s.meta.level ?? 'none'];
    const final = s.type === 'final';
    const step = short(lang === 'en' ? s.meta.step.en || s.meta.step.zh : s.meta.step.zh, lang === 'en' ? 26 : 13);
    const time = s.meta.sla
      ? `${message(lang, 'DIAGRAM_LIMIT')} ${slaText(s.meta.sla, lang)}`
      : s.meta.timer
        ? `${message(lang, 'DIAGRAM_TIMER')} ${slaText(s.meta.timer, lang)} → ${s.meta.timer.event}`
        : final ? message(lang, 'DIAGRAM_FINAL') : '';
    parts.push(`<g class="state" data-state="${esc(name)}" data-level="${s.meta.level ?? 'none'}">`);
    parts.push(`<rect x="${p.x}" y="${p.y}" width="${BOX_W}" height="${BOX_H}" rx="${final ? 18 : 6}" fill="${c.fill}" stroke="${c.stroke}" stroke-width="${final ? 3 : 1.5}"/>`);
    parts.push(`<text x="${p.x + 10}" y="${p.y + 22}" font-size="14" font-weight="bold" fill="#1a1a1a">${esc(step)}</text>`);
    parts.push(`<text x="${p.x + 10}" y="${p.y + 40}" font-size="11" fill="#333333">${esc(name)}</text>`);
    if (time) parts.push(`<text class="sla" x="${p.x + 10}" y="${p.y + 58}" font-size="12" fill="#1a1a1a">${esc(short(time, 30))}</text>`);
    parts.push('</g>');
  }
  parts.push(...labels);
  parts.push('</svg>');
  return parts.join('');
}
