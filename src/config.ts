import { envSchema } from 'env-schema';
import Type, { type Static } from 'typebox';
import type { LoginPolicy } from './auth/login-policy.ts';
import { NOTICE_DEFAULTS, parseSeries, type NoticeSettings } from './notices/notice.settings.ts';

const postgresUrl = () => Type.Optional(Type.String({ pattern: '^postgres(ql)?://' }));

/**
 * Every setting the service reads, with its default; see README "Configuration". A setting with a
 * default is always there once env-schema has read the environment, so only those without are optional.
 */
export const configSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ default: '127.0.0.1' }),
  DATABASE_URL: postgresUrl(),
  // The tables' owner, for migrations; DATABASE_URL then serves as a role that owns nothing (src/db/runtime-role.ts).
  MIGRATION_DATABASE_URL: postgresUrl(),
  DATA_DIR: Type.String({ default: './data' }),
  LOG_LEVEL: Type.String({ enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' }),
  SESSION_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  // Encrypts ID numbers and phones at rest (src/crypto/data-key.ts): 32 bytes as hex or base64.
  DATA_KEY: Type.Optional(Type.String({ pattern: '^\\s*([0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)\\s*$' })),
  // Behind a reverse proxy: true, or the proxies' addresses/CIDRs, comma-separated (X-Forwarded-For/-Proto).
  TRUST_PROXY: Type.Optional(Type.String({ pattern: '^(true|false|[0-9a-fA-F.:/, ]*[.:][0-9a-fA-F.:/, ]*)$' })),
  LOGIN_RATE_LIMIT: Type.Integer({ minimum: 1, default: 30 }),
  LOGIN_MAX_FAILURES: Type.Integer({ minimum: 1, default: 5 }),
  LOGIN_ACCOUNT_MAX_FAILURES: Type.Integer({ minimum: 1, default: 50 }),
  LOGIN_LOCK_MINUTES: Type.Integer({ minimum: 1, default: 15 }),
  SESSION_TTL_MINUTES: Type.Integer({ minimum: 5, default: 480 }),
  SESSION_MAX_HOURS: Type.Integer({ minimum: 1, default: 12 }),
  SESSION_CACHE_SECONDS: Type.Integer({ minimum: 0, maximum: 60, default: 5 }),
  DB_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 100, default: 8 }),
  SWEEP_INTERVAL_SECONDS: Type.Integer({ minimum: 0, default: 60 }),
  ESCALATION_GRACE_WORKING_DAYS: Type.Integer({ minimum: 0, default: 2 }),
  EXPORT_MAX_ROWS: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 20_000 }),
  CLOCK: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T' })),
  DEMO: Type.Optional(Type.Boolean()),
  // Printed notices: src/notices/notice.settings.ts says what each one means.
  REVIEW_BODY: Type.String({ minLength: 2, default: NOTICE_DEFAULTS.reviewBody }),
  COURT: Type.String({ minLength: 2, default: NOTICE_DEFAULTS.court }),
  PETITION_REVIEW_BODY: Type.String({ minLength: 2, default: NOTICE_DEFAULTS.petitionReviewBody }),
  PETITION_RECHECK_BODY: Type.String({ minLength: 2, default: NOTICE_DEFAULTS.petitionRecheckBody }),
  PUBLIC_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  NOTICE_NUMBER_PREFIX: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
  // kind=代字 pairs, e.g. receipt=收,accepted=受 (parseSeries in src/notices/notice.settings.ts).
  NOTICE_SERIES: Type.Optional(Type.String({ maxLength: 400 })),
  // Path of the electronic seal, a PNG with transparency; refused in demo mode.
  NOTICE_SEAL_IMAGE: Type.Optional(Type.String({ minLength: 1 })),
  NOTICE_CONTACT_PHONE: Type.Optional(Type.String({ maxLength: 40 })),
  NOTICE_SWEEP_SECONDS: Type.Integer({ minimum: 1, default: NOTICE_DEFAULTS.sweepSeconds }),
}, {
  // With a shared database several instances must sign sessions alike, so the secret is required;
  // and notices are immutable, so their QR codes must point at the public address from the first one.
  if: { required: ['DATABASE_URL'] },
  then: { required: ['SESSION_SECRET', 'DATA_KEY', 'PUBLIC_BASE_URL'] },
  // The owner's URL means nothing without the runtime role's.
  dependencies: { MIGRATION_DATABASE_URL: ['DATABASE_URL'] },
});

/** The environment as env-schema hands it over: validated, defaults filled in. */
type Env = Static<typeof configSchema>;

export interface Config {
  port: number;
  host: string;
  databaseUrl?: string;
  /**
   * The owner of the tables, for migrations; unset: DATABASE_URL's
   * user if it owns them (docs/adr/0009-runtime-role.md).
   */
  migrationDatabaseUrl?: string;
  /** Embedded database folder; `memory://` keeps it in memory (tests). */
  dataDir: string;
  logLevel: string;
  sessionSecret?: string;
  /** Idle lifetime of a browser session: each extension gives this much again. */
  sessionTtlMinutes: number;
  /** Absolute lifetime of a browser session from its login; no extension goes past it. */
  sessionMaxHours: number;
  /**
   * How long a resolved session answers from memory (src/auth/session-cache.ts): the bound on a change
   * no notice reports; 0 turns the cache off; unset = 5.
   */
  sessionCacheSeconds?: number;
  dbPoolSize: number;
  clockStart?: string;
  /** How often the deadline sweeper runs; 0 turns it off (tests drive it by hand). */
  sweepIntervalSeconds: number;
  escalationGraceWorkingDays: number;
  /** The most cases one export of the case list may hold; more are refused with a Chinese message. */
  exportMaxRows: number;
  /** Seed the demo district and its users; defaults to on for the embedded database. */
  demo: boolean;
  /** Printed notices; unset fields take NOTICE_DEFAULTS. */
  notices?: Partial<NoticeSettings>;
  /** Key of personal data at rest (hex or base64 of 32 bytes); unset = kept in DATA_DIR (embedded). */
  dataKey?: string;
  /** Fastify's trustProxy: whether X-Forwarded-* headers are believed (client IP, https). */
  trustProxy?: boolean | string;
  /** Login protection (src/auth/login-policy.ts); unset = DEFAULT_LOGIN_POLICY. */
  login?: Partial<LoginPolicy>;
}

function trustProxyOf(v: string | undefined): boolean | string {
  return v === undefined || v === 'false' ? false : v === 'true' ? true : v;
}

export class ConfigError extends Error {}

const PUBLIC_BASE_URL_NEEDED = '使用 DATABASE_URL 时必须设置 PUBLIC_BASE_URL（对外访问地址，如 https://tysw.example.gov.cn）：通知书上的二维码指向它，印发后无法更改。'
  + ' / PUBLIC_BASE_URL is required with DATABASE_URL (the public address, e.g. https://tysw.example.gov.cn): the QR codes on notices point at it and cannot change once issued.';

/** Reads and validates the environment; throws ConfigError with a readable list of problems. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  let raw: Env;
  try {
    raw = envSchema<Env>({ schema: configSchema, data: env, dotenv: false });
  } catch (err) {
    const hint = env.DATABASE_URL && !env.PUBLIC_BASE_URL ? `\n${PUBLIC_BASE_URL_NEEDED}` : '';
    throw new ConfigError(`配置错误 / invalid configuration: ${(err as Error).message}${hint}`);
  }
  const demo = raw.DEMO ?? raw.DATABASE_URL === undefined;
  const series = parseSeries(raw.NOTICE_SERIES);
  const problems = 'problems' in series ? series.problems : [];
  // A demo notice must never look sealed.
  if (demo && raw.NOTICE_SEAL_IMAGE) problems.push('演示模式不加盖电子印章：请设 DEMO=false 或去掉 NOTICE_SEAL_IMAGE / no seal in demo mode: set DEMO=false or unset NOTICE_SEAL_IMAGE');
  if (problems.length) throw new ConfigError(`配置错误 / invalid configuration: ${problems.join('；')}`);
  return {
    port: raw.PORT,
    host: raw.HOST,
    databaseUrl: raw.DATABASE_URL,
    migrationDatabaseUrl: raw.MIGRATION_DATABASE_URL,
    dataDir: raw.DATA_DIR,
    logLevel: raw.LOG_LEVEL,
    sessionSecret: raw.SESSION_SECRET,
    sessionTtlMinutes: raw.SESSION_TTL_MINUTES,
    sessionMaxHours: raw.SESSION_MAX_HOURS,
    sessionCacheSeconds: raw.SESSION_CACHE_SECONDS,
    dbPoolSize: raw.DB_POOL_SIZE,
    clockStart: raw.CLOCK,
    sweepIntervalSeconds: raw.SWEEP_INTERVAL_SECONDS,
    escalationGraceWorkingDays: raw.ESCALATION_GRACE_WORKING_DAYS,
    exportMaxRows: raw.EXPORT_MAX_ROWS,
    demo,
    notices: {
      reviewBody: raw.REVIEW_BODY, court: raw.COURT, petitionReviewBody: raw.PETITION_REVIEW_BODY,
      petitionRecheckBody: raw.PETITION_RECHECK_BODY, petitionDays: NOTICE_DEFAULTS.petitionDays,
      publicBaseUrl: raw.PUBLIC_BASE_URL ?? `http://${raw.HOST}:${raw.PORT}`, numberPrefix: raw.NOTICE_NUMBER_PREFIX,
      ...('series' in series ? { series: series.series } : {}), sealImage: raw.NOTICE_SEAL_IMAGE,
      contactPhone: raw.NOTICE_CONTACT_PHONE, sweepSeconds: raw.NOTICE_SWEEP_SECONDS,
    },
    dataKey: raw.DATA_KEY?.trim(),
    trustProxy: trustProxyOf(raw.TRUST_PROXY),
    login: {
      ratePerMinute: raw.LOGIN_RATE_LIMIT, maxFailures: raw.LOGIN_MAX_FAILURES,
      accountMaxFailures: raw.LOGIN_ACCOUNT_MAX_FAILURES, lockMinutes: raw.LOGIN_LOCK_MINUTES,
    },
  };
}
