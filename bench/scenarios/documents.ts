import { benchNotice, type NoticeResult } from '../notice.ts';
import { log, repoRoot } from '../paths.ts';
import { benchRosterImport, type RosterResult } from '../roster.ts';
import type { Bench } from '../setup.ts';

/** 4. Notices, in this process (no database). */
export async function runNotice(b: Bench): Promise<NoticeResult> {
  log('notices: renderer vs bare pdfkit');
  const notice = await benchNotice(repoRoot, b.o.noticeSamples);
  if (notice.note) b.notes.push(notice.note);
  log(notice.ms !== null ? `  ${notice.ms} ms per notice (p99 ${notice.p99Ms}), ${notice.kb} KB, ${notice.pages} page(s); bare pdfkit ${notice.baselineMs} ms, ${notice.baselineKb} KB` : `  ${notice.note}`);
  return notice;
}

/** 4b. Roster import (issue #9): a recruiting office's list checked and committed, on a database of its own. */
export async function runRoster(b: Bench): Promise<RosterResult> {
  const rosterRows = b.o.quick ? 500 : 10_000;
  log(`roster import: ${rosterRows.toLocaleString('en')} rows`);
  const roster = await benchRosterImport(rosterRows, b.databaseUrl, b.dataKeyHex);
  log(`  ${roster.rowsPerSecond} rows/s (check ${roster.previewRowsPerSecond}/s, commit ${roster.commitRowsPerSecond}/s); the same file again ${roster.reimportMs} ms, nothing created`);
  return roster;
}
