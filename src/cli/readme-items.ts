import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readWorkflowFiles } from '../definitions/workflow-files.ts';
import { itemsTable, replaceItemsTable } from '../docs/items-table.ts';
import { message } from '../messages/catalogue.ts';
import { runCli } from './database.ts';

runCli(async () => {
  const readme = fileURLToPath(new URL('../../README.md', import.meta.url));
  const table = itemsTable(readWorkflowFiles().files.map((f) => f.definition));
  writeFileSync(readme, replaceItemsTable(readFileSync(readme, 'utf8'), table));
  console.log(message('en', 'CLI_README_ITEMS'));
});
