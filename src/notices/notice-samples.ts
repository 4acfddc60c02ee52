import { luhnComplete } from '../definitions/formats.ts';
import type { JsonSchema } from '../definitions/definition.types.ts';
import { makeIdNumber } from '../personal-numbers/id-number.ts';
import { isMoney } from '../definitions/money-fields.ts';

/*
 * Specimen data for notices: form data that a clerk could have typed where a workflow issues a
 * notice (src/definitions/issue-points.ts), made from the form's JSON Schema. Tests render every
 * notice of every workflow from it, and the README's sample images come from it.
 */

const TEXT: Record<string, string> = {
  reason: '经核查，申请人提交的材料显示其安置地不在本区，不属于本机关的办理范围，请向安置地退役军人事务部门申请。',
  legalBasis: '《退役军人安置条例》第四十五条',
  note: '身份证复印件字迹不清，请重新提供清晰的正反面复印件。',
  opinion: '经审核，材料齐全，情况属实，同意办理。',
  decisionBody: '浙江省退役军人事务厅',
  reviewBody: '浙江省人民政府',
  court: '杭州市中级人民法院',
  documentNumber: '浙退役〔2026〕45号',
  noticePlace: '桥头村村务公开栏',
  policeStation: '新河区公安分局桥头派出所',
  hospitalName: '江川市第一人民医院',
  issuingUnit: '中国人民解放军某部政治工作部',
  originalHukouPlace: '浙江省新河区桥头镇桥头村',
  registerAddress: '浙江省新河区桥头镇桥头村8号',
};

function sampleString(key: string, prop: JsonSchema): string {
  const min = (prop.minLength as number | undefined) ?? 0;
  const max = (prop.maxLength as number | undefined) ?? 200;
  if (prop.format === 'date') return '2026-11-20';
  if (prop.format === 'cn-id-number') return makeIdNumber('330102', '1990-05-17', 135);
  if (prop.format === 'cn-mobile') return '13800138000';
  if (prop.format === 'bank-card') return luhnComplete('622202123456789012');
  const pattern = prop.pattern as string | undefined;
  if (pattern?.includes('(0[1-9]|1[0-2])$')) return '2026-11';
  if (pattern?.startsWith('^[0-9A-HJ-NPQRTUWXY]{2}')) return '91330100MA2B3C4D5E';
  let text = TEXT[key] ?? (/Number$|No$/.test(key) ? '新退役〔2026〕18号' : /Name$|name$/.test(key) ? '王建华' : '已按规定核实');
  while ([...text].length < min) text += '情况属实。';
  return [...text].slice(0, max).join('');
}

/** A value for one schema, plausible for a form a clerk fills in. */
function sampleValue(key: string, prop: JsonSchema): unknown {
  if ('const' in prop) return prop.const;
  const enumValues = (prop.enum as unknown[] | undefined) ?? undefined;
  if (enumValues) return enumValues[0];
  const type = Array.isArray(prop.type) ? prop.type[0] : prop.type;
  if (type === 'boolean') return true;
  if (type === 'integer' || type === 'number') {
    if (isMoney(prop)) return Math.max((prop.minimum as number | undefined) ?? 0, 1_280_000);
    const min = (prop.minimum as number | undefined) ?? 1;
    const max = (prop.maximum as number | undefined) ?? Math.max(min, 100);
    return Math.min(max, Math.max(min, /Percent$/.test(key) ? 100 : 3));
  }
  if (type === 'array') {
    const items = (prop.items ?? {}) as JsonSchema;
    const n = Math.max((prop.minItems as number | undefined) ?? 1, 1);
    const choices = items.enum as unknown[] | undefined;
    if (choices) return choices.slice(0, Math.max(n, Math.min(2, choices.length)));
    return Array.from({ length: n }, () => sampleValue(key, items));
  }
  if (type === 'object' || prop.properties) return sampleForm(prop);
  return sampleString(key, prop);
}

/** Data for a whole form: every property, required or not, filled. */
export function sampleForm(form: JsonSchema | undefined): Record<string, unknown> {
  const props = (form?.properties ?? {}) as Record<string, JsonSchema>;
  return Object.fromEntries(Object.entries(props).map(([k, p]) => [k, sampleValue(k, p)]));
}

/** Names with characters outside the common set that a notice must still print (生僻字). */
export const RARE_NAMES = ['吉𠮷', '刘䶮', '王堃', '张喆', '李昇', '陈镕', '赵赟', '周珺', '龑𠮷䶮'];
