import type { WorkflowDefinition } from '../definitions/definition.types.ts';
import type { Lang } from '../messages/lang.ts';
import { diffDefinitions } from '../policy/definition-diff.ts';
import type { impactReport } from '../policy/impact.ts';
import type { VersionAct } from '../policy/publication.service.ts';
import { loc } from './view.ts';

/** How the policy pages word versions, changes, acts and problems. */

export const STATUS: Record<string, { zh: string; en: string }> = {
  draft: { zh: '草稿', en: 'draft' }, published: { zh: '已发布', en: 'published' }, retired: { zh: '已停用', en: 'retired' },
  discarded: { zh: '已废弃', en: 'discarded' },
};
const CHANGE: Record<string, { zh: string; en: string }> = {
  added: { zh: '新增', en: 'added' }, removed: { zh: '删除', en: 'removed' }, changed: { zh: '修改', en: 'changed' },
};
const ACT: Record<VersionAct['act'], { zh: string; en: string }> = {
  created: { zh: '保存草稿', en: 'saved the draft' }, requested: { zh: '申请发布', en: 'requested publication' },
  withdrawn: { zh: '撤回发布申请', en: 'withdrew the request' }, stale: { zh: '申请因草稿或现行版本变化而失效', en: 'request lapsed (the draft or the version in force changed)' },
  approved: { zh: '审批并发布', en: 'approved and published' }, discarded: { zh: '废弃草稿', en: 'discarded the draft' },
};

/** The changes from one definition to another, in words; null when either is too broken to compare. */
export function changesView(from: WorkflowDefinition, to: WorkflowDefinition, lang: Lang) {
  try {
    return diffDefinitions(from, to).map((c) => ({
      area: c.area, change: loc(lang, CHANGE[c.change]), path: c.path, text: loc(lang, c.text),
    }));
  } catch {
    return null;
  }
}

export function historyView(acts: VersionAct[], lang: Lang) {
  return acts.map((a) => ({ act: a.act, text: loc(lang, ACT[a.act]), by: a.byName ?? a.by ?? '—', at: a.at }));
}

/**
 * The impact report as the pages show it: the summary, and a row only for a case with a real
 * problem, named by its case number, each problem in words.
 */
export function impactView(impact: Awaited<ReturnType<typeof impactReport>>, lang: Lang) {
  const zh = lang === 'zh';
  return {
    summary: impact.summary,
    rows: impact.cases.filter((c) => c.flagged).map((c) => ({
      caseId: c.caseId, caseNo: c.caseNo, fromVersion: c.fromVersion, step: loc(lang, c.step) || c.state,
      problems: [
        ...(c.stateExists ? [] : [{ kind: 'bad', text: zh ? '新版本没有此环节：迁移时须指定对应环节' : 'The step is gone: a migration must name where it goes' }]),
        ...c.newRequired.map((r) => ({ kind: 'warn', text: zh ? `须补填新增必填项「${loc(lang, r.title)}」` : `New required field to fill in: "${loc(lang, r.title)}"` })),
        ...c.newMaterials.map((m) => ({ kind: 'warn', text: zh ? `须补交新增必交材料「${loc(lang, m.title)}」` : `New required material to hand in: "${loc(lang, m.title)}"` })),
        ...c.dataErrors.flatMap((d) => d.errors.map((e) => ({ kind: 'warn', text: zh ? `已填内容不符合新表单：${e.message}` : `An answer the new form refuses: ${e.message}` }))),
      ],
    })),
  };
}
