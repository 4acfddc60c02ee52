import type { FastifyInstance } from 'fastify';
import { attachFiles, type Upload } from '../attachments/attachment.service.ts';
import { AppError } from '../http/errors.ts';
import { maskText } from '../http/mask.ts';
import type { Lang } from '../messages/lang.ts';
import type { User } from '../users/user.service.ts';
import { previewStep } from '../cases/case.service.ts';
import { saveDraft, findDraft } from '../drafts/draft.service.ts';
import { message } from '../messages/catalogue.ts';
import caseActPages from './case-acts.routes.ts';
import caseCheckPages from './case-check.routes.ts';
import caseFilePages from './case-files.routes.ts';
import { loadCase, type LoadedCase } from './case-model.ts';
import { casePage, formPage, type CasePages } from './case-page.ts';
import { changedBy, cleanData, eventAtVersion, eventInfo, explainRefusal, initialData, uploadsOf } from './case-step-form.ts';
import { addError, applyGroupAction, parseForm, withoutRaw } from './form-parse.ts';
import type { Errors } from './form-schema.ts';
import { fmtDateTime } from './view.ts';
import { pageLang, posted, see } from './web.ts';

type IdParams = { id: string };

/**
 * Files posted with a form, stored with the case; a closed case takes none, and each file left out
 * is named, never dropped in silence.
 */
async function keptFiles(app: FastifyInstance, user: User, lc: LoadedCase, uploads: Upload[], lang: Lang) {
  try {
    const res = await attachFiles(app.caseDeps, user, lc.row.id, uploads, lang);
    return { attached: res.attached, problems: res.problems.map((x) => x.message) };
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'CASE_CLOSED') throw err;
    return { attached: [], problems: uploads.map((u) => message(lang, 'EDIT_FILE_NOT_KEPT', { f: maskText(u.filename) })) };
  }
}
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
    const form = posted(req);
    const action = form.first('_action') ?? 'continue';
    const expectedVersion = Number(form.first('_version'));
    const draftVersion = Number(form.first('_draft') ?? 0) || 0;
    let lc = await loadCase(app, user, req.params.id, lang);
    const current = eventInfo(lc, req.params.type);
    // The case left the step while the clerk typed: the same form again, with what happened since.
    const info = current ?? (Number.isInteger(expectedVersion)
      ? eventAtVersion(lc, req.params.type, expectedVersion, user.role) : undefined);
    if (!info) return casePage(p, req, reply, lc.row.id, { pageError: message(lang, 'CASE_NOT_AT_STEP_KEPT') }, 409);
    const movedOn = !current;
    const group = /^(add|remove):/.test(action);
    const parsed = parseForm(info.schema, form.get, lang, { keepEmpty: group });
    const data = parsed.data;
    const errors: Errors = new Map(parsed.errors);
    const changedByOthers = Number.isInteger(expectedVersion) && expectedVersion !== lc.row.version;

    // Files first: they are kept even when the form still has mistakes.
    const uploads = uploadsOf(form, lc);
    let attachedCount = 0;
    if (uploads.length) {
      const where = info.schema.properties?.materials ? '/materials' : '';
      const res = await keptFiles(app, user, lc, uploads, lang);
      attachedCount = res.attached.length;
      for (const problem of res.problems) addError(errors, where, problem);
      if (res.attached.length) lc = await loadCase(app, user, lc.row.id, lang);
    }
    // The version the clerk has now seen: theirs plus their own uploads, or the current one once told
    // of others' changes.
    const seenVersion = changedByOthers ? expectedVersion : lc.row.version;
    // The version the form goes back with: kept while the step is gone, so sending again says the same.
    const formVersion = movedOn ? expectedVersion : lc.row.version;
    const conflict = changedByOthers ? changedBy(lc, expectedVersion, user.id, lang) : undefined;

    if (group) {
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
      if (errors.size) return formPage(p, req, reply, lc, info, { data, errors, version: seenVersion, draftVersion: saved.version, banner: message(lang, 'DRAFT_SAVED_FILES_FAILED') }, 422);
      return see(reply, `/cases/${lc.row.id}?saved=1${attachedCount ? `&uploaded=${attachedCount}` : ''}`);
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
}
