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
import { LEVEL_COLOURS, stateDiagram } from '../policy/diagram.ts';
import { migrationJob } from '../policy/migration-queue.ts';
import { createDraft, impactReport, listDrafts } from '../policy/policy.service.ts';
import { listVersions } from '../policy/publication.service.ts';
import { changesView, historyView, impactView, STATUS } from './policy-view.ts';
import { renderForm } from './form-render.ts';
import { findingGroups, jsonExcerpts } from './policy-findings.ts';
import { label, LEVELS } from './labels.ts';
import { loc, SafeString } from './view.ts';
import { pageLang, posted, see, sendPage } from './web.ts';

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
    const versions = await listVersions(app, id);
    if (versions.length === 0) throw new AppError('NOT_FOUND');
    const inForce = await app.registry.inForce(app.db, id, now);
    const inForceVersion = inForce?.definition.version ?? null;
    const shownNo = st.version ?? inForceVersion ?? versions[0]!.version;
    const shown = versions.find((v) => v.version === shownNo);
    if (!shown) throw new AppError('NOT_FOUND');
    const def = shown.definition;
    const editable = canEdit(req);
    const q = req.query as { preview?: string; done?: string; job?: string };

    let diagram: string | null = null;
    try { diagram = stateDiagram(def, lang); } catch { diagram = null; }

    const changes = inForce && shown.version !== inForceVersion ? changesView(inForce.definition, def, lang) : null;

    let impact: ReturnType<typeof impactView> | null = null;
    let toMove = 0;
    if (editable && (shown.status === 'draft' || shown.status === 'published') && shown.findings.length === 0) {
      try {
        const report = await impactReport(app.caseDeps, id, shown.version);
        if (shown.version !== inForceVersion) impact = impactView(report, lang);
        toMove = report.cases.filter((c) => c.fromVersion !== shown.version).length;
      } catch { impact = null; }
    }
    const pending = shown.request?.status === 'pending' ? shown.request : null;
    const job = editable && typeof q.job === 'string' && /^[0-9a-f-]{1,40}$/.test(q.job)
      ? await migrationJob(app.db, req.user!, q.job) : undefined;

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
      publication: {
        canRequest: editable && shown.status === 'draft' && shown.findings.length === 0 && !pending,
        pending: pending && {
          byName: pending.requestedByName ?? pending.requestedBy, at: pending.requestedAt,
          effectiveFrom: pending.effectiveFrom, mine: pending.requestedBy === req.user!.id,
        },
        done: ['requested', 'withdrawn', 'published', 'discarded'].includes(q.done ?? '') ? q.done : null,
        history: historyView(shown.history, lang),
        migrate: editable && shown.status === 'published' && shown.version === inForceVersion && toMove > 0 ? { count: toMove } : null,
        job: job ?? null,
      },
      versions: versions.map((v) => ({
        version: v.version, statusText: loc(lang, STATUS[v.status]), note: v.note, authorName: v.authorName ?? v.author,
        createdAt: v.createdAt, effectiveFrom: v.effectiveFrom,
        requestedBy: v.request && (v.request.requestedByName ?? v.request.requestedBy),
        requestedAt: v.request?.requestedAt,
        approvedBy: v.request?.status === 'approved' ? v.request.closedByName ?? v.request.closedBy : null, approvedAt: v.request?.closedAt,
        findings: v.findings.length, current: v.version === shown.version, inForce: v.version === inForceVersion, href: `/policy/workflows/${id}?version=${v.version}`,
      })),
      text, note: st.note ?? '', doc: st.doc ?? { issuer: '', number: '', date: '' }, effectiveFrom: st.effectiveFrom ?? '',
      diagram: diagram && new SafeString(diagram), levels,
      changes, impact, choices, preview,
      errors: st.errors,
      lintUrl: `/api/v1/workflows/${id}/lint`,
    }, st.status ?? 200);
  };

  app.get<{ Params: { id: string }; Querystring: { version?: string } }>('/policy/workflows/:id', async (req, reply) => {
    return editor(req, reply, req.params.id, { version: decimalInteger(req.query.version, 1, MAX_VERSION) });
  });

  // A language switch after a POST reloads the editor.
  app.get<{ Params: { id: string } }>('/policy/workflows/:id/drafts', async (req, reply) => see(reply, `/policy/workflows/${encodeURIComponent(req.params.id)}`));

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
}
