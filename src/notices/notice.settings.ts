/** Settings of printed notices; each comes from an environment variable (src/config.ts). */
export interface NoticeSettings {
  /** 复议机关: under the 2023 行政复议法 (art. 24) the people's government at the bureau's own level. REVIEW_BODY. */
  reviewBody: string;
  /** The court for an administrative lawsuit (行政诉讼法 arts. 14, 18; local 集中管辖 may name another). COURT. */
  court: string;
  /** 复议前置: when set, the notice says review must come first and a lawsuit only after the review decision. REVIEW_FIRST. */
  reviewFirst: boolean;
  /** Days to apply for review (行政复议法 art. 20). */
  reviewDays: number;
  /** Months to sue (行政诉讼法 art. 46). */
  lawsuitMonths: number;
  /** Address the QR code points at: `${publicBaseUrl}/verify/<token>`. PUBLIC_BASE_URL. */
  publicBaseUrl: string;
  /** Number prefix (机关代字), e.g. 新退役 in 新退役〔2026〕第000123号; by default the district name's first character + 退役. NOTICE_NUMBER_PREFIX. */
  numberPrefix?: string;
  /** Phone printed for questions and objections. NOTICE_CONTACT_PHONE. */
  contactPhone?: string;
  /** Seconds between sweeps for notices whose PDF is still missing. NOTICE_SWEEP_SECONDS. */
  sweepSeconds: number;
  /** Bodies letters are written to, by name (a letter's `addressee: { setting }`); the names are the ones defined here. */
  addressees: Record<string, string>;
}

export const NOTICE_DEFAULTS: NoticeSettings = {
  reviewBody: '新河区人民政府',
  court: '新河区人民法院',
  reviewFirst: false,
  reviewDays: 60,
  lawsuitMonths: 6,
  publicBaseUrl: 'http://127.0.0.1:3000',
  sweepSeconds: 30,
  // The demo district's own offices; a deployment names its own.
  addressees: { legalAidCentre: '新河区法律援助中心', socialInsuranceAgency: '新河区社会保险事业管理中心' },
};

export function noticeSettings(partial: Partial<NoticeSettings> = {}): NoticeSettings {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  return { ...NOTICE_DEFAULTS, ...defined, addressees: { ...NOTICE_DEFAULTS.addressees, ...partial.addressees }, publicBaseUrl: (partial.publicBaseUrl ?? NOTICE_DEFAULTS.publicBaseUrl).replace(/\/+$/, '') };
}
