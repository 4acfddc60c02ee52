import { createHash } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';

/**
 * The hash chain over each case's history (docs/adr/0009-runtime-role.md): entry n's hash is
 * SHA-256(hex) of entry n-1's hash followed by the digest of entry n's content, entry 1 chaining
 * from a value bound to the case id. An entry changed, removed or renumbered behind the
 * triggers' back no longer hashes to what the entries after it (and the case's head,
 * `cases.history_hash`) were chained from.
 *
 * The content is the entry as a reader gets it (payload opened), so sealing more fields or a new
 * data key leaves it unchanged; but a string under the names below stands as a fixed mark, never
 * its value: an unkeyed hash over an ID number or a phone could be brute-forced from a stolen
 * backup, and those values are authenticated by AES-GCM where they are stored (verify opens them).
 * The names are frozen here (and in migration 20261202T0016): changing them breaks every chain.
 */
const MARKED_NAME = /(?:^(?:idNumber|bankAccount|bankCard|mobile|phone)|IdNumber|BankAccount|BankCard|Mobile|Phone)$/;
const MARK = '\u0000sealed';

/** One history entry as the chain sees it. */
export interface ChainedEntry {
  seq: number;
  kind: string;
  type: string;
  payload: Record<string, unknown>;
  actorId: string | null;
  fromState: string | null;
  toState: string | null;
  at: Date;
  priorTiming: unknown;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** JSON with every object's keys sorted, marked names marked: the same entry always gives the same text. */
function canonical(value: unknown, name?: string): string {
  if (typeof value === 'string') return JSON.stringify(name !== undefined && MARKED_NAME.test(name) ? MARK : value);
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k], k)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The digest of an entry's content (never the content itself
 * reaches the database: it may hold data that is sealed there).
 */
export function entryDigest(caseId: string, e: ChainedEntry): string {
  // Through JSON first: what is stored is what is hashed (dates as ISO text, undefined dropped).
  const content = JSON.parse(JSON.stringify({
    caseId, seq: e.seq, kind: e.kind, type: e.type, actorId: e.actorId, fromState: e.fromState, toState: e.toState,
    at: e.at, priorTiming: e.priorTiming ?? null, payload: e.payload,
  }));
  return sha256(canonical(content));
}

/** What entry 1 of a case chains from. */
export function genesisHash(caseId: string): string {
  return sha256(`case_events chain v1:${caseId}`);
}

/** An entry's hash from the previous one's and its own digest. */
export function linkHash(previous: string, digest: string): string {
  return sha256(previous + digest);
}

/** linkHash in SQL, for the insert that reads the previous hash where it is stored. */
export function linkHashSql(previous: RawBuilder<unknown>, digest: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`encode(sha256(convert_to(${previous} || ${digest}, 'UTF8')), 'hex')`;
}

/**
 * The first entry whose stored hash is not the chain's, or a head that is not the last entry's
 * hash; null when the chain holds. `entries` in seq order, payloads opened.
 */
export function chainProblem(
  caseId: string, entries: (ChainedEntry & { hash: string | null })[], head: string | null,
): string | null {
  let previous = genesisHash(caseId);
  for (const e of entries) {
    const expected = linkHash(previous, entryDigest(caseId, e));
    if (e.hash !== expected) return `history chain broken at entry ${e.seq} (${e.type}): its hash is not that of the entries up to it (changed, removed or reordered)`;
    previous = expected;
  }
  if (entries.length > 0 && head !== previous) {
    return `history head hash is not that of entry ${entries.at(-1)!.seq}, the last one (entries after it removed, or the head changed)`;
  }
  return null;
}
