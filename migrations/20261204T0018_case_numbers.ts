import { Kysely, sql } from 'kysely';

// Frozen: never import src/ here; a later change is a new migration.
// Every case gets a short number for people (退报-2026-00123, docs/adr/0020-case-numbers.md): the item's
// abbreviation, the Beijing year the case was opened, a serial per (abbreviation, year). The abbreviation is
// definition data; the stored versions were written before it existed, so this migration adds it to them
// (the items' abbreviations as of this migration, a copy of workflows/*.json on 2026-12-04). Key order is
// kept: definitions are `json` and their order is the order of fields and steps on the page.
const ABBREVIATIONS: Record<string, string> = {
  'conscript-family-allowance': '优金', 'death-pension-survivors': '遗抚', 'disability-pension': '残抚',
  'discharge-reporting': '退报', 'employment-entrepreneurship': '就创', 'enlistment-send-off': '入欢',
  'festival-visit': '节访', 'glory-plaque': '光牌', 'hardship-assistance': '困帮', 'job-placement': '安置',
  'merit-award-notice': '喜报', 'military-children-education': '子教', 'military-family-hardship-aid': '军困',
  'military-family-registration': '军建', 'preferential-card': '优证', 'rights-petition-legal-aid': '维权',
  'rural-veteran-elderly-subsidy': '老补', 'self-employment-subsidy': '自补', 'social-insurance-transfer': '社保',
  'student-soldier-incentive': '大兵', 'veteran-profile': '建档', 'veteran-training': '培训',
};

/** An item not in the list above (one made by hand in a database) is numbered under 案件 until its next version names its own. */
const UNLISTED = '案件';

function withAbbreviation(definition: Record<string, unknown>, abbreviation: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(definition)) {
    out[k] = v;
    if (k === 'title') out.abbreviation = abbreviation;
  }
  if (!('abbreviation' in out)) out.abbreviation = abbreviation;
  return out;
}

export async function up(db: Kysely<any>): Promise<void> {
  const versions = await sql<{ workflow_id: string; version: number; definition: string | Record<string, unknown> }>`
    select workflow_id, version, definition from workflow_versions`.execute(db);
  for (const v of versions.rows) {
    const definition = typeof v.definition === 'string' ? JSON.parse(v.definition) as Record<string, unknown> : v.definition;
    if (typeof definition.abbreviation === 'string') continue;
    const patched = withAbbreviation(definition, ABBREVIATIONS[v.workflow_id] ?? UNLISTED);
    await sql`update workflow_versions set definition = ${JSON.stringify(patched)}::json
      where workflow_id = ${v.workflow_id} and version = ${v.version}`.execute(db);
  }

  // One row per (abbreviation, year), locked by the transaction that opens a case until it ends.
  await sql`create table case_number_counters (
    prefix text not null, year integer not null, last_serial integer not null,
    constraint case_number_counters_pk primary key (prefix, year))`.execute(db);

  // Existing cases are numbered in the order they were opened (UUIDv7 ids break ties), so a rerun on a copy
  // of the same data gives the same numbers; the year is the Beijing year, as for new cases.
  await sql`alter table cases add column case_no text`.execute(db);
  await sql`
    with numbered as (
      select c.id, v.definition->>'abbreviation' as prefix,
        extract(year from c.created_at at time zone 'Asia/Shanghai')::int as year,
        row_number() over (
          partition by v.definition->>'abbreviation', extract(year from c.created_at at time zone 'Asia/Shanghai')
          order by c.created_at, c.id) as serial
      from cases c join workflow_versions v on v.workflow_id = c.workflow_id and v.version = c.workflow_version)
    update cases set case_no = n.prefix || '-' || n.year || '-' || lpad(n.serial::text, greatest(5, length(n.serial::text)), '0')
    from numbered n where cases.id = n.id`.execute(db);
  await sql`
    insert into case_number_counters (prefix, year, last_serial)
    select split_part(case_no, '-', 1), split_part(case_no, '-', 2)::int, max(split_part(case_no, '-', 3)::int) from cases group by 1, 2`.execute(db);
  await sql`alter table cases alter column case_no set not null`.execute(db);
  await sql`alter table cases add constraint cases_case_no_key unique (case_no)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table cases drop column case_no`.execute(db);
  await sql`drop table case_number_counters`.execute(db);
  const versions = await sql<{ workflow_id: string; version: number; definition: string | Record<string, unknown> }>`
    select workflow_id, version, definition from workflow_versions`.execute(db);
  for (const v of versions.rows) {
    const { abbreviation: _, ...definition } = typeof v.definition === 'string' ? JSON.parse(v.definition) as Record<string, unknown> : v.definition;
    await sql`update workflow_versions set definition = ${JSON.stringify(definition)}::json
      where workflow_id = ${v.workflow_id} and version = ${v.version}`.execute(db);
  }
}
