/** The clerks' and supervisors' pages (src/pages/): titles, form errors and notes, in Chinese and English. */
export const pagesMessages = {
  PAGE_CSRF_FAILED: { zh: '页面已过期或来源不明，表单未提交。请返回上一页，刷新后重新提交。', en: 'The page expired or came from elsewhere, so the form was not sent. Go back, reload and send it again.' },
  PAGE_ERROR_TITLE: { zh: '出错了', en: 'Something went wrong' },
  PAGE_ERROR_INTERNAL: { zh: '系统内部错误，请稍后再试。', en: 'Something went wrong; try again later.' },
  PAGE_ERROR_NOT_FOUND: { zh: '未找到该页面，或它不在您的辖区内。', en: 'Not found, or not in your area.' },
  PAGE_ERROR_TOO_LARGE: { zh: '提交的内容过大（单个文件不超过10MB）。', en: 'What you sent is too large (10 MB per file at most).' },
  PAGE_ERROR_TOO_MANY_REQUESTS: { zh: '请求过于频繁，请稍后再试。', en: 'Too many requests; try again later.' },
  PAGE_ERROR_MALFORMED: { zh: '提交的内容格式不正确，请重新提交。', en: 'What you sent is malformed; please send it again.' },
  PAGE_ERROR_BAD_REQUEST: { zh: '请求格式不正确。', en: 'The request is malformed.' },
} as const;
