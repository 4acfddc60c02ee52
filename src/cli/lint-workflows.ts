import { parseArgs } from 'node:util';
import { readWorkflowFiles } from '../definitions/workflow-files.ts';
import { message } from '../messages/catalogue.ts';
import type { Lang } from '../messages/lang.ts';

// Chinese, like the pages; `--lang en`, or an English locale (LANG=en_US.UTF-8), for English.
// A folder named after the options is checked instead of workflows/ (references to other items against it).
const { values, positionals } = parseArgs({ options: { lang: { type: 'string' } }, allowPositionals: true });
const asked = values.lang ?? process.env.LC_ALL ?? process.env.LANG ?? '';
const lang: Lang = /^en/i.test(asked) ? 'en' : 'zh';

const { files, findings } = readWorkflowFiles(positionals[0], undefined, lang);
for (const f of findings) {
  const where = f.at.kind === 'json' ? '' : `${f.at.label[lang]}: `;
  console.error(`${f.file}:${f.at.line ?? 1}:${f.at.column ?? 1}: ${where}${f.message}  (${f.path})`);
}
console.log(message(lang, 'CLI_LINT_SUMMARY', { files: files.length, problems: findings.length }));
process.exitCode = findings.length > 0 ? 1 : 0;
