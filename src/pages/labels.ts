import { ACT_LABELS } from '../cases/last-change.ts';
import type { Localized } from '../definitions/definition.types.ts';
import { message } from '../messages/catalogue.ts';
import type { Lang } from '../messages/lang.ts';

type Dict = Record<string, Localized>;

export const LEVELS: Dict = {
  village: { zh: '村（社区）服务站', en: 'village station' },
  town: { zh: '镇（街道）服务站', en: 'town station' },
  district: { zh: '区退役军人事务局', en: 'district bureau' },
  city: { zh: '市级', en: 'city' },
  province: { zh: '省级', en: 'province' },
};

export const OUTCOMES: Dict = {
  completed: { zh: '办结', en: 'completed' },
  granted: { zh: '准予', en: 'granted' },
  transferred: { zh: '已转出', en: 'transferred' },
  refused: { zh: '不予办理', en: 'refused' },
  'not-accepted': { zh: '不予受理', en: 'not accepted' },
  'not-eligible': { zh: '不符合条件', en: 'not eligible' },
  revoked: { zh: '已撤销', en: 'revoked' },
  withdrawn: { zh: '已撤回', en: 'withdrawn' },
  ended: { zh: '已终止', en: 'ended' },
  cancelled: { zh: '已取消', en: 'cancelled' },
};

/** History entries that are not steps of the item. */
export const ACTS: Dict = ACT_LABELS;

const CATEGORIES: Dict = {
  veteran: { zh: '退役军人', en: 'veteran' },
  serving: { zh: '现役军人', en: 'serving member' },
  family: { zh: '军属', en: 'family member' },
  survivor: { zh: '烈士、因公牺牲、病故军人遗属', en: 'survivor' },
};

const ATTRIBUTE_LABELS: Record<string, { title: Localized; values?: Dict }> = {
  category: { title: { zh: '人员类别', en: 'Category' }, values: CATEGORIES },
  hukouType: { title: { zh: '户籍性质', en: 'Household registration' }, values: { rural: { zh: '农村', en: 'rural' }, urban: { zh: '城镇', en: 'urban' } } },
  soldierType: { title: { zh: '士兵类别', en: 'Soldier type' }, values: { conscript: { zh: '义务兵', en: 'conscript' }, nco: { zh: '军士（士官）', en: 'NCO' }, officer: { zh: '军官', en: 'officer' } } },
  enlistmentDate: { title: { zh: '入伍时间', en: 'Enlisted' } },
  dischargeDate: { title: { zh: '退役时间', en: 'Discharged' } },
  placementType: {
    title: { zh: '安置方式', en: 'Placement' },
    values: {
      'self-employment': { zh: '自主就业', en: 'self-employment' }, 'assigned-job': { zh: '安排工作', en: 'assigned job' },
      'monthly-pension': { zh: '逐月领取退役金', en: 'monthly pension' }, retirement: { zh: '退休', en: 'retirement' }, support: { zh: '供养', en: 'support' },
    },
  },
  disabilityGrade: { title: { zh: '残疾等级', en: 'Disability grade' } },
  postedToTibetOrXinjiang: { title: { zh: '是否在西藏、新疆服役', en: 'Served in Tibet or Xinjiang' } },
  politicalStatus: {
    title: { zh: '政治面貌', en: 'Political status' },
    values: {
      'party-member': { zh: '中共党员', en: 'CPC member' }, 'league-member': { zh: '共青团员', en: 'League member' },
      masses: { zh: '群众', en: 'no party' }, other: { zh: '其他', en: 'other' },
    },
  },
};

export const RELATIONS: Dict = {
  spouse: { zh: '配偶', en: 'spouse' }, parent: { zh: '父母', en: 'parent' }, child: { zh: '子女', en: 'child' },
  sibling: { zh: '兄弟姐妹', en: 'sibling' }, guardian: { zh: '监护人', en: 'guardian' },
};

export const SEX: Dict = { male: { zh: '男', en: 'male' }, female: { zh: '女', en: 'female' } };

export const ROLES: Dict = {
  clerk: { zh: '经办人', en: 'clerk' }, supervisor: { zh: '督办', en: 'supervisor' }, policy: { zh: '政策管理', en: 'policy' }, admin: { zh: '管理员', en: 'administrator' },
};

/** A station's name in the page's language. */
export function stationName(s: { name_zh: string; name_en: string }, lang: Lang): string {
  return { zh: s.name_zh, en: s.name_en }[lang];
}

export function label(dict: Dict, key: string | null | undefined, lang: Lang): string {
  if (!key) return '';
  const v = dict[key];
  return v ? v[lang] : key;
}

/** A person's attributes as label/value rows. */
export function attributeRows(attrs: Record<string, unknown>, lang: Lang): { label: string; value: string }[] {
  const rows: { label: string; value: string }[] = [];
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === '') continue;
    const meta = ATTRIBUTE_LABELS[k];
    const value = typeof v === 'boolean' ? message(lang, v ? 'PAGE_ATTRIBUTE_YES' : 'PAGE_ATTRIBUTE_NO')
      : meta?.values ? label(meta.values, String(v), lang) : String(v);
    rows.push({ label: meta ? meta.title[lang] : k, value });
  }
  return rows;
}
