import { loadConfig } from '../config.ts';
import { WorkflowRegistry } from '../definitions/workflow.registry.ts';
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
    for (const m of mismatches) console.log(`MISMATCH case ${m.caseId}: ${m.problem}`);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (mismatches.length > 0) {
      const cases = new Set(mismatches.map((m) => m.caseId)).size;
      console.log(`核验未通过 / verify FAILED: ${cases} of ${r.cases} cases do not match their history (${r.events} history entries, ${p.payments} payments, ${seconds} s)`);
      process.exitCode = 1;
    } else {
      console.log(`核验通过 / verify OK: ${r.cases} cases, ${r.events} history entries; every snapshot equals the replay of its history, every history chain holds, ${p.payments} payments agree with it (${seconds} s)`);
    }
  } finally {
    await close();
  }
});
