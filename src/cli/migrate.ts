import { loadConfig } from '../config.ts';
import { bilingual } from '../messages/localized.ts';
import { openConfiguredDatabase, runCli } from './database.ts';

runCli(async () => {
  const { close } = await openConfiguredDatabase(loadConfig());
  await close();
  console.log(bilingual('CLI_MIGRATED'));
});
