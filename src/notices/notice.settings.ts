import { ADDRESSEE_SETTINGS } from '../definitions/addressees.ts';
import type { NoticeDef } from '../definitions/definition.types.ts';
import { bilingual } from '../messages/localized.ts';

export type NoticeKind = NoticeDef['kind'];

/** Settings of printed notices; each comes from an environment variable (src/config.ts). */
export interface NoticeSettings {
  /** 复议机关: under the 2023 行政复议法 (art. 24) the people's government at the bureau's own level. REVIEW_BODY. */
  reviewBody: string;
  /** The court for an administrative lawsuit (行政诉讼法 arts. 14, 18; local 集中管辖 may name another). COURT. */
  court: string;
  /**
   * 信访 复查: the body above the one that handled the matter (a local setting:
   * which body it is depends on who handled it). PETITION_REVIEW_BODY.
   */
  petitionReviewBody: string;
  /** 信访 复核: the body above the 复查 body. PETITION_RECHECK_BODY. */
  petitionRecheckBody: string;
  /** Days to ask for 复查 and for 复核 (信访工作条例, not in the catalogue's laws folder: see src/notices/remedies.ts). */
  petitionDays: number;
  /** Days to apply for review (行政复议法 art. 20). */
  reviewDays: number;
  /** Months to sue (行政诉讼法 art. 46). */
  lawsuitMonths: number;
  /** Address the QR code points at: `${publicBaseUrl}/verify/<token>`. PUBLIC_BASE_URL. */
  publicBaseUrl: string;
  /**
   * Number prefix (机关代字), e.g. 新退役 in 新退役受〔2026〕123号; by default
   * the district name's first character + 退役. NOTICE_NUMBER_PREFIX.
   */
  numberPrefix?: string;
  /**
   * Each notice kind's own number series, by the 代字 that follows the prefix (受 in 新退役受〔2026〕123号),
   * apart from the bureau's 公文 series: the bureau's office assigns them, so they are settings. NOTICE_SERIES.
   */
  series: Record<NoticeKind, string>;
  /**
   * A PNG of the electronic seal, pressed over the signature and
   * date; unset (and always in demo mode): （印章）. NOTICE_SEAL_IMAGE.
   */
  sealImage?: string;
  /** Phone printed for questions and objections. NOTICE_CONTACT_PHONE. */
  contactPhone?: string;
  /** Seconds between sweeps for notices whose PDF is still missing. NOTICE_SWEEP_SECONDS. */
  sweepSeconds: number;
  /**
   * Bodies letters are written to, by name (a letter's `addressee: { setting }`); the names are the ones defined here.
   */
  addressees: Record<string, string>;
}

export const NOTICE_DEFAULTS: NoticeSettings = {
  reviewBody: '新河区人民政府',
  court: '新河区人民法院',
  petitionReviewBody: '江川市退役军人事务局',
  petitionRecheckBody: '江川市人民政府',
  petitionDays: 30,
  reviewDays: 60,
  lawsuitMonths: 6,
  publicBaseUrl: 'http://127.0.0.1:3000',
  series: { receipt: '收', accepted: '受', correction: '补', refusal: '告', decision: '决', letter: '介', completion: '办', 'public-notice': '公', other: '函' },
  sweepSeconds: 30,
  addressees: { ...ADDRESSEE_SETTINGS },
};

/**
 * NOTICE_SERIES: `kind=代字` pairs, comma-separated (`refusal=不,letter=函`); kinds not named keep their
 * default. Returns the whole table, or the problems in plain words: an unknown kind, a 代字 that is not
 * one to four hanzi, or two kinds sharing one (their numbers would print alike).
 */
export function parseSeries(text: string | undefined): { series: Record<NoticeKind, string> } | { problems: string[] } {
  const series = { ...NOTICE_DEFAULTS.series };
  const problems: string[] = [];
  for (const pair of (text ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const [kind = '', mark = ''] = pair.split('=').map((p) => p.trim());
    if (!(kind in series)) problems.push(bilingual('NOTICE_SERIES_UNKNOWN_KIND', { kind }));
    else if (!/^\p{Script=Han}{1,4}$/u.test(mark)) problems.push(bilingual('NOTICE_SERIES_BAD_MARK', { kind }));
    else series[kind as NoticeKind] = mark;
  }
  const byMark = new Map<string, string[]>();
  for (const [kind, mark] of Object.entries(series)) byMark.set(mark, [...(byMark.get(mark) ?? []), kind]);
  for (const [mark, kinds] of byMark) {
    if (kinds.length > 1) problems.push(bilingual('NOTICE_SERIES_SHARED_MARK', (lang) => ({ kinds: kinds.join(lang === 'zh' ? '、' : ', '), mark })));
  }
  return problems.length ? { problems } : { series };
}

export function noticeSettings(partial: Partial<NoticeSettings> = {}): NoticeSettings {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  return { ...NOTICE_DEFAULTS, ...defined, series: { ...NOTICE_DEFAULTS.series, ...partial.series }, addressees: { ...NOTICE_DEFAULTS.addressees, ...partial.addressees }, publicBaseUrl: (partial.publicBaseUrl ?? NOTICE_DEFAULTS.publicBaseUrl).replace(/\/+$/, '') };
}
