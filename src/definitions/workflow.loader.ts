import type { Db } from '../db/database.ts';
import { bilingual } from '../messages/localized.ts';
import { readWorkflowFiles } from './workflow-files.ts';
import { insertVersionIfMissing, storedVersionKeys } from './workflow.repository.ts';

export class WorkflowLintError extends Error {}

function versionKey(body: unknown): string {
  const { id, version } = body as { id?: unknown; version?: unknown };
  return `${String(id)}@${String(version)}`;
}

/**
 * Stores each workflows/*.json version the database lacks; a stored version is never
 * overwritten. Only those are linted (a stored version was linted when it was stored, and it is
 * the stored one that runs), so a start with nothing new does no linting; broken new definitions
 * stop the start with the linter's findings. `npm run lint:workflows` still lints every file.
 */
export async function loadWorkflowFiles(db: Db, now: Date): Promise<{ inserted: string[] }> {
  const stored = await storedVersionKeys(db);
  const { files, findings } = readWorkflowFiles(undefined, (body) => !stored.has(versionKey(body)));
  if (findings.length > 0) {
    throw new WorkflowLintError(`${bilingual('LINT_DEFINITIONS_BROKEN')}:\n${findings.map((f) => `${f.file}: ${f.path}: ${f.message}`).join('\n')}`);
  }
  const inserted: string[] = [];
  for (const { file, definition } of files) {
    if (await insertVersionIfMissing(db, definition, `loaded from ${file}`, 'system', now)) inserted.push(`${definition.id}@${definition.version}`);
  }
  return { inserted };
}
