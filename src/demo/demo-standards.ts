import type { Executor } from '../db/database.ts';
import { newId } from '../db/ids.ts';

/**
 * The demo district's dated standards for the paying items that recur, in integer fen. All three are
 * national: the 军人抚恤优待条例 (2024) has the state set them (第十九条第二款, 第三十一条第一款, 第六十二条),
 * so each names that instrument and says it is national, never a district document. The figures are
 * the catalogue's examples (shared/catalogue/items.md, marked [local] there) and the district's own
 * example values: the ministries' yearly notices that fix them are not in the laws folder and were not
 * checked (2026-12-02). A real district enters the figures of those notices, and any local supplement
 * (第三十一条第二款) under its own document, through POST /api/v1/standards (policy staff); seeding never
 * overwrites a value already entered for the same key and date. The 义务兵家庭优待金 standard is local
 * and left to policy staff: it is set every year.
 */

/** Monthly amounts in whole yuan by grade 1–10 → fen per year (each × 12 × 100). */
const perYear = (monthlyYuan: number[]) => Object.fromEntries(monthlyYuan.map((y, i) => [String(i + 1), y * 1200]));

/** A national standard: the state sets it under an article of the ordinance (revision of 2024-08-05). */
const national = (article: string) => ({
  issuer: '国务院退役军人工作主管部门会同国务院财政部门（全国标准）', number: `《军人抚恤优待条例》${article}`, date: '2024-08-05',
});

const UNCHECKED = '数额为演示示例，未与退役军人事务部、财政部当年调整标准的通知核对（该通知不在本系统法规库中，2026年12月2日）。';

export const DEMO_STANDARDS = [
  {
    key: 'death-pension-survivors-annual',
    scope: 'national' as const,
    // 烈士 42,000 / 因公牺牲 36,000 / 病故 33,600 元 a year (3,500 / 3,000 / 2,800 a month).
    value: { martyr: 4_200_000, duty: 3_600_000, illness: 3_360_000 },
    unit: '分/年（每名遗属，按死亡性质）',
    effectiveFrom: '2026-01-01',
    policyDocument: national('第十九条'),
    note: `全国标准，不是本区文件。定期抚恤金标准应当参照上一年度全国居民人均可支配收入水平确定，具体标准及其调整办法，由国务院退役军人工作主管部门会同国务院财政部门规定（《军人抚恤优待条例》第十九条第二款）。烈士遗属42,000元/年，因公牺牲军人遗属36,000元/年，病故军人遗属33,600元/年，按人发放，自审核确认当月起计发。${UNCHECKED}`,
  },
  {
    key: 'disability-pension-annual',
    scope: 'national' as const,
    // 一级 因战 135,840 / 因公 127,884 / 因病 120,240 and 因公十级 12,324 元 a year are the catalogue's
    // Sichuan figures from 2025-08-01; the district pays them in its yearly batch from the next January.
    value: {
      war: perYear([11_320, 10_188, 9_056, 7_075, 5_660, 4_528, 3_396, 1_981, 1_698, 1_415]),
      duty: perYear([10_657, 9_591, 8_526, 6_607, 5_115, 4_050, 2_984, 1_599, 1_279, 1_027]),
      illness: perYear([10_020, 9_018, 8_016, 6_012, 4_509, 3_507]),
    },
    unit: '分/年（按残疾性质和等级）',
    effectiveFrom: '2026-01-01',
    policyDocument: national('第三十一条'),
    note: `全国标准，不是本区文件。残疾抚恤金的标准以及一级至十级残疾军人享受残疾抚恤金的具体办法，由国务院退役军人工作主管部门会同国务院财政部门规定（《军人抚恤优待条例》第三十一条第一款）；因病致残七级至十级不享受（第二十七条）。一级因战135,840元、因公127,884元、因病120,240元及因公十级12,324元为目录D-k所录四川省2025年8月1日起数额，其余等级为示例值，须按国家公布的标准表核对。${UNCHECKED}`,
  },
  {
    key: 'rural-veteran-elderly-subsidy-monthly',
    scope: 'national' as const,
    value: 6_000,
    unit: '分/月（每服一年义务兵役）',
    effectiveFrom: '2025-01-01',
    policyDocument: national('第六十二条'),
    note: `全国标准，不是本区文件。国家按照规定为年满60周岁农村籍退役士兵等人员发放定期生活补助（《军人抚恤优待条例》第六十二条）。示例：每服一年义务兵役每月60元（720元/年：目录D-m福建2023年8月1日起688元/年，国家通知每年再增32元），义务兵服役不满一年按一年计，转志愿兵、士官后年限不计。${UNCHECKED}`,
  },
] as const;

/** Writes the demo standards that are missing (idempotent, like the rest of the demo district). */
export async function seedDemoStandards(db: Executor, now: Date, author: string): Promise<void> {
  for (const s of DEMO_STANDARDS) {
    await db.insertInto('local_standards').values({
      id: newId(now.getTime()), key: s.key, value: JSON.stringify(s.value), unit: s.unit,
      effective_from: s.effectiveFrom, policy_document: JSON.stringify(s.policyDocument), note: s.note, author,
      created_at: now,
    }).onConflict((oc) => oc.columns(['key', 'effective_from']).doNothing()).execute();
  }
}
