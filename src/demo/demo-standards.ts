import type { Executor } from '../db/database.ts';
import { newId } from '../db/ids.ts';

/**
 * The demo district's dated local standards for the paying items that recur, in integer fen. The
 * figures follow the catalogue's examples (shared/catalogue/items.md, marked [local]); where it gives
 * only some of a table the rest are the district's own example values. A real district enters its
 * own through POST /api/v1/standards (policy staff); seeding never overwrites a value already entered
 * for the same key and date. The 义务兵家庭优待金 standard is left to policy staff: it is set every year.
 */

/** Monthly amounts in whole yuan by grade 1–10 → fen per year (each × 12 × 100). */
const perYear = (monthlyYuan: number[]) => Object.fromEntries(monthlyYuan.map((y, i) => [String(i + 1), y * 1200]));

const bureau = (number: string, date: string) => ({ issuer: '新河区退役军人事务局、新河区财政局', number, date });

export const DEMO_STANDARDS = [
  {
    key: 'death-pension-survivors-annual',
    // 烈士 42,000 / 因公牺牲 36,000 / 病故 33,600 元 a year (3,500 / 3,000 / 2,800 a month).
    value: { martyr: 4_200_000, duty: 3_600_000, illness: 3_360_000 },
    unit: '分/年（每名遗属，按死亡性质）',
    effectiveFrom: '2026-01-01',
    policyDocument: bureau('新退役发〔2025〕21号', '2025-12-15'),
    note: '定期抚恤金：参照上一年度全国居民人均可支配收入水平确定（《军人抚恤优待条例》第十九条、《烈士褒扬条例》第十八条；2024年全国居民人均可支配收入41,314元）。烈士遗属42,000元/年，因公牺牲军人遗属36,000元/年，病故军人遗属33,600元/年，按人发放，自审核确认当月起计发。本区示例标准。',
  },
  {
    key: 'disability-pension-annual',
    // 一级 因战 135,840 / 因公 127,884 / 因病 120,240 and 因公十级 12,324 元 a year are the catalogue's
    // Sichuan figures from 2025-08-01; the district pays them in its yearly batch from the next January.
    value: {
      war: perYear([11_320, 10_188, 9_056, 7_075, 5_660, 4_528, 3_396, 1_981, 1_698, 1_415]),
      duty: perYear([10_657, 9_591, 8_526, 6_607, 5_115, 4_050, 2_984, 1_599, 1_279, 1_027]),
      illness: perYear([10_020, 9_018, 8_016, 6_012, 4_509, 3_507]),
    },
    unit: '分/年（按残疾性质和等级）',
    effectiveFrom: '2026-01-01',
    policyDocument: bureau('新退役发〔2025〕22号', '2025-12-15'),
    note: '残疾抚恤金：按残疾性质（因战、因公、因病）和等级确定，因病致残七级至十级不享受（《军人抚恤优待条例》第二十七条、第三十一条）。一级因战135,840元、因公127,884元、因病120,240元及因公十级12,324元为四川省2025年8月1日起标准（目录D-k示例），其余等级为本区示例值，须按省厅公布的标准表核对。',
  },
  {
    key: 'rural-veteran-elderly-subsidy-monthly',
    value: 6_000,
    unit: '分/月（每服一年义务兵役）',
    effectiveFrom: '2025-01-01',
    policyDocument: bureau('新退役发〔2024〕35号', '2024-12-10'),
    note: '农村籍退役士兵老年生活补助：每服一年义务兵役每月60元（720元/年：目录D-m福建2023年8月1日起688元/年，国家通知每年再增32元），义务兵服役不满一年按一年计，转志愿兵、士官后年限不计（《军人抚恤优待条例》第六十二条）。',
  },
] as const;

/** Writes the demo standards that are missing (idempotent, like the rest of the demo district). */
export async function seedDemoStandards(db: Executor, now: Date, author: string): Promise<void> {
  for (const s of DEMO_STANDARDS) {
    await db.insertInto('local_standards').values({
      id: newId(now.getTime()), key: s.key, value: JSON.stringify(s.value), unit: s.unit, effective_from: s.effectiveFrom,
      policy_document: JSON.stringify(s.policyDocument), note: s.note, author, created_at: now,
    }).onConflict((oc) => oc.columns(['key', 'effective_from']).doNothing()).execute();
  }
}
