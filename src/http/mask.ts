import { PERSONAL_NUMBERS, type PersonalNumberKind } from '../personal-numbers/personal-numbers.ts';

/** Masking of personal data for lists, logs and responses without `reveal`. */
export function maskIdNumber(v: string): string {
  return v.length >= 10 ? `${v.slice(0, 6)}********${v.slice(-4)}` : '*'.repeat(v.length);
}

export function maskPhone(v: string): string {
  return v.length >= 7 ? `${v.slice(0, 3)}****${v.slice(-4)}` : '*'.repeat(v.length);
}

export function maskBankAccount(v: string): string {
  return v.length > 4 ? `${'*'.repeat(v.length - 4)}${v.slice(-4)}` : '*'.repeat(v.length);
}

/** Field names whose values are personal data wherever they appear. */
const SENSITIVE_FIELDS: Record<string, (v: string) => string> = {
  idNumber: maskIdNumber,
  payeeIdNumber: maskIdNumber,
  applicantIdNumber: maskIdNumber,
  mobile: maskPhone,
  phone: maskPhone,
  payeeMobile: maskPhone,
  bankAccount: maskBankAccount,
  bankCard: maskBankAccount,
  payeeBankAccount: maskBankAccount,
};

const MASKS: Record<PersonalNumberKind, (m: string) => string> = {
  idNumber: maskIdNumber, bankCard: maskBankAccount, mobile: maskPhone,
};

/** Masks ID numbers, bank cards and mobiles wherever they occur inside free text (URLs, log lines). */
export function maskText(text: string): string {
  let out = text;
  for (const { kind, pattern } of PERSONAL_NUMBERS) out = out.replace(pattern, MASKS[kind]);
  return out;
}

/**
 * Masks known sensitive fields (and those a form marks `x-sensitive`) in a data object, recursively,
 * and any value that looks like an ID number, card or mobile.
 */
export function maskData<T>(value: T, extraFields: Set<string> = new Set()): T {
  if (Array.isArray(value)) return value.map((v) => maskData(v, extraFields)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const fn = SENSITIVE_FIELDS[k] ?? (extraFields.has(k) ? maskBankAccount : undefined);
      out[k] = typeof v === 'string' && fn ? fn(v) : maskData(v, extraFields);
    }
    return out as T;
  }
  if (typeof value === 'string') return maskText(value) as T;
  return value;
}
