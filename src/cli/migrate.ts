import { loadConfig } from '../config.ts';
import { openConfiguredDatabase, runCli } from './database.ts';

runCli(async () => {
  const { close } = await openConfiguredDatabase(loadConfig());
  await close();
  console.log('数据库结构已是最新 / migrations applied');
});
