/**
 * What a material's definition says its file must be (`materials[].file`): the types taken and a
 * size range, e.g. the 优待证's photo: JPEG, 20–50 KB. Checked on the bytes as they arrive (the type
 * by content, never by the file name), and said the same way on the upload box and in the refusal.
 */
import type { FileRule } from '../definitions/definition.types.ts';
import { message } from '../messages/catalogue.ts';
import type { Lang } from '../messages/lang.ts';
import type { AttachmentMime } from './file-check.ts';

/** A kilobyte here is 1024 bytes, as photo-taking systems and phones count it. */
const KB = 1024;

const TYPE_NAMES: Record<AttachmentMime, string> = { 'application/pdf': 'PDF', 'image/jpeg': 'JPEG', 'image/png': 'PNG' };

/** "JPEG 格式，20–50 KB": the rule in words. */
export function fileRuleText(rule: FileRule, lang: Lang): string {
  const parts: string[] = [];
  if (rule.types?.length) parts.push(message(lang, 'PHOTO_RULE_TYPES', { types: rule.types.map((t) => TYPE_NAMES[t]).join(message(lang, 'PHOTO_TYPES_OR')) }));
  const { minKB: min, maxKB: max } = rule;
  if (min !== undefined && max !== undefined) parts.push(message(lang, 'PHOTO_RULE_RANGE', { min, max }));
  else if (max !== undefined) parts.push(message(lang, 'PHOTO_RULE_MAX', { max }));
  else if (min !== undefined) parts.push(message(lang, 'PHOTO_RULE_MIN', { min }));
  return parts.join(message(lang, 'PHOTO_RULE_SEPARATOR'));
}

/** What a file box accepts: the rule's types, or every type the service takes. */
export function acceptOf(rule: FileRule | undefined): string | undefined {
  return rule?.types?.join(',');
}

/** Whether a whole file of this type and size keeps the rule. */
export function keepsRule(rule: FileRule, mime: AttachmentMime, bytes: number): boolean {
  if (rule.types?.length && !rule.types.includes(mime)) return false;
  if (rule.minKB !== undefined && bytes < rule.minKB * KB) return false;
  return rule.maxKB === undefined || bytes <= rule.maxKB * KB;
}

/** The refusal of a file that breaks the rule: the rule, then what the file is. */
export function ruleRefusal(
  rule: FileRule, file: { material: string; filename: string; mime: AttachmentMime; bytes: number }, lang: Lang,
): string {
  const size = String(Math.round((file.bytes / KB) * 10) / 10);
  const actual = TYPE_NAMES[file.mime];
  return message(lang, 'PHOTO_REFUSED', { material: file.material, rule: fileRuleText(rule, lang), f: file.filename, actual, size });
}
