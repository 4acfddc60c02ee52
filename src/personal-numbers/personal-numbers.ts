/**
 * What an ID number, a bank card and a mobile look like inside free text. One definition for the
 * masking of views and logs (src/http/mask.ts) and the sealing at rest (src/crypto/sealed-data.ts),
 * so whatever a view would mask is never stored in clear.
 */
export type PersonalNumberKind = 'idNumber' | 'bankCard' | 'mobile';

/** Global patterns (for `replace`), most specific first: an ID number is also 18 digits of a card. */
export const PERSONAL_NUMBERS: readonly { kind: PersonalNumberKind; pattern: RegExp }[] = [
  { kind: 'idNumber', pattern: /(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/g },
  { kind: 'bankCard', pattern: /(?<!\d)\d{16,19}(?!\d)/g },
  { kind: 'mobile', pattern: /(?<!\d)1[3-9]\d{9}(?!\d)/g },
];

/** The shortest of them, a mobile, has 11 digits. */
const FEWEST_DIGITS = 11;
// Full-width digits become ASCII (NFKC); digit groups split by spaces, hyphens or dots are one run.
const GROUP_BREAK = /(?<=\d)[ \t\-.·]+(?=\d)/g;

/**
 * True when the text holds something that looks like an ID number, card or mobile, also when typed
 * in full-width digits or in groups ("137 1234 5678", "3301-0219…").
 */
export function holdsPersonalNumber(text: string): boolean {
  if (!hasDigits(text, FEWEST_DIGITS)) return false;
  const joined = text.normalize('NFKC').replace(GROUP_BREAK, '');
  // `search` ignores the patterns' global state.
  return PERSONAL_NUMBERS.some(({ pattern }) => text.search(pattern) >= 0 || joined.search(pattern) >= 0);
}

/** Whether the text has at least `n` digits, ASCII or full-width (most strings have none: no normalising for them). */
function hasDigits(text: string, n: number): boolean {
  let seen = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x30 && c <= 0x39) || (c >= 0xff10 && c <= 0xff19)) {
      if (++seen >= n) return true;
    }
  }
  return false;
}
