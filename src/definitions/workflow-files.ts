import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDefinitionText, placeInText } from './definition-text.ts';
import { findingsOf } from './finding.ts';
import { abbreviationUsers, lintDefinition, type Finding } from './linter.ts';
import type { WorkflowDefinition } from './definition.types.ts';
import type { Lang } from '../messages/lang.ts';
import { inProject } from '../project-root.ts';

const workflowsFolder = inProject('workflows');

export interface WorkflowFile {
  file: string;
  definition: WorkflowDefinition;
}

interface ParsedFile {
  file: string;
  text: string;
  body: unknown;
}

/** Reads every workflows/*.json; a file that is not one JSON object is a finding, at its line and column. */
function parseWorkflowFiles(folder: string, lang: Lang): { parsed: ParsedFile[]; findings: Finding[] } {
  const names = readdirSync(folder).filter((n) => n.endsWith('.json')).sort();
  const parsed: ParsedFile[] = [];
  const findings: Finding[] = [];
  for (const name of names) {
    const file = join('workflows', name);
    const text = readFileSync(join(folder, name), 'utf8');
    const read = parseDefinitionText(file, text, lang);
    if (read.body) parsed.push({ file, text, body: read.body });
    findings.push(...read.findings);
  }
  return { parsed, findings };
}

const idOf = (body: unknown): unknown => (body as { id?: unknown }).id;

/**
 * Reads every workflows/*.json and lints them (`only`: just the files it keeps, as the start-up
 * does for the versions not stored yet; references to other items are checked against all files).
 * Findings name file, JSON path, line and column, and problem, worded in `lang`.
 */
export function readWorkflowFiles(
  folder = workflowsFolder, only: (body: unknown) => boolean = () => true, lang: Lang = 'zh',
): { files: WorkflowFile[]; findings: Finding[] } {
  const { parsed, findings } = parseWorkflowFiles(folder, lang);
  const ids = new Set(parsed.map((p) => idOf(p.body)).filter((id): id is string => typeof id === 'string'));
  const abbreviations = abbreviationUsers(parsed.map((p) => p.body as { id: string; abbreviation?: string }));
  const kept = parsed.filter((p) => only(p.body));
  for (const p of kept) {
    const own = lintDefinition(p.file, p.body, ids, abbreviations, lang);
    const id = idOf(p.body);
    if (typeof id === 'string' && !p.file.endsWith(`/${id}.json`)) findingsOf(p.file, lang, p.body, own).report('$.id', 'LINT_FILE_NAME', { id });
    findings.push(...placeInText(own, p.text));
  }
  return { files: kept.map((p) => ({ file: p.file, definition: p.body as WorkflowDefinition })), findings };
}
