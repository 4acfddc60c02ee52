import { sql } from 'kysely';
import type { WrittenEvent } from '../cases/case-event.repository.ts';
import type { Executor } from '../db/database.ts';
import { RECALL } from '../definitions/definition.types.ts';
import { AppError } from '../http/errors.ts';
import { PAYMENT_RULES } from './payment.rules.ts';

export const RECORD_PAYMENT = 'RECORD_PAYMENT';

/**
 * The period a RECORD_PAYMENT of a paying item pays; undefined for
 * an item not paid by period (its machine moves on once paid).
 */
export function paidPeriod(workflowId: string, data: Record<string, unknown>): string | null | undefined {
  return PAYMENT_RULES.get(workflowId)?.periodOf(data);
}

/** Building a batch and recording a payment outside one serialise per item and period, so neither misses the other. */
export async function lockPeriod(trx: Executor, workflowId: string, period: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`payments:${workflowId}:${period}`}, 0))`.execute(trx);
}

export async function findPaymentRecord(
  db: Executor, caseId: string, period: string,
): Promise<{ eventSeq: number } | undefined> {
  const r = await db.selectFrom('payment_records').select('event_seq').where('case_id', '=', caseId).where('period', '=', period).executeTakeFirst();
  return r && { eventSeq: r.event_seq };
}

const alreadyPaid = (period: string, seq: number) => new AppError('PAYMENT_ALREADY_RECORDED', {
  detail: { zh: `该案件${period}期已登记发放（办理记录第${seq}条），同一期间只能登记一次`, en: `The payment for ${period} is already recorded in this case (history entry ${seq}); a period is paid once` },
});

/**
 * Keeps `payment_records` in step with the history, inside the step's transaction (so either both are
 * written or neither). A RECORD_PAYMENT of a paying item takes its (case, period): the database's key
 * refuses a second one, answered PAYMENT_ALREADY_RECORDED. With `batchLine` the step is that line's
 * payment and the line is marked paid with the entry's number; without it, a period that is on some
 * batch's line is that batch's to record. A RECALL of a RECORD_PAYMENT gives the period back.
 */
export async function keepPaymentRecord(
  trx: Executor, c: { id: string; workflowId: string }, entry: WrittenEvent, batchLine: string | undefined,
): Promise<void> {
  if (entry.kind !== 'machine') return;
  if (entry.type === RECALL && entry.payload.recalledType === RECORD_PAYMENT) {
    await trx.deleteFrom('payment_records').where('case_id', '=', c.id).where('event_seq', '=', Number(entry.payload.recalledSeq)).execute();
    return;
  }
  if (entry.type !== RECORD_PAYMENT) return;
  const period = paidPeriod(c.workflowId, (entry.payload.data as Record<string, unknown> | undefined) ?? {});
  if (period === undefined) return;
  if (period === null) throw new AppError('VALIDATION_FAILED', { errors: [{ path: '/period', message: '无法确定本次发放所属期间 / the period paid cannot be told' }] });
  if (!batchLine) await lockPeriod(trx, c.workflowId, period);
  const inserted = await trx.insertInto('payment_records').values({ case_id: c.id, period, event_seq: entry.seq, recorded_at: entry.at })
    .onConflict((oc) => oc.columns(['case_id', 'period']).doNothing()).returning('event_seq').executeTakeFirst();
  if (!inserted) throw alreadyPaid(period, (await findPaymentRecord(trx, c.id, period))!.eventSeq);
  if (batchLine) {
    const r = await trx.updateTable('payments').set({ status: 'paid', event_seq: entry.seq, error: null })
      .where('id', '=', batchLine).where('case_id', '=', c.id).where('period', '=', period).where('status', '<>', 'paid').executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new Error(`payment line ${batchLine} is not an unpaid line of case ${c.id} for ${period}`);
    return;
  }
  const line = await trx.selectFrom('payments').innerJoin('payment_batches', 'payment_batches.id', 'payments.batch_id').select('payment_batches.number')
    .where('payments.case_id', '=', c.id).where('payments.period', '=', period).executeTakeFirst();
  if (line) {
    throw new AppError('PAYMENT_IN_BATCH', {
      detail: { zh: `该案件${period}期已列入发放批次${line.number}，须通过该批次登记发放`, en: `${period} of this case is on payment batch ${line.number}; record it through the batch` },
    });
  }
}
