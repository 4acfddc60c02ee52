import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { maskName } from './notice-format.ts';
import { findByToken } from './notice.repository.ts';
import { contentHash, sha256 } from './notice.service.ts';

export interface Verification {
  genuine: boolean;
  /** The stored record still hashes to what was sealed at issue (its text and data, and its PDF once made). */
  unchanged?: boolean;
  /** Whether a submitted file is byte for byte the issued PDF (null when no file was sent). */
  matchesFile?: boolean | null;
  kind?: string;
  title?: string;
  issuedDate?: string;
  issuer?: string;
  name?: string;
}

/** What the public may learn from a QR code: genuine or not, and only kind, date, issuer and a masked name. */
export async function verifyNotice(db: Db, token: string, file?: Buffer): Promise<Verification> {
  const n = await findByToken(db, token);
  if (!n) return { genuine: false };
  const d = n.data as { organ: string; issuedDate: string; addressee: string };
  const textIntact = contentHash({ number: n.number, data: n.data, content: n.content }) === n.contentSha256;
  const pdfIntact = n.pdf ? sha256(n.pdf) === n.sha256 : null;
  return {
    genuine: true,
    unchanged: textIntact && pdfIntact !== false,
    matchesFile: file ? n.sha256 !== null && sha256(file) === n.sha256 : null,
    kind: n.kind, title: n.title, issuedDate: d.issuedDate, issuer: d.organ, name: maskName(d.addressee),
  };
}

export async function caseInScope(db: Db, caseId: string, scopePath: string): Promise<boolean> {
  const r = await db.selectFrom('cases').select('id').where('id', '=', caseId)
    .where(sql<boolean>`(station_path = ${scopePath} or station_path like ${`${scopePath}.%`})`).executeTakeFirst();
  return !!r;
}
