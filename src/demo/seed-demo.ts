import type { Db } from '../db/database.ts';
import { hashPassword } from '../auth/password.ts';
import { makeIdNumber } from '../personal-numbers/id-number.ts';
import { personSecretColumns } from '../persons/person.repository.ts';
import { seedDemoStandards } from './demo-standards.ts';

const DEMO_PASSWORD = 'demo1234';

const stations = [
  { id: 'xinhe', parent_id: null, level: 'district', path: 'xinhe', name_zh: '新河区退役军人事务局', name_en: 'Xinhe District Veterans Affairs Bureau' },
  { id: 'dongcheng', parent_id: 'xinhe', level: 'town', path: 'xinhe.dongcheng', name_zh: '东城镇退役军人服务站', name_en: 'Dongcheng Town Station' },
  { id: 'xishan', parent_id: 'xinhe', level: 'town', path: 'xinhe.xishan', name_zh: '西山镇退役军人服务站', name_en: 'Xishan Town Station' },
  { id: 'qiaotou', parent_id: 'dongcheng', level: 'village', path: 'xinhe.dongcheng.qiaotou', name_zh: '桥头村退役军人服务站', name_en: 'Qiaotou Village Station' },
  { id: 'hexi', parent_id: 'dongcheng', level: 'village', path: 'xinhe.dongcheng.hexi', name_zh: '河西社区退役军人服务站', name_en: 'Hexi Community Station' },
  { id: 'shanxia', parent_id: 'xishan', level: 'village', path: 'xinhe.xishan.shanxia', name_zh: '山下村退役军人服务站', name_en: 'Shanxia Village Station' },
] as const;

const users = [
  { id: 'u-village-clerk', username: 'village-clerk', display_name: '桥头村 王芳', role: 'clerk', station_id: 'qiaotou' },
  { id: 'u-town-clerk', username: 'town-clerk', display_name: '东城镇 李强', role: 'clerk', station_id: 'dongcheng' },
  // A second clerk of the same station: two people reading one queue, so claiming (认领) means something.
  { id: 'u-town-clerk-2', username: 'town-clerk-2', display_name: '东城镇 何丽', role: 'clerk', station_id: 'dongcheng' },
  { id: 'u-district-clerk', username: 'district-clerk', display_name: '区局 陈静', role: 'clerk', station_id: 'xinhe' },
  { id: 'u-district-clerk-2', username: 'district-clerk-2', display_name: '区局 刘洋', role: 'clerk', station_id: 'xinhe' },
  { id: 'u-town-supervisor', username: 'town-supervisor', display_name: '东城镇 吴刚（督办）', role: 'supervisor', station_id: 'dongcheng' },
  { id: 'u-supervisor', username: 'supervisor', display_name: '区局 赵敏（督办）', role: 'supervisor', station_id: 'xinhe' },
  { id: 'u-policy', username: 'policy', display_name: '区局 孙磊（政策）', role: 'policy', station_id: 'xinhe' },
  // A second policy user: publishing takes two (one requests, the other approves).
  { id: 'u-policy-2', username: 'policy-2', display_name: '区局 钱芳（政策）', role: 'policy', station_id: 'xinhe' },
  { id: 'u-admin', username: 'admin', display_name: '系统管理员', role: 'admin', station_id: 'xinhe' },
  { id: 'u-xishan-clerk', username: 'xishan-clerk', display_name: '山下村 周丽', role: 'clerk', station_id: 'shanxia' },
] as const;

const persons = [
  { id: 'p-zhang-wei', name: '张伟', id_number: makeIdNumber('330102', '2002-03-15', 131), sex: 'male', birth_date: '2002-03-15', phone: '13800138000', station_id: 'qiaotou', attributes: { category: 'veteran', hukouType: 'rural', soldierType: 'conscript', enlistmentDate: '2024-09-10', dischargeDate: '2026-09-05', placementType: 'self-employment' } },
  { id: 'p-zhang-jianguo', name: '张建国', id_number: makeIdNumber('330102', '1975-06-01', 151), sex: 'male', birth_date: '1975-06-01', phone: '13900139000', station_id: 'qiaotou', attributes: { category: 'family', hukouType: 'rural' } },
  { id: 'p-li-jun', name: '李军', id_number: makeIdNumber('330102', '1960-01-20', 171), sex: 'male', birth_date: '1960-01-20', phone: null, station_id: 'hexi', attributes: { category: 'veteran', hukouType: 'rural', soldierType: 'conscript', enlistmentDate: '1978-12-01', dischargeDate: '1982-01-10', placementType: 'self-employment' } },
  { id: 'p-zhao-lei', name: '赵磊', id_number: makeIdNumber('330102', '2004-11-02', 191), sex: 'male', birth_date: '2004-11-02', phone: '13700137000', station_id: 'shanxia', attributes: { category: 'serving', hukouType: 'urban', soldierType: 'conscript', enlistmentDate: '2025-09-12' } },
] as const;

/** The demo district: idempotent, so it can run on every start of the embedded service. */
export async function seedDemo(db: Db, now: Date): Promise<void> {
  const hash = await hashPassword(DEMO_PASSWORD);
  await db.transaction().execute(async (trx) => {
    for (const s of stations) await trx.insertInto('stations').values(s).onConflict((oc) => oc.column('id').doNothing()).execute();
    for (const u of users) {
      await trx.insertInto('users').values({ ...u, password_hash: hash, created_at: now }).onConflict((oc) => oc.column('id').doNothing()).execute();
    }
    const pathOf = new Map<string, string>(stations.map((s) => [s.id, s.path]));
    for (const { id_number: idNumber, phone, ...p } of persons) {
      await trx.insertInto('persons').values({
        ...p, ...personSecretColumns(p.id, idNumber, phone), station_path: pathOf.get(p.station_id)!, attributes: JSON.stringify(p.attributes), created_by: 'u-admin', created_at: now,
      }).onConflict((oc) => oc.doNothing()).execute();
    }
    await trx.insertInto('person_relations').values({ person_id: 'p-zhang-wei', related_person_id: 'p-zhang-jianguo', relation: 'parent' })
      .onConflict((oc) => oc.doNothing()).execute();
    await seedDemoStandards(trx, now, 'u-admin');
  });
}
