import type { Remedy } from '../definitions/definition.types.ts';
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
  const doc = selfReference(title);
  const reviewDays = chineseNumber(s.reviewDays);
  const petitionDays = chineseNumber(s.petitionDays);
  switch (remedy.kind) {
    case 'administrative':
      if (remedy.reviewFirst) {
        return `如对本决定不服，应当自收到${doc}之日起${reviewDays}日内向${s.reviewBody}申请行政复议；对行政复议决定不服的，可以自收到行政复议决定书之日起十五日内向${s.court}提起行政诉讼。`;
      }
      return `如对本决定不服，可以自收到${doc}之日起${reviewDays}日内向${s.reviewBody}申请行政复议，也可以自收到${doc}之日起${chineseNumber(s.lawsuitMonths)}个月内向${s.court}提起行政诉讼。`;
    case 'external':
      return `如对${body.decisionBody}作出的决定不服，可以自收到该决定之日起${reviewDays}日内向${body.reviewBody}申请行政复议，也可以自收到该决定之日起${chineseNumber(s.lawsuitMonths)}个月内向${body.court}提起行政诉讼。`;
    case 'petition':
      if (remedy.next === 'recheck') {
        return `如对复查意见不服，可以自收到${doc}之日起${petitionDays}日内向${s.petitionRecheckBody}请求复核。`;
      }
      return `如对本处理意见不服，可以自收到${doc}之日起${petitionDays}日内请求${s.petitionReviewBody}复查；对复查意见不服的，可以自收到复查意见之日起${petitionDays}日内向${s.petitionRecheckBody}请求复核。`;
    case 'none':
      return remedy.reason.zh;
  }
}
