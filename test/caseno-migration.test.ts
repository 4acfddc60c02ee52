import t from 'tap';
import { migrationDatabase } from './helpers/migrations.ts';

t.setTimeout(300_000);

// Migration 0018 numbers the cases already stored: per item abbreviation and Beijing year, in the order they
// were opened (ids break ties), and gives the stored definitions their abbreviation in place.
t.test('migration 0018 numbers existing cases deterministically and starts the counters after them', async (t) => {
  const { db, migrator } = await migrationDatabase(t);
  t.error((await migrator.migrateTo('20261202T0017_notice_series')).error);
  const now = new Date('2026-11-30T01:00:00Z');
  await db.insertInto('stations').values({ id: 'v', parent_id: null, level: 'district', path: 'v', name_zh: '区', name_en: 'D' }).execute();
  await db.insertInto('users').values({ id: 'u', username: 'u', display_name: 'U', role: 'clerk', station_id: 'v', password_hash: 'x', created_at: now }).execute();
  await db.insertInto('persons').values({ id: 'p', name: '旧', id_number_enc: 'v1:x', id_number_hash: 'h', sex: 'male', birth_date: '1970-01-01', station_id: 'v', station_path: 'v', attributes: '{}', created_by: 'u', created_at: now }).execute();
  const definition = (id: string) => JSON.stringify({ id, version: 1, title: { zh: '标题', en: 'Title' }, machine: { initial: 's' } });
  for (const id of ['discharge-reporting', 'veteran-profile', 'made-by-hand']) {
    await db.insertInto('workflow_versions').values({ workflow_id: id, version: 1, status: 'published', definition: definition(id), note: '', author: 'u', created_at: now }).execute();
  }
  // Inserted out of order; the second and third share an instant and are ordered by id.
  const cases: [string, string, string][] = [
    ['c-4', 'discharge-reporting', '2026-12-31T16:30:00Z'], // 2027-01-01 00:30 in Beijing
    ['c-2', 'discharge-reporting', '2026-03-01T00:00:00Z'],
    ['c-1', 'discharge-reporting', '2026-03-01T00:00:00Z'],
    ['c-0', 'discharge-reporting', '2025-12-31T15:59:59Z'], // 2025-12-31 23:59:59 in Beijing
    ['c-3', 'discharge-reporting', '2026-12-31T15:00:00Z'],
    ['c-5', 'veteran-profile', '2026-05-05T00:00:00Z'],
    ['c-6', 'made-by-hand', '2026-05-05T00:00:00Z'],
  ];
  await db.insertInto('cases').values(cases.map(([id, wf, at]) => ({
    id, workflow_id: wf, workflow_version: 1, person_id: 'p', station_id: 'v', station_path: 'v', state: 's', status: 'open',
    exclusive: false, version: 1, snapshot: '{}', created_at: new Date(at), updated_at: new Date(at),
  }))).execute();

  t.error((await migrator.migrateTo('20261204T0018_case_numbers')).error);
  const numbered = Object.fromEntries((await db.selectFrom('cases').select(['id', 'case_no']).execute()).map((r) => [r.id, r.case_no]));
  t.same(numbered, {
    'c-0': '退报-2025-00001', 'c-1': '退报-2026-00001', 'c-2': '退报-2026-00002', 'c-3': '退报-2026-00003',
    'c-4': '退报-2027-00001', 'c-5': '建档-2026-00001', 'c-6': '案件-2026-00001',
  }, 'per abbreviation and Beijing year, in the order opened, ids breaking ties; an unlisted item under 案件');
  const counters = await db.selectFrom('case_number_counters').selectAll().execute();
  t.same(counters.map((c) => `${c.prefix} ${c.year} ${c.last_serial}`).sort(), [
    '建档 2026 1', '案件 2026 1', '退报 2025 1', '退报 2026 3', '退报 2027 1',
  ].sort(), 'counters start after the numbers given');
  const stored = await db.selectFrom('workflow_versions').select(['workflow_id', 'definition']).where('workflow_id', '=', 'discharge-reporting').executeTakeFirstOrThrow();
  const def = typeof stored.definition === 'string' ? JSON.parse(stored.definition) : stored.definition;
  t.same(Object.keys(def), ['id', 'version', 'title', 'abbreviation', 'machine'], 'the abbreviation follows the title; the order of the rest is kept');
  t.equal(def.abbreviation, '退报');

  // Down and up again: the same numbers.
  t.error((await migrator.migrateTo('20261202T0017_notice_series')).error);
  t.error((await migrator.migrateTo('20261204T0018_case_numbers')).error);
  const again = Object.fromEntries((await db.selectFrom('cases').select(['id', 'case_no']).execute()).map((r) => [r.id, r.case_no]));
  t.same(again, numbered, 'a rerun gives every case the same number');
});
