/** What the command-line tools print (npm run migrate, seed:demo, verify, lint:workflows, readme:items). */
export const cliMessages = {
  CLI_MIGRATED: { zh: '数据库结构已是最新', en: 'migrations applied' },
  CLI_DEMO_SEEDED: { zh: '已写入演示区县及演示用户（密码 demo1234）', en: 'demo district and users seeded (password demo1234)' },
  CLI_LINT_SUMMARY: { zh: '工作流定义 {files} 个，问题 {problems} 个', en: '{files} workflow definitions, {problems} problems' },
  CLI_README_ITEMS: { zh: 'README 事项表已更新', en: 'README items table updated' },
  CLI_VERIFY_MISMATCH: { zh: '不一致：案件 {caseId}：{problem}', en: 'MISMATCH case {caseId}: {problem}' },
  CLI_VERIFY_FAILED: { zh: '核验未通过', en: 'verify FAILED' },
  CLI_VERIFY_FAILED_DETAIL: {
    zh: '{total} 件案件中有 {cases} 件与其办理记录不符（记录 {events} 条，发放 {payments} 笔，{seconds} 秒）',
    en: '{cases} of {total} cases do not match their history ({events} history entries, {payments} payments, {seconds} s)',
  },
  CLI_VERIFY_OK: { zh: '核验通过', en: 'verify OK' },
  CLI_VERIFY_OK_DETAIL: {
    zh: '案件 {cases} 件，办理记录 {events} 条；每个快照都等于其记录的重放，每条记录链都完整，{payments} 笔发放与之相符（{seconds} 秒）',
    en: '{cases} cases, {events} history entries; every snapshot equals the replay of its history, every history chain holds, {payments} payments agree with it ({seconds} s)',
  },
} as const;
