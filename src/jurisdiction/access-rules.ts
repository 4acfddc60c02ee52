import type { accessMessages } from '../messages/access.messages.ts';
import type { User } from '../users/user.repository.ts';

/** One way of being allowed: every condition it names must hold. */
export interface Grant {
  /** Absent: any role. */
  roles?: readonly User['role'][];
  /** The level of the user's own station. */
  level?: User['stationLevel'];
  /** The resource is the user's own (its `ownerId` is the user). */
  own?: true;
  /** The resource's station lies in the user's area; `'or-above'`: or the user's station lies in the resource's. */
  withinArea?: true | 'or-above';
}

export interface Rule {
  /** Allowed when any grant holds. */
  allow: readonly Grant[];
  /** Refused with 403, or with 404 where the thing must not be known to exist to the one refused. */
  refusal?: 'NOT_FOUND';
  /** A more specific reason than the plain FORBIDDEN text, when it tells the person who can do it. */
  detail?: keyof typeof accessMessages;
  why: { zh: string; en: string };
}

const CLERK = ['clerk'] as const;
const OVERSIGHT = ['supervisor', 'admin'] as const;

/**
 * Every rule of who may do what: role, station level, ownership and jurisdiction. `authorize` and
 * `can` (./authorize.ts) read it, and so do the access matrices (test/access-matrix*.test.ts). The
 * steps of a workflow are not here: who acts at a step is the definition's data, checked by the engine.
 */
export const ACCESS_RULES = {
  'case.open': { allow: [{ roles: CLERK }], why: { zh: '经办人为本辖区人员开启案件', en: 'Clerks open cases for the persons of their area' } },
  'case.comment': { allow: [{ roles: ['clerk', 'supervisor', 'policy', 'admin'] }], why: { zh: '全体工作人员均可发表意见', en: 'Every member of staff may comment' } },
  'case.urge': { allow: [{ roles: OVERSIGHT }], why: { zh: '催办是督办人员的职责', en: 'Urging is what supervisors are for' } },
  'case.reassign': { allow: [{ roles: ['clerk', 'supervisor', 'admin'] }], why: { zh: '转办由经办和督办人员进行，政策人员不办案', en: 'Clerks and supervisors hand cases over; policy staff handle no cases' } },
  'case.copy': { allow: [{ roles: ['clerk', 'supervisor', 'admin'] }], why: { zh: '抄送由经办和督办人员进行', en: 'Clerks and supervisors copy cases to others' } },
  'attachment.upload': { allow: [{ roles: ['clerk', 'admin'] }], why: { zh: '材料由经办人（或管理员）上传', en: 'Clerks (or the administrator) upload the papers' } },
  'station.view': { allow: [{ withinArea: true }], refusal: 'NOT_FOUND', why: { zh: '辖区外的站点对本人不存在', en: 'A station outside your area does not exist for you' } },
  'person.register': { allow: [{ roles: CLERK }], why: { zh: '经办人在本辖区的村登记人员', en: 'Clerks register persons in villages of their area' } },
  'person.correct': { allow: [{ roles: CLERK }], why: { zh: '本辖区经办人更正人员信息', en: "Clerks of the person's area correct the particulars" } },
  'person.correct-id-number': {
    allow: [{ roles: CLERK, level: 'district' }], detail: 'ACCESS_ID_NUMBER_BY_DISTRICT',
    why: { zh: '身份证号码关系全区唯一性，由区级经办人更正', en: 'An ID number is unique across the district: district clerks correct it' },
  },
  'person.transfer': { allow: [{ roles: CLERK }], why: { zh: '转入申请由档案所在辖区的经办人答复', en: "Clerks of the holding area answer transfer requests" } },
  'roster.import': { allow: [{ roles: CLERK }], why: { zh: '名册由经办人上传、导入和作废', en: 'Clerks upload, commit and discard rosters' } },
  'batch.run': { allow: [{ roles: ['clerk', 'supervisor', 'policy'] }], why: { zh: '批量办理由经办、督办和政策人员在本辖区内进行', en: 'Clerks, supervisors and policy staff run batches in their area' } },
  'batch.use-roster': {
    allow: [{ withinArea: 'or-above' }], refusal: 'NOT_FOUND',
    why: { zh: '名册须在本辖区内或由上级上传', en: 'A roster from your area or from a station above it' },
  },
  'batch.view': {
    allow: [{ own: true }, { roles: ['admin'] }, { roles: ['supervisor'], withinArea: true }], refusal: 'NOT_FOUND',
    why: { zh: '批量结果由发起人、管理员及其上级督办查看', en: 'A batch is seen by whoever ran it, the administrator and supervisors over their station' },
  },
  'payment.batch': {
    allow: [{ roles: ['clerk', 'supervisor'], level: 'district' }],
    why: { zh: '发放批次在区级编制、审核和记账', en: 'Payment batches are built, approved and recorded at the district' },
  },
  'payment.confirm': {
    allow: [{ roles: ['clerk', 'supervisor'], level: 'district' }],
    why: { zh: '年度资格确认由区级经办和督办人员进行', en: 'Yearly confirmation runs are kept by district clerks and supervisors' },
  },
  'supervision.oversee': { allow: [{ roles: OVERSIGHT }], why: { zh: '报表、审计和批量督办属督办人员', en: 'Reports, audit and bulk acts are for supervisors' } },
  'policy.edit': {
    allow: [{ roles: ['policy', 'admin'] }],
    why: { zh: '定义、标准和迁移由政策人员（及管理员）修改', en: 'Policy staff (and the administrator) change definitions, standards and migrations' },
  },
  'calendar.load': { allow: [{ roles: ['admin'] }], why: { zh: '法定节假日由管理员录入', en: 'The administrator loads the official calendar' } },
  'admin.manage': { allow: [{ roles: ['admin'] }], why: { zh: '用户和站点由管理员管理', en: 'The administrator manages users and stations' } },
  'job.view': {
    allow: [{ own: true }, { roles: ['admin'] }], refusal: 'NOT_FOUND',
    why: { zh: '后台任务由发起人和管理员查看', en: 'A job is seen by whoever started it and the administrator' },
  },
} as const satisfies Record<string, Rule>;

export type Action = keyof typeof ACCESS_RULES;
