import t from 'tap';
import { readFileSync } from 'node:fs';
import { readWorkflowFiles } from '../src/definitions/workflow-files.ts';
import { ITEMS_END, ITEMS_START, itemsTable } from '../src/docs/items-table.ts';

t.test("the README's table of the 22 items matches the definitions", async (t) => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const inReadme = readme.slice(readme.indexOf(ITEMS_START) + ITEMS_START.length, readme.indexOf(ITEMS_END));
  const expected = itemsTable(readWorkflowFiles().files.map((f) => f.definition));
  t.equal(inReadme, expected, 'run `npm run -s readme:items` after changing a definition');
  t.equal(inReadme.trim().split('\n').length, 24, 'a header, a rule and 22 rows');
});
