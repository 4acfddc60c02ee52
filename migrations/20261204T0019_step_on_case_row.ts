import { Kysely, sql } from 'kysely';

// Frozen: never import src/ here; a later change is a new migration.
// A step reads no history (issue #20, docs/adr/0027-compact-step.md): what the four-eyes check, the
// 撤回 offer and the 认领 refusal took from the history is kept on the case row, written with each entry.
// - last_step_*: the last machine entry still in effect (each RECALL cancels the latest one still in
//   effect), its type and actor, whether a batch sent it and whether it issued a notice. Null: the
//   START is (seq 1, by cases.created_by), as for every case opened after this migration.
// - others_since_step: someone other than that step's actor (or the service) has written since.
// - claimed_at: when the person holding the step (assignee_id) claimed it (CLAIM), when the last entry
//   that changed who holds it personally is that claim.
// Existing rows are filled here, in SQL, from their histories by the same rules.
const STEP_ROUTE = 'POST /api/v1/cases/:id/events';
// The idempotency keys batches sent their steps with, as of this migration (src/cases/recall.ts).
const BATCH_PREFIXES = ['payment:', 'confirm:', 'confirm-stop:', 'batch:'];

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table cases
    add column last_step_seq integer,
    add column last_step_type text,
    add column last_step_actor_id text,
    add column last_step_by_batch boolean not null default false,
    add column last_step_noticed boolean not null default false,
    add column others_since_step boolean not null default false,
    add column claimed_at timestamptz`.execute(db);

  // RECALL names the entry it took back (payload.recalledSeq, never sealed: a number), always the
  // latest still in effect; so the entries in effect are the machine entries no RECALL names.
  await sql`
    with in_effect as (
      select distinct on (e.case_id) e.case_id, e.seq, e.type, e.actor_id
      from case_events e
      where e.kind = 'machine' and e.type <> 'RECALL' and e.seq > 1 and not exists (
        select 1 from case_events r
        where r.case_id = e.case_id and r.kind = 'machine' and r.type = 'RECALL' and (r.payload->>'recalledSeq')::int = e.seq)
      order by e.case_id, e.seq desc)
    update cases c set last_step_seq = s.seq, last_step_type = s.type, last_step_actor_id = s.actor_id,
      last_step_noticed = exists (select 1 from notices n where n.case_id = c.id and n.event_seq = s.seq)
    from in_effect s where c.id = s.case_id`.execute(db);

  // One pass over the batches' keys (never a LIKE per case).
  const batchKey = sql.join(BATCH_PREFIXES.map((p) => sql`k.key like c.id || ${`:${p}%`}`), sql` or `);
  await sql`
    update cases c set last_step_by_batch = true
    from idempotency_keys k
    where k.route = ${STEP_ROUTE} and split_part(k.key, ':', 1) = c.id and (${batchKey})
      and (k.response->>'version')::int = c.last_step_seq`.execute(db);

  await sql`
    update cases c set others_since_step = true
    where exists (
      select 1 from case_events e
      where e.case_id = c.id and e.seq > coalesce(c.last_step_seq, 1)
        and e.actor_id is distinct from (case when c.last_step_seq is null then c.created_by else c.last_step_actor_id end))`.execute(db);

  await sql`
    with holding as (
      select distinct on (e.case_id) e.case_id, e.type, e.actor_id, e.at
      from case_events e
      where e.kind = 'machine' or e.type in ('CLAIM', 'RELEASE', 'REASSIGN')
      order by e.case_id, e.seq desc)
    update cases c set claimed_at = h.at
    from holding h
    where c.id = h.case_id and h.type = 'CLAIM' and h.actor_id = c.assignee_id`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table cases
    drop column last_step_seq, drop column last_step_type, drop column last_step_actor_id,
    drop column last_step_by_batch, drop column last_step_noticed, drop column others_since_step,
    drop column claimed_at`.execute(db);
}
