import { Kysely, sql } from 'kysely';

// The clerk's pages: scans and photos attached to a case (the bytes kept in the database, next
// to the history entry that recorded them), and each clerk's saved draft of a step's form.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('attachments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    // The history entry (ATTACH) that recorded the upload.
    .addColumn('event_seq', 'integer', (c) => c.notNull())
    // Which of the item's materials it shows; null for other papers.
    .addColumn('material_id', 'text')
    .addColumn('filename', 'text', (c) => c.notNull())
    // Sniffed from the first bytes, never taken from the browser: application/pdf, image/jpeg or image/png.
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('bytes', 'bytea', (c) => c.notNull())
    // A small JPEG the browser made for lists (optional; pages fall back to the image itself or an icon).
    .addColumn('thumbnail', 'bytea')
    .addColumn('uploaded_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create index attachments_case_idx on attachments (case_id, at)`.execute(db);

  await db.schema.createTable('page_drafts')
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull())
    // The case version the clerk was looking at: submitting the draft sends it as expectedVersion.
    .addColumn('case_version', 'integer', (c) => c.notNull())
    // Bumped on every save, so two tabs of one clerk do not overwrite each other silently.
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('page_drafts_pk', ['case_id', 'user_id', 'event_type'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('page_drafts').execute();
  await db.schema.dropTable('attachments').execute();
}
