import { loadConfig } from '../config.ts';
import { WorkflowRegistry } from '../cases/workflow.registry.ts';
import { message } from '../messages/catalogue.ts';
import { bilingual } from '../messages/localized.ts';
import { openConfiguredDatabase, runCli } from './database.ts';
import { verifyHistories } from './verify-history.ts';
import { verifyPayments } from './verify-payments.ts';

/**
 * `npm run verify`: every case of the configured database (DATABASE_URL, or the embedded one in
 * DATA_DIR while the service is stopped) against its history, and the payments against the history.
 * Lists each mismatch and exits 1 if there is one, 0 if all agree.
 */
runCli(async () => {
  const { db, close } = await openConfiguredDatabase(loadConfig());
  try {
    const started = Date.now();
    const r = await verifyHistories(db, new WorkflowRegistry());
    const p = await verifyPayments(db);
    const mismatches = [...r.mismatches, ...p.mismatches];
    for (const m of mismatches) console.log(message('en', 'CLI_VERIFY_MISMATCH', { caseId: m.caseId, problem: m.problem }));
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (mismatches.length > 0) {
      const cases = new Set(mismatches.map((m) => m.caseId)).size;
      console.log(`${bilingual('CLI_VERIFY_FAILED')}: ${message('en', 'CLI_VERIFY_FAILED_DETAIL', { cases, total: r.cases, events: r.events, payments: p.payments, seconds })}`);
      process.exitCode = 1;
    } else {
      console.log(`${bilingual('CLI_VERIFY_OK')}: ${message('en', 'CLI_VERIFY_OK_DETAIL', { cases: r.cases, events: r.events, payments: p.payments, seconds })}`);
    }
  } finally {
    await close();
  }
});
