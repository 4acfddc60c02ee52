import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MAX_VERSION } from '../definitions/definition.types.ts';
import { decimalInteger } from '../http/edge-numbers.ts';
import { AppError, errorStatus, errorText } from '../http/errors.ts';
import { can } from '../jurisdiction/authorize.ts';
import { message } from '../messages/catalogue.ts';
import { queueMigration } from '../policy/migration-queue.ts';
import { impactReport, planMigration } from '../policy/policy.service.ts';
import {
  assertApprovable, assertDiscardable, assertPublishable, assertRequestable, discardDraft, publish, requestPublication,
  versionWithPublication, withdrawRequest, type VersionWithPublication,
} from '../policy/publication.service.ts';
import { changesView, impactView } from './policy-view.ts';
import { loc } from './view.ts';
import { pageLang, posted, see, sendPage } from './web.ts';

/**
 * Publishing and moving cases as controlled acts (ADR 0033), each a POST that shows what it will
 * do (diff, impact, dry run) on a confirmation page, and a second POST from that page that does it.
 * Requesting and approving are two people's acts; none of it needs JavaScript.
 */

const ID = /^[a-z0-9-]{1,100}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** Refusals shown on the page, with their own status; anything else is the error page's. */
const SHOWN = new Set(['VALIDATION_FAILED', 'EVENT_NOT_ALLOWED', 'FOUR_EYES', 'PUBLICATION_STALE', 'PUBLICATION_NOT_REQUESTED']);

const FATE: Record<string, { zh: string; en: string }> = {
  migrate: { zh: '将迁移', en: 'will move' }, already: { zh: '已在此版本', en: 'already on it' }, blocked: { zh: '无法迁移', en: 'blocked' },
};

interface Target { id: string; version: number }

function pendingOf(v: VersionWithPublication) {
  return v.request?.status === 'pending' ? v.request : null;
}

export default async function policyPublishPages(app: FastifyInstance): Promise<void> {
  const target = (req: FastifyRequest, id: string, versionText: string | undefined): Target => {
    const version = decimalInteger(versionText, 1, MAX_VERSION);
    if (!ID.test(id) || version === undefined) throw new AppError('NOT_FOUND');
    if (!can(req.user!, 'policy.edit')) throw new AppError('FORBIDDEN');
    return { id, version };
  };
  const editorUrl = (t: Target, query = '') => `/policy/workflows/${t.id}?version=${t.version}${query}`;

  const load = async (t: Target): Promise<VersionWithPublication> => {
    const v = await versionWithPublication(app, t.id, t.version);
    if (!v) throw new AppError('NOT_FOUND');
    return v;
  };

  const confirmPage = (
    req: FastifyRequest, reply: FastifyReply, t: Target, v: VersionWithPublication,
    ctx: Record<string, unknown>, status = 200,
  ) => {
    const lang = pageLang(req);
    const title = loc(lang, v.definition.title) || t.id;
    return sendPage(req, reply, 'policy-confirm', message(lang, 'PAGE_POLICY_EDITOR_TITLE', { title }), {
      nav: { policy: true }, wf: { id: t.id, title }, back: editorUrl(t),
      shown: { version: v.version, note: v.note, authorName: v.authorName ?? v.author, createdAt: v.createdAt },
      ...ctx,
    }, status);
  };

  /** A refusal the person can act on, on the page they came from, with its own status (403, 409, 422). */
  const refused = async (req: FastifyRequest, reply: FastifyReply, t: Target, err: unknown) => {
    if (!(err instanceof AppError) || !SHOWN.has(err.code)) throw err;
    const v = await load(t);
    const refusal = { message: errorText(pageLang(req), err), errors: err.extras.errors ?? [] };
    return confirmPage(req, reply, t, v, { refusal }, errorStatus[err.code]);
  };

  /** The diff against the version in force and the impact on open cases, as both people see them. */
  const review = async (req: FastifyRequest, t: Target, v: VersionWithPublication) => {
    const lang = pageLang(req);
    const inForce = await app.registry.inForce(app.db, t.id, app.clock.now());
    return {
      inForceVersion: inForce?.definition.version ?? null,
      changes: inForce ? changesView(inForce.definition, v.definition, lang) : null,
      impact: impactView(await impactReport(app.caseDeps, t.id, t.version), lang),
    };
  };

  // A language switch on a confirmation page reloads the editor.
  for (const path of ['/publish', '/publish/approve', '/publish/withdraw', '/discard']) {
    app.get<{ Params: { id: string; version: string } }>(`/policy/workflows/:id/versions/:version${path}`, async (req, reply) => see(reply, `/policy/workflows/${encodeURIComponent(req.params.id)}?version=${Number(req.params.version) || ''}`));
  }
  app.get<{ Params: { id: string } }>('/policy/workflows/:id/migrations', async (req, reply) => see(reply, `/policy/workflows/${encodeURIComponent(req.params.id)}`));

  // The first person: what publishing would change, then the request.
  app.post<{ Params: { id: string; version: string } }>('/policy/workflows/:id/versions/:version/publish', async (req, reply) => {
    const t = target(req, req.params.id, req.params.version);
    const form = posted(req);
    const effectiveFrom = (form.first('effectiveFrom') ?? '').trim();
    try {
      if (effectiveFrom && !DAY.test(effectiveFrom)) {
        throw new AppError('VALIDATION_FAILED', { errors: [{ path: '/effectiveFrom', message: message(pageLang(req), 'PAGE_POLICY_EFFECTIVE_FORMAT') }] });
      }
      if (form.first('confirm') === 'yes') {
        await requestPublication(app.caseDeps, req.user!, t.id, t.version, effectiveFrom || undefined);
        return see(reply, editorUrl(t, '&done=requested#publication'));
      }
      const v = await load(t);
      assertRequestable(v, pendingOf(v));
      return confirmPage(req, reply, t, v, {
        act: 'request', effectiveFrom: effectiveFrom || v.effectiveFrom, ...await review(req, t, v),
        form: { action: `/policy/workflows/${t.id}/versions/${t.version}/publish`, fields: [{ name: 'effectiveFrom', value: effectiveFrom }] },
      });
    } catch (err) {
      return refused(req, reply, t, err);
    }
  });

  // The second person: the same diff and impact, the request, then the approval that publishes.
  app.post<{ Params: { id: string; version: string } }>('/policy/workflows/:id/versions/:version/publish/approve', async (req, reply) => {
    const t = target(req, req.params.id, req.params.version);
    const form = posted(req);
    try {
      if (form.first('confirm') === 'yes') {
        await publish(app.caseDeps, req.user!, t.id, t.version, form.first('draftSha256') ?? '');
        return see(reply, editorUrl(t, '&done=published#publication'));
      }
      const v = await load(t);
      assertPublishable(v);
      const pending = assertApprovable(req.user!, pendingOf(v));
      return confirmPage(req, reply, t, v, {
        act: 'approve', request: { byName: pending.requestedByName ?? pending.requestedBy, at: pending.requestedAt, effectiveFrom: pending.effectiveFrom },
        ...await review(req, t, v),
        form: { action: `/policy/workflows/${t.id}/versions/${t.version}/publish/approve`, fields: [{ name: 'draftSha256', value: v.draftSha256 }] },
      });
    } catch (err) {
      return refused(req, reply, t, err);
    }
  });

  app.post<{ Params: { id: string; version: string } }>('/policy/workflows/:id/versions/:version/publish/withdraw', async (req, reply) => {
    const t = target(req, req.params.id, req.params.version);
    try {
      await withdrawRequest(app.caseDeps, req.user!, t.id, t.version);
      return see(reply, editorUrl(t, '&done=withdrawn#publication'));
    } catch (err) {
      return refused(req, reply, t, err);
    }
  });

  app.post<{ Params: { id: string; version: string } }>('/policy/workflows/:id/versions/:version/discard', async (req, reply) => {
    const t = target(req, req.params.id, req.params.version);
    try {
      if (posted(req).first('confirm') === 'yes') {
        await discardDraft(app.caseDeps, req.user!, t.id, t.version);
        return see(reply, editorUrl(t, '&done=discarded#publication'));
      }
      const v = await load(t);
      assertDiscardable(v);
      return confirmPage(req, reply, t, v, {
        act: 'discard', pendingRequest: Boolean(pendingOf(v)),
        form: { action: `/policy/workflows/${t.id}/versions/${t.version}/discard`, fields: [] },
      });
    } catch (err) {
      return refused(req, reply, t, err);
    }
  });

  // Moving running cases: the dry run first, a mapping for every step gone, then the run (a job).
  app.post<{ Params: { id: string } }>('/policy/workflows/:id/migrations', async (req, reply) => {
    const form = posted(req);
    const t = target(req, req.params.id, form.first('toVersion'));
    const lang = pageLang(req);
    const mapping: Record<string, string> = {};
    for (const key of Object.keys((req.body ?? {}) as object)) {
      const to = form.first(key);
      if (key.startsWith('map.') && to) mapping[key.slice(4)] = to;
    }
    try {
      if (form.first('confirm') === 'yes') {
        const jobId = await queueMigration(app, req.user!, t.id, t.version, mapping);
        return see(reply, editorUrl(t, `&job=${jobId}#migration`));
      }
      const v = await load(t);
      const plan = await planMigration(app.caseDeps, t.id, t.version, mapping);
      const states = v.definition.machine.states;
      const stepOf = (s: string | null) => (s && loc(lang, states[s]?.meta?.step)) || s || '—';
      const options = Object.entries(states).filter(([, s]) => s.type !== 'final').map(([name, s]) => ({ value: name, label: `${loc(lang, s.meta?.step)}（${name}）` }));
      const gone = [...new Set(plan.fates.filter((f) => !(f.fromState in states)).map((f) => f.fromState))]
        .map((state) => ({ state, options: options.map((o) => ({ ...o, selected: mapping[state] === o.value })) }));
      const moving = plan.fates.filter((f) => f.fate === 'migrate').length;
      return confirmPage(req, reply, t, v, {
        act: 'migrate', blocked: plan.blocked, moving, gone,
        fates: plan.fates.map((f) => ({ ...f, fateText: loc(lang, FATE[f.fate]), toStep: stepOf(f.toState), bad: f.fate === 'blocked' })),
        form: {
          action: `/policy/workflows/${t.id}/migrations`,
          fields: [{ name: 'toVersion', value: String(t.version) }, ...Object.entries(mapping).map(([from, to]) => ({ name: `map.${from}`, value: to }))],
        },
      });
    } catch (err) {
      return refused(req, reply, t, err);
    }
  });
}
