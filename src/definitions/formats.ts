import { parseIdNumber } from '../persons/id-number.ts';
import type { Localized } from './definition.types.ts';

/** The Luhn sum of a card number's digits, counting the last digit as position 0. */
function luhnSum(digits: string, checkDigitPresent: boolean): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === (checkDigitPresent ? 1 : 0)) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum;
}

function luhn(digits: string): boolean {
  return luhnSum(digits, true) % 10 === 0;
}

/** Appends the Luhn check digit (demo data, samples, tests). */
export function luhnComplete(body: string): string {
  return body + String((10 - (luhnSum(body, false) % 10)) % 10);
}

/** The custom string formats forms may use, with the message shown when a value fails. */
export const customFormats: Record<string, { validate: (v: string) => boolean; message: Localized }> = {
  'cn-id-number': {
    validate: (v) => parseIdNumber(v) !== null,
    message: { zh: '公民身份号码不正确（应为18位，校验位须符合GB 11643）', en: 'Not a valid citizen ID number (18 characters, GB 11643 check digit)' },
  },
  'cn-mobile': {
    validate: (v) => /^1[3-9]\d{9}$/.test(v),
    message: { zh: '手机号码应为以1开头的11位数字', en: 'A mobile number is 11 digits starting with 1' },
  },
  'bank-card': {
    validate: (v) => /^\d{12,19}$/.test(v) && luhn(v),
    message: { zh: '银行卡号不正确（应为12至19位数字且校验位正确）', en: 'Not a valid bank card number (12–19 digits with a valid check digit)' },
  },
};

export const standardFormatMessages: Record<string, Localized> = {
  date: { zh: '日期格式应为 YYYY-MM-DD', en: 'Dates are written YYYY-MM-DD' },
  'date-time': { zh: '时间格式不正确', en: 'Not a valid date and time' },
  email: { zh: '电子邮箱格式不正确', en: 'Not a valid e-mail address' },
};
