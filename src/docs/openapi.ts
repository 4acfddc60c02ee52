import type { SwaggerOptions } from '@fastify/swagger';
import type { RouteOptions } from 'fastify';
import { ErrorBody } from '../http/response.schemas.ts';

/*
 * The OpenAPI document served at /docs/json: the client contract of the JSON API (docs/adr/0017-openapi-contract.md).
 * Routes declare their 2xx responses; what every route shares (the error shape, which credentials
 * it takes) is added here, in one place, when the route is registered.
 */

const TAGS: Record<string, string> = {
  session: '登录与会话 / Log in, session, password',
  workflows: '在用事项 / Items in force',
  chain: '服务链条 / The chain of items along a service life',
  persons: '一人一档与转入 / Person files and transfers',
  cases: '案件办理 / Cases and their steps',
  notices: '文书与核验 / Notices and their public verification',
  calendar: '工作日历 / Working calendar',
  supervision: '督办与统计 / Supervision and reports',
  audit: '审计 / Audit trails',
  policy: '政策配置 / Definitions, versions and local standards',
  rosters: '名册导入与批量办理 / Roster import and batch actions',
  payments: '待遇发放与年审 / Payment batches and confirmation runs',
  jobs: '后台任务 / Background jobs',
};

export const swaggerOptions: SwaggerOptions = {
  openapi: {
    info: {
      title: '退役军人服务事项办理 API / Veterans service checklists API', version: '1',
      description: 'Errors have one shape, `{code, message, errors?, allowedEvents?, currentVersion?}`; `message` follows Accept-Language (zh or en).',
    },
    servers: [{ url: '/', description: 'This service' }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'sid', description: 'The session cookie POST /api/v1/session sets' },
        csrf: {
          type: 'apiKey', in: 'header', name: 'X-CSRF',
          description: 'Writes under the session cookie take a JSON body (multipart where a route takes an upload) and proof that the service\'s own page sent them: the Origin header a browser adds, or a Referer of the service, or an X-CSRF or X-Requested-With header of any value (docs/adr/0006-csrf.md)',
        },
        bearer: { type: 'http', scheme: 'bearer', description: 'An API token; no CSRF proof needed' },
      },
    },
  },
};

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
type Security = Record<string, string[]>[];
const READ: Security = [{ session: [] }, { bearer: [] }];
const WRITE: Security = [{ session: [], csrf: [] }, { bearer: [] }];

const errors = {
  '4xx': { ...ErrorBody, description: 'Refused: the code says why (BAD_REQUEST, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, VALIDATION_FAILED, …)' },
  '5xx': { ...ErrorBody, description: 'INTERNAL, or DATABASE_UNAVAILABLE / IMPORT_BUSY (try again later)' },
};

const methodsOf = (route: RouteOptions) => (Array.isArray(route.method) ? route.method : [route.method]);

/** An onRoute hook: every route of the contract says which credentials it takes and answers errors in the one shape. */
export function describeOperation(route: RouteOptions): void {
  if (!route.url.startsWith('/api/') && !route.url.startsWith('/verify/')) return;
  const isPublic = (route.config as { public?: boolean } | undefined)?.public === true;
  const security: Security = isPublic ? [] : methodsOf(route).some((m) => WRITES.has(m)) ? WRITE : READ;
  route.schema = {
    security, ...route.schema, response: { ...errors, ...(route.schema?.response as object | undefined) },
  };
}
