import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findingsOf } from './finding.ts';
import { abbreviationUsers, lintDefinition, type Finding } from './linter.ts';
import type { WorkflowDefinition } from './definition.types.ts';

const workflowsFolder = fileURLToPath(new URL('../../workflows', import.meta.url));

export interface WorkflowFile {
  file: string;
  definition: WorkflowDefinition;
}

/** Reads every workflows/*.json and lints them as a set; findings name file, JSON path and problem. */
export function readWorkflowFiles(folder = workflowsFolder): { files: WorkflowFile[]; findings: Finding[] } {
  const names = readdirSync(folder).filter((n) => n.endsWith('.json')).sort();
  const parsed: { file: string; body: unknown }[] = [];
  const findings: Finding[] = [];
  for (const name of names) {
    const file = join('workflows', name);
    try {
      parsed.push({ file, body: JSON.parse(readFileSync(join(folder, name), 'utf8')) });
    } catch (err) {
      findingsOf(file, findings).report('$', 'LINT_NOT_JSON', { detail: (err as Error).message });
    }
  }
  const ids = new Set(parsed.map((p) => (p.body as { id?: string }).id).filter((id): id is string => typeof id === 'string'));
  const abbreviations = abbreviationUsers(parsed.map((p) => p.body as { id: string; abbreviation?: string }));
  for (const p of parsed) {
    findings.push(...lintDefinition(p.file, p.body, ids, abbreviations));
    const id = (p.body as { id?: unknown }).id;
    if (typeof id === 'string' && !p.file.endsWith(`/${id}.json`)) findingsOf(p.file, findings).report('$.id', 'LINT_FILE_NAME', { id });
  }
  return { files: parsed.map((p) => ({ file: p.file, definition: p.body as WorkflowDefinition })), findings };
}
