import { message } from '../messages/catalogue.ts';
import type { lintMessages } from '../messages/lint.messages.ts';

/** One problem the linter finds: the file, where in the definition (a JSON path), and what, in words. */
export interface Finding {
  file: string;
  /** JSON path into the definition, e.g. `$.machine.states.review.on.APPROVE.target`. */
  path: string;
  message: string;
}

type LintKey = keyof typeof lintMessages;

/** How a rule reports what it finds: where, and which of the linter's texts with its values. */
export type Report = (path: string, key: LintKey, vars?: Record<string, string | number>) => void;

/**
 * The findings of one file and the report that adds to them (to
 * `findings` when given), worded in English like every finding.
 */
export function findingsOf(file: string, findings: Finding[] = []): { findings: Finding[]; report: Report } {
  return { findings, report: (path, key, vars) => findings.push({ file, path, message: message('en', key, vars) }) };
}

/** A report for a part of the definition, whose rule gives paths relative to it. */
export function within(prefix: string, report: Report): Report {
  return (path, key, vars) => report(`${prefix}${path}`, key, vars);
}
