import type { FastifyInstance } from 'fastify';
import { previewStep } from '../cases/case.service.ts';
import { saveDraft, findDraft } from '../drafts/draft.service.ts';
import { message } from '../messages/catalogue.ts';
import caseActPages from './case-acts.routes.ts';
import caseCheckPages from './case-check.routes.ts';
import caseFilePages from './case-files.routes.ts';
import caseSectionPages from './case-sections.routes.ts';
import { loadCase } from './case-model.ts';
import { casePage, formPage, type CasePages } from './case-page.ts';
import { changedBy, cleanData, eventAtVersion, eventInfo, explainRefusal, initialData } from './case-step-form.ts';
import { applyGroupAction, withoutRaw } from './form-parse.ts';
import { readStepPost } from './step-post.ts';
import { fmtDateTime } from './view.ts';
import { pageLang, see } from './web.ts';

type IdParams = { id: string };

type ActParams = { id: string; type: string };

/** The case page and a step's form: shown, saved as a draft, checked before the check-your-answers page. */
export default async function casePages(app: FastifyInstance): Promise<void> {
  const p: CasePages = { app };

  app.get<{ Params: IdParams }>('/cases/:id', async (req, reply) => casePage(p, req, reply, req.params.id));

  app.get<{ Params: ActParams }>('/cases/:id/act/:type', async (req, reply) => {
    const lang = pageLang(req);
    const lc = await loadCase(app, req.user!, req.params.id, lang);
    const current = eventInfo(lc, req.params.type);
    const draft = await findDraft(app.db, lc.row.id, req.user!.id, req.params.type);
    // A draft kept for a step the case has left comes back with what happened since.
    const info = current ?? (draft && eventAtVersion(lc, req.params.type, draft.caseVersion, req.user!.role));
    if (!info || (!current && !info.formId)) return see(reply, `/cases/${lc.row.id}`);
    if (!info.formId) return see(reply, `/cases/${lc.row.id}/act/${info.event.type}/check`);
    return formPage(p, req, reply, lc, info, {
      data: draft ? draft.data : initialData(lc, info.schema),
      errors: new Map(),
      version: current ? lc.row.version : draft!.caseVersion,
      draftVersion: draft?.version ?? 0,
      restored: draft,
      conflict: draft && draft.caseVersion !== lc.row.version
        ? changedBy(lc, draft.caseVersion, req.user!.id, lang)
        : undefined,
    });
  });

  /**
   * A step's form posted: files are stored, the data read and checked; then the check page, a saved
   * draft, or the form again.
   */
  app.post<{ Params: ActParams }>('/cases/:id/act/:type', async (req, reply) => {
    const lang = pageLang(req);
    const user = req.user!;
    const read = await readStepPost(app, req, (info) => info.schema);
    if (!read.ok) return casePage(p, req, reply, read.caseId, { pageError: message(lang, 'CASE_NOT_AT_STEP_KEPT') }, 409);
    const { lc, info, action, parsed, errors, draftVersion, changedByOthers, seenVersion, formVersion } = read;
    const { conflict } = read;
    const data = parsed.data;

    if (read.group) {
      applyGroupAction(info.schema, data, action);
      return formPage(p, req, reply, lc, info, {
        data, errors: new Map(), version: changedByOthers ? formVersion : seenVersion, draftVersion, conflict,
      });
    }

    const saved = await saveDraft(app.db, {
      caseId: lc.row.id, userId: user.id, eventType: info.event.type, data,
      caseVersion: seenVersion, now: app.clock.now(),
    }, draftVersion);
    if (!saved.ok) {
      // Another tab of this clerk saved in between: show theirs, keep nothing silently.
      return formPage(p, req, reply, lc, info, {
        data, errors, version: lc.row.version, draftVersion: saved.current.version,
        conflict: message(lang, 'DRAFT_SAVED_ELSEWHERE', { at: fmtDateTime(saved.current.updatedAt) }),
      }, 409);
    }
    if (action === 'save' || action === 'upload') {
      // Only a file that was chosen and refused is a file "not attached"; other mistakes are the form's.
      const banner = message(lang, read.filesRefused ? 'DRAFT_SAVED_FILES_FAILED' : 'FORM_MSG_DRAFT_SAVED_WITH_ERRORS');
      const state = { data, errors, version: seenVersion, draftVersion: saved.version, banner };
      if (errors.size) return formPage(p, req, reply, lc, info, state, 422);
      return see(reply, `/cases/${lc.row.id}?saved=1${read.attachedCount ? `&uploaded=${read.attachedCount}` : ''}`);
    }

    if (changedByOthers) {
      const state = { data, errors, version: formVersion, draftVersion: saved.version, conflict };
      return formPage(p, req, reply, lc, info, state, 409);
    }
    // The same checks the step itself will make (form, guards, who may act), without writing anything.
    const event = { type: info.event.type, data: cleanData(withoutRaw(data, parsed.raw)) };
    const preview = await previewStep(app.caseDeps, user, lc, event, lang);
    if (!preview.ok) explainRefusal(errors, info.schema, preview.error, lang);
    if (errors.size) {
      const state = { data, errors, version: lc.row.version, draftVersion: saved.version };
      return formPage(p, req, reply, lc, info, state, 422);
    }
    return see(reply, `/cases/${lc.row.id}/act/${info.event.type}/check`);
  });

  await caseCheckPages(p);
  await caseActPages(p);
  await caseFilePages(p);
  await caseSectionPages(p);
}
