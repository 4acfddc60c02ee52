/** The short case number (退报-2026-00123, docs/adr/0020-case-numbers.md): where it is read, typed or checked. */
export const caseNoMessages = {
  CASE_NO_MALFORMED: { zh: '“{text}”不是案件编号（案件编号形如 退报-2026-00123）', en: '"{text}" is not a case number (case numbers look like 退报-2026-00123)' },
  CASE_NO_ALREADY_OPEN: { zh: '该对象已有同一事项的在办案件 {caseNo}', en: 'This person already has an open case of this item: {caseNo}' },
  CASE_NO_NOT_FOUND: { zh: '本辖区没有编号为 {caseNo} 的案件', en: 'There is no case {caseNo} in your area' },
} as const;
