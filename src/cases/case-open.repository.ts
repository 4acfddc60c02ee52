import { sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { Executor } from '../db/database.ts';
import { toPerson, type Person } from '../persons/person.repository.ts';
import type { Station } from '../stations/station.repository.ts';
import { openSnapshotData } from './case.repository.ts';

/** What opening a case for a person reads, in one statement. */
export interface OpeningFacts {
  person: Person;
  /** The station paths of the other persons asked about (applicant, payee) that exist, by id. */
  partyPaths: Map<string, string>;
  /** The items the person has finished with one of the outcomes asked about (eligibility). */
  completedItems: string[];
  /** The form data of the person's cases, oldest first (prefill). */
  caseData: Record<string, unknown>[];
  /** The person's station and those above it: one of them holds the first step. */
  stations: Station[];
}

export interface OpeningAsks {
  /** Whether the person is locked: a clerk's opening is; a child case, started inside its parent's step, is not. */
  lock: boolean;
  parties: string[];
  /** Null: eligibility is not checked, so the completed items are not read. */
  completedOutcomes: readonly string[] | null;
  caseData: boolean;
}

/**
 * The person, found by id alone (the caller checks the jurisdiction on the row), locked if asked,
 * with what opening a case needs: the other parties' stations, the items completed, the earlier
 * cases' form data, the stations above the person's. Two openings for one person queue here. What
 * they race for (an open case of the item) is checked by the statement that writes the case,
 * which starts after the lock is held and so sees what the first one committed.
 */
export async function openingFacts(
  trx: Executor, personId: string, ask: OpeningAsks,
): Promise<OpeningFacts | undefined> {
  const r = await trx.selectFrom('persons as p').selectAll('p')
    .select((eb) => jsonArrayFrom(
      eb.selectFrom('stations as s').selectAll('s').where(sql<boolean>`s.path = p.station_path or starts_with(p.station_path, s.path || '.')`),
    ).as('stations'))
    .$if(ask.parties.length > 0, (q) => q.select((eb) => jsonArrayFrom(
      eb.selectFrom('persons as o').select(['o.id', 'o.station_path']).where('o.id', 'in', ask.parties),
    ).as('parties')))
    .$if(ask.completedOutcomes !== null, (q) => q.select((eb) => jsonArrayFrom(
      eb.selectFrom('cases as done').select('done.workflow_id').distinct().whereRef('done.person_id', '=', 'p.id')
        .where('done.status', '=', 'closed').where('done.outcome', 'in', ask.completedOutcomes ?? []),
    ).as('completed')))
    .$if(ask.caseData, (q) => q.select((eb) => jsonArrayFrom(
      eb.selectFrom('cases as earlier').select(['earlier.id', sql<unknown>`earlier.snapshot -> 'context' -> 'data'`.as('data')])
        .whereRef('earlier.person_id', '=', 'p.id').orderBy('earlier.id'),
    ).as('caseData')))
    .where('p.id', '=', personId).$if(ask.lock, (q) => q.forUpdate('p')).executeTakeFirst();
  if (!r) return undefined;
  const { stations, parties, completed, caseData, ...row } = r;
  return {
    person: toPerson(row),
    partyPaths: new Map((parties ?? []).map((o) => [o.id, o.station_path])),
    completedItems: (completed ?? []).map((d) => d.workflow_id),
    caseData: (caseData ?? []).map((c) => openSnapshotData(c.id, c.data)),
    stations,
  };
}
