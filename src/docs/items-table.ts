import type { WorkflowDefinition, Sla } from '../definitions/definition.types.ts';

const STAGE_ZH = { enlistment: '入伍', service: '服役', discharge: '退役' } as const;
const STAGES = ['enlistment', 'service', 'discharge'];

function slaText(sla: Sla): string {
  if ('workingDays' in sla) return `${sla.workingDays}个工作日`;
  if ('calendarDays' in sla) return `${sla.calendarDays}日`;
  return `${sla.before}前`;
}

/** The README's table of the items, made from the definitions so it cannot drift from them. */
export function itemsTable(defs: WorkflowDefinition[]): string {
  const ordered = [...defs].sort((a, b) => STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage) || a.order - b.order);
  const rows = ordered.map((d) => {
    const states = Object.values(d.machine.states);
    const steps = states.filter((s) => s.type !== 'final').length;
    const slas = states.filter((s) => s.meta.sla).map((s) => `${s.meta.step.zh} ${slaText(s.meta.sla!)}`);
    const sla = slas.slice(0, 3).join('；') + (slas.length > 3 ? '…' : '');
    const notices = [...new Set(Object.values(d.notices).map((n) => n.title.zh))].join('、');
    return `| ${d.order} | ${STAGE_ZH[d.stage]} | \`${d.id}\` | ${d.abbreviation} | ${d.title.zh}<br>${d.title.en} | ${steps} | ${sla} | ${notices} |`;
  });
  return ['| # | 阶段 | id | 简称 (case numbers) | 事项 / Item | steps | SLA (first steps) | notices |', '|---|---|---|---|---|---|---|---|', ...rows].join('\n') + '\n';
}

export const ITEMS_START = '<!-- items:start -->\n';
export const ITEMS_END = '<!-- items:end -->';

export function replaceItemsTable(readme: string, table: string): string {
  const start = readme.indexOf(ITEMS_START);
  const end = readme.indexOf(ITEMS_END);
  if (start < 0 || end < start) throw new Error('README has no items markers');
  return readme.slice(0, start + ITEMS_START.length) + table + readme.slice(end);
}
