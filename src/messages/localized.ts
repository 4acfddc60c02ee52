import { message, type MessageKey } from './catalogue.ts';
import type { Lang } from './lang.ts';

type Vars = Record<string, string | number>;
/** Values for a text, the same in both languages or each language its own (titles, lists joined in its way). */
export type VarsByLang = Vars | ((lang: Lang) => Vars);

const varsIn = (vars: VarsByLang, lang: Lang): Vars => (typeof vars === 'function' ? vars(lang) : vars);

/**
 * A catalogue text in both languages, for what is handed on as `{ zh, en }` (a refusal's detail, a guard's message).
 */
export function localized(key: MessageKey, vars: VarsByLang = {}): { zh: string; en: string } {
  return { zh: message('zh', key, varsIn(vars, 'zh')), en: message('en', key, varsIn(vars, 'en')) };
}

/** "中文 / English" on one line: what an operator reads at a terminal or in a start-up error. */
export function bilingual(key: MessageKey, vars: VarsByLang = {}): string {
  const both = localized(key, vars);
  return `${both.zh} / ${both.en}`;
}
