/**
 * A long form's section pages and its task list's way on (ADR 0021). Each section is saved into the
 * step's draft and checked by the engine's own rules for its fields; the step is sent only from the
 * check-your-answers page once every section is done.
 */
import { findDraft, saveDraft } from '../drafts/draft.service.ts';
import { sectionsOf } from '../definitions/form-sections.ts';
import { decimalInteger } from '../http/edge-numbers.ts';
import { message } from '../messages/catalogue.ts';
import { loadCase } from './case-model.ts';
import { casePage, formPage, sectionPage, type CasePages } from './case-page.ts';
import { changedBy, eventInfo, initialData, sectionsState, stepProblems } from './case-step-form.ts';
import { applyGroupAction, withoutRaw } from './form-parse.ts';
import { problemsIn, sectionSchema, withSection } from './form-sections.ts';
import { readStepPost } from './step-post.ts';
import { fmtDateTime } from './view.ts';
import { pageLang, see } from './web.ts';

type ActParams = { id: string; type: string };
type SectionParams = ActParams & { n: string };

export default async function caseSectionPages({ app }: CasePages): Promise<void> {
  const p = { app };

  app.get<{ Params: SectionParams }>('/cases/:id/act/:type/section/:n', async (req, reply) => {
    const lang = pageLang(req);
    const user = req.user!;
    const lc = await loadCase(app, user, req.params.id, lang);
    const info = eventInfo(lc, req.params.type);
    if (!info) return see(reply, `/cases/${lc.row.id}`);
    const n = decimalInteger(req.params.n, 1, sectionsOf(info.schema)?.length ?? 0);
    if (n === undefined) return see(reply, `/cases/${lc.row.id}/act/${info.event.type}`);
    const draft = await findDraft(app.db, lc.row.id, user.id, info.event.type);
    return sectionPage(p, req, reply, lc, info, n, {
      data: draft ? draft.data : initialData(lc, info.schema), errors: new Map(), version: lc.row.version,
      draftVersion: draft?.version ?? 0,
      conflict: draft && draft.caseVersion !== lc.row.version
        ? changedBy(lc, draft.caseVersion, user.id, lang)
        : undefined,
    });
  });

  /** A section saved: into the draft whatever its problems, then back to the task list, or the section with its own. */
  app.post<{ Params: SectionParams }>('/cases/:id/act/:type/section/:n', async (req, reply) => {
    const lang = pageLang(req);
    const user = req.user!;
    let n = 0;
    const read = await readStepPost(app, req, (info) => {
      const sections = sectionsOf(info.schema) ?? [];
      n = decimalInteger(req.params.n, 1, sections.length) ?? 0;
      return n ? sectionSchema(info.schema, sections[n - 1]!) : undefined;
    });
    if (!read.ok) return casePage(p, req, reply, read.caseId, { pageError: message(lang, 'CASE_NOT_AT_STEP_KEPT') }, 409);
    const { lc, info, parsed, errors, draftVersion, changedByOthers, seenVersion, conflict } = read;
    const sections = sectionsOf(info.schema)!;
    const answers = parsed.data;
    if (read.group) {
      applyGroupAction(sectionSchema(info.schema, sections[n - 1]!), answers, read.action);
      return sectionPage(p, req, reply, lc, info, n, {
        data: answers, errors: new Map(), draftVersion, conflict,
        version: changedByOthers ? lc.row.version : seenVersion,
      });
    }
    const stored = await findDraft(app.db, lc.row.id, user.id, info.event.type);
    const data = withSection(stored?.data ?? initialData(lc, info.schema), sections[n - 1]!, n, answers);
    const saved = await saveDraft(app.db, {
      caseId: lc.row.id, userId: user.id, eventType: info.event.type, data,
      caseVersion: seenVersion, now: app.clock.now(),
    }, draftVersion);
    if (!saved.ok) {
      return sectionPage(p, req, reply, lc, info, n, {
        data: answers, errors, version: lc.row.version, draftVersion: saved.current.version,
        conflict: message(lang, 'DRAFT_SAVED_ELSEWHERE', { at: fmtDateTime(saved.current.updatedAt) }),
      }, 409);
    }
    const shown = { data: answers, errors, version: lc.row.version, draftVersion: saved.version };
    if (changedByOthers) return sectionPage(p, req, reply, lc, info, n, { ...shown, conflict }, 409);
    // The engine judges the whole draft; this page shows what concerns its own fields.
    const problems = await stepProblems(app, user, lc, info, withoutRaw(data, parsed.raw), lang);
    for (const [pointer, texts] of problemsIn(sections, n, problems)) {
      if (!errors.has(pointer)) errors.set(pointer, texts);
    }
    if (errors.size) return sectionPage(p, req, reply, lc, info, n, shown, 422);
    return see(reply, `/cases/${lc.row.id}/act/${info.event.type}`);
  });

  /** The task list's way on: to check-your-answers when every section is done, else the list saying what is not. */
  app.post<{ Params: ActParams }>('/cases/:id/act/:type/sections', async (req, reply) => {
    const lang = pageLang(req);
    const user = req.user!;
    const lc = await loadCase(app, user, req.params.id, lang);
    const info = eventInfo(lc, req.params.type);
    if (!info) return casePage(p, req, reply, lc.row.id, { pageError: message(lang, 'CASE_NOT_AT_STEP_KEPT') }, 409);
    const draft = await findDraft(app.db, lc.row.id, user.id, info.event.type);
    const data = draft?.data ?? initialData(lc, info.schema);
    const sections = await sectionsState(app, user, lc, info, data, lang);
    if (!sections) return see(reply, `/cases/${lc.row.id}/act/${info.event.type}`);
    if (!sections.ready) {
      const state = { data, errors: sections.problems, version: lc.row.version, draftVersion: draft?.version ?? 0 };
      return formPage(p, req, reply, lc, info, { ...state, incomplete: true }, 422);
    }
    // The check page reads the answers from the draft: answers the case already held make one.
    if (!draft) {
      const key = { caseId: lc.row.id, userId: user.id, eventType: info.event.type };
      await saveDraft(app.db, { ...key, data, caseVersion: lc.row.version, now: app.clock.now() }, 0);
    }
    return see(reply, `/cases/${lc.row.id}/act/${info.event.type}/check`);
  });
}
