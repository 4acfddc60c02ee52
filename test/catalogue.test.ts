import t from 'tap';
import { readWorkflowFiles } from '../src/definitions/workflow-files.ts';
import type { Sla, WorkflowDefinition } from '../src/definitions/definition.types.ts';

/**
 * Section 3 of the catalogue (shared/catalogue/items.md), written down here by hand: stage, place on
 * the chain, the levels that must act, the notices the table names, the time rules, and whether a
 * public notice (公示) is part of the item. Each definition is held against its own row, so 22
 * near-copies of one template cannot pass.
 */
type Rule = { workingDays?: number; calendarDays?: number; before?: string[]; timer?: boolean };
interface Row {
  stage: 'enlistment' | 'service' | 'discharge';
  order: number;
  levels: string[];
  notices: (string | RegExp)[];
  time?: Rule[];
  publicNotice?: boolean;
  /**
   * Bodies above the district that section 2 names for this item (e.g. who delivers a 一等功 喜报),
   * or that decide one of its grounds (the province suspends or cancels a benefit for a crime:
   * 条例第五十九条第二款).
   */
  above?: string[];
}

const table: Record<string, Row> = {
  'enlistment-send-off': { stage: 'enlistment', order: 1, levels: ['town', 'district'], notices: ['活动登记'] },
  'glory-plaque': { stage: 'enlistment', order: 2, levels: ['district'], notices: ['悬挂登记确认单', '不予悬挂', '收回'], time: [{ before: ['07-31', '08-01', '01-31', '02-01'] }] },
  'military-family-registration': { stage: 'enlistment', order: 3, levels: ['town', 'district'], notices: ['采集表', '补正'] },
  'conscript-family-allowance': { stage: 'enlistment', order: 4, levels: ['district'], notices: ['发放', '不予发放', '追缴'], time: [{ before: ['07-31', '08-01'] }] },
  'student-soldier-incentive': { stage: 'enlistment', order: 5, levels: ['district'], notices: ['受理', '不予受理'] },
  'merit-award-notice': { stage: 'service', order: 6, levels: ['district'], notices: ['喜报送达回执', '奖励金发放通知'], time: [{ workingDays: 2 }], above: ['city', 'province'] },
  'festival-visit': { stage: 'service', order: 7, levels: ['district', 'village'], notices: [/走访(慰问)?记录/, '签收单'] },
  'military-family-hardship-aid': { stage: 'service', order: 8, levels: ['district'], notices: ['受理', '补正', '不符合条件', '办结'] },
  'military-children-education': { stage: 'service', order: 9, levels: ['district'], notices: ['资格确认函', '不予确认告知书'] },
  'rights-petition-legal-aid': { stage: 'service', order: 10, levels: ['district'], notices: ['受理告知书', '不予受理告知书', '答复意见书'], time: [{ calendarDays: 15 }, { calendarDays: 60 }], above: ['city'] },
  'death-pension-survivors': { stage: 'service', order: 11, levels: ['district'], notices: ['证明书', '发放通知'], time: [{ before: ['09-30', '10-01'] }], above: ['province'] },
  'discharge-reporting': { stage: 'discharge', order: 12, levels: ['district'], notices: ['报到登记表', '户口登记介绍信', '补正'], time: [{ calendarDays: 30 }] },
  'veteran-profile': { stage: 'discharge', order: 13, levels: ['town', 'district'], notices: ['采集表', '补正'] },
  'preferential-card': { stage: 'discharge', order: 14, levels: ['district', 'city', 'province'], notices: ['受理', '不予通过告知书', '领取通知'], time: [{ workingDays: 30 }, { workingDays: 10 }] },
  'self-employment-subsidy': { stage: 'discharge', order: 15, levels: ['district'], notices: ['受理', '不符合条件', '发放通知'], time: [{ calendarDays: 30 }] },
  'job-placement': { stage: 'discharge', order: 16, levels: ['district'], notices: ['安置介绍信', '放弃'], time: [{ calendarDays: 30 }], publicNotice: true },
  'veteran-training': { stage: 'discharge', order: 17, levels: ['district'], notices: ['报名确认', '不符合条件'] },
  'employment-entrepreneurship': { stage: 'discharge', order: 18, levels: ['district'], notices: ['推荐函', '身份核验函'] },
  'social-insurance-transfer': { stage: 'discharge', order: 19, levels: ['district'], notices: ['转介函', '办结'] },
  'disability-pension': { stage: 'discharge', order: 20, levels: ['district', 'city', 'province'], notices: ['受理', '鉴定介绍信', '公示书', '不予评残', '残疾军人证'], time: [{ calendarDays: 60 }, { workingDays: 7, timer: true }], publicNotice: true },
  'hardship-assistance': { stage: 'discharge', order: 21, levels: ['district', 'village'], notices: ['受理', '补正', '不符合条件', '办结'], publicNotice: true },
  'rural-veteran-elderly-subsidy': { stage: 'discharge', order: 22, levels: ['district', 'village'], notices: ['受理', '不符合条件', '办结'], time: [{ calendarDays: 7, timer: true }], publicNotice: true, above: ['province'] },
};

const defs = new Map<string, WorkflowDefinition>(readWorkflowFiles().files.map((f) => [f.definition.id, f.definition]));

function rules(def: WorkflowDefinition, timers: boolean): Sla[] {
  return Object.values(def.machine.states).flatMap((s) => (timers ? [s.meta.timer] : [s.meta.sla, s.meta.timer])
    .filter((x): x is Sla => x !== undefined));
}

function hasRule(def: WorkflowDefinition, r: Rule): boolean {
  return rules(def, r.timer === true).some((s) =>
    (r.workingDays !== undefined && 'workingDays' in s && s.workingDays === r.workingDays)
    || (r.calendarDays !== undefined && 'calendarDays' in s && s.calendarDays === r.calendarDays)
    || (r.before !== undefined && 'before' in s && r.before.includes(s.before)));
}

t.test('exactly the 22 catalogue items are defined', async (t) => {
  t.same([...defs.keys()].sort(), Object.keys(table).sort());
});

for (const [id, row] of Object.entries(table)) {
  t.test(`${id} matches its catalogue row`, async (t) => {
    const def = defs.get(id)!;
    t.ok(def, 'defined');
    t.equal(def.stage, row.stage, 'stage');
    t.equal(def.order, row.order, 'order on the chain');
    const levels = new Set(Object.values(def.machine.states).map((s) => s.meta.level).filter(Boolean));
    for (const level of row.levels) t.ok(levels.has(level as never), `a step at the ${level} level`);
    for (const level of ['city', 'province']) {
      if (!row.levels.includes(level) && !row.above?.includes(level)) t.notOk(levels.has(level as never), `no step at the ${level} level`);
    }
    const titles = Object.values(def.notices).map((n) => n.title.zh).join('｜');
    for (const word of row.notices) t.match(titles, word, `a notice named with 「${word}」`);
    for (const rule of row.time ?? []) t.ok(hasRule(def, rule), `the time rule ${JSON.stringify(rule)}`);
    if (row.publicNotice) {
      const notice = Object.values(def.machine.states).find((s) => s.meta.timer && s.on?.OBJECTION);
      t.ok(notice, 'a public-notice step that ends by its timer and that an objection interrupts');
    }
    t.ok(def.legalBasis.length > 0 && def.title.en.length > 0, 'legal basis and an English title');
  });
}
