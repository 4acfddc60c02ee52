/** What a step tells the person filling its form, and why it does not move (the engine, its forms, its deadlines). */
export const engineMessages = {
  FORM_FIELD_REQUIRED: { zh: '「{title}」为必填项', en: '{title} is required' },
  FORM_FIELD_NOT_ALLOWED: { zh: '不允许填写字段「{field}」', en: 'Field "{field}" is not allowed' },
  FORM_NOT_TEXT: {
    zh: '「{field}」含有不能使用的控制字符或分隔符（{char}），请删除后重新填写',
    en: '{field}: contains a control or separator character ({char}); remove it',
  },
  /** A field's title before what is wrong with it. */
  FORM_FIELD_PROBLEM: { zh: '「{title}」{problem}', en: '{title}: {problem}' },
  FORM_FORMAT_CN_ID_NUMBER: { zh: '公民身份号码不正确（应为18位，校验位须符合GB 11643）', en: 'Not a valid citizen ID number (18 characters, GB 11643 check digit)' },
  FORM_FORMAT_CN_MOBILE: { zh: '手机号码应为以1开头的11位数字', en: 'A mobile number is 11 digits starting with 1' },
  FORM_FORMAT_BANK_CARD: { zh: '银行卡号不正确（应为12至19位数字且校验位正确）', en: 'Not a valid bank card number (12–19 digits with a valid check digit)' },
  FORM_FORMAT_DATE: { zh: '日期格式应为 YYYY-MM-DD', en: 'Dates are written YYYY-MM-DD' },
  FORM_FORMAT_DATE_TIME: { zh: '时间格式不正确', en: 'Not a valid date and time' },
  FORM_FORMAT_EMAIL: { zh: '电子邮箱格式不正确', en: 'Not a valid e-mail address' },
  FORM_RULE_NOT_BEFORE: { zh: '「{field}」不能早于「{other}」', en: '{field} cannot be earlier than {other}' },
  FORM_RULE_NOT_AFTER: { zh: '「{field}」不能晚于「{other}」', en: '{field} cannot be later than {other}' },
  FORM_RULE_NOT_FUTURE: { zh: '「{field}」不能晚于今天（{today}）', en: '{field} cannot be later than today ({today})' },
  FORM_RULE_IN_FUTURE: { zh: '「{field}」应在今天（{today}）之后', en: '{field} must be after today ({today})' },
  FORM_RULE_BIRTH_DATE_MATCHES_ID: { zh: '「{field}」与「{other}」中的出生日期（{born}）不一致', en: '{field} does not match the birth date in {other} ({born})' },
  STEP_TAKES_NO_FORM: { zh: '该操作不需要填写表单', en: 'This action takes no form data' },
  STEP_MATERIALS_MISSING: { zh: '材料不齐全', en: 'Required materials are missing' },
  STEP_NOT_LATE: { zh: '{label}未超过{days}日', en: '{label}: not more than {days} days' },
  DEADLINE_DAYS_OUT_OF_RANGE: { zh: '天数须为 0 至 {max} 之间的整数', en: 'A number of days must be a whole number from 0 to {max}' },
} as const;
