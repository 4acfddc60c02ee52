import { addMonths, servedInPeriod, type ServiceWindow } from './amount.ts';

/** How a paying item's yearly amount is found and recorded. */
export interface PaymentRule {
  workflowId: string;
  /** Batch numbers start with this, e.g. CFA-2026-001. */
  prefix: string;
  /** Local standard: value in fen per year. */
  annualKey: string;
  /** Local standards that raise the amount when the case data says so; the largest that applies counts. */
  multipliers: { key: string; applies: (data: Record<string, unknown>) => boolean }[];
  window(data: Record<string, unknown>, stoppedOn: string | null): ServiceWindow | null;
  payee(data: Record<string, unknown>): { name: string; bankName: string; bankAccount: string } | null;
  /** The RECORD_PAYMENT form of the item for one line. */
  eventData(line: { months: number; amountFen: number; start: string | null; periodFrom: string }, batch: { number: string; paidOn: string; bankReference?: string }): Record<string, unknown>;
}

const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);

/**
 * 义务兵家庭优待金 (catalogue E-d): counted from the date enlistment was approved, at most two
 * years, part periods under six months counted as six; the annual standard of the period, doubled
 * (or as the local standard says) for postings to Tibet or Xinjiang, raised for college students.
 */
const conscriptFamilyAllowance: PaymentRule = {
  workflowId: 'conscript-family-allowance',
  prefix: 'CFA',
  annualKey: 'conscript-family-allowance-annual',
  multipliers: [
    { key: 'tibet-xinjiang-multiplier', applies: (d) => d.postedToTibetOrXinjiang === true },
    { key: 'college-student-multiplier', applies: (d) => d.collegeStudent === true },
  ],
  window(d, stoppedOn) {
    const start = str(d.startDate) ?? str(d.enlistmentDate);
    return start ? { start, months: 24, stoppedOn } : null;
  },
  payee(d) {
    const name = str(d.accountHolder) ?? str(d.payeeName);
    const bankName = str(d.bankName);
    const bankAccount = str(d.bankAccount);
    return name && bankName && bankAccount ? { name, bankName, bankAccount } : null;
  },
  eventData(line, batch) {
    const serviceYear = line.start && line.periodFrom >= addMonths(line.start, 12) ? 'second' : 'first';
    return {
      serviceYear, batchNumber: batch.number, monthsCounted: line.months, amountFen: line.amountFen, paidOn: batch.paidOn,
      ...(batch.bankReference ? { bankReference: batch.bankReference } : {}),
    };
  },
};

export const PAYMENT_RULES = new Map<string, PaymentRule>([[conscriptFamilyAllowance.workflowId, conscriptFamilyAllowance]]);

export { servedInPeriod };
