import { loadConfig } from '../config.ts';
import { seedDemo } from '../demo/seed-demo.ts';
import { loadWorkflowFiles } from '../definitions/workflow.loader.ts';
import { openConfiguredDatabase, runCli } from './database.ts';

runCli(async () => {
  const { db, close } = await openConfiguredDatabase(loadConfig());
  try {
    await loadWorkflowFiles(db, new Date());
    await seedDemo(db, new Date());
  } finally {
    await close();
  }
  console.log('已写入演示区县及演示用户（密码 demo1234） / demo district and users seeded (password demo1234)');
});
