import type { Lang } from '../messages/lang.ts';
import type { lintMessages } from '../messages/lint.messages.ts';
import { localized, type VarsByLang } from '../messages/localized.ts';
import type { Localized } from './definition.types.ts';
import { placeOf, type Place } from './finding-place.ts';

/**
 * One problem the linter finds: the file, where in the definition (a JSON path, and the part of the
 * item it names), and what, in both languages; `message` is the text in the language linted for.
 * Drafts store findings as they are, so a page or an answer words them in its reader's language.
 */
export interface Finding {
  file: string;
  /** JSON path into the definition, e.g. `$.machine.states.review.on.APPROVE.target`. */
  path: string;
  /** The catalogue key of the text (src/messages/lint.messages.ts). */
  code: string;
  message: string;
  text: Localized;
  at: Place;
}

type LintKey = keyof typeof lintMessages;

/** How a rule reports what it finds: where (a JSON path), and which of the linter's texts with its values. */
export type Report = (path: string, key: LintKey, vars?: VarsByLang) => void;

/**
 * The findings of one file and the report that adds to them (to `findings` when given), worded in
 * `lang`; `definition` (as found, perhaps broken) names the step, move or field each one is at.
 */
export function findingsOf(
  file: string, lang: Lang, definition?: unknown, findings: Finding[] = [],
): { findings: Finding[]; report: Report } {
  return {
    findings,
    report: (path, key, vars) => {
      const text = localized(key, vars);
      findings.push({ file, path, code: key, message: text[lang], text, at: placeOf(definition, path) });
    },
  };
}

/** A report for a part of the definition, whose rule gives paths relative to it. */
export function within(prefix: string, report: Report): Report {
  return (path, key, vars) => report(`${prefix}${path}`, key, vars);
}

/** A finding as a reader gets it: its text and its place in one language. */
export interface FindingView {
  file: string;
  path: string;
  code?: string;
  message: string;
  at: Omit<Place, 'label'> & { label: string };
}

/** A finding as a draft stored it: before ADR 0032, file, path and an English message only. */
export type StoredFinding = Pick<Finding, 'file' | 'path' | 'message'> & Partial<Finding>;

/** A stored finding whole: one stored before its place was, placed in its definition. */
export function asFinding(f: StoredFinding, definition?: unknown): Finding {
  return { code: '', ...f, text: f.text ?? { zh: f.message, en: f.message }, at: f.at ?? placeOf(definition, f.path) };
}

/** A finding in `lang`. */
export function findingIn(lang: Lang, stored: StoredFinding, definition?: unknown): FindingView {
  const f = asFinding(stored, definition);
  const at = { ...f.at, label: f.at.label[lang] };
  return { file: f.file, path: f.path, ...(f.code ? { code: f.code } : {}), message: f.text[lang], at };
}
