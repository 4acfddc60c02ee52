import { caseNoMessages } from './case-no.messages.ts';
import { casePagesMessages } from './case-pages.messages.ts';
import { cliMessages } from './cli.messages.ts';
import { downloadMessages } from './download.messages.ts';
import { engineMessages } from './engine.messages.ts';
import { accessMessages } from './access.messages.ts';
import { holdMessages } from './hold.messages.ts';
import { errorMessages } from './error.messages.ts';
import { lintMessages } from './lint.messages.ts';
import { moneyMessages } from './money.messages.ts';
import { noticeMessages } from './notice.messages.ts';
import { pagesMessages } from './pages.messages.ts';
import { queueMessages } from './queue.messages.ts';
import { serviceMessages } from './service.messages.ts';
import { tasklistMessages } from './tasklist.messages.ts';
import { supervisionMessages } from './supervision.messages.ts';
import type { Lang } from './lang.ts';

/**
 * The one message catalogue: every text the service shows a person (API errors, pages, the linter's
 * findings, notices' fixed wording), keyed like the error codes, in Chinese and English. Each area
 * keeps its part in `<area>.messages.ts`; this file puts them together, so a key is defined once.
 */
export const catalogue = {
  ...errorMessages,
  ...pagesMessages,
  ...serviceMessages,
  ...casePagesMessages,
  ...lintMessages,
  ...noticeMessages,
  ...cliMessages,
  ...engineMessages,
  ...accessMessages,
  ...tasklistMessages,
  ...supervisionMessages,
  ...moneyMessages,
  ...caseNoMessages,
  ...queueMessages,
  ...holdMessages,
  ...downloadMessages,
} as const;

export type MessageKey = keyof typeof catalogue;

/** A catalogue text in `lang`, with `{name}` placeholders filled from `vars`. */
export function message(lang: Lang, key: MessageKey, vars: Record<string, string | number> = {}): string {
  const text: string = catalogue[key][lang];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}
