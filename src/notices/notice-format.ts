import { maskBankAccount, maskIdNumber, maskPhone } from '../http/mask.ts';

import { shanghaiParts } from '../time/shanghai.ts';
import { formatYuan } from '../money/yuan.ts';

/**
 * The printed 文号: prefix, the series' 代字, the year in 〔〕, the serial without 第 and without leading
 * zeros, 号: 新退役受〔2026〕123号 (GB/T 9704-2012 on 发文字号; not in the laws folder, as issue #15 gives
 * it, 2026-12-02).
 */
export function printedNumber(prefix: string, mark: string, year: number, serial: number): string {
  return `${prefix}${mark}〔${year}〕${serial}号`;
}

/** The notice's code in URLs (2026-receipt-000123): ASCII, one per district, whichever series. */
export function codeOf(series: string, year: number, serial: number): string {
  return `${year}-${series ? `${series}-` : ''}${String(serial).padStart(6, '0')}`;
}

/** 成文日期 in Arabic numerals without padding (GB/T 9704 §7.3.5.4): 2026年11月24日. */
export function chineseDate(t: Date): string {
  const p = shanghaiParts(t);
  return `${p.y}年${p.m}月${p.d}日`;
}

export function chineseDateTime(t: Date): string {
  const p = shanghaiParts(t);
  return `${chineseDate(t)}${p.h}时${String(p.min).padStart(2, '0')}分`;
}

/** A form's ISO date or month (2026-09-20, 2026-09) in the same form. */
export function chineseIsoDate(v: string): string {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?/.exec(v);
  if (!m) return v;
  return m[3] ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : `${m[1]}年${Number(m[2])}月`;
}

/** Amounts are kept in fen; a notice prints yuan with two decimals, the unit set close as in print. */
export function yuan(fen: number): string {
  return `${formatYuan(fen)}元`;
}

const DIGITS = '零一二三四五六七八九';

/** 1–99 in Chinese numerals (60 → 六十, 15 → 十五, 6 → 六). */
export function chineseNumber(n: number): string {
  if (n < 10) return DIGITS[n]!;
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : DIGITS[tens]}十${ones ? DIGITS[ones] : ''}`;
}

/** A name as the public verification page shows it: the family name, the rest starred. */
export function maskName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? '*' : chars[0] + '*'.repeat(chars.length - 1);
}

/** What a recipient calls the document in the remedies sentence: 本告知书, 本通知书, 本决定书… */
export function selfReference(title: string): string {
  const m = /(告知书|通知书|决定书|意见书|答复书|确认单|通知|回执|函)$/.exec(title);
  return `本${m ? m[1] : '文书'}`;
}

const SENSITIVE: Record<string, (v: string) => string> = {
  idNumber: maskIdNumber, mobile: maskPhone, phone: maskPhone, bankAccount: maskBankAccount, bankCard: maskBankAccount,
};

/** Masks a personal value for print: ID numbers, phones and accounts keep only their ends. */
export function maskValue(field: string, value: string): string {
  const fn = SENSITIVE[field]
    ?? Object.entries(SENSITIVE).find(([k]) => field.toLowerCase().endsWith(k.toLowerCase()))?.[1];
  if (fn) return fn(value);
  if (/^\d{17}[\dXx]$/.test(value)) return maskIdNumber(value);
  if (/^1[3-9]\d{9}$/.test(value)) return maskPhone(value);
  if (/^\d{12,19}$/.test(value)) return maskBankAccount(value);
  return maskIdNumber(value);
}
