/** The names files are saved under (Content-Disposition, src/http/download.ts). */
export const downloadMessages = {
  DOWNLOAD_BOTTLENECKS: { zh: '环节用时统计-{from}至{to}.csv', en: 'step-times-{from}-to-{to}.csv' },
  DOWNLOAD_EVENTS: { zh: '办理记录-{from}至{to}.csv', en: 'history-entries-{from}-to-{to}.csv' },
  DOWNLOAD_BANK_FILE: { zh: '银行代发文件-{number}.csv', en: 'bank-file-{number}.csv' },
  DOWNLOAD_ROSTER_NOTICES: { zh: '名册文书-{item}-{period}.pdf', en: 'roster-notices-{item}-{period}.pdf' },
  DOWNLOAD_BATCH_NOTICES: { zh: '批量办理文书-{batch}.pdf', en: 'batch-notices-{batch}.pdf' },
  DOWNLOAD_DEFINITION: { zh: '{title}-第{version}版.json', en: '{title}-version-{version}.json' },
} as const;
