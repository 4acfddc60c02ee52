/** Why an action was refused, where the plain FORBIDDEN text would not tell the person what to do. */
export const accessMessages = {
  ACCESS_ID_NUMBER_BY_DISTRICT: { zh: '公民身份号码只能由区级工作人员更正', en: 'Only district staff may correct an ID number' },
  QUEUE_CLAIM_NOT_YOURS: { zh: '只有本环节所在服务站的经办人可以认领', en: 'Only the staff of the station whose queue holds this step may claim it' },
  QUEUE_RELEASE_NOT_YOURS: { zh: '只有认领人本人或其上级督办人员可以退回队列', en: 'Only the person holding the case or a supervisor over it may release it to the queue' },
} as const;
