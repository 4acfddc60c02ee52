/** Amounts in yuan on forms and pages, answers prefilled from the person file, materials' photo and scan rules. */
export const moneyMessages = {
  MONEY_UNIT: { zh: '元', en: 'yuan' },
  MONEY_HINT: { zh: '以“元”为单位，最多两位小数，如 1234.50 或 1,234.50', en: 'In yuan, at most two decimals, e.g. 1234.50 or 1,234.50' },
  MONEY_HINT_MIN: { zh: '不少于 {min} 元', en: 'At least {min} yuan' },
  MONEY_ENTER_YUAN: { zh: '「{title}」请填写以“元”为单位的金额，如 1234.50', en: '{title}: enter an amount in yuan, e.g. 1234.50' },
  MONEY_NEGATIVE: { zh: '「{title}」不能是负数', en: '{title} cannot be negative' },
  MONEY_TOO_MANY_DECIMALS: { zh: '「{title}」最多两位小数（精确到分），如 1234.56', en: '{title}: at most two decimals (to the fen), e.g. 1234.56' },
  MONEY_TOO_LARGE: { zh: '「{title}」金额过大，最多 {max} 元', en: '{title} is too large: at most {max} yuan' },
  MONEY_BELOW_MIN: { zh: '「{title}」不能少于 {min} 元', en: '{title} must be at least {min} yuan' },
  MONEY_ABOVE_MAX: { zh: '「{title}」不能超过 {max} 元', en: '{title} must be at most {max} yuan' },
  PREFILL_FROM_FILE: { zh: '已按人员档案填写，如有变化请修改', en: 'Filled in from the person file; change it if it has changed' },
  PHOTO_RULE_TYPES: { zh: '{types} 格式', en: '{types}' },
  PHOTO_TYPES_OR: { zh: '或', en: ' or ' },
  PHOTO_RULE_RANGE: { zh: '{min}–{max} KB', en: '{min}–{max} KB' },
  PHOTO_RULE_MAX: { zh: '不超过 {max} KB', en: 'at most {max} KB' },
  PHOTO_RULE_MIN: { zh: '不小于 {min} KB', en: 'at least {min} KB' },
  PHOTO_RULE_SEPARATOR: { zh: '，', en: ', ' },
  PHOTO_HINT: { zh: '须为 {rule}', en: 'Must be {rule}' },
  PHOTO_REFUSED: {
    zh: '「{material}」须为 {rule}；所选文件「{f}」为 {actual}，{size} KB，未上传',
    en: '"{material}" must be {rule}; "{f}" is {actual}, {size} KB, and was not attached',
  },
} as const;
