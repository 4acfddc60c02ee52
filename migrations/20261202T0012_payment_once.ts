import { Kysely, sql } from 'kysely';

// A case is paid at most once per period, and the database says so: `payment_records` holds one row
// per (case, period), written in the transaction of the RECORD_PAYMENT history entry that paid it, so
// a second RECORD_PAYMENT for the same case and period fails at its insert. `period` is a text key
// ('2026', later '2026-03'), so the rule holds whatever the granularity.
//
// Recording a batch claims it: `recording`, with the claim's token and a heartbeat, so exactly one
// request records at a time, and one that died is taken over after a while. The day paid and the
// bank reference are fixed by the first claim.
//
// Existing RECORD_PAYMENT entries (not taken back) of the paying items are copied in, the first per
// case and period; the period is the form's `period`, else (义务兵家庭优待金) the batch number's
// (CFA-2026-001), else the year of `paidOn`. A second one already in the history stays a mismatch
// for `npm run verify` to report, not something to hide.
const PAYING_ITEMS = ['conscript-family-allowance', 'death-pension-survivors', 'disability-pension', 'rural-veteran-elderly-subsidy'];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('payment_records')
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('event_seq', 'integer', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('payment_records_pk', ['case_id', 'period'])
    .addUniqueConstraint('payment_records_event', ['case_id', 'event_seq'])
    .addForeignKeyConstraint('payment_records_event_fk', ['case_id', 'event_seq'], 'case_events', ['case_id', 'seq'])
    .execute();

  await sql`alter table payment_batches drop constraint payment_batches_status_check`.execute(db);
  await sql`alter table payment_batches add constraint payment_batches_status_check
    check (status in ('draft','approved','exported','recording','recorded','cancelled'))`.execute(db);
  await db.schema.alterTable('payment_batches')
    .addColumn('bank_reference', 'text')
    .addColumn('recording_claim', 'text')
    .addColumn('recording_at', 'timestamptz')
    .execute();

  await sql`
    insert into payment_records (case_id, period, event_seq, recorded_at)
    select distinct on (case_id, period) case_id, period, seq, at from (
      select e.case_id, e.seq, e.at, coalesce(
        e.payload->'data'->>'period',
        case when c.workflow_id = 'conscript-family-allowance' then substring(e.payload->'data'->>'batchNumber' from '^CFA-(.+)-[0-9]+$') end,
        left(e.payload->'data'->>'paidOn', 4)) as period
      from case_events e join cases c on c.id = e.case_id
      where e.type = 'RECORD_PAYMENT' and e.kind = 'machine' and c.workflow_id in (${sql.join(PAYING_ITEMS)})
        and not exists (select 1 from case_events r where r.case_id = e.case_id and r.type = 'RECALL'
          and (r.payload->>'recalledSeq')::int = e.seq)
    ) p where period is not null
    order by case_id, period, seq`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('payment_batches').dropColumn('bank_reference').dropColumn('recording_claim').dropColumn('recording_at').execute();
  await sql`alter table payment_batches drop constraint payment_batches_status_check`.execute(db);
  await sql`alter table payment_batches add constraint payment_batches_status_check
    check (status in ('draft','approved','exported','recorded','cancelled'))`.execute(db);
  await db.schema.dropTable('payment_records').execute();
}
