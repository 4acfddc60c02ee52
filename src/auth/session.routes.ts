import type { FastifyInstance, FastifyReply } from 'fastify';
import { languageOf } from '../messages/lang.ts';
import { clearSessionCookie, setRetryAfter, setSessionCookie } from './session-cookie.ts';
import type { LoginRefusal } from './login.service.ts';
import { MAX_PASSWORD_LENGTH } from './password-rule.ts';
import { LoggedIn, SessionUser } from './session.schemas.ts';
import { NoContent } from '../http/response.schemas.ts';

const loginBody = {
  type: 'object', additionalProperties: false, required: ['username', 'password'],
  properties: { username: { type: 'string', title: '用户名', 'x-title-en': 'User name', minLength: 1, maxLength: 64 }, password: { type: 'string', title: '密码', 'x-title-en': 'Password', minLength: 1, maxLength: 256, 'x-raw': true } },
} as const;

const passwordBody = {
  type: 'object', additionalProperties: false, required: ['currentPassword', 'newPassword'],
  properties: {
    currentPassword: { type: 'string', title: '当前密码', 'x-title-en': 'Current password', minLength: 1, maxLength: 256 },
    newPassword: { type: 'string', title: '新密码', 'x-title-en': 'New password', minLength: 1, maxLength: MAX_PASSWORD_LENGTH },
  },
} as const;

function publicUser(u: {
  id: string; username: string; displayName: string; role: string; stationId: string; stationLevel: string;
}) {
  return {
    id: u.id, username: u.username, displayName: u.displayName, role: u.role, stationId: u.stationId,
    stationLevel: u.stationLevel,
  };
}

/** A refused login as the API answers it: 401, 423 or 429 (with Retry-After). */
function refuse(reply: FastifyReply, r: LoginRefusal): never {
  setRetryAfter(reply, r);
  throw r.error;
}

export default async function sessionRoutes(app: FastifyInstance): Promise<void> {
  // Limits and lockout are the login service's (per client address
  // and user name, in the database), shared with POST /login.
  app.post<{ Body: { username: string; password: string } }>('/session', {
    bodyLimit: 16 * 1024,
    config: { public: true },
    schema: { tags: ['session'], response: { 200: LoggedIn }, summary: 'Log in: sets the session cookie', body: loginBody },
  }, async (req, reply) => {
    const r = await app.logins.logIn(req.body.username, req.body.password, req.ip);
    if (!r.ok) return refuse(reply, r);
    setSessionCookie(req, reply, r.token, r.expiresAt);
    return { user: publicUser(r.user), expiresAt: r.expiresAt.toISOString() };
  });

  app.get('/session', { schema: { tags: ['session'], response: { 200: SessionUser }, summary: 'The logged-in user' } }, async (req) => ({ user: publicUser(req.user!) }));

  app.delete('/session', { schema: { tags: ['session'], response: { 204: NoContent }, summary: 'Log out: ends the session, or revokes the bearer token the request carries' } }, async (req, reply) => {
    await app.logins.logOut(req.authSession);
    clearSessionCookie(reply);
    return reply.status(204).send();
  });

  app.put<{ Body: { currentPassword: string; newPassword: string } }>('/session/password', {
    bodyLimit: 16 * 1024,
    schema: { tags: ['session'], response: { 204: NoContent }, summary: 'Change my password: ends my other sessions and API tokens', body: passwordBody },
  }, async (req, reply) => {
    await app.logins.changePassword(req.user!, req.authSession!, { ...req.body, client: req.ip, lang: languageOf(req.headers['accept-language']) });
    return reply.status(204).send();
  });
}
