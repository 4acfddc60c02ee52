import { addMonths, countedMonths, fenAt, monthsInPeriod, percentOf, segmentsAmountFen, withheld, type Gap, type Segment, type ServiceWindow } from './amount.ts';

type Data = Record<string, unknown>;

interface Payee { name: string; bankName: string; bankAccount: string }

/** The yearly rate of one case: a standard in fen per year and the percent of it that is due. */
interface Rate { annualFen: number; percent: number }

/** Yearly confirmation (条例第八条) in the item's own forms. */
interface YearlyConfirmation {
  /** The CONFIRM_YEAR field that takes the run's year. */
  yearField: string;
  /** The STOP form for a case not confirmed when the run closes on `today`. */
  stop(year: number, today: string): Data;
}

/** How a paying item's amount for a year is found and recorded. */
export interface PaymentRule {
  workflowId: string;
  /** Batch numbers start with this, e.g. CFA-2026-001. */
  prefix: string;
  /** The bank file's 摘要, before the year. */
  summary: string;
  /**
   * The local standard the amounts come from (fen, or a table of
   * fen): a batch needs one in force on the period's first day.
   */
  standard: { key: string; unit: string };
  /** Further local standards, read when in force (multipliers). */
  optionalStandards?: string[];
  /** The case's rate from the standards in force (`standard(key)` is a value or undefined), or why nothing is due. */
  rate(data: Data, standard: (key: string) => unknown): Rate | { skip: string };
  window(data: Data, stoppedOn: string | null): ServiceWindow | null;
  /**
   * Months counted for the months of service within the year, before
   * a resumed stop's months are taken off; by default as served.
   */
  countMonths?(served: number): number;
  /** The day a STOP took effect, from its form: months are counted up to it. */
  stoppedOn(stop: Data): string | null;
  /** The day a RESUME took effect, from its form: months are counted again from it. */
  resumedOn(resume: Data): string | null;
  payee(data: Data): Payee | null;
  /**
   * The period a RECORD_PAYMENT form pays (the key of UNIQUE
   * (case, period) in payment_records), or null if it names none.
   */
  periodOf(data: Data): string | null;
  /** The RECORD_PAYMENT form of the item for one line. */
  eventData(
    line: { period: string; months: number; amountFen: number; start: string | null; periodFrom: string },
    batch: { number: string; paidOn: string; bankReference?: string },
  ): Data;
  confirmation: YearlyConfirmation;
}

const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);

function payeeFrom(name: unknown, bankName: unknown, bankAccount: unknown): Payee | null {
  const p = { name: str(name), bankName: str(bankName), bankAccount: str(bankAccount) };
  return p.name && p.bankName && p.bankAccount ? (p as Payee) : null;
}

/** The fields every RECORD_PAYMENT form shares. */
function paymentRecord(
  line: { months: number; amountFen: number }, batch: { number: string; paidOn: string; bankReference?: string },
): Data {
  return {
    batchNumber: batch.number, monthsCounted: line.months, amountFen: line.amountFen, paidOn: batch.paidOn,
    ...(batch.bankReference ? { bankReference: batch.bankReference } : {}),
  };
}

/** The forms of the pensions name their period. */
const periodField = (d: Data) => str(d.period);

/** Pensions and allowances are paid from the month approved (条例第十九、二十七条) until stopped or ended. */
function fromStartMonth(d: Data, stoppedOn: string | null): ServiceWindow | null {
  const m = str(d.startMonth);
  return m && /^\d{4}-(0[1-9]|1[0-2])$/.test(m) ? { start: `${m}-01`, stoppedOn } : null;
}

/** A month field as its first day: a STOP names the first month not paid, a RESUME the first month paid again. */
const monthStart = (field: string) => (d: Data) => {
  const m = str(d[field]);
  return m ? `${m}-01` : null;
};

const unconfirmed = (year: number) => `未在${year}年度确认期内完成年度确认，暂停发放待核实`;

/** Someone not confirmed is stopped from the month after the run closes: the month it closes in was due. */
const nextMonth = (today: string) => addMonths(today, 1).slice(0, 7);

/**
 * 义务兵家庭优待金 (catalogue E-d): counted from the date enlistment was approved, at most two
 * years, part periods under six months counted as six; the annual standard of the period, doubled
 * (or as the local standard says) for postings to Tibet or Xinjiang, raised for college students.
 */
const CFA_MULTIPLIERS = [
  { key: 'tibet-xinjiang-multiplier', applies: (d: Data) => d.postedToTibetOrXinjiang === true },
  { key: 'college-student-multiplier', applies: (d: Data) => d.collegeStudent === true },
];

const conscriptFamilyAllowance: PaymentRule = {
  workflowId: 'conscript-family-allowance',
  prefix: 'CFA',
  summary: '义务兵家庭优待金',
  standard: { key: 'conscript-family-allowance-annual', unit: '分/年' },
  optionalStandards: CFA_MULTIPLIERS.map((m) => m.key),
  rate(d, standard) {
    const annualFen = fenAt(standard(this.standard.key));
    if (annualFen === null) return { skip: `“${this.standard.key}”标准不是整数分` };
    // The largest multiplier that applies counts, not their product.
    let percent = 100;
    for (const m of CFA_MULTIPLIERS) {
      const p = percentOf(standard(m.key));
      if (p !== null && m.applies(d)) percent = Math.max(percent, p);
    }
    return { annualFen, percent };
  },
  window(d, stoppedOn) {
    const start = str(d.startDate) ?? str(d.enlistmentDate);
    return start ? { start, months: 24, stoppedOn } : null;
  },
  // 不满6个月按6个月计 is about how long the conscript served in the year (条例第四十二条 pays 义务兵服现役期间),
  // so it rounds the months of service, up to a stop still in force: that is where service as a conscript
  // ended (提干, 考学, 选改军士 are stopped, then ended), a part period like any other. A stop later resumed
  // interrupts the payment, not the service: lineOf takes its months off after the rounding, one for one,
  // so the rounding never swallows a stop, and the months it adds are paid at the average rate of those paid.
  countMonths: countedMonths,
  stoppedOn: (stop) => str(stop.stoppedOn),
  resumedOn: (resume) => str(resume.resumedOn),
  payee: (d) => payeeFrom(str(d.accountHolder) ?? d.payeeName, d.bankName, d.bankAccount),
  // The form has no period field: a batch's number carries it (CFA-2026-001); a payment recorded outside
  // a batch belongs to the year it was paid in. Migration 0012 copied the history by the same rule.
  periodOf(d) {
    const batch = /^CFA-(.+)-\d+$/.exec(str(d.batchNumber) ?? '');
    return batch ? batch[1]! : str(d.paidOn)?.slice(0, 4) ?? null;
  },
  eventData(line, batch) {
    const serviceYear = line.start && line.periodFrom >= addMonths(line.start, 12) ? 'second' : 'first';
    return { serviceYear, ...paymentRecord(line, batch) };
  },
  confirmation: {
    yearField: 'confirmationYear',
    stop: (year, today) => ({ stopReason: 'status-unclear', reason: unconfirmed(year), stoppedOn: today }),
  },
};

const DEATH_TYPE_ZH: Record<string, string> = { martyr: '烈士', duty: '因公牺牲军人', illness: '病故军人' };

/**
 * 定期抚恤金 (catalogue S-f; 条例第十九条, 烈士褒扬条例第十七、十八条): each survivor who claims it
 * has a case of their own, paid from the month approved at the yearly standard for the nature of
 * the death (烈士 / 因公牺牲 / 病故), to the claimant's account.
 */
const deathPensionSurvivors: PaymentRule = {
  workflowId: 'death-pension-survivors',
  prefix: 'DPS',
  summary: '定期抚恤金',
  standard: { key: 'death-pension-survivors-annual', unit: '分/年（每名遗属，按死亡性质）' },
  rate(d, standard) {
    const type = str(d.deathType) ?? '';
    const annualFen = fenAt(standard(this.standard.key), type);
    return annualFen === null ? { skip: `标准中没有${DEATH_TYPE_ZH[type] ?? '（未登记死亡性质）'}遗属的金额` } : { annualFen, percent: 100 };
  },
  window: fromStartMonth,
  stoppedOn: (stop) => str(stop.stoppedOn),
  resumedOn: (resume) => str(resume.resumedOn),
  payee: (d) => payeeFrom(d.claimantName, d.bankName, d.bankAccount),
  periodOf: periodField,
  eventData: (line, batch) => ({ period: line.period, ...paymentRecord(line, batch) }),
  confirmation: {
    yearField: 'year',
    stop: (year, today) => ({ stopReason: 'confirmation-missing', reason: unconfirmed(year), stoppedOn: today }),
  },
};

const NATURE_ZH: Record<string, string> = { war: '因战', duty: '因公', illness: '因病' };

/**
 * 残疾抚恤金 (catalogue D-k; 条例第二十七、三十、三十一条): the yearly amount from a table by the
 * nature (因战 / 因公 / 因病) and grade fixed when payment started; 因病 grades 7–10 get none. Paid from
 * the month approved (a transfer: from January of the next year), to the account fixed then.
 */
const disabilityPension: PaymentRule = {
  workflowId: 'disability-pension',
  prefix: 'DIS',
  summary: '残疾抚恤金',
  standard: { key: 'disability-pension-annual', unit: '分/年（按残疾性质和等级）' },
  rate(d, standard) {
    const nature = str(d.nature) ?? '';
    const grade = typeof d.grade === 'number' ? d.grade : null;
    const annualFen = grade === null ? null : fenAt(standard(this.standard.key), nature, grade);
    if (annualFen !== null) return { annualFen, percent: 100 };
    if (nature === 'illness' && grade !== null && grade > 6) return { skip: '因病致残七级至十级不享受残疾抚恤金（条例第二十七条）' };
    return { skip: `标准表中没有${NATURE_ZH[nature] ?? '（未登记性质）'}${grade ?? '？'}级的金额` };
  },
  window: fromStartMonth,
  stoppedOn: monthStart('effectiveMonth'),
  resumedOn: monthStart('resumeMonth'),
  payee: (d) => payeeFrom(d.accountHolder, d.bankName, d.bankAccount),
  periodOf: periodField,
  eventData: (line, batch) => ({ period: line.period, ...paymentRecord(line, batch) }),
  confirmation: {
    yearField: 'year',
    stop: (year, today) => ({
      reasonCode: 'annual-confirmation-missed', reason: unconfirmed(year), legalBasis: '《军人抚恤优待条例》（2024）第八条', effectiveMonth: nextMonth(today),
    }),
  },
};

/**
 * 农村籍退役士兵老年生活补助 (catalogue D-m; 条例第六十二条): a monthly standard per year of
 * compulsory service (a part year counts as a year), times the years counted at approval, from the
 * month approved. The standard is monthly, so the yearly rate is 12 × it and the years are the multiplier.
 */
const ruralVeteranElderlySubsidy: PaymentRule = {
  workflowId: 'rural-veteran-elderly-subsidy',
  prefix: 'RVE',
  summary: '农村籍退役士兵老年生活补助',
  standard: { key: 'rural-veteran-elderly-subsidy-monthly', unit: '分/月（每服一年义务兵役）' },
  rate(d, standard) {
    const monthlyFen = fenAt(standard(this.standard.key));
    const years = d.compulsoryServiceYears;
    if (typeof years !== 'number' || !Number.isInteger(years) || years < 1) return { skip: '案件中没有计发的义务兵服役年限' };
    return monthlyFen === null ? { skip: `“${this.standard.key}”标准不是整数分` } : { annualFen: monthlyFen * 12, percent: years * 100 };
  },
  window: fromStartMonth,
  stoppedOn: monthStart('effectiveMonth'),
  resumedOn: monthStart('resumeMonth'),
  payee: (d) => payeeFrom(d.name, d.bankName, d.bankAccount),
  periodOf: periodField,
  eventData: (line, batch) => ({ period: line.period, ...paymentRecord(line, batch) }),
  confirmation: {
    yearField: 'year',
    stop: (year, today) => ({ reasonCode: 'annual-confirmation-missed', reason: unconfirmed(year), effectiveMonth: nextMonth(today) }),
  },
};

export const PAYMENT_RULES = new Map<string, PaymentRule>(
  [
    conscriptFamilyAllowance, deathPensionSurvivors, disabilityPension, ruralVeteranElderlySubsidy,
  ].map((r) => [r.workflowId, r]),
);

/** One case's line for a year: the rate of its last month paid, and its parts at their own rates. */
export interface Line {
  months: number; multiplierPercent: number; annualFen: number; amountFen: number; payee: Payee; segments: Segment[];
}

/** A STOP or RESUME step of a case still in effect (not taken back), with its form. */
export interface PauseStep { type: 'STOP' | 'RESUME'; data: Data }

/**
 * A case's stops from its STOP and RESUME steps, oldest first: each stop that was resumed is a gap
 * not paid; one still in force ends payment on its day (none when the case was never stopped).
 */
export function stopsOf(rule: PaymentRule, steps: readonly PauseStep[]): { stoppedOn: string | null; gaps: Gap[] } {
  const gaps: Gap[] = [];
  let stoppedOn: string | null = null;
  for (const s of steps) {
    if (s.type === 'STOP') stoppedOn = rule.stoppedOn(s.data);
    else {
      const resumedOn = rule.resumedOn(s.data);
      if (stoppedOn && resumedOn) gaps.push({ from: stoppedOn, to: resumedOn });
      stoppedOn = null;
    }
  }
  return { stoppedOn, gaps };
}

/**
 * One case's line for a year from its data, the dated standards (`standard(key, day)`: the value in
 * force that day) and its stops, or why it has none. Each month is paid at the standards in force on
 * its first day, so a standard changed during the year splits the line into parts; months inside a
 * resumed stop are not paid. Pure: the batch and the amount tests run the same code.
 */
export function lineOf(
  rule: PaymentRule, data: Data, standard: (key: string, day: string) => unknown,
  period: { year: string; from: string; to: string }, stoppedOn: string | null, gaps: readonly Gap[] = [],
): Line | { skip: string } {
  const window = rule.window(data, stoppedOn);
  if (!window) return { skip: '案件中没有起算日期' };
  const served = monthsInPeriod(window, period);
  const paid = served.filter((m) => !withheld(m, gaps));
  // Counted months beyond those paid (a part period counted as six) go with the months paid, never alone.
  if (paid.length === 0) return { skip: `${period.year}年度内无应发月份` };
  const months = (rule.countMonths ? rule.countMonths(served.length) : served.length) - (served.length - paid.length);
  const payee = rule.payee(data);
  if (!payee) return { skip: '案件中缺少领取人、开户银行或账号' };
  const segments: Segment[] = [];
  for (const m of paid) {
    const rate = rule.rate(data, (key) => standard(key, m.from));
    if ('skip' in rate) return rate;
    const last = segments.at(-1);
    if (last && last.to === m.from && last.annualFen === rate.annualFen && last.percent === rate.percent) {
      last.to = m.to;
      last.months++;
    } else segments.push({ from: m.from, to: m.to, months: 1, annualFen: rate.annualFen, percent: rate.percent });
  }
  const current = segments.at(-1)!;
  return {
    months, multiplierPercent: current.percent, annualFen: current.annualFen,
    amountFen: segmentsAmountFen(segments, months), payee, segments,
  };
}
