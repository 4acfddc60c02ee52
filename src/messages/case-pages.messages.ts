/** Texts of the case pages, the step forms and their uploads. */
export const casePagesMessages = {
  UPLOAD_TOO_LARGE: { zh: '文件「{f}」超过10MB，请压缩或分页扫描后再上传', en: 'File "{f}" is larger than 10 MB; compress it or scan fewer pages' },
  UPLOAD_BAD_TYPE: { zh: '文件「{f}」不是PDF、JPEG或PNG格式，或文件不完整', en: 'File "{f}" is not a PDF, JPEG or PNG, or it is incomplete' },
  UPLOAD_EMPTY: { zh: '文件「{f}」是空文件', en: 'File "{f}" is empty' },
} as const;
