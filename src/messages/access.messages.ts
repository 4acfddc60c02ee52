/** Why an action was refused, where the plain FORBIDDEN text would not tell the person what to do. */
export const accessMessages = {
  ACCESS_ID_NUMBER_BY_DISTRICT: { zh: '公民身份号码只能由区级工作人员更正', en: 'Only district staff may correct an ID number' },
} as const;
