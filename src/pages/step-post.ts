/**
 * A step's form, or one section of it, as posted: files stored first, the fields read, and whether
 * someone else changed the case meanwhile. Shared by the one-page form and the section pages.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { attachFiles, type Upload } from '../attachments/attachment.service.ts';
import type { JsonSchema } from '../definitions/definition.types.ts';
import { AppError } from '../http/errors.ts';
import { maskText } from '../http/mask.ts';
import { message } from '../messages/catalogue.ts';
import type { Lang } from '../messages/lang.ts';
import type { User } from '../users/user.service.ts';
import { loadCase, type LoadedCase } from './case-model.ts';
import { changedBy, eventAtVersion, eventInfo, uploadsOf, type EventInfo } from './case-step-form.ts';
import { addError, parseForm, type ParseResult } from './form-parse.ts';
import type { Errors } from './form-schema.ts';
import { pageLang, posted } from './web.ts';

export interface StepPost {
  ok: true;
  lc: LoadedCase;
  info: EventInfo;
  action: string;
  /** An add or remove button of a repeating group: the form is shown again, nothing is checked. */
  group: boolean;
  parsed: ParseResult;
  errors: Errors;
  draftVersion: number;
  changedByOthers: boolean;
  /** The version the clerk has now seen: theirs plus their own uploads, or theirs once told of others' changes. */
  seenVersion: number;
  /** The version the form goes back with: kept while the step is gone, so sending again says the same. */
  formVersion: number;
  conflict?: string;
  attachedCount: number;
  /** Files chosen and refused: only these make a saved draft speak of files not attached. */
  filesRefused: number;
}

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

/**
 * Reads the post of move `type` with the fields of `schemaOf(info)`; `{ ok: false }` when the move
 * is no longer the user's to make (or the schema is not there).
 */
export async function readStepPost(
  app: FastifyInstance, req: FastifyRequest<{ Params: { id: string; type: string } }>,
  schemaOf: (info: EventInfo) => JsonSchema | undefined,
): Promise<StepPost | { ok: false; caseId: string }> {
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
  const schema = info && schemaOf(info);
  if (!info || !schema) return { ok: false, caseId: lc.row.id };
  const group = /^(add|remove):/.test(action);
  const parsed = parseForm(schema, form.get, lang, { keepEmpty: group });
  const errors: Errors = new Map(parsed.errors);
  const changedByOthers = Number.isInteger(expectedVersion) && expectedVersion !== lc.row.version;

  // Files first: they are kept even when the form still has mistakes.
  const uploads = uploadsOf(form, lc);
  let attachedCount = 0;
  let filesRefused = 0;
  if (uploads.length) {
    const res = await keptFiles(app, user, lc, uploads, lang);
    attachedCount = res.attached.length;
    filesRefused = res.problems.length;
    for (const problem of res.problems) addError(errors, schema.properties?.materials ? '/materials' : '', problem);
    if (res.attached.length) lc = await loadCase(app, user, lc.row.id, lang);
  }
  return {
    ok: true, lc, info, action, group, parsed, errors, draftVersion, changedByOthers, attachedCount, filesRefused,
    seenVersion: changedByOthers ? expectedVersion : lc.row.version,
    formVersion: current ? lc.row.version : expectedVersion,
    conflict: changedByOthers ? changedBy(lc, expectedVersion, user.id, lang) : undefined,
  };
}
