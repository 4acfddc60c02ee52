/**
 * The fixed wording notices print outside their templates (templates/notices/*.hbs are the documents
 * themselves), and what notice settings are told when they are wrong. Notices are printed in Chinese;
 * the English says what each sentence is.
 */
export const noticeMessages = {
  NOTICE_DATE_TO_FILL: { zh: '年　　月　　日', en: 'Date:' },
  NOTICE_SEAL_MARK: { zh: '（印章）', en: '(seal)' },
  NOTICE_SCAN_TO_VERIFY: { zh: '扫码核验 {url}', en: 'Scan to verify {url}' },
  NOTICE_YES: { zh: '是', en: 'Yes' },
  NOTICE_NO: { zh: '否', en: 'No' },
  NOTICE_ORIGINAL_SEEN: { zh: '原件已核验，复印件留存', en: 'Original checked, copy kept' },
  NOTICE_COPY: { zh: '复印件', en: 'Copy' },
  NOTICE_BRING_ORIGINAL: { zh: '提供原件核验，复印件留存', en: 'Bring the original to be checked; a copy is kept' },
  NOTICE_BRING_COPY: { zh: '提供复印件', en: 'Bring a copy' },
  NOTICE_OTHER_CORRECTIONS: { zh: '其他需补正事项', en: 'Other things to correct' },
  NOTICE_APPLIED_ON: { zh: '于{date}申请办理的', en: 'applied for on {date}' },
  NOTICE_DAYS_LATE: { zh: '{days}日（期限届满之日为{end}，实际为{at}）', en: '{days} days (the period ended on {end}, it was {at})' },
  NOTICE_LAPSE_CONTINUES: { zh: '逾期未补正的，本机关将依据现有材料继续办理，不因此终止本事项', en: 'Without the correction in time, the bureau goes on with what it has; the matter does not end for it' },
  NOTICE_LAPSE_WITHDRAWN: { zh: '逾期未补正且无正当理由的，视为撤回本次申请，本机关将出具书面告知', en: 'Without the correction in time and good reason, the application counts as withdrawn; the bureau says so in writing' },
  NOTICE_LAPSE_ENDS: { zh: '逾期未补正的，本事项将以“{step}”办结，本机关将出具书面告知', en: 'Without the correction in time, the matter ends as "{step}"; the bureau says so in writing' },
  NOTICE_REMEDY_REVIEW_FIRST: {
    zh: '如对本决定不服，应当自收到{doc}之日起{reviewDays}日内向{reviewBody}申请行政复议；对行政复议决定不服的，可以自收到行政复议决定书之日起十五日内向{court}提起行政诉讼。',
    en: 'Against this decision, apply to {reviewBody} for administrative review within {reviewDays} days of receiving {doc}; against the review decision, sue at {court} within fifteen days of receiving it.',
  },
  NOTICE_REMEDY_ADMINISTRATIVE: {
    zh: '如对本决定不服，可以自收到{doc}之日起{reviewDays}日内向{reviewBody}申请行政复议，也可以自收到{doc}之日起{lawsuitMonths}个月内向{court}提起行政诉讼。',
    en: 'Against this decision, you may apply to {reviewBody} for administrative review within {reviewDays} days of receiving {doc}, or sue at {court} within {lawsuitMonths} months of receiving it.',
  },
  NOTICE_REMEDY_EXTERNAL: {
    zh: '如对{decisionBody}作出的决定不服，可以自收到该决定之日起{reviewDays}日内向{reviewBody}申请行政复议，也可以自收到该决定之日起{lawsuitMonths}个月内向{court}提起行政诉讼。',
    en: 'Against the decision of {decisionBody}, you may apply to {reviewBody} for administrative review within {reviewDays} days of receiving it, or sue at {court} within {lawsuitMonths} months of receiving it.',
  },
  NOTICE_REMEDY_RECHECK: {
    zh: '如对复查意见不服，可以自收到{doc}之日起{petitionDays}日内向{petitionRecheckBody}请求复核。',
    en: 'Against the re-examination opinion, you may ask {petitionRecheckBody} for a recheck within {petitionDays} days of receiving {doc}.',
  },
  NOTICE_REMEDY_PETITION: {
    zh: '如对本处理意见不服，可以自收到{doc}之日起{petitionDays}日内请求{petitionReviewBody}复查；对复查意见不服的，可以自收到复查意见之日起{petitionDays}日内向{petitionRecheckBody}请求复核。',
    en: 'Against this opinion, you may ask {petitionReviewBody} to re-examine it within {petitionDays} days of receiving {doc}; against the re-examination opinion, ask {petitionRecheckBody} for a recheck within {petitionDays} days of receiving it.',
  },
  NOTICE_SERIES_UNKNOWN_KIND: { zh: 'NOTICE_SERIES：没有"{kind}"这种文书', en: 'no notice kind "{kind}"' },
  NOTICE_SERIES_BAD_MARK: { zh: 'NOTICE_SERIES：{kind} 的代字须为一至四个汉字', en: 'the mark of {kind} must be one to four hanzi' },
  NOTICE_SERIES_SHARED_MARK: { zh: 'NOTICE_SERIES：{kinds} 共用代字"{mark}"，文号会重复', en: '{kinds} share the mark {mark}: their numbers would repeat' },
  NOTICE_SEAL_UNREADABLE: { zh: 'NOTICE_SEAL_IMAGE：无法读取印章图片 {file}：{detail}', en: 'cannot read the seal image {file}: {detail}' },
  NOTICE_SEAL_NOT_PNG: { zh: 'NOTICE_SEAL_IMAGE：{file} 不是 PNG 图片', en: '{file} is not a PNG image' },
  NOTICE_SEAL_OPAQUE: { zh: 'NOTICE_SEAL_IMAGE：{file} 没有透明背景，会遮住署名和日期', en: '{file} has no transparency and would hide the signature and date' },
} as const;
