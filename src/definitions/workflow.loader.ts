import type { Db } from '../db/database.ts';
import { bilingual } from '../messages/localized.ts';
import { readWorkflowFiles } from './workflow-files.ts';
import { insertVersionIfMissing } from './workflow.repository.ts';

export class WorkflowLintError extends Error {}

/**
 * Stores each workflows/*.json version the database lacks; a stored version is never
 * overwritten. Broken definitions stop the start with the linter's findings.
 */
export async function loadWorkflowFiles(db: Db, now: Date): Promise<{ inserted: string[] }> {
  const { files, findings } = readWorkflowFiles();
  if (findings.length > 0) {
    throw new WorkflowLintError(`${bilingual('LINT_DEFINITIONS_BROKEN')}:\n${findings.map((f) => `${f.file}: ${f.path}: ${f.message}`).join('\n')}`);
  }
  const inserted: string[] = [];
  for (const { file, definition } of files) {
    if (await insertVersionIfMissing(db, definition, `loaded from ${file}`, 'system', now)) inserted.push(`${definition.id}@${definition.version}`);
  }
  return { inserted };
}
