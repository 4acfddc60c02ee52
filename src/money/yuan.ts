/**
 * Amounts are stored and sent over the API as whole fen (分, integers); people read and type yuan
 * (元) with two decimals. Reading a typed amount is exact text arithmetic, never floating point:
 * "1,234.5" becomes 123450, and anything that is not plainly an amount is refused with why.
 */

/** At most 999,999,999.99 元: nine digits of yuan keep every amount a safe integer of fen and far above any benefit. */
const MAX_YUAN_DIGITS = 9;
export const MAX_FEN = 10 ** (MAX_YUAN_DIGITS + 2) - 1;

export type YuanProblem = 'format' | 'negative' | 'decimals' | 'too-large';
export type YuanReading = { ok: true; fen: number } | { ok: false; problem: YuanProblem };

/** Digits with thousands groups (1,234,567) or without (1234567), then at most some decimals. */
const AMOUNT = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/;

/**
 * An amount typed in yuan → whole fen. Full-width digits and punctuation (１２３．４５, the IME's
 * "，") are read as their ASCII forms (NFKC); spaces, a leading ¥/￥ and a trailing 元 are allowed.
 * Refused: a sign (amounts are never negative, "-0" included), exponents, NaN/Infinity, hex, more
 * than two decimals (1.005 is not a sum of fen), more than nine digits of yuan, misplaced groups.
 */
export function parseYuan(typed: string): YuanReading {
  const text = typed.normalize('NFKC').replace(/\s+/g, '').replace(/^[¥]/, '').replace(/元$/, '');
  if (/^[-−]/.test(text) && /\d/.test(text)) return { ok: false, problem: 'negative' };
  const m = AMOUNT.exec(text);
  if (!m) return { ok: false, problem: 'format' };
  const whole = m[1]!.replaceAll(',', '').replace(/^0+(?=\d)/, '');
  const cents = m[2] ?? '';
  if (cents.length > 2) return { ok: false, problem: 'decimals' };
  if (whole.length > MAX_YUAN_DIGITS) return { ok: false, problem: 'too-large' };
  return { ok: true, fen: Number(whole) * 100 + Number(cents.padEnd(2, '0')) };
}

const grouped = new Intl.NumberFormat('zh-CN', { useGrouping: true, maximumFractionDigits: 0 });

function parts(fen: number): { sign: string; whole: number; cents: string } {
  const abs = Math.abs(Math.round(fen));
  return { sign: fen < 0 ? '-' : '', whole: Math.floor(abs / 100), cents: String(abs % 100).padStart(2, '0') };
}

/** "1,234.50": fen as yuan with two decimals and thousands groups (the whole part by Intl, zh-CN). */
export function formatYuan(fen: number): string {
  const p = parts(fen);
  return `${p.sign}${grouped.format(p.whole)}.${p.cents}`;
}

/** "1234.50": fen as yuan a form's box shows back, typed as the clerk would type it. */
export function plainYuan(fen: number): string {
  const p = parts(fen);
  return `${p.sign}${p.whole}.${p.cents}`;
}
