/**
 * A definition as text (a workflows/*.json file, the policy page's editor): read as JSON, with a
 * syntax error told in the catalogue's words at its line and column, and each finding placed at
 * the line of the value it names. jsonc-parser reads the positions; JSON.parse stays the judge of
 * what is JSON.
 */
import { parseTree, ParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { MessageKey } from '../messages/catalogue.ts';
import type { Lang } from '../messages/lang.ts';
import { localized } from '../messages/localized.ts';
import type { Finding } from './finding.ts';
import { findingsOf } from './finding.ts';
import { pathKeys } from './finding-place.ts';

const PROBLEMS: Partial<Record<ParseErrorCode, MessageKey>> = {
  [ParseErrorCode.InvalidSymbol]: 'JSON_INVALID_SYMBOL',
  [ParseErrorCode.InvalidNumberFormat]: 'JSON_INVALID_NUMBER',
  [ParseErrorCode.PropertyNameExpected]: 'JSON_PROPERTY_NAME_EXPECTED',
  [ParseErrorCode.ValueExpected]: 'JSON_VALUE_EXPECTED',
  [ParseErrorCode.ColonExpected]: 'JSON_COLON_EXPECTED',
  [ParseErrorCode.CommaExpected]: 'JSON_COMMA_EXPECTED',
  [ParseErrorCode.CloseBraceExpected]: 'JSON_CLOSE_BRACE_EXPECTED',
  [ParseErrorCode.CloseBracketExpected]: 'JSON_CLOSE_BRACKET_EXPECTED',
  [ParseErrorCode.EndOfFileExpected]: 'JSON_END_EXPECTED',
  [ParseErrorCode.InvalidCommentToken]: 'JSON_COMMENT',
  [ParseErrorCode.UnexpectedEndOfComment]: 'JSON_COMMENT',
  [ParseErrorCode.UnexpectedEndOfString]: 'JSON_UNTERMINATED_STRING',
  [ParseErrorCode.UnexpectedEndOfNumber]: 'JSON_INVALID_NUMBER',
  [ParseErrorCode.InvalidUnicode]: 'JSON_BAD_ESCAPE',
  [ParseErrorCode.InvalidEscapeCharacter]: 'JSON_BAD_ESCAPE',
  [ParseErrorCode.InvalidCharacter]: 'JSON_BAD_CHARACTER',
};

const STRICT = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false };

/** 1-based line and column (in characters) of an offset. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: before.length - lineStart + 1 };
}

/** Where and why JSON.parse refused the text: jsonc-parser's first error (JSON.parse's own offset if it sees none). */
function syntaxError(text: string, err: Error): { offset: number; problem: MessageKey } {
  const errors: ParseError[] = [];
  parseTree(text, errors, STRICT);
  const first = errors[0];
  if (first) return { offset: first.offset, problem: PROBLEMS[first.error] ?? 'JSON_OTHER' };
  if (!text.trim()) return { offset: 0, problem: 'JSON_EMPTY' };
  const at = /position (\d+)/.exec(err.message);
  return { offset: at ? Number(at[1]) : 0, problem: 'JSON_OTHER' };
}

/**
 * The definition in `text`, or the one finding that says why there is none: where the text stops
 * being JSON, or that it is not one object.
 */
export function parseDefinitionText(
  file: string, text: string, lang: Lang,
): { body?: Record<string, unknown>; findings: Finding[] } {
  const { findings, report } = findingsOf(file, lang);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    const { offset, problem } = syntaxError(text, err as Error);
    const { line, column } = lineAndColumn(text, offset);
    report('$', 'LINT_JSON_SYNTAX', (l) => ({ line, column, problem: localized(problem)[l] }));
    findings[0]!.at = { ...findings[0]!.at, kind: 'json', line, column, label: localized('LINT_AT_LINE', { line }) };
    return { findings };
  }
  if (body && typeof body === 'object' && !Array.isArray(body)) return { body: body as Record<string, unknown>, findings };
  report('$', 'LINT_JSON_NOT_OBJECT');
  return { findings: placeInText(findings, text) };
}

/** The node of a value by its keys, or the nearest one above it that the text has. */
function nodeAt(root: Node, keys: string[]): Node {
  let node = root;
  for (const key of keys) {
    const next = node.type === 'array'
      ? node.children?.[Number(key)]
      : node.children?.find((p) => p.children?.[0]?.value === key)?.children?.[1];
    if (!next) break;
    node = next;
  }
  return node;
}

/** The findings with the line and column, in `text`, of what each names (the property's name, where it has one). */
export function placeInText(findings: Finding[], text: string): Finding[] {
  const root = parseTree(text, [], STRICT);
  if (!root) return findings;
  return findings.map((f) => {
    if (f.at.line !== undefined) return f;
    const node = nodeAt(root, pathKeys(f.path));
    const start = node.parent?.type === 'property' ? node.parent.offset : node.offset;
    return { ...f, at: { ...f.at, ...lineAndColumn(text, start) } };
  });
}
