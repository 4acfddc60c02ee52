/** Long forms asked in sections behind a task list (ADR 0021). */
export const tasklistMessages = {
  TASKLIST_NOT_STARTED: { zh: '未开始', en: 'Not yet started' },
  TASKLIST_IN_PROGRESS: { zh: '进行中', en: 'In progress' },
  TASKLIST_DONE: { zh: '已完成', en: 'Completed' },
  TASKLIST_PROGRESS: { zh: '已完成 {done} 节，共 {total} 节', en: '{done} of {total} sections completed' },
  TASKLIST_SECTION_INCOMPLETE: { zh: '「{title}」尚未完成', en: '"{title}" is not complete yet' },
  TASKLIST_IN_SECTION: { zh: '「{title}」：{text}', en: '"{title}": {text}' },
  TASKLIST_SECTION_OF: { zh: '第 {n} 节，共 {total} 节', en: 'Section {n} of {total}' },
} as const;
