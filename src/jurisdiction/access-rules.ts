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
}

const CLERK = ['clerk'] as const;
const OVERSIGHT = ['supervisor', 'admin'] as const;
const HANDLERS = ['clerk', 'supervisor', 'admin'] as const;
const DISTRICT_STAFF = [{ roles: ['clerk', 'supervisor'], level: 'district' }] as const;

/**
 * Every rule of who may do what: role, station level, ownership and jurisdiction, each with why
 * (中文 / English). `authorize` and `can` (./authorize.ts) read it, and so do the access matrices
 * (test/access-matrix*.test.ts). The steps of a workflow are not here: who acts at a step is the
 * definition's data, checked by the engine.
 */
export const ACCESS_RULES = {
  // 经办人为本辖区人员开启案件 / Clerks open cases for the persons of their area
  'case.open': { allow: [{ roles: CLERK }] },
  // 全体工作人员均可发表意见 / Every member of staff may comment
  'case.comment': { allow: [{ roles: ['clerk', 'supervisor', 'policy', 'admin'] }] },
  // 催办是督办人员的职责 / Urging is what supervisors are for
  'case.urge': { allow: [{ roles: OVERSIGHT }] },
  // 转办、抄送由经办和督办人员进行，政策人员不办案 / Clerks and supervisors hand over and copy; policy staff handle no cases
  'case.reassign': { allow: [{ roles: HANDLERS }] },
  'case.copy': { allow: [{ roles: HANDLERS }] },
  // 认领：本环节所在服务站的工作人员（资源为该队列的服务站） / Claiming: staff of the station whose queue holds the step
  'case.claim': { allow: [{ roles: ['clerk', 'supervisor'], withinArea: true }], detail: 'QUEUE_CLAIM_NOT_YOURS' },
  // 退回队列：认领人（承办人）本人，或案件所在辖区的督办人员 / Releasing: the claimer (holder) or a supervisor over the case
  'case.release': { allow: [{ own: true }, { roles: ['supervisor'], withinArea: true }], detail: 'QUEUE_RELEASE_NOT_YOURS' },
  // 材料由经办人（或代为办理的管理员）上传 / Clerks (or the administrator standing in for them) file the papers
  'attachment.upload': { allow: [{ roles: ['clerk', 'admin'] }] },
  // 辖区外的站点对本人不存在 / A station outside your area does not exist for you
  'station.view': { allow: [{ withinArea: true }], refusal: 'NOT_FOUND' },
  // 经办人在本辖区的村登记人员 / Clerks register persons in villages of their area
  'person.register': { allow: [{ roles: CLERK }] },
  // 本辖区经办人更正人员信息 / Clerks of the person's area correct the particulars
  'person.correct': { allow: [{ roles: CLERK }] },
  // 身份证号码全区唯一，由区级经办人更正 / An ID number is unique in the district: district clerks correct it
  'person.correct-id-number': { allow: [{ roles: CLERK, level: 'district' }], detail: 'ACCESS_ID_NUMBER_BY_DISTRICT' },
  // 转入申请由档案所在辖区的经办人答复 / Clerks of the holding area answer transfer requests
  'person.transfer': { allow: [{ roles: CLERK }] },
  // 名册由经办人上传、导入和作废 / Clerks upload, commit and discard rosters
  'roster.import': { allow: [{ roles: CLERK }] },
  // 批量办理由经办、督办和政策人员在本辖区内进行 / Clerks, supervisors and policy staff run batches in their area
  'batch.run': { allow: [{ roles: ['clerk', 'supervisor', 'policy'] }] },
  // 名册须在本辖区内或由上级上传 / A roster of your area, or of a station above yours
  'batch.use-roster': { allow: [{ withinArea: 'or-above' }], refusal: 'NOT_FOUND' },
  // 批量结果由发起人、管理员及其上级督办查看 / Seen by whoever ran it, the administrator and supervisors over them
  'batch.view': {
    allow: [{ own: true }, { roles: ['admin'] }, { roles: ['supervisor'], withinArea: true }], refusal: 'NOT_FOUND',
  },
  // 发放批次在区级编制、审核和记账 / Payment batches are built, approved and recorded at the district
  'payment.batch': { allow: DISTRICT_STAFF },
  // 年度资格确认由区级经办和督办人员进行 / Yearly confirmation runs are kept by district clerks and supervisors
  'payment.confirm': { allow: DISTRICT_STAFF },
  // 报表、审计和批量督办属督办人员 / Reports, audit and bulk acts are for supervisors
  'supervision.oversee': { allow: [{ roles: OVERSIGHT }] },
  // 定义、标准和迁移由政策人员（及管理员）修改 / Policy staff (and the administrator) change definitions and standards
  'policy.edit': { allow: [{ roles: ['policy', 'admin'] }] },
  // 法定节假日由管理员录入 / The administrator loads the official calendar
  'calendar.load': { allow: [{ roles: ['admin'] }] },
  // 用户和站点由管理员管理 / The administrator manages users and stations
  'admin.manage': { allow: [{ roles: ['admin'] }] },
  // 后台任务由发起人和管理员查看 / A job is seen by whoever started it and the administrator
  'job.view': { allow: [{ own: true }, { roles: ['admin'] }], refusal: 'NOT_FOUND' },
} as const satisfies Record<string, Rule>;

export type Action = keyof typeof ACCESS_RULES;
