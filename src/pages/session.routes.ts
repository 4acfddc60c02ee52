import type { FastifyInstance } from 'fastify';
import { SESSION_COOKIE } from '../auth/auth.plugin.ts';
import { clearSessionCookie, setRetryAfter, setSessionCookie } from '../auth/session-cookie.ts';
import { MIN_PASSWORD_LENGTH } from '../auth/password-rule.ts';
import { AppError, errorText } from '../http/errors.ts';
import { message } from '../messages/catalogue.ts';
import type { Lang } from '../messages/lang.ts';
import { COUNTER_COOKIE, pageLang, posted, safeNext, see, sendPage, type PageOptions } from './web.ts';

const passwordHint = (lang: Lang) => message(lang, 'PAGE_PASSWORD_HINT', { min: MIN_PASSWORD_LENGTH });

/** Logging in and out, keeping the session alive, changing the password, and the counter-mode switch. */
export default async function sessionPages(app: FastifyInstance, opts: PageOptions): Promise<void> {
  app.get<{ Querystring: { next?: string; lang?: string; bye?: string } }>('/login', { config: { public: true } }, async (req, reply) => {
    const lang = pageLang(req);
    return sendPage(req, reply, 'login', message(lang, 'PAGE_LOGIN_TITLE'), {
      next: safeNext(req.query.next), username: '', loggedOut: req.query.bye === '1', expired: req.query.bye === 'timeout', demo: opts.demo,
    });
  });

  // The same login service as POST /api/v1/session: one limit per client address and one lockout for both.
  app.post('/login', { bodyLimit: 16 * 1024, config: { public: true } }, async (req, reply) => {
    const lang = pageLang(req);
    const form = posted(req);
    const username = (form.first('username') ?? '').trim().slice(0, 64);
    const password = (form.first('password') ?? '').slice(0, 256);
    const next = safeNext(form.first('next'));
    const errors: { href: string; text: string; field: string }[] = [];
    if (!username) errors.push({ href: '#username', field: 'username', text: message(lang, 'PAGE_LOGIN_USERNAME_MISSING') });
    if (!password) errors.push({ href: '#password', field: 'password', text: message(lang, 'PAGE_LOGIN_PASSWORD_MISSING') });
    let status = 401;
    if (!errors.length) {
      const r = await app.logins.logIn(username, password, req.ip);
      if (r.ok) {
        setSessionCookie(req, reply, r.token, r.expiresAt);
        req.log.info({ userId: r.user.id }, 'logged in (pages)');
        return see(reply, next === '/login' ? '/' : next);
      }
      setRetryAfter(reply, r);
      status = r.error.statusCode;
      errors.push({ href: '#username', field: 'username', text: errorText(lang, r.error) });
    }
    return sendPage(req, reply, 'login', message(lang, 'PAGE_LOGIN_TITLE'), {
      next, username, errors, usernameError: errors.find((e) => e.field === 'username')?.text, passwordError: errors.find((e) => e.field === 'password')?.text, demo: opts.demo,
    }, status);
  });

  app.post('/logout', async (req, reply) => {
    await app.logins.logOut(req.authSession);
    clearSessionCookie(reply);
    return see(reply, '/login?bye=1');
  });

  // Keeps a session alive for another term, up to its absolute end (the warning banner's button;
  // also without JavaScript).
  app.post('/session/extend', async (req, reply) => {
    const expiresAt = await app.logins.extend(req.authSession!);
    const token = req.cookies[SESSION_COOKIE];
    if (token) setSessionCookie(req, reply, token, expiresAt);
    if (req.headers.accept?.includes('application/json')) return { expiresAt: expiresAt.toISOString() };
    return see(reply, safeNext(posted(req).first('next')));
  });

  app.get<{ Querystring: { done?: string } }>('/password', async (req, reply) => {
    const lang = pageLang(req);
    return sendPage(req, reply, 'password', message(lang, 'PAGE_PASSWORD_TITLE'), { done: req.query.done === '1', hint: passwordHint(lang) });
  });

  // The same change as PUT /api/v1/session/password: the other sessions and API tokens end, this one stays.
  app.post('/password', { bodyLimit: 16 * 1024 }, async (req, reply) => {
    const lang = pageLang(req);
    const form = posted(req);
    const currentPassword = (form.first('currentPassword') ?? '').slice(0, 256);
    const newPassword = (form.first('newPassword') ?? '').slice(0, 256);
    const errors: { href: string; text: string }[] = [];
    if (!currentPassword) errors.push({ href: '#currentPassword', text: message(lang, 'PAGE_PASSWORD_CURRENT_MISSING') });
    if (newPassword !== (form.first('confirmPassword') ?? '')) errors.push({ href: '#confirmPassword', text: message(lang, 'PAGE_PASSWORD_MISMATCH') });
    let status = 422;
    if (!errors.length) {
      try {
        await app.logins.changePassword(req.user!, req.authSession!, {
          currentPassword, newPassword, client: req.ip, lang,
        });
        req.log.info({ userId: req.user!.id }, 'password changed (pages)');
        return see(reply, '/password?done=1');
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        status = err.statusCode;
        const fields = err.extras.errors?.map((e) => ({ href: `#${e.path.slice(1)}`, text: e.message }));
        errors.push(...(fields?.length ? fields : [{ href: '#currentPassword', text: errorText(lang, err) }]));
      }
    }
    const errorOf = (id: string) => errors.find((e) => e.href === `#${id}`)?.text;
    return sendPage(req, reply, 'password', message(lang, 'PAGE_PASSWORD_TITLE'), {
      errors, hint: passwordHint(lang), currentError: errorOf('currentPassword'), newError: errorOf('newPassword'), confirmError: errorOf('confirmPassword'),
    }, status);
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
