import type { FastifyInstance } from 'fastify';
import { AppError } from '../http/errors.ts';
import { findUserByUsername } from '../users/user.repository.ts';
import { SESSION_COOKIE } from './auth.plugin.ts';
import { verifyPassword } from './password.ts';
import { deleteSession, insertSession, newToken, tokenHash } from './session.repository.ts';

const loginBody = {
  type: 'object', additionalProperties: false, required: ['username', 'password'],
  properties: { username: { type: 'string', title: '用户名', 'x-title-en': 'User name', minLength: 1, maxLength: 64 }, password: { type: 'string', title: '密码', 'x-title-en': 'Password', minLength: 1, maxLength: 256 } },
} as const;

function publicUser(u: { id: string; username: string; displayName: string; role: string; stationId: string; stationLevel: string }) {
  return { id: u.id, username: u.username, displayName: u.displayName, role: u.role, stationId: u.stationId, stationLevel: u.stationLevel };
}

export default async function sessionRoutes(app: FastifyInstance, opts: { secret: string; ttlMinutes: number }): Promise<void> {
  app.post<{ Body: { username: string; password: string } }>('/session', {
    config: { public: true },
    schema: { tags: ['session'], summary: 'Log in: sets the session cookie', body: loginBody },
  }, async (req, reply) => {
    const user = await findUserByUsername(app.db, req.body.username);
    if (!user || !(await verifyPassword(req.body.password, user.passwordHash))) throw new AppError('BAD_CREDENTIALS');
    const token = newToken();
    const now = app.clock.now();
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
