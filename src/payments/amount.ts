/**
 * The money rules of the paying items, pure: months served in a period, part periods under six
 * months counted as six, amounts in integer fen rounded half-up once per line. Dates are YYYY-MM-DD.
 */

function parts(day: string): [number, number, number] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) throw new Error(`not a date: ${day}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function iso(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** The same day n months later; a day the month lacks becomes its last day (01-31 + 1 month = 02-28). */
export function addMonths(day: string, n: number): string {
  const [y, m, d] = parts(day);
  const total = y * 12 + (m - 1) + n;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
  return iso(ny, nm, Math.min(d, last));
}

/** A month of payment, [from, to): it starts on the day the counting started from; the last may be a started month. */
export interface Month { from: string; to: string }

/** Part periods under six months count as six (义务兵家庭优待金: 不满6个月按6个月计), at most the period's length. */
export function countedMonths(served: number, periodMonths = 12): number {
  if (served <= 0) return 0;
  return Math.min(Math.max(served, 6), periodMonths);
}

function whole(v: number): bigint {
  if (!Number.isSafeInteger(v) || v < 0) throw new Error(`not a non-negative integer: ${v}`);
  return BigInt(v);
}

function divHalfUp(num: bigint, den: bigint): number {
  if (den === 0n) throw new Error('division by zero');
  return Number((2n * num + den) / (2n * den));
}

/** Months paid at one rate (fen a year × percent), one after another: a part of a line. */
export interface Segment { from: string; to: string; months: number; annualFen: number; percent: number }

/**
 * A line paid in parts at their own rates: Σ annual × percent × months exactly, scaled to the
 * months counted where they differ from the months paid (part periods counted as six), / 1200,
 * rounded half-up once, so the parts never carry a rounding of their own. 0 when nothing is paid.
 */
export function segmentsAmountFen(segments: readonly Pick<Segment, 'months' | 'annualFen' | 'percent'>[], counted: number): number {
  let num = 0n;
  let paid = 0n;
  for (const s of segments) {
    num += whole(s.annualFen) * whole(s.percent) * whole(s.months);
    paid += whole(s.months);
  }
  return paid === 0n ? 0 : divHalfUp(num * whole(counted), paid * 1200n);
}

/** A multiplier standard as a percent: 2 → 200, 1.5 → 150, {percent: 150} → 150. */
export function percentOf(value: unknown): number | null {
  if (typeof value === 'number' && value > 0) return value <= 10 ? Math.round(value * 100) : Math.round(value);
  if (value && typeof value === 'object' && 'percent' in value && typeof value.percent === 'number') return Math.round(value.percent);
  return null;
}

/**
 * A standard's value in fen: an integer, or the entry at `path` in a table of them
 * ({"war": {"1": 13584000, …}}); null when the table has no such entry.
 */
export function fenAt(value: unknown, ...path: (string | number)[]): number | null {
  let v = value;
  for (const k of path) v = v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[String(k)] : undefined;
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : null;
}

/**
 * A usable standard of amounts: integer fen, or a table whose every
 * entry is one (a mistyped cell refuses the whole batch, not one line).
 */
export function isFenStandard(value: unknown): boolean {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0;
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const entries = Object.values(value);
  return entries.length > 0 && entries.every(isFenStandard);
}

export interface ServiceWindow {
  /** Counted from (the date enlistment was approved; the first day of the first month paid). */
  start: string;
  /**
   * Payment ends after this many months (conscripts: 24, plus any
   * extension); none for a pension, paid until stopped or ended.
   */
  months?: number;
  /** Payment stopped on this day (not counted from then on). */
  stoppedOn?: string | null;
}

/**
 * The months of service that start inside a period [from, to). The months run from the window's
 * start in every year (2025-09-10: …, 12-10 to 01-10, 01-10 to 02-10, …), and each belongs to the
 * year it starts in, so a window of 24 months has 24 over its years. The last may be a started
 * month, cut at the window's end or the stop (counted whole).
 */
export function monthsInPeriod(w: ServiceWindow, period: { from: string; to: string }): Month[] {
  const end = [
    ...(w.months === undefined ? [] : [addMonths(w.start, w.months)]), ...(w.stoppedOn ? [w.stoppedOn] : []),
  ].sort()[0];
  const [sy, sm] = parts(w.start);
  const [py, pm] = parts(period.from);
  const out: Month[] = [];
  // From the month before the period's, so no month starting in it is missed.
  for (let k = Math.max(0, py * 12 + pm - (sy * 12 + sm) - 1); ; k++) {
    const from = addMonths(w.start, k);
    if (from >= period.to || (end !== undefined && from >= end)) break;
    if (from < period.from) continue;
    const next = addMonths(w.start, k + 1);
    out.push({ from, to: end !== undefined && end < next ? end : next });
  }
  return out;
}

/** A stop that was later resumed: nothing is due from `from` until `to` (the day payment resumed, exclusive). */
export interface Gap { from: string; to: string }

/**
 * A month lying wholly inside a resumed stop is not paid; one the stop or the resumption only
 * touches is, as a started month counts whole (and as a pension is due from the month approved).
 */
export function withheld(m: Month, gaps: readonly Gap[]): boolean {
  return gaps.some((g) => g.from <= m.from && m.to <= g.to);
}

/** Yuan with two decimals from integer fen: 1192013 → "11920.13". */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const a = Math.abs(fen);
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}
