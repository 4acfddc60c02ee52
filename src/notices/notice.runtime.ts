import type { Db, Executor } from '../db/database.ts';
import { noticeSettings, type NoticeSettings } from './notice.settings.ts';

/** What issuing needs from the running service: its settings, and the job that makes PDFs after commit. */
export interface NoticeRuntime {
  settings: NoticeSettings;
  /** The seal image read from `settings.sealImage` at start. */
  seal?: Buffer;
  /** Called inside the issuing transaction; the job waits for that transaction to end. */
  afterIssue?: (id: string) => void;
}

// Keyed by the service's database handle: the case service reaches notices through the `db` it already has.
const runtimes = new WeakMap<Db, NoticeRuntime>();
const fallback: NoticeRuntime = { settings: noticeSettings() };

export function setNoticeRuntime(db: Db, runtime: NoticeRuntime): void {
  runtimes.set(db, runtime);
}

export function noticeRuntime(db: Db): NoticeRuntime {
  return runtimes.get(db) ?? fallback;
}

/** The seal for documents printed through the service's handle (a transaction of it has none: pass the handle). */
export function sealOf(db: Executor): Buffer | undefined {
  return runtimes.get(db as Db)?.seal;
}
