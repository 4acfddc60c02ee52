import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { chainItems } from '../chain/chain.service.ts';
import { parseDefinitionText, placeInText } from '../definitions/definition-text.ts';
import { MAX_VERSION, type WorkflowDefinition } from '../definitions/definition.types.ts';
import { asFinding, findingIn, type Finding } from '../definitions/finding.ts';
import { decimalInteger } from '../http/edge-numbers.ts';
import { AppError, errorText } from '../http/errors.ts';
import { can } from '../jurisdiction/authorize.ts';
import { message } from '../messages/catalogue.ts';
import type { Lang } from '../messages/lang.ts';
import { diffDefinitions } from '../policy/definition-diff.ts';
import { LEVEL_COLOURS, stateDiagram } from '../policy/diagram.ts';
import { createDraft, getVersion, impactReport, listDrafts, listVersions, publish } from '../policy/policy.service.ts';
import { renderForm } from './form-render.ts';
import { findingGroups, jsonExcerpts } from './policy-findings.ts';
import { label, LEVELS } from './labels.ts';
import { loc, SafeString } from './view.ts';
import { pageLang, posted, see, sendPage } from './web.ts';

const STATUS: Record<string, { zh: string; en: string }> = {
  draft: { zh: '草稿', en: 'draft' }, published: { zh: '已发布', en: 'published' }, retired: { zh: '已停用', en: 'retired' },
};
const CHANGE: Record<string, { zh: string; en: string }> = {
  added: { zh: '新增', en: 'added' }, removed: { zh: '删除', en: 'removed' }, changed: { zh: '修改', en: 'changed' },
};

const ID = /^[a-z0-9-]{1,100}$/;

interface EditorState {
  version?: number;
  text?: string;
  note?: string;
  doc?: { issuer: string; number: string; date: string };
  effectiveFrom?: string;
  errors?: { href: string | null; text: string }[];
  /** What is wrong with the unsaved text: why it is not JSON, at its line and column. */
  textFindings?: Finding[];
  publishErrors?: { path: string; message: string }[];
  publishMessage?: string;
  status?: number;
}

function canEdit(req: FastifyRequest): boolean {
  return can(req.user!, 'policy.edit');
}

/** Steps with events that carry a form, as choices for the form preview. */
function previewChoices(def: WorkflowDefinition, lang: Lang, picked: string | undefined) {
  const out: { value: string; label: string; selected: boolean }[] = [];
  for (const [name, s] of Object.entries(def.machine?.states ?? {})) {
    for (const [event, meta] of Object.entries(s.meta?.events ?? {})) {
      if (!meta?.form) continue;
      const value = `${name}:${event}`;
      out.push({ value, label: `${loc(lang, s.meta.step)} · ${loc(lang, def.events?.[event]?.label) || event} (${meta.form})`, selected: value === picked });
    }
  }
  return out;
}

/**
 * The findings beside what they name, and in the JSON as the editor shows it (line numbers of
 * `text`). Unsaved text that is not JSON is checked in its place: the version's findings would be
 * about another text.
 */
function findingsModel(
  stored: Finding[], def: WorkflowDefinition, text: string, unsaved: Finding[] | undefined, lang: Lang,
) {
  const views = placeInText(unsaved ?? stored.map((f) => asFinding(f, def)), text).map((f) => findingIn(lang, f, def));
  return {
    findings: views, findingGroups: findingGroups(views, def, lang), jsonExcerpts: jsonExcerpts(text, views),
    findingsUnsaved: unsaved !== undefined,
  };
}

/** Policy staff's editor of the 22 items: the definition as JSON, its check, picture, diff, impact and publishing. */
export default async function policyPages(app: FastifyInstance): Promise<void> {
  app.get('/policy', async (req, reply) => {
    const lang = pageLang(req);
    const now = app.clock.now();
    const items = await chainItems(app.registry, app.db, now);
    const drafts = await listDrafts(app.db);
    const rows = items.map((i, n) => ({
      n: n + 1, id: i.workflowId, title: loc(lang, i.title), version: i.version, href: `/policy/workflows/${i.workflowId}`,
      drafts: drafts.filter((d) => d.workflowId === i.workflowId).map((d) => ({
        version: d.version, note: d.note, createdAt: d.createdAt, href: `/policy/workflows/${i.workflowId}?version=${d.version}`,
      })),
    }));
    return sendPage(req, reply, 'policy-list', message(lang, 'PAGE_POLICY_LIST_TITLE'), { items: rows, canEdit: canEdit(req), nav: { policy: true } });
  });

  const editor = async (req: FastifyRequest, reply: FastifyReply, id: string, st: EditorState) => {
    const lang = pageLang(req);
    if (!ID.test(id)) throw new AppError('NOT_FOUND');
    const now = app.clock.now();
    const versions = await listVersions(app.db, id);
    if (versions.length === 0) throw new AppError('NOT_FOUND');
    const inForce = await app.registry.inForce(app.db, id, now);
    const inForceVersion = inForce?.definition.version ?? null;
    const shownNo = st.version ?? inForceVersion ?? versions[0]!.version;
    const shown = versions.find((v) => v.version === shownNo);
    if (!shown) throw new AppError('NOT_FOUND');
    const def = shown.definition;
    const editable = canEdit(req);
    const q = req.query as { preview?: string; published?: string };

    let diagram: string | null = null;
    try { diagram = stateDiagram(def, lang); } catch { diagram = null; }

    let changes: { area: string; change: string; path: string; text: string }[] | null = null;
    if (inForce && shown.version !== inForceVersion) {
      try {
        changes = diffDefinitions(inForce.definition, def).map((c) => ({
          area: c.area, change: loc(lang, CHANGE[c.change]), path: c.path, text: loc(lang, c.text),
        }));
      } catch { changes = null; }
    }

    let impact: Awaited<ReturnType<typeof impactReport>> | null = null;
    if (editable && shown.status !== 'retired' && shown.findings.length === 0 && shown.version !== inForceVersion) {
      try { impact = await impactReport(app.caseDeps, id, shown.version); } catch { impact = null; }
    }

    // The form of one step's event, as the clerk would see it.
    const picked = typeof q.preview === 'string' ? q.preview : undefined;
    const choices = previewChoices(def, lang, picked);
    let preview: { title: string; html: InstanceType<typeof SafeString> } | null = null;
    if (picked) {
      const [state, event] = picked.split(':');
      const formId = def.machine?.states?.[state ?? '']?.meta?.events?.[event ?? '']?.form;
      const schema = formId ? def.forms?.[formId] : undefined;
      if (schema) {
        try {
          const html = renderForm(schema, {}, { lang, errors: new Map(), choices: { materials: def.materials ?? [] } });
          preview = { title: choices.find((c) => c.selected)?.label ?? picked, html: new SafeString(html) };
        } catch { preview = null; }
      }
    }

    const levels = [...new Set(Object.values(def.machine?.states ?? {}).map((s) => s.meta?.level ?? 'none'))]
      .map((l) => ({ level: l, text: l === 'none' ? loc(lang, LEVEL_COLOURS.none.label) : label(LEVELS, l, lang) }));
    const text = st.text ?? JSON.stringify(def, null, 2);
    const title = message(lang, 'PAGE_POLICY_EDITOR_TITLE', { title: loc(lang, def.title) || id });
    return sendPage(req, reply, 'policy-editor', title, {
      nav: { policy: true },
      wf: { id, title: loc(lang, def.title) || id }, canEdit: editable, inForceVersion,
      shown: {
        version: shown.version, status: shown.status, statusText: loc(lang, STATUS[shown.status]), isDraft: shown.status === 'draft', isInForce: shown.version === inForceVersion,
        note: shown.note, authorName: shown.authorName ?? shown.author, createdAt: shown.createdAt,
        policyDocument: shown.policyDocument, effectiveFrom: shown.effectiveFrom,
      },
      ...findingsModel(shown.findings, def, text, st.textFindings, lang),
      versions: versions.map((v) => ({
        version: v.version, statusText: loc(lang, STATUS[v.status]), note: v.note, authorName: v.authorName ?? v.author,
        createdAt: v.createdAt, effectiveFrom: v.effectiveFrom,
        findings: v.findings.length, current: v.version === shown.version, inForce: v.version === inForceVersion, href: `/policy/workflows/${id}?version=${v.version}`,
      })),
      text, note: st.note ?? '', doc: st.doc ?? { issuer: '', number: '', date: '' }, effectiveFrom: st.effectiveFrom ?? '',
      diagram: diagram && new SafeString(diagram), levels,
      changes, impact, choices, preview,
      errors: st.errors, publishErrors: st.publishErrors, publishMessage: st.publishMessage,
      published: q.published === '1' && shown.status !== 'draft',
      lintUrl: `/api/v1/workflows/${id}/lint`,
    }, st.status ?? 200);
  };

  app.get<{ Params: { id: string }; Querystring: { version?: string } }>('/policy/workflows/:id', async (req, reply) => {
    return editor(req, reply, req.params.id, { version: decimalInteger(req.query.version, 1, MAX_VERSION) });
  });

  // A language switch after a POST reloads the editor.
  app.get<{ Params: { id: string } }>('/policy/workflows/:id/drafts', async (req, reply) => see(reply, `/policy/workflows/${encodeURIComponent(req.params.id)}`));
  app.get<{ Params: { id: string; version: string } }>('/policy/workflows/:id/versions/:version/publish', async (req, reply) => see(reply, `/policy/workflows/${encodeURIComponent(req.params.id)}?version=${Number(req.params.version) || ''}`));

  app.post<{ Params: { id: string } }>('/policy/workflows/:id/drafts', async (req, reply) => {
    const lang = pageLang(req);
    const id = req.params.id;
    if (!ID.test(id)) throw new AppError('NOT_FOUND');
    if (!canEdit(req)) throw new AppError('FORBIDDEN');
    const form = posted(req);
    const text = form.first('definition') ?? '';
    const note = (form.first('note') ?? '').trim();
    const doc = { issuer: (form.first('issuer') ?? '').trim(), number: (form.first('number') ?? '').trim(), date: (form.first('date') ?? '').trim() };
    const effectiveFrom = (form.first('effectiveFrom') ?? '').trim();
    const baseVersion = decimalInteger(form.first('baseVersion'), 1, MAX_VERSION);
    const errors: { href: string | null; text: string }[] = [];
    const read = parseDefinitionText(id, text, lang);
    const definition = read.body;
    if (!definition) errors.push({ href: '#json-view', text: read.findings[0]!.message });
    if (note.length < 2) errors.push({ href: '#note', text: message(lang, 'PAGE_POLICY_NOTE_MISSING') });
    const anyDoc = doc.issuer || doc.number || doc.date;
    if (anyDoc && (doc.issuer.length < 2 || doc.number.length < 2 || !/^\d{4}-\d{2}-\d{2}$/.test(doc.date))) {
      errors.push({ href: '#doc-issuer', text: message(lang, 'PAGE_POLICY_DOCUMENT_INCOMPLETE') });
    }
    if (effectiveFrom && !/^\d{4}-\d{2}-\d{2}$/.test(effectiveFrom)) errors.push({ href: '#effectiveFrom', text: message(lang, 'PAGE_POLICY_EFFECTIVE_FORMAT') });
    const again = (extra: { href: string | null; text: string }[]) => editor(req, reply, id, {
      version: baseVersion, text, note, doc, effectiveFrom, errors: extra, status: 422,
      ...(definition ? {} : { textFindings: read.findings }),
    });
    if (errors.length || !definition) return again(errors);
    try {
      const r = await createDraft(app.caseDeps, req.user!, id, {
        definition, note, ...(anyDoc ? { policyDocument: doc } : {}), ...(effectiveFrom ? { effectiveFrom } : {}),
      });
      return see(reply, `/policy/workflows/${id}?version=${r.version}#findings-title`);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'VALIDATION_FAILED') throw err;
      return again((err.extras.errors ?? []).map((e) => ({ href: '#definition', text: e.message })).concat(err.extras.errors?.length ? [] : [{ href: '#definition', text: errorText(lang, err) }]));
    }
  });

  app.post<{ Params: { id: string; version: string } }>('/policy/workflows/:id/versions/:version/publish', async (req, reply) => {
    const lang = pageLang(req);
    const id = req.params.id;
    const version = decimalInteger(req.params.version, 1, MAX_VERSION);
    if (!ID.test(id) || version === undefined) throw new AppError('NOT_FOUND');
    if (!canEdit(req)) throw new AppError('FORBIDDEN');
    const effectiveFrom = (posted(req).first('effectiveFrom') ?? '').trim();
    try {
      await publish(app.caseDeps, req.user!, id, version, /^\d{4}-\d{2}-\d{2}$/.test(effectiveFrom) ? effectiveFrom : undefined);
      return see(reply, `/policy/workflows/${id}?version=${version}&published=1#published`);
    } catch (err) {
      if (!(err instanceof AppError) || (err.code !== 'VALIDATION_FAILED' && err.code !== 'EVENT_NOT_ALLOWED')) throw err;
      if (!(await getVersion(app.db, id, version))) throw new AppError('NOT_FOUND');
      return editor(req, reply, id, {
        version, publishMessage: errorText(lang, err), publishErrors: err.extras.errors ?? [], status: 422,
      });
    }
  });
}
