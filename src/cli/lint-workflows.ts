import { readWorkflowFiles } from '../definitions/workflow-files.ts';
import { message } from '../messages/catalogue.ts';

const { files, findings } = readWorkflowFiles();
for (const f of findings) console.error(`${f.file}: ${f.path}: ${f.message}`);
console.log(message('en', 'CLI_LINT_SUMMARY', { files: files.length, problems: findings.length }));
process.exitCode = findings.length > 0 ? 1 : 0;
