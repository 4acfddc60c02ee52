import type { Db, Executor } from '../db/database.ts';
import { RECALL } from '../definitions/definition.types.ts';
import { message } from '../messages/catalogue.ts';
import { paidPeriod, RECORD_PAYMENT } from '../payments/payment-record.repository.ts';
import { PAYMENT_RULES } from '../payments/payment.rules.ts';
import type { Mismatch } from './verify-history.ts';

export interface PaymentsResult {
  /** RECORD_PAYMENT entries in effect. */
  payments: number;
  mismatches: Mismatch[];
}

type Data = Record<string, unknown>;
interface Paid { seq: number; period: string | null; data: Data }

/**
 * Payments against the history, in one repeatable-read transaction: every RECORD_PAYMENT of a paying
 * item still in effect (not taken back) has its row in `payment_records` (same case, period and entry)
 * and every row its entry; no case has two for one period; a paid batch line names the entry that
 * paid it (its batch number and amount), and a line that entry paid is marked paid.
 */
export async function verifyPayments(db: Db): Promise<PaymentsResult> {
  return db.transaction().setIsolationLevel('repeatable read').execute(verifyIn);
}

async function verifyIn(db: Executor): Promise<PaymentsResult> {
  const mismatches: Mismatch[] = [];
  const problem = (caseId: string, text: string) => mismatches.push({ caseId, problem: text });
  const paid = await paymentsInEffect(db);
  const byPeriod = new Map<string, Paid>();
  for (const [caseId, entries] of paid) {
    for (const e of entries) {
      if (e.period === null) {
        problem(caseId, message('en', 'CLI_VERIFY_NO_PERIOD', { seq: e.seq }));
        continue;
      }
      const first = byPeriod.get(`${caseId}\t${e.period}`);
      if (first) problem(caseId, message('en', 'CLI_VERIFY_PAID_TWICE', { period: e.period, first: first.seq, seq: e.seq }));
      else byPeriod.set(`${caseId}\t${e.period}`, e);
    }
  }

  const records = await db.selectFrom('payment_records').select(['case_id', 'period', 'event_seq']).orderBy('case_id').orderBy('period').execute();
  const recorded = new Map(records.map((r) => [`${r.case_id}\t${r.period}`, r.event_seq]));
  for (const r of records) {
    const e = byPeriod.get(`${r.case_id}\t${r.period}`);
    if (!e) problem(r.case_id, message('en', 'CLI_VERIFY_RECORD_NO_ENTRY', { period: r.period, seq: r.event_seq }));
    else if (e.seq !== r.event_seq) problem(r.case_id, message('en', 'CLI_VERIFY_RECORD_OTHER_ENTRY', { period: r.period, seq: r.event_seq, paid: e.seq }));
  }
  for (const [key, e] of byPeriod) {
    const caseId = key.split('\t')[0]!;
    if (!recorded.has(key)) problem(caseId, message('en', 'CLI_VERIFY_ENTRY_NO_RECORD', { seq: e.seq, period: String(e.period) }));
  }

  const lines = await db.selectFrom('payments').innerJoin('payment_batches', 'payment_batches.id', 'payments.batch_id')
    .select(['payments.case_id', 'payments.period', 'payments.line_no', 'payments.status', 'payments.event_seq', 'payments.amount_fen', 'payment_batches.number'])
    .orderBy('payments.case_id').execute();
  for (const l of lines) {
    const e = byPeriod.get(`${l.case_id}\t${l.period}`);
    const line = message('en', 'CLI_VERIFY_LINE', { line: l.line_no, batch: l.number });
    const paidByLine = e !== undefined && e.data.batchNumber === l.number
      && Number(e.data.amountFen) === Number(l.amount_fen);
    if (l.status === 'paid' && (!e || e.seq !== l.event_seq || !paidByLine)) {
      const paid = e ? message('en', 'CLI_VERIFY_HISTORY_PAYMENT', { seq: e.seq, batch: String(e.data.batchNumber), fen: String(e.data.amountFen) }) : message('en', 'CLI_VERIFY_NONE');
      problem(l.case_id, message('en', 'CLI_VERIFY_LINE_PAID', { line, seq: String(l.event_seq), period: l.period, paid }));
    } else if (l.status !== 'paid' && paidByLine) {
      problem(l.case_id, message('en', 'CLI_VERIFY_LINE_UNPAID', { line, status: l.status, seq: e.seq }));
    }
  }
  return { payments: [...paid.values()].reduce((n, es) => n + es.length, 0), mismatches };
}

/**
 * Per case of a paying item, its RECORD_PAYMENT entries not taken back, oldest first, with the period each pays.
 * Read as stored: the fields compared (period, batch number, amount, day paid) are never sealed, and a payload
 * that does not open is the history check's to report.
 */
async function paymentsInEffect(db: Executor): Promise<Map<string, Paid[]>> {
  const rows = await db.selectFrom('case_events').innerJoin('cases', 'cases.id', 'case_events.case_id')
    .select(['case_events.case_id', 'case_events.seq', 'case_events.type', 'case_events.payload', 'cases.workflow_id'])
    .where('cases.workflow_id', 'in', [...PAYMENT_RULES.keys()]).where('case_events.kind', '=', 'machine').where('case_events.type', 'in', [RECORD_PAYMENT, RECALL])
    .orderBy('case_events.case_id').orderBy('case_events.seq').execute();
  const out = new Map<string, Paid[]>();
  for (const r of rows) {
    const payload = r.payload as Record<string, unknown>;
    const entries = out.get(r.case_id) ?? [];
    if (r.type === RECALL) {
      const i = entries.findIndex((e) => e.seq === Number(payload.recalledSeq));
      if (i >= 0) entries.splice(i, 1);
      continue;
    }
    const data = (payload.data ?? {}) as Data;
    entries.push({ seq: r.seq, period: paidPeriod(r.workflow_id, data) ?? null, data });
    out.set(r.case_id, entries);
  }
  return out;
}
