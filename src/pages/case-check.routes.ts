import { previewStep, sendStep, type StepPreview } from '../cases/case.service.ts';
import { deleteDraft, findDraft } from '../drafts/draft.service.ts';
import { AppError } from '../http/errors.ts';
import { message } from '../messages/catalogue.ts';
import type { Lang } from '../messages/lang.ts';
import { caseHeading, choicesOf, fileView, loadCase, outcomeText, personHeader, type LoadedCase } from './case-model.ts';
import { casePage, formPage, type CasePages } from './case-page.ts';
import { changedBy, cleanData, eventAtVersion, eventInfo, explainRefusal, isCounter, moveKind, sectionsState, type EventInfo } from './case-step-form.ts';
import { sectionHref, sectionSchema } from './form-sections.ts';
import { answerRows } from './form-answers.ts';
import type { Errors } from './form-schema.ts';
import { loc } from './view.ts';
import { pageLang, posted, see, sendPage } from './web.ts';

type ActParams = { id: string; type: string };

/** What the check page says will follow the step, or nothing when the step would be refused. */
function outcomeOf(lc: LoadedCase, preview: StepPreview, lang: Lang) {
  if (!preview.ok) return null;
  const stepOf = (state: string) => loc(lang, lc.definition.machine.states[state]?.meta.step);
  const next = preview.done
    ? message(lang, 'CHECK_CASE_CLOSES', { outcome: outcomeText(preview.outcome, lang) || stepOf(preview.state) })
    : preview.state === lc.row.state ? null : stepOf(preview.state);
  return {
    next,
    notices: preview.notices.map((t) => loc(lang, t)),
    children: preview.children.map((t) => loc(lang, t)).filter(Boolean),
  };
}

/** Check your answers (everything the step will record, read back before it is sent) and the step sent. */
export default async function caseCheckPages({ app }: CasePages): Promise<void> {
  const p = { app };

  app.get<{ Params: ActParams }>('/cases/:id/act/:type/check', async (req, reply) => {
    const lang = pageLang(req);
    const user = req.user!;
    const lc = await loadCase(app, user, req.params.id, lang);
    const info = eventInfo(lc, req.params.type);
    if (!info) return see(reply, `/cases/${lc.row.id}`);
    const draft = await findDraft(app.db, lc.row.id, user.id, info.event.type);
    if (info.formId && !draft) return see(reply, `/cases/${lc.row.id}/act/${info.event.type}`);
    const data = draft?.data ?? {};
    const sections = await sectionsState(app, user, lc, info, data, lang);
    if (sections && !sections.ready) return see(reply, `/cases/${lc.row.id}/act/${info.event.type}`);
    const ctx = { choices: choicesOf(lc.definition, isCounter(req)) };
    const rows = answerRows(info.schema, data, lang, ctx);
    // A long form's answers are read back by section, each changed on its own page.
    const groups = sections?.sections.map((s, i) => ({
      title: loc(lang, s.title), href: sectionHref(lc.row.id, info.event.type, i + 1),
      rows: answerRows(sectionSchema(info.schema, s), data, lang, ctx),
    }));
    const version = draft?.caseVersion ?? lc.row.version;
    const preview = await previewStep(app.caseDeps, user, lc, { type: info.event.type, data: cleanData(data) }, lang);
    return sendPage(req, reply, 'check', `${message(lang, 'CHECK_TITLE')} · ${loc(lang, info.event.label)}`, {
      case: caseHeading(lc, lang),
      person: personHeader(lc.person, lang),
      event: {
        type: info.event.type,
        label: loc(lang, info.event.label),
        kind: moveKind(info.event.type),
        hasForm: Boolean(info.formId),
      },
      rows, sections: groups, files: lc.attachments.map(fileView), version, draftVersion: draft?.version ?? 0,
      outcome: outcomeOf(lc, preview, lang),
      editHref: `/cases/${lc.row.id}/act/${info.event.type}`,
      conflict: version !== lc.row.version ? changedBy(lc, version, user.id, lang) : undefined,
    });
  });

  /** The step is sent: the service call of POST /api/v2/cases/:id/events (the page redirects: the compact answer). */
  app.post<{ Params: ActParams }>('/cases/:id/act/:type/check', async (req, reply) => {
    const lang = pageLang(req);
    const user = req.user!;
    const form = posted(req);
    const lc = await loadCase(app, user, req.params.id, lang);
    const draft = await findDraft(app.db, lc.row.id, user.id, req.params.type);
    const expectedVersion = draft?.caseVersion ?? Number(form.first('_version'));
    /** The form again, with what typed kept and what happened since the clerk's version (409). */
    const movedOn = async (at: LoadedCase, info: EventInfo) => formPage(p, req, reply, at, info, {
      data: draft?.data ?? {}, errors: new Map(), draftVersion: draft?.version ?? 0,
      version: eventInfo(at, info.event.type) ? at.row.version : expectedVersion,
      conflict: changedBy(at, expectedVersion, user.id, lang),
    }, 409);
    const info = eventInfo(lc, req.params.type);
    if (!info) {
      const then = Number.isInteger(expectedVersion)
        ? eventAtVersion(lc, req.params.type, expectedVersion, user.role) : undefined;
      return then ? movedOn(lc, then) : casePage(p, req, reply, lc.row.id, { pageError: message(lang, 'CASE_NOT_AT_STEP') }, 409);
    }
    if (info.formId && !draft) return see(reply, `/cases/${lc.row.id}/act/${info.event.type}`);
    const sections = draft && await sectionsState(app, user, lc, info, draft.data, lang);
    if (draft && sections && !sections.ready) {
      const state = { data: draft.data, errors: sections.problems, version: lc.row.version };
      return formPage(p, req, reply, lc, info, { ...state, draftVersion: draft.version, incomplete: true }, 422);
    }
    const data = info.formId ? cleanData(draft!.data) : undefined;
    try {
      const view = await sendStep(app.caseDeps, user, lc.row.id, { type: info.event.type, data, expectedVersion }, `page:${info.event.type}:${expectedVersion}`, lang);
      if (draft) await deleteDraft(app.db, lc.row.id, user.id, info.event.type);
      return see(reply, `/cases/${lc.row.id}?done=${view.version}`);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.code === 'STALE_VERSION') {
        // Someone acted in between: read the case as it is now to say who and what.
        const now = await loadCase(app, user, lc.row.id, lang);
        const then = eventInfo(now, info.event.type)
          ?? eventAtVersion(now, info.event.type, expectedVersion, user.role);
        return movedOn(now, then ?? info);
      }
      const errors: Errors = new Map();
      const state = { data: draft?.data ?? {}, errors, version: lc.row.version, draftVersion: draft?.version ?? 0 };
      explainRefusal(errors, info.schema, err, lang);
      return formPage(p, req, reply, lc, info, state, err.statusCode);
    }
  });
}
