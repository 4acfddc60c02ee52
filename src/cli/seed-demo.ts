import { loadConfig } from '../config.ts';
import { seedDemo } from '../demo/seed-demo.ts';
import { loadWorkflowFiles } from '../definitions/workflow.loader.ts';
import { bilingual } from '../messages/localized.ts';
import { openConfiguredDatabase, runCli } from './database.ts';

runCli(async () => {
  const { db, close } = await openConfiguredDatabase(loadConfig());
  try {
    await loadWorkflowFiles(db, new Date());
    await seedDemo(db, new Date());
  } finally {
    await close();
  }
  console.log(bilingual('CLI_DEMO_SEEDED'));
});
