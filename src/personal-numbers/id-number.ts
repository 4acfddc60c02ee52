const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** The GB 11643-1999 check character for the first 17 digits. */
function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

export interface IdNumberFacts {
  birthDate: string;
  sex: 'male' | 'female';
  regionCode: string;
}

/** Parses an 18-character citizen ID number; null when the form, date or check digit is wrong. */
export function parseIdNumber(value: string): IdNumberFacts | null {
  if (!/^\d{17}[\dX]$/.test(value)) return null;
  if (idCheckChar(value.slice(0, 17)) !== value[17]) return null;
  const y = Number(value.slice(6, 10));
  const m = Number(value.slice(10, 12));
  const d = Number(value.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return {
    birthDate: `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`,
    sex: Number(value[16]) % 2 === 1 ? 'male' : 'female',
    regionCode: value.slice(0, 6),
  };
}

/** Builds a valid ID number (tests, demo data, benchmark seeding). */
export function makeIdNumber(region: string, birth: string, sequence: number): string {
  const first17 = `${region}${birth.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
  return first17 + idCheckChar(first17);
}
