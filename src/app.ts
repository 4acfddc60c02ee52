import Fastify, { type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import { checkDataKey, embeddedDataKey, parseDataKey, useDataKey } from './crypto/data-key.ts';
import securityPlugin, { DOCS_HELMET } from './http/security.ts';
import apiCsrf from './auth/api-csrf.ts';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { describeOperation, swaggerOptions } from './docs/openapi.ts';
import authPlugin from './auth/auth.plugin.ts';
import { LoginService } from './auth/login.service.ts';
import sessionRoutes from './auth/session.routes.ts';
import calendarRoutes from './calendar/calendar.routes.ts';
import { CalendarService } from './calendar/working-calendar.ts';
import caseRoutes, { caseStepRoutes } from './cases/case.routes.ts';
import type { CaseDeps } from './cases/case.service.ts';
import chainRoutes from './chain/chain.routes.ts';
import { clockFrom, systemClock, type Clock } from './clock.ts';
import clockPlugin from './clock.plugin.ts';
import type { Config } from './config.ts';
import dbPlugin from './db/db.plugin.ts';
import notificationsPlugin from './db/notifications.ts';
import { embeddedSessionSecret } from './db/embedded.ts';
import { seedDemo } from './demo/seed-demo.ts';
import { createAjv } from './definitions/ajv.ts';
import type { JsonSchema } from './definitions/definition.types.ts';
import { withPlainText } from './definitions/plain-text.ts';
import { loadWorkflowFiles } from './definitions/workflow.loader.ts';
import { WorkflowRegistry } from './cases/workflow.registry.ts';
import workflowRoutes from './chain/workflow.routes.ts';
import healthRoutes from './health/health.routes.ts';
import sweeperPlugin from './supervision/sweeper.plugin.ts';
import supervisionRoutes from './supervision/supervision.routes.ts';
import jobsPlugin from './jobs/jobs.plugin.ts';
import policyRoutes from './policy/policy.routes.ts';
import standardsRoutes from './policy/standards.routes.ts';
import rosterRoutes from './rosters/roster.routes.ts';
import paymentRoutes from './payments/payment.routes.ts';
import { keepPaymentRecord } from './payments/payment-record.repository.ts';
import { installErrorHandling } from './http/error-handler.ts';
import { parseFiniteJson, plainNumbersFirst } from './http/edge-numbers.ts';
import { loggerOptions } from './http/logger.ts';
import personRoutes from './persons/person.routes.ts';
import personFileRoutes from './person-file/person-file.routes.ts';
import personTransferRoutes from './persons/person-transfer.routes.ts';
import noticesPlugin from './notices/notice.plugin.ts';
import { noticeSettings } from './notices/notice.settings.ts';
import { noticeApiRoutes, verifyRoutes } from './notices/notice.routes.ts';
import pagesPlugin from './pages/pages.plugin.ts';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import { checkerOnFirstCall, serializerOnFirstCall } from './lazy/on-first-use.ts';

declare module 'fastify' {
  interface FastifyInstance {
    registry: WorkflowRegistry;
    calendar: CalendarService;
    /** What the case service needs, in one place for routes, the sweeper and tests. */
    caseDeps: CaseDeps;
  }
}

export interface BuildOptions {
  clock?: Clock;
  /** Replaces the configured logger (tests pass false or a stream). */
  logger?: boolean | object;
}

const eagerSerializers = SerializerSelector();
/** Fastify's own response serializers (fast-json-stringify), each built when its route first answers. */
const lazySerializers: typeof eagerSerializers = (externalSchemas, options) => {
  const compile = eagerSerializers(externalSchemas, options);
  return (route) => serializerOnFirstCall(() => compile(route));
};

// Route schemas fill in their defaults; query strings and params arrive as text and are coerced.
const bodyAjv = createAjv({ useDefaults: true, formRules: false });
const coercingAjv = createAjv({ coerceTypes: true, useDefaults: true, formRules: false });

/**
 * Builds the service: external plugins, then the app's own (clock, database, workflows, auth),
 * then routes. Nothing listens until the caller says so.
 */
export async function buildApp(config: Config, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? loggerOptions(config.logLevel),
    bodyLimit: 1024 * 1024,
    requestTimeout: 30_000,
    connectionTimeout: 30_000,
    return503OnClosing: true,
    // A cold embedded database (WebAssembly PostgreSQL) can take several seconds on a busy machine.
    pluginTimeout: 120_000,
    trustProxy: config.trustProxy ?? false,
    ajv: { customOptions: {} },
    schemaController: { compilersFactory: { buildSerializer: lazySerializers } },
  });
  // Bodies are what people type: their text is normalised and checked (src/definitions/plain-text.ts).
  app.setValidatorCompiler(({ schema, httpPart }) => checkerOnFirstCall(() => (httpPart === 'body'
    ? withPlainText(bodyAjv.compile(schema))
    : plainNumbersFirst(schema as JsonSchema, coercingAjv.compile(schema)))));
  parseFiniteJson(app);
  installErrorHandling(app);
  const clock = opts.clock ?? (config.clockStart ? clockFrom(config.clockStart) : systemClock);
  const secret = config.sessionSecret ?? embeddedSessionSecret(config.dataDir);
  // The key of personal data at rest: from DATA_KEY, or kept beside the embedded database.
  const dataKey = config.dataKey ? parseDataKey(config.dataKey) : embeddedDataKey(config.dataDir);
  const dataKeys = useDataKey(dataKey);

  await app.register(fastifyCookie);
  await app.register(securityPlugin);
  // Swagger UI's own pages and assets need no login.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) route.config = { ...(route.config as object), public: true, helmet: DOCS_HELMET } as typeof route.config;
  });
  app.addHook('onRoute', describeOperation);
  await app.register(fastifySwagger, swaggerOptions);
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });
  await app.register(clockPlugin, { clock });
  await app.register(dbPlugin, {
    databaseUrl: config.databaseUrl, migrationUrl: config.migrationDatabaseUrl, dataDir: config.dataDir,
    poolSize: config.dbPoolSize, dataKey,
  });
  await app.register(notificationsPlugin);
  await checkDataKey(app.db, dataKeys, clock.now()).catch(async (err) => {
    await app.close();
    throw err;
  });
  app.decorate('registry', new WorkflowRegistry());
  // Any change of workflow_versions, on any instance, is told by its trigger (migration 0024); a lost
  // listening connection may have missed one.
  app.notifications.listen('definitions', () => app.registry.forgetInForce());
  app.notifications.onReset(() => app.registry.forgetInForce());
  app.decorate('calendar', new CalendarService());
  await app.calendar.refresh(app.db);
  app.decorate('caseDeps', {
    db: app.db,
    registry: app.registry,
    clock,
    calendar: app.calendar,
    afterStep: keepPaymentRecord,
  });
  const loaded = await loadWorkflowFiles(app.db, clock.now());
  if (loaded.inserted.length) app.log.info({ inserted: loaded.inserted }, 'workflow versions stored');
  if (config.demo) await seedDemo(app.db, clock.now());
  await app.register(authPlugin, { secret, cacheSeconds: config.sessionCacheSeconds ?? 5 });
  app.decorate('logins', new LoginService(app.db, clock, { secret, ttlMinutes: config.sessionTtlMinutes, maxHours: config.sessionMaxHours, policy: config.login }));
  await app.register(noticesPlugin, { settings: config.notices });
  await app.register(jobsPlugin, { pollSeconds: config.sweepIntervalSeconds > 0 ? 5 : 0 });
  await app.register(sweeperPlugin, {
    intervalSeconds: config.sweepIntervalSeconds, graceWorkingDays: config.escalationGraceWorkingDays,
  });

  await app.register(healthRoutes);
  await app.register(verifyRoutes);
  // The clerks' and supervisors' pages (HTML, src/pages/): same services, their own body parsers and CSRF.
  // Where users reach the service (PUBLIC_BASE_URL): an origin CSRF checks accept besides the request's own.
  const { publicBaseUrl } = noticeSettings(config.notices);
  await app.register(pagesPlugin, { secret, demo: config.demo, publicBaseUrl });
  await app.register(async (api) => {
    await api.register(apiCsrf, { publicBaseUrl });
    await api.register(sessionRoutes);
    await api.register(workflowRoutes);
    await api.register(personRoutes);
    await api.register(personFileRoutes);
    await api.register(personTransferRoutes);
    await api.register(caseRoutes);
    await api.register(noticeApiRoutes);
    await api.register(chainRoutes);
    await api.register(calendarRoutes);
    await api.register(supervisionRoutes, { exportMaxRows: config.exportMaxRows });
    await api.register(policyRoutes);
    await api.register(standardsRoutes);
    await api.register(rosterRoutes);
    await api.register(paymentRoutes);
  }, { prefix: '/api/v1' });
  // A route's second version where its answer changed (the compact step, docs/adr/0027-compact-step.md).
  await app.register(async (api) => {
    await api.register(apiCsrf, { publicBaseUrl });
    await api.register(caseStepRoutes);
  }, { prefix: '/api/v2' });
  return app;
}
