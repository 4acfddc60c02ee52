import { sql } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import { renderPdf } from './notice.pdf.ts';
import { findById, pendingIds, recordRenderFailure, savePdf } from './notice.repository.ts';
import { noticeRuntime } from './notice.runtime.ts';
import { documentOf, sha256 } from './notice.service.ts';

/**
 * The durable job that turns issued notices into PDF bytes after their transaction commits. The
 * database is the queue (a notice whose `pdf` is null still needs one); the in-memory queue only
 * makes it prompt: each issue enqueues its notice, and a sweep on start and every few seconds picks
 * up whatever a crash, a failure or another instance left behind. Rendering is deterministic, so
 * two instances rendering one notice store the same bytes.
 */
export class NoticeRenderJob {
  private readonly queue = new Map<string, boolean>();
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly db: Db, private readonly clock: Clock, private readonly log: FastifyBaseLogger,
    private readonly sweepMs: number,
  ) {}

  start(): void {
    void this.sweep();
    this.timer = setInterval(() => { void this.sweep(); }, this.sweepMs);
    this.timer.unref();
  }

  /** A notice just issued: its transaction may still be open, so the job waits for it first. */
  enqueue(id: string, waitForCommit = true): void {
    if (this.closed) return;
    this.queue.set(id, waitForCommit || (this.queue.get(id) ?? false));
    this.kick();
  }

  private kick(): void {
    if (this.running || this.closed) return;
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.queue.size > 0) this.kick();
    });
  }

  async sweep(): Promise<void> {
    if (this.closed) return;
    try {
      const ids = await this.db.transaction().execute((trx) => pendingIds(trx, 100));
      for (const id of ids) if (!this.queue.has(id)) this.enqueue(id, false);
    } catch (err) {
      this.log.warn({ err }, 'notice sweep failed');
    }
  }

  /** Resolves when everything queued so far has been tried (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.queue.clear();
    await this.idle();
  }

  private async drain(): Promise<void> {
    while (this.queue.size > 0 && !this.closed) {
      const [id, wait] = this.queue.entries().next().value as [string, boolean];
      this.queue.delete(id);
      await this.render(id, wait);
    }
  }

  private async render(id: string, waitForCommit: boolean): Promise<void> {
    try {
      // Every query here runs inside a transaction of its own: behind the embedded database's
      // socket, statements outside one can interleave with another connection's (one backend).
      const notice = await this.db.transaction().execute(async (trx) => {
        if (waitForCommit) await sql`select pg_advisory_xact_lock_shared(hashtextextended(${id}, 0))`.execute(trx);
        return findById(trx, id);
      });
      if (!notice || notice.pdf) return; // rolled back, or done elsewhere
      const pdf = await renderPdf(documentOf(notice, noticeRuntime(this.db).seal));
      await this.db.transaction().execute((trx) => savePdf(trx, id, pdf, sha256(pdf), this.clock.now()));
    } catch (err) {
      this.log.error({ err, noticeId: id }, 'notice PDF rendering failed; the sweep will retry it');
      await this.db.transaction()
        .execute((trx) => recordRenderFailure(trx, id, (err as Error).message))
        .catch(() => {});
    }
  }
}
