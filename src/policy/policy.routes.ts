import type { FastifyInstance } from 'fastify';
import { createAjv } from '../definitions/ajv.ts';
import { compile } from '../engine/compile.ts';
import { MAX_VERSION } from '../definitions/definition.types.ts';
import { AppError } from '../http/errors.ts';
import { message } from '../messages/catalogue.ts';
import { languageOf } from '../messages/lang.ts';
import { disposition } from '../http/download.ts';
import { authorize } from '../jurisdiction/authorize.ts';
import { diffDefinitions } from './definition-diff.ts';
import { parseDefinitionText, placeInText } from '../definitions/definition-text.ts';
import { findingIn, findingsOf } from '../definitions/finding.ts';
import { abbreviationUsers, lintDefinition } from '../definitions/linter.ts';
import { createDraft, impactReport, planMigration, runMigration } from './policy.service.ts';
import {
  discardDraft, listVersions, publish, requestPublication, requestView, versionWithPublication, withdrawRequest,
  type VersionWithPublication,
} from './publication.service.ts';
import { MIGRATION_JOB, queueMigration } from './migration-queue.ts';
import { allPaths, simulate } from './simulation.ts';
import {
  Diff, DefinitionFile, Discarded, Draft, Impact, Lint, MigrationPlan, MigrationQueued, Paths, Published,
  PublicationRequest, Requested, Simulation, Version, Versions,
} from './policy.schemas.ts';

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 100 } } } as const;
const versionParams = { type: 'object', required: ['id', 'version'], properties: { id: { type: 'string', maxLength: 100 }, version: { type: 'integer', minimum: 1, maximum: MAX_VERSION } } } as const;
const policyDocument = {
  type: 'object', additionalProperties: false, required: ['issuer', 'number', 'date'], title: '政策文件', 'x-title-en': 'Policy document',
  properties: {
    issuer: { type: 'string', title: '发文机关', 'x-title-en': 'Issuer', minLength: 2, maxLength: 100 },
    number: { type: 'string', title: '文号', 'x-title-en': 'Document number', minLength: 2, maxLength: 60 },
    date: { type: 'string', title: '成文日期', 'x-title-en': 'Date', format: 'date' },
  },
} as const;

function summary(v: VersionWithPublication) {
  return {
    version: v.version, status: v.status, note: v.note, author: v.author, authorName: v.authorName,
    createdAt: v.createdAt.toISOString(), publishedAt: v.publishedAt?.toISOString() ?? null,
    effectiveFrom: v.effectiveFrom?.toISOString() ?? null, retiredAt: v.retiredAt?.toISOString() ?? null,
    policyDocument: v.policyDocument, findings: v.findings.length, draftSha256: v.draftSha256,
    publication: v.request && requestView(v.request),
    history: v.history.map((h) => ({ ...h, at: h.at.toISOString() })),
  };
}

/**
 * Bodies that carry a definition (or events for one): the largest of the 22 is about 70 KB, and
 * each is compiled on arrival, so half the service's 1 MiB is plenty (413 beyond).
 */
const DEFINITION_BODY_LIMIT = 512 * 1024;

/** Policy staff: versions, drafts, lint, diff, impact, simulation, publishing and case migration. */
export default async function policyRoutes(app: FastifyInstance): Promise<void> {
  const version = async (id: string, v: number) => {
    const r = await versionWithPublication(app, id, v);
    if (!r) throw new AppError('NOT_FOUND');
    return r;
  };

  app.jobs.register(MIGRATION_JOB, (a, p, progress) => runMigration(
    a.caseDeps, p.workflowId as string, p.toVersion as number, p.mapping as Record<string, string>,
    (p.userId as string) ?? null, progress,
  ));

  app.get<{ Params: { id: string } }>('/workflows/:id/versions', { schema: { tags: ['policy'], response: { 200: Versions }, summary: 'Every version with who changed it, when and why', params: idParams } }, async (req) => {
    const rows = await listVersions(app, req.params.id);
    if (rows.length === 0) throw new AppError('NOT_FOUND');
    return { workflowId: req.params.id, versions: rows.map(summary) };
  });

  app.post<{ Params: { id: string }; Body: { definition: Record<string, unknown>; note: string; policyDocument?: { issuer: string; number: string; date: string }; effectiveFrom?: string } }>('/workflows/:id/versions', {
    bodyLimit: DEFINITION_BODY_LIMIT,
    schema: {
      tags: ['policy'], response: { 201: Draft }, summary: 'Store a draft (201, with the linter findings)', params: idParams,
      body: {
        type: 'object', additionalProperties: false, required: ['definition', 'note'],
        properties: { definition: { type: 'object' }, note: { type: 'string', title: '修改说明', 'x-title-en': 'Change note', minLength: 2, maxLength: 2000 }, policyDocument, effectiveFrom: { type: 'string', format: 'date' } },
      },
    },
  }, async (req, reply) => {
    const draft = await createDraft(app.caseDeps, req.user!, req.params.id, req.body);
    const lang = languageOf(req.headers['accept-language']);
    const findings = draft.findings.map((f) => findingIn(lang, f, req.body.definition));
    return reply.status(201).send({ ...draft, findings });
  });

  app.post<{ Params: { id: string }; Body: { definition?: Record<string, unknown>; text?: string } }>('/workflows/:id/lint', {
    bodyLimit: DEFINITION_BODY_LIMIT,
    schema: {
      tags: ['policy'], response: { 200: Lint }, params: idParams,
      summary: 'Check a definition as it is typed (policy staff): the linter findings, where each is and what, in the reader\'s language; sent as text, a syntax error and each finding come with a line and column; nothing is stored',
      body: {
        type: 'object', additionalProperties: false, oneOf: [{ required: ['definition'] }, { required: ['text'] }],
        properties: { definition: { type: 'object' }, text: { type: 'string', maxLength: DEFINITION_BODY_LIMIT, description: 'The definition as typed (JSON text)' } },
      },
    },
  }, async (req) => {
    // Only the editors' page calls it; it compiles every form of what it is sent.
    authorize(req.user!, 'policy.edit');
    const lang = languageOf(req.headers['accept-language']);
    const id = req.params.id;
    const read = req.body.text === undefined
      ? { body: req.body.definition, findings: [] }
      : parseDefinitionText(id, req.body.text, lang);
    const definition = read.body;
    let findings = read.findings;
    if (definition) {
      const inForce = await app.registry.definitionsInForce(app.db, app.clock.now());
      const known = new Set(inForce.map((d) => d.id).concat(id));
      const wrongId = findingsOf(id, lang, definition);
      if (definition.id !== id) wrongId.report('$.id', 'LINT_ID_MISMATCH', { id });
      const abbreviations = abbreviationUsers(inForce);
      findings = wrongId.findings.concat(lintDefinition(id, definition, known, abbreviations, lang));
      if (req.body.text !== undefined) findings = placeInText(findings, req.body.text);
    }
    const views = findings.map((f) => findingIn(lang, f, definition));
    return { workflowId: id, findings: views.map(({ path, code, message, at }) => ({ path, code, message, at })) };
  });

  app.get<{ Params: { id: string; version: number } }>('/workflows/:id/versions/:version', { schema: { tags: ['policy'], response: { 200: Version }, summary: 'One version: definition, findings, policy document', params: versionParams } }, async (req) => {
    const v = await version(req.params.id, req.params.version);
    const lang = languageOf(req.headers['accept-language']);
    const findings = v.findings.map((f) => findingIn(lang, f, v.definition));
    return { ...summary(v), definition: v.definition, findings };
  });

  app.get<{ Params: { id: string; version: number } }>('/workflows/:id/versions/:version/export', { schema: { tags: ['policy'], response: { 200: DefinitionFile }, summary: 'The definition as a workflows/*.json file', params: versionParams } }, async (req, reply) => {
    const v = await version(req.params.id, req.params.version);
    const file = { $schema: '../src/definitions/definition.schema.json', ...v.definition };
    const lang = languageOf(req.headers['accept-language']);
    const name = message(lang, 'DOWNLOAD_DEFINITION', { title: v.definition.title[lang], version: v.version });
    return reply.type('application/json; charset=utf-8').header('content-disposition', disposition(name, `${v.workflowId}.json`))
      .send(`${JSON.stringify(file, null, 2)}\n`);
  });

  app.get<{ Params: { id: string; version: number }; Querystring: { against?: number } }>('/workflows/:id/versions/:version/diff', {
    schema: { tags: ['policy'], response: { 200: Diff }, summary: 'What this version changes against another (default: the version in force)', params: versionParams, querystring: { type: 'object', additionalProperties: false, properties: { against: { type: 'integer', minimum: 1, maximum: MAX_VERSION } } } },
  }, async (req) => {
    const v = await version(req.params.id, req.params.version);
    const base = req.query.against ? await version(req.params.id, req.query.against) : await (async () => {
      const inForce = await app.registry.inForce(app.db, req.params.id, app.clock.now());
      if (!inForce) throw new AppError('NOT_FOUND');
      return version(req.params.id, inForce.definition.version);
    })();
    return { from: base.version, to: v.version, changes: diffDefinitions(base.definition, v.definition) };
  });

  app.get<{ Params: { id: string; version: number } }>('/workflows/:id/versions/:version/impact', { schema: { tags: ['policy'], response: { 200: Impact }, summary: 'What this version would mean for every open case of the item', params: versionParams } }, async (req) => {
    // It lists every open case of the item in the whole district: policy staff only (test/access-matrix.test.ts).
    authorize(req.user!, 'policy.edit');
    return impactReport(app.caseDeps, req.params.id, req.params.version);
  });

  app.get<{ Params: { id: string; version: number } }>('/workflows/:id/versions/:version/paths', { schema: { tags: ['policy'], response: { 200: Paths }, summary: 'Every path from the start to each final state', params: versionParams } }, async (req) => {
    const v = await version(req.params.id, req.params.version);
    const lang = languageOf(req.headers['accept-language']);
    if (v.findings.length) throw new AppError('VALIDATION_FAILED', { detail: { zh: '定义未通过检查', en: 'The definition has lint findings' }, errors: v.findings.map((f) => ({ path: f.path, message: findingIn(lang, f, v.definition).message })) });
    return { paths: allPaths(v.definition) };
  });

  app.post<{ Params: { id: string; version: number }; Body: { events: { type: string; data?: Record<string, unknown> }[]; startAt?: string } }>('/workflows/:id/versions/:version/simulate', {
    bodyLimit: DEFINITION_BODY_LIMIT,
    schema: {
      tags: ['policy'], response: { 200: Simulation }, summary: 'Walk events with sample data: the forms, notices and deadlines it would produce; nothing is stored', params: versionParams,
      body: { type: 'object', additionalProperties: false, required: ['events'], properties: { startAt: { type: 'string', format: 'date-time' }, events: { type: 'array', maxItems: 200, items: { type: 'object', additionalProperties: false, required: ['type'], properties: { type: { type: 'string', maxLength: 64 }, data: { type: 'object' } } } } } },
    },
  }, async (req) => {
    const v = await version(req.params.id, req.params.version);
    if (v.findings.length) throw new AppError('VALIDATION_FAILED', { detail: { zh: '定义未通过检查', en: 'The definition has lint findings' } });
    // A draft is not in the registry; its validators are dropped with this answer.
    const startAt = req.body.startAt ? new Date(req.body.startAt) : app.clock.now();
    return { steps: simulate(compile(v.definition, createAjv()), req.body.events, startAt, app.calendar.current) };
  });

  // Publishing by two people (ADR 0033): a request, then a different policy user's publish.
  app.post<{ Params: { id: string; version: number }; Body: { effectiveFrom?: string } }>('/workflows/:id/versions/:version/publication-request', {
    schema: { tags: ['policy'], response: { 201: Requested }, summary: 'Request the publication of a clean draft (422 with findings), effective now or on a date; answers with the impact on running cases. A different policy user then publishes it', params: versionParams, body: { type: 'object', additionalProperties: false, properties: { effectiveFrom: { type: 'string', format: 'date' } } } },
  }, async (req, reply) => reply.status(201).send(
    await requestPublication(app.caseDeps, req.user!, req.params.id, req.params.version, req.body?.effectiveFrom),
  ));

  app.post<{ Params: { id: string; version: number } }>('/workflows/:id/versions/:version/publication-request/withdraw', {
    schema: { tags: ['policy'], response: { 200: PublicationRequest }, summary: 'Withdraw (or, as the second person, decline) the pending publication request of a draft', params: versionParams },
  }, async (req) => withdrawRequest(app.caseDeps, req.user!, req.params.id, req.params.version));

  app.post<{ Params: { id: string; version: number }; Body: { draftSha256: string } }>('/workflows/:id/versions/:version/publish', {
    schema: { tags: ['policy'], response: { 200: Published }, summary: 'Approve a pending publication request and publish the draft: a policy user other than the requester (403 FOUR_EYES), sending the draftSha256 they checked (409 PUBLICATION_STALE when the draft or the version in force changed, 409 PUBLICATION_NOT_REQUESTED without a request); answers with the impact on running cases', params: versionParams, body: { type: 'object', additionalProperties: false, required: ['draftSha256'], properties: { draftSha256: { type: 'string', pattern: '^[0-9a-f]{64}$' } } } },
  }, async (req) => publish(app.caseDeps, req.user!, req.params.id, req.params.version, req.body.draftSha256));

  app.post<{ Params: { id: string; version: number } }>('/workflows/:id/versions/:version/discard', {
    schema: { tags: ['policy'], response: { 200: Discarded }, summary: 'Discard a draft (kept, marked with who and when); a published version never (409)', params: versionParams },
  }, async (req) => discardDraft(app.caseDeps, req.user!, req.params.id, req.params.version));

  app.post<{ Params: { id: string }; Body: { toVersion: number; mapping: Record<string, string>; dryRun: boolean } }>('/workflows/:id/migrations', {
    schema: {
      tags: ['policy'], response: { 200: MigrationPlan, 202: MigrationQueued }, summary: 'Move running cases to a version: a dry run lists each case and its fate; the real run is a job (202)', params: idParams,
      body: { type: 'object', additionalProperties: false, required: ['toVersion', 'dryRun'], properties: { toVersion: { type: 'integer', minimum: 1 }, mapping: { type: 'object', additionalProperties: { type: 'string', maxLength: 100 }, default: {} }, dryRun: { type: 'boolean' } } },
    },
  }, async (req, reply) => {
    authorize(req.user!, 'policy.edit');
    if (req.body.dryRun) {
      const plan = await planMigration(app.caseDeps, req.params.id, req.body.toVersion, req.body.mapping);
      return { dryRun: true, ...plan };
    }
    const jobId = await queueMigration(app, req.user!, req.params.id, req.body.toVersion, req.body.mapping);
    return reply.status(202).send({ jobId, statusUrl: `/api/v1/jobs/${jobId}` });
  });
}
