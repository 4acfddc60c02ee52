import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../db/database.ts';
import type { WorkflowDefinition } from '../definitions/definition.types.ts';
import { shanghaiParts } from '../time/shanghai.ts';
import { takeCaseSerials } from './case.repository.ts';

/**
 * The number people read and say on the phone: the item's abbreviation, the Beijing year it was opened,
 * a serial of that item and year (退报-2026-00123; docs/adr/0020-case-numbers.md). Five digits sort as
 * text up to 99999; a sixth simply follows.
 */
function caseNumber(abbreviation: string, year: number, serial: number): string {
  return `${abbreviation}-${year}-${String(serial).padStart(5, '0')}`;
}

/**
 * A case number as a clerk may type it (full-width or long dashes, spaces, the serial without its zeros) in
 * its written form; undefined when the text is not shaped like a case number at all.
 */
export function normalizeCaseNo(text: string): string | undefined {
  const m = /^([\u4e00-\u9fff]{2,4})\s*[-－–—_]\s*(\d{4})\s*[-－–—_]\s*(\d{1,9})$/.exec(text.trim().normalize('NFKC'));
  return m ? caseNumber(m[1]!, Number(m[2]), Number(m[3])) : undefined;
}

/**
 * Takes `count` numbers of an item for cases opened at `now`, in order, inside the opening transaction:
 * the counter row stays locked until it ends, so concurrent openings queue there and a rolled-back one
 * gives its numbers back.
 */
export async function takeCaseNumbers(
  trx: Executor, definition: WorkflowDefinition, now: Date, count = 1,
): Promise<string[]> {
  if (count === 0) return [];
  const { prefix, year } = caseNumberCounter(definition, now);
  const last = await takeCaseSerials(trx, prefix, year, count);
  return Array.from({ length: count }, (_, i) => caseNumber(prefix, year, last - count + 1 + i));
}

/** Where the numbers of an item's cases opened at `now` are counted: the abbreviation and the Beijing year. */
export function caseNumberCounter(definition: WorkflowDefinition, now: Date): { prefix: string; year: number } {
  return { prefix: definition.abbreviation, year: shanghaiParts(now).y };
}

/** caseNumber in SQL, for the statement that takes the serial and writes the case at once. */
export function caseNumberSql(
  counter: { prefix: string; year: number }, serial: RawBuilder<number>,
): RawBuilder<string> {
  return sql<string>`${`${counter.prefix}-${counter.year}-`}::text || lpad(${serial}::text, greatest(5, length(${serial}::text)), '0')`;
}
