/** Texts of the services' own refusals and of the policy diagram, in Chinese and English. */
export const serviceMessages = {
  CASE_HANDOVER_UNKNOWN_USER: { zh: '该用户不存在或无权办理此案件', en: 'No such user with access to this case' },
  PAYMENT_PAID_OUTSIDE_BATCH: {
    zh: '该案件{period}期已在本批次之外登记发放（办理记录第{seq}条）',
    en: '{period} is already paid in this case outside this batch (history entry {seq})',
  },
  DIAGRAM_TITLE: { zh: '流程图：{title}', en: 'State diagram: {title}' },
  DIAGRAM_WORKING_DAYS: { zh: '{n}个工作日', en: '{n} working days' },
  DIAGRAM_CALENDAR_DAYS: { zh: '{n}日', en: '{n} days' },
  DIAGRAM_BEFORE: { zh: '{date}前', en: 'before {date}' },
  DIAGRAM_LIMIT: { zh: '时限', en: 'limit' },
  DIAGRAM_TIMER: { zh: '期限', en: 'timer' },
  DIAGRAM_FINAL: { zh: '终结', en: 'final' },
} as const;
