/** Texts of claiming and releasing a step (认领 / 退回队列), queues nobody holds, the clerks' case list (ADR 0026). */
export const queueMessages = {
  QUEUE_CLAIMED_BY: { zh: '已由 {name} 于 {at} 认领', en: 'Claimed by {name} on {at}' },
  QUEUE_CLAIMED_REFUSAL: {
    zh: '本环节已由 {name} 于 {at} 认领，其他人不能办理；如需接手，请其退回队列或请督办人员转办',
    en: '{name} claimed this step on {at}; nobody else may act on it. Ask them to release it, or a supervisor to hand it over',
  },
  QUEUE_HELD_BY: { zh: '本环节已由 {name} 承办，不能认领', en: '{name} holds this step; it cannot be claimed' },
  QUEUE_AT: { zh: '{m}月{d}日 {time}', en: '{m}/{d} {time}' },
  QUEUE_NO_HOLDER_AT: {
    zh: '{station}目前没有在岗经办人，催办无人接收；请先转办',
    en: '{station} has no active clerk, so nobody would read the urge; hand the case over first',
  },
  QUEUE_HOLDER_DISABLED: {
    zh: '承办人{name}的账户已停用，催办无人接收；请先转办',
    en: "{name}'s account is disabled, so nobody would read the urge; hand the case over first",
  },
  QUEUE_SUPERVISORS_OF: { zh: '{station}督办人员', en: 'supervisors of {station}' },
  QUEUE_DONE_CLAIM: { zh: '已认领：在您退回队列之前，其他经办人不能办理本环节', en: 'Claimed: nobody else can act on this step until you release it' },
  QUEUE_DONE_RELEASE: { zh: '已退回队列：本服务站的经办人都可以办理或认领', en: "Released: the station's clerks can act on it or claim it again" },
  QUEUE_LIST_TITLE: { zh: '我的案件', en: 'My cases' },
  QUEUE_DUE_WITHIN: { zh: '{n}天内到期', en: 'Due within {n} days' },
} as const;
