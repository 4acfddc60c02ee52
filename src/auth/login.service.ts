import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../http/errors.ts';
import type { Lang } from '../messages/lang.ts';
import { findUserByUsername, setPasswordHash, type User } from '../users/user.repository.ts';
import type { AuthSession } from './auth.plugin.ts';
import { ALL_CLIENTS, clearFailures, countAttempt, pruneLoginCounters, takeFailureSlot } from './login-counters.repository.ts';
import { DEFAULT_LOGIN_POLICY, type LoginPolicy } from './login-policy.ts';
import { passwordProblem } from './password-rule.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { deleteOtherSessions, deleteSession, insertSession, newToken, setSessionExpiry, tokenHash } from './session.repository.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Logging in and out, keeping a session alive, changing a password: for the API and the pages alike. */
    logins: LoginService;
  }
}

export interface LoginSettings {
  secret: string;
  /** Idle lifetime of a browser session (SESSION_TTL_MINUTES). */
  ttlMinutes: number;
  /** Absolute lifetime of a browser session from its login (SESSION_MAX_HOURS). */
  maxHours: number;
  policy?: Partial<LoginPolicy>;
}

/** A refused login: the error to show and, for the per-address limit, the seconds until the next minute. */
export interface LoginRefusal {
  ok: false;
  error: AppError;
  retryAfterSeconds?: number;
}

export type LoginOutcome<T> = ({ ok: true } & T) | LoginRefusal;

function invalid(path: string, lang: Lang, m: { zh: string; en: string }): AppError {
  return new AppError('VALIDATION_FAILED', { errors: [{ path, message: m[lang] }], detail: m });
}

function lockedError(until: Date, now: Date): AppError {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
  return new AppError('ACCOUNT_LOCKED', { detail: { zh: `登录失败次数过多，账户已暂时锁定，请${minutes}分钟后再试`, en: `Too many failed logins: the account is locked; try again in ${minutes} minutes` } });
}

// An unknown user name costs the same scrypt as a wrong password, so timing does not tell them apart.
let decoyHash: Promise<string> | undefined;
const decoy = () => (decoyHash ??= hashPassword(newToken()));

export class LoginService {
  readonly policy: LoginPolicy;
  private prunedAt = 0;

  constructor(private readonly db: Db, private readonly clock: Clock, private readonly settings: LoginSettings) {
    this.policy = { ...DEFAULT_LOGIN_POLICY, ...settings.policy };
  }

  /**
   * Checks a user name and password from a client address through the login guard: the address's
   * attempt of this minute and the failure slots of (name, address) and (name, all addresses) are
   * taken first, atomically, so parallel guesses each use one and those past a limit get no check.
   * Known and unknown names are counted and locked alike (docs/adr/0005-login-lockout.md).
   */
  async checkPassword(username: string, password: string, client: string): Promise<LoginOutcome<{ user: User }>> {
    const now = this.clock.now();
    const { attempts, windowEnds } = await countAttempt(this.db, client, now);
    if (attempts > this.policy.ratePerMinute) {
      return { ok: false, error: new AppError('TOO_MANY_LOGINS'), retryAfterSeconds: Math.max(1, Math.ceil((windowEnds.getTime() - now.getTime()) / 1000)) };
    }
    const slot = (c: string, max: number) => takeFailureSlot(this.db, {
      username, client: c, now, max, lockMinutes: this.policy.lockMinutes,
    });
    const pair = await slot(client, this.policy.maxFailures);
    if (pair.slot > this.policy.maxFailures) return { ok: false, error: lockedError(pair.lockedUntil!, now) };
    // A locked pair takes no slot of the user name's count, so one address alone cannot lock the name everywhere.
    const all = await slot(ALL_CLIENTS, this.policy.accountMaxFailures);
    if (all.slot > this.policy.accountMaxFailures) return { ok: false, error: lockedError(all.lockedUntil!, now) };
    const user = await findUserByUsername(this.db, username);
    const right = await verifyPassword(password, user?.passwordHash ?? (await decoy()));
    if (user && right) {
      await clearFailures(this.db, username, client);
      // Housekeeping at most once a minute per instance, on a login that worked (so never on an attacker's request).
      if (now.getTime() - this.prunedAt >= 60_000) {
        this.prunedAt = now.getTime();
        await pruneLoginCounters(this.db, now, this.policy.lockMinutes);
      }
      return { ok: true, user };
    }
    const lock = pair.lockedUntil ?? all.lockedUntil;
    return { ok: false, error: lock ? lockedError(lock, now) : new AppError('BAD_CREDENTIALS') };
  }

  /** Logs in: a new browser session whose token goes into the cookie. */
  async logIn(
    username: string, password: string, client: string,
  ): Promise<LoginOutcome<{ user: User; token: string; expiresAt: Date }>> {
    const checked = await this.checkPassword(username, password, client);
    if (!checked.ok) return checked;
    const now = this.clock.now();
    const token = newToken();
    const lifetime = Math.min(this.settings.ttlMinutes * 60_000, this.settings.maxHours * 3_600_000);
    const expiresAt = new Date(now.getTime() + lifetime);
    await insertSession(this.db, { hash: tokenHash(this.settings.secret, token), userId: checked.user.id, kind: 'cookie', now, expiresAt });
    return { ok: true, user: checked.user, token, expiresAt };
  }

  /** Ends the session or revokes the API token the request came with. */
  async logOut(session: AuthSession | null): Promise<void> {
    if (session) await deleteSession(this.db, session.hash);
  }

  /** Gives a browser session another idle term, never past its absolute end (SESSION_MAX_HOURS after login). */
  async extend(session: AuthSession): Promise<Date> {
    if (session.kind !== 'cookie') {
      throw new AppError('BAD_REQUEST', { detail: { zh: 'API 令牌不能延长，只有浏览器登录可以延长', en: 'An API token cannot be extended; only a browser session can' } });
    }
    const now = this.clock.now();
    const end = session.createdAt.getTime() + this.settings.maxHours * 3_600_000;
    const idle = now.getTime() + this.settings.ttlMinutes * 60_000;
    const expiresAt = new Date(Math.min(idle, end));
    if (expiresAt <= session.expiresAt) {
      // Nothing to add. Only the absolute end is "the longest life"; a session extended a moment ago
      // (or a clock stepped back) keeps its expiry, and it is not told to log in again.
      if (end <= idle) throw new AppError('SESSION_LIMIT');
      return session.expiresAt;
    }
    await setSessionExpiry(this.db, session.hash, expiresAt);
    return expiresAt;
  }

  /**
   * Changes the user's password after checking the current one through the login guard (so this is
   * no way round the lockout), and ends every other session and API token of the user.
   */
  async changePassword(
    user: User, session: AuthSession,
    input: { currentPassword: string; newPassword: string; client: string; lang: Lang },
  ): Promise<void> {
    const problem = passwordProblem(input.newPassword, user.username)
      ?? (input.newPassword === input.currentPassword ? { zh: '新密码不能与当前密码相同', en: 'The new password must differ from the current one' } : undefined);
    if (problem) throw invalid('/newPassword', input.lang, problem);
    const checked = await this.checkPassword(user.username, input.currentPassword, input.client);
    if (!checked.ok) {
      if (checked.error.code !== 'BAD_CREDENTIALS') throw checked.error;
      throw invalid('/currentPassword', input.lang, { zh: '当前密码不正确', en: 'The current password is wrong' });
    }
    const hash = await hashPassword(input.newPassword);
    await this.db.transaction().execute(async (trx) => {
      await setPasswordHash(trx, user.id, hash);
      await deleteOtherSessions(trx, user.id, session.hash);
    });
  }
}
