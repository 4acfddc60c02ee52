/** Who holds a case's step (ADR 0019): the holder's name, refused hand-overs and escalations, verify's finding. */
export const holdMessages = {
  HOLD_QUEUE_SUPERVISORS: { zh: '{station}督办人员', en: 'the supervisors of {station}' },
  HOLD_HELD_BY: { zh: '已交{holder}办理', en: 'Now with {holder}' },
  HOLD_WILL_GO_TO: { zh: '将交{holder}办理', en: 'Goes to {holder}' },
  HOLD_NOBODY: { zh: '本环节等待时限届满或系统处理，无需人工办理', en: 'This step waits for a time limit or the service; nobody acts on it' },
  HOLD_TARGET_UNKNOWN: { zh: '该用户不存在或已停用，不能接办', en: 'No such user, or the account is disabled: they cannot take the step' },
  HOLD_TARGET_OUTSIDE: { zh: '{name}的辖区不含本案件所在地，不能接办', en: "{name}'s area does not include this case, so they cannot take the step" },
  HOLD_TARGET_ROLE: { zh: '{name}是{role}，不办理案件环节，只能转给经办人或督办人员', en: '{name} is a {role} and does not act on steps; hand it to a clerk or a supervisor' },
  HOLD_ROLE_POLICY: { zh: '政策管理人员', en: 'policy officer' },
  HOLD_ROLE_ADMIN: { zh: '系统管理员', en: 'administrator' },
  HOLD_TARGET_SUPERVISORS_ONLY: { zh: '本环节须由督办人员决定，不能转给经办人{name}', en: 'This step is a supervisor\'s decision; it cannot be handed to the clerk {name}' },
  HOLD_TARGET_NO_STEP: { zh: '本环节等待时限届满或系统处理，不能转办', en: 'This step waits for a time limit or the service and cannot be handed over' },
  HOLD_ESCALATE_NOTHING_NEW: { zh: '案件已升级至{holder}，无法再升级', en: 'The case is already escalated to {holder}; there is nowhere further' },
  HOLD_ESCALATE_NO_STEP: { zh: '本环节等待时限届满或系统处理，无需升级', en: 'This step waits for a time limit or the service; there is nothing to escalate' },
  HOLD_VERIFY_NOT_HOLDER: {
    zh: '第{seq}条（{type}）的办理人{actor}当时不持有该环节（持有者：{holder}）',
    en: 'entry {seq} ({type}) was made by {actor}, who did not hold the step then (held by {holder})',
  },
} as const;
