import { message } from '../messages/catalogue.ts';
import type { Lang } from '../messages/lang.ts';
import type { lintMessages } from '../messages/lint.messages.ts';

/** One problem the linter finds: the file, where in the definition (a JSON path), and what, in words. */
export interface Finding {
  file: string;
  /** JSON path into the definition, e.g. `$.machine.states.review.on.APPROVE.target`. */
  path: string;
  message: string;
}

type LintKey = keyof typeof lintMessages;

/**
 * How a rule reports what it finds: where, and which of the linter's texts with its values; in
 * English unless the rule says (a missing Chinese label is told in Chinese, to whoever writes them).
 */
export type Report = (path: string, key: LintKey, vars?: Record<string, string | number>, lang?: Lang) => void;

/**
 * The findings of one file and the report that adds to them (to
 * `findings` when given), worded in English unless a rule asks otherwise.
 */
export function findingsOf(file: string, findings: Finding[] = []): { findings: Finding[]; report: Report } {
  return { findings, report: (path, key, vars, lang = 'en') => findings.push({ file, path, message: message(lang, key, vars) }) };
}

/** A report for a part of the definition, whose rule gives paths relative to it. */
export function within(prefix: string, report: Report): Report {
  return (path, key, vars, lang) => report(`${prefix}${path}`, key, vars, lang);
}
