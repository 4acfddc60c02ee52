import type { FastifyInstance } from 'fastify';
import { SESSION_COOKIE } from '../auth/auth.plugin.ts';
import { clearFailedLogins, DEFAULT_LOGIN_POLICY, lockedUntil, recordFailedLogin } from '../auth/login-guard.ts';
import { hashPassword, verifyPassword } from '../auth/password.ts';
import { AppError } from '../http/errors.ts';
import { deleteSession, insertSession, newToken, tokenHash } from '../auth/session.repository.ts';
import { findUserByUsername } from '../users/user.repository.ts';
import { tr } from './view.ts';
import { COUNTER_COOKIE, pageLang, posted, safeNext, see, sendPage, type PageOptions } from './web.ts';

/** Logging in and out, keeping the session alive, and the counter-mode switch. */
export default async function sessionPages(app: FastifyInstance, opts: PageOptions): Promise<void> {
  const policy = opts.login ?? DEFAULT_LOGIN_POLICY;
  // An unknown user name costs the same scrypt as a wrong password (as in POST /api/v1/session).
  const decoyHash = hashPassword(newToken());
  app.get<{ Querystring: { next?: string; lang?: string; bye?: string } }>('/login', { config: { public: true } }, async (req, reply) => {
    const lang = pageLang(req);
    return sendPage(req, reply, opts, 'login', tr(lang, '登录', 'Log in'), {
      next: safeNext(req.query.next), username: '', loggedOut: req.query.bye === '1', expired: req.query.bye === 'timeout', demo: opts.demo,
    });
  });

  app.post('/login', {
    bodyLimit: 16 * 1024,
    config: { public: true, rateLimit: { max: policy.ratePerMinute, timeWindow: 60_000, errorResponseBuilder: () => new AppError('TOO_MANY_LOGINS') } },
  }, async (req, reply) => {
    const lang = pageLang(req);
    const form = posted(req);
    const username = (form.first('username') ?? '').trim().slice(0, 64);
    const password = (form.first('password') ?? '').slice(0, 256);
    const next = safeNext(form.first('next'));
    const errors: { href: string; text: string; field: string }[] = [];
    if (!username) errors.push({ href: '#username', field: 'username', text: tr(lang, '请输入用户名', 'Enter your user name') });
    if (!password) errors.push({ href: '#password', field: 'password', text: tr(lang, '请输入密码', 'Enter your password') });
    if (!errors.length) {
      const now = app.clock.now();
      const user = await findUserByUsername(app.db, username);
      const locked = user && (await lockedUntil(app.db, user.id, now));
      if (locked) {
        const minutes = Math.max(1, Math.ceil((locked.getTime() - now.getTime()) / 60_000));
        errors.push({ href: '#username', field: 'username', text: tr(lang, `登录失败次数过多，账户已暂时锁定，请${minutes}分钟后再试`, `Too many failed logins: the account is locked; try again in ${minutes} minutes`) });
      } else if (user && (await verifyPassword(password, user.passwordHash))) {
        await clearFailedLogins(app.db, user.id);
        const token = newToken();
        const expiresAt = new Date(now.getTime() + opts.ttlMinutes * 60_000);
        await insertSession(app.db, { hash: tokenHash(opts.secret, token), userId: user.id, kind: 'cookie', now, expiresAt });
        reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure: req.protocol === 'https', expires: expiresAt });
        req.log.info({ userId: user.id }, 'logged in (pages)');
        return see(reply, next === '/login' ? '/' : next);
      }
      if (!locked) {
        if (!user) await verifyPassword(password, await decoyHash);
        const lockStarts = user && (await recordFailedLogin(app.db, user.id, now, policy));
        if (lockStarts) req.log.warn({ userId: user.id }, 'account locked after failed logins');
        errors.push({ href: '#username', field: 'username', text: lockStarts
          ? tr(lang, '登录失败次数过多，账户已暂时锁定，请稍后再试', 'Too many failed logins: the account is locked for a while')
          : tr(lang, '用户名或密码不正确', 'Wrong user name or password') });
      }
    }
    return sendPage(req, reply, opts, 'login', tr(lang, '登录', 'Log in'), {
      next, username, errors, usernameError: errors.find((e) => e.field === 'username')?.text, passwordError: errors.find((e) => e.field === 'password')?.text, demo: opts.demo,
    }, 401);
  });

  app.post('/logout', async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) await deleteSession(app.db, tokenHash(opts.secret, token));
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return see(reply, '/login?bye=1');
  });

  // Keeps a session alive for another full term (the warning banner's button; also without JavaScript).
  app.post('/session/extend', async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE]!;
    const expiresAt = new Date(app.clock.now().getTime() + opts.ttlMinutes * 60_000);
    await app.db.updateTable('sessions').set({ expires_at: expiresAt }).where('token_hash', '=', tokenHash(opts.secret, token)).execute();
    reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure: req.protocol === 'https', expires: expiresAt });
    if (req.headers.accept?.includes('application/json')) return { expiresAt: expiresAt.toISOString() };
    return see(reply, safeNext(posted(req).first('next')));
  });

  // Counter mode (窗口模式): the clerk enters data for a veteran at the desk and prints a receipt.
  app.post('/counter', async (req, reply) => {
    const form = posted(req);
    const on = form.first('on') === '1';
    if (on) reply.setCookie(COUNTER_COOKIE, '1', { path: '/', sameSite: 'lax', httpOnly: true, secure: req.protocol === 'https' });
    else reply.clearCookie(COUNTER_COOKIE, { path: '/' });
    return see(reply, safeNext(form.first('next')));
  });
}
