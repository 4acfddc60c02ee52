import { readWorkflowFiles } from '../definitions/workflow-files.ts';

const { files, findings } = readWorkflowFiles();
for (const f of findings) console.error(`${f.file}: ${f.path}: ${f.message}`);
console.log(`${files.length} workflow definitions, ${findings.length} problems`);
process.exitCode = findings.length > 0 ? 1 : 0;
