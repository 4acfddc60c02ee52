import type { FastifyInstance } from 'fastify';
import { AppError } from '../http/errors.ts';
import { findUserByUsername } from '../users/user.repository.ts';
import { SESSION_COOKIE } from './auth.plugin.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { clearFailedLogins, DEFAULT_LOGIN_POLICY, lockedUntil, recordFailedLogin, type LoginPolicy } from './login-guard.ts';
import { deleteSession, insertSession, newToken, tokenHash } from './session.repository.ts';

const loginBody = {
  type: 'object', additionalProperties: false, required: ['username', 'password'],
  properties: { username: { type: 'string', title: '用户名', 'x-title-en': 'User name', minLength: 1, maxLength: 64 }, password: { type: 'string', title: '密码', 'x-title-en': 'Password', minLength: 1, maxLength: 256, 'x-raw': true } },
} as const;

function publicUser(u: { id: string; username: string; displayName: string; role: string; stationId: string; stationLevel: string }) {
  return { id: u.id, username: u.username, displayName: u.displayName, role: u.role, stationId: u.stationId, stationLevel: u.stationLevel };
}

function lockedError(until: Date, now: Date): AppError {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
  return new AppError('ACCOUNT_LOCKED', { detail: { zh: `登录失败次数过多，账户已暂时锁定，请${minutes}分钟后再试`, en: `Too many failed logins: the account is locked; try again in ${minutes} minutes` } });
}

export default async function sessionRoutes(app: FastifyInstance, opts: { secret: string; ttlMinutes: number; login?: LoginPolicy }): Promise<void> {
  const policy = opts.login ?? DEFAULT_LOGIN_POLICY;
  // An unknown user name costs the same scrypt as a wrong password, so timing does not tell them apart.
  const decoyHash = hashPassword(newToken());
  app.post<{ Body: { username: string; password: string } }>('/session', {
    bodyLimit: 16 * 1024,
    config: {
      public: true,
      // Per client IP (X-Forwarded-For only with TRUST_PROXY); the lockout below is per user name.
      rateLimit: { max: policy.ratePerMinute, timeWindow: 60_000, errorResponseBuilder: () => new AppError('TOO_MANY_LOGINS') },
    },
    schema: { tags: ['session'], summary: 'Log in: sets the session cookie', body: loginBody },
  }, async (req, reply) => {
    const now = app.clock.now();
    const user = await findUserByUsername(app.db, req.body.username);
    const locked = user && (await lockedUntil(app.db, user.id, now));
    if (locked) throw lockedError(locked, now);
    if (!user || !(await verifyPassword(req.body.password, user.passwordHash))) {
      if (!user) await verifyPassword(req.body.password, await decoyHash);
      const lockStarts = user && (await recordFailedLogin(app.db, user.id, now, policy));
      if (lockStarts) req.log.warn({ userId: user.id }, 'account locked after failed logins');
      throw lockStarts ? lockedError(lockStarts, now) : new AppError('BAD_CREDENTIALS');
    }
    await clearFailedLogins(app.db, user.id);
    const token = newToken();
    const expiresAt = new Date(now.getTime() + opts.ttlMinutes * 60_000);
    await insertSession(app.db, { hash: tokenHash(opts.secret, token), userId: user.id, kind: 'cookie', now, expiresAt });
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/', httpOnly: true, sameSite: 'lax', secure: req.protocol === 'https', expires: expiresAt,
    });
    return { user: publicUser(user), expiresAt: expiresAt.toISOString() };
  });

  app.get('/session', { schema: { tags: ['session'], summary: 'The logged-in user' } }, async (req) => ({ user: publicUser(req.user!) }));

  app.delete('/session', { schema: { tags: ['session'], summary: 'Log out' } }, async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) await deleteSession(app.db, tokenHash(opts.secret, token));
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });
}
