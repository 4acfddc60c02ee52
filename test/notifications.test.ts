import t from 'tap';
import { notifyOnCommit } from '../src/db/notifications.ts';
import { buildApp } from '../src/app.ts';
import { freshDatabase, testConfig } from './helpers/build.ts';

/*
 * The notification bus (src/db/notifications.ts): a notice sent in a transaction reaches every
 * instance's listeners if the transaction commits, and never if it rolls back; the instance that
 * committed has it before its transaction returns. PostgreSQL: two instances on one database.
 */
t.setTimeout(600_000);

t.test('notices arrive on commit only, here before COMMIT returns and on the other instance', async (t) => {
  const databaseUrl = await freshDatabase(t);
  const start = async () => {
    const app = await buildApp(testConfig({ databaseUrl }), { logger: false });
    t.teardown(() => app.close());
    const got: string[] = [];
    app.notifications.listen('probe', (payload) => got.push(payload));
    return { app, got };
  };
  const a = await start();
  const b = databaseUrl ? await start() : undefined;

  await a.app.db.transaction().execute((trx) => notifyOnCommit(trx, 'probe', 'one'));
  t.same(a.got, ['one'], 'the committing instance has it when the transaction returns');
  await a.app.db.transaction().execute(async (trx) => {
    await notifyOnCommit(trx, 'probe', 'rolled back');
    throw new Error('roll back');
  }).catch(() => {});
  await a.app.db.transaction().execute((trx) => notifyOnCommit(trx, 'probe', 'two'));
  t.same(a.got, ['one', 'two'], 'a rolled-back notice never arrives');
  if (b) {
    for (let i = 0; i < 100 && b.got.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    t.same(b.got, ['one', 'two'], 'the other instance gets the committed ones, in order');
  }
});
