import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findingsOf } from './finding.ts';
import { abbreviationUsers, lintDefinition, type Finding } from './linter.ts';
import type { WorkflowDefinition } from './definition.types.ts';
import { inProject } from '../project-root.ts';

const workflowsFolder = inProject('workflows');

export interface WorkflowFile {
  file: string;
  definition: WorkflowDefinition;
}

interface ParsedFile {
  file: string;
  body: unknown;
}

/** Reads every workflows/*.json; a file that is not JSON is a finding. */
function parseWorkflowFiles(folder: string): { parsed: ParsedFile[]; findings: Finding[] } {
  const names = readdirSync(folder).filter((n) => n.endsWith('.json')).sort();
  const parsed: ParsedFile[] = [];
  const findings: Finding[] = [];
  for (const name of names) {
    const file = join('workflows', name);
    try {
      parsed.push({ file, body: JSON.parse(readFileSync(join(folder, name), 'utf8')) });
    } catch (err) {
      findingsOf(file, findings).report('$', 'LINT_NOT_JSON', { detail: (err as Error).message });
    }
  }
  return { parsed, findings };
}

const idOf = (body: unknown): unknown => (body as { id?: unknown }).id;

/**
 * Reads every workflows/*.json and lints them (`only`: just the files it keeps, as the start-up
 * does for the versions not stored yet; references to other items are checked against all files).
 * Findings name file, JSON path and problem.
 */
export function readWorkflowFiles(
  folder = workflowsFolder, only: (body: unknown) => boolean = () => true,
): { files: WorkflowFile[]; findings: Finding[] } {
  const { parsed, findings } = parseWorkflowFiles(folder);
  const ids = new Set(parsed.map((p) => idOf(p.body)).filter((id): id is string => typeof id === 'string'));
  const abbreviations = abbreviationUsers(parsed.map((p) => p.body as { id: string; abbreviation?: string }));
  const kept = parsed.filter((p) => only(p.body));
  for (const p of kept) {
    findings.push(...lintDefinition(p.file, p.body, ids, abbreviations));
    const id = idOf(p.body);
    if (typeof id === 'string' && !p.file.endsWith(`/${id}.json`)) findingsOf(p.file, findings).report('$.id', 'LINT_FILE_NAME', { id });
  }
  return { files: kept.map((p) => ({ file: p.file, definition: p.body as WorkflowDefinition })), findings };
}
