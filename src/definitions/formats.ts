import { parseIdNumber } from '../personal-numbers/id-number.ts';
import type { MessageKey } from '../messages/catalogue.ts';

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
export const customFormats: Record<string, { validate: (v: string) => boolean; message: MessageKey }> = {
  'cn-id-number': {
    validate: (v) => parseIdNumber(v) !== null,
    message: 'FORM_FORMAT_CN_ID_NUMBER',
  },
  'cn-mobile': {
    validate: (v) => /^1[3-9]\d{9}$/.test(v),
    message: 'FORM_FORMAT_CN_MOBILE',
  },
  'bank-card': {
    validate: (v) => /^\d{12,19}$/.test(v) && luhn(v),
    message: 'FORM_FORMAT_BANK_CARD',
  },
};

export const standardFormatMessages: Record<string, MessageKey> = {
  date: 'FORM_FORMAT_DATE',
  'date-time': 'FORM_FORMAT_DATE_TIME',
  email: 'FORM_FORMAT_EMAIL',
};
