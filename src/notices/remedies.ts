import type { Remedy } from '../definitions/definition.types.ts';
import { message } from '../messages/catalogue.ts';
import { chineseNumber, selfReference } from './notice-format.ts';
import type { NoticeSettings } from './notice.settings.ts';

/** Who decided, as the step recorded it: an external body's decision names its own review body and court. */
export interface DecidingBody {
  decisionBody?: string;
  reviewBody?: string;
  court?: string;
}

/**
 * The remedies sentence of an adverse notice, exactly the route its transition names.
 *
 * Sources, none of them in the catalogue's laws folder (checked 2026-12-02, marked uncertain until the
 * bureau's legal office confirms): 行政复议法 (2023) art. 20 (60 days) and art. 23 (复议前置);
 * 行政诉讼法 arts. 45–46 (15 days after a review decision, 6 months otherwise); 信访工作条例 (2022)
 * arts. 35–36 (复查 and 复核 within 30 days each), and 法释〔2018〕1号 art. 1 ¶2 (9), which puts 信访
 * outside administrative litigation. The bodies and day counts are settings, not text in code.
 */
export function remedySentence(remedy: Remedy, s: NoticeSettings, title: string, body: DecidingBody): string {
  const terms = {
    doc: selfReference(title),
    reviewDays: chineseNumber(s.reviewDays),
    petitionDays: chineseNumber(s.petitionDays),
    lawsuitMonths: chineseNumber(s.lawsuitMonths),
    reviewBody: s.reviewBody,
    court: s.court,
    petitionReviewBody: s.petitionReviewBody,
    petitionRecheckBody: s.petitionRecheckBody,
  };
  switch (remedy.kind) {
    case 'administrative':
      return message('zh', remedy.reviewFirst ? 'NOTICE_REMEDY_REVIEW_FIRST' : 'NOTICE_REMEDY_ADMINISTRATIVE', terms);
    case 'external':
      // The deciding body's own review body and court, as the step recorded them.
      return message('zh', 'NOTICE_REMEDY_EXTERNAL', { ...terms, decisionBody: String(body.decisionBody), reviewBody: String(body.reviewBody), court: String(body.court) });
    case 'petition':
      return message('zh', remedy.next === 'recheck' ? 'NOTICE_REMEDY_RECHECK' : 'NOTICE_REMEDY_PETITION', terms);
    case 'none':
      return remedy.reason.zh;
  }
}
